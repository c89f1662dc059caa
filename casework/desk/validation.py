"""Input checks shared by the services. Each failure names the field and a message id,
so a form can show it next to what the user typed."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from casework.desk.schemas import DECISION_LIMITS, REPORT_LIMITS, DecisionIn, ReportIn
from casework.desk.sla import Priority
from casework.errors import ValidationError
from casework.i18n import N_
from casework.intake.urls import MAX_URL_LENGTH, UrlInfo, analyse_url, platform_mismatch  # noqa: F401
from casework.records.dsa_mappings import Mappings
from casework.records.dsa_values import (
    AUTOMATION,
    END_DATES,
    GLOBAL,
    MAX_EXPLANATION,
    MAX_FACTS,
    MAX_GROUND,
    MAX_PUID,
    PUID_PATTERN,
    country_codes,
    eu_scope,
    restriction_field,
    scope_codes,
)
from casework.reference.legal_grounds import join_citations
from casework.statutory.intake import clean_intake
from casework.text import multi_line, single_line
from db.models import CaseUrl, Platform, Region, TaxonomyTerm

REQUIRED = N_("This field is required.")
TOO_LONG = N_("This is too long.")
OTHER_PLATFORM = N_(
    "A link points to a different platform than the one chosen. "
    "File one report per platform, or choose the platform the links are on."
)
MAX_URLS = 20


def required_text(value: str | None, field: str, max_length: int) -> str:
    """Multi-line text someone must give (a reason, a comment): invisible control and
    format characters dropped, newlines and tabs kept (casework.text)."""
    text = multi_line(value).strip()
    if not text:
        raise ValidationError({field: REQUIRED})
    if len(text) > max_length:
        raise ValidationError({field: TOO_LONG})
    return text


def _optional_text(value: str | None, max_length: int) -> str | None:
    """Single-line text, if any: on one line, without control or format characters."""
    text = single_line(value).strip()
    return text[:max_length] or None


def _term_exists(session: Session, kind: str, code: str | None) -> bool:
    if not code:
        return False
    term = session.get(TaxonomyTerm, (kind, code))
    return term is not None and term.active


def check_url(url: str) -> str | None:
    """A message id when `url` is not an acceptable link to content, else None."""
    return analyse_url(url).problem


def clean_urls(urls: list[str], platform_code: str | None) -> tuple[list[UrlInfo], str | None]:
    """The links of one report, read and deduplicated, and the message for the first bad
    one: refused as a link, or on a known platform other than `platform_code`."""
    read: dict[str, UrlInfo] = {}
    for url in urls:
        if url and url.strip():
            info = analyse_url(url)
            read.setdefault(info.url, info)
    infos = list(read.values())
    if len(infos) > MAX_URLS:
        return infos, N_("At most 20 links per report.")
    for info in infos:
        if info.problem:
            return infos, info.problem
        if platform_mismatch(info, platform_code):
            return infos, OTHER_PLATFORM
    return infos, None


def url_rows(infos: list[UrlInfo], platform_code: str) -> list[CaseUrl]:
    """Unsaved CaseUrl rows; a link to an unknown site takes the case's platform."""
    return [
        CaseUrl(
            case_id=0,
            url=info.url,
            canonical_key=info.content_key,
            platform_code=info.platform or platform_code,
            needs_review=info.needs_review,
        )
        for info in infos
    ]


def clean_report(
    session: Session, report: ReportIn, *, now: datetime
) -> tuple[dict[str, Any], list[CaseUrl]]:
    """Check a report; raise one ValidationError listing every bad field."""
    errors: dict[str, str] = {}
    # A bidi override in a title reorders what the next reader sees (issue 15).
    title = single_line(report.title).strip()
    if not title:
        errors["title"] = REQUIRED
    elif len(title) > REPORT_LIMITS["title"]:
        errors["title"] = TOO_LONG
    if len(report.description or "") > REPORT_LIMITS["description"]:
        errors["description"] = TOO_LONG
    platform = session.get(Platform, report.platform_code) if report.platform_code else None
    if platform is None or not platform.active:
        errors["platform_code"] = N_("Choose a platform.")
    if not _term_exists(session, "category", report.category_code):
        errors["category_code"] = N_("Choose a category.")
    if not _term_exists(session, "source", report.source):
        errors["source"] = N_("Choose a source.")
    for kind, value, field in (
        ("account_class", report.account_class, "account_class"),
        ("content_type", report.content_type, "content_type"),
    ):
        if value and not _term_exists(session, kind, value):
            errors[field] = N_("Choose a value from the list.")
    province = session.get(Region, report.province_code) if report.province_code else None
    if report.province_code and (province is None or province.level != "province"):
        errors["province_code"] = N_("Choose a province.")
    if report.regency_code:
        regency = session.get(Region, report.regency_code)
        if (
            regency is None
            or regency.level != "regency"
            or regency.province_code != report.province_code
        ):
            errors["regency_code"] = N_("Choose a regency or city of the chosen province.")
    if report.priority is not None and report.priority not in tuple(Priority):
        errors["priority"] = N_("Choose a value from the list.")
    # A time given without a zone is the local time of the chosen province (WIB, WITA or
    # WIT): what an officer in Makassar types on the form, in a sheet or through the API.
    local_zone = ZoneInfo(province.time_zone if province is not None else "Asia/Jakarta")
    moments = {}
    for field, moment in (("posted_at", report.posted_at), ("first_seen_at", report.first_seen_at)):
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_zone)
        moments[field] = moment
        if moment is not None and moment > now:
            errors[field] = N_("This time is in the future.")
    if report.reach is not None and report.reach < 0:
        errors["reach"] = N_("Enter zero or a positive number.")
    # A link on another platform is only a mismatch once the chosen platform is valid.
    chosen = platform.code if platform is not None and platform.active else None
    infos, url_problem = clean_urls(report.urls, chosen)
    if url_problem:
        errors["urls"] = url_problem
    intake = clean_intake(report, zone=local_zone.key, now=now, errors=errors)
    if errors:
        raise ValidationError(errors)
    cleaned = {
        **intake,
        "title": title,
        "description": multi_line(report.description).strip(),
        "platform_code": platform.code,
        # The handle the officer typed, else the first one the links carry.
        "account_handle": _optional_text(report.account_handle, REPORT_LIMITS["account_handle"])
        or next((i.account_handle for i in infos if i.account_handle), None),
        "account_class": report.account_class or None,
        "content_type": report.content_type or None,
        "posted_at": moments["posted_at"],
        "first_seen_at": moments["first_seen_at"],
        "reach": report.reach,
        "category_code": report.category_code,
        "legal_ground": _optional_text(
            join_citations([*report.legal_grounds, report.legal_ground or ""]), 1000
        ),
        "source": report.source,
        "reporter_name": _optional_text(report.reporter_name, REPORT_LIMITS["reporter_name"]),
        "reporter_contact": _optional_text(
            report.reporter_contact, REPORT_LIMITS["reporter_contact"]
        ),
        "province_code": report.province_code or None,
        "regency_code": report.regency_code or None,
        "priority": report.priority,
    }
    return cleaned, url_rows(infos, platform.code)


GROUNDS = ("law", "terms")
# Where a decision may go to the EU's DSA database, its texts must fit the DSA's limits.
SCOPE_FORMAT = N_("Use two-letter country codes (ISO 3166), separated by commas, or GLOBAL.")
DSA_EXPLANATION_LIMIT = N_(
    "At most 2,000 characters when the decision covers an EU/EEA country (DSA limit)."
)
DSA_FACTS_LIMIT = N_(
    "At most 5,000 characters when the decision covers an EU/EEA country (DSA limit)."
)
NO_SUCH_RESTRICTION = N_("The decision has no restriction of this kind.")
END_TOO_LATE = N_("Choose a date before 2038.")
PUID_FORMAT = N_("Use letters, digits, '-' and '_' only (at most 500).")


def clean_scope(scope: str | None) -> str:
    """A territorial scope as stored: sorted unique country codes, or GLOBAL."""
    codes = scope_codes(scope)
    if not codes:
        raise ValidationError({"territorial_scope": REQUIRED})
    if GLOBAL in codes:
        return GLOBAL
    if any(code not in country_codes() for code in codes):
        raise ValidationError({"territorial_scope": SCOPE_FORMAT})
    return ",".join(codes)


def _end_date_errors(session: Session, decision: DecisionIn, decisions: list[str]) -> dict:
    """An end date only for a restriction the decision has, and before the DSA's limit."""
    mappings = Mappings.load(session)
    kinds = set()
    for code in decisions:
        mapping = mappings.get("decision_type", code)
        if mapping:
            kinds.add(restriction_field(mapping.value))
    errors = {}
    for field_name, (_end_field, column) in END_DATES.items():
        ends_on = getattr(decision, column)
        if ends_on is None:
            continue
        if field_name not in kinds:
            errors[column] = NO_SUCH_RESTRICTION
        elif ends_on.year >= 2038:
            errors[column] = END_TOO_LATE
    return errors


def clean_decision(session: Session, decision: DecisionIn) -> dict[str, Any]:
    errors: dict[str, str] = {}
    decisions = list(dict.fromkeys(decision.decisions))
    if not decisions:
        errors["decisions"] = N_("Choose at least one decision.")
    elif any(not _term_exists(session, "decision_type", code) for code in decisions):
        errors["decisions"] = N_("Choose a value from the list.")
    elif "no_action" in decisions and len(decisions) > 1:
        errors["decisions"] = N_("'No action' cannot be combined with other decisions.")
    if decision.ground not in GROUNDS:
        errors["ground"] = N_("Choose law or terms of service.")
    if decision.ground == "law" and not (decision.legal_reference or "").strip():
        errors["legal_reference"] = N_("Name the law the decision rests on.")
    if decision.ground == "terms" and not (decision.policy_reference or "").strip():
        errors["policy_reference"] = N_("Name the policy the decision rests on.")
    for name in ("legal_reference", "policy_reference"):
        if len((getattr(decision, name) or "").strip()) > MAX_GROUND:
            errors[name] = TOO_LONG
    try:
        scope = clean_scope(decision.territorial_scope)
    except ValidationError as error:
        errors.update(error.field_errors)
        scope = ""
    submittable = bool(eu_scope(scope))
    explanation = multi_line(decision.explanation or "").strip()
    facts = multi_line(decision.facts or "").strip()
    if not explanation:
        errors["explanation"] = REQUIRED
    elif len(explanation) > DECISION_LIMITS["explanation"]:
        errors["explanation"] = TOO_LONG
    elif submittable and len(explanation) > MAX_EXPLANATION:
        errors["explanation"] = DSA_EXPLANATION_LIMIT
    if len(facts) > DECISION_LIMITS["facts"]:
        errors["facts"] = TOO_LONG
    elif submittable and len(facts) > MAX_FACTS:
        errors["facts"] = DSA_FACTS_LIMIT
    if decision.automated_decision not in AUTOMATION:
        errors["automated_decision"] = N_("Choose a value from the list.")
    puid = (decision.puid or "").strip() or None
    if puid is not None and (len(puid) > MAX_PUID or not re.match(PUID_PATTERN, puid)):
        errors["puid"] = PUID_FORMAT
    if not errors.get("decisions"):
        errors.update(_end_date_errors(session, decision, decisions))
    if decision.decided_at is not None and decision.decided_at.tzinfo is None:
        errors["decided_at"] = N_("Give the time with its time zone.")
    if errors:
        raise ValidationError(errors)
    return {
        "decisions": decisions,
        "ground": decision.ground,
        "legal_reference": _optional_text(decision.legal_reference, MAX_GROUND),
        "policy_reference": _optional_text(decision.policy_reference, MAX_GROUND),
        "explanation": explanation,
        "facts": facts,
        "territorial_scope": scope,
        "automated_detection": decision.automated_detection,
        "automated_decision": decision.automated_decision,
        "visibility_ends_on": decision.visibility_ends_on,
        "monetary_ends_on": decision.monetary_ends_on,
        "account_ends_on": decision.account_ends_on,
        "service_ends_on": decision.service_ends_on,
        "puid": puid,
        "decided_at": decision.decided_at,
    }


def clean_additional_report(
    session: Session, report: ReportIn, *, platform_code: str
) -> tuple[dict[str, Any], list[UrlInfo]]:
    """Check another report of an existing case: who reported it and its links, which
    must be on the case's platform. The title and description become the report's note."""
    errors: dict[str, str] = {}
    title = (report.title or "").strip()
    if len(title) > REPORT_LIMITS["title"]:
        errors["title"] = TOO_LONG
    if len(report.description or "") > REPORT_LIMITS["description"]:
        errors["description"] = TOO_LONG
    if not _term_exists(session, "source", report.source):
        errors["source"] = N_("Choose a source.")
    infos, url_problem = clean_urls(report.urls, platform_code)
    if url_problem:
        errors["urls"] = url_problem
    if errors:
        raise ValidationError(errors)
    note = "\n\n".join(part for part in (title, (report.description or "").strip()) if part)
    cleaned = {
        "source": report.source,
        "reporter_name": _optional_text(report.reporter_name, REPORT_LIMITS["reporter_name"]),
        "reporter_contact": _optional_text(
            report.reporter_contact, REPORT_LIMITS["reporter_contact"]
        ),
        "note": note or None,
    }
    return cleaned, infos
