"""The queue's filter bar: built-in and saved views, filters, sort, all mirrored in the
link's query parameters so a filtered queue can be shared (and the dashboard can open
it on the figures clicked)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import streamlit as st

from casework.clocks.engine import OWNER_LABELS, Owner
from casework.desk import sla
from casework.desk.assignment import assignable_users
from casework.desk.queries import (
    CLOCK_STATE_LABELS,
    SORT_LABELS,
    VIEW_LABELS,
    CaseFilters,
    View,
    default_sort,
    default_view,
)
from casework.desk.saved_views import (
    DATES,
    LISTS,
    _local_midnight,
    delete_view,
    filters_from_params,
    filters_to_params,
    list_saved_views,
    save_view,
)
from casework.desk.workflow import STATUS_LABELS, Status
from casework.errors import DomainError
from casework.people.roles import Role
from casework.reference.elections import phase_labels
from casework.reference.taxonomy import (
    elections,
    platforms,
    provinces,
    regencies,
    term_label,
    terms,
)
from pages import calls, ui

APPLIED = "queue_applied_params"
LAST = "queue_last_filters"
PENDING_CHOICE = "queue_pending_choice"
LIST_KEYS = {name: f"queue_{name}" for name in LISTS.values()}
DATE_KEYS = {name: f"queue_{name}" for name, _end in DATES.values()}
SAVED_PREFIX = "saved:"


def first_page() -> None:
    st.session_state["queue_page"] = 1


def _apply(filters: CaseFilters, actor, *, sort: str | None = None, descending=None) -> None:
    """Put `filters` into the widgets (before they are drawn)."""
    state = st.session_state
    for name, key in LIST_KEYS.items():
        state[key] = list(getattr(filters, name))
    zone = ZoneInfo(actor.time_zone)
    for name, key in DATE_KEYS.items():
        moment = getattr(filters, name)
        day = moment.astimezone(zone).date() if moment else None
        if day is not None and name.endswith("_to"):
            day = date.fromordinal(day.toordinal() - 1)  # stored exclusive, shown inclusive
        state[key] = day
    state["queue_assignee"] = filters.assignee or ""
    state["queue_overdue"] = filters.overdue_only
    state["queue_clock_owner"] = filters.clock_owner or ""
    state["queue_clock_state"] = filters.clock_state or ""
    state["queue_text"] = filters.text
    state["queue_view"] = str(filters.view) if filters.view else None
    default_column, default_desc = default_sort(actor, filters.view)
    state["queue_sort"] = sort if sort in SORT_LABELS else default_column
    state["queue_desc"] = default_desc if descending is None else bool(descending)
    state["queue_page"] = 1


def _link_params() -> dict[str, str]:
    return {k: st.query_params.get(k) for k in st.query_params.keys()}


def sync_from_link(actor) -> None:
    """Fill the widgets before they are drawn: from the link when it is new to this
    session (a shared link, a drill-down from the dashboard), else from where the user
    left the queue, else with the role's default view."""
    state = st.session_state
    params = _link_params()
    drawn = "queue_text" in state  # Streamlit forgets widget state on other pages
    pending = state.pop(PENDING_CHOICE, None)
    if params and (params != state.get(APPLIED) or not drawn):
        _apply(filters_from_params(params, zone=actor.time_zone), actor)
        state["queue_view_choice"] = state["queue_view"] or View.ALL.value
    elif not drawn:
        last = state.get(LAST)
        if last is None:
            _apply(CaseFilters(view=default_view(actor)), actor)
        else:
            stored, sort, descending = last
            _apply(
                filters_from_params(stored, zone=actor.time_zone),
                actor,
                sort=sort,
                descending=descending,
            )
        state["queue_view_choice"] = state["queue_view"] or View.ALL.value
    if pending:
        state["queue_view_choice"] = pending


def publish_to_link(filters: CaseFilters, sort: str, descending: bool, actor) -> None:
    """Keep the address bar in step with the filters, so the link can be shared."""
    params = filters_to_params(filters, zone=actor.time_zone)
    if params != _link_params():
        st.query_params.from_dict(params)
    st.session_state[APPLIED] = params
    st.session_state[LAST] = (params, sort, descending)


def _choose_view(actor) -> None:
    choice = st.session_state.get("queue_view_choice")
    if choice and choice.startswith(SAVED_PREFIX):
        with calls.reading() as session:
            views = {str(v.id): v for v in list_saved_views(session=session, actor=actor)}
        saved = views.get(choice[len(SAVED_PREFIX) :])
        if saved:
            stored = saved.filters or {}
            _apply(
                filters_from_params(stored.get("params", {}), zone=actor.time_zone),
                actor,
                sort=stored.get("sort"),
                descending=stored.get("descending"),
            )
    else:
        _apply(CaseFilters(view=None if choice in (None, View.ALL) else choice), actor)
    first_page()


def filter_bar(actor) -> tuple[CaseFilters, str, bool]:
    """Draw the views and filters; the filters, sort column and direction chosen."""
    _ = ui.gettext()
    lang = ui.language()
    with calls.reading() as session:
        platform_rows = platforms(session)
        categories = {t.code: term_label(t, lang) for t in terms(session, "category")}
        province_names = {p.code: p.name for p in provinces(session)}
        chosen = st.session_state.get(LIST_KEYS["provinces"]) or []
        regency_names = {r.code: r.name for code in chosen[:5] for r in regencies(session, code)}
        election_names = {e.code: e.name for e in elections(session)}
        phase_names = phase_labels(session, lang)
        saved = list_saved_views(session=session, actor=actor)
        people = {str(u.id): u.display_name for u in assignable_users(session=session, actor=actor)}
    if actor.role == Role.LIAISON:
        platform_rows = [p for p in platform_rows if p.code in actor.platform_codes]
    platform_names = {p.code: p.name for p in platform_rows}

    options = [v.value for v in View] + [f"{SAVED_PREFIX}{v.id}" for v in saved]
    saved_names = {f"{SAVED_PREFIX}{v.id}": v.name for v in saved}
    choice = st.session_state.get("queue_view_choice")
    st.session_state["queue_view_choice"] = str(choice) if choice else None
    if st.session_state.get("queue_view_choice") not in options:
        st.session_state["queue_view_choice"] = None
    st.pills(
        _("Views"),
        options,
        key="queue_view_choice",
        format_func=lambda o: saved_names.get(o) or _(VIEW_LABELS[View(o)]),
        on_change=_choose_view,
        args=(actor,),
        label_visibility="collapsed",
    )

    top = st.columns([4, 2, 2, 2])
    text = top[0].text_input(
        _("Search reference, title, description, account or link"),
        key="queue_text",
        on_change=first_page,
        max_chars=200,
    )
    statuses = top[1].multiselect(
        _("Status"),
        [s.value for s in Status],
        key=LIST_KEYS["statuses"],
        on_change=first_page,
        format_func=lambda s: _(STATUS_LABELS[Status(s)]),
        placeholder=ui.choose(),
    )
    chosen_platforms = top[2].multiselect(
        _("Platform"),
        list(platform_names),
        key=LIST_KEYS["platforms"],
        on_change=first_page,
        format_func=lambda c: platform_names.get(c, c),
        placeholder=ui.choose(),
    )
    chosen_categories = top[3].multiselect(
        _("Category"),
        list(categories),
        key=LIST_KEYS["categories"],
        on_change=first_page,
        format_func=lambda c: categories.get(c, c),
        placeholder=ui.choose(),
    )
    with st.expander(_("More filters")):
        row = st.columns(4)
        chosen_provinces = row[0].multiselect(
            _("Province"),
            list(province_names),
            key=LIST_KEYS["provinces"],
            on_change=first_page,
            format_func=lambda c: province_names.get(c, c),
            placeholder=ui.choose(),
        )
        _keep_known(LIST_KEYS["regencies"], regency_names)
        chosen_regencies = row[1].multiselect(
            _("Regency/city"),
            list(regency_names),
            key=LIST_KEYS["regencies"],
            on_change=first_page,
            format_func=lambda c: regency_names.get(c, c),
            placeholder=_("Choose a province first") if not regency_names else None,
        )
        priorities = row[2].multiselect(
            _("Priority"),
            [p.value for p in sla.Priority],
            key=LIST_KEYS["priorities"],
            on_change=first_page,
            format_func=lambda p: _(sla.PRIORITY_LABELS[sla.Priority(p)]),
            placeholder=ui.choose(),
        )
        assignee_options = {"": _("Anyone"), "me": _("Me"), "none": _("Unassigned"), **people}
        if st.session_state.get("queue_assignee") not in assignee_options:
            st.session_state["queue_assignee"] = ""
        assignee = row[3].selectbox(
            _("Assignee"),
            list(assignee_options),
            key="queue_assignee",
            on_change=first_page,
            format_func=lambda k: assignee_options.get(k, k),
        )
        row = st.columns(4)
        phases = row[0].multiselect(
            _("Election phase"),
            list(phase_names),
            key=LIST_KEYS["phases"],
            on_change=first_page,
            format_func=lambda p: phase_names.get(p, p),
            placeholder=ui.choose(),
        )
        chosen_elections = row[1].multiselect(
            _("Election"),
            list(election_names),
            key=LIST_KEYS["elections"],
            on_change=first_page,
            format_func=lambda c: election_names.get(c, c),
            placeholder=ui.choose(),
        )
        created_from = row[2].date_input(
            _("Filed from"), key=DATE_KEYS["created_from"], on_change=first_page
        )
        created_to = row[3].date_input(
            _("Filed until"), key=DATE_KEYS["created_to"], on_change=first_page
        )
        row = st.columns(4)
        referred_from = row[0].date_input(
            _("Referred from"), key=DATE_KEYS["referred_from"], on_change=first_page
        )
        referred_to = row[1].date_input(
            _("Referred until"), key=DATE_KEYS["referred_to"], on_change=first_page
        )
        overdue = row[2].toggle(_("Overdue only"), key="queue_overdue", on_change=first_page)
        row = st.columns(4)
        owners = {"": _("Any"), **{str(o): _(OWNER_LABELS[o]) for o in Owner}}
        clock_owner = row[0].selectbox(
            _("Deadline owner"),
            list(owners),
            key="queue_clock_owner",
            on_change=first_page,
            format_func=lambda k: owners.get(k, k),
        )
        states = {"": _("Any"), **{k: _(v) for k, v in CLOCK_STATE_LABELS.items()}}
        clock_state = row[1].selectbox(
            _("Deadline state"),
            list(states),
            key="queue_clock_state",
            on_change=first_page,
            format_func=lambda k: states.get(k, k),
        )
    sort_row = st.columns([2, 1, 3])
    sort = sort_row[0].selectbox(
        _("Sort by"),
        list(SORT_LABELS),
        key="queue_sort",
        format_func=lambda c: _(SORT_LABELS[c]),
        on_change=first_page,
    )
    descending = sort_row[1].toggle(_("Newest first"), key="queue_desc", on_change=first_page)
    zone = actor.time_zone

    def start(day):
        return _local_midnight(day, zone) if day else None

    def end(day):
        return _local_midnight(date.fromordinal(day.toordinal() + 1), zone) if day else None

    view = st.session_state.get("queue_view")
    filters = CaseFilters(
        statuses=tuple(statuses),
        platforms=tuple(chosen_platforms),
        categories=tuple(chosen_categories),
        provinces=tuple(chosen_provinces),
        regencies=tuple(chosen_regencies),
        priorities=tuple(priorities),
        phases=tuple(phases),
        elections=tuple(chosen_elections),
        assignee=assignee or None,
        overdue_only=overdue,
        clock_owner=clock_owner or None,
        clock_state=clock_state or None,
        text=text,
        created_from=start(created_from),
        created_to=end(created_to),
        referred_from=start(referred_from),
        referred_to=end(referred_to),
        view=view if view in {v.value for v in View} - {View.ALL} else None,
    )
    _save_form(actor, filters, sort, descending, saved)
    return filters, sort, descending


def _keep_known(key: str, options: dict) -> None:
    """Drop a chosen value no longer offered (its province was removed)."""
    chosen = st.session_state.get(key) or []
    st.session_state[key] = [c for c in chosen if c in options]


def _save_form(actor, filters: CaseFilters, sort: str, descending: bool, saved) -> None:
    _ = ui.gettext()
    with st.popover(_("Save this view"), icon=":material/bookmark_add:"):
        with st.form("queue_save_view"):
            name = st.text_input(_("Name of the view"), max_chars=80, key="queue_view_name")
            errors = st.session_state.get("queue_view_errors")
            ui.field_error(errors, "name")
            if st.form_submit_button(_("Save view")):
                try:
                    with calls.reading() as session:
                        view = save_view(
                            session=session,
                            actor=actor,
                            name=name,
                            filters=filters,
                            sort=sort,
                            descending=descending,
                            zone=actor.time_zone,
                        )
                except DomainError as error:
                    st.session_state["queue_view_errors"] = ui.validation_errors(error)
                    ui.show_error(error)
                else:
                    st.session_state.pop("queue_view_errors", None)
                    st.session_state[PENDING_CHOICE] = f"{SAVED_PREFIX}{view.id}"
                    ui.flash(_("View saved."))
                    st.rerun()
        if saved:
            names = {v.id: v.name for v in saved}
            doomed = st.selectbox(
                _("Delete a saved view"),
                list(names),
                format_func=names.get,
                key="queue_delete_choice",
                index=None,
                placeholder=ui.choose(),
            )
            if doomed and st.button(_("Delete view"), key="queue_delete_view"):
                with calls.reading() as session:
                    delete_view(session=session, actor=actor, view_id=doomed)
                ui.flash(_("View deleted."))
                st.rerun()
