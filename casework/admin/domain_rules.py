"""E-mail domain rules (where a new provider identity waits for approval) and the
sign-in providers in use."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from casework.admin.common import REQUIRED, placement, require_admin
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.providers import Provider
from casework.people.roles import Role
from casework.records.audit import record_event
from casework.uow import service
from db.engine import begin_write
from db.models import EmailDomainRule, Organisation, User
from db.types import utcnow

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]+)$")


def normalise_domain(value: str | None) -> str:
    """`@Bawaslu.GO.id.` → `bawaslu.go.id`; a ValidationError when it is no domain."""
    domain = (value or "").strip().lower().lstrip("@").rstrip(".")
    if not domain:
        raise ValidationError({"domain": REQUIRED})
    if len(domain) > 200 or not _DOMAIN.match(domain):
        raise ValidationError({"domain": N_("Enter a domain such as bawaslu.go.id.")})
    return domain


def email_domain_rules(
    *, session: Session, actor: Actor
) -> list[tuple[EmailDomainRule, Organisation]]:
    """Every rule with the organisation it places people in, by domain."""
    require_admin(actor, "email_domain_rules")
    return list(
        session.exec(
            select(EmailDomainRule, Organisation)
            .join(Organisation, Organisation.id == EmailDomainRule.organisation_id)
            .order_by(EmailDomainRule.domain)
        ).all()
    )


@service
def set_email_domain_rule(
    *,
    session: Session,
    actor: Actor,
    domain: str,
    organisation_id: int,
    role: str,
    providers: Sequence[str] = (),
    now: datetime | None = None,
) -> EmailDomainRule:
    """Every new identity with a verified e-mail address at `domain`, signed in through
    one of `providers`, waits for approval in `organisation_id` with `role` (replacing
    the domain's rule if it has one). The rule also binds the domain: no other provider
    may assert its addresses, to be placed or to claim an invited account."""
    require_admin(actor, "set_email_domain_rule")
    now = now or utcnow()
    errors: dict[str, str] = {}
    try:
        domain = normalise_domain(domain)
    except ValidationError as error:
        errors.update(error.field_errors)
    begin_write(session)
    try:
        organisation, checked = placement(session, organisation_id=organisation_id, role=role)
        if checked == Role.ADMIN:
            # Administrators are appointed one by one, never by the shape of an address.
            errors["role"] = N_("A rule cannot make anyone an administrator.")
    except ValidationError as error:
        errors.update(error.field_errors)
    chosen = sorted({str(name).strip()[:64] for name in providers if str(name).strip()})
    if not chosen:
        errors["providers"] = N_("Choose at least one sign-in provider for this domain.")
    if errors:
        raise ValidationError(errors)
    rule = session.exec(select(EmailDomainRule).where(EmailDomainRule.domain == domain)).first()
    before = (
        None
        if rule is None
        else {
            "organisation_id": rule.organisation_id,
            "role": rule.role,
            "providers": rule.providers,
        }
    )
    rule = rule or EmailDomainRule(domain=domain, organisation_id=organisation.id, role=checked)
    rule.organisation_id, rule.role, rule.providers = organisation.id, checked.value, chosen
    session.add(rule)
    record_event(
        session,
        action="email_domain_rule_set",
        actor_id=actor.user_id,
        at=now,
        detail={
            "domain": domain,
            "before": before,
            "after": {
                "organisation_id": organisation.id,
                "role": checked.value,
                "providers": chosen,
            },
        },
    )
    return rule


@service
def delete_email_domain_rule(
    *, session: Session, actor: Actor, domain: str, now: datetime | None = None
) -> None:
    """Remove a domain's rule; people already placed by it keep their accounts."""
    require_admin(actor, "delete_email_domain_rule")
    domain = normalise_domain(domain)
    begin_write(session)
    rule = session.exec(select(EmailDomainRule).where(EmailDomainRule.domain == domain)).first()
    if rule is None:
        raise ValidationError({"domain": N_("No rule for this domain.")})
    session.delete(rule)
    record_event(
        session,
        action="email_domain_rule_deleted",
        actor_id=actor.user_id,
        at=now or utcnow(),
        detail={"domain": domain, "organisation_id": rule.organisation_id, "role": rule.role},
    )


# --- sign-in providers -----------------------------------------------------------------


@dataclass(frozen=True)
class ProviderUse:
    name: str
    label: str
    configured: bool  # False: users still linked to a provider no longer in secrets.toml
    users: int


def providers_in_use(
    *, session: Session, actor: Actor, providers: Sequence[Provider]
) -> list[ProviderUse]:
    """Each configured provider with the number of accounts linked to it, then each
    provider that accounts are still linked to but that is no longer configured."""
    require_admin(actor, "providers_in_use")
    counts = dict(
        session.exec(
            select(User.oidc_provider, func.count())
            .where(User.oidc_provider.is_not(None))
            .group_by(User.oidc_provider)
        ).all()
    )
    rows = [ProviderUse(p.name, p.label, True, counts.pop(p.name, 0)) for p in providers]
    rows += [ProviderUse(name, name, False, n) for name, n in sorted(counts.items())]
    return rows
