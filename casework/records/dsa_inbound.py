"""A platform's decision sent as the statement of reasons it already makes for the EU's
DSA Transparency Database, read into Pantau's decision record.

Only the fields that describe the decision are read (`DECISION_STATEMENT_FIELDS`); the
case's own facts (category, content type and date, source) stay Pantau's. The
platform's PUID is kept, so the decision goes back out under it. A value Pantau cannot
map is refused with the DSA field's name, never guessed."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from casework.desk import cases
from casework.desk.schemas import DecisionIn
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.records.dsa_mappings import Mappings
from casework.records.dsa_values import (
    AUTOMATION,
    END_DATES,
    MAX_PUID,
    PUID_PATTERN,
    RESTRICTION_FIELDS,
    country_codes,
)
from casework.uow import service
from db.models import Case, Region
from db.types import utcnow

REQUIRED = N_("This field is required.")
NOT_IN_LIST = N_("This value is not one of the DSA's.")
NO_MAPPING = N_("No decision type of Pantau maps to this value; ask an administrator.")
NO_RESTRICTION = N_("Send at least one restriction (visibility, monetary, service or account).")
BAD_DATE = N_("Give a date as YYYY-MM-DD.")
FUTURE_DATE = N_("The decision date cannot be in the future.")
BAD_SCOPE = N_("Give a list of two-letter country codes.")
NUL_CHARACTER = N_("Remove the NUL character.")
BAD_PUID = N_("Use letters, digits, '-' and '_' only (at most 500).")
GROUNDS = {
    "DECISION_GROUND_ILLEGAL_CONTENT": "law",
    "DECISION_GROUND_INCOMPATIBLE_CONTENT": "terms",
}
DETECTION = {"Yes": True, "No": False}


def _text(statement: dict, name: str) -> str:
    value = statement.get(name)
    return value.strip() if isinstance(value, str) else ""


def _day(statement: dict, name: str, errors: dict) -> date | None:
    value = statement.get(name)
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = BAD_DATE
        return None


def _restrictions(statement: dict, mappings: Mappings, errors: dict) -> list[str]:
    decisions: list[str] = []
    for name, values in RESTRICTION_FIELDS.items():
        given = statement.get(name)
        if given in (None, "", []):
            continue
        items = given if name == "decision_visibility" else [given]
        if not isinstance(items, list) or any(v not in values for v in items):
            errors[name] = NOT_IN_LIST
            continue
        for value in items:
            codes = mappings.codes_for("decision_type", value)
            if not codes:
                errors[name] = NO_MAPPING
            else:
                decisions.append(codes[0])
    if not decisions and not errors:
        errors["decision_visibility"] = NO_RESTRICTION
    return list(dict.fromkeys(decisions))


def _decided_at(day: date | None, zone: str, now: datetime) -> datetime | None:
    """The application date as a time: now when it is today in the case's zone, else
    noon of that day there (the statement gives no time of day)."""
    if day is None:
        return None
    local = ZoneInfo(zone)
    if day == now.astimezone(local).date():
        return now
    return datetime.combine(day, time(12), tzinfo=local)


def decision_from_statement(
    statement: dict[str, Any], *, mappings: Mappings, zone: str, now: datetime
) -> DecisionIn:
    """The statement's decision fields as Pantau's decision (field errors by DSA name)."""
    errors: dict[str, str] = {
        name: NUL_CHARACTER
        for name, value in statement.items()
        if isinstance(value, str) and "\x00" in value
    }
    if errors:
        raise ValidationError(errors)
    decisions = _restrictions(statement, mappings, errors)
    ground = GROUNDS.get(statement.get("decision_ground"))
    if ground is None:
        errors["decision_ground"] = NOT_IN_LIST
    prefix = "illegal_content" if ground == "law" else "incompatible_content"
    reference = _text(
        statement,
        "illegal_content_legal_ground" if ground == "law" else "incompatible_content_ground",
    )
    explanation = _text(statement, f"{prefix}_explanation")
    if ground and not reference:
        errors[
            "illegal_content_legal_ground" if ground == "law" else "incompatible_content_ground"
        ] = REQUIRED
    if ground and not explanation:
        errors[f"{prefix}_explanation"] = REQUIRED
    scope = statement.get("territorial_scope")
    if not isinstance(scope, list) or not scope:
        errors["territorial_scope"] = REQUIRED if not scope else BAD_SCOPE
    elif any(not isinstance(c, str) or c.upper() not in country_codes() for c in scope):
        errors["territorial_scope"] = BAD_SCOPE
    detection = DETECTION.get(statement.get("automated_detection"))
    if detection is None:
        errors["automated_detection"] = NOT_IN_LIST
    automation = {v: k for k, v in AUTOMATION.items()}.get(statement.get("automated_decision"))
    if automation is None:
        errors["automated_decision"] = NOT_IN_LIST
    puid = _text(statement, "puid")
    if not puid:
        errors["puid"] = REQUIRED
    elif len(puid) > MAX_PUID or not re.match(PUID_PATTERN, puid):
        errors["puid"] = BAD_PUID
    applied = _day(statement, "application_date", errors)
    if applied is None and "application_date" not in errors:
        errors["application_date"] = REQUIRED
    elif applied is not None and applied > now.astimezone(ZoneInfo(zone)).date():
        errors["application_date"] = FUTURE_DATE
    ends = {column: _day(statement, end, errors) for end, column in END_DATES.values()}
    if errors:
        raise ValidationError(errors)
    return DecisionIn(
        decisions=decisions,
        ground=ground,
        legal_reference=reference if ground == "law" else None,
        policy_reference=reference if ground == "terms" else None,
        explanation=explanation,
        facts=_text(statement, "decision_facts"),
        territorial_scope=",".join(sorted({c.upper() for c in scope})),
        automated_detection=detection,
        automated_decision=automation,
        puid=puid,
        decided_at=_decided_at(applied, zone, now),
        **ends,
    )


# A statement's field errors point at the statement's own fields.
_PANTAU_TO_DSA = {
    "facts": "decision_facts",
    "legal_reference": "illegal_content_legal_ground",
    "policy_reference": "incompatible_content_ground",
    "territorial_scope": "territorial_scope",
    "decisions": "decision_visibility",
    "puid": "puid",
    "decided_at": "application_date",
    **{column: end for end, column in END_DATES.values()},
}


@service
def record_statement_of_reasons(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    statement: dict[str, Any],
    now: datetime | None = None,
) -> Case:
    """Record a platform's decision sent as its DSA statement of reasons. Field errors
    are named `statement.<DSA field>`."""
    now = now or utcnow()
    case = session.get(Case, case_id)
    region = session.get(Region, case.province_code) if case and case.province_code else None
    zone = region.time_zone if region else "Asia/Jakarta"
    try:
        decision = decision_from_statement(
            statement, mappings=Mappings.load(session), zone=zone, now=now
        )
    except ValidationError as error:
        error.field_errors = {f"statement.{k}": v for k, v in error.field_errors.items()}
        raise
    try:
        return cases.record_decision(
            session=session,
            actor=actor,
            case_id=case_id,
            version=version,
            decision=decision,
            now=now,
        )
    except ValidationError as error:
        names = dict(_PANTAU_TO_DSA)
        names["explanation"] = (
            "illegal_content_explanation"
            if decision.ground == "law"
            else "incompatible_content_explanation"
        )
        error.field_errors = {
            f"statement.{names.get(name, name)}": message
            for name, message in error.field_errors.items()
        }
        raise
