"""The first administrator of a fresh installation.

Outside demo mode a new database has no accounts, and provider sign-ins wait for an
administrator's approval, so somebody has to be the first. Two ways, both documented in
docs/deploy.md:

- `python -m casework.admin create-admin` on the server (idempotent);
- the first-run page `/setup`, open only while no administrator exists and protected
  by a one-time code the server prints in its log at start (as Jenkins and Grafana
  do): whoever reads the log runs the server. Only the code's SHA-256 is stored; it
  works once and expires after `SETUP_CODE_LIFETIME`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from casework.admin.common import REQUIRED, TOO_LONG
from casework.admin.users import _USERNAME, _clean_email
from casework.errors import DomainError, ValidationError
from casework.i18n import N_
from casework.people.auth import check_password_policy, hash_password, username_key
from casework.people.roles import OrgKind, Role
from casework.records.audit import record_event
from casework.settings import Settings
from casework.uow import service
from db.engine import begin_write
from db.models import Organisation, SetupCode, User
from db.types import utcnow

SETUP_CODE_LIFETIME = timedelta(hours=2)
DEFAULT_ORGANISATION = "Bawaslu RI"
# No 0/O, 1/I/L: the code is read from a log and typed by hand.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class SetupClosed(DomainError):
    """The first-run page was used while an administrator exists."""

    msgid = N_("Pantau already has an administrator. Please sign in.")


class SetupCodeInvalid(DomainError):
    msgid = N_(
        "This set-up code is wrong, used or expired. Restart the server for a new one "
        "and copy it from its log."
    )


@dataclass(frozen=True)
class FirstAdmin:
    user_id: int
    username: str
    created: bool  # False: the account was already an administrator (nothing changed)


def _code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()


def admin_exists(session: Session) -> bool:
    """Whether an active, approved, non-demo administrator can sign in."""
    query = select(User.id).where(
        User.role == Role.ADMIN.value, User.active, User.approved, ~User.is_demo
    )
    return session.exec(query.limit(1)).first() is not None


def issue_setup_code(session: Session, *, now: datetime | None = None) -> str | None:
    """A new one-time code for the first-run page, or None when an administrator
    exists. The caller prints it; only its hash is stored."""
    now = now or utcnow()
    begin_write(session)
    if admin_exists(session):
        session.rollback()
        return None
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    session.add(
        SetupCode(code_hash=_code_hash(code), created_at=now, expires_at=now + SETUP_CODE_LIFETIME)
    )
    session.commit()
    return code


def _national_office(session: Session, name: str) -> Organisation:
    """The organisation named `name`, else the national supervisory office, else a new
    national office called `name`."""
    organisation = session.exec(select(Organisation).where(Organisation.name == name)).first()
    if organisation is None:
        organisation = session.exec(
            select(Organisation)
            .where(Organisation.kind == OrgKind.SUPERVISORY.value)
            .where(Organisation.region_code.is_(None), Organisation.active)
            .order_by(Organisation.id)
        ).first()
    if organisation is None:
        organisation = Organisation(name=name, kind=OrgKind.SUPERVISORY)
        session.add(organisation)
        session.flush()
    if organisation.kind != OrgKind.SUPERVISORY.value:
        raise ValidationError(
            {
                "organisation": N_(
                    "Officers, leads and administrators belong to a supervisory office."
                )
            }
        )
    return organisation


def _checked(settings: Settings, username: str, display_name: str, password: str, email):
    errors: dict[str, str] = {}
    params: dict = {}
    if not username:
        errors["username"] = REQUIRED
    elif not _USERNAME.match(username):
        errors["username"] = N_("Use 2 to 120 letters, digits, dots, hyphens, underscores or @.")
    if not display_name:
        errors["display_name"] = REQUIRED
    elif len(display_name) > 200:
        errors["display_name"] = TOO_LONG
    try:
        email = _clean_email(email)
    except ValidationError as error:
        errors.update(error.field_errors)
    try:
        check_password_policy(password, settings)
    except ValidationError as error:
        errors.update(error.field_errors)
        params.update(error.params)
    if errors:
        raise ValidationError(errors, **params)
    return email


def _create(
    session: Session,
    settings: Settings,
    *,
    username: str,
    display_name: str,
    password: str,
    email: str | None,
    organisation_name: str,
    method: str,
    now: datetime,
) -> FirstAdmin:
    """Create the administrator inside the caller's write transaction; an existing
    administrator of that name is left as it is."""
    username = (username or "").strip()
    display_name = " ".join((display_name or username).split())
    existing = session.exec(
        select(User).where(func.lower(User.username) == username_key(username))
    ).first()
    if existing is not None and existing.role == Role.ADMIN.value and not existing.is_demo:
        return FirstAdmin(existing.id, existing.username, created=False)
    email = _checked(settings, username, display_name, password, email)
    if existing is not None:
        raise ValidationError({"username": N_("This user name is taken.")})
    if email and session.exec(select(User.id).where(func.lower(User.email) == email)).first():
        raise ValidationError({"email": N_("Another account already uses this e-mail address.")})
    organisation = _national_office(session, organisation_name.strip() or DEFAULT_ORGANISATION)
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        role=Role.ADMIN,
        organisation_id=organisation.id,
        password_hash=hash_password(password),
        password_changed_at=now,
        approved=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        action="administrator_created",
        actor_id=user.id,
        at=now,
        detail={"user_id": user.id, "organisation_id": organisation.id, "method": method},
    )
    return FirstAdmin(user.id, user.username, created=True)


@service
def create_admin(
    *,
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    display_name: str = "",
    email: str | None = None,
    organisation_name: str = DEFAULT_ORGANISATION,
    now: datetime | None = None,
) -> FirstAdmin:
    """The command line's `create-admin`: an administrator with a password, in the
    national office (created when missing). Running it again with the same user name
    changes nothing and says so; it never resets a password."""
    now = now or utcnow()
    begin_write(session)
    outcome = _create(
        session,
        settings,
        username=username,
        display_name=display_name,
        password=password,
        email=email,
        organisation_name=organisation_name,
        method="command",
        now=now,
    )
    return outcome


@service
def complete_first_run(
    *,
    session: Session,
    settings: Settings,
    code: str,
    username: str,
    password: str,
    display_name: str = "",
    email: str | None = None,
    now: datetime | None = None,
) -> FirstAdmin:
    """The first-run page: with a valid one-time code, and only while no administrator
    exists, create the first one. Every outstanding code is used up with it."""
    now = now or utcnow()
    begin_write(session)  # the check and the creation under one write lock
    if admin_exists(session):
        raise SetupClosed()
    row = session.exec(
        select(SetupCode).where(SetupCode.code_hash == _code_hash(code or ""))
    ).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise SetupCodeInvalid()
    outcome = _create(
        session,
        settings,
        username=username,
        display_name=display_name,
        password=password,
        email=email,
        organisation_name=DEFAULT_ORGANISATION,
        method="first_run",
        now=now,
    )
    if not outcome.created:  # an admin of that name, deactivated: not for this page
        raise ValidationError({"username": N_("This user name is taken.")})
    session.execute(update(SetupCode).where(SetupCode.used_at.is_(None)).values(used_at=now))
    return outcome
