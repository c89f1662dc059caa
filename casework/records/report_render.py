"""The transparency report as files: one self-contained HTML page (no script, no
external resource), a PDF, and a ZIP of CSV tables, in the reader's language."""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from casework.analytics.scope import OTHER_PLATFORMS
from casework.clocks.engine import KIND_LABELS, OWNER_LABELS
from casework.clocks.service import rule_labels
from casework.i18n import format_date, format_datetime, format_number
from casework.records.signing import keys_url
from casework.records.transparency import PLATFORM, PUBLIC, SUPPRESSED, Report, Table
from casework.reference.taxonomy import PHASE_LABELS, term_label
from casework.spreadsheet import csv_bytes
from db.models import Election, Platform, Region, TaxonomyTerm


@dataclass(frozen=True)
class Labels:
    """Names for the codes a report holds, in one language."""

    by_table: dict[str, dict[str, str]]
    elections: dict[str, str]


def report_labels(session: Session, language: str) -> Labels:
    terms = {(t.kind, t.code): term_label(t, language) for t in session.exec(select(TaxonomyTerm))}

    def kind(name: str) -> dict[str, str]:
        return {code: label for (k, code), label in terms.items() if k == name}

    platforms = {p.code: p.name for p in session.exec(select(Platform))}
    provinces = {
        r.code: r.name for r in session.exec(select(Region).where(Region.level == "province"))
    }
    return Labels(
        by_table={
            "platforms": platforms,
            "decisions": platforms,
            "decision_type": kind("decision_type"),
            "category": kind("category"),
            "province": provinces,
            "source": kind("source"),
            "clock_rules": rule_labels(session, language),
            "clock_times": platforms,
        },
        elections={e.code: e.name for e in session.exec(select(Election))},
    )


def report_title(report: Report, *, gettext, language: str, labels: Labels) -> tuple[str, str]:
    """The report's title and a line naming its period."""
    _ = gettext
    title = {
        PUBLIC: _("Joint transparency report (public version)"),
        PLATFORM: _("Transparency report of your platform"),
    }.get(report.version, _("Joint transparency report"))
    parts = [labels.elections.get(code, code) for code in report.elections]
    parts += [_(PHASE_LABELS[p]) if p in PHASE_LABELS else p for p in report.phases]
    if report.date_from or report.date_to:
        start = format_date(report.date_from, language=language) if report.date_from else "…"
        end = format_date(report.date_to, language=language) if report.date_to else "…"
        parts.append(f"{start} – {end}")
    return title, " · ".join(parts) or _("All periods")


def cell(
    report: Report, table: Table, row: dict, key: str, kind: str, *, gettext, language, labels
):
    """One cell as text."""
    _ = gettext
    value = row.get(key)
    if kind == "mixed":
        kind = row.get("kind", "count")
    if value == SUPPRESSED:
        return _("fewer than {count}").format(count=report.threshold)
    if value is None:
        return "—"
    if kind == "label":
        if key == "figure":
            return _(value)
        if value == OTHER_PLATFORMS:
            return _("Other platforms")
        if key == "owner":
            return _(OWNER_LABELS[value]) if value in OWNER_LABELS else value
        if key == "kind":
            return _(KIND_LABELS[value]) if value in KIND_LABELS else value
        names = labels.by_table.get("decision_type" if key == "decision_type" else table.key, {})
        return names.get(value, value)
    if kind == "share":
        return format_number(round(value * 100, 1), language=language, decimals=1) + " %"
    if kind == "hours":
        return format_number(round(value, 1), language=language, decimals=1)
    return format_number(value, language=language)


def _rows(report: Report, table: Table, **kw) -> list[list[str]]:
    return [
        [cell(report, table, row, c.key, c.kind, **kw) for c in table.columns] for row in table.rows
    ]


def _suppression_note(report: Report, gettext) -> str:
    return gettext(
        "Public version: counts below {count}, and shares, medians and percentiles resting "
        "on fewer than {count} cases, are not shown, so that no single case or reporter "
        "can be singled out."
    ).format(count=report.threshold)


def _generated(report: Report, gettext, language: str, zone: str) -> str:
    when = format_datetime(report.generated_at, language=language, time_zone=zone)
    return gettext("Generated {when}").format(when=when)


def checkpoint_lines(report: Report, gettext, language: str, zone: str) -> list[str]:
    """The signed audit checkpoint as lines of text, the same in every format."""
    checkpoint = report.checkpoint
    if checkpoint is None:
        return []
    when = format_datetime(checkpoint.at, language=language, time_zone=zone)
    return [
        gettext(
            "Checkpoint {number}, signed {when}: the audit trail held {count} events, "
            "the last with hash {hash}."
        ).format(
            number=checkpoint.id,
            when=when,
            count=format_number(checkpoint.event_count, language=language),
            hash=checkpoint.last_hash,
        ),
        gettext("Signed statement: {statement}").format(statement=checkpoint.statement),
        gettext("Ed25519 signature by key {key_id}: {signature}").format(
            key_id=checkpoint.key_id, signature=checkpoint.signature
        ),
        gettext("Pantau's public keys: {url}").format(url=keys_url()),
    ]


def report_html(report: Report, *, gettext, language: str, labels: Labels, zone: str) -> bytes:
    _ = gettext
    kw = {"gettext": gettext, "language": language, "labels": labels}
    title, period = report_title(report, gettext=gettext, language=language, labels=labels)
    esc = html.escape
    out = [
        "<!doctype html>",
        f'<html lang="{esc(language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#111}"
        "table{border-collapse:collapse;margin:0 0 1.5rem}th,td{border:1px solid #bbb;"
        "padding:.3rem .6rem;text-align:left}td.n{text-align:right}th{background:#eef2f7}"
        ".note{color:#444;font-size:.9rem}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p><strong>{esc(period)}</strong></p>",
        f'<p class="note">{esc(_generated(report, gettext, language, zone))}</p>',
    ]
    if report.version == PUBLIC:
        out.append(f'<p class="note">{esc(_suppression_note(report, gettext))}</p>')
    for table in [report.headline, *report.tables]:
        out.append(f"<h2>{esc(_(table.title))}</h2>")
        if not table.rows:
            out.append(f"<p>{esc(_('No cases in this period.'))}</p>")
            continue
        out.append("<table><thead><tr>")
        out.extend(f"<th>{esc(_(c.label))}</th>" for c in table.columns)
        out.append("</tr></thead><tbody>")
        for values in _rows(report, table, **kw):
            out.append("<tr>")
            for column, value in zip(table.columns, values, strict=True):
                numeric = ' class="n"' if column.kind != "label" else ""
                out.append(f"<td{numeric}>{esc(value)}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
    lines = checkpoint_lines(report, gettext, language, zone)
    if lines:
        out.append(f"<h2>{esc(_('Audit chain checkpoint'))}</h2>")
        out.extend(f'<p class="note" style="word-break:break-all">{esc(x)}</p>' for x in lines)
    out.append("</body></html>")
    return "\n".join(out).encode("utf-8")


def report_csv_zip(report: Report, *, gettext, language: str, labels: Labels) -> bytes:
    """Each table as a CSV file (labels translated, numbers as numbers) in one ZIP."""
    _ = gettext
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in [report.headline, *report.tables]:
            rows: list[list] = [[_(c.label) for c in table.columns]]
            for row in table.rows:
                rows.append(
                    [_csv_value(report, table, row, c, gettext, labels) for c in table.columns]
                )
            archive.writestr(f"{table.key}.csv", csv_bytes(rows))
        checkpoint = report.checkpoint
        if checkpoint is not None:
            fields = checkpoint.as_dict()
            archive.writestr(
                "audit_checkpoint.csv",
                csv_bytes(
                    [
                        [_("Field"), _("Value")],
                        *[
                            [key, fields[key]]
                            for key in ("checkpoint", "at", "event_count", "last_id", "last_hash")
                        ],
                        ["signed_statement", checkpoint.statement],
                        ["key_id", checkpoint.key_id],
                        ["signature", checkpoint.signature],
                        ["public_keys", keys_url()],
                    ]
                ),
            )
    return buffer.getvalue()


def _csv_value(report, table, row, column, gettext, labels):
    value = row.get(column.key)
    if value == SUPPRESSED:
        return gettext("fewer than {count}").format(count=report.threshold)
    if column.kind == "label" or value is None:
        return cell(
            report,
            table,
            row,
            column.key,
            column.kind,
            gettext=gettext,
            language="en",
            labels=labels,
        )
    if isinstance(value, float):
        return round(value, 4)
    return value


# --- PDF -------------------------------------------------------------------------------

_FONTS_READY = False


def _fonts() -> tuple[str, str]:
    """Bitstream Vera, shipped inside reportlab: embedded, so the PDF needs no system
    font and shows Indonesian punctuation (— “ ”) right."""
    global _FONTS_READY
    if not _FONTS_READY:
        import reportlab
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        folder = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("Vera", str(folder / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", str(folder / "VeraBd.ttf")))
        _FONTS_READY = True
    return "Vera", "VeraBd"


def report_pdf(report: Report, *, gettext, language: str, labels: Labels, zone: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    _ = gettext
    regular, bold = _fonts()
    kw = {"gettext": gettext, "language": language, "labels": labels}
    title, period = report_title(report, gettext=gettext, language=language, labels=labels)
    styles = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=12, leading=16, spaceBefore=10),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=9),
        "head": ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9),
    }

    def para(text: str, style: str):
        return Paragraph(html.escape(text), styles[style])

    story = [para(title, "title"), para(period, "body")]
    story.append(para(_generated(report, gettext, language, zone), "body"))
    if report.version == PUBLIC:
        story.append(para(_suppression_note(report, gettext), "body"))
    for table in [report.headline, *report.tables]:
        story.append(para(_(table.title), "h2"))
        if not table.rows:
            story.append(para(_("No cases in this period."), "body"))
            continue
        data = [[para(_(c.label), "head") for c in table.columns]]
        data += [[para(v, "cell") for v in values] for values in _rows(report, table, **kw)]
        grid = PdfTable(data, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [grid, Spacer(1, 0.3 * cm)]
    lines = checkpoint_lines(report, gettext, language, zone)
    if lines:
        story.append(para(_("Audit chain checkpoint"), "h2"))
        story.extend(para(line, "body") for line in lines)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=title,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
    )
    document.build(story)
    return buffer.getvalue()
