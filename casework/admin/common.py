"""What every admin service shares: the admin check, ending sessions, and whether a
role fits an organisation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import is_supervisory_admin, require
from casework.people.roles import ROLE_ORG_KIND, OrgKind, Role
from db.models import Organisation, User, UserSession

REQUIRED = N_("This field is required.")
TOO_LONG = N_("This is too long.")
CHOOSE = N_("Choose a value from the list.")
UNKNOWN_USER = N_("Unknown user.")
UNKNOWN_ORGANISATION = N_("Unknown organisation.")

# The message shown when a role does not fit the organisation's kind, by the kind it needs.
_ROLE_NEEDS_KIND = {
    OrgKind.SUPERVISORY: N_("Officers, leads and administrators belong to a supervisory office."),
    OrgKind.PLATFORM: N_("Platform liaisons belong to a platform organisation."),
    OrgKind.REGULATOR: N_("Regulator liaisons belong to the regulator."),
}


def require_admin(actor: Actor | None, action: str) -> None:
    """Refuse (and log) anyone but an admin of the supervisory body."""
    require(actor, is_supervisory_admin, action)


def end_sessions(session: Session, *, user_ids: Iterable[int], reason: str, now: datetime) -> int:
    """Revoke every open session of `user_ids` inside the caller's transaction, and
    every provider sign-in made before `now` (their cookies cannot be revoked)."""
    ids = list(user_ids)
    if not ids:
        return 0
    session.execute(update(User).where(User.id.in_(ids)).values(sessions_valid_after=now))
    return session.execute(
        update(UserSession)
        .where(UserSession.user_id.in_(ids), UserSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    ).rowcount


def _role(value: str | None) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def role_fit(role: Role, kind: str) -> str | None:
    """The message id when `role` does not fit an organisation of `kind`, else None."""
    needed = ROLE_ORG_KIND[role]
    if needed is None or needed == kind:
        return None
    return _ROLE_NEEDS_KIND[needed]


def _active_organisation(session: Session, organisation_id: int | None) -> Organisation:
    if not organisation_id:
        raise ValidationError({"organisation_id": CHOOSE})
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise ValidationError({"organisation_id": UNKNOWN_ORGANISATION})
    if not organisation.active:
        raise ValidationError({"organisation_id": N_("This organisation is deactivated.")})
    return organisation


def placement(session: Session, *, organisation_id: int | None, role: str | None):
    """The organisation and role of an account, checked together."""
    organisation = _active_organisation(session, organisation_id)
    checked = _role(role)
    if checked is None:
        raise ValidationError({"role": CHOOSE})
    misfit = role_fit(checked, organisation.kind)
    if misfit:
        raise ValidationError({"role": misfit})
    return organisation, checked


def user_or_error(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise ValidationError({"user": UNKNOWN_USER})
    return user


def not_self(actor: Actor, user_id: int) -> None:
    # An admin who demoted or moved themselves could lock every admin out.
    if user_id == actor.user_id:
        raise ValidationError({"user": N_("You cannot change your own role or organisation.")})
