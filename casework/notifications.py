"""In-app notifications. Stored as a kind and parameters; each reader sees them in
their own language."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.i18n import N_
from casework.roles import Role
from db.models import Case, Notification, Platform, User
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
}


def _add(session: Session, user_ids: set[int], case: Case, kind: str) -> None:
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
            User.organisation_id == platform.operator_id, User.role == Role.LIAISON, User.active
        )
    ).all()
    _add(session, set(liaisons), case, kind)


def notify_case_parties(
    session: Session, case: Case, *, kind: str, exclude: int | None = None
) -> None:
    """Tell the supervisory side of a case: its assignee, or else whoever filed it."""
    recipients = {uid for uid in (case.assignee_id or case.created_by_id,) if uid}
    recipients.discard(exclude)
    _add(session, recipients, case, kind)


def unread_notifications(*, session: Session, user_id: int, limit: int = 20) -> list[Notification]:
    return list(
        session.exec(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc())
            .limit(limit)
        )
    )


def mark_read(*, session: Session, user_id: int) -> None:
    for note in unread_notifications(session=session, user_id=user_id, limit=1000):
        note.read_at = utcnow()
        session.add(note)
    session.commit()
