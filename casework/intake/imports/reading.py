"""Reading an upload into raw rows: CSV (its encoding and separator guessed) or XLSX,
told apart by content, never by name. A workbook passes the one archive guard
(`casework/intake/archives.py`) and the caps on its parts before openpyxl opens it.
Nothing is checked against the database here: a `ParsedSheet` holds each row's cells in
the columns' order, and the problems of the file as a whole."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from casework.i18n import N_
from casework.intake.archives import ArchiveLimits, NotAnArchive, entries_of, unpacks_too_much
from casework.intake.imports.columns import (
    COLUMNS,
    FIELDS,
    HEADER_FIELDS,
    REQUIRED_FIELDS,
    header,
    normalise_header,
)

# --- problems of the file ----------------------------------------------------------------

FILE_EMPTY = N_("The file is empty.")
FILE_TOO_LARGE = N_("The file is larger than {megabytes} MB.")
NOT_A_SPREADSHEET = N_("This is not a CSV or Excel (.xlsx) file.")
OLD_EXCEL = N_("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV.")
NOT_A_WORKBOOK = N_("This ZIP file is not an Excel workbook (.xlsx).")
ZIP_BOMB = N_(
    "The workbook unpacks to far more than its size (over {megabytes} MB, or more than "
    "{ratio} times larger): it was not opened."
)
UNREADABLE_WORKBOOK = N_("The workbook could not be read. Save it again as .xlsx or CSV.")
TOO_MANY_TEXTS = N_(
    "The workbook holds more than {count} different texts: split it into smaller files."
)
UNREADABLE_CSV = N_("The CSV file could not be read near line {line}.")
MISSING_COLUMNS = N_("Missing columns: {columns}.")
DUPLICATE_COLUMN = N_("The column {column} appears more than once.")
TOO_MANY_ROWS = N_("The file has more than {limit} rows. Split it into smaller files.")
NO_ROWS = N_("The file has a header row but no rows to import.")
NOT_UTF8 = N_(
    "The file is not UTF-8; it was read as Windows-1252. Check that accented letters are right."
)
UNKNOWN_COLUMN = N_("The column {column} is not recognised and was ignored.")
EXTRA_CELLS = N_(
    "This row has more cells than the header row. Is there a separator inside an unquoted cell?"
)


@dataclass(frozen=True)
class Problem:
    """One thing to tell the user: the row as the spreadsheet numbers it (the header is
    row 1; None for the whole file), the column as headed in the file, a message id with
    its parameters, and whether it keeps the row (or the file) from being imported."""

    row: int | None
    column: str | None
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    blocking: bool = True

    def text(self, gettext) -> str:
        """The message in the language of `gettext`."""
        message = gettext(self.message)
        return message.format(**self.params) if self.params else message


@dataclass
class ParsedSheet:
    """An upload read into rows. `rows` holds (row number, cells in FIELDS order, "" for
    a column the file lacks); nothing is checked against the database yet."""

    file_name: str
    sha256: str
    kind: str | None = None  # csv | xlsx
    language: str = "id"  # the language most headers are in
    headers: dict[str, str] = field(default_factory=dict)  # field → header as in the file
    rows: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # the file cannot be imported
    warnings: list[Problem] = field(default_factory=list)
    row_problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def column(self, field_name: str) -> str:
        return self.headers.get(field_name) or header(field_name, self.language)


# --- reading an upload -------------------------------------------------------------------

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_UNPACK_RATIO = 100
MAX_ZIP_MEMBERS = 1000
# A workbook's ratio is judged as a whole: its sheets are XML that compresses well.
WORKBOOK_LIMITS = ArchiveLimits(
    max_entries=MAX_ZIP_MEMBERS,
    max_unpacked=MAX_UNPACKED_BYTES,
    max_ratio=MAX_UNPACK_RATIO,
    ratio_per_entry=False,
)
# Per part (issue 15): openpyxl reads the whole shared-strings table into memory before
# any row limit applies, one Python object per entry, so that part is capped in bytes
# and in entries, counted by streaming it before openpyxl sees the file.
MAX_PART_BYTES = 128 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 48 * 1024 * 1024
MAX_SHARED_STRINGS = 500_000
SHARED_STRINGS = "xl/sharedStrings.xml"
_ENTRY_OPENINGS = (b"<si>", b"<si ", b":si>", b":si ")
MAX_COLUMNS = 100
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"RIFF", b"\x1f\x8b", b"7z\xbc")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def parse_upload(
    file_name: str, data: bytes, *, max_rows: int = 100_000, max_bytes: int = MAX_UPLOAD_BYTES
) -> ParsedSheet:
    """Read an uploaded CSV or XLSX file, recognised by its content, never its name."""
    sheet = ParsedSheet(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    if not data.strip():
        sheet.errors.append(Problem(None, None, FILE_EMPTY))
        return sheet
    if len(data) > max_bytes:
        sheet.errors.append(Problem(None, None, FILE_TOO_LARGE, {"megabytes": max_bytes >> 20}))
        return sheet
    if data.startswith(b"PK\x03\x04"):
        sheet.kind = "xlsx"
        problem = _check_workbook_zip(data)
        if problem is not None:
            sheet.errors.append(problem)
            return sheet
        records = _xlsx_records(data)
    elif data.startswith(_OLE_MAGIC):
        sheet.errors.append(Problem(None, None, OLD_EXCEL))
        return sheet
    else:
        text = _decode(data, sheet)
        if text is None:
            sheet.errors.append(Problem(None, None, NOT_A_SPREADSHEET))
            return sheet
        sheet.kind = "csv"
        records = _csv_records(text, sheet)
    try:
        _read_records(sheet, records, max_rows)
    except _Unreadable as error:
        sheet.errors.append(error.problem)
        sheet.rows.clear()
    return sheet


class _Unreadable(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _check_workbook_zip(data: bytes) -> Problem | None:
    # Refuse before openpyxl unpacks anything. Python's zip reader stops each member at
    # its declared size, so checking the declared sizes bounds what can be unpacked.
    try:
        members = entries_of(data)
    except NotAnArchive:
        return Problem(None, None, NOT_A_WORKBOOK)
    if not any(member.filename == "xl/workbook.xml" for member in members):
        return Problem(None, None, NOT_A_WORKBOOK)
    if unpacks_too_much(data, WORKBOOK_LIMITS, members):
        return Problem(
            None,
            None,
            ZIP_BOMB,
            {"megabytes": MAX_UNPACKED_BYTES >> 20, "ratio": MAX_UNPACK_RATIO},
        )
    for member in members:
        cap = MAX_SHARED_STRINGS_BYTES if member.filename == SHARED_STRINGS else MAX_PART_BYTES
        if member.file_size > cap:
            return Problem(
                None, None, ZIP_BOMB, {"megabytes": cap >> 20, "ratio": MAX_UNPACK_RATIO}
            )
    if any(member.filename == SHARED_STRINGS for member in members):
        return _check_shared_strings(data)
    return None


def _check_shared_strings(data: bytes) -> Problem | None:
    """Count the shared-strings table's entries as it streams (its `uniqueCount`
    header may lie), stopping at the cap: a few milliseconds where openpyxl would build
    every entry first."""
    entries, tail = 0, b""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            with archive.open(SHARED_STRINGS) as part:
                read = 0
                while chunk := part.read(1 << 20):
                    read += len(chunk)
                    if read > MAX_SHARED_STRINGS_BYTES:
                        return Problem(
                            None,
                            None,
                            ZIP_BOMB,
                            {
                                "megabytes": MAX_SHARED_STRINGS_BYTES >> 20,
                                "ratio": MAX_UNPACK_RATIO,
                            },
                        )
                    # An entry opens with `<si>` or `<si …>`, or with a namespace prefix
                    # (`<x:si>`). The last 3 bytes carry over so that a tag split by a
                    # chunk boundary counts once (a 4-byte pattern never fits in them).
                    window = tail + chunk
                    entries += sum(window.count(p) for p in _ENTRY_OPENINGS)
                    tail = window[-3:]
                    if entries > MAX_SHARED_STRINGS:
                        return Problem(None, None, TOO_MANY_TEXTS, {"count": MAX_SHARED_STRINGS})
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        return Problem(None, None, UNREADABLE_WORKBOOK)
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise _Unreadable(Problem(None, None, UNREADABLE_WORKBOOK)) from error
    try:
        sheet = workbook.worksheets[0]
        # The recorded dimensions may be wrong (some writers leave A1:A1): read it all.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        for number, values in enumerate(rows, start=1):
            yield number, [_cell_text(value) for value in values]
    except _Unreadable:
        raise
    except Exception as error:
        raise _Unreadable(Problem(None, None, UNREADABLE_WORKBOOK)) from error
    finally:
        workbook.close()


def _decode(data: bytes, sheet: ParsedSheet) -> str | None:
    """The text of a CSV file, or None when the bytes are not text at all."""
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC):
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        sheet.warnings.append(Problem(None, None, NOT_UTF8, blocking=False))
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in sample or controls > len(sample) // 100:
        return None
    return text


def _delimiter(text: str) -> str:
    """`,`, `;` or tab: the sniffer's guess, unless another separator makes more of the
    first line into known headers."""
    sample = text[:65536]
    if "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    first_line = next((line for line in sample.splitlines() if line.strip()), "")
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = None

    def recognised(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(1 for cell in cells if normalise_header(cell) in HEADER_FIELDS)

    candidates = ([sniffed] if sniffed else []) + [",", ";", "\t"]
    best = max(candidates, key=recognised)  # the first of equals: the sniffer's guess
    if recognised(best) == 0:
        best = sniffed or max((",", ";", "\t"), key=first_line.count)
    return best


def _csv_records(text: str, sheet: ParsedSheet) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise _Unreadable(Problem(None, None, UNREADABLE_CSV, {"line": reader.line_num})) from error


def _read_records(sheet: ParsedSheet, records: Iterable[tuple[int, list[str]]], max_rows: int):
    records = iter(records)
    for _number, cells in records:
        if any(cell.strip() for cell in cells):
            break
    else:
        sheet.errors.append(Problem(None, None, FILE_EMPTY))
        return
    positions: dict[str, int] = {}
    votes = Counter()
    for index, cell in enumerate(cells):
        name = cell.strip().lstrip("\ufeff").strip()
        if not name:
            continue
        field_name = HEADER_FIELDS.get(normalise_header(name))
        if field_name is None:
            sheet.warnings.append(Problem(None, name, UNKNOWN_COLUMN, {"column": name}, False))
        elif field_name in positions:
            sheet.errors.append(Problem(None, name, DUPLICATE_COLUMN, {"column": name}))
        else:
            positions[field_name] = index
            sheet.headers[field_name] = name
            spelling = normalise_header(name)
            id_header, en_header = (normalise_header(h) for h in COLUMNS[field_name][:2])
            if id_header != en_header:
                votes["id"] += spelling == id_header
                votes["en"] += spelling == en_header
    sheet.language = "en" if votes["en"] > votes["id"] else "id"
    missing = [header(f, sheet.language) for f in REQUIRED_FIELDS if f not in positions]
    if missing:
        sheet.errors.append(Problem(None, None, MISSING_COLUMNS, {"columns": ", ".join(missing)}))
    if sheet.errors:
        return
    width = len(cells)
    order = [positions.get(f) for f in FIELDS]
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(sheet.rows) >= max_rows:
            sheet.errors.append(Problem(None, None, TOO_MANY_ROWS, {"limit": max_rows}))
            sheet.rows.clear()
            return
        count = len(cells)
        sheet.rows.append(
            (number, tuple(cells[i] if i is not None and i < count else "" for i in order))
        )
        if sheet.kind == "csv" and count > width and any(c.strip() for c in cells[width:]):
            sheet.row_problems.append(Problem(number, None, EXTRA_CELLS))
    if not sheet.rows:
        sheet.errors.append(Problem(None, None, NO_ROWS))
