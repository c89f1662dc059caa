"""The "new report" form: what an officer found, filed as a case in one go."""

from __future__ import annotations

from datetime import datetime, time

import streamlit as st

from casework.desk.filing import submit_report
from casework.desk.schemas import REPORT_LIMITS, ReportIn
from casework.desk.sla import PRIORITY_LABELS, Priority
from casework.desk.workflow import STATUS_LABELS, Status
from casework.errors import DomainError
from casework.i18n import zone_abbreviation
from casework.intake.urls import analyse_url
from casework.reference.legal_grounds import suggestions_for_case
from casework.reference.taxonomy import platforms, provinces, regencies, term_label, terms
from casework.settings import get_settings
from casework.statutory.intake import TERLAPOR_STATUS_LABELS
from casework.statutory.stages import INTAKE_TYPE_LABELS
from db.types import utcnow
from pages import calls, registry, ui

ERRORS_KEY = "report_errors"
DUPLICATES_KEY = "report_duplicates"
AUTO = "auto"


def _options(session, kind: str, language: str) -> dict[str, str]:
    return {t.code: term_label(t, language) for t in terms(session, kind)}


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    lang = ui.language()
    st.title(_("New report"))
    ui.show_flash()
    errors = st.session_state.get(ERRORS_KEY, {})
    with calls.reading() as session:
        platform_names = {p.code: p.name for p in platforms(session)}
        categories = {t.code: t for t in terms(session, "category")}
        sources = _options(session, "source", lang)
        classes = _options(session, "account_class", lang)
        content_types = _options(session, "content_type", lang)
        province_rows = provinces(session)
        province_names = {p.code: p.name for p in province_rows}
        province_zones = {p.code: p.time_zone for p in province_rows}
        if actor.region_code:
            # A regional office files inside its own area.
            province_names = {
                k: v for k, v in province_names.items() if k == actor.region_code.split(".")[0]
            }
        # A regional office has one province; a national officer chooses (no default:
        # a first entry of the list, Aceh, would be filed without anyone meaning it).
        if actor.region_code and "report_province" not in st.session_state:
            st.session_state["report_province"] = next(iter(province_names), None)
        chosen_province = st.session_state.get("report_province")
        regency_names = (
            {r.code: r.name for r in regencies(session, chosen_province)} if chosen_province else {}
        )
        # The grounds of the case's election (by date and region) for the owner's kind.
        state = st.session_state
        suggested = suggestions_for_case(
            session,
            category_code=state.get("report_category"),
            account_class=state.get("report_account_class") or None,
            province_code=chosen_province,
            regency_code=state.get("report_regency") or None,
            day=state.get("report_posted_date") or utcnow().date(),
        )
        suggestions = [g.citation for g in suggested]
    zone_name = zone_abbreviation(province_zones.get(chosen_province or "", "Asia/Jakarta"))

    st.caption(_("Fields marked with * are required."))
    st.text_input(ui.required(_("Title")), key="report_title", max_chars=REPORT_LIMITS["title"])
    ui.field_error(errors, "title")
    st.text_area(_("Description"), key="report_description", max_chars=REPORT_LIMITS["description"])
    ui.field_error(errors, "description")
    st.text_area(
        ui.required(_("Links to the content (one per line)")),
        key="report_urls",
        max_chars=20000,
        on_change=_infer_platform,
        args=(list(platform_names),),
    )
    ui.field_error(errors, "urls")

    columns = st.columns(3)
    with columns[0]:
        st.selectbox(
            ui.required(_("Platform")),
            list(platform_names),
            format_func=platform_names.get,
            key="report_platform",
            index=None,
            placeholder=_("Choose…"),
        )
        ui.field_error(errors, "platform_code")
        st.text_input(
            _("Account handle"), key="report_handle", max_chars=REPORT_LIMITS["account_handle"]
        )
        st.selectbox(
            _("Account class"),
            [""] + list(classes),
            format_func=lambda c: classes.get(c, "—"),
            key="report_account_class",
        )
        st.selectbox(
            _("Content type"),
            [""] + list(content_types),
            format_func=lambda c: content_types.get(c, "—"),
            key="report_content_type",
        )
    with columns[1]:
        category_labels = {code: term_label(t, lang) for code, t in categories.items()}
        st.selectbox(
            ui.required(_("Category")),
            list(category_labels),
            format_func=category_labels.get,
            key="report_category",
            index=None,
            placeholder=_("Choose…"),
        )
        ui.field_error(errors, "category_code")
        chosen = st.session_state.get("report_legal_grounds") or []
        st.multiselect(
            _("Legal grounds"),
            list(dict.fromkeys([*suggestions, *chosen])),
            key="report_legal_grounds",
            accept_new_options=True,
            placeholder=_("Choose or type a citation…"),
            help=_(
                "Suggested for the election of the case (by date and region) and the kind "
                "of account owner; several may be chosen. Bawaslu's style: Pasal 280 ayat "
                "(1) huruf c jo. Pasal 521 UU 7/2017."
            ),
        )
        st.selectbox(
            _("Priority"),
            [AUTO, Priority.NORMAL.value, Priority.URGENT.value],
            format_func=lambda p: (
                _("From the election calendar") if p == AUTO else _(PRIORITY_LABELS[Priority(p)])
            ),
            key="report_priority",
        )
    with columns[2]:
        st.selectbox(
            _("Province"),
            list(province_names),
            format_func=province_names.get,
            key="report_province",
            index=None,
            placeholder=_("Choose…"),
        )
        ui.field_error(errors, "province_code")
        st.selectbox(
            _("Regency/city"),
            [""] + list(regency_names),
            format_func=lambda r: regency_names.get(r, "—"),
            key="report_regency",
        )
        ui.field_error(errors, "regency_code")
        st.date_input(_("Posted on"), value=None, key="report_posted_date", format="DD/MM/YYYY")
        st.time_input(
            _("Posted at ({zone})").format(zone=zone_name), value=None, key="report_posted_time"
        )
        ui.field_error(errors, "posted_at")
        st.number_input(_("Reach at capture"), min_value=0, value=None, step=1, key="report_reach")

    st.file_uploader(
        _("Evidence (screenshots, recordings, documents)"),
        accept_multiple_files=True,
        key="report_evidence",
        max_upload_size=ui.evidence_upload_mb(),
    )
    ui.field_error(errors, "file")

    columns = st.columns(3)
    columns[0].selectbox(
        ui.required(_("Source")), list(sources), format_func=sources.get, key="report_source"
    )
    columns[1].text_input(
        _("Reporter name (internal)"),
        key="report_reporter_name",
        max_chars=REPORT_LIMITS["reporter_name"],
    )
    columns[2].text_input(
        _("Reporter contact (internal)"),
        key="report_reporter_contact",
        max_chars=REPORT_LIMITS["reporter_contact"],
    )

    _intake_fields(errors)

    matches = st.session_state.get(DUPLICATES_KEY)
    if matches:
        _duplicates_panel(actor, matches)
    elif st.button(_("File report"), type="primary", key="report_submit"):
        _submit(actor)


def _intake_fields(errors) -> None:
    """Temuan or laporan (issue 17): what each must carry. Left unchosen, the source
    decides (own patrol: temuan), as for the cases filed before the type existed."""
    _ = ui.gettext()
    kind = st.radio(
        _("Intake type"),
        list(INTAKE_TYPE_LABELS),
        format_func=lambda code: _(INTAKE_TYPE_LABELS[code]),
        index=None,
        horizontal=True,
        key="report_intake_type",
    )
    ui.field_error(errors, "intake_type")
    st.date_input(_("Known since"), value=None, key="report_known_since", format="DD/MM/YYYY")
    ui.field_error(errors, "known_since")
    if kind == "laporan":
        columns = st.columns(2)
        columns[0].text_input(_("Reported party"), key="report_terlapor_name", max_chars=200)
        columns[1].selectbox(
            _("Reported party's status"),
            list(TERLAPOR_STATUS_LABELS),
            format_func=lambda code: _(TERLAPOR_STATUS_LABELS[code]),
            index=None,
            key="report_terlapor_status",
        )
        ui.field_error(errors, "terlapor_name")
        ui.field_error(errors, "terlapor_status")
        columns = st.columns(3)
        columns[0].date_input(
            _("Date of the incident"), value=None, key="report_incident_date", format="DD/MM/YYYY"
        )
        columns[1].time_input(_("Time of the incident"), value=None, key="report_incident_time")
        columns[2].text_input(_("Place"), key="report_incident_place", max_chars=300)
        ui.field_error(errors, "incident_at")
        ui.field_error(errors, "incident_place")
        ui.field_error(errors, "reporter_name")
        ui.field_error(errors, "reporter_contact")
    elif kind == "temuan":
        st.text_input(_("Oversight source"), key="report_oversight_source", max_chars=500)
        ui.field_error(errors, "oversight_source")


def _incident_at() -> datetime | None:
    day = st.session_state.get("report_incident_date")
    if day is None:
        return None
    return datetime.combine(day, st.session_state.get("report_incident_time") or time(0, 0))


def _duplicates_panel(actor, matches) -> None:
    """The report's links point at content already on file: let the officer choose."""
    _ = ui.gettext()
    st.warning(
        _("These cases already cover the same content. What should happen?"),
        icon=":material/content_copy:",
    )
    for match in matches:
        with st.container(border=True):
            st.markdown(f"**{match.reference}** · {_(STATUS_LABELS[Status(match.status)])}")
            st.text(match.title)
            st.caption(_("{count} reports so far").format(count=match.report_count))
            columns = st.columns(2)
            if columns[0].button(
                _("Add as another report of {reference}").format(reference=match.reference),
                key=f"report_add_to_{match.case_id}",
            ):
                _submit(actor, add_to=match)
            if columns[1].button(
                _("File anyway and link as related"), key=f"report_link_to_{match.case_id}"
            ):
                _submit(actor, link_to=match)
    if st.button(_("Back to the form"), key="report_back"):
        st.session_state.pop(DUPLICATES_KEY, None)
        st.rerun()


def _infer_platform(known: list[str]) -> None:
    """The links changed: when no platform is chosen yet, take the one the first link
    of a known platform points at (the officer may still change it)."""
    state = st.session_state
    if state.get("report_platform"):
        return
    for line in (state.get("report_urls") or "").splitlines():
        platform = analyse_url(line).platform
        if platform in known:
            state["report_platform"] = platform
            return


def _posted_at() -> datetime | None:
    """The time as typed: local time in the chosen province (the service reads it so)."""
    day = st.session_state.get("report_posted_date")
    if day is None:
        return None
    return datetime.combine(day, st.session_state.get("report_posted_time") or time(0, 0))


def _submit(actor, *, add_to=None, link_to=None) -> None:
    _ = ui.gettext()
    state = st.session_state
    priority = state.get("report_priority")
    report = ReportIn(
        title=state.get("report_title", ""),
        description=state.get("report_description", ""),
        urls=(state.get("report_urls") or "").splitlines(),
        platform_code=state.get("report_platform") or "",
        account_handle=state.get("report_handle"),
        account_class=state.get("report_account_class") or None,
        content_type=state.get("report_content_type") or None,
        category_code=state.get("report_category") or "",
        legal_grounds=list(state.get("report_legal_grounds") or []),
        priority=None if priority == AUTO else priority,
        province_code=state.get("report_province") or None,
        regency_code=state.get("report_regency") or None,
        posted_at=_posted_at(),
        reach=state.get("report_reach"),
        source=state.get("report_source") or "",
        reporter_name=state.get("report_reporter_name"),
        reporter_contact=state.get("report_reporter_contact"),
        intake_type=state.get("report_intake_type"),
        known_since=state.get("report_known_since"),
        terlapor_name=state.get("report_terlapor_name"),
        terlapor_status=state.get("report_terlapor_status"),
        incident_at=_incident_at(),
        incident_place=state.get("report_incident_place"),
        oversight_source=state.get("report_oversight_source"),
    )
    files = [(f.name, f.getvalue()) for f in state.get("report_evidence") or []]
    try:
        with calls.reading() as session:
            submitted = submit_report(
                session=session,
                actor=actor,
                report=report,
                files=files,
                settings=get_settings(),
                add_to=(add_to.case_id, add_to.version) if add_to is not None else None,
                link_to=link_to.case_id if link_to is not None else None,
            )
    except DomainError as error:
        # Nothing typed is lost: the widgets keep their values; messages show per field.
        state.pop(DUPLICATES_KEY, None)
        state[ERRORS_KEY] = ui.validation_errors(error)
        ui.flash(error.translated(_), "error")
        st.rerun()
    if submitted.duplicates:
        state[DUPLICATES_KEY] = submitted.duplicates
        st.rerun()
    case = submitted.case
    for key in [k for k in state.keys() if str(k).startswith("report_")]:
        del state[key]
    # The report is filed; a file that failed after it (the same one twice, say) must
    # not send the officer back to a form they would file a second time.
    failed = [f"{name}: {error.translated(_)}" for name, error in submitted.failed_files]
    if failed:
        ui.flash(
            _("Filed as {reference}, but some files were not attached: {files}").format(
                reference=case.reference, files="; ".join(failed)
            ),
            "warning",
        )
        st.switch_page(registry.page("case"), query_params={"id": str(case.id)})
    ui.flash(_("Filed as {reference}.").format(reference=case.reference))
    st.switch_page(registry.page("case"), query_params={"id": str(case.id)})
