"""Bulk import: download a template, upload a filled-in spreadsheet, see what every row
would become and what is wrong with it, then import on an explicit confirmation."""

from __future__ import annotations

import hashlib

import streamlit as st

from casework.desk.queries import case_ids_for_references
from casework.errors import DomainError
from casework.intake.imports import (
    FILE_REFUSED,
    MAX_UPLOAD_BYTES,
    OUTCOME_LABELS,
    commit_import,
    parse_upload,
    template_choices,
    template_csv,
    template_xlsx,
    validate_rows,
)
from pages import calls, registry, ui

PLAN_KEY = "import_plan"  # (sha256 of the upload, its ImportPlan)
DONE_KEY = "import_done"  # (sha256 of the imported upload, its ImportResult, case links)
SHOWN = 40  # new cases linked after an import
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    language = ui.language()
    st.title(_("Import reports"))
    ui.show_flash()
    st.caption(
        _(
            "Fill in the template, one report per row, and upload it. Every row is checked "
            "first; nothing is imported until you confirm."
        )
    )
    with calls.reading() as session:
        choices = template_choices(session, language)
    columns = st.columns(2)
    columns[0].download_button(
        _("Download the CSV template"),
        template_csv(language),
        file_name=_("pantau-import-template") + ".csv",
        mime="text/csv",
        icon=":material/download:",
        key="import_template_csv",
    )
    columns[1].download_button(
        _("Download the Excel template"),
        template_xlsx(language, choices),
        file_name=_("pantau-import-template") + ".xlsx",
        mime=XLSX_TYPE,
        icon=":material/download:",
        key="import_template_xlsx",
    )

    upload = st.file_uploader(
        _("Spreadsheet (CSV or Excel .xlsx)"),
        type=["csv", "xlsx"],
        key="import_file",
        max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024),
    )
    if upload is None:
        st.session_state.pop(PLAN_KEY, None)
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    done = st.session_state.get(DONE_KEY)
    if done and done[0] == digest:
        # Just imported: say what it became, with links, instead of checking the same
        # file again (every row would now read "already in Pantau").
        _show_done(*done[1:])
        return
    stored = st.session_state.get(PLAN_KEY)
    if stored is None or stored[0] != digest:
        with st.spinner(_("Checking every row…")):
            sheet = parse_upload(upload.name, data)
            try:
                with calls.reading() as session:
                    plan = validate_rows(session=session, actor=actor, sheet=sheet)
            except DomainError as error:
                ui.show_error(error)
                return
        st.session_state[PLAN_KEY] = stored = (digest, plan)
    plan = stored[1]
    _show_plan(plan)
    if not plan.file_errors:
        _confirm(plan, upload.name, digest)


def _show_plan(plan) -> None:
    _ = ui.gettext()
    if plan.file_errors:
        st.error(_(FILE_REFUSED), icon=":material/error:")
    else:
        metrics = st.columns(4)
        metrics[0].metric(_("New cases"), ui.number(plan.new_cases))
        metrics[1].metric(_("Further reports of known cases"), ui.number(plan.additional_reports))
        metrics[2].metric(_("Already in Pantau"), ui.number(plan.unchanged))
        metrics[3].metric(_("Rows with problems"), ui.number(plan.invalid))
    if plan.problems:
        st.subheader(_("Problems"))
        # User text (headers, cell values) only ever reaches the screen inside a table.
        st.dataframe(
            {
                _("Row"): [p.row if p.row is not None else "—" for p in plan.problems],
                _("Column"): [p.column or "—" for p in plan.problems],
                _("Problem"): [p.text(_) for p in plan.problems],
                _("Blocks the row"): [_("Yes") if p.blocking else _("No") for p in plan.problems],
            },
            hide_index=True,
            width="stretch",
            key="import_problems",
        )
    if plan.rows:
        with st.expander(_("What each row becomes")):
            st.dataframe(
                {
                    _("Row"): [r.row for r in plan.rows],
                    _("Becomes"): [_(OUTCOME_LABELS[r.outcome]) for r in plan.rows],
                    _("Case"): [
                        r.reference
                        or (_("as row {row}").format(row=r.same_as_row) if r.same_as_row else "")
                        for r in plan.rows
                    ],
                },
                hide_index=True,
                width="stretch",
                key="import_outcomes",
            )


def _confirm(plan, file_name: str, digest: str) -> None:
    _ = ui.gettext()
    skip_invalid = False
    if plan.invalid:
        st.warning(
            _("Correct the rows with problems and upload the file again, or leave them out."),
            icon=":material/warning:",
        )
        skip_invalid = st.checkbox(
            _("Import only the valid rows and leave the rows with problems out"),
            key="import_skip_invalid",
        )
    if plan.to_import == 0:
        st.info(_("There is nothing to import: every valid row is already in Pantau."))
        return
    # Two messages rather than ngettext: Indonesian has no plural, English only this one.
    if plan.to_import == 1:
        label = _("Import 1 report")
    else:
        label = _("Import {count} reports").format(count=ui.number(plan.to_import))
    blocked = bool(plan.invalid) and not skip_invalid
    if st.button(label, type="primary", disabled=blocked, key="import_confirm"):
        actor = ui.current_actor()
        try:
            with calls.reading() as session:
                result = commit_import(
                    session=session,
                    actor=actor,
                    plan=plan,
                    file_name=file_name,
                    file_sha256=digest,
                    skip_invalid=skip_invalid,
                )
        except DomainError as error:
            ui.show_error(error)
            return
        st.session_state.pop(PLAN_KEY, None)
        with calls.reading() as session:
            links = case_ids_for_references(
                session=session, actor=actor, references=result.references[:SHOWN]
            )
        st.session_state[DONE_KEY] = (digest, result, links)
        st.rerun()


def _show_done(result, links: list[tuple[int, str]]) -> None:
    _ = ui.gettext()
    st.success(
        _("Imported: {cases} new cases and {reports} further reports.").format(
            cases=ui.number(result.cases_created), reports=ui.number(result.reports_added)
        )
    )
    if links:
        st.markdown(f"**{_('The new cases')}**")
        columns = st.columns(4)
        for index, (case_id, reference) in enumerate(links):
            columns[index % 4].page_link(
                registry.page("case"), label=reference, query_params={"id": str(case_id)}
            )
        if result.cases_created > len(links):
            st.caption(
                _("and {count} more, in the queue.").format(
                    count=ui.number(result.cases_created - len(links))
                )
            )
    st.page_link(registry.page("queue"), label=_("Open the queue"), icon=":material/inbox:")
