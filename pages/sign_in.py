"""Signed out, this is the only page. It leads to the password form (a route in web/,
so the session cookie can be HttpOnly) and to each configured identity provider."""

from __future__ import annotations

import streamlit as st

from casework.providers import configured_providers
from pages import ui


def render() -> None:
    _ = ui.gettext()
    st.title("Pantau")
    st.write(_("Joint case desk for election content oversight."))
    # A plain link, not st.link_button: that one opens a new tab, and signing in would
    # leave this tab behind on the sign-in page. The label is escaped; `lang` is a code.
    ui.same_tab_link(_("Sign in with user name and password"), f"/signin?lang={ui.language()}")
    providers = configured_providers(st.secrets)
    if providers:
        st.caption(_("Or sign in with your organisation's account:"))
        for provider in providers:
            label = _("Sign in with {provider}").format(provider=provider.label)
            if st.button(label, key=f"sign_in_provider_{provider.name}"):
                st.login(provider.name)
