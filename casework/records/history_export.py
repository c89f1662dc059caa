"""A case's history as a file: what a lead attaches to the letter that escalates a case
to the regulator. Built from the case page's own view, so it holds exactly what the
person exporting may read, in their language and time zone."""

from __future__ import annotations

from casework.desk.case_view import CaseView
from casework.desk.timeline import event_label
from casework.desk.workflow import STATUS_LABELS, Status
from casework.i18n import format_datetime
from casework.spreadsheet import csv_bytes


def _status(gettext, code: str | None) -> str:
    return gettext(STATUS_LABELS[Status(code)]) if code else ""


def history_csv(view: CaseView, *, gettext, language: str, zone: str) -> bytes:
    """The case's record and timeline as CSV (UTF-8 with a byte-order mark, so that
    spreadsheet programs read it right)."""
    _ = gettext

    def when(value) -> str:
        return format_datetime(value, language=language, time_zone=zone) if value else ""

    rows: list[list] = []
    for label, value in (
        (_("Reference"), view.reference),
        (_("Title"), view.title),
        (_("Platform"), view.platform),
        (_("Category"), view.category),
        (_("Legal ground"), view.legal_ground or ""),
        (_("Account"), view.account_handle or ""),
        (_("Province"), view.province or ""),
        (_("Status"), _status(_, view.status)),
        (_("Filed"), when(view.created_at)),
        (_("Decision due"), when(view.clock.due_at)),
    ):
        rows.append([label, value])
    for link in view.urls:
        rows.append([_("Link"), link.url])
    rows.append([])
    rows.append([_("Time"), _("Who"), _("Organisation"), _("Event"), _("Status"), _("Text")])
    for entry in view.timeline:
        if entry.kind == "comment":
            event = _("Internal comment") if entry.visibility == "internal" else _("Comment")
            text = entry.text or ""
        else:
            event = _(event_label(entry.action))
            detail = entry.detail or {}
            text = " · ".join(
                str(detail[key])
                for key in ("reason", "note", "question", "answer", "order")
                if detail.get(key)
            )
        rows.append(
            [
                when(entry.at),
                entry.who,
                entry.organisation,
                event,
                _status(_, entry.to_status),
                text,
            ]
        )
    return csv_bytes(rows)
