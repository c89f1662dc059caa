"""The case queue: what needs attention, filtered, searched and paged on the server."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from casework.clocks.engine import OWNER_LABELS, Owner
from casework.desk import sla
from casework.desk.queries import COUNT_CAP, display_names, list_cases, next_clocks
from casework.desk.workflow import STATUS_LABELS, Status
from casework.people.permissions import works_cases
from casework.reference.taxonomy import platforms, provinces, term_label, terms
from casework.settings import get_settings
from casework.statutory.queues import VIEWS as STATUTORY_VIEWS
from casework.statutory.queues import statutory_queue
from db.types import utcnow
from pages import calls, registry, ui
from pages.bundle_panel import bundle_download
from pages.queue_bulk import bulk_bar
from pages.queue_filters import filter_bar, publish_to_link, sync_from_link

DRAWN_IDS = "queue_table_drawn_ids"  # the case ids of the table as last drawn, in order


def case_clock(case, now) -> sla.Clock:
    return sla.clock(
        referred_at=case.referred_at,
        due=case.sla_due_at,
        decided_at=case.decided_at,
        paused_since=case.sla_paused_since,
        paused_seconds=case.sla_paused_seconds,
        now=now,
    )


def sla_badge(case, now, _) -> str:
    """Time left or lateness (in days above 48 hours) for a counting clock; else the
    clock's state. Words only: emoji markers render as empty boxes without an emoji font."""
    clock = case_clock(case, now)
    left = ui.time_left(clock)
    if clock.state == sla.ClockState.PAUSED:
        return _(sla.CLOCK_LABELS[clock.state]) + (f" · {left}" if left else "")
    return left or _(sla.CLOCK_LABELS[clock.state])


def _overdue_rows(table, overdue: list[bool]):
    """The table as a styled frame with overdue rows tinted red (colour is not the only
    sign: their deadline cell says "late")."""
    frame = pd.DataFrame(table)
    tint = "background-color: #fde2e1; color: #7a1410"

    def style(row):
        return [tint if overdue[row.name] else ""] * len(row)

    return frame.style.apply(style, axis=1)


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    lang = ui.language()
    st.title(_("Case queue"))
    ui.show_flash()
    sync_from_link(actor)
    filters, sort, descending = filter_bar(actor)
    publish_to_link(filters, sort, descending, actor)
    # After the queue's own views and filters, which stay the first thing on the page.
    if works_cases(actor):
        _statutory_views(actor)
    page_number = st.session_state.get("queue_page", 1)
    now = utcnow()
    with calls.reading() as session:
        result = list_cases(
            session=session,
            actor=actor,
            filters=filters,
            sort=sort,
            descending=descending,
            page=page_number,
            page_size=get_settings().page_size,
            now=now,
        )
        platform_names = {p.code: p.name for p in platforms(session, active_only=False)}
        categories = {t.code: term_label(t, lang) for t in terms(session, "category")}
        province_names = {p.code: p.name for p in provinces(session)}
        upcoming = next_clocks(session, [c.id for c in result.rows])
        assignees = display_names(
            session=session, user_ids={c.assignee_id for c in result.rows if c.assignee_id}
        )
    if result.total == 0:
        st.info(_("No cases match these filters."), icon=":material/inbox:")
        bulk_bar(actor, [])
        return
    count = (
        _("More than {count} cases").format(count=ui.number(COUNT_CAP))
        if result.capped
        else _("{count} cases").format(count=ui.number(result.total))
    )
    st.caption(count)
    if result.extra.get("newest_first"):
        st.caption(
            _("Many matches: the newest filed come first. Add words or filters to narrow them.")
        )
    columns = {
        "reference": _("Reference"),
        "title": _("Title"),
        "link": _("Link"),
        "status": _("Status"),
        "deadline": _("Deadline"),
        # Any clock on the case (issue 18): the statutory ones beside the agreed deadline.
        "next_deadline": _("Next deadline"),
        "priority": _("Priority"),
        "platform": _("Platform"),
        "category": _("Category"),
        "region": _("Region"),
        "assignee": _("Assignee"),
        "updated": _("Updated"),
    }
    table = [
        {
            columns["reference"]: case.reference,
            columns["title"]: case.title,
            # A real link: opens the case in a new tab (glide renders it with noopener).
            columns["link"]: f"case?id={case.id}",
            columns["status"]: _(STATUS_LABELS[Status(case.status)]),
            columns["deadline"]: sla_badge(case, now, _),
            columns["next_deadline"]: _next_clock(upcoming.get(case.id), actor, _),
            columns["priority"]: _(sla.PRIORITY_LABELS[sla.Priority(case.priority)]),
            columns["platform"]: platform_names.get(case.platform_code, case.platform_code),
            columns["category"]: categories.get(case.category_code, case.category_code),
            columns["region"]: province_names.get(case.province_code or "", "—"),
            columns["assignee"]: assignees.get(case.assignee_id, "—"),
            columns["updated"]: ui.format_time(case.updated_at, actor),
        }
        for case in result.rows
    ]
    overdue = [case_clock(c, now).state == sla.ClockState.BREACHED for c in result.rows]
    bulk = works_cases(actor)
    # One click on a cell opens its case; the row checkboxes (caseworkers) select rows
    # for bulk work.
    selection = st.dataframe(
        _overdue_rows(table, overdue),
        hide_index=True,
        on_select="rerun",
        selection_mode=["multi-row", "single-cell"] if bulk else "single-cell",
        key="queue_table",
        # Tall: every row of the page shows without an inner scroll box.
        height=38 + 35 * len(table),
        column_config={
            columns["reference"]: st.column_config.TextColumn(pinned=True, width="medium"),
            columns["title"]: st.column_config.TextColumn(pinned=True, width="large"),
            columns["link"]: st.column_config.LinkColumn(
                display_text=_("New tab"), width="small", help=_("Open the case in a new tab")
            ),
            columns["status"]: st.column_config.TextColumn(width="medium"),
            columns["deadline"]: st.column_config.TextColumn(width="medium"),
        },
    )
    # A selection names rows by position in the table the browser drew, which is the
    # previous run's: map positions through the ids kept then, so that a list that
    # changed in between (a deadline passed, a case was filed) opens what was clicked.
    drawn = st.session_state.get(DRAWN_IDS) or [case.id for case in result.rows]
    st.session_state[DRAWN_IDS] = [case.id for case in result.rows]
    cells = selection.selection.get("cells", []) if selection else []
    clicked = [row for row, column in cells if column != columns["link"]]
    if clicked and clicked[0] < len(drawn):
        _open(drawn[clicked[0]])
    shown = {case.id: case for case in result.rows}
    chosen = [
        shown[drawn[i]]
        for i in (selection.selection.rows if selection else [])
        if i < len(drawn) and drawn[i] in shown
    ]
    if bulk:
        st.caption(_("Click a case to open it; tick rows to act on them together."))
    else:
        st.caption(_("Click a case to open it."))
    bulk_bar(actor, chosen)
    if bulk and chosen:
        bundle_download(
            actor,
            [case.id for case in chosen],
            key="queue_bundle",
            label=_("Prepare an evidence bundle of {count} cases").format(count=len(chosen)),
        )

    nav = st.columns([1, 2, 1])
    if nav[0].button(_("Previous"), disabled=result.page <= 1, key="queue_prev"):
        st.session_state["queue_page"] = result.page - 1
        st.rerun()
    nav[1].caption(_("Page {page} of {pages}").format(page=result.page, pages=result.page_count))
    if nav[2].button(_("Next"), disabled=result.page >= result.page_count, key="queue_next"):
        st.session_state["queue_page"] = result.page + 1
        st.rerun()


def _next_clock(clock, actor, _) -> str:
    """The case's running clock due next: its owner and due time."""
    if clock is None:
        return "—"
    owner = _(OWNER_LABELS[Owner(clock.owner)])
    return f"{owner} · {ui.format_time(clock.due_at, actor)}"


def _statutory_views(actor) -> None:
    """The statutory track's queues (issue 17): kajian awaiting approval, registration
    due, forwarding due, awaiting Komdigi."""
    _ = ui.gettext()
    with st.expander(_("Violation handling")):
        view = st.segmented_control(
            _("View"),
            list(STATUTORY_VIEWS),
            format_func=lambda v: _(STATUTORY_VIEWS[v]),
            key="queue_statutory_view",
        )
        if not view:
            return
        with calls.reading() as session:
            rows = statutory_queue(session=session, actor=actor, view=view, limit=50)
        if not rows:
            st.caption(_("No cases match these filters."))
        for case in rows:
            if st.button(
                f"{case.reference} · {case.title}"[:120], key=f"queue_statutory_{case.id}"
            ):
                _open(case.id)


def _open(case_id: int) -> None:
    st.switch_page(registry.page("case"), query_params={"id": str(case_id)})
