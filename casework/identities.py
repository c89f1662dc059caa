"""Identities from external providers (OIDC through st.login), mapped to Pantau users.

An identity maps by issuer + subject; on its first sign-in, by a verified e-mail
address of an existing user. Anything else becomes a new account waiting for an admin,
placed by the e-mail-domain rule when one matches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from casework.actors import Actor, actor_for
from casework.audit import record_event
from casework.errors import PermissionDenied
from casework.places import office_time_zone
from casework.roles import OrgKind, Role
from casework.uow import service
from db.engine import begin_write
from db.models import EmailDomainRule, Organisation, User
from db.types import utcnow

UNASSIGNED_ORGANISATION = "Pantau — menunggu penugasan"


@dataclass(frozen=True)
class IdentityOutcome:
    actor: Actor | None  # set when the user may work
    pending: bool  # a known identity waiting for an admin's approval
    user_id: int | None


def _claim(claims: Mapping[str, Any], name: str, limit: int = 300) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text[:limit] or None


def _verified_email(claims: Mapping[str, Any]) -> str | None:
    email = _claim(claims, "email", 254)
    verified = claims.get("email_verified") in (True, "true", "True", 1)
    if email and verified and "@" in email:
        return email.lower()
    return None


def _unassigned(session: Session) -> Organisation:
    organisation = session.exec(
        select(Organisation).where(Organisation.name == UNASSIGNED_ORGANISATION)
    ).first()
    if organisation is None:
        # A partner organisation: no case access of any kind, whatever the role.
        organisation = Organisation(name=UNASSIGNED_ORGANISATION, kind=OrgKind.PARTNER)
        session.add(organisation)
        session.flush()
    return organisation


@service
def resolve_identity(
    *, session: Session, provider: str, claims: Mapping[str, Any], now: datetime | None = None
) -> IdentityOutcome:
    """The Pantau user behind a provider's identity, creating a pending one if needed."""
    issuer, subject = _claim(claims, "iss"), _claim(claims, "sub")
    if not issuer or not subject:
        raise PermissionDenied()
    now = now or utcnow()
    user = session.exec(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    ).first()
    if user is None:
        begin_write(session)
        email = _verified_email(claims)
        if email:
            user = session.exec(
                select(User).where(func.lower(User.email) == email, User.oidc_subject.is_(None))
            ).first()
        if user is not None:
            user.oidc_issuer, user.oidc_subject, user.oidc_provider = issuer, subject, provider
            user.email_verified = True
            record_event(
                session,
                action="identity_linked",
                actor_id=user.id,
                at=now,
                detail={"provider": provider},
            )
        else:
            user = _new_pending_user(session, provider, issuer, subject, email, claims, now)
        session.add(user)
        session.commit()
    if not user.active:
        raise PermissionDenied()
    if not user.approved:
        return IdentityOutcome(actor=None, pending=True, user_id=user.id)
    return IdentityOutcome(actor=actor_for(session, user.id), pending=False, user_id=user.id)


def _new_pending_user(session, provider, issuer, subject, email, claims, now) -> User:
    rule = None
    if email:
        domain = email.rsplit("@", 1)[1]
        rule = session.exec(select(EmailDomainRule).where(EmailDomainRule.domain == domain)).first()
    organisation_id = rule.organisation_id if rule else _unassigned(session).id
    role = rule.role if rule else Role.OBSERVER
    base = (email or f"{provider}-{subject}")[:110]
    username = base
    suffix = 1
    while session.exec(select(User.id).where(User.username == username)).first() is not None:
        suffix += 1
        username = f"{base}-{suffix}"
    user = User(
        username=username,
        display_name=_claim(claims, "name", 200) or email or username,
        email=email,
        email_verified=email is not None,
        role=role,
        organisation_id=organisation_id,
        approved=False,
        oidc_issuer=issuer,
        oidc_subject=subject,
        oidc_provider=provider[:64],
        created_at=now,
        time_zone=office_time_zone(session, session.get(Organisation, organisation_id).region_code),
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        action="identity_registered",
        actor_id=user.id,
        at=now,
        detail={"provider": provider, "domain_rule": rule.domain if rule else None},
    )
    return user
