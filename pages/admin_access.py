"""Sign-in (admins): the identity providers configured and how many accounts use each,
and the sessions open now, each of which an admin can end."""

from __future__ import annotations

import streamlit as st

from casework import admin
from casework.i18n import N_
from casework.people.providers import configured_providers
from pages import calls, forms, ui

METHOD_LABELS = {"password": N_("Password"), "oidc": N_("Identity provider"), "demo": N_("Demo")}


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Sign-in and sessions"))
    ui.show_flash()
    _providers(actor)
    _sessions(actor)


def _providers(actor) -> None:
    _ = ui.gettext()
    st.subheader(_("Sign-in providers"))
    with calls.reading() as session:
        rows = admin.providers_in_use(
            session=session, actor=actor, providers=configured_providers(st.secrets)
        )
    if not any(row.configured for row in rows):
        st.info(
            _(
                "No identity provider is configured: everyone signs in with a user name and "
                "password. Providers are added in .streamlit/secrets.toml (see the README)."
            ),
            icon=":material/info:",
        )
    if rows:
        st.dataframe(
            [
                {
                    _("Provider"): row.label,
                    _("Name in secrets.toml"): row.name,
                    _("Configured"): _("Yes") if row.configured else _("no longer"),
                    _("Linked accounts"): row.users,
                }
                for row in rows
            ],
            hide_index=True,
            width="stretch",
        )
    st.caption(
        _(
            "An account is linked to a provider at its first sign-in there. Accounts of a "
            "provider that is no longer configured cannot sign in through it."
        )
    )


def _sessions(actor) -> None:
    _ = ui.gettext()
    st.subheader(_("Active sessions"))
    st.caption(
        _(
            "Sign-ins with a password open these sessions. A sign-in through an identity "
            "provider has none: it is checked against its account on every interaction, so "
            "deactivating the account ends it."
        )
    )
    with calls.reading() as session:
        rows = admin.active_sessions(session=session, actor=actor)
    if not rows:
        st.info(_("No session is open."))
        return
    st.dataframe(
        [
            {
                _("User"): user.display_name,
                _("User name"): user.username,
                _("Method"): _(METHOD_LABELS[row.method])
                if row.method in METHOD_LABELS
                else row.method,
                _("Signed in"): ui.format_time(row.created_at, actor),
                _("Last seen"): ui.format_time(row.last_seen_at, actor),
                _("Expires"): ui.format_time(row.expires_at, actor),
                _("IP address"): row.ip_address or "—",
                _("Browser"): row.user_agent or "—",
            }
            for row, user in rows
        ],
        hide_index=True,
        width="stretch",
    )
    labels = {
        row.id: f"{user.display_name} · {ui.format_time(row.created_at, actor)}"
        for row, user in rows
    }
    session_id = st.selectbox(
        _("Session"),
        list(labels),
        index=None,
        format_func=labels.get,
        placeholder=_("Choose…"),
        key="access_session",
    )
    if st.button(_("End session"), disabled=session_id is None, key="access_revoke_submit"):
        forms.attempt(
            "access",
            "revoke",
            lambda session: admin.revoke_session(
                session=session, actor=actor, session_id=session_id
            ),
            _("The session has ended."),
            clear="access_session",
        )
