"""Reading lists of cases: filtered, sorted, paged, always inside the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from casework.actors import Actor, case_scope
from casework.cases import trimmed_for
from casework.workflow import Status
from db.models import Case
from db.types import utcnow

SORTABLE = {
    "updated_at": Case.updated_at,
    "created_at": Case.created_at,
    "sla_due_at": Case.sla_due_at,
    "reference": Case.reference,
    "priority": Case.priority,
}
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class CaseFilters:
    statuses: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    priority: str | None = None
    overdue_only: bool = False
    text: str = ""
    created_from: datetime | None = None
    created_to: datetime | None = None


@dataclass(frozen=True)
class CasePage:
    rows: list[Case]
    total: int
    page: int
    page_size: int
    extra: dict = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _conditions(actor: Actor, filters: CaseFilters, now: datetime) -> list:
    conditions = [case_scope(actor)]
    if filters.statuses:
        conditions.append(Case.status.in_(filters.statuses))
    if filters.platforms:
        conditions.append(Case.platform_code.in_(filters.platforms))
    if filters.categories:
        conditions.append(Case.category_code.in_(filters.categories))
    if filters.provinces:
        conditions.append(Case.province_code.in_(filters.provinces))
    if filters.priority:
        conditions.append(Case.priority == filters.priority)
    if filters.overdue_only:
        conditions.append(Case.sla_due_at < now)
        conditions.append(Case.decided_at.is_(None))
        conditions.append(Case.sla_paused_since.is_(None))
        conditions.append(Case.status.in_((Status.SENT, Status.ACKNOWLEDGED, Status.CONTESTED)))
    if filters.created_from:
        conditions.append(Case.created_at >= filters.created_from)
    if filters.created_to:
        conditions.append(Case.created_at < filters.created_to)
    text = filters.text.strip()[:200]
    if text:
        # Escape LIKE wildcards so a user's "%" matches a percent sign, not everything.
        pattern = (
            "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        conditions.append(
            or_(
                func.lower(Case.reference).like(pattern, escape="\\"),
                func.lower(Case.title).like(pattern, escape="\\"),
                func.lower(Case.account_handle).like(pattern, escape="\\"),
            )
        )
    return conditions


def list_cases(
    *,
    session: Session,
    actor: Actor,
    filters: CaseFilters | None = None,
    sort: str = "updated_at",
    descending: bool = True,
    page: int = 1,
    page_size: int = 50,
    now: datetime | None = None,
) -> CasePage:
    """One page of the cases `actor` may see that match `filters`."""
    filters = filters or CaseFilters()
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    conditions = _conditions(actor, filters, now or utcnow())
    total = session.exec(select(func.count()).select_from(Case).where(*conditions)).one()
    column = SORTABLE.get(sort, Case.updated_at)
    order = column.desc() if descending else column.asc()
    rows = session.exec(
        select(Case)
        .where(*conditions)
        .order_by(order, Case.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    # Outside the supervisory body every row comes without its internal fields.
    rows = [trimmed_for(actor, row) for row in rows]
    return CasePage(rows=rows, total=total, page=page, page_size=page_size)
