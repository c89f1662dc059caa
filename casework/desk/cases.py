"""Case services: filing, every lifecycle action, comments. Each checks permission and
scope, writes an audit event and commits; a refused call changes nothing. The lifecycle
actions are declared in `casework.desk.actions` and run by its `take_action`; the named
services here are the users' words for them. Reading a case in scope is
`casework.desk.case_access`, re-exported here for the services' callers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from casework.capture.schedule import enqueue_filed_case
from casework.desk.actions import (  # noqa: F401  (re-exported)
    ACROSS_PLATFORMS,
    ESCALATION_TOO_EARLY,
    escalation_refusal,
    take_action,
)
from casework.desk.case_access import (  # noqa: F401  (re-exported)
    INTERNAL_FIELDS,
    case_comments,
    case_decisions,
    case_evidence,
    case_urls,
    children_of,
    comments_visible_to,
    get_case,
    load_case,
    trimmed_for,
)
from casework.desk.filing import REFERENCE_ZONE, Calendar, reference_year, report_row  # noqa: F401
from casework.desk.references import next_reference
from casework.desk.schemas import COMMENT_LIMIT, DecisionIn, ReportIn
from casework.desk.search import reindex
from casework.desk.validation import clean_report, required_text
from casework.desk.workflow import Action, Status
from casework.errors import (
    PermissionDenied,
    ValidationError,
)
from casework.i18n import N_
from casework.intake.urls import case_key
from casework.outbox.notifications import (
    mentioned_usernames,
    notify_case_parties,
    notify_users,
)
from casework.people.actors import Actor, actor_for, case_scope, may_see_internal
from casework.people.permissions import may_comment, may_post_internal, require, works_cases
from casework.people.roles import OrgKind
from casework.records.audit import record_event
from casework.settings import Settings, get_settings
from casework.uow import service
from db.engine import begin_write
from db.models import (
    Case,
    CaseReport,
    Comment,
    User,
)
from db.types import utcnow

# --- filing ----------------------------------------------------------------------------


@service
def file_report(
    *,
    session: Session,
    actor: Actor,
    report: ReportIn,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Case:
    """File a new case in `new` from an officer's report, and queue a capture of each of
    its links (casework.capture)."""
    require(actor, works_cases, "file_report")
    now = now or utcnow()
    begin_write(session)
    cleaned, urls = clean_report(session, report, now=now)
    if actor.region_code and not _inside_region(session, actor.region_code, cleaned):
        raise ValidationError({"province_code": N_("Choose a region inside your office's area.")})
    # One read of the calendar and the zone serves both the phase and the priority, each
    # chosen by the content's local date and its region.
    placed = Calendar(session).place(
        posted_at=cleaned.get("posted_at"),
        province_code=cleaned.get("province_code"),
        regency_code=cleaned.get("regency_code"),
        priority=cleaned.pop("priority"),
        now=now,
    )
    case = Case(
        reference=next_reference(session, reference_year(now)),
        reporting_organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        created_at=now,
        updated_at=now,
        first_seen_at=cleaned.pop("first_seen_at") or now,
        **placed,
        **cleaned,
    )
    # The first link whose content can be known names the case; without one (a short
    # link) the normalised link does, so that the same link filed again is recognised.
    case.content_key = case_key([(u.url, u.canonical_key) for u in urls])
    session.add(case)
    session.flush()
    session.add(
        CaseReport(
            **report_row(
                case_id=case.id,
                actor=actor,
                at=now,
                source=case.source,
                reporter_name=case.reporter_name,
                reporter_contact=case.reporter_contact,
                url=urls[0].url if urls else None,
            )
        )
    )
    for url in urls:
        url.case_id = case.id
        url.created_at = now
        session.add(url)
    session.flush()
    reindex(session, [case.id])
    record_event(
        session,
        action="case_filed",
        actor_id=actor.user_id,
        case_id=case.id,
        to_status=Status.NEW,
        at=now,
        detail={
            "reference": case.reference,
            "platform": case.platform_code,
            "category": case.category_code,
            "priority": case.priority,
        },
    )
    enqueue_filed_case(session, case, settings=settings or get_settings(), now=now)
    return case


def _inside_region(session: Session, region_code: str, cleaned: dict[str, Any]) -> bool:
    if "." in region_code:
        return cleaned.get("regency_code") == region_code
    return cleaned.get("province_code") == region_code


# --- the lifecycle: one-liners over casework.desk.actions.take_action ------------------------


def start_review(*, session: Session, actor: Actor, case_id: int, version: int, now=None) -> Case:
    """An officer takes a new case into review."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.START_REVIEW,
        now=now,
    )


def refer_to_platform(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """Send the case to its platform; the SLA clock starts. With the hierarchy rule on,
    only designated national staff refer (issue 17)."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.REFER_TO_PLATFORM,
        now=now,
        note=note,
    )


def reject_case(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """Close a report as out of scope or not a violation; a reason is required."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.REJECT,
        now=now,
        reason=reason,
    )


def merge_case(
    *, session: Session, actor: Actor, case_id: int, version: int, into_case_id: int, now=None
) -> Case:
    """Merge a duplicate into the surviving case: its URLs, evidence and comments move
    over, the report count adds up, and both audit trails record it."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.MERGE,
        now=now,
        into_case_id=into_case_id,
    )


def acknowledge(*, session: Session, actor: Actor, case_id: int, version: int, now=None) -> Case:
    """The platform's liaison confirms receipt."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.ACKNOWLEDGE,
        now=now,
    )


def request_information(
    *, session: Session, actor: Actor, case_id: int, version: int, question: str, now=None
) -> Case:
    """The platform asks the officer a question; the SLA clock pauses until answered."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.REQUEST_INFORMATION,
        now=now,
        question=question,
    )


def provide_information(
    *, session: Session, actor: Actor, case_id: int, version: int, answer: str, now=None
) -> Case:
    """The officer answers the platform's question; the SLA clock resumes."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.PROVIDE_INFORMATION,
        now=now,
        answer=answer,
    )


def record_decision(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    decision: DecisionIn,
    now=None,
    settings: Settings | None = None,
) -> Case:
    """The platform records what it did and why (statement of reasons). A removal or a
    restriction queues a check that the content is gone (casework.capture)."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.RECORD_DECISION,
        now=now,
        decision=decision,
        settings=settings,
    )


def contest_decision(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """The officer disagrees with the decision; the platform must look again."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.CONTEST_DECISION,
        now=now,
        reason=reason,
    )


def escalate_to_regulator(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """A lead hands the case to the regulator: allowed once the platform missed its
    deadline or a decision was contested twice."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.ESCALATE,
        now=now,
        reason=reason,
    )


def record_regulator_order(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    order: str,
    mendesak: bool = False,
    now=None,
) -> Case:
    """The regulator records the order it issued on an escalated case. It starts the
    regulatory clock: 1x24 hours, or 4 hours when Komdigi marks the order mendesak."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.RECORD_REGULATOR_ORDER,
        now=now,
        order=order,
        mendesak=mendesak,
    )


def close_case(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """The officer verifies the outcome and closes the case."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.CLOSE,
        now=now,
        note=note,
    )


def reopen_case(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """Content reappeared or new evidence arrived: the case comes back."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.REOPEN,
        now=now,
        reason=reason,
    )


def resume_review(*, session: Session, actor: Actor, case_id: int, version: int, now=None) -> Case:
    """A reopened case goes back into review."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.RESUME_REVIEW,
        now=now,
    )


# --- conversation ----------------------------------------------------------------------

MAX_COMMENT = COMMENT_LIMIT


@service
def add_comment(
    *, session: Session, actor: Actor, case_id: int, body: str, visibility: str = "shared", now=None
) -> Comment:
    """Add a comment, shared with both parties or internal to the supervisory body. A
    platform's comments are always shared."""
    if visibility not in ("shared", "internal"):
        raise ValidationError({"visibility": N_("Choose shared or internal.")})
    require(actor, may_comment, "add_comment", case_id=case_id)
    body = required_text(body, "body", MAX_COMMENT)
    now = now or utcnow()
    begin_write(session)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted="add_comment")
    # Checked once the case is known to be theirs: elsewhere the answer stays "not found".
    if visibility == "internal" and not may_post_internal(actor):
        raise ValidationError({"visibility": N_("A platform's comments are always shared.")})
    comment = Comment(
        case_id=case.id,
        author_id=actor.user_id,
        organisation_id=actor.organisation_id,
        visibility=visibility,
        body=body,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    record_event(
        session,
        action="comment_added",
        actor_id=actor.user_id,
        case_id=case.id,
        at=now,
        detail={"comment_id": comment.id, "visibility": visibility},
    )
    if visibility == "shared" and actor.organisation_kind == OrgKind.PLATFORM:
        notify_case_parties(session, case, kind="comment_added", exclude=actor.user_id)
    mentioned = _readers_mentioned(session, actor, case, body, visibility)
    notify_users(session, mentioned, case, kind="mentioned")
    return comment


def _readers_mentioned(
    session: Session, actor: Actor, case: Case, body: str, visibility: str
) -> set[int]:
    """The users named as @name in `body` who may read this comment on this case;
    a mention never tells anyone about a case or a note they cannot see."""
    names = mentioned_usernames(body)[:20]
    if not names:
        return set()
    users = session.exec(
        select(User.id).where(func.lower(User.username).in_(names), User.active)
    ).all()
    readers = set()
    for user_id in users:
        if user_id == actor.user_id:
            continue
        try:
            reader = actor_for(session, user_id)
        except PermissionDenied:
            continue
        if visibility == "internal" and not (
            reader.organisation_id == actor.organisation_id
            or (may_see_internal(actor) and may_see_internal(reader))
        ):
            continue
        visible = session.exec(select(Case.id).where(Case.id == case.id, case_scope(reader)))
        if visible.first() is not None:
            readers.add(user_id)
    return readers


ACTION_SERVICES = {
    Action.START_REVIEW: start_review,
    Action.REFER_TO_PLATFORM: refer_to_platform,
    Action.REJECT: reject_case,
    Action.MERGE: merge_case,
    Action.ACKNOWLEDGE: acknowledge,
    Action.REQUEST_INFORMATION: request_information,
    Action.PROVIDE_INFORMATION: provide_information,
    Action.RECORD_DECISION: record_decision,
    Action.CONTEST_DECISION: contest_decision,
    Action.ESCALATE: escalate_to_regulator,
    Action.RECORD_REGULATOR_ORDER: record_regulator_order,
    Action.CLOSE: close_case,
    Action.REOPEN: reopen_case,
    Action.RESUME_REVIEW: resume_review,
}
