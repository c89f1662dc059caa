"""Platform signing keys on the Integrations page: the public keys with which each
platform signs its decisions, registered by an admin (platforms can also register their
own through the API), and revoked when a key is retired."""

from __future__ import annotations

import streamlit as st

from casework.records.decision_signatures import (
    list_platform_keys,
    register_platform_key,
    revoke_platform_key,
)
from pages import calls, forms, ui

PAGE = "integrations"


def platform_keys_section(actor, platforms: dict[int, str]) -> None:
    """The list of keys, a form to register one, and a button to revoke one."""
    _ = ui.gettext()
    st.subheader(_("Platform signing keys"))
    st.caption(
        _(
            "A platform signs its decisions with its own Ed25519 key; Pantau checks each "
            "signature against the keys registered here and shows the decision as signed "
            "by the platform. A decision whose signature fails is refused."
        )
    )
    with calls.reading() as session:
        rows = list_platform_keys(session=session, actor=actor)
    if rows:
        st.dataframe(
            [
                {
                    _("Organisation"): name,
                    _("Key"): key.key_id,
                    _("Label"): key.label,
                    _("Registered"): ui.format_time(key.created_at, actor),
                    _("Status"): _("revoked") if key.revoked_at else _("active"),
                }
                for key, name in rows
            ],
            hide_index=True,
            width="stretch",
        )
    with st.form("integrations_platform_key"):
        organisation_id = st.selectbox(
            _("Platform"),
            list(platforms),
            format_func=platforms.get,
            index=None,
            placeholder=_("Choose…"),
            key="integrations_key_organisation",
        )
        forms.field_error(PAGE, "platform_key", "organisation_id")
        public_key = st.text_area(
            _("Public key (PEM, or base64 of the 32 bytes)"),
            max_chars=1000,
            key="integrations_key_public",
        )
        forms.field_error(PAGE, "platform_key", "public_key")
        label = st.text_input(_("Label"), max_chars=120, key="integrations_key_label")
        forms.field_error(PAGE, "platform_key", "label")
        if st.form_submit_button(_("Register key"), key="integrations_key_submit"):
            forms.attempt(
                PAGE,
                "platform_key",
                lambda session: register_platform_key(
                    session=session,
                    actor=actor,
                    organisation_id=organisation_id,
                    public_key=public_key,
                    label=label,
                ),
                _("The key was registered."),
            )
    active = {key.key_id: f"{name} · {key.key_id}" for key, name in rows if not key.revoked_at}
    key_id = st.selectbox(
        _("Key"),
        list(active),
        format_func=active.get,
        index=None,
        placeholder=_("Choose…"),
        key="integrations_revoke_key",
    )
    if st.button(_("Revoke key"), disabled=key_id is None, key="integrations_key_revoke"):
        forms.attempt(
            PAGE,
            "revoke_key",
            lambda session: revoke_platform_key(session=session, actor=actor, key_id=key_id),
            _("The key was revoked."),
            clear="integrations_revoke",
        )
