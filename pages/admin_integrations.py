"""Integrations (admins): API tokens of the organisations' own tools, their webhook
receivers, and the deliveries sent to them, each of which can be replayed. A new
token or signing secret is shown once, right after it is made."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from casework import admin
from casework.outbox.api_tokens import (
    SCOPE_LABELS,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
)
from casework.outbox.webhooks import (
    EVENTS,
    deactivate_endpoint,
    list_deliveries,
    list_endpoints,
    register_endpoint,
    replay_delivery,
)
from casework.people.roles import OrgKind
from casework.records.signing import keys_url
from casework.settings import get_settings
from db.types import utcnow
from pages import calls, forms, ui
from pages.platform_keys_panel import platform_keys_section

PAGE = "integrations"
SHOWN_ONCE = "integrations_secret"  # the session key holding a new secret for one run


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Integrations"))
    ui.show_flash()
    _show_secret_once()
    with calls.reading() as session:
        active = [
            row.organisation
            for row in admin.list_organisations(session=session, actor=actor)
            if row.organisation.active
        ]
    organisations = {organisation.id: organisation.name for organisation in active}
    _tokens(actor, organisations)
    _webhooks(actor, organisations)
    _deliveries(actor)
    platform_keys_section(actor, {o.id: o.name for o in active if o.kind == OrgKind.PLATFORM})


def _show_secret_once() -> None:
    _ = ui.gettext()
    secret = st.session_state.pop(SHOWN_ONCE, None)
    if secret:
        st.warning(_("Copy it now: it is not shown again."), icon=":material/key:")
        st.code(secret, language=None)


def _tokens(actor, organisations: dict[int, str]) -> None:
    _ = ui.gettext()
    st.subheader(_("API tokens"))
    st.caption(
        _(
            "A token lets an organisation's own tools use the HTTP API under /api/v1 "
            "(reference at /api/v1/docs), with the same scope and rules as its people."
        )
    )
    with calls.reading() as session:
        rows = list_api_tokens(session=session, actor=actor)
    if rows:
        st.dataframe(
            [
                {
                    _("Name"): token.name,
                    _("Organisation"): organisation.name,
                    _("Prefix"): token.prefix,
                    _("Scopes"): ", ".join(token.scopes),
                    _("Created"): ui.format_time(token.created_at, actor),
                    _("Expires"): ui.format_time(token.expires_at, actor)
                    if token.expires_at
                    else _("never"),
                    _("Last used"): ui.format_time(token.last_used_at, actor)
                    if token.last_used_at
                    else "—",
                    _("Status"): _("revoked") if token.revoked_at else _("active"),
                }
                for token, organisation in rows
            ],
            hide_index=True,
            width="stretch",
        )
    with st.form("integrations_token", clear_on_submit=False):
        organisation_id = st.selectbox(
            _("Organisation"),
            list(organisations),
            format_func=organisations.get,
            index=None,
            placeholder=_("Choose…"),
            key="integrations_token_organisation",
        )
        forms.field_error(PAGE, "token", "organisation_id")
        name = st.text_input(
            _("Name"),
            max_chars=120,
            help=_("What the token is for."),
            key="integrations_token_name",
        )
        forms.field_error(PAGE, "token", "name")
        scopes = st.multiselect(
            _("Scopes"),
            list(SCOPE_LABELS),
            format_func=lambda s: _(SCOPE_LABELS[s]),
            key="integrations_token_scopes",
            placeholder=ui.choose(),
        )
        forms.field_error(PAGE, "token", "scopes")
        days = st.number_input(_("Valid for (days, 0 = no expiry)"), 0, 3650, 365)
        if st.form_submit_button(_("Create token"), key="integrations_token_submit"):

            def create(session) -> None:
                _row, token = create_api_token(
                    session=session,
                    actor=actor,
                    organisation_id=organisation_id,
                    name=name,
                    scopes=scopes,
                    expires_at=utcnow() + timedelta(days=int(days)) if days else None,
                )
                st.session_state[SHOWN_ONCE] = token

            forms.attempt(PAGE, "token", create, _("The token was created."))
    active = {
        token.id: f"{token.name} · {token.prefix}" for token, _o in rows if not token.revoked_at
    }
    token_id = st.selectbox(
        _("Token"),
        list(active),
        format_func=active.get,
        index=None,
        placeholder=_("Choose…"),
        key="integrations_revoke_token",
    )
    if st.button(_("Revoke token"), disabled=token_id is None, key="integrations_revoke"):
        forms.attempt(
            PAGE,
            "revoke",
            lambda session: revoke_api_token(session=session, actor=actor, token_id=token_id),
            _("The token was revoked; it is refused from now on."),
            clear="integrations_revoke",
        )


def _webhooks(actor, organisations: dict[int, str]) -> None:
    _ = ui.gettext()
    st.subheader(_("Webhooks"))
    st.caption(
        _(
            "Pantau posts each chosen event to the address, signed with the endpoint's "
            "secret (header Pantau-Signature), and retries failures with growing pauses."
        )
    )
    st.caption(
        _(
            "Each delivery is also signed with this installation's Ed25519 key (header "
            "Pantau-Signature-Ed25519), so that a platform can prove what it was asked "
            "and when; the public keys are at {url}."
        ).format(url=keys_url())
    )
    with calls.reading() as session:
        rows = list_endpoints(session=session, actor=actor)
    if rows:
        st.dataframe(
            [
                {
                    _("Organisation"): organisation.name,
                    _("Address (URL)"): endpoint.url,
                    _("Events"): ", ".join(endpoint.events),
                    _("Status"): _("active") if endpoint.active else _("deactivated"),
                }
                for endpoint, organisation in rows
            ],
            hide_index=True,
            width="stretch",
        )
    with st.form("integrations_webhook"):
        organisation_id = st.selectbox(
            _("Organisation"),
            list(organisations),
            format_func=organisations.get,
            index=None,
            placeholder=_("Choose…"),
            key="integrations_webhook_organisation",
        )
        forms.field_error(PAGE, "webhook", "organisation_id")
        url = st.text_input(
            _("Address (https://…)"), max_chars=2000, key="integrations_webhook_url"
        )
        forms.field_error(PAGE, "webhook", "url")
        events = st.multiselect(
            _("Events"),
            list(EVENTS),
            format_func=lambda e: _(EVENTS[e]),
            key="integrations_webhook_events",
            placeholder=ui.choose(),
        )
        forms.field_error(PAGE, "webhook", "events")
        if st.form_submit_button(_("Register webhook"), key="integrations_webhook_submit"):

            def register(session) -> None:
                _endpoint, secret = register_endpoint(
                    session=session,
                    actor=actor,
                    organisation_id=organisation_id,
                    url=url,
                    events=events,
                    settings=get_settings(),
                )
                st.session_state[SHOWN_ONCE] = secret

            forms.attempt(PAGE, "webhook", register, _("The webhook was registered."))
    active = {endpoint.id: endpoint.url for endpoint, _o in rows if endpoint.active}
    endpoint_id = st.selectbox(
        _("Webhook"),
        list(active),
        format_func=active.get,
        index=None,
        placeholder=_("Choose…"),
        key="integrations_deactivate_endpoint",
    )
    if st.button(_("Deactivate webhook"), disabled=endpoint_id is None, key="integrations_off"):
        forms.attempt(
            PAGE,
            "deactivate",
            lambda session: deactivate_endpoint(
                session=session, actor=actor, endpoint_id=endpoint_id
            ),
            _("The webhook was deactivated."),
            clear="integrations_deactivate",
        )


def _deliveries(actor) -> None:
    _ = ui.gettext()
    st.subheader(_("Deliveries"))
    with calls.reading() as session:
        rows = list_deliveries(session=session, actor=actor, limit=100)
    if not rows:
        st.info(_("Nothing has been sent yet."))
        return
    labels = {"pending": _("waiting"), "delivered": _("delivered"), "failed": _("failed")}
    st.dataframe(
        [
            {
                _("Delivery"): row.id,
                _("Event"): row.event,
                _("Status"): labels.get(row.status, row.status),
                _("Attempts"): row.attempts,
                _("Answer"): row.response_status or "—",
                _("Error"): row.last_error or "—",
                _("Last attempt"): ui.format_time(row.last_attempt_at, actor)
                if row.last_attempt_at
                else "—",
                _("Replay of"): row.replay_of_id or "—",
            }
            for row in rows
        ],
        hide_index=True,
        width="stretch",
    )
    delivery_id = st.selectbox(
        _("Delivery"),
        [row.id for row in rows],
        index=None,
        placeholder=_("Choose…"),
        key="integrations_replay_delivery",
    )
    if st.button(_("Replay delivery"), disabled=delivery_id is None, key="integrations_replay"):
        forms.attempt(
            PAGE,
            "replay",
            lambda session: replay_delivery(session=session, actor=actor, delivery_id=delivery_id),
            _("The delivery will be sent again."),
            clear="integrations_replay",
        )
