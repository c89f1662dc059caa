"""Admin edits of the region list and the platform list (seeded, then editable)."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import is_supervisory_admin, require
from casework.people.roles import OrgKind
from casework.records.audit import record_event
from casework.uow import service
from db.engine import begin_write
from db.models import Organisation, Platform, Region

REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")
PLATFORM_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def _require_admin(actor: Actor, action: str) -> None:
    require(actor, is_supervisory_admin, action)


@service
def save_region(
    *, session: Session, actor: Actor, code: str, name: str, province_code: str | None = None
) -> Region:
    """Rename a province or regency, or add a regency/city (`32.79`) to a province.
    Kemendagri codes never change once cases point at them, so codes are not editable."""
    _require_admin(actor, "save_region")
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if not name or len(name) > 120:
        errors["name"] = N_("Enter a name of at most 120 characters.")
    begin_write(session)
    region = session.get(Region, code)
    if region is None:
        province = session.get(Region, province_code or "")
        if (
            not REGENCY_CODE.match(code)
            or province is None
            or province.level != "province"
            or not code.startswith(province.code + ".")
        ):
            errors["code"] = N_("A new regency code looks like 32.79 and starts with its province.")
    if errors:
        raise ValidationError(errors)
    before = None if region is None else region.name
    if region is None:
        region = Region(
            code=code,
            name=name,
            level="regency",
            province_code=province.code,
            time_zone=province.time_zone,
        )
    region.name = name
    session.add(region)
    record_event(
        session,
        action="region_changed",
        actor_id=actor.user_id,
        detail={"code": code, "before": before, "after": name},
    )
    return region


@service
def save_platform(
    *,
    session: Session,
    actor: Actor,
    code: str,
    name: str,
    active: bool = True,
    operator_id: int | None = None,
) -> Platform:
    """Add a platform or change its name, operator or whether new reports may name it."""
    _require_admin(actor, "save_platform")
    code, name = (code or "").strip().lower(), (name or "").strip()
    errors = {}
    if not PLATFORM_CODE.match(code):
        errors["code"] = N_("Use lowercase letters, digits and underscores (at most 64).")
    if not name or len(name) > 100:
        errors["name"] = N_("Enter a name of at most 100 characters.")
    if operator_id is not None:
        operator = session.get(Organisation, operator_id)
        if operator is None or operator.kind != OrgKind.PLATFORM:
            errors["operator_id"] = N_("Choose a platform organisation.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    platform = session.get(Platform, code)
    before = None if platform is None else {"name": platform.name, "active": platform.active}
    if platform is None:
        order = len(session.exec(select(Platform.code)).all())
        platform = Platform(code=code, name=name, sort_order=order)
    platform.name, platform.active = name, active
    if operator_id is not None:
        platform.operator_id = operator_id
    session.add(platform)
    record_event(
        session,
        action="platform_changed",
        actor_id=actor.user_id,
        detail={"code": code, "before": before, "after": {"name": name, "active": active}},
    )
    return platform
