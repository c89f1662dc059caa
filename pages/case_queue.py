"""The case queue: what needs attention, filtered and paged on the server."""

from __future__ import annotations

import streamlit as st

from casework import sla
from casework.queries import CaseFilters, list_cases
from casework.roles import Role
from casework.taxonomy import platforms, provinces, term_label, terms
from casework.workflow import STATUS_LABELS, Status
from db.config import get_settings
from db.engine import session_scope
from db.types import utcnow
from pages import registry, ui


def _sla_badge(case, now, _) -> str:
    clock = sla.clock(
        referred_at=case.referred_at,
        due=case.sla_due_at,
        decided_at=case.decided_at,
        paused_since=case.sla_paused_since,
        paused_seconds=case.sla_paused_seconds,
        now=now,
    )
    if (
        clock.state in (sla.ClockState.RUNNING, sla.ClockState.BREACHED)
        and clock.remaining is not None
    ):
        hours = clock.remaining.total_seconds() / 3600
        if hours >= 0:
            return _("{hours} h left").format(hours=ui.hours(hours, decimals=0))
        return _("{hours} h late").format(hours=ui.hours(-hours, decimals=0))
    return _(sla.CLOCK_LABELS[clock.state])


def _first_page() -> None:
    st.session_state["queue_page"] = 1


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    lang = ui.language()
    st.title(_("Case queue"))
    ui.show_flash()
    with session_scope() as session:
        platform_rows = platforms(session)
        platform_names = {p.code: p.name for p in platforms(session, active_only=False)}
        categories = terms(session, "category")
        province_rows = provinces(session)
    if actor.role == Role.LIAISON:
        platform_rows = [p for p in platform_rows if p.code in actor.platform_codes]

    columns = st.columns([2, 2, 2, 2, 3])
    statuses = columns[0].multiselect(
        _("Status"),
        [s.value for s in Status],
        key="queue_statuses",
        on_change=_first_page,
        format_func=lambda s: _(STATUS_LABELS[Status(s)]),
    )
    chosen_platforms = columns[1].multiselect(
        _("Platform"),
        [p.code for p in platform_rows],
        key="queue_platforms",
        on_change=_first_page,
        format_func={p.code: p.name for p in platform_rows}.get,
    )
    category_names = {t.code: term_label(t, lang) for t in categories}
    chosen_categories = columns[2].multiselect(
        _("Category"),
        list(category_names),
        key="queue_categories",
        on_change=_first_page,
        format_func=category_names.get,
    )
    province_names = {p.code: p.name for p in province_rows}
    chosen_provinces = columns[3].multiselect(
        _("Province"),
        list(province_names),
        key="queue_provinces",
        on_change=_first_page,
        format_func=province_names.get,
    )
    text = columns[4].text_input(
        _("Search reference, title or account"),
        key="queue_text",
        on_change=_first_page,
        max_chars=200,
    )
    overdue = st.toggle(_("Overdue only"), key="queue_overdue", on_change=_first_page)

    filters = CaseFilters(
        statuses=tuple(statuses),
        platforms=tuple(chosen_platforms),
        categories=tuple(chosen_categories),
        provinces=tuple(chosen_provinces),
        overdue_only=overdue,
        text=text,
    )
    page_number = st.session_state.get("queue_page", 1)
    now = utcnow()
    with session_scope() as session:
        result = list_cases(
            session=session,
            actor=actor,
            filters=filters,
            page=page_number,
            page_size=get_settings().page_size,
            now=now,
        )
    if result.total == 0:
        st.info(_("No cases match these filters."), icon=":material/inbox:")
        return
    st.caption(_("{count} cases").format(count=result.total))
    table = [
        {
            _("Reference"): case.reference,
            _("Title"): case.title,
            _("Platform"): platform_names.get(case.platform_code, case.platform_code),
            _("Category"): category_names.get(case.category_code, case.category_code),
            _("Region"): province_names.get(case.province_code or "", "—"),
            _("Status"): _(STATUS_LABELS[Status(case.status)]),
            _("Priority"): _(sla.PRIORITY_LABELS[sla.Priority(case.priority)]),
            _("SLA"): _sla_badge(case, now, _),
            _("Updated"): ui.format_time(case.updated_at, actor),
        }
        for case in result.rows
    ]
    selection = st.dataframe(
        table, hide_index=True, on_select="rerun", selection_mode="single-row", key="queue_table"
    )
    st.caption(_("Select a row to open the case."))
    chosen = selection.selection.rows if selection else []
    if chosen:
        case = result.rows[chosen[0]]
        st.switch_page(registry.page("case"), query_params={"id": str(case.id)})

    nav = st.columns([1, 2, 1])
    if nav[0].button(_("Previous"), disabled=result.page <= 1, key="queue_prev"):
        st.session_state["queue_page"] = result.page - 1
        st.rerun()
    nav[1].caption(_("Page {page} of {pages}").format(page=result.page, pages=result.page_count))
    if nav[2].button(_("Next"), disabled=result.page >= result.page_count, key="queue_next"):
        st.session_state["queue_page"] = result.page + 1
        st.rerun()
