"""Identities from external providers (OIDC through st.login), mapped to Pantau users.

An identity maps by issuer + subject. On its first sign-in it claims an existing account
by its verified e-mail address only when an admin invited that account for sign-in
through this very provider, the account has no password and is no administrator or
lead, and no e-mail domain rule denies the provider the address's domain (issue 15:
any configured provider could otherwise assert an administrator's address). The owner
is notified of every link. Anything else becomes a new account waiting for an admin,
placed by the e-mail-domain rule when one matches and names the provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from casework.errors import PermissionDenied
from casework.people.actors import Actor, actor_for
from casework.people.roles import OrgKind, Role
from casework.records.audit import record_event
from casework.reference.places import office_time_zone
from casework.text import single_line
from casework.uow import service
from db.engine import begin_write
from db.models import EmailDomainRule, Notification, Organisation, User
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
    # A claim is outside text: a CR/LF in a name would break every e-mail header it
    # reaches, a bidi override would disguise it on screen.
    text = " ".join(single_line(str(value)).split())
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
            user = _claimable_account(session, provider, issuer, email, now)
        if user is not None:
            user.oidc_issuer, user.oidc_subject, user.oidc_provider = issuer, subject, provider
            user.email_verified = True
            record_event(
                session,
                action="identity_linked",
                actor_id=user.id,
                at=now,
                detail={"provider": provider, "issuer": issuer[:200]},
            )
            # The owner hears of it (in the app, and by e-mail when they asked for it):
            # a link they did not make is the one thing they can report.
            session.add(
                Notification(user_id=user.id, kind="identity_linked", params={"provider": provider})
            )
        else:
            user = _new_pending_user(session, provider, issuer, subject, email, claims, now)
        session.add(user)
        session.commit()
    if not user.active or not _issued_after_sign_out(claims, user):
        raise PermissionDenied()
    if not user.approved:
        return IdentityOutcome(actor=None, pending=True, user_id=user.id)
    return IdentityOutcome(actor=actor_for(session, user.id), pending=False, user_id=user.id)


def _issued_after_sign_out(claims: Mapping[str, Any], user: User) -> bool:
    """Whether the provider's token (its `iat`, in whole seconds) is newer than the
    user's last sign-out or deactivation: a copied st.login cookie from before is not
    (issue 15, finding 7). The second of the sign-out itself counts as before it."""
    if user.sessions_valid_after is None:
        return True
    try:
        issued = float(claims.get("iat"))
    except (TypeError, ValueError):
        return False
    return issued > int(user.sessions_valid_after.timestamp())


def _domain_rule(session: Session, email: str) -> EmailDomainRule | None:
    domain = email.rsplit("@", 1)[1]
    return session.exec(select(EmailDomainRule).where(EmailDomainRule.domain == domain)).first()


def _provider_may_assert(session: Session, provider: str, email: str) -> bool:
    """Whether `provider` may speak for `email`'s domain: a domain with a rule is bound
    to the providers the rule names (none named: to no provider)."""
    rule = _domain_rule(session, email)
    return rule is None or provider in (rule.providers or [])


def _claimable_account(
    session: Session, provider: str, issuer: str, email: str, now: datetime
) -> User | None:
    """The account a first sign-in may claim by e-mail, or None. A matching account
    that may not be claimed this way is left alone, and the attempt is audited."""
    candidate = session.exec(
        select(User).where(func.lower(User.email) == email, User.oidc_subject.is_(None))
    ).first()
    if candidate is None:
        return None
    refusal = None
    if candidate.invited_provider != provider:
        refusal = "not_invited_for_provider"
    elif candidate.password_hash is not None:
        refusal = "has_password"
    elif candidate.role in (Role.ADMIN, Role.LEAD) or candidate.is_api or candidate.is_demo:
        refusal = "privileged"
    elif not _provider_may_assert(session, provider, email):
        refusal = "domain_not_bound"
    if refusal is None:
        return candidate
    record_event(
        session,
        action="identity_link_refused",
        actor_id=None,
        at=now,
        detail={
            "provider": provider,
            "issuer": issuer[:200],
            "user_id": candidate.id,
            "reason": refusal,
        },
    )
    return None


def _new_pending_user(session, provider, issuer, subject, email, claims, now) -> User:
    rule = None
    if email:
        rule = _domain_rule(session, email)
        if rule is not None and provider not in (rule.providers or []):
            rule = None  # the provider may not speak for this domain
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
