"""Queue filters as link parameters, and the views users save from them.

One shape serves both: the queue's query parameters (so a filtered queue can be shared
by link, and the dashboard can open the queue on the figures clicked) and the JSON kept
for a saved view. Multi-valued filters are comma-separated codes; dates are the viewer's
local dates, inclusive."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from casework.desk.queries import SORTABLE, CaseFilters, View
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.uow import service
from db.engine import begin_write
from db.models import SavedView
from db.types import utcnow

LISTS = {
    "status": "statuses",
    "platform": "platforms",
    "category": "categories",
    "province": "provinces",
    "regency": "regencies",
    "priority": "priorities",
    "phase": "phases",
    "election": "elections",
}
DATES = {
    "from": ("created_from", False),
    "to": ("created_to", True),
    "referred_from": ("referred_from", False),
    "referred_to": ("referred_to", True),
}
CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
MAX_VALUES = 60
MAX_VIEWS = 50


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def filters_from_params(params: Mapping[str, str], *, zone: str) -> CaseFilters:
    """Filters from link parameters; anything malformed is ignored, never an error, so a
    mangled link still opens the queue."""
    values: dict = {}
    for key, name in LISTS.items():
        raw = params.get(key) or ""
        codes = tuple(c for c in raw.split(",") if CODE.match(c))[:MAX_VALUES]
        if codes:
            values[name] = codes
    for key, (name, end) in DATES.items():
        try:
            day = date.fromisoformat(params.get(key) or "")
        except ValueError:
            continue
        # "to" is inclusive: everything before the next local midnight.
        values[name] = _local_midnight(day + timedelta(days=1) if end else day, zone)
    assignee = params.get("assignee") or ""
    if assignee in ("me", "none") or (assignee.isdigit() and len(assignee) < 12):
        values["assignee"] = assignee
    if params.get("overdue") in ("1", "true"):
        values["overdue_only"] = True
    text = (params.get("q") or "").strip()[:200]
    if text:
        values["text"] = text
    view = params.get("view") or ""
    if view in {v.value for v in View}:
        values["view"] = view
    return CaseFilters(**values)


def filters_to_params(filters: CaseFilters, *, zone: str) -> dict[str, str]:
    """Link parameters for `filters` (the inverse of filters_from_params)."""
    params: dict[str, str] = {}
    for key, name in LISTS.items():
        codes = getattr(filters, name)
        if codes:
            params[key] = ",".join(codes)
    for key, (name, end) in DATES.items():
        moment = getattr(filters, name)
        if moment is not None:
            day = moment.astimezone(ZoneInfo(zone)).date()
            params[key] = (day - timedelta(days=1) if end else day).isoformat()
    if filters.assignee:
        params["assignee"] = filters.assignee
    if filters.overdue_only:
        params["overdue"] = "1"
    if filters.text.strip():
        params["q"] = filters.text.strip()
    if filters.view:
        params["view"] = filters.view
    return params


def list_saved_views(*, session: Session, actor: Actor) -> list[SavedView]:
    """The actor's own saved views, by name."""
    return list(
        session.exec(
            select(SavedView).where(SavedView.user_id == actor.user_id).order_by(SavedView.name)
        )
    )


@service
def save_view(
    *,
    session: Session,
    actor: Actor,
    name: str,
    filters: CaseFilters,
    sort: str,
    descending: bool,
    zone: str,
) -> SavedView:
    """Save the queue's filters under `name`; the same name replaces the earlier view."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": N_("Give the view a name.")})
    if len(name) > 80:
        raise ValidationError({"name": N_("At most 80 characters.")})
    begin_write(session)
    existing = session.exec(
        select(SavedView).where(SavedView.user_id == actor.user_id, SavedView.name == name)
    ).first()
    stored = {
        "params": filters_to_params(filters, zone=zone),
        "sort": sort if sort in SORTABLE else "updated_at",
        "descending": bool(descending),
    }
    if existing is None:
        count = len(list_saved_views(session=session, actor=actor))
        if count >= MAX_VIEWS:
            raise ValidationError({"name": N_("You can keep at most 50 views.")})
        existing = SavedView(user_id=actor.user_id, name=name, created_at=utcnow())
    existing.filters = stored
    session.add(existing)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise ValidationError({"name": N_("A view with this name already exists.")}) from error
    return existing


@service
def delete_view(*, session: Session, actor: Actor, view_id: int) -> None:
    """Delete one of the actor's own views; another user's view is not theirs to touch."""
    begin_write(session)
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != actor.user_id:
        raise PermissionDenied()
    session.delete(view)
