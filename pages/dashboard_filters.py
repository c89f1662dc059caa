"""The dashboard's filter bar: widgets seeded from the URL, and the URL rewritten from
the widgets, so that a view can be shared by link."""

from __future__ import annotations

import streamlit as st

from casework.analytics.filters import (
    DashboardFilters,
    filters_from_params,
    filters_to_params,
)
from casework.analytics.options import DashboardOptions
from pages import ui

KEY = "dashboard_"
WRITTEN = KEY + "written_params"


def _known(values, allowed) -> list[str]:
    return [v for v in values if v in allowed]


def _seed_widgets(url_filters: DashboardFilters, options: DashboardOptions) -> None:
    st.session_state[KEY + "from"] = url_filters.date_from
    st.session_state[KEY + "to"] = url_filters.date_to
    st.session_state[KEY + "interval"] = url_filters.interval
    for name, choices in _multi_choices(options).items():
        values = getattr(url_filters, name)
        if name == "provinces":
            # A link may name a province by an alias: Jabar, DIY, ID-JB, Bangka Belitung.
            values = [options.province_code(v) or v for v in values]
        st.session_state[KEY + name] = _known(values, choices)


def _multi_choices(options: DashboardOptions) -> dict[str, dict[str, str]]:
    return {
        "elections": options.elections,
        "phases": options.phases,
        "platforms": options.platforms,
        "categories": options.categories,
        "provinces": options.provinces,
        "priorities": options.priorities,
    }


def filter_bar(options: DashboardOptions) -> DashboardFilters:
    """Widgets seeded from the URL when it carries a view this page did not write
    (a shared link), and the URL rewritten from the widgets on every run."""
    _ = ui.gettext()
    url_params = st.query_params.to_dict()
    if url_params != st.session_state.get(WRITTEN) or KEY + "interval" not in st.session_state:
        _seed_widgets(filters_from_params(url_params), options)
    labels = {
        "elections": _("Election"),
        "phases": _("Phase"),
        "platforms": _("Platform"),
        "categories": _("Category"),
        "provinces": _("Province"),
        "priorities": _("Priority"),
    }
    translated = {"phases", "priorities"}
    with st.container(border=True):
        first = st.columns(4)
        first[0].date_input(_("Filed from"), key=KEY + "from", format="YYYY-MM-DD")
        first[1].date_input(_("Filed until"), key=KEY + "to", format="YYYY-MM-DD")
        first[2].segmented_control(
            _("Per"),
            ["day", "week"],
            format_func=lambda v: _("Day") if v == "day" else _("Week"),
            key=KEY + "interval",
        )
        columns = st.columns(3) + st.columns(3)
        for column, (name, choices) in zip(columns, _multi_choices(options).items(), strict=True):
            column.multiselect(
                labels[name],
                list(choices),
                format_func=(lambda c, ch=choices, t=name in translated: _(ch[c]) if t else ch[c]),
                key=KEY + name,
                placeholder=_("All"),
            )
    state = st.session_state
    filters = DashboardFilters(
        date_from=state[KEY + "from"],
        date_to=state[KEY + "to"],
        interval=state[KEY + "interval"] or "day",
        **{name: tuple(state[KEY + name]) for name in _multi_choices(options)},
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        st.warning(_("The start date is after the end date; the two are swapped."))
        filters = filters.but(date_from=filters.date_to, date_to=filters.date_from)
    params = filters_to_params(filters)
    if params != url_params:
        st.query_params.from_dict(params)
    state[WRITTEN] = params
    return filters
