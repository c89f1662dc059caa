"""Organisations: supervisory offices by region, platform organisations with the
platforms they operate, the regulator and partners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from casework.admin.common import (
    CHOOSE,
    REQUIRED,
    TOO_LONG,
    UNKNOWN_ORGANISATION,
    end_sessions,
    require_admin,
    role_fit,
)
from casework.desk.schemas import OrganisationIn
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.roles import OrgKind, Role
from casework.records.audit import record_event
from casework.uow import service
from db.engine import begin_write
from db.models import Organisation, Platform, Region, User
from db.types import utcnow

# The supervisory body first, then those it works with.
_KIND_ORDER = (OrgKind.SUPERVISORY, OrgKind.PLATFORM, OrgKind.REGULATOR, OrgKind.PARTNER)


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    region_name: str | None
    platform_codes: tuple[str, ...]
    user_count: int


def list_organisations(*, session: Session, actor: Actor) -> list[OrganisationRow]:
    """Every organisation with its region, the platforms it operates and its user count."""
    require_admin(actor, "list_organisations")
    counts = dict(
        session.exec(
            select(User.organisation_id, func.count()).group_by(User.organisation_id)
        ).all()
    )
    platforms: dict[int, list[str]] = {}
    for code, operator_id in session.exec(
        select(Platform.code, Platform.operator_id).order_by(Platform.sort_order)
    ):
        platforms.setdefault(operator_id, []).append(code)
    regions = dict(session.exec(select(Region.code, Region.name)).all())
    rows = sorted(
        session.exec(select(Organisation)),
        key=lambda org: (_KIND_ORDER.index(org.kind), org.name.lower()),
    )
    return [
        OrganisationRow(
            organisation=org,
            region_name=regions.get(org.region_code) if org.region_code else None,
            platform_codes=tuple(platforms.get(org.id, ())),
            user_count=counts.get(org.id, 0),
        )
        for org in rows
    ]


def region_choices(*, session: Session) -> list[tuple[str, str]]:
    """Every province and regency/city as (code, name), in code order."""
    return [(r.code, r.name) for r in session.exec(select(Region).order_by(Region.code))]


def platform_choices(*, session: Session) -> list[tuple[str, str]]:
    """Every platform as (code, name), in the usual order."""
    return [(p.code, p.name) for p in session.exec(select(Platform).order_by(Platform.sort_order))]


def _clean_organisation(
    session: Session, data: OrganisationIn, *, organisation_id: int | None
) -> dict:
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = REQUIRED
    elif len(name) > 200:
        errors["name"] = TOO_LONG
    else:
        same = session.exec(
            select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
        ).first()
        if same is not None and same != organisation_id:
            errors["name"] = N_("An organisation with this name already exists.")
    kind = data.kind if data.kind in set(OrgKind) else None
    if kind is None:
        errors["kind"] = CHOOSE
    region = (data.region_code or "").strip() or None
    if region and kind != OrgKind.SUPERVISORY:
        errors["region_code"] = N_("Only supervisory offices have a region.")
    elif region and session.get(Region, region) is None:
        errors["region_code"] = N_("Unknown region.")
    codes = sorted(set(data.platform_codes or []))
    if codes and kind != OrgKind.PLATFORM:
        errors["platform_codes"] = N_("Only platform organisations operate platforms.")
    elif any(session.get(Platform, code) is None for code in codes):
        errors["platform_codes"] = N_("Unknown platform.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "kind": kind, "region_code": region, "platform_codes": codes}


def _save_organisation(session, actor, organisation, values, *, now) -> Organisation:
    created = organisation.id is None
    users = (
        []
        if created
        else list(session.exec(select(User).where(User.organisation_id == organisation.id)))
    )
    if any(role_fit(Role(u.role), values["kind"]) for u in users):
        raise ValidationError(
            {
                "kind": N_(
                    "Some of its users have roles that do not fit this kind: change them first."
                )
            }
        )
    before = None
    if not created:
        before = {
            "name": organisation.name,
            "kind": organisation.kind,
            "region_code": organisation.region_code,
            "platform_codes": sorted(
                session.exec(select(Platform.code).where(Platform.operator_id == organisation.id))
            ),
        }
    organisation.name, organisation.kind = values["name"], values["kind"]
    organisation.region_code = values["region_code"]
    session.add(organisation)
    session.flush()
    for platform in session.exec(select(Platform)):
        if platform.code in values["platform_codes"]:
            platform.operator_id = organisation.id  # a platform has one operator
        elif platform.operator_id == organisation.id:
            platform.operator_id = None
        session.add(platform)
    if before and any(before[k] != values[k] for k in ("kind", "region_code", "platform_codes")):
        # What its users may see changed: they start again with the new scope.
        end_sessions(session, user_ids=[u.id for u in users], reason="scope_changed", now=now)
    record_event(
        session,
        action="organisation_created" if created else "organisation_changed",
        actor_id=actor.user_id,
        at=now,
        detail={"organisation_id": organisation.id, "before": before, "after": values},
    )
    return organisation


@service
def create_organisation(
    *, session: Session, actor: Actor, organisation: OrganisationIn, now: datetime | None = None
) -> Organisation:
    """A new organisation: a supervisory office (national, or a region), a platform
    organisation with the platforms it operates, the regulator, or a partner."""
    require_admin(actor, "create_organisation")
    begin_write(session)
    values = _clean_organisation(session, organisation, organisation_id=None)
    created = Organisation(name=values["name"], kind=values["kind"])
    created = _save_organisation(session, actor, created, values, now=now or utcnow())
    return created


@service
def update_organisation(
    *,
    session: Session,
    actor: Actor,
    organisation_id: int,
    organisation: OrganisationIn,
    now: datetime | None = None,
) -> Organisation:
    """Change an organisation's name, kind, region or platforms. A change of scope ends
    the sessions of its users."""
    require_admin(actor, "update_organisation")
    begin_write(session)
    existing = session.get(Organisation, organisation_id)
    if existing is None:
        raise ValidationError({"organisation_id": UNKNOWN_ORGANISATION})
    values = _clean_organisation(session, organisation, organisation_id=organisation_id)
    saved = _save_organisation(session, actor, existing, values, now=now or utcnow())
    return saved


@service
def set_organisation_active(
    *,
    session: Session,
    actor: Actor,
    organisation_id: int,
    active: bool,
    now: datetime | None = None,
) -> Organisation:
    """Deactivate an organisation (every session of its users ends at once) or
    reactivate it."""
    require_admin(actor, "set_organisation_active")
    if organisation_id == actor.organisation_id and not active:
        raise ValidationError(
            {"organisation_id": N_("You cannot deactivate your own organisation.")}
        )
    now = now or utcnow()
    begin_write(session)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise ValidationError({"organisation_id": UNKNOWN_ORGANISATION})
    organisation.active = active
    session.add(organisation)
    if not active:
        user_ids = session.exec(select(User.id).where(User.organisation_id == organisation_id))
        end_sessions(session, user_ids=user_ids, reason="organisation_deactivated", now=now)
    record_event(
        session,
        action="organisation_activated" if active else "organisation_deactivated",
        actor_id=actor.user_id,
        at=now,
        detail={"organisation_id": organisation_id},
    )
    return organisation
