"""One decision as a DSA statement of reasons, and the reasons it cannot go to the EU's
Transparency Database as it stands. Both exports (`dsa_export`) build on this.

Dates are calendar days in the case's own zone, as its people lived them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from casework.i18n import N_
from casework.records.dsa_mappings import Mappings
from casework.records.dsa_values import (
    AUTOMATION,
    END_DATES,
    MAX_EXPLANATION,
    MAX_FACTS,
    MAX_GROUND,
    RESTRICTION_FIELDS,
    STRENGTH,
    eu_scope,
    restriction_field,
    scope_codes,
)
from db.models import Case, Decision

# The statement fields that come from the decision itself (the rest describe the case).
# An inbound statement's values for these come back out unchanged.
DECISION_STATEMENT_FIELDS = (
    "puid",
    "decision_visibility",
    "decision_visibility_other",
    "decision_monetary",
    "decision_monetary_other",
    "decision_provision",
    "decision_account",
    "end_date_visibility_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_account_restriction",
    "decision_ground",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "decision_facts",
    "territorial_scope",
    "automated_detection",
    "automated_decision",
    "application_date",
)

NO_RESTRICTION = N_("No restriction: the DSA database takes no 'no action' decisions.")
NO_EU_SCOPE = N_("No EU/EEA country in the territorial scope.")
UNMAPPED_DECISION = N_("A decision type has no DSA mapping: {code}.")
UNMAPPED_CATEGORY = N_("The category has no DSA mapping: {code}.")
UNMAPPED_CONTENT = N_("The content type has no DSA mapping: {code}.")
UNMAPPED_SOURCE = N_("The source has no DSA mapping: {code}.")
NO_CONTENT_TYPE = N_("The case has no content type.")
NO_POSTED_AT = N_("The case has no posting time (content_date is required).")
NO_EXPLANATION = N_("The explanation is empty.")
EXPLANATION_TOO_LONG = N_("The explanation is over 2,000 characters.")
FACTS_TOO_LONG = N_("The facts and circumstances are over 5,000 characters.")
GROUND_MISSING = N_("The legal or contractual ground is empty or over 500 characters.")
DUPLICATE_PUID = N_("Another statement of this platform already has this PUID.")
TOO_EARLY = N_(
    "A date is before the DSA database's earliest (2000 for content, 2020 for decisions)."
)


@dataclass
class Built:
    """A statement, and why it cannot be submitted (message ids with their values)."""

    statement: dict
    problems: list[tuple[str, dict]] = field(default_factory=list)


def puid_of(decision: Decision, case: Case) -> str:
    """The platform's own identifier, or one Pantau makes from the case and decision."""
    return decision.puid or f"{case.reference}-D{decision.id}"


def local_day(value: datetime | None, zone: str) -> date | None:
    return value.astimezone(ZoneInfo(zone)).date() if value else None


def _restrictions(decision: Decision, mappings: Mappings, problems: list) -> dict:
    out: dict = {}
    other_texts: dict[str, str | None] = {}
    for code in decision.decisions or []:
        if code == "no_action":
            continue
        mapping = mappings.get("decision_type", code)
        field_name = restriction_field(mapping.value) if mapping else None
        if field_name is None:
            problems.append((UNMAPPED_DECISION, {"code": code}))
            continue
        if mapping.value.endswith("_OTHER"):
            other_texts[mapping.value] = mapping.other_text
        if field_name == "decision_visibility":
            out.setdefault(field_name, set()).add(mapping.value)
        elif STRENGTH.get(mapping.value, 0) >= STRENGTH.get(out.get(field_name), 0):
            out[field_name] = mapping.value
    if "decision_visibility" in out:
        out["decision_visibility"] = sorted(out["decision_visibility"])
    if "DECISION_VISIBILITY_OTHER" in out.get("decision_visibility", ()):
        out["decision_visibility_other"] = other_texts["DECISION_VISIBILITY_OTHER"]
    if out.get("decision_monetary") == "DECISION_MONETARY_OTHER":
        out["decision_monetary_other"] = other_texts["DECISION_MONETARY_OTHER"]
    for field_name, (end_field, column) in END_DATES.items():
        ends_on = getattr(decision, column)
        if field_name in out and ends_on is not None:
            out[end_field] = ends_on.isoformat()
    return out


def _grounds(decision: Decision, case: Case, problems: list) -> dict:
    explanation = decision.explanation or ""
    facts = decision.facts or explanation
    if not explanation.strip():
        problems.append((NO_EXPLANATION, {}))
    elif len(explanation) > MAX_EXPLANATION:
        problems.append((EXPLANATION_TOO_LONG, {}))
    if len(facts) > MAX_FACTS:
        problems.append((FACTS_TOO_LONG, {}))
    if decision.ground == "law":
        ground = decision.legal_reference or case.legal_ground or ""
        out = {
            "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": ground,
            "illegal_content_explanation": explanation,
        }
    else:
        ground = decision.policy_reference or ""
        out = {
            "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
            "incompatible_content_ground": ground,
            "incompatible_content_explanation": explanation,
        }
    if not ground.strip() or len(ground) > MAX_GROUND:
        problems.append((GROUND_MISSING, {}))
    out["decision_facts"] = facts
    return out


def _case_fields(case: Case, mappings: Mappings, problems: list, source_identity: str) -> dict:
    out: dict = {}
    category = mappings.get("category", case.category_code)
    content = mappings.get("content_type", case.content_type)
    content_types: set[str] = set()
    keywords: set[str] = set()
    if category is None:
        problems.append((UNMAPPED_CATEGORY, {"code": case.category_code}))
    else:
        out["category"] = category.value
        keywords = {a for a in category.additions if a.startswith("KEYWORD_")}
        content_types = {a for a in category.additions if a.startswith("CONTENT_TYPE_")}
    if not case.content_type:
        problems.append((NO_CONTENT_TYPE, {}))
    elif content is None:
        problems.append((UNMAPPED_CONTENT, {"code": case.content_type}))
    else:
        content_types.add(content.value)
        if content.value == "CONTENT_TYPE_OTHER":
            out["content_type_other"] = content.other_text
    if content_types:
        out["content_type"] = sorted(content_types)
    if keywords:
        out["category_specification"] = sorted(keywords)
    source = mappings.get("source", case.source)
    if source is None:
        problems.append((UNMAPPED_SOURCE, {"code": case.source}))
    else:
        out["source_type"] = source.value
        if source.value != "SOURCE_VOLUNTARY" and source_identity:
            out["source_identity"] = source_identity[:MAX_GROUND]
    return out


def build_statement(
    decision: Decision,
    case: Case,
    *,
    mappings: Mappings,
    zone: str,
    source_identity: str = "",
) -> Built:
    """The decision as a statement of reasons for the EU's database: the scope cut to
    the EU/EEA. `problems` says why it may not be submitted; empty means it may."""
    problems: list[tuple[str, dict]] = []
    statement: dict = {"puid": puid_of(decision, case)}
    statement.update(_restrictions(decision, mappings, problems))
    if not any(f in statement for f in RESTRICTION_FIELDS):
        problems.insert(0, (NO_RESTRICTION, {}))
    statement.update(_grounds(decision, case, problems))
    statement.update(_case_fields(case, mappings, problems, source_identity))
    statement["territorial_scope"] = eu_scope(decision.territorial_scope)
    if not statement["territorial_scope"]:
        problems.insert(0, (NO_EU_SCOPE, {}))
    content_date = local_day(case.posted_at, zone)
    application_date = local_day(decision.decided_at, zone)
    if content_date is None:
        problems.append((NO_POSTED_AT, {}))
    else:
        statement["content_date"] = content_date.isoformat()
    statement["application_date"] = application_date.isoformat()
    if (content_date and content_date.year < 2000) or application_date.year < 2020:
        problems.append((TOO_EARLY, {}))
    statement["automated_detection"] = "Yes" if decision.automated_detection else "No"
    statement["automated_decision"] = AUTOMATION.get(
        decision.automated_decision, AUTOMATION["not_automated"]
    )
    return Built({k: v for k, v in statement.items() if v not in (None, "", [])}, problems)


def indonesian_statement(
    decision: Decision,
    case: Case,
    *,
    mappings: Mappings,
    zone: str,
    platform_name: str,
    source_identity: str = "",
) -> dict:
    """The decision in Pantau's own DSA-shaped record: Indonesian scope and "no action"
    kept, the platform and the case named. Not for submission to the EU's database."""
    built = build_statement(
        decision, case, mappings=mappings, zone=zone, source_identity=source_identity
    )
    statement = built.statement
    statement["territorial_scope"] = scope_codes(decision.territorial_scope)
    statement["no_action"] = list(decision.decisions or []) == ["no_action"]
    statement["platform_name"] = platform_name
    statement["case_reference"] = case.reference
    for code_field, kind, code in (
        ("category", "category", case.category_code),
        ("content_type", "content_type", case.content_type),
        ("source_type", "source", case.source),
    ):
        if code_field not in statement:
            statement[f"pantau_{kind}"] = code
    return statement
