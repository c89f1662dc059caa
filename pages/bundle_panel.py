"""Evidence bundles on the pages: prepare one for download, or verify one received."""

from __future__ import annotations

import streamlit as st

from casework.errors import DomainError
from casework.people.permissions import may_bundle
from casework.records.bundle_verification import SIGNATURE_MISSING, check_received_bundle
from casework.records.bundles import build_bundle
from pages import calls, ui

MAX_UPLOAD_MB = 2048


def bundle_download(actor, case_ids: list[int], *, key: str, label: str | None = None) -> None:
    """A button that builds the bundle of `case_ids` (recording the export in the audit
    trail), then offers it for download."""
    _ = ui.gettext()
    if not may_bundle(actor) or not case_ids:
        return
    ready_key = f"{key}_ready"
    ready = st.session_state.get(ready_key)
    if ready and ready[0] == tuple(case_ids):
        _ids, data, digest, name = ready
        st.download_button(
            _("Download the evidence bundle (ZIP)"),
            data,
            file_name=name,
            mime="application/zip",
            icon=":material/folder_zip:",
            key=f"{key}_download",
            on_click="ignore",
        )
        st.caption(_("Manifest SHA-256: {digest}").format(digest=digest))
        return
    if st.button(
        label or _("Prepare an evidence bundle"), icon=":material/folder_zip:", key=f"{key}_build"
    ):
        try:
            with calls.reading() as session:
                data, digest = build_bundle(
                    session=session, actor=actor, case_ids=case_ids, language=ui.language()
                )
        except DomainError as error:
            ui.show_error(error)
            return
        name = f"pantau-bundle-{digest[:12]}.zip"
        st.session_state[ready_key] = (tuple(case_ids), data, digest, name)
        st.rerun()


def verify_bundle_panel(actor) -> None:
    """Check a bundle received from someone else: against its own manifest, against
    this installation's signature, and against the exports recorded in the audit trail."""
    _ = ui.gettext()
    st.subheader(_("Verify an evidence bundle"), anchor=False)
    upload = st.file_uploader(_("Evidence bundle (ZIP)"), type=["zip"], key="bundle_verify_upload")
    if upload is None:
        return
    try:
        with calls.reading() as session:
            checked = check_received_bundle(session=session, actor=actor, data=upload.getvalue())
    except DomainError as error:
        ui.show_error(error)
        return
    report = checked.report
    if report.intact:
        st.success(
            _("Intact: {count} files match the manifest.").format(count=report.files_checked),
            icon=":material/verified:",
        )
    else:
        st.error(
            _("{count} problems found in this bundle.").format(count=len(report.problems)),
            icon=":material/gpp_bad:",
        )
        st.dataframe(
            [
                {_("File"): name or "—", _("Problem"): _(problem)}
                for name, problem in report.problems
            ],
            hide_index=True,
        )
    if report.signed:
        st.success(
            _("Signed by this Pantau (key {key}).").format(key=ui.plain(report.signed_by_key)),
            icon=":material/verified_user:",
        )
    elif report.signature == SIGNATURE_MISSING:
        st.error(_("The bundle is not signed."), icon=":material/gpp_bad:")
    else:
        st.error(
            _("The signature does not verify with this Pantau's keys."),
            icon=":material/gpp_bad:",
        )
    if not checked.issued_here:
        st.error(
            _(
                "Not issued by this Pantau: no export of this manifest is recorded in the "
                "audit trail."
            ),
            icon=":material/gpp_bad:",
        )
    if report.manifest_sha256:
        # The case references come from the uploaded manifest: plain text, never
        # markdown (a `![](https://…)` there loaded an outside image, issue 15).
        st.text(
            _("Manifest SHA-256: {digest}").format(digest=report.manifest_sha256)
            + " · "
            + _("Cases: {cases}").format(cases=", ".join(map(str, report.cases)) or "—")
        )
