"""Side panels of the case page: who works the case and how urgent it is, and the
history file for the regulator's letter."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from casework import sla
from casework.assignment import assign_case, assignable_users, set_priority
from casework.case_view import CaseView
from casework.errors import DomainError, StaleVersion
from casework.exports import ExportFile, csv_records
from casework.history_export import history_csv
from casework.workflow import OPEN_STATUSES
from db.engine import session_scope
from pages import ui


def work_panel(view: CaseView, actor, *, version: int) -> None:
    """Assignment and priority, for the supervisory body's caseworkers on open cases."""
    if not actor.is_supervisory_caseworker or view.status not in OPEN_STATUSES:
        return
    _ = ui.gettext()
    with session_scope() as session:
        people = {u.id: u.display_name for u in assignable_users(session=session, actor=actor)}
    st.markdown(f"**{_('Work on this case')}**")
    with st.form(f"case_work_{view.case_id}"):
        options = [0, *people]
        current = view.assignee_id if view.assignee_id in people else 0
        assignee = st.selectbox(
            _("Assignee"),
            options,
            index=options.index(current),
            format_func=lambda k: _("Nobody") if k == 0 else people[k],
        )
        priorities = [p.value for p in sla.Priority]
        priority = st.radio(
            _("Priority"),
            priorities,
            index=priorities.index(view.priority),
            format_func=lambda p: _(sla.PRIORITY_LABELS[sla.Priority(p)]),
            horizontal=True,
        )
        if st.form_submit_button(_("Save")):
            _save(view, actor, version, assignee or None, priority)


def _save(view: CaseView, actor, version: int, assignee_id, priority: str) -> None:
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

    run_on_case(view.case_id, work, done=ui.gettext()("Saved."))


def run_on_case(case_id: int, work: Callable[..., None], *, done: str) -> None:
    """Run `work` (service calls on one case) and answer the way the case page does: a
    stale version reloads the current state with a warning, any other refusal shows its
    message and each field's, success reloads with `done`."""
    _ = ui.gettext()
    try:
        with session_scope() as session:
            work(session)
    except StaleVersion as error:
        st.session_state.pop(f"case_seen_{case_id}", None)
        ui.flash(error.translated(_), "warning")
        st.rerun()
    except DomainError as error:
        ui.show_error(error)
        for message in ui.validation_errors(error).values():
            st.caption(f":red[{ui.plain(_(message))}]")
        return
    st.session_state.pop(f"case_seen_{case_id}", None)
    ui.flash(done)
    st.rerun()


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
