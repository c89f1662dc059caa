"""Accounts: the approval queue, invitations, and changes of role or organisation."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from casework.admin.common import (
    REQUIRED,
    TOO_LONG,
    end_sessions,
    not_self,
    placement,
    require_admin,
    user_or_error,
)
from casework.desk.schemas import InvitationIn
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.auth import check_password_policy, hash_password, username_key
from casework.people.roles import Role
from casework.records.audit import record_event
from casework.reference.places import office_time_zone
from casework.settings import Settings
from casework.text import single_line
from casework.uow import service
from db.engine import begin_write
from db.models import Organisation, User
from db.types import utcnow

_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,120}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
# The filters of `find_users`.
STATUSES = ("active", "pending", "deactivated")


def find_users(
    *,
    session: Session,
    actor: Actor,
    text: str | None = None,
    role: str | None = None,
    organisation_id: int | None = None,
    status: str | None = None,
) -> list[tuple[User, Organisation]]:
    """Accounts matching the filters, by organisation and user name. `status` is
    `active`, `pending` (waiting for approval) or `deactivated`."""
    require_admin(actor, "find_users")
    query = select(User, Organisation).join(Organisation, Organisation.id == User.organisation_id)
    if text and text.strip():
        # `%` and `_` typed in the search box are letters, not wildcards.
        typed = text.strip().lower()[:100]
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", typed) + "%"
        query = query.where(
            func.lower(User.username).like(pattern, escape="\\")
            | func.lower(User.display_name).like(pattern, escape="\\")
            | func.lower(func.coalesce(User.email, "")).like(pattern, escape="\\")
        )
    if role:
        query = query.where(User.role == role)
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    if status == "active":
        query = query.where(User.active, User.approved)
    elif status == "pending":
        query = query.where(User.active, User.approved.is_(False))
    elif status == "deactivated":
        query = query.where(User.active.is_(False))
    return list(session.exec(query.order_by(Organisation.name, User.username)).all())


def pending_users(*, session: Session, actor: Actor) -> list[tuple[User, Organisation]]:
    """Identities that signed in through a provider and wait for an admin, oldest first,
    each with the organisation a domain rule (or nothing) placed it in."""
    require_admin(actor, "pending_users")
    return list(
        session.exec(
            select(User, Organisation)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(User.active, User.approved.is_(False))
            .order_by(User.created_at, User.id)
        ).all()
    )


def _clean_email(value: str | None) -> str | None:
    email = (value or "").strip().lower()
    if not email:
        return None
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValidationError({"email": N_("Enter an e-mail address such as name@bawaslu.go.id.")})
    return email


@service
def invite_user(
    *,
    session: Session,
    actor: Actor,
    settings: Settings,
    invitation: InvitationIn,
    now: datetime | None = None,
) -> User:
    """Create an account. With a temporary password it signs in locally and must change
    the password first; without one, the first sign-in through `invitation.provider`
    with the same verified e-mail address claims it. Administrators and leads are never
    claimed by e-mail: they get a password, or approve a provider identity instead."""
    require_admin(actor, "invite_user")
    now = now or utcnow()
    errors: dict[str, str] = {}
    params: dict = {}  # of the field messages ("at least {count} characters")
    username = (invitation.username or "").strip()
    if not username:
        errors["username"] = REQUIRED
    elif not _USERNAME.match(username):
        errors["username"] = N_("Use 2 to 120 letters, digits, dots, hyphens, underscores or @.")
    display_name = " ".join(single_line(invitation.display_name).split())
    if not display_name:
        errors["display_name"] = REQUIRED
    elif len(display_name) > 200:
        errors["display_name"] = TOO_LONG
    try:
        email = _clean_email(invitation.email)
    except ValidationError as error:
        errors.update(error.field_errors)
        email = None
    password = invitation.temporary_password or ""
    if password:
        try:
            check_password_policy(password, settings, field="temporary_password")
        except ValidationError as error:
            errors.update(error.field_errors)
            params.update(error.params)
    provider = (invitation.provider or "").strip()[:64] or None
    if not password:
        if not email and "email" not in errors:
            errors["email"] = N_("Without a temporary password, an e-mail address is needed.")
        if not provider:
            errors["provider"] = N_("Choose the sign-in provider this account will use.")
        elif invitation.role in (Role.ADMIN, Role.LEAD):
            errors["role"] = N_(
                "An administrator or a lead is not claimed by e-mail: give a temporary "
                "password, or approve their provider sign-in when it waits."
            )
    begin_write(session)
    try:
        organisation, role = placement(
            session, organisation_id=invitation.organisation_id, role=invitation.role
        )
    except ValidationError as error:
        errors.update(error.field_errors)
    if (
        "username" not in errors
        and session.exec(
            select(User.id).where(func.lower(User.username) == username_key(username))
        ).first()
    ):
        errors["username"] = N_("This user name is taken.")
    if email and session.exec(select(User.id).where(func.lower(User.email) == email)).first():
        errors["email"] = N_("Another account already uses this e-mail address.")
    if errors:
        raise ValidationError(errors, **params)
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        role=role,
        organisation_id=organisation.id,
        password_hash=hash_password(password) if password else None,
        must_change_password=bool(password),
        password_changed_at=now if password else None,
        approved=True,
        invited_provider=None if password else provider,
        created_at=now,
        time_zone=office_time_zone(session, organisation.region_code),
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        action="user_invited",
        actor_id=actor.user_id,
        at=now,
        detail={
            "user_id": user.id,
            "role": role.value,
            "organisation_id": organisation.id,
            "method": "password" if password else "provider",
            "provider": None if password else provider,
        },
    )
    return user


@service
def approve_user(
    *,
    session: Session,
    actor: Actor,
    user_id: int,
    organisation_id: int,
    role: str,
    now: datetime | None = None,
) -> User:
    """Give a waiting identity its organisation and role, and let it in."""
    require_admin(actor, "approve_user")
    now = now or utcnow()
    begin_write(session)
    user = user_or_error(session, user_id)
    if user.approved or not user.active:
        raise ValidationError({"user": N_("This account is not waiting for approval.")})
    organisation, checked = placement(session, organisation_id=organisation_id, role=role)
    user.organisation_id, user.role, user.approved = organisation.id, checked.value, True
    user.time_zone = office_time_zone(session, organisation.region_code)
    session.add(user)
    record_event(
        session,
        action="user_approved",
        actor_id=actor.user_id,
        at=now,
        detail={"user_id": user.id, "role": checked.value, "organisation_id": organisation.id},
    )
    return user


def _reassign(session, actor, user, *, organisation_id, role, action, now) -> User:
    organisation, checked = placement(session, organisation_id=organisation_id, role=role)
    before = {"role": user.role, "organisation_id": user.organisation_id}
    after = {"role": checked.value, "organisation_id": organisation.id}
    if before == after:
        session.rollback()
        return user
    user.role, user.organisation_id = checked.value, organisation.id
    session.add(user)
    end_sessions(session, user_ids=[user.id], reason="access_changed", now=now)
    record_event(
        session,
        action=action,
        actor_id=actor.user_id,
        at=now,
        detail={"user_id": user.id, "before": before, "after": after},
    )
    session.commit()
    return user


@service
def change_role(
    *, session: Session, actor: Actor, user_id: int, role: str, now: datetime | None = None
) -> User:
    """Give a user another role in the same organisation; their sessions end."""
    require_admin(actor, "change_role")
    not_self(actor, user_id)
    begin_write(session)
    user = user_or_error(session, user_id)
    return _reassign(
        session,
        actor,
        user,
        organisation_id=user.organisation_id,
        role=role,
        action="user_role_changed",
        now=now or utcnow(),
    )


@service
def change_organisation(
    *,
    session: Session,
    actor: Actor,
    user_id: int,
    organisation_id: int,
    role: str | None = None,
    now: datetime | None = None,
) -> User:
    """Move a user to another organisation, with a new role when the old one does not
    fit there; their sessions end."""
    require_admin(actor, "change_organisation")
    not_self(actor, user_id)
    begin_write(session)
    user = user_or_error(session, user_id)
    return _reassign(
        session,
        actor,
        user,
        organisation_id=organisation_id,
        role=role or user.role,
        action="user_organisation_changed",
        now=now or utcnow(),
    )
