"""CSV files that spreadsheet programs open safely and read right."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text a spreadsheet will show, never run as a formula (`=HYPERLINK(…)`)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows as CSV in UTF-8 with a byte-order mark (so Excel reads it as UTF-8), each
    text cell made safe. Numbers stay numbers."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(
            [cell if isinstance(cell, (int, float)) else safe_cell(cell) for cell in row]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
