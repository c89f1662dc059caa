"""Case services: filing, every lifecycle action, comments. Each checks permission and
scope, enforces the transition table and the case version, writes an audit event and
commits; a refused call changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from casework import sla
from casework.access import log_denied
from casework.actors import Actor, actor_for, case_scope, may_see_internal
from casework.audit import record_event
from casework.capture.schedule import enqueue_filed_case, schedule_verification
from casework.clocks import breach
from casework.clocks import service as clock_service
from casework.decision_signatures import verify_decision_signature
from casework.elections import load_calendar
from casework.errors import (
    CaseNotFound,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from casework.i18n import N_, Translatable
from casework.notifications import (
    mentioned_usernames,
    notify_case_parties,
    notify_platform,
    notify_regulator,
    notify_users,
)
from casework.references import next_reference
from casework.roles import OrgKind, Role
from casework.schemas import DecisionIn, ReportIn
from casework.search import reindex
from casework.taxonomy import sla_policy
from casework.transactions import rolls_back
from casework.urls import case_key
from casework.validation import clean_decision, clean_report, required_text
from casework.webhooks import ACTION_EVENTS, case_event
from casework.workflow import STATUS_LABELS, Action, Status, find_transition
from db.config import Settings, get_settings
from db.engine import begin_write
from db.models import (
    Case,
    CaseReport,
    CaseUrl,
    Comment,
    Decision,
    Evidence,
    Organisation,
    Region,
    User,
)
from db.types import utcnow

MAX_REASON = 4000
# References carry the year as the national office counts it (WIB): a case filed at
# 00:30 WIB on 1 January belongs to the new year.
REFERENCE_ZONE = ZoneInfo("Asia/Jakarta")


# --- reading ---------------------------------------------------------------------------


def load_case(
    *, session: Session, actor: Actor, case_id: int, attempted: str = "read_case"
) -> Case:
    """The case row itself, for services that act on it, if `actor` may see it. Missing
    and out-of-scope look the same; the refusal is logged as the `attempted` action."""
    case = session.exec(select(Case).where(Case.id == case_id, case_scope(actor))).first()
    if case is None:
        log_denied(actor, attempted, case_id=case_id)
        raise CaseNotFound()
    return case


# What stays inside the supervisory body, whoever else reads the case.
INTERNAL_FIELDS = ("reporter_name", "reporter_contact", "closing_note")


def trimmed_for(actor: Actor, case: Case) -> Case:
    """`case` as `actor` may read it: a detached copy without the internal fields for
    anyone outside the supervisory body, the row itself for insiders."""
    if may_see_internal(actor):
        return case
    copy = Case(**case.model_dump())
    for field in INTERNAL_FIELDS:
        setattr(copy, field, None)
    return copy


def get_case(*, session: Session, actor: Actor, case_id: int) -> Case:
    """One case as `actor` may read it. Missing and out-of-scope look the same."""
    return trimmed_for(actor, load_case(session=session, actor=actor, case_id=case_id))


def children_of(session: Session, model, case_id: int) -> list:
    """Rows of `model` belonging to a case, in id order. No scope check: for services
    that have already loaded the case for their actor."""
    return list(session.exec(select(model).where(model.case_id == case_id).order_by(model.id)))


def comments_visible_to(
    session: Session, actor: Actor, case_id: int, *, newest: int | None = None
) -> list[Comment]:
    """The conversation as `actor` may read it (only the `newest` if given), oldest
    first: internal comments only inside the organisation that wrote them. No scope
    check on the case itself."""
    visible = (Comment.visibility == "shared") | (Comment.organisation_id == actor.organisation_id)
    if may_see_internal(actor):
        # The supervisory body's offices share their internal notes with each other,
        # never a platform's.
        supervisory = select(Organisation.id).where(Organisation.kind == OrgKind.SUPERVISORY)
        visible = visible | Comment.organisation_id.in_(supervisory)
    query = select(Comment).where(Comment.case_id == case_id, visible)
    if newest is not None:
        query = query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(newest)
        return list(reversed(session.exec(query).all()))
    return list(session.exec(query.order_by(Comment.created_at, Comment.id)))


def case_urls(*, session: Session, actor: Actor, case_id: int) -> list[CaseUrl]:
    get_case(session=session, actor=actor, case_id=case_id)
    return children_of(session, CaseUrl, case_id)


def case_comments(*, session: Session, actor: Actor, case_id: int) -> list[Comment]:
    """The conversation of a case as `actor` may read it."""
    get_case(session=session, actor=actor, case_id=case_id)
    return comments_visible_to(session, actor, case_id)


def case_decisions(*, session: Session, actor: Actor, case_id: int) -> list[Decision]:
    get_case(session=session, actor=actor, case_id=case_id)
    return children_of(session, Decision, case_id)


def case_evidence(*, session: Session, actor: Actor, case_id: int) -> list[Evidence]:
    get_case(session=session, actor=actor, case_id=case_id)
    return children_of(session, Evidence, case_id)


# --- filing ----------------------------------------------------------------------------


@rolls_back
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
    if not actor.is_supervisory_caseworker:
        log_denied(actor, "file_report")
        raise PermissionDenied()
    now = now or utcnow()
    begin_write(session)
    cleaned, urls = clean_report(session, report, now=now)
    if actor.region_code and not _inside_region(session, actor.region_code, cleaned):
        raise ValidationError({"province_code": N_("Choose a region inside your office's area.")})
    # One read of the calendar and the zone serves both the phase and the priority, each
    # chosen by the content's local date and its region.
    calendar = load_calendar(session)
    zone = _zone_of(session, cleaned.get("province_code"))
    province, regency = cleaned.get("province_code"), cleaned.get("regency_code")
    if cleaned["priority"] is None:
        cleaned["priority"] = calendar.priority_for(
            cleaned.get("posted_at"), zone, province, regency
        ).value
    local_day = (cleaned.get("posted_at") or now).astimezone(ZoneInfo(zone)).date()
    phase = calendar.phase_for(local_day, province, regency)
    case = Case(
        reference=next_reference(session, now.astimezone(REFERENCE_ZONE).year),
        reporting_organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        election_code=phase.election_code if phase else None,
        phase=phase.phase if phase else None,
        created_at=now,
        updated_at=now,
        first_seen_at=cleaned.pop("first_seen_at") or now,
        **cleaned,
    )
    # The first link whose content can be known names the case; without one (a short
    # link) the normalised link does, so that the same link filed again is recognised.
    case.content_key = case_key([(u.url, u.canonical_key) for u in urls])
    session.add(case)
    session.flush()
    session.add(
        CaseReport(
            case_id=case.id,
            source=case.source,
            reporter_name=case.reporter_name,
            reporter_contact=case.reporter_contact,
            reporting_organisation_id=actor.organisation_id,
            created_by_id=actor.user_id,
            url=urls[0].url if urls else None,
            received_at=now,
            created_at=now,
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
    session.commit()
    return case


def _inside_region(session: Session, region_code: str, cleaned: dict[str, Any]) -> bool:
    if "." in region_code:
        return cleaned.get("regency_code") == region_code
    return cleaned.get("province_code") == region_code


def _zone_of(session: Session, province_code: str | None) -> str:
    region = session.get(Region, province_code) if province_code else None
    return region.time_zone if region else "Asia/Jakarta"


# --- the lifecycle ---------------------------------------------------------------------


def _transition(
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    action: Action,
    *,
    now: datetime | None,
    detail: dict[str, Any] | None = None,
    mutate: Callable[[Case, datetime], None] | None = None,
) -> Case:
    now = now or utcnow()
    begin_write(session)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted=str(action))
    # The version first: someone acting on a page drawn before another's change must
    # hear "it changed", not a puzzling "not possible in this state".
    if case.version != version:
        raise StaleVersion()
    transition = find_transition(case.status, action)
    if transition is None:
        raise InvalidTransition(status=Translatable(STATUS_LABELS[Status(case.status)]))
    if actor.role not in transition.roles:
        log_denied(actor, str(action), case_id=case_id)
        raise PermissionDenied()
    source = case.status
    # One flush per action, so the version moves by exactly one.
    with session.no_autoflush:
        case.status = transition.target
        case.updated_at = now
        if mutate is not None:
            mutate(case, now)
    session.add(case)
    try:
        session.flush()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error
    detail = dict(detail or {})
    # Every deadline the action starts, pauses, resumes or stops (issue 18), in its event.
    clocks = clock_service.drive(session, case, str(action), now, detail=detail)
    if clocks:
        detail["clocks"] = clocks
    record_event(
        session,
        action=action,
        actor_id=actor.user_id,
        case_id=case.id,
        from_status=source,
        to_status=transition.target,
        detail=detail,
        at=now,
    )
    # Webhooks go out through an outbox row in this same transaction: never a wait.
    if str(action) in ACTION_EVENTS:
        case_event(session, case, ACTION_EVENTS[str(action)], at=now)
    return case


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error


def _comment(session: Session, actor: Actor, case: Case, body: str, visibility: str, now: datetime):
    session.add(
        Comment(
            case_id=case.id,
            author_id=actor.user_id,
            organisation_id=actor.organisation_id,
            visibility=visibility,
            body=body,
            created_at=now,
        )
    )


@rolls_back
def start_review(*, session: Session, actor: Actor, case_id: int, version: int, now=None) -> Case:
    """An officer takes a new case into review."""
    case = _transition(session, actor, case_id, version, Action.START_REVIEW, now=now)
    _commit(session)
    return case


@rolls_back
def refer_to_platform(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """Send the case to its platform; the SLA clock starts. With the hierarchy rule on,
    only designated national staff refer (issue 17)."""
    from casework.statutory.flow import check_may_refer

    check_may_refer(session, actor, "refer_to_platform", case_id)
    note = (note or "").strip()[:MAX_REASON]

    def start_clock(case: Case, at: datetime) -> None:
        case.referred_at = at
        case.sla_due_at = sla.due_at(at, case.priority, sla_policy(session, case.platform_code))
        case.sla_paused_since = None
        case.sla_paused_seconds = 0
        case.acknowledged_at = case.decided_at = None
        # A new referral (after a reopen) is a new round: earlier contests do not count
        # towards escalation.
        case.contest_count = 0

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.REFER_TO_PLATFORM,
        now=now,
        mutate=start_clock,
        detail={"note": note} if note else {},
    )
    if note:
        _comment(session, actor, case, note, "shared", case.updated_at)
    notify_platform(session, case, kind="case_referred")
    _commit(session)
    return case


@rolls_back
def reject_case(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """Close a report as out of scope or not a violation; a reason is required."""
    reason = required_text(reason, "reason", MAX_REASON)

    def close(case: Case, at: datetime) -> None:
        case.closed_at = at
        case.outcome = "rejected"
        case.closing_note = reason

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.REJECT,
        now=now,
        mutate=close,
        detail={"reason": reason},
    )
    _commit(session)
    return case


ACROSS_PLATFORMS = N_(
    "Cases on different platforms cannot be merged: each platform sees only its own "
    "conversation and evidence. Link them as related instead (file the report and link it)."
)


@rolls_back
def merge_case(
    *, session: Session, actor: Actor, case_id: int, version: int, into_case_id: int, now=None
) -> Case:
    """Merge a duplicate into the surviving case: its URLs, evidence and comments move
    over, the report count adds up, and both audit trails record it. Both cases must be
    on the same platform: a merge across platforms would hand one platform's shared
    conversation and evidence to the other's liaisons (issue 15), so it is refused with
    "file and link as related" as the way to tie the two together."""
    if into_case_id == case_id:
        raise ValidationError({"into_case_id": N_("A case cannot be merged into itself.")})
    begin_write(session)
    survivor = load_case(session=session, actor=actor, case_id=into_case_id, attempted="merge_case")
    if survivor.status == Status.MERGED:
        raise ValidationError(
            {"into_case_id": N_("That case was itself merged; choose the case it was merged into.")}
        )

    def move(case: Case, at: datetime) -> None:
        # Checked here, after the role check, so that who may not merge at all hears so.
        if case.platform_code != survivor.platform_code:
            raise ValidationError({"into_case_id": ACROSS_PLATFORMS})
        case.merged_into_id = survivor.id
        case.closed_at = at
        case.outcome = "merged"

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.MERGE,
        now=now,
        mutate=move,
        detail={"into": survivor.reference},
    )
    for model in (CaseUrl, Evidence, Comment, CaseReport):
        for row in session.exec(select(model).where(model.case_id == case.id)):
            row.case_id = survivor.id
            session.add(row)
    survivor.report_count += case.report_count
    survivor.updated_at = case.updated_at
    session.add(survivor)
    record_event(
        session,
        action="case_absorbed",
        actor_id=actor.user_id,
        case_id=survivor.id,
        detail={"merged": case.reference},
        at=case.updated_at,
    )
    _commit(session)
    return case


@rolls_back
def acknowledge(*, session: Session, actor: Actor, case_id: int, version: int, now=None) -> Case:
    """The platform's liaison confirms receipt."""

    def stamp(case: Case, at: datetime) -> None:
        case.acknowledged_at = case.acknowledged_at or at

    case = _transition(session, actor, case_id, version, Action.ACKNOWLEDGE, now=now, mutate=stamp)
    notify_case_parties(session, case, kind="case_acknowledged", exclude=actor.user_id)
    _commit(session)
    return case


@rolls_back
def request_information(
    *, session: Session, actor: Actor, case_id: int, version: int, question: str, now=None
) -> Case:
    """The platform asks the officer a question; the SLA clock pauses until answered."""
    question = required_text(question, "question", MAX_REASON)

    def pause(case: Case, at: datetime) -> None:
        case.sla_paused_since = at

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.REQUEST_INFORMATION,
        now=now,
        mutate=pause,
        detail={"question": question},
    )
    _comment(session, actor, case, question, "shared", case.updated_at)
    notify_case_parties(session, case, kind="information_requested", exclude=actor.user_id)
    _commit(session)
    return case


@rolls_back
def provide_information(
    *, session: Session, actor: Actor, case_id: int, version: int, answer: str, now=None
) -> Case:
    """The officer answers the platform's question; the SLA clock resumes."""
    answer = required_text(answer, "answer", MAX_REASON)

    def resume(case: Case, at: datetime) -> None:
        if case.sla_paused_since is not None and case.sla_due_at is not None:
            case.sla_due_at, case.sla_paused_seconds = sla.resume(
                case.sla_due_at, case.sla_paused_since, case.sla_paused_seconds, at
            )
        case.sla_paused_since = None

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.PROVIDE_INFORMATION,
        now=now,
        mutate=resume,
        detail={"answer": answer},
    )
    _comment(session, actor, case, answer, "shared", case.updated_at)
    notify_platform(session, case, kind="information_provided")
    _commit(session)
    return case


def _puid_in_use(session: Session, platform_code: str, puid: str) -> bool:
    """Whether a decision on one of this platform's cases already has this PUID."""
    query = (
        select(Decision.id)
        .join(Case, Case.id == Decision.case_id)
        .where(Case.platform_code == platform_code, Decision.puid == puid)
    )
    return session.exec(query.limit(1)).first() is not None


@rolls_back
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
    cleaned = clean_decision(session, decision)
    signed = {}
    # Filled in by `decide` when the decision is signed: the audit event names the key.
    detail = {"decisions": cleaned["decisions"], "ground": cleaned["ground"]}

    def decide(case: Case, at: datetime) -> None:
        verified = verify_decision_signature(
            session,
            actor=actor,
            case_reference=case.reference,
            case_version=version,
            decision=decision,
        )
        if verified is not None:
            signed.update(
                signed_key_id=verified.key_id,
                signature=verified.signature,
                signed_record=verified.signed_record,
            )
            detail["signed_key_id"] = verified.key_id
        decided_at = cleaned["decided_at"] or at
        if decided_at > at:
            raise ValidationError({"decided_at": N_("The decision time cannot be in the future.")})
        if cleaned["puid"] and _puid_in_use(session, case.platform_code, cleaned["puid"]):
            raise ValidationError(
                {"puid": N_("This platform already sent a decision with this PUID.")}
            )
        case.acknowledged_at = case.acknowledged_at or decided_at
        case.decided_at = decided_at
        case.outcome = cleaned["decisions"][0]
        cleaned["decided_at"] = decided_at

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.RECORD_DECISION,
        now=now,
        mutate=decide,
        detail=detail,
    )
    session.add(
        Decision(
            case_id=case.id,
            issued_by="platform",
            recorded_by_id=actor.user_id,
            created_at=case.updated_at,
            **cleaned,
            **signed,
        )
    )
    schedule_verification(
        session,
        case,
        cleaned["decisions"],
        settings=settings or get_settings(),
        now=case.updated_at,
    )
    notify_case_parties(session, case, kind="decision_recorded", exclude=actor.user_id)
    _commit(session)
    return case


@rolls_back
def contest_decision(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """The officer disagrees with the decision; the platform must look again."""
    reason = required_text(reason, "reason", MAX_REASON)

    def reopen_clock(case: Case, at: datetime) -> None:
        case.contest_count += 1
        case.decided_at = None
        # The platform gets a fresh deadline for the second look.
        case.sla_due_at = sla.due_at(at, case.priority, sla_policy(session, case.platform_code))
        case.sla_paused_since = None

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.CONTEST_DECISION,
        now=now,
        mutate=reopen_clock,
        detail={"reason": reason},
    )
    _comment(session, actor, case, reason, "shared", case.updated_at)
    notify_platform(session, case, kind="decision_contested")
    _commit(session)
    return case


ESCALATION_TOO_EARLY = N_("Escalation needs a missed deadline or a decision contested twice.")


def escalation_refusal(case: Case, now: datetime) -> str | None:
    """Why escalating `case` at `now` would be refused (a message id), or None. The
    service refuses with it; the case page shows the action disabled with it."""
    # The one definition of breached (casework.clocks.breach), over the case's columns.
    if not breach.legacy_breached(case, now) and case.contest_count < 2:
        return ESCALATION_TOO_EARLY
    return None


@rolls_back
def escalate_to_regulator(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """A lead hands the case to the regulator: allowed once the platform missed its
    deadline or a decision was contested twice."""
    reason = required_text(reason, "reason", MAX_REASON)

    def check_and_stamp(case: Case, at: datetime) -> None:
        refusal = escalation_refusal(case, at)
        if refusal:
            raise InvalidTransition(refusal)
        case.escalated_at = at

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.ESCALATE,
        now=now,
        mutate=check_and_stamp,
        detail={"reason": reason},
    )
    notify_regulator(session, case)
    _commit(session)
    return case


@rolls_back
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
    order = required_text(order, "order", MAX_REASON)
    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.RECORD_REGULATOR_ORDER,
        now=now,
        detail={"order": order, "mendesak": True} if mendesak else {"order": order},
    )
    _comment(session, actor, case, order, "shared", case.updated_at)
    notify_platform(session, case, kind="regulator_order")
    _commit(session)
    return case


@rolls_back
def close_case(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """The officer verifies the outcome and closes the case."""
    note = (note or "").strip()[:MAX_REASON]

    def close(case: Case, at: datetime) -> None:
        case.closed_at = at
        case.closing_note = note or None

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.CLOSE,
        now=now,
        mutate=close,
        detail={"note": note} if note else {},
    )
    _commit(session)
    return case


@rolls_back
def reopen_case(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """Content reappeared or new evidence arrived: the case comes back."""
    reason = required_text(reason, "reason", MAX_REASON)

    def reopen(case: Case, at: datetime) -> None:
        case.closed_at = None
        case.outcome = None

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.REOPEN,
        now=now,
        mutate=reopen,
        detail={"reason": reason},
    )
    _commit(session)
    return case


@rolls_back
def resume_review(*, session: Session, actor: Actor, case_id: int, version: int, now=None) -> Case:
    case = _transition(session, actor, case_id, version, Action.RESUME_REVIEW, now=now)
    _commit(session)
    return case


# --- conversation ----------------------------------------------------------------------

MAX_COMMENT = 10_000


@rolls_back
def add_comment(
    *, session: Session, actor: Actor, case_id: int, body: str, visibility: str = "shared", now=None
) -> Comment:
    """Add a comment, shared with both parties or internal to the author's organisation."""
    if visibility not in ("shared", "internal"):
        raise ValidationError({"visibility": N_("Choose shared or internal.")})
    if actor.role in (Role.OBSERVER, Role.ADMIN):
        log_denied(actor, "add_comment", case_id=case_id)
        raise PermissionDenied()
    body = required_text(body, "body", MAX_COMMENT)
    now = now or utcnow()
    begin_write(session)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted="add_comment")
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
    _commit(session)
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
