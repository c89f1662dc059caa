"""Aggregate routes: the dashboard's figures, computed by the same functions and within
the same scope as the dashboard (a platform sees its own platforms by name and every
platform only as one total; observers see aggregates only)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlmodel import Session

from casework.analytics import figures
from casework.analytics.filters import DashboardFilters
from casework.outbox.api_tokens import TokenHolder
from casework.reference.places import resolve_region
from db.types import utcnow
from web.api import models as m
from web.api.deps import get_session, read_aggregates
from web.api.errors import ERRORS

router = APIRouter(prefix="/aggregates", tags=["aggregates"])

Codes = Annotated[list[Annotated[str, Query(max_length=64, pattern=m.NO_NUL)]], Query()]
Day = Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


def dashboard_filters(
    date_from: Day = None,
    date_to: Day = None,
    election: Codes = (),
    phase: Codes = (),
    platform: Codes = (),
    category: Codes = (),
    province: Codes = (),
    priority: Codes = (),
    interval: Literal["day", "week"] = "day",
    session: Session = Depends(get_session),
) -> DashboardFilters:
    """The dashboard's filter bar as query parameters (dates are the caller's local days;
    a province may be named by its code, its name or an alias such as Jabar or ID-JB)."""
    return DashboardFilters(
        date_from=date_from,
        date_to=date_to,
        elections=tuple(election),
        phases=tuple(phase),
        platforms=tuple(platform),
        categories=tuple(category),
        provinces=tuple(resolve_region(session, p, level="province") or p for p in province),
        priorities=tuple(priority),
        interval=interval,
    )


def _rows(frame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _model(request: Request):
    return request.app.state.read_model()


@router.get("/headline", response_model=m.Headline, responses=ERRORS, summary="Headline figures")
def headline(
    request: Request,
    filters: DashboardFilters = Depends(dashboard_filters),
    found: TokenHolder = Depends(read_aggregates),
) -> m.Headline:
    """Open, overdue, referred this week, median hours to decision, share actioned."""
    figure = figures.headline(
        actor=found.actor, filters=filters, now=utcnow(), model=_model(request)
    )
    return m.Headline(
        open=figure.open,
        overdue=figure.overdue,
        referred_this_week=figure.referred_this_week,
        median_hours_to_decision=figure.median_hours_to_decision,
        share_actioned=figure.share_actioned,
        decided=figure.decided,
    )


FIGURES = {
    "volume-by-category": lambda a, f, now, model: figures.volume(
        actor=a, filters=f, by="category", model=model
    ),
    "volume-by-platform": lambda a, f, now, model: figures.volume(
        actor=a, filters=f, by="platform", model=model
    ),
    "backlog": lambda a, f, now, model: figures.backlog(actor=a, filters=f, now=now, model=model),
    "sla-compliance": lambda a, f, now, model: figures.sla_compliance(
        actor=a, filters=f, now=now, model=model
    ),
    "response-times": lambda a, f, now, model: figures.response_times(
        actor=a, filters=f, model=model
    ),
    "outcomes": lambda a, f, now, model: figures.outcomes(actor=a, filters=f, model=model),
    "provinces": lambda a, f, now, model: figures.province_counts(
        actor=a, filters=f, now=now, model=model
    ),
}


@router.get("/{name}", response_model=m.Figure, responses=ERRORS, summary="A dashboard figure")
def figure(
    request: Request,
    name: Literal[tuple(FIGURES)],  # type: ignore[valid-type]
    filters: DashboardFilters = Depends(dashboard_filters),
    found: TokenHolder = Depends(read_aggregates),
) -> m.Figure:
    """One of the dashboard's figures as rows: volume by category or platform, the
    backlog by stage, deadlines met, response times, decisions, cases per province."""
    frame = FIGURES[name](found.actor, filters, utcnow(), _model(request))
    return m.Figure(name=name, rows=_rows(frame))
