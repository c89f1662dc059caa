"""Clock compliance on the dashboard and in the transparency report (issue 18, item 5):
per rule and per owner, how many clocks were met in time, were late, are running, are
paused; per platform the median and p90 hours of the agreed and of the regulatory clock.

The counting is `casework.clocks.figures` (one definition of breached,
`casework.clocks.breach`), over the dashboard's cohort (`casework.analytics.cohort`).
Read from the case database: clocks are not in the read model. For an aggregate-only
reader a count of 1 to k-1 becomes None and a median or p90 resting on fewer than k
clocks too (`casework.analytics.suppression`); the public report suppresses its own
cells (`casework.transparency.suppress`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from casework.actors import Actor
from casework.analytics.cohort import case_cohort
from casework.analytics.filters import DashboardFilters
from casework.analytics.scope import dashboard_scope
from casework.analytics.suppression import resting_on_enough, small_count
from casework.clocks import engine
from casework.clocks import figures as clock_figures
from casework.clocks.figures import Compliance, Durations
from casework.clocks.service import rule_labels

COUNTS = ("on_time", "late", "running", "paused")


@dataclass(frozen=True)
class ClockCompliance:
    by_rule: list[Compliance]  # one row per rule (and its owner)
    by_owner: list[Compliance]  # one row per owner, `rule_code` empty
    durations: list[Durations]  # per platform, agreed and regulatory separately
    rule_labels: dict[str, str]  # each rule's label in the asked language, by code


def per_owner(rows: list[Compliance]) -> list[Compliance]:
    """The rule rows summed per owner, in the owners' order."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        for index, name in enumerate(COUNTS):
            sums[row.owner][index] += getattr(row, name)
    order = [o.value for o in engine.Owner]
    return [
        Compliance("", owner, *sums[owner])
        for owner in sorted(sums, key=lambda o: (order.index(o) if o in order else 99, o))
    ]


def clock_compliance(
    *,
    session: Session,
    actor: Actor,
    filters: DashboardFilters,
    now: datetime,
    language: str = "id",
) -> ClockCompliance:
    """Compliance of every clock of the dashboard's cohort at `now`, with the rules'
    labels in `language`."""
    scope = dashboard_scope(actor)  # refuses roles without a dashboard
    cases = case_cohort(actor, filters)
    by_rule = clock_figures.compliance(session=session, actor=actor, now=now, cases=cases)
    durations = clock_figures.platform_durations(session=session, actor=actor, cases=cases)
    by_owner = per_owner(by_rule)
    if not scope.case_rows:

        def counted(row: Compliance) -> Compliance:
            return replace(row, **{n: small_count(getattr(row, n), scope) for n in COUNTS})

        by_rule = [counted(r) for r in by_rule]
        by_owner = [counted(r) for r in by_owner]
        durations = [
            replace(
                d,
                median_hours=resting_on_enough(d.median_hours, d.measured, scope),
                p90_hours=resting_on_enough(d.p90_hours, d.measured, scope),
                measured=small_count(d.measured, scope),
            )
            for d in durations
        ]
    return ClockCompliance(
        by_rule=by_rule,
        by_owner=by_owner,
        durations=durations,
        rule_labels=rule_labels(session, language),
    )
