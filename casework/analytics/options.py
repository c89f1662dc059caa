"""What the dashboard's filter bar offers, and the election calendar it shades."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from casework.analytics.scope import dashboard_scope
from casework.desk.sla import PRIORITY_LABELS
from casework.people.actors import Actor
from casework.reference.elections import phase_labels
from casework.reference.places import alias_index, name_keys, place_key
from casework.reference.taxonomy import platforms, provinces, term_label, terms
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
    # Other names of provinces (Jabar, DIY, ID-JB…) → code, for links typed by hand.
    province_aliases: dict[str, str] = field(default_factory=dict)

    def province_code(self, value: str) -> str | None:
        """The province a URL value names: its code, its name or an alias."""
        if value in self.provinces:
            return value
        key = place_key(value)
        found = self.province_aliases.get(key)
        if found is None:
            found = next((c for c, n in self.provinces.items() if key in name_keys(n)), None)
        return found


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
        phases=phase_labels(session, language),
        priorities={str(k): v for k, v in PRIORITY_LABELS.items()},
        calendar=calendar,
        province_aliases={k: c for k, c in alias_index(session).items() if "." not in c},
    )
