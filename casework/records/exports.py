"""Files people take away: who may still take them, and the audit trace each leaves.

A download button is drawn with the actor of that script run, and Streamlit calls its
deferred builder later, when it is clicked: minutes or hours after, when the account may
have been deactivated or moved to another organisation or region (issue 15, finding 4).
`export` therefore resolves the actor again from the database and refuses unless it is
the same active user with the same scope, then builds the file with that fresh actor and
records what left: the kind, the filters and the number of rows (finding 14)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from casework.desk.access import log_denied
from casework.errors import PermissionDenied
from casework.people.actors import Actor, actor_for
from casework.records.audit import record_event
from casework.uow import service
from db.engine import begin_write
from db.models import User

EXPORTED = "data_exported"


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    rows: int


def _scope(actor: Actor) -> tuple:
    return (
        actor.role,
        actor.organisation_id,
        actor.organisation_kind,
        actor.region_code,
        actor.platform_codes,
    )


def current_actor(session: Session, actor: Actor, *, attempted: str) -> Actor:
    """`actor` as the database says it is now. PermissionDenied (logged) unless the
    user is still active and approved, in an active organisation, with the same role,
    organisation, region and platforms as when the page was drawn."""
    try:
        fresh = actor_for(session, actor.user_id)
    except PermissionDenied:
        log_denied(actor, attempted, reason="account_no_longer_active")
        raise
    user = session.get(User, actor.user_id)
    if not user.approved or _scope(fresh) != _scope(actor):
        log_denied(actor, attempted, reason="scope_changed")
        raise PermissionDenied()
    return fresh


def _plain(value: Any) -> Any:
    """Filters as JSON the audit chain can hash: dataclasses as dicts, dates as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, default=_default, sort_keys=True))


def _default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def record_export(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    filters: Any = None,
    rows: int,
    case_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """Append the audit event of one export inside the caller's transaction."""
    record_event(
        session,
        action=EXPORTED,
        actor_id=actor.user_id,
        case_id=case_id,
        at=at,
        detail={"kind": kind, "filters": _plain(filters), "rows": rows},
    )


@service
def export(
    *,
    session: Session,
    actor: Actor,
    kind: str,
    build: Callable[[Session, Actor], ExportFile],
    filters: Mapping[str, Any] | Any = None,
    case_id: int | None = None,
    now: datetime | None = None,
) -> bytes:
    """Build a file for `actor` as they are now (see `current_actor`) and record it."""
    fresh = current_actor(session, actor, attempted=f"export_{kind}")
    made = build(session, fresh)
    # The build read; end that transaction before writing (SQLite cannot upgrade it).
    session.rollback()
    begin_write(session)
    record_export(
        session,
        actor=fresh,
        kind=kind,
        filters=filters,
        rows=made.rows,
        case_id=case_id,
        at=now,
    )
    return made.data


@service
def record_list_read(
    *,
    session: Session,
    actor: Actor,
    kind: str,
    filters: Any = None,
    rows: int,
    now: datetime | None = None,
) -> None:
    """Record that `actor` read `rows` rows of a list through the API (its own
    transaction, after the read)."""
    session.rollback()
    begin_write(session)
    record_export(session, actor=actor, kind=kind, filters=filters, rows=rows, at=now)


def csv_records(data: bytes) -> int:
    """The data rows of a CSV file (every record but the heading)."""
    text = data.decode("utf-8-sig", errors="replace")
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1)


def line_records(data: bytes) -> int:
    """The records of a JSON Lines file."""
    return data.count(b"\n")
