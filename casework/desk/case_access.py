"""The case read in scope: one case row as an actor may see it, its child rows, and the
conversation as the actor may read it. Every service that reads or acts on a case
starts here; nothing in this module writes."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from casework.desk.access import log_denied
from casework.errors import CaseNotFound, StaleVersion
from casework.people.actors import Actor, case_scope, may_see_internal
from casework.people.roles import OrgKind
from db.models import Case, CaseUrl, Comment, Decision, Evidence, Organisation

# What stays inside the supervisory body, whoever else reads the case.
INTERNAL_FIELDS = ("reporter_name", "reporter_contact", "closing_note")


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
    """The links of a case `actor` may see."""
    get_case(session=session, actor=actor, case_id=case_id)
    return children_of(session, CaseUrl, case_id)


def case_comments(*, session: Session, actor: Actor, case_id: int) -> list[Comment]:
    """The conversation of a case as `actor` may read it."""
    get_case(session=session, actor=actor, case_id=case_id)
    return comments_visible_to(session, actor, case_id)


def case_decisions(*, session: Session, actor: Actor, case_id: int) -> list[Decision]:
    """The platform's decisions on a case `actor` may see."""
    get_case(session=session, actor=actor, case_id=case_id)
    return children_of(session, Decision, case_id)


def case_evidence(*, session: Session, actor: Actor, case_id: int) -> list[Evidence]:
    """The evidence of a case `actor` may see."""
    get_case(session=session, actor=actor, case_id=case_id)
    return children_of(session, Evidence, case_id)


def flush_or_stale(session: Session) -> None:
    """Flush, turning a lost optimistic-lock race into `StaleVersion`."""
    try:
        session.flush()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error
