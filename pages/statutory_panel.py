"""The case page's statutory panel (issue 17): temuan/laporan, kajian awal, kajian and
its approval, forwarding with numbered letters, Komdigi's answers, the exports."""

from __future__ import annotations

from datetime import date

import streamlit as st

from casework.desk.actions import spec_of, take_action
from casework.desk.workflow import ACTION_LABELS, Action
from casework.errors import DomainError
from casework.i18n import LANGUAGE_NAMES, LANGUAGES
from casework.people.permissions import works_cases
from casework.records.exports import ExportFile
from casework.reference.legal_grounds import grounds
from casework.statutory.exports import berkas, status_announcement
from casework.statutory.forwarding import BODIES, BODY_LABELS, RESPONSE_LABELS, record_komdigi_order
from casework.statutory.intake import TERLAPOR_STATUS_LABELS
from casework.statutory.kajian import CONCLUSION_LABELS, VIOLATION_KIND_LABELS
from casework.statutory.letters import letter_docx, letter_pdf
from casework.statutory.stages import INTAKE_TYPE_LABELS, STAGE_LABELS
from casework.statutory.view import case_letter, statutory_view
from pages import calls, ui

# The statutory steps whose inputs are not only free text: their forms are drawn here
# (`_action_form`); every other step's form is drawn from its spec.
BESPOKE_FORMS = (Action.DRAFT_KAJIAN, Action.FORWARD_CASE, Action.RECORD_GAKKUMDU_OUTCOME)


def render_statutory(case_id: int, actor) -> None:
    _ = ui.gettext()
    try:
        with calls.reading() as session:
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
    if works_cases(actor):
        _exports(view, actor)


def _key(view, action: Action, name: str) -> str:
    return f"statutory_{action}_{view.case_id}_{name}"


def _run(case_id: int, version: int, actor, action: Action, fields: dict[str, str]) -> None:
    """A callback: take `action` in one unit of work (pages/calls.py), its inputs read
    from the form's widgets (`fields`: input name → widget key)."""
    _ = ui.gettext()
    inputs = {name: st.session_state.get(key) for name, key in fields.items()}

    def work(session) -> None:
        take_action(
            session=session,
            actor=actor,
            case_id=case_id,
            version=version,
            action=action,
            **inputs,
        )

    calls.act_on_case(
        case_id, work, done=_("Done: {action}.").format(action=_(ACTION_LABELS[action]))
    )


def _action_form(view, actor, action: Action) -> None:
    _ = ui.gettext()
    label = _(ACTION_LABELS[action])
    spec = spec_of(action)
    fields: dict[str, str] = {}
    with st.form(f"statutory_{action}"):
        if action == Action.DRAFT_KAJIAN:
            for name in ("facts", "analysis"):
                item = spec.input(name)
                fields[name] = _key(view, action, name)
                st.text_area(_(item.label), max_chars=item.max_length, key=fields[name])
            fields["conclusion"] = _key(view, action, "conclusion")
            st.selectbox(
                _("Conclusion"),
                list(CONCLUSION_LABELS),
                format_func=lambda c: _(CONCLUSION_LABELS[c]),
                key=fields["conclusion"],
            )
            fields["violation_kind"] = _key(view, action, "violation_kind")
            st.selectbox(
                _("Kind of violation"),
                list(VIOLATION_KIND_LABELS),
                format_func=lambda c: _(VIOLATION_KIND_LABELS[c]),
                key=fields["violation_kind"],
            )
            with calls.reading() as session:
                options = {g.id: g.citation for g in grounds(session)}
            fields["legal_ground_ids"] = _key(view, action, "legal_ground_ids")
            st.multiselect(
                _("Legal grounds"),
                list(options),
                format_func=options.get,
                key=fields["legal_ground_ids"],
            )
            item = spec.input("recommendation")
            fields["recommendation"] = _key(view, action, "recommendation")
            st.text_area(_(item.label), max_chars=item.max_length, key=fields["recommendation"])
        elif action == Action.FORWARD_CASE:
            fields["body"] = _key(view, action, "body")
            # Preselected from the approved kajian's violation kind; the officer may change it.
            st.selectbox(
                _("Forward to"),
                list(BODIES),
                index=BODIES.index(view.suggested_body) if view.suggested_body else 0,
                format_func=lambda b: _(BODY_LABELS[b]),
                key=fields["body"],
            )
            for name in ("addressee", "recommendation"):
                item = spec.input(name)
                fields[name] = _key(view, action, name)
                widget = st.text_input if name == "addressee" else st.text_area
                widget(_(item.label), max_chars=item.max_length, key=fields[name])
            # The letter goes to an Indonesian body: Bahasa Indonesia unless chosen otherwise.
            fields["language"] = _key(view, action, "language")
            st.selectbox(
                _("Letter language"),
                list(LANGUAGES),
                format_func=LANGUAGE_NAMES.get,
                key=fields["language"],
            )
        elif action == Action.RECORD_GAKKUMDU_OUTCOME:
            gakkumdu = [f for f in view.forwardings if f.body == "gakkumdu"]
            fields["forwarding_id"] = _key(view, action, "forwarding_id")
            st.selectbox(_("Forward to"), [f.id for f in gakkumdu], key=fields["forwarding_id"])
            fields["outcome"] = _key(view, action, "outcome")
            st.selectbox(
                _("Outcome"),
                ["discussed", "investigation", "stopped"],
                format_func=lambda o: _(RESPONSE_LABELS[o]),
                key=fields["outcome"],
            )
        else:
            for item in spec.inputs:
                fields[item.name] = _key(view, action, item.name)
                st.text_area(_(item.label), max_chars=item.max_length, key=fields[item.name])
        st.form_submit_button(
            label,
            on_click=_run,
            args=(view.case_id, view.version, actor, action, fields),
        )


def _record_order(case_id: int, version: int, actor, fields: dict[str, str]) -> None:
    """A callback: Komdigi's order on its request, in one unit of work."""
    _ = ui.gettext()
    inputs = {name: st.session_state.get(key) for name, key in fields.items()}

    def work(session) -> None:
        record_komdigi_order(
            session=session, actor=actor, case_id=case_id, version=version, **inputs
        )

    calls.act_on_case(
        case_id,
        work,
        done=_("Done: {action}.").format(action=_(ACTION_LABELS[Action.RECORD_REGULATOR_ORDER])),
    )


def _order_form(view, actor) -> None:
    _ = ui.gettext()
    prefix = f"statutory_order_{view.case_id}"
    fields = {name: f"{prefix}_{name}" for name in ("order_number", "order_date", "urgent", "note")}
    with st.form("statutory_komdigi_order"):
        st.text_input(_("Letter number"), max_chars=120, key=fields["order_number"])
        st.date_input(
            _("Letter date"), value=date.today(), format="DD/MM/YYYY", key=fields["order_date"]
        )
        st.checkbox(_("Urgent (mendesak)"), key=fields["urgent"])
        st.text_area(_("Note (optional)"), max_chars=4000, key=fields["note"])
        st.form_submit_button(
            _(ACTION_LABELS[Action.RECORD_REGULATOR_ORDER]),
            on_click=_record_order,
            args=(view.case_id, view.version, actor, fields),
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
