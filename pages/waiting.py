"""Shown to someone who signed in through an identity provider but whom no admin has
approved yet: they are known, and can do nothing until then."""

from __future__ import annotations

import streamlit as st

from pages import ui


def render() -> None:
    _ = ui.gettext()
    st.title(_("Waiting for approval"))
    st.info(
        _(
            "You signed in, but an administrator has not yet given your account access. "
            "You will be able to work once they approve it."
        ),
        icon=":material/hourglass_empty:",
    )
    if st.button(_("Sign out"), key="waiting_sign_out"):
        st.logout()
