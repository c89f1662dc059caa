"""The evidence part of the case page: thumbnails, hashes, downloads, and uploads by
either party (a liaison's uploads are marked as the platform's)."""

from __future__ import annotations

import streamlit as st

from casework.desk.event_kinds import event_label
from casework.errors import DomainError
from casework.intake.evidence import evidence_file, evidence_thumbnail, megabytes
from casework.records.exports import ExportFile
from casework.settings import get_settings
from pages import calls, ui


def render_evidence(view, actor) -> None:
    _ = ui.gettext()
    st.markdown(f"**{_('Evidence')}**")
    if not view.evidence:
        st.caption(_("No evidence attached yet."))
    for item in view.evidence:
        with st.container(border=True):
            columns = st.columns([1, 3])
            with columns[0]:
                thumbnail = (
                    _thumbnail(actor, item.id) if item.mime_type.startswith("image/") else None
                )
                if thumbnail:
                    st.image(thumbnail, width=120)
                else:
                    st.caption(item.mime_type)
            with columns[1]:
                st.text(item.file_name)
                by = {
                    "platform": _("uploaded by the platform"),
                    "capture": _("captured by Pantau capture"),
                }.get(item.uploaded_by_kind, _("uploaded by the supervisory body"))
                st.caption(
                    f"{megabytes(item.size, ui.language())} MB · {item.mime_type} · {by} · "
                    f"{ui.format_time(item.created_at, actor)}"
                )
                st.code(f"SHA-256 {item.sha256}", language=None)
                st.download_button(
                    _("Download"),
                    data=ui.deferred_export(
                        actor,
                        "evidence",
                        _file_of(item.id),
                        filters={"evidence_id": item.id},
                        case_id=view.case_id,
                    ),
                    file_name=item.file_name,
                    mime=item.mime_type,
                    key=f"evidence_download_{item.id}",
                    on_click="ignore",
                )


# The events that make up the evidence's chain of custody on the case page.
CUSTODY_EVENTS = ("evidence_added", "evidence_bundle_exported")


def render_custody(view, actor) -> None:
    """Who added evidence and who took it out of Pantau (an evidence bundle), when."""
    _ = ui.gettext()
    steps = [e for e in view.timeline if e.kind == "event" and e.action in CUSTODY_EVENTS]
    if not steps:
        return
    with st.expander(_("Chain of custody")):
        st.dataframe(
            [
                {
                    _("Time"): ui.format_time(e.at, actor),
                    _("Event"): _(event_label(e.action)),
                    _("Who"): f"{e.who} ({e.organisation})",
                    _("Fingerprint (SHA-256)"): (
                        (e.detail or {}).get("sha256")
                        or (e.detail or {}).get("manifest_sha256")
                        or "—"
                    ),
                }
                for e in steps
            ],
            hide_index=True,
            width="stretch",
        )


def _thumbnail(actor, evidence_id: int) -> bytes | None:
    with calls.reading() as session:
        return evidence_thumbnail(session=session, actor=actor, evidence_id=evidence_id)


def _file_of(evidence_id: int):
    # Deferred: the bytes are read only when someone clicks, not on every rerun.
    def build(session, fresh) -> ExportFile:
        data = evidence_file(session=session, actor=fresh, evidence_id=evidence_id)[2]
        return ExportFile(data, 1)

    return build


def render_upload(view, actor) -> None:
    from casework.intake.evidence import add_evidence

    _ = ui.gettext()
    settings = get_settings()
    with st.form("case_evidence_form", clear_on_submit=True):
        upload = st.file_uploader(
            _("Add evidence (screenshot, recording or document, at most {size} MB)").format(
                size=megabytes(settings.evidence_max_bytes, ui.language())
            ),
            key="case_evidence_file",
            max_upload_size=ui.evidence_upload_mb(),
        )
        if st.form_submit_button(_("Attach")) and upload is not None:
            try:
                with calls.reading() as session:
                    add_evidence(
                        session=session,
                        actor=actor,
                        case_id=view.case_id,
                        file_name=upload.name,
                        data=upload.getvalue(),
                        settings=settings,
                    )
            except DomainError as error:
                ui.show_error(error)
                for message in ui.validation_errors(error).values():
                    if message != error.msgid:
                        st.caption(f":red[{ui.plain(_(message))}]")
                return
            ui.flash(_("Evidence attached."))
            st.rerun()
