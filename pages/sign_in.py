"""Signed out, this is the only page. It leads to the password form (a route in web/,
so the session cookie can be HttpOnly) and to each configured identity provider."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from casework.people.providers import configured_providers
from pages import ui


def render_for(url_path: str):
    """The sign-in page shown at `url_path` (a page that needs a signed-in user): after
    sign-in the browser comes back to that page with the same query (`?id=…`)."""

    def render_sign_in() -> None:
        query = urlencode(
            [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
        )
        _ = ui.gettext()
        notice = _("Sign in to open this case.") if url_path == "case" else None
        render(
            next_path=f"/{url_path}" + (f"?{query}" if query else ""),
            notice=notice or _("Sign in to open this page."),
        )

    return render_sign_in


def render(next_path: str = "/", notice: str | None = None) -> None:
    _ = ui.gettext()
    st.title("Pantau")
    st.write(_("Joint case desk for election content oversight."))
    if notice:
        st.info(notice, icon=":material/lock:")
    # A plain link, not st.link_button: that one opens a new tab, and signing in would
    # leave this tab behind on the sign-in page. The label is escaped; `lang` is a code.
    # A language chosen in the sidebar goes as `set_language`: the sign-in page keeps it
    # (a cookie) and saves it to the account at sign-in.
    key = "set_language" if ui.language_picked() else "lang"
    params = {key: ui.language(), **({"next": next_path} if next_path != "/" else {})}
    ui.same_tab_link(_("Sign in with user name and password"), f"/signin?{urlencode(params)}")
    providers = configured_providers(st.secrets)
    if providers:
        st.caption(_("Or sign in with your organisation's account:"))
        for provider in providers:
            label = _("Sign in with {provider}").format(provider=provider.label)
            if st.button(label, key=f"sign_in_provider_{provider.name}"):
                st.login(provider.name)
