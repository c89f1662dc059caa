"""Transparency reports: the joint report for a period and election, internal or public,
shown here and downloadable as HTML, PDF and CSV; and the platforms' decisions as DSA
statements of reasons."""

from __future__ import annotations

from datetime import date

import streamlit as st

from casework.analytics.clock_compliance import clock_compliance
from casework.analytics.filters import DashboardFilters
from casework.analytics.verification import removal_checks
from casework.i18n import LANGUAGE_NAMES, LANGUAGES, translator
from casework.records.dsa_export import (
    eu_submission_file,
    indonesian_record_file,
    may_export_decisions,
)
from casework.records.exports import ExportFile
from casework.records.report_render import (
    cell,
    checkpoint_lines,
    report_csv_zip,
    report_html,
    report_labels,
    report_pdf,
    report_title,
)
from casework.records.transparency import (
    INTERNAL,
    PLATFORM,
    PUBLIC,
    anchor_report,
    build_report,
    report_versions,
)
from casework.reference.taxonomy import PHASE_LABELS, all_phases, elections, platforms
from casework.settings import get_settings
from db.types import utcnow
from pages import calls, ui


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Transparency reports"))
    if report_versions(actor):
        _report_section(actor)
    if may_export_decisions(actor):
        st.divider()
        _decisions_section(actor)


def _period(actor) -> DashboardFilters:
    _ = ui.gettext()
    with calls.reading() as session:
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
    names = {
        INTERNAL: _("Internal (all figures)"),
        PUBLIC: _("Public"),
        PLATFORM: _("Your platform (all figures)"),
    }
    version = columns[0].radio(
        _("Version"),
        report_versions(actor),
        format_func=names.get,
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
    now = utcnow()
    with calls.reading() as session:
        removals = removal_checks(
            session=session, actor=actor, filters=filters, settings=get_settings()
        )
        clocks = clock_compliance(session=session, actor=actor, filters=filters, now=now)
    report = build_report(
        actor=actor,
        filters=filters,
        version=version,
        now=now,
        threshold=get_settings().report_min_count,
        removals=removals,
        clocks=clocks,
    )
    with calls.reading() as session:
        anchor_report(report, session=session, now=report.generated_at)
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
    with st.expander(_("Audit chain checkpoint")):
        # Plain text: the signed statement is JSON, which markdown would mangle.
        for line in checkpoint_lines(report, _, ui.language(), actor.time_zone):
            st.text(line)
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
    st.subheader(_("Platform decisions as statements of reasons"), anchor=False)
    with calls.reading() as session:
        choices = [
            (p.code, p.name)
            for p in platforms(session)
            if not actor.platform_codes or p.code in actor.platform_codes
        ]
    names = dict(choices)
    st.markdown(f"**{_('EU submission (DSA Transparency Database)')}**")
    st.caption(
        _(
            "One platform's decisions that the EU's DSA Transparency Database accepts: those "
            "with a restriction and an EU/EEA country in scope, in files of at most 100 "
            "statements to send with POST /api/v1/statements, and a list of the decisions "
            "held back and why. Each platform submits its own."
        )
    )
    platform_code = st.selectbox(
        _("Platform"), list(names), format_func=names.get, key="report_dsa_platform"
    )
    gettext = ui.gettext()

    def eu_export(session, fresh):
        return eu_submission_file(
            session=session, actor=fresh, platform_code=platform_code, gettext=gettext
        )

    if platform_code:
        st.download_button(
            _("EU submission (ZIP)"),
            ui.deferred_export(
                actor, "dsa_eu_submission", eu_export, filters={"platform": platform_code}
            ),
            file_name=f"dsa-eu-submission-{platform_code}-{date.today().isoformat()}.zip",
            mime="application/zip",
            icon=":material/download:",
            key="report_dsa_eu",
        )
    st.markdown(f"**{_('Indonesian record')}**")
    st.caption(
        _(
            "Every decision on the cases you can see, 'no action' and the Indonesian scope "
            "included, in the DSA's field names. For Pantau's own records: not for "
            "submission to the EU's database."
        )
    )

    def indonesian_export(session, fresh):
        return indonesian_record_file(session=session, actor=fresh, gettext=gettext)

    st.download_button(
        _("Indonesian record (JSON)"),
        ui.deferred_export(actor, "statements_of_reasons", indonesian_export),
        file_name=f"pantau-statements-of-reasons-{date.today().isoformat()}.json",
        mime="application/json",
        icon=":material/download:",
        key="report_dsa",
    )
