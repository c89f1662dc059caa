"""The captures part of the case page: what Pantau's own capture found (outcome, final
address, title, author, signed manifest), whether a removal was verified, cases with
near-identical images, and a button to capture or check again. Everything a page said
about itself is shown as text, never as markdown."""

from __future__ import annotations

import streamlit as st

from casework.capture.jobs import request_capture
from casework.capture.outcomes import Verdict
from casework.capture.views import VERDICT_LABELS, capture_panel
from casework.desk.case_view import CaseView
from casework.errors import CaseNotFound
from casework.settings import get_settings
from pages import calls, registry, ui

SHOWN = 5


def render_captures(view: CaseView, actor) -> None:
    _ = ui.gettext()
    settings = get_settings()
    try:
        with calls.reading() as session:
            panel = capture_panel(
                session=session, actor=actor, case_id=view.case_id, settings=settings
            )
    except CaseNotFound:
        return
    st.markdown(f"**{_('Captures by Pantau')}**")
    latest = panel.captures.latest_verification
    if latest is not None:
        message = _(VERDICT_LABELS[latest.verdict]).format(
            time=ui.format_time(latest.capture.captured_at, actor),
            outcome=_(latest.outcome_label),
        )
        show = st.success if latest.verdict == Verdict.GONE else st.warning
        show(message, icon=":material/fact_check:")
    if panel.captures.pending:
        st.caption(
            _("{count} capture(s) waiting for the worker.").format(
                count=ui.number(panel.captures.pending)
            )
        )
    if panel.captures.next_check_at is not None:
        st.caption(
            _("Removal check due at {time}.").format(
                time=ui.format_time(panel.captures.next_check_at, actor)
            )
        )
    if not panel.enabled:
        st.caption(_("Capture is turned off for this platform or this installation."))
    elif not panel.captures.captures and not panel.captures.pending:
        st.caption(_("No capture yet."))
    for item in panel.captures.captures[:SHOWN]:
        _capture(item, actor)
    if panel.similar:
        st.caption(_("Cases with near-identical images:"))
        for similar in panel.similar:
            st.page_link(
                registry.page("case"),
                label=_("{reference} · distance {distance}").format(
                    reference=similar.reference, distance=similar.distance
                ),
                query_params={"id": str(similar.case_id)},
            )
    if panel.may_request and panel.enabled:
        columns = st.columns(2)
        columns[0].button(
            _("Capture now"),
            key=f"capture_now_{view.case_id}",
            on_click=_request,
            args=(view, actor),
            kwargs={"verify": False},
        )
        if view.decisions:
            columns[1].button(
                _("Check it is gone"),
                key=f"capture_check_{view.case_id}",
                on_click=_request,
                args=(view, actor),
                kwargs={"verify": True},
            )


def _capture(item, actor) -> None:
    _ = ui.gettext()
    capture = item.capture
    kind = _("Removal check") if capture.kind == "verify" else _("Capture")
    with st.container(border=True):
        st.markdown(
            f"{kind} · {_(item.outcome_label)} · "
            f"{ui.plain(ui.format_time(capture.captured_at, actor))}"
        )
        if capture.http_status is not None:
            st.caption(_("HTTP status {status}").format(status=capture.http_status))
        st.text(capture.final_url or capture.url)
        if capture.title:
            st.text(capture.title)
        if capture.author_handle:
            st.text(_("Author: {handle}").format(handle=capture.author_handle))
        if capture.error:
            st.text(capture.error)
        if capture.manifest_sha256:
            key_id = (capture.signature or {}).get("key_id", "")
            st.code(
                f"manifest SHA-256 {capture.manifest_sha256}\nsigned by key {key_id}",
                language=None,
            )
        if item.files:
            st.caption(", ".join(ui.plain(f.file_name) for f in item.files))


def _request(view: CaseView, actor, *, verify: bool) -> None:
    """A button's callback: queue a capture in one unit of work (pages/calls.py)."""
    _ = ui.gettext()

    def work(session) -> None:
        request_capture(
            session=session,
            actor=actor,
            case_id=view.case_id,
            settings=get_settings(),
            verify=verify,
        )

    calls.act_on_case(view.case_id, work, done=_("Capture queued."))
