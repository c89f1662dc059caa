"""Platform decisions as statements of reasons, in the shape of the EU DSA Transparency
Database (field names and values of its API), one JSON object per line, so that a
platform can reuse its Pantau records in its own reporting.

Where Pantau holds no such fact the field is left out rather than guessed. Territorial
scope uses ISO 3166 country codes, as the database does (Pantau's scope is "ID")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session, select

from casework.access import log_denied
from casework.actors import Actor, case_scope
from casework.errors import PermissionDenied
from casework.roles import OrgKind, Role
from db.models import Case, Decision, Platform

VISIBILITY = {
    "removed": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "geo_blocked": "DECISION_VISIBILITY_CONTENT_DISABLED",
    "visibility_reduced": "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "age_restricted": "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "labelled": "DECISION_VISIBILITY_CONTENT_LABELLED",
}
ACCOUNT = {
    "account_suspended": "DECISION_ACCOUNT_SUSPENDED",
    "account_terminated": "DECISION_ACCOUNT_TERMINATED",
}
MONETARY = {"monetisation_restricted": "DECISION_MONETARY_SUSPENSION"}
CATEGORY = {
    "hoax": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "black_campaign": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "paid_political_ad": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "vote_buying": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "neutrality_breach": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "out_of_schedule": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "synthetic_media": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "hate_speech": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "sara": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "impersonation": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "threat_officials": "STATEMENT_CATEGORY_VIOLENCE",
}
OTHER_CATEGORY = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
CONTENT_TYPE = {
    "video": "CONTENT_TYPE_VIDEO",
    "live": "CONTENT_TYPE_VIDEO",
    "image": "CONTENT_TYPE_IMAGE",
    "text": "CONTENT_TYPE_TEXT",
    "comment": "CONTENT_TYPE_TEXT",
}
# A report from an election supervisory body is a notice from an authority-like flagger.
SOURCE = {"platform_detection": "SOURCE_VOLUNTARY"}
DEFAULT_SOURCE = "SOURCE_TRUSTED_FLAGGER"


def may_export_decisions(actor: Actor) -> bool:
    """Liaisons (their platforms' decisions) and the supervisory body's caseworkers."""
    return actor.role == Role.LIAISON or (
        actor.organisation_kind == OrgKind.SUPERVISORY and actor.role in (Role.OFFICER, Role.LEAD)
    )


def _date(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def statement_of_reasons(decision: Decision, case: Case, platform_name: str) -> dict:
    """One decision as a statement of reasons."""
    codes = decision.decisions or []
    statement: dict = {
        "puid": f"{case.reference}-D{decision.id}",
        "platform_name": platform_name,
        "decision_visibility": sorted({VISIBILITY[c] for c in codes if c in VISIBILITY}),
        "decision_account": next((ACCOUNT[c] for c in codes if c in ACCOUNT), None),
        "decision_monetary": next((MONETARY[c] for c in codes if c in MONETARY), None),
        "decision_ground": (
            "DECISION_GROUND_ILLEGAL_CONTENT"
            if decision.ground == "law"
            else "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        ),
        "category": CATEGORY.get(case.category_code, OTHER_CATEGORY),
        "territorial_scope": sorted(
            {c.strip().upper() for c in (decision.territorial_scope or "ID").split(",") if c}
        ),
        "content_type": [CONTENT_TYPE.get(case.content_type or "", "CONTENT_TYPE_OTHER")],
        "content_date": _date(case.posted_at),
        "application_date": _date(decision.decided_at),
        "automated_detection": "Yes" if decision.automated_detection else "No",
        "automated_decision": (
            "AUTOMATED_DECISION_FULLY"
            if decision.automated_decision
            else "AUTOMATED_DECISION_NOT_AUTOMATED"
        ),
        "source_type": SOURCE.get(case.source, DEFAULT_SOURCE),
        "decision_facts": decision.explanation or "",
        "no_action": codes == ["no_action"],
    }
    if decision.ground == "law":
        statement["illegal_content_legal_ground"] = decision.legal_reference or case.legal_ground
        statement["illegal_content_explanation"] = decision.explanation or ""
    else:
        statement["incompatible_content_ground"] = decision.policy_reference or ""
        statement["incompatible_content_explanation"] = decision.explanation or ""
    if case.content_type not in CONTENT_TYPE:
        statement["content_type_other"] = case.content_type or "unknown"
    if decision.issued_by == "regulator":
        statement["source_identity"] = "regulator order"
    return {k: v for k, v in statement.items() if v not in (None, [])}


def decision_statements(
    *,
    session: Session,
    actor: Actor,
    since: datetime | None = None,
    until: datetime | None = None,
    platform_codes: tuple[str, ...] = (),
) -> Iterator[dict]:
    """Statements for the decisions on cases in the actor's scope, oldest first."""
    if not may_export_decisions(actor):
        log_denied(actor, "export_decisions")
        raise PermissionDenied()
    names = {p.code: p.name for p in session.exec(select(Platform))}
    query = (
        select(Decision, Case)
        .join(Case, Case.id == Decision.case_id)
        .where(case_scope(actor))
        .order_by(Decision.decided_at, Decision.id)
    )
    if platform_codes:
        query = query.where(Case.platform_code.in_(platform_codes))
    if since is not None:
        query = query.where(Decision.decided_at >= since)
    if until is not None:
        query = query.where(Decision.decided_at < until)
    for decision, case in session.exec(query.execution_options(yield_per=1000)):
        yield statement_of_reasons(
            decision, case, names.get(case.platform_code, case.platform_code)
        )


def decisions_jsonl(**kwargs) -> bytes:
    """The statements as JSON Lines."""
    return "".join(
        json.dumps(statement, ensure_ascii=False, sort_keys=True) + "\n"
        for statement in decision_statements(**kwargs)
    ).encode("utf-8")
