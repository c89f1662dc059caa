"""The case page's decision form and the line of DSA facts under a recorded decision."""

from __future__ import annotations

import streamlit as st

from casework.desk.case_view import CaseView
from casework.desk.schemas import DECISION_LIMITS, DecisionIn
from casework.desk.workflow import Action
from casework.i18n import N_, format_date
from casework.records.dsa_values import GLOBAL, country_codes, country_name, scope_codes
from casework.reference.taxonomy import term_label, terms
from pages import calls, ui

AUTOMATION_LABELS = {
    "not_automated": N_("Not automated"),
    "partially": N_("Partially automated"),
    "fully": N_("Fully automated"),
}
END_DATE_LABELS = {
    "visibility_ends_on": N_("Content restriction ends on"),
    "monetary_ends_on": N_("Monetary restriction ends on"),
    "account_ends_on": N_("Account restriction ends on"),
}


def decision_form(view: CaseView, actor, version: int, label: str = "", *, take) -> None:
    """The platform's decision, in the shape of a DSA statement of reasons. Its submit
    runs `take` (the case page's action callback) in `on_click`: one click, one run."""
    _ = ui.gettext()
    language = ui.language()
    with calls.reading() as session:
        types = terms(session, "decision_type")
    labels = {t.code: term_label(t, language) for t in types}
    countries = [GLOBAL, *sorted(country_codes())]

    def country_label(code: str) -> str:
        if code == GLOBAL:
            return _("Every country (global)")
        return f"{country_name(code, language)} ({code})"

    key = f"case_decision_{view.case_id}_"
    with st.form("case_decision_form"):
        st.multiselect(_("Decision"), list(labels), format_func=labels.get, key=key + "decisions")
        st.radio(
            _("Ground"),
            ["terms", "law"],
            format_func=lambda g: _("Terms of service") if g == "terms" else _("Law"),
            horizontal=True,
            key=key + "ground",
        )
        st.text_input(
            _("Legal reference"),
            max_chars=DECISION_LIMITS["legal_reference"],
            key=key + "legal_reference",
        )
        st.text_input(
            _("Policy reference"),
            max_chars=DECISION_LIMITS["policy_reference"],
            key=key + "policy_reference",
        )
        st.text_area(
            _("Explanation"), max_chars=DECISION_LIMITS["explanation"], key=key + "explanation"
        )
        st.caption(_("Required. At most 2,000 characters when the scope covers an EU/EEA country."))
        st.text_area(
            _("Facts and circumstances (if not in the explanation)"),
            max_chars=DECISION_LIMITS["facts"],
            key=key + "facts",
        )
        st.multiselect(
            _("Territorial scope"),
            countries,
            default=["ID"],
            format_func=country_label,
            key=key + "territorial_scope",
        )
        for column, end_label in END_DATE_LABELS.items():
            st.date_input(_(end_label), value=None, format="DD/MM/YYYY", key=key + column)
        st.checkbox(_("Detected by automated means"), key=key + "automated_detection")
        st.radio(
            _("Decided by automated means"),
            list(AUTOMATION_LABELS),
            format_func=lambda a: _(AUTOMATION_LABELS[a]),
            horizontal=True,
            key=key + "automated_decision",
        )
        st.form_submit_button(
            _("Record decision"), on_click=_decide, args=(view.case_id, actor, version, key, take)
        )


def _decide(case_id: int, actor, version: int, key: str, take) -> None:
    """The decision form's callback."""
    state = st.session_state
    decision = DecisionIn(
        decisions=state.get(key + "decisions") or [],
        ground=state.get(key + "ground") or "terms",
        legal_reference=state.get(key + "legal_reference") or "",
        policy_reference=state.get(key + "policy_reference") or "",
        explanation=state.get(key + "explanation") or "",
        facts=state.get(key + "facts") or "",
        territorial_scope=",".join(state.get(key + "territorial_scope") or []),
        automated_detection=bool(state.get(key + "automated_detection")),
        automated_decision=state.get(key + "automated_decision") or "not_automated",
        **{column: state.get(key + column) for column in END_DATE_LABELS},
    )
    take(case_id, actor, Action.RECORD_DECISION, version, decision=decision)


def decision_details(decision) -> list[str]:
    """Scope, automation, end dates and the platform's PUID, as one line of facts."""
    _ = ui.gettext()
    language = ui.language()
    scope = [
        _("Every country (global)") if code == GLOBAL else country_name(code, language)
        for code in scope_codes(decision.territorial_scope)
    ]
    details = [
        f"{_('Territorial scope')}: {', '.join(scope)}",
        _(AUTOMATION_LABELS.get(decision.automated_decision, AUTOMATION_LABELS["not_automated"])),
    ]
    for column, label in END_DATE_LABELS.items():
        ends_on = getattr(decision, column)
        if ends_on is not None:
            details.append(f"{_(label)} {format_date(ends_on, language=language)}")
    if decision.puid:
        details.append(f"PUID {decision.puid}")
    return details
