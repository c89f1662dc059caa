"""The dashboard's sections: headline numbers, charts, the province map, account
tables and exports. Each draws one or two figures of `casework.analytics.figures`."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pyarrow.parquet as pq
import streamlit as st

from casework.analytics import figures
from casework.analytics.filters import REST, headline_queue_params, queue_params, top_keys
from casework.analytics.options import DashboardOptions
from casework.analytics.provinces import read_province_geojson
from casework.analytics.scope import OTHER_PLATFORMS, dashboard_scope
from casework.i18n import N_
from casework.records.exports import ExportFile
from casework.settings import get_settings
from casework.spreadsheet import frame_csv, table_csv
from pages import charts, registry, ui
from pages.dashboard_filters import KEY

STAGE_LABELS = {
    "in_review": N_("Awaiting referral"),
    "sent": N_("Awaiting the platform"),
    "acknowledged": N_("With the platform"),
    "escalated": N_("Escalated"),
    "decided": N_("Decided, not closed"),
}


def headline(numbers: figures.Headline, filters=None, *, drill: bool = False, today=None) -> None:
    """The five headline numbers; with `drill`, each links to the queue listing the
    cases it counts."""
    _ = ui.gettext()
    cells = st.columns(5)

    # None: a count of 1 to k-1 that an aggregate-only reader does not see.
    def count(value):
        return "—" if value is None else ui.number(value)

    cells[0].metric(_("Open"), count(numbers.open))
    cells[1].metric(_("Overdue"), count(numbers.overdue))
    cells[2].metric(_("Referred this week"), count(numbers.referred_this_week))
    median = numbers.median_hours_to_decision
    cells[3].metric(_("Median hours to decision"), "—" if median is None else ui.hours(median))
    share = numbers.share_actioned
    cells[4].metric(
        _("Share actioned"), "—" if share is None else f"{ui.number(round(share * 100))} %"
    )
    if not drill or filters is None:
        return
    links = headline_queue_params(filters, today)
    for cell, name in zip(
        cells, ("open", "overdue", "referred_this_week", "decided", "decided"), strict=True
    ):
        cell.page_link(
            registry.page("queue"),
            label=_("Show the cases"),
            icon=":material/list:",
            query_params=links[name],
        )


def _with_rest(label):
    """`label`, naming the folded categories "Other categories"."""
    _ = ui.gettext()
    return lambda code: _("Other categories") if code == REST else label(code)


def removal_checks(checks) -> None:
    """Removals Pantau verified against those the platforms merely reported."""
    _ = ui.gettext()
    st.caption(
        _(
            "Removals reported by platforms: {reported} · verified gone by Pantau: "
            "{gone} · still reachable: {reachable} · not yet checked: {unchecked}"
        ).format(
            reported=ui.number(checks.reported),
            gone=ui.number(checks.verified_gone),
            reachable=ui.number(checks.still_reachable),
            unchecked=ui.number(checks.unverified),
        )
    )


def _platform_label(options: DashboardOptions):
    _ = ui.gettext()
    return lambda code: (
        _("Other platforms") if code == OTHER_PLATFORMS else options.platforms.get(code, code)
    )


def _basis(actor, filters, model, now=None) -> tuple:
    """What a section's figures are computed from: the read model's data version (read
    before the figures, so a refresh in between can only make a figure newer than its
    key), the viewer's scope and zone, the filters and `now`."""
    return (model.version, dashboard_scope(actor), actor.time_zone, filters, now)


def _figure(section: str, basis: tuple, options, build, *extra):
    """The section's figure, built once per process for the same basis, language and
    labels (pages/charts.py) instead of once per session and rerun."""
    key = (section, ui.language(), basis, hash(repr(options)), *extra)
    return charts.remembered(key, build)


def _csv_button(frame: pd.DataFrame, name: str, key: str, basis: tuple | None = None) -> None:
    _ = ui.gettext()
    cache_key = ("csv", name, basis) if basis else ("csv", charts.frame_key(frame))
    data = charts.remembered(cache_key, lambda: frame_csv(frame))
    st.download_button(
        _("Chart data (CSV)"),
        data,
        file_name=f"pantau-{name}.csv",
        mime="text/csv",
        key=KEY + "csv_" + key,
        icon=":material/download:",
    )


def _chart(fig, key: str, *, drill: bool):
    if drill:
        return st.plotly_chart(
            fig,
            key=KEY + key,
            on_select="rerun",
            selection_mode="points",
            config=charts.plotly_config(ui.language()),
        )
    st.plotly_chart(fig, key=KEY + key, config=charts.plotly_config(ui.language()))
    return None


def _clicked(event) -> dict | None:
    try:
        points = event.selection.points if event is not None else []
    except AttributeError:
        return None
    return points[0] if points else None


def _open_queue(params: dict[str, str]) -> None:
    st.switch_page(registry.page("queue"), query_params=params)


def volume(actor, filters, options, model, drill: bool) -> None:
    _ = ui.gettext()
    basis = _basis(actor, filters, model)
    axis = _("Week") if filters.interval == "week" else _("Day")
    for by, palette, label, legend in (
        (
            "category",
            charts.CATEGORY_COLOURS,
            lambda c: options.categories.get(c, c),
            _("Category"),
        ),
        ("platform", charts.PLATFORM_COLOURS, _platform_label(options), _("Platform")),
    ):
        st.subheader(
            _("Cases filed by category") if by == "category" else _("Cases filed by platform")
        )
        frame = figures.volume(actor=actor, filters=filters, by=by, model=model)
        if frame.empty:
            st.info(_("No cases match these filters."))
            continue
        rest: list[str] = []
        if by == "category":
            # The largest categories by name, the others as one: a dozen colours over a
            # stack of thin bars is unreadable.
            totals = frame.groupby("key")["cases"].sum().to_dict()
            named = top_keys(totals)
            rest = sorted(set(totals) - set(named))
            if rest:
                frame = (
                    frame.assign(key=frame["key"].where(frame["key"].isin(named), REST))
                    .groupby(["bucket", "key"], as_index=False, sort=False)["cases"]
                    .sum()
                )
                order = {key: index for index, key in enumerate([*named, REST])}
                frame = frame.sort_values(
                    ["bucket", "key"], key=lambda c: c.map(order) if c.name == "key" else c
                )
                label = _with_rest(label)

        def build(frame=frame, palette=palette, label=label, legend=legend):
            fig = charts.stacked_bars(
                frame,
                x="bucket",
                key="key",
                value="cases",
                palette=palette,
                label=label,
                x_title=axis,
                y_title=_("Cases"),
                legend=legend,
            )
            charts.shade_phases(
                fig,
                options.calendar,
                label=lambda p: _(options.phases[p]),
                start=frame["bucket"].min().date(),
                end=frame["bucket"].max().date(),
            )
            return fig

        fig = _figure("volume_" + by, basis, options, build)
        point = _clicked(_chart(fig, "volume_" + by, drill=drill))
        _csv_button(frame, f"volume-by-{by}", by, basis)
        if point and point.get("customdata") not in (None, OTHER_PLATFORMS):
            code = str(point["customdata"])
            _open_queue(
                queue_params(
                    filters,
                    bucket=pd.Timestamp(point["x"]).date(),
                    **{by: ",".join(rest) if code == REST else code},
                )
            )


def backlog(actor, filters, options, model, now) -> None:
    _ = ui.gettext()
    basis = _basis(actor, filters, model, now)
    st.subheader(_("Open cases at the end of each day, by stage"))
    frame = figures.backlog(actor=actor, filters=filters, now=now, model=model)
    if frame.empty:
        st.info(_("No cases match these filters."))
        return

    def build():
        fig = charts.lines(
            frame,
            x="day",
            key="stage",
            value="cases",
            palette=charts.STAGE_COLOURS,
            label=lambda s: _(STAGE_LABELS[s]),
            x_title=_("Day"),
            y_title=_("Open cases"),
            legend=_("Stage"),
            stacked=True,
        )
        charts.shade_phases(
            fig,
            options.calendar,
            label=lambda p: _(options.phases[p]),
            start=frame["day"].min().date(),
            end=frame["day"].max().date(),
        )
        return fig

    fig = _figure("backlog", basis, options, build)
    st.plotly_chart(fig, key=KEY + "backlog", config=charts.plotly_config(ui.language()))
    st.caption(
        _(
            "The stage on a day is the last step the case had reached by then: referral, "
            "acknowledgement, escalation, decision. Closed, rejected and merged cases leave "
            "the backlog."
        )
    )
    _csv_button(frame, "backlog", "backlog", basis)


def deadlines(actor, filters, options, model, now) -> None:
    _ = ui.gettext()
    basis = _basis(actor, filters, model, now)
    label = _platform_label(options)
    st.subheader(_("Decided within the deadline"))
    compliance = figures.sla_compliance(actor=actor, filters=filters, now=now, model=model)
    if compliance.empty:
        st.info(_("No referred case has reached its deadline yet."))
    else:
        shown = compliance.assign(
            platform=compliance["platform"].map(label),
            priority=compliance["priority"].map(lambda p: _(options.priorities.get(p, p))),
            # Written with the session language's decimal sign ("68,9" in Indonesian).
            share=(compliance["share"] * 100).map(lambda v: ui.hours(v, decimals=1)),
        ).rename(
            columns={
                "platform": _("Platform"),
                "priority": _("Priority"),
                "measured": _("Cases with a settled deadline"),
                "in_time": _("Decided in time"),
                "share": _("Share in time (%)"),
            }
        )
        st.dataframe(shown, hide_index=True)
        _csv_button(compliance, "deadlines", "deadlines", basis)
    st.subheader(_("Hours from referral to acknowledgement and to decision"))
    times = figures.response_times(actor=actor, filters=filters, model=model)
    if times.empty:
        st.info(_("No referred case matches these filters."))
        return
    measure = (
        st.segmented_control(
            _("Measure"),
            ["decision", "acknowledgement"],
            format_func=lambda m: _("To decision") if m == "decision" else _("To acknowledgement"),
            default="decision",
            key=KEY + "measure",
        )
        or "decision"
    )
    chosen = times[times["measure"] == measure]
    fig = _figure("times", basis, options, lambda: _times_figure(chosen, label), measure)
    st.plotly_chart(fig, key=KEY + "times", config=charts.plotly_config(ui.language()))
    _csv_button(times, "response-times", "times", basis)


def _times_figure(chosen: pd.DataFrame, label):
    _ = ui.gettext()
    fig = charts.lines(
        chosen,
        x="bucket",
        key="platform",
        value="median_hours",
        palette=charts.PLATFORM_COLOURS,
        label=lambda c: f"{label(c)} · {_('median')}",
        x_title=_("Referred on"),
        y_title=_("Hours"),
        legend=_("Platform"),
    )
    p90 = charts.lines(
        chosen,
        x="bucket",
        key="platform",
        value="p90_hours",
        palette=charts.PLATFORM_COLOURS,
        label=lambda c: f"{label(c)} · {_('90th percentile')}",
        x_title="",
        y_title="",
        legend="",
        dash="dot",
    )
    for trace in p90.data:
        fig.add_trace(trace)
    return fig


def outcomes(actor, filters, options, model) -> None:
    _ = ui.gettext()
    basis = _basis(actor, filters, model)
    st.subheader(_("Decisions by type"))
    frame = figures.outcomes(actor=actor, filters=filters, model=model)
    if frame.empty:
        st.info(_("No decision matches these filters."))
        return
    by_platform = frame.groupby(["platform", "decision_type"], as_index=False)["cases"].sum()
    fig = _figure("outcomes", basis, options, lambda: _outcomes_figure(by_platform, options))
    st.plotly_chart(fig, key=KEY + "outcomes", config=charts.plotly_config(ui.language()))
    _outcomes_table(frame, options, basis)


def _outcomes_figure(by_platform: pd.DataFrame, options):
    _ = ui.gettext()
    decision_colours = {
        code: charts.OKABE_ITO[i % len(charts.OKABE_ITO)]
        for i, code in enumerate(options.decision_types)
    }
    fig = charts.stacked_bars(
        by_platform,
        x="platform",
        key="decision_type",
        value="cases",
        palette=decision_colours,
        label=lambda c: options.decision_types.get(c, c),
        x_title=_("Platform"),
        y_title=_("Cases"),
        legend=_("Decision"),
    )
    fig.update_xaxes(
        tickvals=by_platform["platform"].unique(),
        ticktext=[_platform_label(options)(c) for c in by_platform["platform"].unique()],
    )
    return fig


def _outcomes_table(frame: pd.DataFrame, options, basis: tuple) -> None:
    _ = ui.gettext()
    table = frame.pivot_table(
        index=["platform", "category"], columns="decision_type", values="cases", fill_value=0
    ).reset_index()
    table["platform"] = table["platform"].map(_platform_label(options))
    table["category"] = table["category"].map(lambda c: options.categories.get(c, c))
    table = table.rename(
        columns={"platform": _("Platform"), "category": _("Category"), **options.decision_types}
    )
    st.dataframe(table, hide_index=True)
    _csv_button(frame, "outcomes", "outcomes", basis)


def province_map(actor, filters, options, model, now, drill: bool) -> None:
    _ = ui.gettext()
    basis = _basis(actor, filters, model, now)
    frame = figures.province_counts(actor=actor, filters=filters, now=now, model=model)
    measures = {
        "cases": _("Cases"),
        "open": _("Open"),
        "overdue": _("Overdue"),
        "share_actioned": _("Share actioned"),
    }
    measure = (
        st.segmented_control(
            _("Show"),
            list(measures),
            format_func=measures.get,
            default="cases",
            key=KEY + "map_measure",
        )
        or "cases"
    )

    def value_text(value) -> str:
        if value is None or value != value:
            return "–"
        return f"{round(value * 100)}%" if measure == "share_actioned" else ui.number(int(value))

    geojson_path = get_settings().province_geojson
    province_map = read_province_geojson(geojson_path) if geojson_path else None
    geojson = province_map.geojson if province_map else None
    if province_map is not None and province_map.problem:
        st.warning(_(province_map.problem).format(count=province_map.count))
    if geojson is not None and st.toggle(_("Province outlines"), key=KEY + "polygons"):
        fig = charts.polygon_map(
            frame,
            measure=measure,
            geojson=geojson,
            names=options.provinces,
            colour_title=measures[measure],
        )
    else:
        fig = _figure(
            "tile_map",
            basis,
            options,
            lambda: charts.tile_map(
                frame,
                measure=measure,
                names=options.provinces,
                value_text=value_text,
                colour_title=measures[measure],
            ),
            measure,
        )
    point = _clicked(_chart(fig, "map", drill=drill))
    _csv_button(frame, "provinces", "provinces", basis)
    code = (point or {}).get("customdata") or (point or {}).get("location")
    if code:
        _open_queue(queue_params(filters, province=str(code)))


def accounts(actor, filters, options, model, case_rows: bool) -> None:
    _ = ui.gettext()
    if case_rows:
        st.subheader(_("Accounts behind the most cases"))
        top = figures.top_accounts(actor=actor, filters=filters, limit=15, model=model)
        # Handles are user text: shown in a dataframe, never as markdown.
        shown = pd.DataFrame(
            {
                _("Account"): top["account_handle"],
                _("Platform"): top["platform"].map(_platform_label(options)),
                _("Cases"): top["cases"],
                _("Account classes"): [
                    ", ".join(options.account_classes.get(c, c) for c in classes)
                    for classes in top["account_classes"]
                ],
            }
        )
        st.dataframe(shown, hide_index=True)
        _csv_button(top, "top-accounts", "top")
    st.subheader(_("Account classes involved"))
    classes = figures.account_classes(actor=actor, filters=filters, model=model)
    st.dataframe(
        pd.DataFrame(
            {
                _("Account class"): [
                    options.account_classes.get(c, c) if isinstance(c, str) else _("Not recorded")
                    for c in classes["account_class"]
                ],
                _("Cases"): classes["cases"],
                _("Accounts"): classes["accounts"],
            }
        ),
        hide_index=True,
    )
    _csv_button(classes, "account-classes", "classes")


def case_exports(actor, filters, model) -> None:
    _ = ui.gettext()
    st.subheader(_("Export the filtered cases"))

    def as_csv(_session, fresh) -> ExportFile:
        table = figures.case_rows(actor=fresh, filters=filters, model=model)
        return ExportFile(table_csv(table), table.num_rows)

    def as_parquet(_session, fresh) -> ExportFile:
        table = figures.case_rows(actor=fresh, filters=filters, model=model)
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return ExportFile(buffer.getvalue(), table.num_rows)

    stamp = date.today().isoformat()
    cells = st.columns(2)
    cells[0].download_button(
        _("Cases (CSV)"),
        ui.deferred_export(actor, "dashboard_cases_csv", as_csv, filters=filters),
        file_name=f"pantau-cases-{stamp}.csv",
        mime="text/csv",
        key=KEY + "export_csv",
        icon=":material/download:",
    )
    cells[1].download_button(
        _("Cases (Parquet)"),
        ui.deferred_export(actor, "dashboard_cases_parquet", as_parquet, filters=filters),
        file_name=f"pantau-cases-{stamp}.parquet",
        mime="application/vnd.apache.parquet",
        key=KEY + "export_parquet",
        icon=":material/download:",
    )
