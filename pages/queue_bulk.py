"""The queue's bulk actions: choose the action, say what it needs, confirm the count."""

from __future__ import annotations

import streamlit as st

from casework.desk import sla
from casework.desk.assignment import assignable_users
from casework.desk.bulk import BULK_LABELS, BulkAction, apply_bulk, bulk_actions_for
from casework.errors import DomainError
from casework.i18n import Translatable
from pages import calls, ui

RESULT = "queue_bulk_result"


def bulk_bar(actor, selected: list) -> None:
    """Offer the bulk actions for the `selected` cases (rows as the user saw them)."""
    _ = ui.gettext()
    actions = bulk_actions_for(actor)
    _show_last_result()
    if not actions or not selected:
        return
    with st.container(border=True):
        st.markdown(f"**{_('{count} cases selected').format(count=len(selected))}**")
        action = st.segmented_control(
            _("Bulk action"),
            [a.value for a in actions],
            format_func=lambda a: _(BULK_LABELS[BulkAction(a)]),
            key="queue_bulk_action",
        )
        if not action:
            return
        inputs = _inputs(actor, BulkAction(action))
        if inputs is None:
            return
        confirm = _("Apply “{action}” to {count} cases").format(
            action=_(BULK_LABELS[BulkAction(action)]), count=len(selected)
        )
        if st.button(confirm, type="primary", key="queue_bulk_confirm"):
            versions = {case.id: case.version for case in selected}
            try:
                with calls.reading() as session:
                    result = apply_bulk(
                        session=session, actor=actor, action=action, versions=versions, **inputs
                    )
            except DomainError as error:
                ui.show_error(error)
                for message in ui.validation_errors(error).values():
                    st.caption(f":red[{ui.plain(_(message))}]")
                return
            st.session_state[RESULT] = (
                action,
                result.done,
                [
                    (ref, error.translated(_), _next_step(_, result.next_steps.get(ref)))
                    for ref, error in result.refused
                ],
            )
            st.session_state.pop("queue_table", None)
            st.session_state.pop("queue_bulk_action", None)
            st.rerun()


def _inputs(actor, action: BulkAction) -> dict | None:
    _ = ui.gettext()
    if action == BulkAction.START_REVIEW:
        return {}
    if action == BulkAction.ASSIGN:
        with calls.reading() as session:
            people = {u.id: u.display_name for u in assignable_users(session=session, actor=actor)}
        choice = st.selectbox(
            _("Assign to"),
            [0, *people],
            format_func=lambda k: _("Nobody (unassign)") if k == 0 else people[k],
            key="queue_bulk_assignee",
        )
        return {"assignee_id": choice or None}
    if action == BulkAction.SET_PRIORITY:
        priority = st.radio(
            _("Priority"),
            [p.value for p in sla.Priority],
            format_func=lambda p: _(sla.PRIORITY_LABELS[sla.Priority(p)]),
            horizontal=True,
            key="queue_bulk_priority",
        )
        return {"priority": priority}
    if action == BulkAction.REFER:
        note = st.text_area(
            _("Note to the platform (optional)"), max_chars=4000, key="queue_bulk_note"
        )
        return {"note": note}
    if action == BulkAction.CLOSE_DUPLICATE:
        target = st.text_input(
            _("Reference of the case to keep"), max_chars=32, key="queue_bulk_into"
        )
        return {"into_reference": target}
    reason = st.text_area(
        _("Why is this not a violation or out of scope?"), max_chars=4000, key="queue_bulk_reason"
    )
    return {"reason": reason}


def _next_step(_, hint) -> str:
    """The translated next step of a refused case ("First: Start review.")."""
    if not hint:
        return "—"
    message, params = hint
    return _(message).format(
        **{k: _(v) if isinstance(v, Translatable) else v for k, v in params.items()}
    )


def _show_last_result() -> None:
    _ = ui.gettext()
    result = st.session_state.pop(RESULT, None)
    if not result:
        return
    action, done, refused = result
    label = _(BULK_LABELS[BulkAction(action)])
    if done:
        st.success(
            _("“{action}” applied to {count} cases: {references}").format(
                action=label, count=len(done), references=", ".join(done)
            )
        )
    if refused:
        st.warning(
            _("{count} cases could not take “{action}”:").format(count=len(refused), action=label)
        )
        st.dataframe(
            [
                {_("Reference"): ref, _("Reason"): message, _("Next step"): step}
                for ref, message, step in refused
            ],
            hide_index=True,
        )
