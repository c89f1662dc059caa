"""Everything the case page shows, gathered by one service call and trimmed to what
the viewer may see (the reporter's identity stays with the supervisory body)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from casework.clocks.service import ClockLine, clocks_of_case
from casework.desk import sla
from casework.desk.case_access import children_of, get_case
from casework.desk.next_step import NextStep, next_step
from casework.desk.timeline import TimelineEntry, timeline_of
from casework.desk.workflow import OPEN_STATUSES, Action, allowed_actions
from casework.intake.duplicates import linked_cases
from casework.people.actors import Actor, case_scope, may_see_internal
from casework.people.permissions import may_add_evidence, may_assign, may_bundle
from casework.records.decision_signatures import decision_signers
from casework.reference.elections import phase_labels
from casework.reference.taxonomy import term_label
from casework.statutory.forwarding import has_komdigi_request
from db.models import (
    Case,
    CaseReport,
    CaseUrl,
    Decision,
    Evidence,
    Platform,
    Region,
    TaxonomyTerm,
    User,
)
from db.types import utcnow


@dataclass(frozen=True)
class CaseView:
    case_id: int
    reference: str
    version: int
    status: str
    title: str
    description: str
    platform: str
    platform_code: str
    category: str
    legal_ground: str | None
    account_handle: str | None
    account_class: str | None
    content_type: str | None
    source: str
    province: str | None
    regency: str | None
    priority: str
    election_code: str | None
    phase: str | None
    posted_at: datetime | None
    first_seen_at: datetime | None
    created_at: datetime
    reach: int | None
    report_count: int
    assignee: str | None
    assignee_id: int | None
    reporter_name: str | None  # None for viewers outside the supervisory body
    reporter_contact: str | None
    merged_into: str | None
    outcome: str | None
    closing_note: str | None
    clock: sla.Clock
    urls: list[CaseUrl]
    evidence: list[Evidence]
    decisions: list[Decision]
    timeline: list[TimelineEntry]
    timeline_has_older: bool  # the timeline was cut to the newest entries
    actions: list[Action]
    related: list[tuple[int, str, str]]  # (case id, reference, status) the viewer may see
    merged_from: list[tuple[int, str]]  # cases merged into this one, that the viewer may see
    reports: list[CaseReport]  # every report with its reporter; empty outside the body
    # {decision id: platform name} for decisions whose platform signature was verified
    decision_signers: dict[int, str] = field(default_factory=dict)
    # Decided here, as `actions` is, so that the page does not decide again.
    may_assign: bool = False  # assignment and priority: caseworkers, on an open case
    may_bundle: bool = False  # an evidence bundle of this case
    may_add_evidence: bool = False
    # The zone of the case's province (its times are shown in it), and the phase's label.
    time_zone: str = "Asia/Jakarta"
    phase_label: str | None = None
    next_step: NextStep | None = None  # the "Needs your action" panel
    # Every deadline on the case (issue 18), the next due first.
    clocks: list[ClockLine] = field(default_factory=list)


def _label(session: Session, kind: str, code: str | None, language: str) -> str | None:
    if not code:
        return None
    term = session.get(TaxonomyTerm, (kind, code))
    return term_label(term, language) if term else code


def load_case_view(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    language: str | None = None,
    now: datetime | None = None,
    timeline_limit: int | None = None,
) -> CaseView:
    """The case page's content for `actor` (labels in `language`), or CaseNotFound.
    With `timeline_limit`, only the newest entries of the timeline."""
    case: Case = get_case(session=session, actor=actor, case_id=case_id)
    language = language or actor.language
    insider = may_see_internal(actor)
    platform = session.get(Platform, case.platform_code)
    province = session.get(Region, case.province_code) if case.province_code else None
    regency = session.get(Region, case.regency_code) if case.regency_code else None
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    merged_into = (
        session.exec(select(Case.reference).where(Case.id == case.merged_into_id)).first()
        if case.merged_into_id
        else None
    )
    timeline = timeline_of(session, actor, case.id, limit=timeline_limit)
    decisions = children_of(session, Decision, case.id)
    now = now or utcnow()
    actions = _page_actions(session, case, actor)
    clock = sla.clock(
        referred_at=case.referred_at,
        due=case.sla_due_at,
        decided_at=case.decided_at,
        paused_since=case.sla_paused_since,
        paused_seconds=case.sla_paused_seconds,
        now=now,
    )
    return CaseView(
        case_id=case.id,
        reference=case.reference,
        version=case.version,
        status=case.status,
        title=case.title,
        description=case.description,
        platform=platform.name if platform else case.platform_code,
        platform_code=case.platform_code,
        category=_label(session, "category", case.category_code, language),
        legal_ground=case.legal_ground,
        account_handle=case.account_handle,
        account_class=_label(session, "account_class", case.account_class, language),
        content_type=_label(session, "content_type", case.content_type, language),
        source=_label(session, "source", case.source, language),
        province=province.name if province else None,
        regency=regency.name if regency else None,
        priority=case.priority,
        election_code=case.election_code,
        phase=case.phase,
        posted_at=case.posted_at,
        first_seen_at=case.first_seen_at,
        created_at=case.created_at,
        reach=case.reach,
        report_count=case.report_count,
        assignee=assignee.display_name if assignee else None,
        assignee_id=case.assignee_id,
        reporter_name=case.reporter_name if insider else None,
        reporter_contact=case.reporter_contact if insider else None,
        merged_into=merged_into,
        outcome=case.outcome,
        closing_note=case.closing_note if insider else None,
        clock=clock,
        # The scope was checked once, above; the parts need no second check.
        urls=children_of(session, CaseUrl, case.id),
        evidence=children_of(session, Evidence, case.id),
        decisions=decisions,
        decision_signers=decision_signers(session, decisions),
        timeline=timeline[-timeline_limit:] if timeline_limit else timeline,
        timeline_has_older=bool(timeline_limit) and len(timeline) > timeline_limit,
        time_zone=province.time_zone if province else "Asia/Jakarta",
        clocks=clocks_of_case(session, case, now or utcnow()),
        phase_label=phase_labels(session, language).get(case.phase, case.phase)
        if case.phase
        else None,
        actions=actions,
        may_assign=may_assign(actor) and case.status in OPEN_STATUSES,
        may_bundle=may_bundle(actor),
        may_add_evidence=may_add_evidence(actor),
        related=[(c.id, c.reference, c.status) for c in linked_cases(session, actor, case.id)],
        merged_from=[
            (row.id, row.reference)
            for row in session.exec(
                select(Case.id, Case.reference)
                .where(Case.merged_into_id == case.id, case_scope(actor))
                .order_by(Case.id)
            )
        ],
        reports=children_of(session, CaseReport, case.id) if insider else [],
        next_step=next_step(case, actions, timeline, now),
    )


def _page_actions(session: Session, case: Case, actor: Actor) -> list[Action]:
    """The actions the case page lists. On a request to Komdigi the statutory panel
    records Komdigi's order on the request (letter number, date, mendesak), which the
    free-text order would leave unanswered: the page then offers that form alone."""
    actions = allowed_actions(case.status, actor.role)
    if Action.RECORD_REGULATOR_ORDER in actions and has_komdigi_request(session, case.id):
        actions = [a for a in actions if a != Action.RECORD_REGULATOR_ORDER]
    return actions


@dataclass(frozen=True)
class CaseRecord:
    """A case as codes rather than labels, for the HTTP API: the row (trimmed for the
    viewer), its parts, the conversation the viewer may read and the actions they may
    take."""

    case: Case
    clock: sla.Clock
    urls: list[CaseUrl]
    evidence: list[Evidence]
    decisions: list[Decision]
    comments: list
    actions: list[Action]


def load_case_record(
    *, session: Session, actor: Actor, case_id: int, now: datetime | None = None
) -> CaseRecord:
    """One case for `actor` with its parts, or CaseNotFound; the scope is checked once."""
    from casework.desk.case_access import comments_visible_to

    case: Case = get_case(session=session, actor=actor, case_id=case_id)
    return CaseRecord(
        case=case,
        clock=sla.clock(
            referred_at=case.referred_at,
            due=case.sla_due_at,
            decided_at=case.decided_at,
            paused_since=case.sla_paused_since,
            paused_seconds=case.sla_paused_seconds,
            now=now or utcnow(),
        ),
        urls=children_of(session, CaseUrl, case.id),
        evidence=children_of(session, Evidence, case.id),
        decisions=children_of(session, Decision, case.id),
        comments=comments_visible_to(session, actor, case.id),
        actions=allowed_actions(case.status, actor.role),
    )
