"""What the dashboard's filter bar offers, and the election calendar it shades."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from casework.actors import Actor
from casework.analytics.scope import dashboard_scope
from casework.sla import PRIORITY_LABELS
from casework.taxonomy import PHASE_LABELS, platforms, provinces, term_label, terms
from db.models import Election, ElectionPhase


@dataclass(frozen=True)
class PhaseBand:
    election: str
    election_name: str
    phase: str
    starts_on: object  # date
    ends_on: object  # date, inclusive


@dataclass(frozen=True)
class DashboardOptions:
    """Codes with display labels (taxonomy labels already in the viewer's language;
    `phases` and `priorities` hold message ids for the page to translate)."""

    platforms: dict[str, str]
    categories: dict[str, str]
    account_classes: dict[str, str]
    decision_types: dict[str, str]
    provinces: dict[str, str]
    elections: dict[str, str]
    phases: dict[str, str]
    priorities: dict[str, str]
    calendar: list[PhaseBand]


def dashboard_options(*, session: Session, actor: Actor, language: str) -> DashboardOptions:
    """The choices of `actor`'s filter bar: a liaison is offered only their own
    platforms; the calendar is every election's phases."""
    scope = dashboard_scope(actor)
    platform_rows = platforms(session, active_only=False)
    if scope.is_liaison:
        platform_rows = [p for p in platform_rows if p.code in scope.own_platforms]
    elections = {e.code: e.name for e in session.exec(select(Election).order_by(Election.code))}
    calendar = [
        PhaseBand(
            p.election_code,
            elections.get(p.election_code, p.election_code),
            p.phase,
            p.starts_on,
            p.ends_on,
        )
        for p in session.exec(select(ElectionPhase).order_by(ElectionPhase.starts_on))
    ]

    def labels(kind: str) -> dict[str, str]:
        return {t.code: term_label(t, language) for t in terms(session, kind, active_only=False)}

    return DashboardOptions(
        platforms={p.code: p.name for p in platform_rows},
        categories=labels("category"),
        account_classes=labels("account_class"),
        decision_types=labels("decision_type"),
        provinces={r.code: r.name for r in provinces(session)},
        elections=elections,
        phases=dict(PHASE_LABELS),
        priorities={str(k): v for k, v in PRIORITY_LABELS.items()},
        calendar=calendar,
    )
