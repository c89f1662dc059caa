"""Local accounts: argon2id passwords, lockout, and server-side sessions.

A session is a random token in an HttpOnly cookie; the database keeps only its
SHA-256, with idle and absolute expiry. Signing out, deactivation and a forced
password reset revoke sessions server-side, so a copied cookie stops working at once."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from casework.errors import DomainError, PermissionDenied, ValidationError
from casework.i18n import N_
from casework.people.actors import Actor, actor_for
from casework.people.permissions import is_supervisory_admin, require
from casework.records.audit import record_event
from casework.settings import Settings
from casework.uow import service
from db.engine import begin_write
from db.models import SignInThrottle, User, UserSession
from db.types import utcnow

log = logging.getLogger(__name__)

SESSION_COOKIE = "pantau_session"
MAX_USERNAME = 120
MAX_PASSWORD = 1024  # argon2 hashes anything, but a megabyte password is an attack
TOKEN_BYTES = 32
TOUCH_EVERY = timedelta(seconds=60)

_hasher = PasswordHasher()  # argon2id, the library's current recommended parameters
# Verified against when the user name is unknown, so both paths cost one argon2 run
# and the response time says nothing about whether the account exists.
_DUMMY_HASH = _hasher.hash("pantau: no such account")


class SignInFailed(DomainError):
    msgid = N_("The user name or password is not correct, or the account cannot sign in.")


class SignInLocked(DomainError):
    msgid = N_("Too many failed attempts. Try again in {minutes} minutes.")


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; never stored
    user_id: int
    expires_at: datetime
    must_change_password: bool


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def username_key(username: str) -> str:
    return username.strip().lower()[:MAX_USERNAME]


def check_password_policy(password: str, settings: Settings, *, field: str = "password") -> None:
    if len(password) < settings.password_min_length:
        raise ValidationError(
            {field: N_("Use at least {count} characters.")}, count=settings.password_min_length
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError({field: N_("This is too long.")})


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _new_session(
    session: Session,
    settings: Settings,
    user: User,
    *,
    method: str,
    now: datetime,
    user_agent: str | None,
    ip_address: str | None,
) -> NewSession:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + timedelta(hours=settings.session_absolute_hours)
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            method=method,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            user_agent=(user_agent or "")[:300] or None,
            ip_address=(ip_address or "")[:64] or None,
        )
    )
    user.last_sign_in_at = now
    session.add(user)
    record_event(session, action="signed_in", actor_id=user.id, detail={"method": method}, at=now)
    return NewSession(token, user.id, expires_at, user.must_change_password)


def _count_failure(
    session: Session,
    settings: Settings,
    throttle: SignInThrottle | None,
    key: str,
    now: datetime,
) -> bool:
    """One more wrong password for `key`; whether it is now locked."""
    throttle = throttle or SignInThrottle(username_key=key, failures=0)
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= settings.lockout_threshold:
        throttle.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        throttle.failures = 0
    session.add(throttle)
    return throttle.locked_until is not None and throttle.locked_until > now


@service
def sign_in_with_password(
    *,
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    user_agent: str | None = None,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> NewSession:
    """Check a user name and password and open a session. Every refusal is the same
    SignInFailed (or SignInLocked after repeated failures), whether or not the account
    exists."""
    now = now or utcnow()
    username = (username or "")[: MAX_USERNAME + 1]
    password = password or ""
    if (
        not username.strip()
        or not password
        or len(username) > MAX_USERNAME
        or len(password) > MAX_PASSWORD
        # PostgreSQL refuses NUL in text; no real user name holds one.
        or "\x00" in username
    ):
        raise SignInFailed()
    key = username_key(username)
    begin_write(session)
    throttle = session.get(SignInThrottle, key)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        raise SignInLocked(minutes=minutes)
    user = session.exec(select(User).where(func.lower(User.username) == key)).first()
    valid = _verify(user.password_hash if user else None, password)
    allowed = (
        valid
        and user is not None
        and user.active
        and user.approved
        and (settings.demo_mode or not user.is_demo)
    )
    if not allowed:
        locked = _count_failure(session, settings, throttle, key, now)
        record_event(
            session,
            action="sign_in_failed",
            actor_id=user.id if user else None,
            at=now,
            detail={"locked": locked},
        )
        session.commit()
        log.info("sign-in refused for a user name")
        raise SignInFailed()
    if throttle is not None:
        session.delete(throttle)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    created = _new_session(
        session,
        settings,
        user,
        method="password",
        now=now,
        user_agent=user_agent,
        ip_address=ip_address,
    )
    session.commit()
    return created


def open_session_for(
    *,
    session: Session,
    settings: Settings,
    user_id: int,
    method: str,
    user_agent: str | None = None,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> NewSession:
    """A session for a user already authenticated elsewhere (an identity provider)."""
    now = now or utcnow()
    begin_write(session)
    user = session.get(User, user_id)
    if user is None or not user.active or not user.approved:
        raise PermissionDenied()
    created = _new_session(
        session,
        settings,
        user,
        method=method,
        now=now,
        user_agent=user_agent,
        ip_address=ip_address,
    )
    session.commit()
    return created


def resolve_session(
    *, session: Session, settings: Settings, token: str | None, now: datetime | None = None
) -> Actor | None:
    """The actor behind a session cookie, or None when it is missing, malformed, forged,
    revoked, expired, idle too long, or its user can no longer sign in."""
    if not isinstance(token, str) or not token or len(token) > 200 or not token.isascii():
        return None
    now = now or utcnow()
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == token_hash(token))
    ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.last_seen_at + timedelta(minutes=settings.session_idle_minutes) <= now:
        return None
    try:
        actor = actor_for(session, row.user_id)
    except PermissionDenied:
        return None
    user = session.get(User, row.user_id)
    if not user.approved or (user.is_demo and not settings.demo_mode):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        # End the read first: on SQLite a read transaction cannot wait to become a write.
        session.rollback()
        begin_write(session)
        # Conditional, so concurrent reruns of one browser never fight over it.
        session.execute(
            update(UserSession)
            .where(UserSession.id == row.id, UserSession.last_seen_at < now)
            .values(last_seen_at=now)
        )
        session.commit()
    return actor


def _revoke(session: Session, *, reason: str, now: datetime, **where) -> int:
    if "user_id" in where:
        # A provider's sign-in lives in Streamlit's signed cookie, which the server cannot
        # revoke: every one issued before now stops signing in (casework.people.identities).
        session.execute(
            update(User).where(User.id == where["user_id"]).values(sessions_valid_after=now)
        )
    query = update(UserSession).where(UserSession.revoked_at.is_(None))
    for column, value in where.items():
        query = query.where(getattr(UserSession, column) == value)
    return session.execute(query.values(revoked_at=now, revoked_reason=reason)).rowcount


@service
def sign_out(*, session: Session, token: str | None, now: datetime | None = None) -> None:
    """End the session behind `token` on the server (the cookie alone is worthless after)."""
    if not token or len(token) > 200:
        return
    now = now or utcnow()
    begin_write(session)
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == token_hash(token))
    ).first()
    if row is not None and row.revoked_at is None:
        _revoke(session, reason="signed_out", now=now, id=row.id)
        record_event(session, action="signed_out", actor_id=row.user_id, at=now)


@service
def end_provider_sign_ins(*, session: Session, user_id: int, now: datetime | None = None) -> None:
    """Sign-out of someone signed in through a provider (st.login): Streamlit's cookie
    holding the identity stays valid until it expires, so a copy of it would sign in
    again. Every provider sign-in of the user issued up to now stops counting."""
    now = now or utcnow()
    begin_write(session)
    user = session.get(User, user_id)
    if user is not None:
        user.sessions_valid_after = now
        session.add(user)
        record_event(
            session, action="signed_out", actor_id=user.id, at=now, detail={"method": "oidc"}
        )


@service
def change_password(
    *,
    session: Session,
    settings: Settings,
    actor: Actor,
    current: str,
    new: str,
    keep_token: str | None = None,
    now: datetime | None = None,
) -> None:
    """The signed-in user changes their password; their other sessions end. Wrong
    guesses at the current password count against the account like failed sign-ins
    (the same row, the same threshold): a borrowed session cannot guess it."""
    now = now or utcnow()
    begin_write(session)
    user = session.get(User, actor.user_id)
    key = username_key(user.username)
    throttle = session.get(SignInThrottle, key)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        raise SignInLocked(minutes=minutes)
    if len(current or "") > MAX_PASSWORD or not _verify(user.password_hash, current or ""):
        locked = _count_failure(session, settings, throttle, key, now)
        record_event(
            session,
            action="password_change_failed",
            actor_id=user.id,
            at=now,
            detail={"locked": locked},
        )
        session.commit()
        if locked:
            raise SignInLocked(minutes=settings.lockout_minutes)
        raise ValidationError({"current": N_("The current password is not correct.")})
    if throttle is not None:
        session.delete(throttle)
    check_password_policy(new or "", settings, field="new")
    if new == current:
        raise ValidationError({"new": N_("Choose a password different from the current one.")})
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.must_change_password = False
    session.add(user)
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep_token:
        query = query.where(UserSession.token_hash != token_hash(keep_token))
    session.execute(query.values(revoked_at=now, revoked_reason="password_changed"))
    record_event(session, action="password_changed", actor_id=user.id, at=now)


THROTTLE_KEPT = timedelta(hours=24)


def purge_sign_in_throttles(*, session: Session, now: datetime | None = None) -> int:
    """Forget throttle rows that no longer lock anyone and saw no failure for a day.
    A row is written for every user name tried, existing or not, so without this a
    spray of made-up names grows the table for ever. Returns how many went."""
    now = now or utcnow()
    begin_write(session)
    removed = session.execute(
        delete(SignInThrottle).where(
            (SignInThrottle.locked_until.is_(None)) | (SignInThrottle.locked_until <= now),
            (SignInThrottle.last_failure_at.is_(None))
            | (SignInThrottle.last_failure_at < now - THROTTLE_KEPT),
        )
    ).rowcount
    session.commit()
    return removed


def _require_admin(actor: Actor, action: str) -> None:
    require(actor, is_supervisory_admin, action)


@service
def admin_reset_password(
    *,
    session: Session,
    settings: Settings,
    actor: Actor,
    user_id: int,
    temporary_password: str,
    now: datetime | None = None,
) -> None:
    """An admin sets a temporary password: the user must change it at next sign-in, and
    every session they have ends now."""
    _require_admin(actor, "admin_reset_password")
    now = now or utcnow()
    check_password_policy(temporary_password or "", settings)
    begin_write(session)
    user = session.get(User, user_id)
    if user is None:
        raise ValidationError({"user": N_("Unknown user.")})
    user.password_hash = hash_password(temporary_password)
    user.must_change_password = True
    user.password_changed_at = now
    session.add(user)
    _revoke(session, reason="password_reset", now=now, user_id=user.id)
    record_event(
        session,
        action="password_reset",
        actor_id=actor.user_id,
        at=now,
        detail={"user_id": user.id},
    )


@service
def set_user_active(
    *, session: Session, actor: Actor, user_id: int, active: bool, now: datetime | None = None
) -> None:
    """Deactivate (every session ends at once) or reactivate an account."""
    _require_admin(actor, "set_user_active")
    if user_id == actor.user_id and not active:
        raise ValidationError({"user": N_("You cannot deactivate your own account.")})
    now = now or utcnow()
    begin_write(session)
    user = session.get(User, user_id)
    if user is None:
        raise ValidationError({"user": N_("Unknown user.")})
    user.active = active
    session.add(user)
    if not active:
        _revoke(session, reason="deactivated", now=now, user_id=user.id)
    record_event(
        session,
        action="user_activated" if active else "user_deactivated",
        actor_id=actor.user_id,
        at=now,
        detail={"user_id": user.id},
    )


def active_sessions(
    *, session: Session, actor: Actor, now: datetime | None = None
) -> list[tuple[UserSession, User]]:
    """Sessions that are still valid, newest first (admins only)."""
    _require_admin(actor, "active_sessions")
    now = now or utcnow()
    return list(
        session.exec(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.revoked_at.is_(None), UserSession.expires_at > now)
            .order_by(UserSession.last_seen_at.desc())
        ).all()
    )


@service
def revoke_session(
    *, session: Session, actor: Actor, session_id: int, now: datetime | None = None
) -> None:
    """An admin ends one session."""
    _require_admin(actor, "revoke_session")
    now = now or utcnow()
    begin_write(session)
    row = session.get(UserSession, session_id)
    if row is not None and row.revoked_at is None:
        _revoke(session, reason="revoked_by_admin", now=now, id=row.id)
        record_event(
            session,
            action="session_revoked",
            actor_id=actor.user_id,
            at=now,
            detail={"user_id": row.user_id},
        )
