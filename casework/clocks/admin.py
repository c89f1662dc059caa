"""Administrators change the deadline rules and the holiday calendar (issue 18). A
changed rule is a new version: running clocks keep theirs unless the administrator asks
to move them (`recompute`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from casework.admin.common import require_admin
from casework.clocks import engine, service
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.records.audit import record_event
from casework.uow import service as unit_service
from db.models import ClockRule, Holiday
from db.types import utcnow

EDITABLE = (
    "kind",
    "owner",
    "unit",
    "amount",
    "urgent_amount",
    "extended_amount",
    "extended_unit",
    "events",
    "regime",
    "citation",
    "label_id",
    "label_en",
    "active",
    "to_verify",
)
CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
HOLIDAY_KINDS = ("national", "cuti_bersama")


def _check(values: dict[str, Any]) -> None:
    errors = {}
    if values.get("kind") not in set(engine.Kind):
        errors["kind"] = N_("Choose statutory, agreed or regulatory.")
    if values.get("owner") not in set(engine.Owner):
        errors["owner"] = N_("Choose who owns the deadline.")
    for key in ("unit", "extended_unit"):
        if values.get(key) is not None and values.get(key) not in set(engine.Unit):
            errors[key] = N_("Choose hours, days or working days.")
    try:
        amount = float(values.get("amount"))
        if not 0 < amount <= 1000:
            raise ValueError
    except (TypeError, ValueError):
        errors["amount"] = N_("Enter a length greater than 0 and at most 1,000.")
    for key in ("label_id", "label_en"):
        text = (values.get(key) or "").strip()
        if not text or len(text) > 200:
            errors[key] = N_("Enter a label of at most 200 characters.")
    if len(values.get("citation") or "") > 500:
        errors["citation"] = N_("Enter a citation of at most 500 characters.")
    events = values.get("events") or {}
    if not isinstance(events, dict) or set(events) - set(engine.EVENT_KEYS):
        errors["events"] = N_("The events name unknown kinds.")
    elif not events.get("start_on") or not (events.get("stop_on") or events.get("cancel_on")):
        errors["events"] = N_("A deadline needs a start event and a stop event.")
    if errors:
        raise ValidationError(errors)


@unit_service
def save_rule(
    *, session: Session, actor: Actor, code: str, note: str = "", now=None, **values
) -> ClockRule:
    """A new rule, or a new version of `code` with `values` changed. Running clocks keep
    the version they started with."""
    require_admin(actor, "save_clock_rule")
    now = now or utcnow()
    code = (code or "").strip()
    if not code or len(code) > 64 or set(code) - CODE_CHARS:
        raise ValidationError({"code": N_("A code is lower-case letters, digits and _.")})
    latest = session.exec(
        select(ClockRule).where(ClockRule.code == code).order_by(ClockRule.version.desc())
    ).first()
    merged = {key: getattr(latest, key) for key in EDITABLE} if latest is not None else {}
    merged.update({k: v for k, v in values.items() if k in EDITABLE})
    merged.setdefault("regime", "any")
    merged.setdefault("citation", "")
    merged.setdefault("active", True)
    merged.setdefault("to_verify", False)
    _check(merged)
    rule = ClockRule(
        code=code,
        version=1 if latest is None else latest.version + 1,
        change_note=(note or "").strip()[:500],
        created_at=now,
        **merged,
    )
    session.add(rule)
    record_event(
        session,
        action="clock_rule_changed",
        actor_id=actor.user_id,
        detail={"code": code, "version": rule.version, "note": rule.change_note},
        at=now,
    )
    return rule


@unit_service
def recompute(*, session: Session, actor: Actor, code: str, now: datetime | None = None) -> int:
    """Move the running clocks of `code` onto its current version (explicitly asked)."""
    require_admin(actor, "recompute_clocks")
    now = now or utcnow()
    moved = service.recompute_running(session, code, actor_id=actor.user_id, now=now)
    return moved


@unit_service
def save_holiday(
    *,
    session: Session,
    actor: Actor,
    day: date,
    kind: str,
    label_id: str,
    label_en: str,
    to_verify: bool = False,
) -> Holiday:
    require_admin(actor, "save_holiday")
    errors = {}
    if kind not in HOLIDAY_KINDS:
        errors["kind"] = N_("Choose a national holiday or cuti bersama.")
    label_id, label_en = (label_id or "").strip(), (label_en or "").strip()
    if not label_id or not label_en or len(label_id) > 200 or len(label_en) > 200:
        errors["label_id"] = N_("Enter a label of at most 200 characters.")
    if not isinstance(day, date):
        errors["day"] = N_("Enter a date.")
    if errors:
        raise ValidationError(errors)
    holiday = session.get(Holiday, day) or Holiday(day=day, kind=kind, label_id="", label_en="")
    holiday.kind, holiday.label_id, holiday.label_en = kind, label_id, label_en
    holiday.to_verify = bool(to_verify)
    session.add(holiday)
    record_event(
        session,
        action="holiday_changed",
        actor_id=actor.user_id,
        detail={"day": day.isoformat(), "kind": kind, "label_id": label_id},
    )
    return holiday


@unit_service
def remove_holiday(*, session: Session, actor: Actor, day: date) -> None:
    require_admin(actor, "remove_holiday")
    holiday = session.get(Holiday, day)
    if holiday is not None:
        session.delete(holiday)
        record_event(
            session,
            action="holiday_removed",
            actor_id=actor.user_id,
            detail={"day": day.isoformat()},
        )


def list_rules(session: Session) -> list[ClockRule]:
    """Every rule's latest version, by code."""
    latest = service.current_rules(session)
    rows = session.exec(select(ClockRule).order_by(ClockRule.code, ClockRule.version))
    return [r for r in rows if latest.get(r.code) and latest[r.code].version == r.version]


def list_holidays(session: Session, year: int | None = None) -> list[Holiday]:
    query = select(Holiday).order_by(Holiday.day)
    if year is not None:
        query = query.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(session.exec(query))
