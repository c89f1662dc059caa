"""Reading lists of cases: filtered, sorted, paged, always inside the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from casework.clocks import breach
from casework.desk.case_access import trimmed_for
from casework.desk.search import matching_case_ids
from casework.desk.workflow import AWAITING_PLATFORM, Status
from casework.i18n import N_
from casework.people.actors import Actor, case_scope
from casework.people.roles import Role
from db.models import Case, CaseClock, User
from db.types import utcnow

SORTABLE = {
    "due_soon": None,  # an ordering of several columns: see _due_soon_order
    "updated_at": Case.updated_at,
    "created_at": Case.created_at,
    "sla_due_at": Case.sla_due_at,
    "reference": Case.reference,
    "priority": Case.priority,
}
# The next due running clock of any rule (issue 18), stored on the case by
# casework.clocks.service and indexed: a min() per case read every case in scope (2.6 s
# p95 at 1,000,000 cases, docs/benchmarks.md).
SORTABLE["next_clock_due"] = Case.next_clock_due_at
CLOCK_STATES = ("running", "due_today", "overdue", "awaiting_order")
CLOCK_STATE_LABELS = {
    "running": N_("Running"),
    "due_today": N_("Due today"),
    "overdue": N_("Overdue"),
    "awaiting_order": N_("Awaiting Komdigi's order"),
}
SORT_LABELS = {
    "due_soon": N_("Due soon"),
    "updated_at": N_("Last change"),
    "created_at": N_("Filed"),
    "sla_due_at": N_("Deadline"),
    "reference": N_("Reference"),
    "priority": N_("Priority"),
    "next_clock_due": N_("Next deadline"),
}
MAX_PAGE_SIZE = 500
# Counting every match of a broad filter over a million cases costs more than the page
# itself; past this many the queue says "more than 1,000" (20 pages of 50).
COUNT_CAP = 1_000


class View(StrEnum):
    """The built-in views every queue offers."""

    NEEDS_ME = "needs_me"
    AWAITING_PLATFORM = "awaiting_platform"
    OVERDUE = "overdue"
    INFO_REQUESTED = "info_requested"
    TO_VERIFY = "to_verify"
    ALL = "all"


VIEW_LABELS = {
    View.NEEDS_ME: N_("Needs my action"),
    View.AWAITING_PLATFORM: N_("Awaiting platform"),
    View.OVERDUE: N_("Overdue"),
    View.INFO_REQUESTED: N_("Information requested"),
    View.TO_VERIFY: N_("Decided — to verify"),
    View.ALL: N_("All cases"),
}

# What waits for each side: the supervisory body's next move, or the platform's.
SUPERVISORY_MOVES = (
    Status.NEW,
    Status.IN_REVIEW,
    Status.REOPENED,
    Status.INFO_REQUESTED,
    Status.DECIDED,
)
PLATFORM_MOVES = (*sorted(AWAITING_PLATFORM), Status.ESCALATED)


@dataclass(frozen=True)
class CaseFilters:
    statuses: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    regencies: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    elections: tuple[str, ...] = ()
    # "me", "none" (unassigned) or a user id
    assignee: str | None = None
    overdue_only: bool = False
    text: str = ""
    created_from: datetime | None = None
    created_to: datetime | None = None
    referred_from: datetime | None = None
    referred_to: datetime | None = None
    view: str | None = None
    # kept for callers of the single-priority filter
    priority: str | None = None
    # Deadlines (issue 18): a clock owner (supervisory, platform, regulator, gakkumdu)
    # and a clock state (running, due_today, overdue, awaiting_order).
    clock_owner: str | None = None
    clock_state: str | None = None


@dataclass(frozen=True)
class CasePage:
    rows: list[Case]
    total: int
    page: int
    page_size: int
    extra: dict = field(default_factory=dict)

    @property
    def capped(self) -> bool:
        """True when there are more matches than were counted."""
        return self.total > COUNT_CAP

    @property
    def page_count(self) -> int:
        return max(1, -(-min(self.total, COUNT_CAP) // self.page_size))


def default_view(actor: Actor) -> View:
    return View.NEEDS_ME


def default_sort(actor: Actor, view: str | None) -> tuple[str, bool]:
    """What still can be done in time comes first: "due soon" in the views of work to
    do; the overdue view, where everything is late, by its deadline; the rest by last
    change."""
    if view == View.OVERDUE:
        return "sla_due_at", False
    if actor.role == Role.LIAISON or view in (View.NEEDS_ME, View.AWAITING_PLATFORM):
        return "due_soon", False
    return "updated_at", True


def _due_soon_order(now: datetime) -> list:
    """Cases whose deadline is still ahead (or paused) first, then those without a
    running deadline, then the overdue; within each, urgent before normal, then the
    nearest deadline, then the latest change. A new urgent case that can still be
    answered in time is never buried behind eighty late ones."""
    running = and_(Case.decided_at.is_(None), Case.sla_due_at.is_not(None))
    bucket = case(
        (and_(running, or_(Case.sla_due_at >= now, Case.sla_paused_since.is_not(None))), 0),
        (and_(running, Case.sla_due_at < now), 2),
        else_=1,
    )
    urgent_first = case((Case.priority == "urgent", 0), else_=1)
    return [
        bucket,
        urgent_first,
        Case.sla_due_at.asc().nulls_last(),
        Case.updated_at.desc(),
        Case.id.desc(),
    ]


def _overdue(now: datetime) -> list:
    """The one definition of overdue (`casework.clocks.breach`)."""
    return [breach.legacy_overdue_sql(Case, now)]


def _clock_condition(actor: Actor, filters: CaseFilters, now: datetime):
    """Cases with a clock of the owner and in the state asked for: "my office's deadlines
    today" (supervisory, due_today), "platform overdue" (platform, overdue), "awaiting
    Komdigi's order" (escalated, no regulatory clock yet)."""
    owner, state = filters.clock_owner, filters.clock_state
    if state == "awaiting_order":
        started = select(CaseClock.id).where(
            CaseClock.case_id == Case.id, CaseClock.kind == "regulatory"
        )
        return and_(Case.status == Status.ESCALATED, ~started.exists())
    if not owner and state not in CLOCK_STATES:
        return None
    where = [CaseClock.case_id == Case.id, CaseClock.stopped_at.is_(None)]
    if owner:
        where.append(CaseClock.owner == owner)
    if state == "overdue":
        where.append(
            breach.overdue_sql(CaseClock.due_at, CaseClock.stopped_at, CaseClock.paused_since, now)
        )
    elif state == "due_today":
        zone = ZoneInfo(actor.time_zone or "Asia/Jakarta")
        tomorrow = now.astimezone(zone).date() + timedelta(days=1)
        end_of_today = datetime.combine(tomorrow, time(0), tzinfo=zone)
        where.extend([CaseClock.paused_since.is_(None), CaseClock.due_at < end_of_today])
        where.append(
            ~breach.breached_sql(
                CaseClock.due_at, CaseClock.stopped_at, CaseClock.paused_since, now
            )
        )
    # IN over the clocks that match, computed once: an EXISTS per case would walk the
    # owner's index for every case (quadratic on SQLite).
    return Case.id.in_(select(CaseClock.case_id).where(*where[1:]))


def next_clocks(session: Session, case_ids: list[int]) -> dict[int, CaseClock]:
    """For each case, its running clock due next (the queue's "next deadline")."""
    if not case_ids:
        return {}
    rows = session.exec(
        select(CaseClock)
        .where(CaseClock.case_id.in_(case_ids), CaseClock.stopped_at.is_(None))
        .order_by(CaseClock.case_id, CaseClock.due_at)
    )
    found: dict[int, CaseClock] = {}
    for row in rows:
        found.setdefault(row.case_id, row)
    return found


def _view_conditions(actor: Actor, view: str | None, now: datetime) -> list:
    if view == View.NEEDS_ME:
        if actor.role == Role.LIAISON:
            return [Case.status.in_(PLATFORM_MOVES)]
        if actor.role == Role.REGULATOR:
            return [Case.status == Status.ESCALATED]
        # "Mine or nobody's", said so that no index is tempted: an OR over the assignee
        # index would read most cases and sort them, instead of walking the sort order.
        mine = func.coalesce(Case.assignee_id, actor.user_id) == actor.user_id
        return [Case.status.in_(SUPERVISORY_MOVES), mine]
    if view == View.AWAITING_PLATFORM:
        return [Case.status.in_(sorted(AWAITING_PLATFORM))]
    if view == View.OVERDUE:
        return _overdue(now)
    if view == View.INFO_REQUESTED:
        return [Case.status == Status.INFO_REQUESTED]
    if view == View.TO_VERIFY:
        return [Case.status == Status.DECIDED]
    return []


VIEW_STATUSES = {
    View.AWAITING_PLATFORM: tuple(sorted(AWAITING_PLATFORM)),
    View.OVERDUE: breach.LIVE_STATUSES,
    View.INFO_REQUESTED: (Status.INFO_REQUESTED,),
    View.TO_VERIFY: (Status.DECIDED,),
}


def _statuses(actor: Actor, filters: CaseFilters) -> tuple[str, ...] | None:
    """The statuses the view and filters allow (None: any)."""
    allowed: set[str] | None = None
    if filters.view == View.NEEDS_ME:
        if actor.role == Role.LIAISON:
            allowed = set(PLATFORM_MOVES)
        elif actor.role == Role.REGULATOR:
            allowed = {Status.ESCALATED}
        else:
            allowed = set(SUPERVISORY_MOVES)
    elif filters.view in VIEW_STATUSES:
        allowed = set(VIEW_STATUSES[View(filters.view)])
    if filters.overdue_only:
        live = set(breach.LIVE_STATUSES)
        allowed = live if allowed is None else allowed & live
    if filters.statuses:
        allowed = set(filters.statuses) if allowed is None else allowed & set(filters.statuses)
    return None if allowed is None else tuple(sorted(str(s) for s in allowed))


def _matches(session: Session, filters: CaseFilters, *, newest_first: bool = False):
    """The full-text matches as a subquery with a `case_id` column, or None."""
    text = filters.text.strip()[:200]
    if not text:
        return None
    found = matching_case_ids(session.get_bind().dialect.name, text, newest_first=newest_first)
    return None if found is None else found.subquery()


def _streamed(session: Session, actor: Actor, filters: CaseFilters, now: datetime, columns):
    """A query over the search matches joined to their cases: the database reads the
    matches one by one and stops at the LIMIT, instead of collecting every match first
    (an IN list of half a million ids, for a common word)."""
    matches = _matches(session, filters, newest_first=True)
    conditions = _conditions(session, actor, filters, now, broad=True, text=False)
    query = select(*columns).select_from(matches).join(Case, Case.id == matches.c.case_id)
    return query.where(*conditions), matches


def _count(session: Session, actor: Actor, filters: CaseFilters, now: datetime) -> int:
    if filters.text.strip() and _matches(session, filters) is not None:
        query, _ = _streamed(session, actor, filters, now, [Case.id])
    else:
        query = select(Case.id).where(*_conditions(session, actor, filters, now))
    capped = query.limit(COUNT_CAP + 1).subquery()
    return session.exec(select(func.count()).select_from(capped)).one()


def _conditions(
    session: Session,
    actor: Actor,
    filters: CaseFilters,
    now: datetime,
    *,
    broad: bool = False,
    text: bool = True,
) -> list:
    # A liaison's queue is best read through the (platform, status, deadline) index; a
    # region is not (see case_scope), nor is anything when a broad search walks the
    # table newest first.
    indexed = actor.role == Role.LIAISON and not broad
    conditions = [case_scope(actor, indexed=indexed), *_view_conditions(actor, filters.view, now)]
    for values, column in (
        (filters.statuses, Case.status),
        (filters.platforms, Case.platform_code),
        (filters.categories, Case.category_code),
        (filters.provinces, Case.province_code),
        (filters.regencies, Case.regency_code),
        (filters.priorities, Case.priority),
        (filters.phases, Case.phase),
        (filters.elections, Case.election_code),
    ):
        if values:
            conditions.append(column.in_(values))
    if filters.priority:
        conditions.append(Case.priority == filters.priority)
    if filters.assignee == "me":
        conditions.append(Case.assignee_id == actor.user_id)
    elif filters.assignee == "none":
        conditions.append(Case.assignee_id.is_(None))
    elif filters.assignee and filters.assignee.isdigit():
        conditions.append(Case.assignee_id == int(filters.assignee))
    if filters.overdue_only:
        conditions.extend(_overdue(now))
    clock_condition = _clock_condition(actor, filters, now)
    if clock_condition is not None:
        conditions.append(clock_condition)
    for value, condition in (
        (filters.created_from, lambda v: Case.created_at >= v),
        (filters.created_to, lambda v: Case.created_at < v),
        (filters.referred_from, lambda v: Case.referred_at >= v),
        (filters.referred_to, lambda v: Case.referred_at < v),
    ):
        if value is not None:
            conditions.append(condition(value))
    matches = _matches(session, filters) if text else None
    if matches is not None:
        conditions.append(Case.id.in_(select(matches.c.case_id)))
    return conditions


def count_cases(
    *, session: Session, actor: Actor, filters: CaseFilters, now: datetime | None = None
) -> int:
    """How many cases match, counted up to one past COUNT_CAP."""
    return _count(session, actor, filters, now or utcnow())


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
    now = now or utcnow()
    conditions = _conditions(session, actor, filters, now)
    total = _count(session, actor, filters, now)
    page = max(1, min(page, -(-min(total, COUNT_CAP) // page_size) or 1))
    # `is None`, not `or`: a column (the next clock's due time) has no truth value.
    column = SORTABLE.get(sort)
    if column is None:
        column = Case.updated_at
    order = column.desc() if descending else column.asc()
    if sort in ("sla_due_at", "next_clock_due"):
        # Cases without a deadline go last whichever way the deadline sorts. Only this
        # column may be empty; on the others NULLS LAST would cost PostgreSQL its index.
        order = order.nulls_last()
    orders = [order, Case.id.desc() if descending else Case.id.asc()]
    if sort == "due_soon":
        orders = _due_soon_order(now)
    broad_search = bool(filters.text.strip()) and total > COUNT_CAP
    statuses = _statuses(actor, filters)
    if broad_search:
        # Sorting hundreds of thousands of matches costs seconds; the newest filed come
        # straight from the search index's order. The page says so.
        query, matches = _streamed(session, actor, filters, now, [Case])
        query = query.order_by(matches.c.case_id.desc())
        rows = list(session.exec(query.offset((page - 1) * page_size).limit(page_size)))
    elif sort == "updated_at" and statuses and len(statuses) > 1:
        rows = _page_per_status(session, conditions, statuses, descending, page, page_size)
    else:
        rows = _page(session, conditions, orders, page, page_size)
    # Outside the supervisory body every row comes without its internal fields.
    rows = [trimmed_for(actor, row) for row in rows]
    return CasePage(
        rows=rows,
        total=total,
        page=page,
        page_size=page_size,
        extra={"newest_first": broad_search},
    )


def _page(session: Session, conditions: list, orders: list, page: int, size: int) -> list:
    query = select(Case).where(*conditions).order_by(*orders)
    return list(session.exec(query.offset((page - 1) * size).limit(size)))


def _page_per_status(
    session: Session, conditions: list, statuses, descending: bool, page: int, size: int
) -> list:
    """The page, sorted by last change, of cases in several statuses: the newest few of
    each status from its own (status, updated_at) index range, then merged. One sorted
    walk per status stops after a page; a single query over all of them would collect
    every match of the statuses and sort them all."""
    wanted = page * size
    order = (
        (Case.updated_at.desc(), Case.id.desc())
        if descending
        else (Case.updated_at.asc(), Case.id.asc())
    )
    candidates: list[tuple] = []
    for status in statuses:
        candidates += session.execute(
            select(Case.id, Case.updated_at)
            .where(*conditions, Case.status == status)
            .order_by(*order)
            .limit(wanted)
        ).all()
    candidates.sort(key=lambda row: (row.updated_at, row.id), reverse=descending)
    chosen = [row.id for row in candidates[(page - 1) * size : wanted]]
    if not chosen:
        return []
    found = {case.id: case for case in session.exec(select(Case).where(Case.id.in_(chosen)))}
    return [found[case_id] for case_id in chosen if case_id in found]


@dataclass(frozen=True)
class ChangedCases:
    rows: list[Case]
    # (updated_at, id) of the last row, to continue after; None when this was the last.
    next_after: tuple[datetime, int] | None


def cases_changed_since(
    *,
    session: Session,
    actor: Actor,
    filters: CaseFilters | None = None,
    updated_since: datetime | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> ChangedCases:
    """The cases `actor` may see that match `filters`, oldest change first, in pages
    that continue strictly after `after` (keyset paging: stable while cases change, and
    as fast on the thousandth page as on the first). For tools that keep a copy."""
    filters = filters or CaseFilters()
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    conditions = _conditions(session, actor, filters, now or utcnow())
    if updated_since is not None:
        conditions.append(Case.updated_at >= updated_since)
    if after is not None:
        at, case_id = after
        conditions.append(or_(Case.updated_at > at, and_(Case.updated_at == at, Case.id > case_id)))
    ordered = (Case.updated_at.asc(), Case.id.asc())
    platforms = _feed_platforms(actor, filters)
    if len(platforms) > 1:
        # One ordered index range per platform (ix_case_platform_updated), merged here:
        # an IN over several platforms would make the database sort all their cases.
        rows = []
        for code in platforms:
            part = select(Case).where(*conditions, Case.platform_code == code)
            rows += session.exec(part.order_by(*ordered).limit(limit + 1)).all()
        rows.sort(key=lambda row: (row.updated_at, row.id))
        rows = rows[: limit + 1]
    else:
        rows = session.exec(
            select(Case).where(*conditions).order_by(*ordered).limit(limit + 1)
        ).all()
    more = len(rows) > limit
    rows = [trimmed_for(actor, row) for row in rows[:limit]]
    next_after = (rows[-1].updated_at, rows[-1].id) if more else None
    return ChangedCases(rows=rows, next_after=next_after)


def _feed_platforms(actor: Actor, filters: CaseFilters) -> tuple[str, ...]:
    """The platforms a liaison's feed spans (the filter within their own), else ()."""
    if actor.role != Role.LIAISON:
        return ()
    if filters.platforms:
        return tuple(code for code in actor.platform_codes if code in filters.platforms)
    return actor.platform_codes


def case_id_for_reference(*, session: Session, actor: Actor, reference: str) -> int:
    """The id of the case with `reference`, if `actor` may see it; CaseNotFound alike
    for a missing case and one outside the actor's scope."""
    from casework.desk.access import log_denied
    from casework.errors import CaseNotFound

    found = session.exec(
        select(Case.id).where(Case.reference == reference.strip().upper(), case_scope(actor))
    ).first()
    if found is None:
        log_denied(actor, "read_case", reference=reference[:40])
        raise CaseNotFound()
    return found


def case_ids_for_references(
    *, session: Session, actor: Actor, references: list[str]
) -> list[tuple[int, str]]:
    """(id, reference) of the cases with `references` that `actor` may see, in the
    order given (the new cases of an import, to link to)."""
    if not references:
        return []
    found = dict(
        session.exec(
            select(Case.reference, Case.id).where(Case.reference.in_(references), case_scope(actor))
        ).all()
    )
    return [(found[r], r) for r in references if r in found]


def display_names(*, session: Session, user_ids: set[int]) -> dict[int, str]:
    """Display names of the given users (the queue's assignee column)."""
    if not user_ids:
        return {}
    query = select(User.id, User.display_name).where(User.id.in_(sorted(user_ids)))
    return dict(session.exec(query).all())
