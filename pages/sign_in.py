"""The sign-in page. Until real sign-in lands, demo mode offers the demo accounts."""

from __future__ import annotations

import streamlit as st

from casework.accounts import continue_as_demo, demo_accounts
from casework.errors import DomainError
from casework.roles import ROLE_LABELS
from db.config import get_settings
from db.engine import session_scope
from pages import ui


def render() -> None:
    _ = ui.gettext()
    settings = get_settings()
    st.title(_("Pantau"))
    st.write(_("Joint case desk for election content oversight."))
    with session_scope() as session:
        accounts = demo_accounts(session=session, settings=settings)
    if not accounts:
        st.info(
            _("Sign-in is not configured on this server. Ask your administrator."),
            icon=":material/lock:",
        )
        return
    st.subheader(_("Demo accounts"))
    st.caption(
        _("This server runs in demo mode with invented data. Choose an account to continue.")
    )
    for user, organisation in accounts:
        columns = st.columns([3, 2])
        columns[0].markdown(f"**{ui.plain(user.display_name)}**  \n{ui.plain(organisation.name)}")
        label = _("Continue as {role}").format(role=_(ROLE_LABELS[user.role]))
        if columns[1].button(label, key=f"sign_in_demo_{user.id}"):
            try:
                with session_scope() as session:
                    actor = continue_as_demo(session=session, settings=settings, user_id=user.id)
            except DomainError as error:
                ui.show_error(error)
                return
            ui.sign_in_as(actor)
            st.rerun()
