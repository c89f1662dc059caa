"""The case page's statutory panel (issue 17): temuan/laporan, kajian awal, kajian and
its approval, forwarding with numbered letters, Komdigi's answers, the exports."""

from __future__ import annotations

from datetime import date

import streamlit as st

from casework.errors import DomainError
from casework.exports import ExportFile
from casework.i18n import N_
from casework.legal_grounds import grounds
from casework.statutory.exports import berkas, status_announcement
from casework.statutory.forwarding import BODIES, BODY_LABELS, RESPONSE_LABELS, record_komdigi_order
from casework.statutory.intake import TERLAPOR_STATUS_LABELS
from casework.statutory.kajian import CONCLUSION_LABELS, VIOLATION_KIND_LABELS
from casework.statutory.letters import letter_docx, letter_pdf
from casework.statutory.services import STATUTORY_SERVICES
from casework.statutory.stages import INTAKE_TYPE_LABELS, STAGE_LABELS
from casework.statutory.view import case_letter, statutory_view
from casework.workflow import ACTION_LABELS, Action
from db.engine import session_scope
from pages import ui
from pages.case_panels import run_on_case

# Free-text inputs of the simple statutory actions: (keyword, label, required).
TEXT_INPUTS = {
    Action.REGISTER_LAPORAN: ("note", N_("Note (optional)"), False),
    Action.DECLINE_REGISTRATION: ("reason", N_("Reason"), True),
    Action.RETURN_KAJIAN: ("reason", N_("Reason"), True),
    Action.FORWARD_UP: ("note", N_("Note (optional)"), False),
    Action.CONCLUDE_HANDLING: ("note", N_("Note (optional)"), False),
    Action.KOMDIGI_CRITERIA_NOT_MET: ("reason", N_("Reason"), True),
    Action.KOMDIGI_REQUEST_INFORMATION: ("question", N_("Your question to the officer"), True),
    Action.REQUEST_KOMDIGI: ("recommendation", N_("Recommendation"), False),
}


def render_statutory(case_id: int, actor) -> None:
    _ = ui.gettext()
    try:
        with session_scope() as session:
            view = statutory_view(session=session, actor=actor, case_id=case_id)
    except DomainError:
        return
    st.markdown(f"**{_('Violation handling')}**")
    st.caption(
        f"{_(INTAKE_TYPE_LABELS.get(view.intake_type, view.intake_type))} · "
        f"{_(STAGE_LABELS.get(view.stage, '-')) if view.stage else '-'}"
    )
    if view.terlapor_name:
        status = TERLAPOR_STATUS_LABELS.get(view.terlapor_status or "", "")
        st.text(f"{_('Reported party')}: {view.terlapor_name} ({_(status) if status else '-'})")
    if view.oversight_source:
        st.text(f"{_('Oversight source')}: {view.oversight_source}")
    if view.awal is not None:
        st.text(_("Registered (diregistrasi)") if view.awal.registered else _("Not registered"))
    if view.kajian is not None:
        with st.expander(_("Review (kajian)")):
            st.text(f"{_('Facts')}: {view.kajian.facts}")
            st.text(f"{_('Analysis')}: {view.kajian.analysis}")
            st.text(f"{_('Conclusion')}: {_(CONCLUSION_LABELS[view.kajian.conclusion])}")
            st.text(
                f"{_('Kind of violation')}: {_(VIOLATION_KIND_LABELS[view.kajian.violation_kind])}"
            )
            st.text(f"{_('Recommendation')}: {view.kajian.recommendation or '-'}")
    for forwarding in view.forwardings:
        st.text(
            f"{_(BODY_LABELS[forwarding.body])} · {forwarding.addressee} · "
            f"{_(RESPONSE_LABELS[forwarding.response])}"
        )
    for letter in view.letters:
        columns = st.columns(2)
        for column, (fmt, render) in zip(
            columns, (("docx", letter_docx), ("pdf", letter_pdf)), strict=True
        ):
            column.download_button(
                _("Letter {number} ({format})").format(number=letter.number, format=fmt.upper()),
                data=ui.deferred_export(
                    actor,
                    f"letter_{fmt}",
                    _letter_builder(letter.id, render),
                    filters={"letter": letter.number},
                    case_id=view.case_id,
                ),
                file_name=f"{view.reference}-{letter.id}.{fmt}",
                key=f"letter_{fmt}_{letter.id}",
                on_click="ignore",
            )
    # The Komdigi channel's own actions are with the case's other actions.
    for action in view.stage_actions:
        with st.expander(_(ACTION_LABELS[action])):
            _action_form(view, actor, action)
    if view.komdigi_order_open:
        with st.expander(_("Order issued: letter number and date")):
            _order_form(view, actor)
    if actor.is_supervisory_caseworker:
        _exports(view, actor)


def _run(view, actor, action: Action, **inputs) -> None:
    _ = ui.gettext()
    service = STATUTORY_SERVICES[action]

    def work(session) -> None:
        service(session=session, actor=actor, case_id=view.case_id, version=view.version, **inputs)

    run_on_case(
        view.case_id, work, done=_("Done: {action}.").format(action=_(ACTION_LABELS[action]))
    )


def _action_form(view, actor, action: Action) -> None:
    _ = ui.gettext()
    label = _(ACTION_LABELS[action])
    with st.form(f"statutory_{action}"):
        if action == Action.DRAFT_KAJIAN:
            facts = st.text_area(_("Facts"), max_chars=20_000)
            analysis = st.text_area(_("Analysis"), max_chars=20_000)
            conclusion = st.selectbox(
                _("Conclusion"),
                list(CONCLUSION_LABELS),
                format_func=lambda c: _(CONCLUSION_LABELS[c]),
            )
            kind = st.selectbox(
                _("Kind of violation"),
                list(VIOLATION_KIND_LABELS),
                format_func=lambda c: _(VIOLATION_KIND_LABELS[c]),
            )
            with session_scope() as session:
                options = {g.id: g.citation for g in grounds(session)}
            chosen = st.multiselect(_("Legal grounds"), list(options), format_func=options.get)
            recommendation = st.text_area(_("Recommendation"), max_chars=20_000)
            if st.form_submit_button(label):
                _run(
                    view,
                    actor,
                    action,
                    facts=facts,
                    analysis=analysis,
                    conclusion=conclusion,
                    violation_kind=kind,
                    legal_ground_ids=chosen,
                    recommendation=recommendation,
                )
        elif action == Action.FORWARD_CASE:
            # Preselected from the approved kajian's violation kind; the officer may change it.
            body = st.selectbox(
                _("Forward to"),
                list(BODIES),
                index=BODIES.index(view.suggested_body) if view.suggested_body else 0,
                format_func=lambda b: _(BODY_LABELS[b]),
            )
            addressee = st.text_input(_("Addressee (optional)"), max_chars=300)
            recommendation = st.text_area(_("Recommendation"), max_chars=20_000)
            if st.form_submit_button(label):
                _run(
                    view,
                    actor,
                    action,
                    body=body,
                    addressee=addressee,
                    recommendation=recommendation,
                )
        elif action == Action.RECORD_GAKKUMDU_OUTCOME:
            gakkumdu = [f for f in view.forwardings if f.body == "gakkumdu"]
            target = st.selectbox(_("Forward to"), [f.id for f in gakkumdu])
            outcome = st.selectbox(
                _("Outcome"),
                ["discussed", "investigation", "stopped"],
                format_func=lambda o: _(RESPONSE_LABELS[o]),
            )
            if st.form_submit_button(label):
                _run(view, actor, action, forwarding_id=target, outcome=outcome)
        elif action in TEXT_INPUTS:
            keyword, prompt, _required = TEXT_INPUTS[action]
            text = st.text_area(_(prompt), max_chars=4000)
            if st.form_submit_button(label):
                _run(view, actor, action, **{keyword: text})
        elif st.form_submit_button(label):
            _run(view, actor, action)


def _order_form(view, actor) -> None:
    _ = ui.gettext()
    with st.form("statutory_komdigi_order"):
        number = st.text_input(_("Letter number"), max_chars=120)
        day = st.date_input(_("Letter date"), value=date.today(), format="DD/MM/YYYY")
        urgent = st.checkbox(_("Urgent (mendesak)"))
        note = st.text_area(_("Note (optional)"), max_chars=4000)
        if st.form_submit_button(_(ACTION_LABELS[Action.RECORD_REGULATOR_ORDER])):

            def work(session) -> None:
                record_komdigi_order(
                    session=session,
                    actor=actor,
                    case_id=view.case_id,
                    version=view.version,
                    order_number=number,
                    order_date=day,
                    urgent=urgent,
                    note=note,
                )

            run_on_case(
                view.case_id,
                work,
                done=_("Done: {action}.").format(
                    action=_(ACTION_LABELS[Action.RECORD_REGULATOR_ORDER])
                ),
            )


def _letter_builder(letter_id: int, render):
    def build(session, fresh) -> ExportFile:
        return ExportFile(render(case_letter(session=session, actor=fresh, letter_id=letter_id)), 1)

    return build


def _exports(view, actor) -> None:
    _ = ui.gettext()
    language = ui.language()
    case_id = view.case_id
    if view.intake_type == "laporan":
        columns = st.columns(2)
        for column, fmt in zip(columns, ("pdf", "csv"), strict=True):

            def build(session, fresh, fmt=fmt) -> ExportFile:
                data = status_announcement(
                    session=session, actor=fresh, case_id=case_id, fmt=fmt, language=language
                )
                return ExportFile(data, 1)

            column.download_button(
                _("Status announcement (PDF)") if fmt == "pdf" else _("Status announcement (CSV)"),
                data=ui.deferred_export(
                    actor, f"status_announcement_{fmt}", build, case_id=case_id
                ),
                file_name=f"{view.reference}-pengumuman.{fmt}",
                key=f"announce_{fmt}_{case_id}",
                on_click="ignore",
            )

    def build_berkas(session, fresh) -> ExportFile:
        data = berkas(session=session, actor=fresh, case_id=case_id, language=language)
        return ExportFile(data, 1)

    st.download_button(
        _("Case file for Gakkumdu (PDF)"),
        data=ui.deferred_export(actor, "berkas_pdf", build_berkas, case_id=case_id),
        file_name=f"{view.reference}-berkas.pdf",
        key=f"berkas_{case_id}",
        on_click="ignore",
    )
