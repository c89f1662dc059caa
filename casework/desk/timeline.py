"""A case's single timeline: lifecycle events and comments, as the viewer may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from casework.desk import event_kinds
from casework.desk.case_access import comments_visible_to, get_case
from casework.people.actors import Actor, may_see_internal
from db.models import AuditEvent, Organisation, User

# Event details a platform or regulator may read: what is also shared with them anyway.
# Rejection reasons, merge notes and the like stay with the supervisory body.
SHARED_DETAIL_KEYS = frozenset(
    {"decisions", "ground", "question", "answer", "order", "priority", "sla_due_at"}
)

# Events of the supervisory body's own handling, not shown outside it.
INTERNAL_EVENTS = frozenset({"evidence_bundle_exported"})

# The labels of every event kind live in casework.desk.event_kinds; kept importable here.
EVENT_LABELS = event_kinds.EVENT_LABELS
UNKNOWN_EVENT = event_kinds.UNKNOWN_EVENT
event_label = event_kinds.event_label


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # event | comment
    who: str
    organisation: str
    action: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    text: str | None = None
    visibility: str | None = None
    detail: dict | None = None


def case_timeline(
    *, session: Session, actor: Actor, case_id: int, limit: int | None = None
) -> list[TimelineEntry]:
    """Events and comments of one case, oldest first (only the newest `limit`)."""
    get_case(session=session, actor=actor, case_id=case_id)
    return timeline_of(session, actor, case_id, limit=limit)


def timeline_of(
    session: Session, actor: Actor, case_id: int, *, limit: int | None = None
) -> list[TimelineEntry]:
    """The timeline of a case whose scope the caller has checked, oldest first. With
    `limit`, only the newest `limit` entries (and one more, so the caller can tell
    there are older ones): a case with thousands of events stays quick to open."""
    insider = may_see_internal(actor)
    fetch = None if limit is None else limit + 1
    events = session.execute(
        select(
            AuditEvent.id,
            AuditEvent.actor_id,
            AuditEvent.action,
            AuditEvent.from_status,
            AuditEvent.to_status,
            AuditEvent.detail,
            AuditEvent.created_at,
        )
        # The comment itself is on the timeline, not the event recording it.
        .where(AuditEvent.case_id == case_id, AuditEvent.action != "comment_added")
        .order_by(AuditEvent.id.desc())
        .limit(fetch)
    ).all()
    comments = comments_visible_to(session, actor, case_id, newest=fetch)
    ids = {e.actor_id for e in events if e.actor_id} | {c.author_id for c in comments}
    people = {
        user_id: (name, org)
        for user_id, name, org in session.exec(
            select(User.id, User.display_name, Organisation.name)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(User.id.in_(sorted(ids)))
        )
    }
    entries: list[TimelineEntry] = []
    for event in events:
        if not insider and event.action in INTERNAL_EVENTS:
            continue
        who, org = people.get(event.actor_id, ("—", "—"))
        detail = (
            event.detail
            if insider
            else {k: v for k, v in event.detail.items() if k in SHARED_DETAIL_KEYS}
        )
        entries.append(
            TimelineEntry(
                at=event.created_at,
                kind="event",
                who=who,
                organisation=org,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                detail=detail,
            )
        )
    for comment in comments:
        who, org = people.get(comment.author_id, ("—", "—"))
        entries.append(
            TimelineEntry(
                at=comment.created_at,
                kind="comment",
                who=who,
                organisation=org,
                text=comment.body,
                visibility=comment.visibility,
            )
        )
    entries.sort(key=lambda e: (e.at, 0 if e.kind == "event" else 1))
    return entries if fetch is None else entries[-fetch:]
