"""Who is acting: a user with their role and organisation, and what cases they may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_
from sqlmodel import Session, select

from casework.errors import PermissionDenied
from casework.people.permissions import may_see_internal, works_cases  # noqa: F401  (re-exported)
from casework.people.roles import OrgKind, Role
from db.models import Case, Organisation, Platform, User


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    display_name: str
    role: Role
    organisation_id: int
    organisation_kind: OrgKind
    organisation_name: str
    region_code: str | None = None  # supervisory offices; None is national
    platform_codes: tuple[str, ...] = ()  # the platforms a platform organisation operates
    language: str = "id"
    time_zone: str = "Asia/Jakarta"
    # Set by an admin's reset: until the user picks a new password, only the account
    # page exists for them.
    must_change_password: bool = False

    @property
    def is_supervisory_caseworker(self) -> bool:
        return works_cases(self)

    @property
    def is_national(self) -> bool:
        return self.organisation_kind == OrgKind.SUPERVISORY and not self.region_code


def actor_for(session: Session, user_id: int) -> Actor:
    """The acting identity of an active user; refuses deactivated or unknown users."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise PermissionDenied()
    organisation = session.get(Organisation, user.organisation_id)
    if organisation is None or not organisation.active:
        raise PermissionDenied()
    platform_codes = tuple(
        session.exec(
            select(Platform.code)
            .where(Platform.operator_id == organisation.id)
            .order_by(Platform.code)
        ).all()
    )
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        organisation_id=organisation.id,
        organisation_kind=OrgKind(organisation.kind),
        organisation_name=organisation.name,
        region_code=organisation.region_code,
        platform_codes=platform_codes,
        language=user.language,
        time_zone=user.time_zone,
        must_change_password=user.must_change_password,
    )


def region_clause(region_code: str, *, indexed: bool = True):
    """Cases inside a province (`32`) or a regency (`32.73`)."""
    column = Case.regency_code if "." in region_code else Case.province_code
    return (column if indexed else func.coalesce(column, "")) == region_code


def case_scope(actor: Actor, *, indexed: bool = True):
    """A SQL condition selecting exactly the cases `actor` may read. Applied inside every
    query, so a case outside it is indistinguishable from a case that does not exist.

    `indexed=False` states the same condition in a form no index serves. A sorted list
    (the queue) wants that: otherwise SQLite answers the OR of a region with two index
    lookups and then sorts every case of the region, where walking the sort's own index
    and filtering stops after one page."""
    if actor.is_supervisory_caseworker:
        if actor.is_national:
            return True
        organisation = (
            Case.reporting_organisation_id if indexed else Case.reporting_organisation_id + 0
        )
        return or_(
            region_clause(actor.region_code, indexed=indexed),
            organisation == actor.organisation_id,
        )
    if actor.role == Role.LIAISON and actor.platform_codes:
        platform = Case.platform_code if indexed else func.coalesce(Case.platform_code, "")
        return and_(platform.in_(actor.platform_codes), Case.referred_at.is_not(None))
    if actor.role == Role.REGULATOR and actor.organisation_kind == OrgKind.REGULATOR:
        return Case.escalated_at.is_not(None)
    # Observers and admins read aggregates and settings, never single cases.
    return false()
