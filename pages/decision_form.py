"""The case page's decision form and the line of DSA facts under a recorded decision."""

from __future__ import annotations

import streamlit as st

from casework.case_view import CaseView
from casework.dsa_values import GLOBAL, country_codes, country_name, scope_codes
from casework.i18n import N_, format_date
from casework.schemas import DecisionIn
from casework.taxonomy import term_label, terms
from casework.workflow import Action
from db.engine import session_scope
from pages import ui

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


def decision_form(view: CaseView, actor, version: int, *, run_action) -> None:
    """The platform's decision, in the shape of a DSA statement of reasons; `run_action`
    is the case page's way of calling a service and answering it."""
    _ = ui.gettext()
    language = ui.language()
    with session_scope() as session:
        types = terms(session, "decision_type")
    labels = {t.code: term_label(t, language) for t in types}
    countries = [GLOBAL, *sorted(country_codes())]

    def country_label(code: str) -> str:
        if code == GLOBAL:
            return _("Every country (global)")
        return f"{country_name(code, language)} ({code})"

    with st.form("case_decision_form"):
        decisions = st.multiselect(_("Decision"), list(labels), format_func=labels.get)
        ground = st.radio(
            _("Ground"),
            ["terms", "law"],
            format_func=lambda g: _("Terms of service") if g == "terms" else _("Law"),
            horizontal=True,
        )
        legal = st.text_input(_("Legal reference"), max_chars=500)
        policy = st.text_input(_("Policy reference"), max_chars=500)
        explanation = st.text_area(_("Explanation"), max_chars=10000)
        st.caption(_("Required. At most 2,000 characters when the scope covers an EU/EEA country."))
        facts = st.text_area(
            _("Facts and circumstances (if not in the explanation)"), max_chars=10000
        )
        scope = st.multiselect(
            _("Territorial scope"), countries, default=["ID"], format_func=country_label
        )
        ends = {
            column: st.date_input(_(label), value=None, format="DD/MM/YYYY")
            for column, label in END_DATE_LABELS.items()
        }
        detection = st.checkbox(_("Detected by automated means"))
        automated = st.radio(
            _("Decided by automated means"),
            list(AUTOMATION_LABELS),
            format_func=lambda a: _(AUTOMATION_LABELS[a]),
            horizontal=True,
        )
        if st.form_submit_button(_("Record decision")):
            run_action(
                view,
                actor,
                Action.RECORD_DECISION,
                version,
                decision=DecisionIn(
                    decisions=decisions,
                    ground=ground,
                    legal_reference=legal,
                    policy_reference=policy,
                    explanation=explanation,
                    facts=facts,
                    territorial_scope=",".join(scope),
                    automated_detection=detection,
                    automated_decision=automated,
                    **ends,
                ),
            )


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
