"""Side panels of the case page: who works the case and how urgent it is, and the
history file for the regulator's letter."""

from __future__ import annotations

import streamlit as st

from casework.desk import sla
from casework.desk.assignment import assign_case, assignable_users, set_priority
from casework.desk.case_view import CaseView
from casework.records.exports import ExportFile, csv_records
from casework.records.history_export import history_csv
from pages import calls, ui


def work_panel(view: CaseView, actor, *, version: int) -> None:
    """Assignment and priority, for the supervisory body's caseworkers on open cases."""
    if not view.may_assign:
        return
    _ = ui.gettext()
    with calls.reading() as session:
        people = {u.id: u.display_name for u in assignable_users(session=session, actor=actor)}
    st.markdown(f"**{_('Work on this case')}**")
    key = f"case_work_{view.case_id}"
    with st.form(key):
        options = [0, *people]
        current = view.assignee_id if view.assignee_id in people else 0
        st.selectbox(
            _("Assignee"),
            options,
            index=options.index(current),
            format_func=lambda k: _("Nobody") if k == 0 else people[k],
            key=f"{key}_assignee",
        )
        priorities = [p.value for p in sla.Priority]
        st.radio(
            _("Priority"),
            priorities,
            index=priorities.index(view.priority),
            format_func=lambda p: _(sla.PRIORITY_LABELS[sla.Priority(p)]),
            horizontal=True,
            key=f"{key}_priority",
        )
        st.form_submit_button(_("Save"), on_click=_save, args=(view, actor, version, key))


def _save(view: CaseView, actor, version: int, key: str) -> None:
    """The work panel's callback: assignment and priority in one unit of work."""
    assignee_id = st.session_state.get(f"{key}_assignee") or None
    priority = st.session_state.get(f"{key}_priority", view.priority)

    def work(session) -> None:
        seen = version
        if assignee_id != view.assignee_id:
            case = assign_case(
                session=session,
                actor=actor,
                case_id=view.case_id,
                version=seen,
                assignee_id=assignee_id,
            )
            seen = case.version
        if priority != view.priority:
            set_priority(
                session=session,
                actor=actor,
                case_id=view.case_id,
                version=seen,
                priority=priority,
            )

    calls.act_on_case(view.case_id, work, done=ui.gettext()("Saved."))


def history_download(view: CaseView, actor) -> None:
    """The case's record and timeline as a file, in the viewer's language and zone."""
    _ = ui.gettext()
    language = ui.language()

    def build(_session, fresh) -> ExportFile:
        data = history_csv(view, gettext=_, language=language, zone=fresh.time_zone)
        return ExportFile(data, csv_records(data))

    st.download_button(
        _("Download the case history (CSV)"),
        data=ui.deferred_export(
            actor, "case_history_csv", build, filters={"case": view.reference}, case_id=view.case_id
        ),
        file_name=f"{view.reference}-history.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"case_history_{view.case_id}",
        on_click="ignore",
    )
