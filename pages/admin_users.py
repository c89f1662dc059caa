"""Users (admins): the queue of identities waiting for approval, every account with
filters, invitations, and changes of role, organisation, status or password."""

from __future__ import annotations

import streamlit as st

from casework import admin
from casework.desk.schemas import InvitationIn
from casework.i18n import N_
from casework.people.providers import configured_providers
from casework.people.roles import ORG_KIND_LABELS, ROLE_LABELS, Role
from casework.settings import get_settings
from pages import calls, forms, ui

STATUS_LABELS = {
    "active": N_("Active"),
    "pending": N_("Waiting for approval"),
    "deactivated": N_("Deactivated"),
}


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Users"))
    ui.show_flash()
    with calls.reading() as session:
        pending = admin.pending_users(session=session, actor=actor)
        organisations = [
            row.organisation for row in admin.list_organisations(session=session, actor=actor)
        ]
    tabs = st.tabs(
        [
            _("Waiting for approval ({count})").format(count=ui.number(len(pending))),
            _("All users"),
            _("Invite a user"),
        ]
    )
    with tabs[0]:
        _queue(actor, pending, organisations)
    with tabs[1]:
        _directory(actor, organisations)
    with tabs[2]:
        _invite(actor, organisations)


# --- shared pieces ---------------------------------------------------------------------


def _field_error(form: str, field: str) -> None:
    forms.field_error("users", form, field)


def _attempt(form: str, call, success: str, *, clear: str | None = None) -> None:
    forms.attempt("users", form, call, success, clear=clear)


def _organisation_label(organisation, _) -> str:
    label = f"{organisation.name} · {_(ORG_KIND_LABELS[organisation.kind])}"
    return label if organisation.active else f"{label} ({_('deactivated')})"


def _placement_fields(form: str, organisations, *, organisation_id, role, suffix) -> tuple:
    """Organisation and role pickers, starting from the account's current values."""
    _ = ui.gettext()
    by_id = {o.id: o for o in organisations if o.active or o.id == organisation_id}
    ids = list(by_id)
    chosen_org = st.selectbox(
        _("Organisation"),
        ids,
        index=ids.index(organisation_id) if organisation_id in ids else None,
        format_func=lambda i: _organisation_label(by_id[i], _),
        placeholder=_("Choose…"),
        key=f"users_{form}_organisation_{suffix}",
    )
    _field_error(form, "organisation_id")
    roles = list(Role)
    chosen_role = st.selectbox(
        _("Role"),
        roles,
        index=roles.index(Role(role)) if role in roles else None,
        format_func=lambda r: _(ROLE_LABELS[r]),
        placeholder=_("Choose…"),
        key=f"users_{form}_role_{suffix}",
    )
    _field_error(form, "role")
    return chosen_org, chosen_role


def _status(user) -> str:
    if not user.active:
        return "deactivated"
    return "active" if user.approved else "pending"


def _sign_in_method(user) -> str:
    _ = ui.gettext()
    methods = []
    if user.password_hash:
        methods.append(_("Password"))
    if user.oidc_subject:
        methods.append(user.oidc_provider or _("Provider"))
    elif not user.password_hash and user.email:
        methods.append(_("Provider (not signed in yet)"))
    return ", ".join(methods) or "—"


# --- the approval queue ----------------------------------------------------------------


def _queue(actor, pending, organisations) -> None:
    _ = ui.gettext()
    st.caption(
        _(
            "People who signed in through an identity provider and whom Pantau does not know "
            "yet. An e-mail domain rule may have suggested an organisation and role; "
            "check both before approving."
        )
    )
    if not pending:
        st.info(_("Nobody is waiting for approval."), icon=":material/done_all:")
        return
    st.dataframe(
        [
            {
                _("Name"): user.display_name,
                _("E-mail"): user.email or "—",
                _("Provider"): user.oidc_provider or "—",
                _("Suggested organisation"): organisation.name,
                _("Suggested role"): _(ROLE_LABELS[user.role]),
                _("First sign-in"): ui.format_time(user.created_at, actor),
            }
            for user, organisation in pending
        ],
        hide_index=True,
        width="stretch",
    )
    by_id = {user.id: user for user, _org in pending}
    user_id = st.selectbox(
        _("Account to approve"),
        list(by_id),
        format_func=lambda i: f"{by_id[i].display_name} · {by_id[i].email or by_id[i].username}",
        key="users_approve_user",
    )
    user = by_id[user_id]
    organisation_id, role = _placement_fields(
        "approve",
        organisations,
        organisation_id=user.organisation_id,
        role=user.role,
        suffix=user.id,
    )
    _field_error("approve", "user")
    left, right = st.columns(2)
    if left.button(_("Approve"), type="primary", key="users_approve_submit"):
        _attempt(
            "approve",
            lambda session: admin.approve_user(
                session=session,
                actor=actor,
                user_id=user.id,
                organisation_id=organisation_id,
                role=role or "",
            ),
            _("{name} can now sign in.").format(name=ui.plain(user.display_name)),
            clear="users_approve_",
        )
    if right.button(_("Refuse access"), key="users_refuse_submit"):
        _attempt(
            "approve",
            lambda session: admin.set_user_active(
                session=session, actor=actor, user_id=user.id, active=False
            ),
            _("{name} was refused and cannot sign in.").format(name=ui.plain(user.display_name)),
            clear="users_approve_",
        )


# --- every account ---------------------------------------------------------------------


def _directory(actor, organisations) -> None:
    _ = ui.gettext()
    by_id = {o.id: o for o in organisations}
    columns = st.columns(4)
    text = columns[0].text_input(_("Search"), key="users_filter_text", max_chars=100)
    role = columns[1].selectbox(
        _("Role"),
        [None, *Role],
        format_func=lambda r: _("Any") if r is None else _(ROLE_LABELS[r]),
        key="users_filter_role",
        placeholder=ui.choose(),
    )
    organisation_id = columns[2].selectbox(
        _("Organisation"),
        [None, *by_id],
        format_func=lambda i: _("Any") if i is None else by_id[i].name,
        key="users_filter_organisation",
        placeholder=ui.choose(),
    )
    status = columns[3].selectbox(
        _("Status"),
        [None, *admin.STATUSES],
        format_func=lambda s: _("Any") if s is None else _(STATUS_LABELS[s]),
        key="users_filter_status",
        placeholder=ui.choose(),
    )
    with calls.reading() as session:
        rows = admin.find_users(
            session=session,
            actor=actor,
            text=text,
            role=role,
            organisation_id=organisation_id,
            status=status,
        )
    st.caption(_("{count} accounts").format(count=ui.number(len(rows))))
    st.dataframe(
        [
            {
                _("Name"): user.display_name,
                _("User name"): user.username,
                _("E-mail"): user.email or "—",
                _("Role"): _(ROLE_LABELS[user.role]),
                _("Organisation"): organisation.name,
                _("Status"): _(STATUS_LABELS[_status(user)]),
                _("Sign-in"): _sign_in_method(user),
                _("Last sign-in"): ui.format_time(user.last_sign_in_at, actor),
            }
            for user, organisation in rows
        ],
        hide_index=True,
        width="stretch",
    )
    users = {user.id: user for user, _org in rows}
    st.subheader(_("Manage an account"))
    user_id = st.selectbox(
        _("Account"),
        list(users),
        index=None,
        format_func=lambda i: f"{users[i].display_name} · {users[i].username}",
        placeholder=_("Choose…"),
        key="users_manage_user",
    )
    if user_id is not None:
        _manage(actor, users[user_id], organisations)


def _manage(actor, user, organisations) -> None:
    _ = ui.gettext()
    if user.id == actor.user_id:
        st.caption(_("This is your own account: another administrator changes its access."))
    organisation_id, role = _placement_fields(
        "manage",
        organisations,
        organisation_id=user.organisation_id,
        role=user.role,
        suffix=user.id,
    )
    _field_error("manage", "user")
    st.caption(_("Changing the role or organisation ends the user's sessions."))
    if st.button(_("Save role and organisation"), key="users_manage_submit"):

        def reassign(session) -> None:
            if organisation_id != user.organisation_id:
                admin.change_organisation(
                    session=session,
                    actor=actor,
                    user_id=user.id,
                    organisation_id=organisation_id,
                    role=role or "",
                )
            else:
                admin.change_role(session=session, actor=actor, user_id=user.id, role=role or "")

        _attempt("manage", reassign, _("Saved."))

    if user.active:
        if st.button(_("Deactivate"), key="users_deactivate_submit", icon=":material/block:"):
            _attempt(
                "manage",
                lambda session: admin.set_user_active(
                    session=session, actor=actor, user_id=user.id, active=False
                ),
                _("{name} is deactivated; their sessions have ended.").format(
                    name=ui.plain(user.display_name)
                ),
            )
    elif st.button(_("Reactivate"), key="users_reactivate_submit"):
        _attempt(
            "manage",
            lambda session: admin.set_user_active(
                session=session, actor=actor, user_id=user.id, active=True
            ),
            _("{name} can sign in again.").format(name=ui.plain(user.display_name)),
        )

    st.text_input(
        _("Temporary password"),
        type="password",
        key=f"users_reset_password_{user.id}",
        max_chars=1024,
        help=_("The user must choose a new password when they next sign in."),
    )
    _field_error("reset", "password")
    if st.button(_("Set temporary password"), key="users_reset_submit"):
        _attempt(
            "reset",
            lambda session: admin.admin_reset_password(
                session=session,
                settings=get_settings(),
                actor=actor,
                user_id=user.id,
                temporary_password=st.session_state.get(f"users_reset_password_{user.id}") or "",
            ),
            _("The temporary password is set; the user's sessions have ended."),
            clear="users_reset_password_",
        )


# --- invitations -----------------------------------------------------------------------

PASSWORD, PROVIDER = "password", "provider"


def _invite(actor, organisations) -> None:
    _ = ui.gettext()
    st.text_input(_("User name"), key="users_invite_username", max_chars=120)
    _field_error("invite", "username")
    st.text_input(_("Full name"), key="users_invite_display_name", max_chars=200)
    _field_error("invite", "display_name")
    st.text_input(_("E-mail"), key="users_invite_email", max_chars=254)
    _field_error("invite", "email")
    organisation_id, role = _placement_fields(
        "invite", organisations, organisation_id=None, role=None, suffix="new"
    )
    method = st.radio(
        _("Signs in with"),
        [PASSWORD, PROVIDER],
        format_func=lambda m: (
            _("A temporary password, changed at first sign-in")
            if m == PASSWORD
            else _("A sign-in provider, matched by verified e-mail address")
        ),
        key="users_invite_method",
    )
    if method == PASSWORD:
        st.text_input(
            _("Temporary password"), type="password", key="users_invite_password", max_chars=1024
        )
        _field_error("invite", "temporary_password")
    else:
        st.selectbox(
            _("Sign-in provider"),
            [p.name for p in configured_providers(st.secrets)],
            index=None,
            placeholder=_("Choose…"),
            key="users_invite_provider",
        )
        _field_error("invite", "provider")
    if st.button(_("Invite"), type="primary", key="users_invite_submit"):
        state = st.session_state
        invitation = InvitationIn(
            username=state.get("users_invite_username") or "",
            display_name=state.get("users_invite_display_name") or "",
            email=state.get("users_invite_email") or None,
            role=role or "",
            organisation_id=organisation_id,
            temporary_password=(state.get("users_invite_password") or None)
            if method == PASSWORD
            else None,
            provider=None if method == PASSWORD else state.get("users_invite_provider"),
        )
        name = invitation.display_name.strip()
        _attempt(
            "invite",
            lambda session: admin.invite_user(
                session=session, actor=actor, settings=get_settings(), invitation=invitation
            ),
            _("{name} is invited.").format(name=ui.plain(name)),
            clear="users_invite_",
        )
