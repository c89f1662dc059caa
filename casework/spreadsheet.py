"""CSV files that spreadsheet programs open safely and read right."""

from __future__ import annotations

import csv
import io
import numbers
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text a spreadsheet will show, never run as a formula (`=HYPERLINK(…)`)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Iterable], *, delimiter: str = ",") -> bytes:
    """Rows as CSV in UTF-8 with a byte-order mark (so Excel reads it as UTF-8), each
    text cell made safe. Numbers stay numbers. Every CSV file Pantau writes comes from
    here (a project test keeps it so)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(
            [cell if isinstance(cell, (int, float)) else safe_cell(cell) for cell in row]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value):
    """A value as csv_bytes wants it: numbers as numbers, times in ISO 8601, the rest
    as text (made safe there). Booleans are text, not 1/0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Number):
        return value.item() if hasattr(value, "item") else value  # numpy → Python
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def table_csv(table) -> bytes:
    """An Arrow table as safe CSV (the dashboard's case export): every CSV Pantau writes
    goes through `csv_bytes`, so no cell can start a formula (issue 15, finding 6)."""
    columns = table.column_names
    rows = [columns]
    for batch in table.to_batches(max_chunksize=10_000):
        values = batch.to_pydict()
        rows.extend([_cell(values[name][i]) for name in columns] for i in range(batch.num_rows))
    return csv_bytes(rows)


def frame_csv(frame) -> bytes:
    """A pandas frame (a chart's data) as safe CSV, through `csv_bytes`."""
    rows = [[str(name) for name in frame.columns]]
    rows.extend([_cell(v) for v in record] for record in frame.itertuples(index=False))
    return csv_bytes(rows)
