"""My account: language, time zone and notifications."""

from __future__ import annotations

import streamlit as st

from casework.accounts import update_preferences
from casework.errors import DomainError
from casework.i18n import LANGUAGE_NAMES, LANGUAGES, TIME_ZONES
from casework.notifications import NOTIFICATION_TEXTS, mark_read, unread_notifications
from casework.roles import ROLE_LABELS
from db.engine import session_scope
from pages import ui


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("My account"))
    ui.show_flash()
    st.text(f"{actor.display_name} · {_(ROLE_LABELS[actor.role])} · {actor.organisation_name}")

    with st.form("account_preferences"):
        language = st.selectbox(
            _("Language"),
            LANGUAGES,
            format_func=LANGUAGE_NAMES.get,
            index=LANGUAGES.index(actor.language) if actor.language in LANGUAGES else 0,
        )
        zones = list(TIME_ZONES)
        time_zone = st.selectbox(
            _("Time zone"),
            zones,
            format_func=lambda z: f"{TIME_ZONES[z]} ({z})",
            index=zones.index(actor.time_zone) if actor.time_zone in zones else 0,
        )
        if st.form_submit_button(_("Save")):
            try:
                with session_scope() as session:
                    update_preferences(
                        session=session, actor=actor, language=language, time_zone=time_zone
                    )
            except DomainError as error:
                ui.show_error(error)
            else:
                ui.use_language(language)
                ui.flash(_("Saved."))
                st.rerun()

    st.subheader(_("Notifications"), anchor=False)
    with session_scope() as session:
        notes = unread_notifications(session=session, user_id=actor.user_id)
    if not notes:
        st.caption(_("No unread notifications."))
        return
    for note in notes:
        text = _(NOTIFICATION_TEXTS.get(note.kind, note.kind)).format(**note.params)
        st.text(f"{ui.format_time(note.created_at, actor)} · {text}")
    if st.button(_("Mark all as read"), key="account_mark_read"):
        with session_scope() as session:
            mark_read(session=session, user_id=actor.user_id)
        st.rerun()
