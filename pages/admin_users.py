"""Users and organisations (admins). Invitations, approval and deactivation arrive with
the sign-in issue; today the page lists who has an account."""

from __future__ import annotations

import streamlit as st

from casework.accounts import list_users
from casework.roles import ORG_KIND_LABELS, ROLE_LABELS
from db.engine import session_scope
from pages import ui


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Users and organisations"))
    st.info(
        _("Inviting, approving and deactivating users comes with real sign-in."),
        icon=":material/construction:",
    )
    with session_scope() as session:
        rows = list_users(session=session, actor=actor)
    st.dataframe(
        [
            {
                _("User"): user.display_name,
                _("Username"): user.username,
                _("Role"): _(ROLE_LABELS[user.role]),
                _("Organisation"): organisation.name,
                _("Kind"): _(ORG_KIND_LABELS[organisation.kind]),
                _("Region"): organisation.region_code or "—",
                _("Active"): "✓" if user.active else "—",
            }
            for user, organisation in rows
        ],
        hide_index=True,
        width="stretch",
    )
