"""Transparency reports: the joint report for a period and election, internal or public,
shown here and downloadable as HTML, PDF and CSV; and the platforms' decisions as DSA
statements of reasons."""

from __future__ import annotations

from datetime import date

import streamlit as st

from casework.analytics.filters import DashboardFilters
from casework.dsa_export import decisions_jsonl, may_export_decisions
from casework.exports import ExportFile, line_records
from casework.i18n import LANGUAGE_NAMES, LANGUAGES, translator
from casework.report_render import (
    cell,
    report_csv_zip,
    report_html,
    report_labels,
    report_pdf,
    report_title,
)
from casework.taxonomy import PHASE_LABELS, all_phases, elections
from casework.transparency import INTERNAL, PUBLIC, build_report, may_read_report
from db.config import get_settings
from db.engine import session_scope
from db.types import utcnow
from pages import ui


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Transparency reports"))
    if may_read_report(actor, PUBLIC):
        _report_section(actor)
    if may_export_decisions(actor):
        st.divider()
        _decisions_section(actor)


def _period(actor) -> DashboardFilters:
    _ = ui.gettext()
    with session_scope() as session:
        election_names = {e.code: e.name for e in elections(session)}
        phases = all_phases(session)
    columns = st.columns([2, 2, 1, 1])
    election = columns[0].selectbox(
        _("Election"),
        [None, *election_names],
        format_func=lambda c: _("All elections") if c is None else election_names[c],
        key="report_election",
    )
    offered = sorted({p.phase for p in phases if p.election_code == election}) if election else []
    phase = columns[1].selectbox(
        _("Election phase"),
        [None, *offered],
        format_func=lambda p: _("Whole election") if p is None else _(PHASE_LABELS.get(p, p)),
        key="report_phase",
        disabled=not election,
    )
    start = columns[2].date_input(_("From"), value=None, key="report_from")
    end = columns[3].date_input(_("Until"), value=None, key="report_until")
    if start and end and start > end:
        start, end = end, start
    return DashboardFilters(
        date_from=start,
        date_to=end,
        elections=(election,) if election else (),
        phases=(phase,) if election and phase else (),
    )


def _report_section(actor) -> None:
    _ = ui.gettext()
    filters = _period(actor)
    columns = st.columns(2)
    versions = [v for v in (INTERNAL, PUBLIC) if may_read_report(actor, v)]
    version = columns[0].radio(
        _("Version"),
        versions,
        format_func=lambda v: _("Internal (all figures)") if v == INTERNAL else _("Public"),
        horizontal=True,
        key="report_version",
    )
    language = columns[1].radio(
        _("Language of the files"),
        LANGUAGES,
        index=LANGUAGES.index(ui.language()),
        format_func=LANGUAGE_NAMES.get,
        horizontal=True,
        key="report_language",
    )
    report = build_report(
        actor=actor,
        filters=filters,
        version=version,
        now=utcnow(),
        threshold=get_settings().report_min_count,
    )
    with session_scope() as session:
        labels = report_labels(session, ui.language())
        file_labels = report_labels(session, language)
    title, period = report_title(report, gettext=_, language=ui.language(), labels=labels)
    st.subheader(title, anchor=False)
    st.caption(period)
    if version == PUBLIC:
        st.caption(
            _("Counts below {count} are not shown in the public version.").format(
                count=report.threshold
            )
        )
    kw = {"gettext": _, "language": ui.language(), "labels": labels}
    for table in [report.headline, *report.tables]:
        st.markdown(f"**{_(table.title)}**")
        if not table.rows:
            st.caption(_("No cases in this period."))
            continue
        st.dataframe(
            [
                {_(c.label): cell(report, table, row, c.key, c.kind, **kw) for c in table.columns}
                for row in table.rows
            ],
            hide_index=True,
            width="stretch",
        )
    file_gettext = translator(language)
    files = {"gettext": file_gettext, "language": language, "labels": file_labels}
    stem = f"pantau-report-{version}-{language}-{date.today().isoformat()}"
    rows = sum(len(table.rows) for table in [report.headline, *report.tables])
    audit = {"version": version, "language": language, "period": filters}

    def rendered(render):
        # The report was computed for the actor of this run; deferred_export hands the
        # file over only if that is still who they are (same account, same scope).
        def build(_session, _fresh):
            return ExportFile(render(), rows)

        return build

    buttons = st.columns(3)
    buttons[0].download_button(
        _("Report (HTML)"),
        ui.deferred_export(
            actor,
            "report_html",
            rendered(lambda: report_html(report, zone=actor.time_zone, **files)),
            filters=audit,
        ),
        file_name=f"{stem}.html",
        mime="text/html",
        icon=":material/download:",
        key="report_html",
    )
    buttons[1].download_button(
        _("Report (PDF)"),
        ui.deferred_export(
            actor,
            "report_pdf",
            rendered(lambda: report_pdf(report, zone=actor.time_zone, **files)),
            filters=audit,
        ),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        icon=":material/download:",
        key="report_pdf",
    )
    buttons[2].download_button(
        _("Tables (CSV, zipped)"),
        ui.deferred_export(
            actor, "report_csv", rendered(lambda: report_csv_zip(report, **files)), filters=audit
        ),
        file_name=f"{stem}-csv.zip",
        mime="application/zip",
        icon=":material/download:",
        key="report_csv",
    )


def _decisions_section(actor) -> None:
    _ = ui.gettext()
    st.subheader(_("Platform decisions as DSA statements of reasons"), anchor=False)
    st.caption(
        _(
            "One JSON object per line, in the shape of the EU DSA Transparency Database, "
            "for the decisions on the cases you can see."
        )
    )

    def build(session, fresh) -> ExportFile:
        data = decisions_jsonl(session=session, actor=fresh)
        return ExportFile(data, line_records(data))

    st.download_button(
        _("Statements of reasons (JSON Lines)"),
        ui.deferred_export(actor, "statements_of_reasons", build),
        file_name=f"pantau-statements-of-reasons-{date.today().isoformat()}.jsonl",
        mime="application/jsonl",
        icon=":material/download:",
        key="report_dsa",
    )
