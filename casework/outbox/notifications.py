"""In-app notifications. Stored as a kind and parameters; each reader sees them in
their own language.

Who hears what: the platform's liaisons on a referral, an answer, a contest or a
regulator's order; the case's officer (its assignee, else whoever filed it) when the
platform acknowledges, asks or decides; an assignee on assignment; a mentioned user;
the leads whose region holds the case when its deadline is an hour away and when it
passes (found by `check_sla`, which the server runs on a timer)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from casework.clocks import breach
from casework.clocks.warnings import check_clocks
from casework.i18n import N_
from casework.people.roles import OrgKind, Role
from db.engine import begin_write
from db.models import Case, Notification, Organisation, Platform, SlaAlert, User
from db.types import utcnow

NOTIFICATION_TEXTS = {
    "case_referred": N_("{reference} was referred to your platform."),
    "case_acknowledged": N_("The platform acknowledged {reference}."),
    "information_requested": N_("The platform asks for information on {reference}."),
    "information_provided": N_("The officer answered your question on {reference}."),
    "decision_recorded": N_("The platform recorded a decision on {reference}."),
    "decision_contested": N_("The officer contested your decision on {reference}."),
    "regulator_order": N_("The regulator recorded an order on {reference}."),
    "comment_added": N_("New comment on {reference}."),
    "case_assigned": N_("{reference} was assigned to you."),
    "mentioned": N_("You were mentioned in a comment on {reference}."),
    "case_escalated": N_("{reference} was escalated to the regulator."),
    "sla_at_risk": N_("The platform's deadline on {reference} is less than an hour away."),
    "sla_breached": N_("The platform missed its deadline on {reference}."),
    "clock_at_risk": N_("A deadline on {reference} is less than an hour away."),
    "clock_breached": N_("A deadline on {reference} was missed."),
    "identity_linked": N_(
        "Your account can now be signed in to through {provider}. "
        "If you did not do this, tell an administrator at once."
    ),
}

AT_RISK = timedelta(hours=1)
# A breach older than this when first seen (the server was down) is not announced
# late: the queue's "overdue" view lists it anyway.
BREACH_LOOKBACK = timedelta(hours=24)
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9._-]{1,119})")


def notify_users(session: Session, user_ids: set[int], case: Case, *, kind: str) -> None:
    """Queue one notification of `kind` about `case` for each user."""
    now = utcnow()
    for user_id in sorted(user_ids):
        session.add(
            Notification(
                user_id=user_id,
                case_id=case.id,
                kind=kind,
                params={"reference": case.reference},
                created_at=now,
            )
        )


def notify_platform(session: Session, case: Case, *, kind: str) -> None:
    """Tell the liaisons of the platform operator that runs the case's platform."""
    platform = session.get(Platform, case.platform_code)
    if platform is None or platform.operator_id is None:
        return
    liaisons = session.exec(
        select(User.id).where(
            User.organisation_id == platform.operator_id,
            User.role == Role.LIAISON,
            User.active,
            # An API token's account hears of cases through its webhooks instead.
            User.is_api.is_(False),
        )
    ).all()
    notify_users(session, set(liaisons), case, kind=kind)


def notify_case_parties(
    session: Session, case: Case, *, kind: str, exclude: int | None = None
) -> None:
    """Tell the supervisory side of a case: its assignee, or else whoever filed it."""
    recipients = {uid for uid in (case.assignee_id or case.created_by_id,) if uid}
    recipients.discard(exclude)
    notify_users(session, recipients, case, kind=kind)


def notify_regulator(session: Session, case: Case) -> None:
    """Tell the regulator's liaisons that a case was escalated to them."""
    regulators = session.exec(
        select(User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(
            Organisation.kind == OrgKind.REGULATOR,
            Organisation.active,
            User.role == Role.REGULATOR,
            User.active,
        )
    ).all()
    notify_users(session, set(regulators), case, kind="case_escalated")


def leads_for(session: Session, case: Case) -> set[int]:
    """The active leads whose scope holds `case`: the national office's, the regional
    office of its province or regency, and the office that filed it."""
    regions = [code for code in (case.province_code, case.regency_code) if code]
    offices = select(Organisation.id).where(
        Organisation.kind == OrgKind.SUPERVISORY,
        Organisation.active,
        or_(
            Organisation.region_code.is_(None),
            Organisation.region_code.in_(regions),
            Organisation.id == case.reporting_organisation_id,
        ),
    )
    return set(
        session.exec(
            select(User.id).where(
                User.role == Role.LEAD, User.active, User.organisation_id.in_(offices)
            )
        ).all()
    )


def mentioned_usernames(body: str) -> list[str]:
    """The user names written as @name in `body`, in order, without repeats."""
    names: dict[str, None] = {}
    for match in MENTION.finditer(body or ""):
        names.setdefault(match.group(1).rstrip("._-").lower(), None)
    return list(names)


# --- reading ---------------------------------------------------------------------------


def unread_count(*, session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).one()


def list_notifications(
    *, session: Session, user_id: int, unread_only: bool = False, limit: int = 100
) -> list[Notification]:
    """The user's newest notifications."""
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return list(session.exec(query))


def unread_notifications(*, session: Session, user_id: int, limit: int = 20) -> list[Notification]:
    return list_notifications(session=session, user_id=user_id, unread_only=True, limit=limit)


def mark_read(*, session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many."""
    begin_write(session)
    query = select(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    now, count = utcnow(), 0
    for note in session.exec(query):
        note.read_at = now
        session.add(note)
        count += 1
    session.commit()
    return count


# --- the deadline watch ----------------------------------------------------------------


def check_sla(*, session: Session, now: datetime | None = None) -> int:
    """Warn the leads of every case whose running deadline is within an hour, or has
    just passed, once per deadline. Returns how many warnings were sent. Safe to run
    from several replicas at once: the alert row's key lets only one of them send."""
    from casework.desk.workflow import AWAITING_PLATFORM

    now = now or utcnow()
    candidates = session.exec(
        select(Case.id, Case.sla_due_at).where(
            Case.status.in_(sorted(AWAITING_PLATFORM)),
            Case.decided_at.is_(None),
            Case.sla_paused_since.is_(None),
            Case.sla_due_at.is_not(None),
            Case.sla_due_at <= now + AT_RISK,
            Case.sla_due_at >= now - BREACH_LOOKBACK,
        )
    ).all()
    session.rollback()  # end the read, so each warning starts a write transaction
    sent = 0
    for case_id, due in candidates:
        overdue = breach.is_breached(due=due, stopped_at=None, paused_since=None, now=now)
        kind = "breached" if overdue else "at_risk"
        try:
            begin_write(session)
            taken = session.exec(
                select(SlaAlert.kind).where(SlaAlert.case_id == case_id, SlaAlert.due_at == due)
            ).all()
            # A deadline first seen already passed is announced as passed, not as near.
            if kind in taken or (kind == "at_risk" and "breached" in taken):
                session.rollback()
                continue
            case = session.get(Case, case_id)
            session.add(SlaAlert(case_id=case_id, kind=kind, due_at=due, created_at=now))
            session.flush()
            notify_users(session, leads_for(session, case), case, kind=f"sla_{kind}")
            if kind == "at_risk":
                from casework.outbox.webhooks import Event, case_event

                case_event(session, case, Event.SLA_AT_RISK, at=now)
            session.commit()
            sent += 1
        except IntegrityError:
            session.rollback()  # another replica sent this one
    # Every other clock of a case: statutory, regulatory (issue 18).
    return sent + check_clocks(session=session, now=now)
