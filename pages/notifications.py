"""Notifications: what happened on the user's cases, newest first, each a link."""

from __future__ import annotations

import streamlit as st

from casework.outbox.notifications import NOTIFICATION_TEXTS, list_notifications, mark_read
from pages import calls, registry, ui


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Notifications"))
    ui.show_flash()
    unread_only = st.toggle(_("Unread only"), key="notifications_unread_only")
    with calls.reading() as session:
        notes = list_notifications(
            session=session, user_id=actor.user_id, unread_only=unread_only, limit=200
        )
    if not notes:
        st.info(_("No notifications."), icon=":material/notifications_off:")
        return
    if any(note.read_at is None for note in notes) and st.button(
        _("Mark all as read"), key="notifications_mark_all"
    ):
        with calls.reading() as session:
            mark_read(session=session, user_id=actor.user_id)
        st.rerun()
    for note in notes:
        text = _(NOTIFICATION_TEXTS.get(note.kind, note.kind)).format(**note.params)
        unread = note.read_at is None
        with st.container(border=True):
            columns = st.columns([6, 2])
            marker = "● " if unread else ""
            columns[0].markdown(f"{marker}**{ui.plain(text)}**" if unread else ui.plain(text))
            columns[0].caption(ui.format_time(note.created_at, actor))
            if note.case_id and columns[1].button(
                _("Open case"), key=f"notifications_open_{note.id}"
            ):
                with calls.reading() as session:
                    mark_read(session=session, user_id=actor.user_id, notification_id=note.id)
                st.switch_page(registry.page("case"), query_params={"id": str(note.case_id)})
            elif unread and columns[1].button(_("Mark read"), key=f"notifications_read_{note.id}"):
                with calls.reading() as session:
                    mark_read(session=session, user_id=actor.user_id, notification_id=note.id)
                st.rerun()
