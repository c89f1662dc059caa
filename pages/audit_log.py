"""The audit log: every recorded event, filterable and exportable, and the hash-chain
check on demand. For leads and admins."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from casework import i18n
from casework.desk.event_kinds import describe, event_label
from casework.desk.workflow import STATUS_LABELS, Status
from casework.records.audit_log import (
    AuditFilters,
    audit_actions,
    audit_csv,
    check_audit_chain,
    detail_labels,
    list_audit_events,
    recent_checkpoints,
)
from casework.records.exports import ExportFile, csv_records
from casework.records.signing import keys_url
from pages import calls, ui
from pages.bundle_panel import verify_bundle_panel

PAGE_SIZE = 100


def _status(_, code: str | None) -> str:
    return _(STATUS_LABELS[Status(code)]) if code else ""


def _local_start(day: date | None, zone: str) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)) if day else None


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Audit log"))
    _verify(actor)
    language = ui.language()
    with calls.reading() as session:
        actions = audit_actions(session=session, actor=actor)
        labels = detail_labels(session, language)
    columns = st.columns([2, 2, 1, 1])
    reference = columns[0].text_input(_("Case reference"), max_chars=32, key="audit_reference")
    # Each kind once, by its label, in the reader's alphabet.
    actions = sorted(actions, key=lambda a: _(event_label(a)).casefold())
    action = columns[1].selectbox(
        _("Action"),
        [None, *actions],
        format_func=lambda a: _("Any") if a is None else _(event_label(a)),
        key="audit_action",
    )
    since = columns[2].date_input(_("From"), value=None, key="audit_since")
    until = columns[3].date_input(_("Until"), value=None, key="audit_until")
    zone = actor.time_zone
    filters = AuditFilters(
        case_reference=reference,
        action=action,
        since=_local_start(since, zone),
        until=_local_start(until + timedelta(days=1), zone) if until else None,
    )
    page = st.session_state.get("audit_page", 1)
    with calls.reading() as session:
        rows, total = list_audit_events(
            session=session, actor=actor, filters=filters, page=page, page_size=PAGE_SIZE
        )
    st.caption(_("{count} events").format(count=ui.number(total)))
    if rows:
        st.dataframe(
            [
                {
                    _("Event"): row.id,
                    _("Time"): ui.format_time(row.at, actor),
                    _("Case"): row.case_reference or "—",
                    _("Who"): row.actor or "—",
                    _("Action"): _(event_label(row.action)),
                    _("From"): _status(_, row.from_status),
                    _("To"): _status(_, row.to_status),
                    _("Detail"): describe(
                        row.detail, gettext=_, language=language, labels=labels, time_zone=zone
                    ),
                    _("Hash"): row.hash[:16] + "…",
                }
                for row in rows
            ],
            hide_index=True,
            width="stretch",
        )
    pages = max(1, -(-total // PAGE_SIZE))
    nav = st.columns([1, 2, 1])
    if nav[0].button(_("Previous"), disabled=page <= 1, key="audit_prev"):
        st.session_state["audit_page"] = page - 1
        st.rerun()
    nav[1].caption(_("Page {page} of {pages}").format(page=page, pages=pages))
    if nav[2].button(_("Next"), disabled=page >= pages, key="audit_next"):
        st.session_state["audit_page"] = page + 1
        st.rerun()

    st.download_button(
        _("Export these events (CSV)"),
        ui.deferred_export(
            actor, "audit_log_csv", audit_csv_builder(filters, language, zone), filters=filters
        ),
        file_name=f"pantau-audit-{date.today().isoformat()}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="audit_export",
    )
    _checkpoints(actor)
    st.divider()
    verify_bundle_panel(actor)


def _verify(actor) -> None:
    _ = ui.gettext()
    if st.button(_("Verify the audit chain"), icon=":material/verified:", key="audit_verify"):
        with calls.reading() as session:
            report = check_audit_chain(session=session, actor=actor)
        st.session_state["audit_report"] = report
    report = st.session_state.get("audit_report")
    if report is None:
        return
    if report.intact:
        st.success(
            _("The audit chain is intact: {count} events.").format(
                count=ui.number(report.events_checked)
            ),
            icon=":material/verified:",
        )
        st.caption(
            _("{count} signed checkpoints verified, and the signed end of the chain.").format(
                count=ui.number(report.checkpoints_checked)
            )
        )
    elif report.first_broken_id is None:
        st.error(
            _("The audit chain cannot be trusted: {problem}.").format(problem=_(report.problem)),
            icon=":material/gpp_bad:",
        )
    else:
        st.error(
            _("The audit chain is broken at event {event}: {problem}.").format(
                event=report.first_broken_id, problem=_(report.problem)
            )
            + " "
            + _("{count} events before it are intact.").format(
                count=ui.number(report.events_checked)
            ),
            icon=":material/gpp_bad:",
        )


def _checkpoints(actor) -> None:
    _ = ui.gettext()
    with calls.reading() as session:
        rows = recent_checkpoints(session=session, actor=actor)
    with st.expander(_("Signed checkpoints ({count})").format(count=len(rows))):
        st.caption(
            _(
                "Each checkpoint is this installation's signature over the chain's length "
                "and last hash at that moment; transparency reports print the latest. "
                "Public keys: {url}"
            ).format(url=keys_url())
        )
        if not rows:
            st.caption(_("No checkpoint yet."))
            return
        st.dataframe(
            [
                {
                    _("Checkpoint"): row.id,
                    _("Time"): ui.format_time(row.at, actor),
                    _("Events"): row.event_count,
                    _("Last hash"): row.last_hash,
                    _("Key"): row.key_id,
                    _("Signature"): row.signature,
                }
                for row in rows
            ],
            hide_index=True,
            width="stretch",
        )


def audit_csv_builder(filters: AuditFilters, language: str, zone: str):
    """The download's builder. Streamlit runs it later, outside the script's thread,
    where session state is out of reach: everything it needs is passed in and read
    during the run ("missing ScriptRunContext" otherwise)."""

    def build(session, fresh) -> ExportFile:
        data = audit_csv(
            session=session,
            actor=fresh,
            filters=filters,
            gettext=i18n.translator(language),
            language=language,
            zone=zone,
        )
        return ExportFile(data, csv_records(data))

    return build
