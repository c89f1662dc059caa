"""Removals verified against removals merely reported: of the cases whose platform
recorded a removal or restriction (the decision types in `capture_verify_decisions`),
how many Pantau's own check later found gone, and how many still reachable. Read from
the operational database: verifications do not change the case row, so the read
model's incremental refresh would not see them, and the figure touches only decided
cases and their checks (a few rows per case)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, or_
from sqlmodel import Session, select

from casework.analytics.cohort import case_cohort
from casework.analytics.filters import DashboardFilters
from casework.capture.outcomes import Verdict, verdict_of
from casework.capture.schedule import VERIFY
from casework.people.actors import Actor
from casework.settings import Settings
from db.models import Capture, Case, Decision


@dataclass(frozen=True)
class RemovalChecks:
    reported: int  # cases with a reported removal or restriction
    verified_gone: int  # of those, the latest check found the content gone
    still_reachable: int  # of those, the latest check found it still served

    @property
    def unverified(self) -> int:
        return self.reported - self.verified_gone - self.still_reachable


def removal_checks(
    *, session: Session, actor: Actor, filters: DashboardFilters, settings: Settings
) -> RemovalChecks:
    """The cohort is the dashboard's (filed on the filter's local dates, every other
    filter applied, inside the viewer's scope); observers see it whole, as a count."""
    cohort = case_cohort(actor, filters)  # refuses roles without a dashboard
    types = sorted(set(settings.capture_verify_decisions))
    if not types:
        return RemovalChecks(0, 0, 0)
    # Decision types are a JSON list; its text form holds each type in quotes.
    mentions = or_(*(cast(Decision.decisions, String).like(f'%"{kind}"%') for kind in types))
    reported = (
        select(Decision.case_id)
        .join(Case, Case.id == Decision.case_id)
        .where(Decision.issued_by == "platform", mentions, cohort)
        .distinct()
    )
    reported_ids = set(session.exec(reported).all())
    latest: dict[int, str] = {}
    if reported_ids:
        checks = session.exec(
            select(Capture.case_id, Capture.outcome)
            .where(Capture.kind == VERIFY, Capture.case_id.in_(reported.subquery().select()))
            .order_by(Capture.captured_at, Capture.id)
        )
        for case_id, outcome in checks:
            latest[case_id] = outcome
    verdicts = [verdict_of(outcome) for outcome in latest.values()]
    return RemovalChecks(
        reported=len(reported_ids),
        verified_gone=verdicts.count(Verdict.GONE),
        still_reachable=verdicts.count(Verdict.STILL_REACHABLE),
    )
