"""API tokens of an organisation's own tools: created and revoked by admins, shown once,
stored as SHA-256, limited by scopes and an expiry.

A token acts as an account of its own (`User.is_api`), placed in the token's
organisation with the role its kind implies. Every service therefore applies the same
scope, transition and permission rules to a token as to a person, and every audit event
names the token's account ("API · <token name>")."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from casework.admin.common import require_admin
from casework.desk.access import log_denied
from casework.errors import DomainError, PermissionDenied, ValidationError
from casework.i18n import N_
from casework.people.actors import Actor, actor_for
from casework.people.roles import OrgKind, Role
from casework.records.audit import record_event
from casework.uow import service
from db.engine import begin_write
from db.models import ApiToken, Organisation, User
from db.types import utcnow

TOKEN_PREFIX = "pantau"  # noqa: S105 - the marker every token starts with, not a secret
# Writing the last use on every request would turn each read into a write.
LAST_USED_GRANULARITY = timedelta(minutes=1)
MAX_NAME = 120


class Scope(StrEnum):
    READ_CASES = "cases:read"
    ACT_ON_CASES = "cases:act"
    READ_AGGREGATES = "aggregates:read"
    # Add elections: a supervisory body's token acts as a lead for the calendar only.
    EDIT_CALENDAR = "calendar:write"


SCOPE_LABELS = {
    Scope.READ_CASES: N_("Read cases"),
    Scope.ACT_ON_CASES: N_("Act on cases"),
    Scope.READ_AGGREGATES: N_("Read aggregate figures"),
    Scope.EDIT_CALENDAR: N_("Add elections"),
}

# The role a token acts with, by its organisation's kind.
TOKEN_ROLE = {
    OrgKind.SUPERVISORY: Role.OFFICER,
    OrgKind.PLATFORM: Role.LIAISON,
    OrgKind.REGULATOR: Role.REGULATOR,
    OrgKind.PARTNER: Role.OBSERVER,
}


class TokenRejected(DomainError):
    """Missing, unknown, revoked or expired: one message for all, so that a caller
    learns nothing about which tokens exist."""

    msgid = N_("The API token is missing, unknown, revoked or expired.")


@dataclass(frozen=True)
class TokenHolder:
    """The caller behind a valid token: who it acts as, and what it may do."""

    token_id: int
    actor: Actor
    scopes: frozenset[str]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> tuple[str, str]:
    # 8 hex characters identify the token in lists; 256 random bits make it unguessable.
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


@service
def create_api_token(
    *,
    session: Session,
    actor: Actor,
    organisation_id: int | None,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for an organisation; returns the row and the token itself, which
    is shown this once and never stored."""
    require_admin(actor, "create_api_token")
    now = now or utcnow()
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = N_("This field is required.")
    elif len(name) > MAX_NAME:
        errors["name"] = N_("This is too long.")
    chosen = sorted(set(scopes or ()))
    if not chosen or any(scope not in set(Scope) for scope in chosen):
        errors["scopes"] = N_("Choose at least one scope from the list.")
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = N_("The expiry must be in the future.")
    begin_write(session)
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or not organisation.active:
        errors["organisation_id"] = N_("Choose an active organisation.")
    elif organisation.kind == OrgKind.PARTNER and set(chosen) - {Scope.READ_AGGREGATES}:
        errors["scopes"] = N_("A partner organisation's token can read aggregate figures only.")
    if errors:
        raise ValidationError(errors)
    prefix, token = _new_token()
    user = User(
        username=f"api-{prefix}",
        display_name=f"API · {name}"[:200],
        role=TOKEN_ROLE[OrgKind(organisation.kind)],
        organisation_id=organisation.id,
        language="en",
        is_api=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    row = ApiToken(
        organisation_id=organisation.id,
        user_id=user.id,
        name=name,
        prefix=prefix,
        token_hash=hash_token(token),
        scopes=chosen,
        created_by_id=actor.user_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        action="api_token_created",
        actor_id=actor.user_id,
        at=now,
        detail={
            "token_id": row.id,
            "prefix": prefix,
            "organisation_id": organisation.id,
            "scopes": chosen,
        },
    )
    return row, token


@service
def revoke_api_token(
    *, session: Session, actor: Actor, token_id: int, now: datetime | None = None
) -> ApiToken:
    """Revoke a token at once: its next request is refused, and its account can no
    longer act through any service."""
    require_admin(actor, "revoke_api_token")
    now = now or utcnow()
    begin_write(session)
    row = session.get(ApiToken, token_id)
    if row is None:
        raise ValidationError({"token": N_("Unknown token.")})
    if row.revoked_at is None:
        row.revoked_at = now
        user = session.get(User, row.user_id)
        user.active = False
        session.add_all([row, user])
        record_event(
            session,
            action="api_token_revoked",
            actor_id=actor.user_id,
            at=now,
            detail={"token_id": row.id, "prefix": row.prefix},
        )
    return row


def list_api_tokens(*, session: Session, actor: Actor) -> list[tuple[ApiToken, Organisation]]:
    """Every token with its organisation, newest first (admins only)."""
    require_admin(actor, "list_api_tokens")
    return list(
        session.exec(
            select(ApiToken, Organisation)
            .join(Organisation, Organisation.id == ApiToken.organisation_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).all()
    )


def authenticate(
    *, session: Session, token: str | None, now: datetime | None = None
) -> TokenHolder:
    """The holder of a presented token, or TokenRejected. Checked on every request
    against the database, so a revocation takes effect at the next request."""
    now = now or utcnow()
    parts = (token or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise TokenRejected()
    row = session.exec(select(ApiToken).where(ApiToken.prefix == parts[1])).first()
    # Compare the digests in constant time; the prefix lookup alone proves nothing.
    if row is None or not hmac.compare_digest(row.token_hash, hash_token(token)):
        raise TokenRejected()
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise TokenRejected()
    try:
        actor = actor_for(session, row.user_id)
    except PermissionDenied as error:  # the organisation was deactivated
        raise TokenRejected() from error
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        _touch(session, row.id, now)
    else:
        session.rollback()
    return TokenHolder(token_id=row.id, actor=actor, scopes=frozenset(row.scopes))


def _touch(session: Session, token_id: int, now: datetime) -> None:
    session.rollback()
    begin_write(session)
    row = session.get(ApiToken, token_id)
    row.last_used_at = now
    session.add(row)
    session.commit()


def require_scope(holder: TokenHolder, scope: Scope) -> None:
    """Refuse (and log) a call the token's scopes do not cover."""
    if scope not in holder.scopes:
        log_denied(holder.actor, f"api:{scope}", token_id=holder.token_id)
        raise PermissionDenied(N_("This API token lacks the scope {scope}."), scope=str(scope))
