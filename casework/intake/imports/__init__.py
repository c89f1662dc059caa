"""Bulk import of reports from patrol spreadsheets (CSV or XLSX).

Three steps, so that nothing is written before the user has seen what will happen:
`parse_upload` reads a file safely into rows, `validate_rows` checks every row and
decides what each would become (a new case, another report of a case, or nothing
because it is already in Pantau), and `commit_import` writes the valid rows in one
transaction. Re-importing a file adds nothing: a row that the same office already
reported for the same content and the same reporter is recognised.

One module on purpose: the column table, the reader and the writer change together
whenever a column is added."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, select

from casework.capture.schedule import capture_allowed, capture_job_row
from casework.desk.access import log_denied
from casework.desk.filing import Calendar, reference_year, report_row
from casework.desk.references import reserve_references
from casework.desk.schemas import ReportIn
from casework.desk.search import reindex
from casework.desk.sla import PRIORITY_LABELS, Priority
from casework.desk.validation import clean_report
from casework.desk.workflow import Status
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import N_, translator
from casework.intake.archives import ArchiveLimits, NotAnArchive, entries_of, unpacks_too_much
from casework.intake.urls import analyse_url, link_key
from casework.people.actors import Actor
from casework.people.permissions import require, works_cases
from casework.records.audit import record_events
from casework.reference.places import alias_index
from casework.reference.seed_taxonomy import PLATFORMS, TAXONOMY
from casework.settings import get_settings
from casework.spreadsheet import csv_bytes
from casework.uow import service
from db.engine import begin_write
from db.models import (
    CaptureJob,
    Case,
    CaseReport,
    CaseUrl,
    ImportBatch,
    Organisation,
    Platform,
    Region,
    TaxonomyTerm,
)
from db.types import utcnow

# --- the columns -------------------------------------------------------------------------

# field: (Indonesian header, English header, other spellings people use)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "title": ("Judul", "Title", ("judul laporan", "subject")),
    "description": ("Deskripsi", "Description", ("uraian", "keterangan", "isi konten")),
    "platform": ("Platform", "Platform", ("media sosial", "medsos", "social media")),
    "urls": ("Tautan", "URLs", ("url", "link", "links", "tautan konten", "link konten")),
    "account_handle": ("Akun", "Account handle", ("nama akun", "username", "handle")),
    "account_class": ("Jenis akun", "Account class", ("kelas akun", "account type")),
    "content_type": ("Jenis konten", "Content type", ("tipe konten",)),
    "posted_at": (
        "Waktu unggah",
        "Posted at",
        ("tanggal unggah", "diunggah pada", "waktu posting", "posted", "posted on"),
    ),
    "reach": ("Jangkauan", "Reach", ("tayangan", "jumlah tayangan", "views")),
    "category": ("Kategori", "Category", ("jenis pelanggaran", "violation")),
    "legal_ground": ("Dasar hukum", "Legal ground", ("pasal", "legal basis")),
    "source": ("Sumber", "Source", ("sumber laporan", "asal laporan")),
    "reporter_name": ("Nama pelapor", "Reporter name", ("pelapor", "reporter")),
    "reporter_contact": ("Kontak pelapor", "Reporter contact", ("kontak", "contact")),
    "province": ("Provinsi", "Province", ("kode provinsi", "province code")),
    "regency": (
        "Kabupaten/kota",
        "Regency/city",
        ("kabupaten", "kota", "kab/kota", "regency", "city", "kode kabupaten/kota"),
    ),
    "priority": ("Prioritas", "Priority", ()),
    # The statutory intake (issue 17)
    "intake_type": ("Jenis penerimaan", "Intake type", ("temuan/laporan", "jenis")),
    "known_since": ("Diketahui sejak", "Known since", ("tanggal diketahui",)),
    "terlapor_name": ("Terlapor", "Reported party", ("nama terlapor",)),
    "terlapor_status": ("Status terlapor", "Reported party's status", ()),
    "incident_at": ("Waktu kejadian", "Time of the incident", ("waktu peristiwa",)),
    "incident_place": ("Tempat kejadian", "Place of the incident", ("tempat peristiwa",)),
    "oversight_source": ("Sumber temuan", "Oversight source", ("hasil pengawasan",)),
}
FIELDS = tuple(COLUMNS)
REQUIRED_FIELDS = ("title", "platform", "urls", "category")
MULTILINE_FIELDS = frozenset({"description", "urls"})
# Longest cell accepted per field (clean_report checks title and description itself;
# the others it would cut short without a word).
MAX_LENGTHS = {
    "account_handle": 200,
    "legal_ground": 300,
    "reporter_name": 200,
    "reporter_contact": 200,
    "terlapor_name": 200,
    "incident_place": 300,
    "oversight_source": 500,
}
MAX_CELL = 20_000

HINTS = {
    "title": N_("Required. A short description of the content (at most 300 characters)."),
    "description": N_("What the content says or shows, and why it breaks the rules."),
    "platform": N_("The platform's name, e.g. TikTok. May stay empty when the link shows it."),
    "urls": N_(
        "Required. One or more links to the content, separated by spaces, line breaks "
        "or semicolons (;)."
    ),
    "account_handle": N_("The account that posted it, e.g. @name. Taken from the link if empty."),
    "account_class": N_("Optional. A name or code from the list of account classes."),
    "content_type": N_("Optional. A name or code from the list of content types."),
    "posted_at": N_(
        "When the content was posted, in the local time of the row's province (WIB, WITA "
        "or WIT): 31/01/2024 14:30 or 2024-01-31 14:30."
    ),
    "reach": N_("Optional. Views or followers when you captured it, a whole number."),
    "category": N_("Required. A name or code from the list of categories."),
    "legal_ground": N_("Optional, e.g. UU 7/2017 Pasal 280 ayat (1) huruf d."),
    "source": N_("A name or code from the list of sources. Own patrol if empty."),
    "reporter_name": N_("Internal: never shown to platforms."),
    "reporter_contact": N_("Internal: never shown to platforms."),
    "province": N_("A name or Kemendagri code, e.g. Jawa Barat or 32. Your office's if empty."),
    "regency": N_("A regency or city of that province, by name or code, e.g. 32.01."),
    "priority": N_("Urgent or normal. From the election calendar if empty."),
    "intake_type": N_("Temuan or laporan. From the source if empty (own patrol: temuan)."),
    "known_since": N_("The date the finding or the report became known: 31/01/2024."),
    "terlapor_name": N_("A laporan: the reported party's name."),
    "terlapor_status": N_(
        "A laporan: peserta, tim_kampanye, asn, kepala_desa, penyelenggara or other."
    ),
    "incident_at": N_("A laporan: when it happened, local time: 31/01/2024 14:30."),
    "incident_place": N_("A laporan: where it happened."),
    "oversight_source": N_("A temuan: the oversight or patrol it came from."),
}


def normalise_header(text: str) -> str:
    """Case, accents, spaces and punctuation do not matter: `Kabupaten / Kota` = `kabupatenkota`."""
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKD", text).casefold())


HEADER_FIELDS: dict[str, str] = {}
for _field, (_id, _en, _others) in COLUMNS.items():
    for _spelling in (_field, _id, _en, *_others):
        HEADER_FIELDS.setdefault(normalise_header(_spelling), _field)


def header(field_name: str, language: str) -> str:
    """The template's header of a field in `language`."""
    id_header, en_header, _ = COLUMNS[field_name]
    return en_header if language == "en" else id_header


# --- problems ----------------------------------------------------------------------------

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
HIDDEN_REMOVED = N_("Invisible control characters or right-to-left marks were removed.")
TOO_LONG = N_("This is too long.")
NO_LINK = N_("Give at least one link to the content.")
BAD_TIME = N_("Enter the time as 31/01/2024 14:30 or 2024-01-31 14:30.")
BAD_NUMBER = N_("Enter a whole number.")
UNKNOWN_PLATFORM = N_("Unknown platform: {value}")
UNKNOWN_VALUE = N_("Not a value from the list: {value}")
UNKNOWN_PROVINCE = N_("Unknown province: {value}")
UNKNOWN_REGENCY = N_("Not a regency or city of this province: {value}")
AMBIGUOUS_REGENCY = N_("Both a regency and a city have this name; write Kabupaten or Kota.")
UNKNOWN_PRIORITY = N_("Write urgent or normal: {value}")
OUTSIDE_REGION = N_("Choose a region inside your office's area.")
SAME_ROW = N_("Same content and reporter as row {row}: imported once.")
FILE_REFUSED = N_("This file cannot be imported.")
ROWS_INVALID = N_(
    "Rows with problems: {count}. Correct them, or choose to import only the valid rows."
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


# --- templates ---------------------------------------------------------------------------

EXAMPLE_POSTED_AT = datetime(2024, 1, 10, 9, 30)


def _seed_label(kind: str, code: str, language: str) -> str:
    row = next(row for row in TAXONOMY[kind] if row[0] == code)
    return row[2] if language == "en" else row[1]


def _example_row(language: str) -> dict[str, Any]:
    _ = translator(language)
    return {
        "title": "Video hoaks surat suara tercoblos di Bogor",
        "description": "Klaim palsu bahwa surat suara sudah tercoblos sebelum hari pemungutan.",
        "platform": "TikTok",
        "urls": "https://www.tiktok.com/@akun.contoh/video/7312345678901234567",
        "account_handle": "@akun.contoh",
        "account_class": _seed_label("account_class", "ordinary", language),
        "content_type": _seed_label("content_type", "video", language),
        "posted_at": EXAMPLE_POSTED_AT,
        "reach": 12500,
        "category": _seed_label("category", "hoax", language),
        "legal_ground": "UU 7/2017 Pasal 280 ayat (1) huruf d",
        "source": _seed_label("source", "public_complaint", language),
        "reporter_name": "Siti Rahmawati",
        "reporter_contact": "siti@example.org",
        "province": "Jawa Barat",
        "regency": "Kabupaten Bogor",
        "priority": _(PRIORITY_LABELS[Priority.NORMAL]),
        "intake_type": "laporan",
        "known_since": "09/01/2024",
        "terlapor_name": "Budi Santoso",
        "terlapor_status": "tim_kampanye",
        "incident_at": "08/01/2024 19:00",
        "incident_place": "Kabupaten Bogor",
        "oversight_source": "",
    }


EXAMPLE_LEFT_OUT = N_("This is the template's example row; it was left out.")


def is_example_row(cells: list[str]) -> bool:
    """Whether a row is the template's example (its title and link, as the template
    writes them), which an officer may leave in the file they fill in."""
    example = _example_row("id")
    title = str(cells[FIELDS.index("title")]).strip()
    urls = str(cells[FIELDS.index("urls")]).strip()
    return title == example["title"] and urls == example["urls"]


def template_csv(language: str) -> bytes:
    """A CSV template: the headers in `language` and one example row. UTF-8 with a BOM,
    so that Excel shows accented letters; Indonesian templates use `;`, the separator
    Excel expects in an Indonesian locale (where the comma is the decimal mark)."""
    example = _example_row(language)
    example["posted_at"] = EXAMPLE_POSTED_AT.strftime("%d/%m/%Y %H:%M")
    rows = [[header(f, language) for f in FIELDS], [example[f] for f in FIELDS]]
    return csv_bytes(rows, delimiter=";" if language != "en" else ",")


# Columns whose cells the XLSX template offers as a drop-down list.
CHOICE_FIELDS = (
    "platform",
    "account_class",
    "content_type",
    "category",
    "source",
    "province",
    "priority",
)
TEMPLATE_ROWS = 1000  # rows of the template sheet that carry the drop-downs


def template_choices(session: Session, language: str) -> dict[str, list[str]]:
    """The values the template's drop-downs offer, as an admin keeps them today: active
    platforms, terms (in `language`), provinces and the priorities."""
    from casework.reference.taxonomy import platforms, provinces, term_label, terms

    _ = translator(language)
    choices = {
        "platform": [p.name for p in platforms(session)],
        "province": [r.name for r in provinces(session)],
        "priority": [_(PRIORITY_LABELS[p]) for p in Priority],
    }
    for field_name in ("account_class", "content_type", "category", "source"):
        choices[field_name] = [term_label(t, language) for t in terms(session, field_name)]
    session.rollback()
    return choices


def _seed_choices(language: str) -> dict[str, list[str]]:
    _ = translator(language)
    choices = {
        kind: [row[2] if language == "en" else row[1] for row in TAXONOMY[kind]]
        for kind in ("account_class", "content_type", "category", "source")
    }
    choices["platform"] = [name for _code, name, _operator in PLATFORMS]
    choices["priority"] = [_(PRIORITY_LABELS[p]) for p in Priority]
    return choices


def _add_drop_downs(workbook, sheet, choices: dict[str, list[str]], language: str) -> None:
    """A drop-down on each choice column, its values on a hidden sheet (a list written
    inline is capped at 255 characters). A value outside the list only warns: the
    import also reads codes and the other language's labels."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    _ = translator(language)
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    for list_column, field_name in enumerate(CHOICE_FIELDS, start=1):
        values = choices.get(field_name) or []
        if not values:
            continue
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=header(field_name, language))
        for offset, value in enumerate(values, start=2):
            lists.cell(row=offset, column=list_column, value=value)
        rule = DataValidation(
            type="list",
            formula1=f"=Lists!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            error=_("Choose a value from the list."),
        )
        target = get_column_letter(FIELDS.index(field_name) + 1)
        rule.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(rule)


def template_xlsx(language: str, choices: dict[str, list[str]] | None = None) -> bytes:
    """An XLSX template: a sheet with the headers in `language` and one example row,
    drop-down lists on the columns with fixed values (`choices`, else the seeded
    values), and a second sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _ = translator(language)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Reports")[:31]
    sheet.append([header(f, language) for f in FIELDS])
    example = _example_row(language)
    sheet.append([example[f] for f in FIELDS])
    for index, field_name in enumerate(FIELDS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 40 if field_name in MULTILINE_FIELDS else 22
        if field_name == "posted_at":
            sheet.cell(row=2, column=index).number_format = "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = "A2"
    _add_drop_downs(workbook, sheet, choices or _seed_choices(language), language)
    notes = workbook.create_sheet(_("Instructions")[:31])
    notes.append([_("Column"), _("What to write")])
    for field_name in FIELDS:
        notes.append([header(field_name, language), _(HINTS[field_name])])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 100
    for cell in notes[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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


# --- lookups: codes or labels, in either language ----------------------------------------

PLATFORM_ALIASES = {"twitter": "x", "xtwitter": "x", "fb": "facebook", "ig": "instagram"}
_REGION_PREFIXES = (
    ("Kota Administrasi ", ("Kota ", "")),
    ("Kabupaten Administrasi ", ("Kabupaten ", "Kab. ", "")),
    ("Daerah Khusus Ibukota ", ("DKI ", "")),
    ("Daerah Istimewa ", ("DI ", "")),
    ("Kepulauan ", ("Kep. ",)),
    ("Kabupaten ", ("Kab. ", "")),
    ("Kota ", ("",)),
)
AMBIGUOUS = ""


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    # Cached: a sheet repeats the same few platforms, categories and provinces.
    return normalise_header(text)


def _spellings(name: str) -> list[str]:
    spellings = [name]
    for prefix, replacements in _REGION_PREFIXES:
        if name.startswith(prefix):
            spellings += [short + name[len(prefix) :] for short in replacements]
    return spellings


@dataclass
class _Lookups:
    """Every list a row is checked against, read once per validation."""

    platforms: dict[str, str]
    terms: dict[str, dict[str, str]]
    provinces: dict[str, str]
    regencies: dict[str, dict[str, str]]  # province → spelling → code ("" if ambiguous)
    regency_province: dict[str, str]
    priorities: dict[str, str]
    zones: dict[str, str]  # province → its time zone
    regency_aliases: dict[str, str]  # alias key → regency code (region_alias)
    # The rows themselves, held so that clean_report's session.get() finds each of them
    # in the identity map instead of asking the database again for every row.
    held: list[Any]

    @classmethod
    def load(cls, session: Session) -> _Lookups:
        platforms = list(session.exec(select(Platform)))
        terms = list(session.exec(select(TaxonomyTerm)))
        regions = list(session.exec(select(Region)))
        platform_index: dict[str, str] = {}
        for platform in (p for p in platforms if p.active):
            platform_index[_key(platform.code)] = platform_index[_key(platform.name)] = (
                platform.code
            )
        for alias, code in PLATFORM_ALIASES.items():
            if code in platform_index.values():
                platform_index.setdefault(alias, code)
        term_index: dict[str, dict[str, str]] = {}
        for term in (t for t in terms if t.active):
            index = term_index.setdefault(term.kind, {})
            for spelling in (term.code, term.label_id, term.label_en):
                index.setdefault(_key(spelling), term.code)
        # The template's example uses the default labels: accept them even where an
        # admin has since renamed a term.
        for kind, rows in TAXONOMY.items():
            index = term_index.get(kind, {})
            for code, label_id, label_en, *_ in rows:
                if code in index.values():
                    index.setdefault(_key(label_id), code)
                    index.setdefault(_key(label_en), code)
        provinces: dict[str, str] = {}
        regencies: dict[str, dict[str, str]] = {}
        for region in regions:
            if region.level == "province":
                for spelling in (region.code, *_spellings(region.name)):
                    provinces.setdefault(_key(spelling), region.code)
                continue
            index = regencies.setdefault(region.province_code, {})
            index[_key(region.code)] = region.code
            for spelling in _spellings(region.name):
                known = index.get(_key(spelling))
                index[_key(spelling)] = region.code if known in (None, region.code) else AMBIGUOUS
        # Other names as data (region_alias): Jabar, DIY, ID-JB, Toba Samosir, Jaksel…
        regency_aliases: dict[str, str] = {}
        for key, code in alias_index(session).items():
            if "." in code:
                regency_aliases[_key(key)] = code
                province_index = regencies.setdefault(code.split(".")[0], {})
                province_index.setdefault(_key(key), code)
            else:
                provinces.setdefault(_key(key), code)
        _ = translator("id")
        priorities = {}
        for priority in Priority:
            for spelling in (
                priority.value,
                PRIORITY_LABELS[priority],
                _(PRIORITY_LABELS[priority]),
            ):
                priorities[_key(spelling)] = priority.value
        return cls(
            platforms=platform_index,
            terms=term_index,
            provinces=provinces,
            regencies=regencies,
            regency_province={r.code: r.province_code for r in regions if r.level == "regency"},
            priorities=priorities,
            zones={r.code: r.time_zone for r in regions if r.level == "province"},
            regency_aliases=regency_aliases,
            held=[*platforms, *terms, *regions],
        )

    def regency(self, province: str | None, value: str) -> str | None:
        code = _region_code(value)
        if province is None and code in self.regency_province:
            return code
        if province is None:
            return self.regency_aliases.get(_key(value))
        return self.regencies.get(province or "", {}).get(_key(code or value))


def _region_code(value: str) -> str | None:
    """`32.01`, `3201`, or `32.1` (Excel drops the trailing zero of a number) → `32.01`."""
    value = value.strip()
    if re.fullmatch(r"\d{2}\.\d{2}", value):
        return value
    if re.fullmatch(r"\d{4}", value):
        return f"{value[:2]}.{value[2:]}"
    if re.fullmatch(r"\d{2}\.\d", value):
        return f"{value}0"
    return None


# --- one row ------------------------------------------------------------------------------

# Invisible characters that can hide or reorder text: C0/C1 controls (tabs and line
# breaks aside), bidirectional overrides, embeddings and isolates, directional marks,
# zero-width spaces and stray byte-order marks.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_URL_SEPARATORS = re.compile(r"[\s;]+")
_DMY = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*")
# clean_report's field names → the import's columns.
_CLEAN_FIELDS = {
    "platform_code": "platform",
    "category_code": "category",
    "province_code": "province",
    "regency_code": "regency",
    "first_seen_at": "posted_at",
}


def _clean_text(raw: str, *, multiline: bool) -> tuple[str, bool]:
    if not raw:
        return "", False
    text, removed = _HIDDEN.subn("", raw)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    else:
        text = " ".join(text.split())
    return text.strip(), removed > 0


def _parse_time(text: str, zone: str) -> datetime | None:
    match = _DMY.fullmatch(text)
    try:
        if match:
            day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
            moment = datetime(year, month, day, hour, minute, second)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def _parse_reach(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if _THOUSANDS.fullmatch(text):  # 12.500 or 12,500 or 12 500
        return int(re.sub(r"\D", "", text))
    return None


def _person(name: str | None, contact: str | None) -> tuple[str, str]:
    """Who reported, as compared between rows and with earlier reports."""
    return (" ".join((name or "").casefold().split()), " ".join((contact or "").casefold().split()))


def _fallback_key(url: str) -> str:
    # A link whose content id cannot be read offline (a short link, another site) is
    # recognised on re-import by the link itself, as the form recognises it.
    return link_key(url)


@dataclass(slots=True)
class _Prepared:
    """A valid row, ready to be written: the cleaned case fields, its links
    (url, canonical key, platform, needs review), the content key and the reporter."""

    row: int
    values: dict[str, Any]
    urls: list[tuple[str, str | None, str | None, bool]]
    key: str
    reporter: tuple[str, str]


class _RowChecker:
    """Turns the cells of one row into a report, collecting every problem of the row."""

    def __init__(self, session: Session, actor: Actor, sheet: ParsedSheet, now: datetime):
        self.session, self.actor, self.sheet, self.now = session, actor, sheet, now
        self.lookups = _Lookups.load(session)

    def check(self, number: int, cells: tuple[str, ...]) -> tuple[_Prepared | None, list[Problem]]:
        notes: list[Problem] = []
        errors: dict[str, tuple[str, dict[str, Any]]] = {}
        text: dict[str, str] = {}
        for field_name, raw in zip(FIELDS, cells, strict=True):
            value, removed = _clean_text(raw, multiline=field_name in MULTILINE_FIELDS)
            if removed and field_name != "urls":
                notes.append(
                    Problem(number, self.sheet.column(field_name), HIDDEN_REMOVED, {}, False)
                )
            if len(value) > MAX_LENGTHS.get(field_name, MAX_CELL):
                errors[field_name] = (TOO_LONG, {})
            text[field_name] = value if field_name != "urls" else raw
        report = self._report(text, errors)
        try:
            cleaned, url_rows = clean_report(self.session, report, now=self.now)
        except ValidationError as error:
            for name, message in error.field_errors.items():
                errors.setdefault(_CLEAN_FIELDS.get(name, name), (message, {}))
            cleaned, url_rows = None, []
        if cleaned is not None and not errors:
            self._check_region(cleaned, errors)
        problems = notes + [
            Problem(number, self.sheet.column(f) if f in COLUMNS else None, message, params)
            for f, (message, params) in errors.items()
        ]
        if errors:
            return None, problems
        urls = [(r.url, r.canonical_key, r.platform_code, bool(r.needs_review)) for r in url_rows]
        key = next((u[1] for u in urls if u[1]), None) or _fallback_key(urls[0][0])
        prepared = _Prepared(
            number,
            cleaned,
            urls,
            key,
            _person(cleaned["reporter_name"], cleaned["reporter_contact"]),
        )
        return prepared, problems

    def _report(self, text: dict[str, str], errors: dict) -> ReportIn:
        lookups = self.lookups
        # clean_report reads and refuses the links; here they are only split, and the
        # first one names the platform when the cell is empty.
        links = [u for u in _URL_SEPARATORS.split(text["urls"]) if u]
        if not links:
            errors.setdefault("urls", (NO_LINK, {}))
        values: dict[str, Any] = {"title": text["title"], "description": text["description"]}
        values["urls"] = links
        values["account_handle"] = text["account_handle"] or None
        platform = text["platform"]
        if platform:
            values["platform_code"] = lookups.platforms.get(_key(platform), "")
            if not values["platform_code"]:
                errors.setdefault("platform", (UNKNOWN_PLATFORM, {"value": platform[:80]}))
        else:
            shown = analyse_url(links[0]).platform if links else None
            values["platform_code"] = shown if shown in lookups.platforms.values() else ""
        # (column, list, ReportIn field, value when the cell is empty or unknown)
        for field_name, kind, target, empty in (
            ("category", "category", "category_code", ""),
            ("source", "source", "source", "own_patrol"),
            ("account_class", "account_class", "account_class", None),
            ("content_type", "content_type", "content_type", None),
        ):
            given = text[field_name]
            code = lookups.terms.get(kind, {}).get(_key(given)) if given else None
            if given and code is None:
                errors.setdefault(field_name, (UNKNOWN_VALUE, {"value": given[:80]}))
            values[target] = code or empty

        self._region(text, values, errors)
        if text["posted_at"]:
            # A time without a zone is local time in the row's province (WIB, WITA, WIT).
            zone = lookups.zones.get(values.get("province_code") or "", self.actor.time_zone)
            values["posted_at"] = _parse_time(text["posted_at"], zone)
            if values["posted_at"] is None:
                errors.setdefault("posted_at", (BAD_TIME, {}))
        if text["reach"]:
            values["reach"] = _parse_reach(text["reach"])
            if values["reach"] is None:
                errors.setdefault("reach", (BAD_NUMBER, {}))
        if text["priority"]:
            values["priority"] = lookups.priorities.get(_key(text["priority"]))
            if values["priority"] is None:
                errors.setdefault("priority", (UNKNOWN_PRIORITY, {"value": text["priority"][:40]}))
        for name in ("legal_ground", "reporter_name", "reporter_contact"):
            values[name] = text[name] or None
        self._intake(text, values, errors)
        return ReportIn(**values)

    def _intake(self, text: dict[str, str], values: dict[str, Any], errors: dict) -> None:
        """The statutory intake columns (issue 17); clean_report holds them to the law."""
        kind = text["intake_type"].strip().casefold()
        if kind and kind not in ("temuan", "laporan"):
            errors.setdefault("intake_type", (UNKNOWN_VALUE, {"value": kind[:40]}))
        values["intake_type"] = kind if kind in ("temuan", "laporan") else None
        for name in ("terlapor_name", "terlapor_status", "incident_place", "oversight_source"):
            values[name] = text[name] or None
        zone = self.lookups.zones.get(values.get("province_code") or "", self.actor.time_zone)
        if text["incident_at"]:
            values["incident_at"] = _parse_time(text["incident_at"], zone)
            if values["incident_at"] is None:
                errors.setdefault("incident_at", (BAD_TIME, {}))
        if text["known_since"]:
            moment = _parse_time(text["known_since"], zone)
            if moment is None:
                errors.setdefault("known_since", (BAD_TIME, {}))
            else:
                values["known_since"] = moment.date()

    def _region(self, text: dict[str, str], values: dict[str, Any], errors: dict) -> None:
        lookups, office = self.lookups, self.actor.region_code
        province_text, regency_text = text["province"], text["regency"]
        province = None
        if province_text:
            province = lookups.provinces.get(_key(province_text))
            if province is None:
                errors.setdefault("province", (UNKNOWN_PROVINCE, {"value": province_text[:80]}))
                return
        regency = None
        if regency_text:
            regency = lookups.regency(province, regency_text)
            if regency == AMBIGUOUS:
                errors.setdefault("regency", (AMBIGUOUS_REGENCY, {}))
                return
            if regency is None:
                errors.setdefault("regency", (UNKNOWN_REGENCY, {"value": regency_text[:80]}))
                return
            province = province or lookups.regency_province.get(regency)
        if province is None and office:
            # A regional office's rows belong to its own area unless they say otherwise.
            province = office.split(".")[0]
            if "." in office and regency is None:
                regency = office
        values["province_code"], values["regency_code"] = province, regency

    def _check_region(self, cleaned: dict[str, Any], errors: dict) -> None:
        office = self.actor.region_code
        if not office:
            return
        inside = (
            cleaned.get("regency_code") == office
            if "." in office
            else cleaned.get("province_code") == office
        )
        if not inside:
            errors["province"] = (OUTSIDE_REGION, {})


# --- what each row becomes -----------------------------------------------------------------

NEW_CASE = "new_case"
ADDED_REPORT = "added_report"
UNCHANGED = "unchanged"
OUTCOME_LABELS = {
    NEW_CASE: N_("New case"),
    ADDED_REPORT: N_("Another report of a case"),
    UNCHANGED: N_("Already in Pantau"),
}
_CHUNK = 500


@dataclass(frozen=True)
class RowPlan:
    """What one valid row becomes. `reference` names the existing case it joins or is
    already part of; `same_as_row` the earlier row of the file whose new case it joins
    (or repeats, when unchanged)."""

    row: int
    outcome: str
    reference: str | None = None
    same_as_row: int | None = None
    case_id: int | None = None  # the existing case


@dataclass
class ImportPlan:
    """Every row checked, nothing written: the problems to show, and what each valid row
    would become. Made for one actor; only they can commit it."""

    file_name: str
    actor_id: int
    organisation_id: int
    total_rows: int
    rows: list[RowPlan]
    problems: list[Problem]
    invalid_rows: list[int]
    prepared: list[_Prepared] = field(repr=False, default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def new_cases(self) -> int:
        return self.count(NEW_CASE)

    @property
    def additional_reports(self) -> int:
        return self.count(ADDED_REPORT)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def invalid(self) -> int:
        return len(self.invalid_rows)

    @property
    def to_import(self) -> int:
        """Rows that would write a report (a new case's first, or another one)."""
        return self.new_cases + self.additional_reports

    @property
    def file_errors(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None and p.blocking]


@dataclass(frozen=True)
class ImportResult:
    batch_id: int | None  # None when there was nothing to write
    cases_created: int
    reports_added: int  # reports beyond each new case's first, and on existing cases
    unchanged: int
    skipped_invalid: int
    references: list[str]  # of the new cases, in row order


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _classify(session: Session, office_id: int, prepared: list[_Prepared]) -> list[RowPlan]:
    """Decide each row's outcome against what the office already filed, and against the
    rows before it in the same file."""
    keys = list(dict.fromkeys(p.key for p in prepared))
    existing: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(keys):
        query = (
            select(Case.id, Case.content_key, Case.reference)
            .where(
                Case.content_key.in_(chunk),
                Case.reporting_organisation_id == office_id,
                Case.status != Status.MERGED,
            )
            .order_by(Case.id)  # the newest case of a key wins
        )
        for case_id, key, reference in session.execute(query):
            existing[key] = (case_id, reference)
    reported: set[tuple[int, tuple[str, str]]] = set()
    for chunk in _chunks(list({case_id for case_id, _ in existing.values()})):
        query = select(CaseReport.case_id, CaseReport.reporter_name, CaseReport.reporter_contact)
        query = query.where(
            CaseReport.case_id.in_(chunk), CaseReport.reporting_organisation_id == office_id
        )
        for case_id, name, contact in session.execute(query):
            reported.add((case_id, _person(name, contact)))

    plans: list[RowPlan] = []
    leaders: dict[str, int] = {}  # key → the row that creates its case
    reporters: dict[tuple[str, tuple[str, str]], int] = {}  # (key, reporter) → first row
    for item in prepared:
        first_row = reporters.setdefault((item.key, item.reporter), item.row)
        if item.key in existing:
            case_id, reference = existing[item.key]
            if (case_id, item.reporter) in reported or first_row != item.row:
                plans.append(RowPlan(item.row, UNCHANGED, reference, None, case_id))
            else:
                plans.append(RowPlan(item.row, ADDED_REPORT, reference, None, case_id))
        elif item.key in leaders:
            outcome = UNCHANGED if first_row != item.row else ADDED_REPORT
            plans.append(RowPlan(item.row, outcome, None, leaders[item.key]))
        else:
            leaders[item.key] = item.row
            plans.append(RowPlan(item.row, NEW_CASE))
    return plans


def _require_importer(actor: Actor, action: str) -> None:
    require(actor, works_cases, action)


def validate_rows(
    *, session: Session, actor: Actor, sheet: ParsedSheet, now: datetime | None = None
) -> ImportPlan:
    """Check every row of `sheet` and decide what each valid row would become, writing
    nothing. Officers and leads of the supervisory body only."""
    _require_importer(actor, "validate_import")
    now = now or utcnow()
    plan = ImportPlan(
        file_name=sheet.file_name,
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        total_rows=len(sheet.rows),
        rows=[],
        problems=[*sheet.errors, *sheet.warnings],
        invalid_rows=[],
    )
    if not sheet.ok:
        return plan
    checker = _RowChecker(session, actor, sheet, now)
    blocked = {p.row for p in sheet.row_problems}
    row_problems = list(sheet.row_problems)
    for number, cells in sheet.rows:
        if is_example_row(cells):
            # Left in the filled-in template: never a real report.
            row_problems.append(Problem(number, None, EXAMPLE_LEFT_OUT, {}, False))
            continue
        prepared, problems = checker.check(number, cells)
        row_problems += problems
        if prepared is None or number in blocked:
            plan.invalid_rows.append(number)
        else:
            plan.prepared.append(prepared)
    plan.rows = _classify(session, actor.organisation_id, plan.prepared)
    first_rows = {(p.key, p.reporter): p.row for p in reversed(plan.prepared)}
    for item in plan.prepared:
        first = first_rows[(item.key, item.reporter)]
        if first != item.row:
            row_problems.append(Problem(item.row, None, SAME_ROW, {"row": first}, False))
    row_problems.sort(key=lambda p: p.row or 0)
    plan.problems += row_problems
    # Nothing is written, but clean_report may have loaded rows: leave the session clean.
    session.rollback()
    return plan


# --- writing -------------------------------------------------------------------------------


@service
def commit_import(
    *,
    session: Session,
    actor: Actor,
    plan: ImportPlan,
    file_name: str,
    file_sha256: str,
    skip_invalid: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Import the plan's valid rows in one transaction: new cases, further reports of
    cases (their report count goes up), one audit event per case, and an ImportBatch.

    Refused while some rows are invalid, unless the user chose to import only the valid
    ones (`skip_invalid`). What each row becomes is decided again under the write lock,
    so rows someone imported in the meantime are not imported twice."""
    _require_importer(actor, "commit_import")
    if plan.actor_id != actor.user_id or plan.organisation_id != actor.organisation_id:
        log_denied(actor, "commit_import", plan_actor=plan.actor_id)
        raise PermissionDenied()
    if plan.file_errors:
        raise ValidationError({"file": FILE_REFUSED}, FILE_REFUSED)
    if plan.invalid_rows and not skip_invalid:
        raise ValidationError({"file": ROWS_INVALID}, ROWS_INVALID, count=len(plan.invalid_rows))
    now = now or utcnow()
    begin_write(session)
    # Two imports of one office take turns (SQLite's write lock already does this), so
    # that both cannot file the same content as a new case.
    office = select(Organisation.id).where(Organisation.id == actor.organisation_id)
    session.execute(office.with_for_update())
    rows = _classify(session, actor.organisation_id, plan.prepared)
    skipped = len(plan.invalid_rows)
    unchanged = sum(1 for row in rows if row.outcome == UNCHANGED)
    if unchanged == len(rows):
        session.rollback()
        return ImportResult(None, 0, 0, unchanged, skipped, [])

    batch = ImportBatch(
        file_name=_clean_text(file_name, multiline=False)[0][:255] or "-",
        file_sha256=file_sha256,
        organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        row_count=plan.total_rows,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    writer = _Writer(session, actor, batch.id, now)
    references = writer.write(plan.prepared, rows)
    batch.cases_created = len(references)
    batch.reports_added = sum(1 for row in rows if row.outcome == ADDED_REPORT)
    session.add(batch)
    return ImportResult(
        batch.id, len(references), batch.reports_added, unchanged, skipped, references
    )


WRITE_CHUNK = 5000


class _Writer:
    """Bulk inserts through Core, one executemany per table for every few thousand rows:
    still one transaction, but the rows to insert never all sit in memory at once."""

    def __init__(self, session: Session, actor: Actor, batch_id: int, now: datetime):
        self.session, self.actor, self.batch_id, self.now = session, actor, batch_id, now
        self.settings = get_settings()
        self.connection = session.connection()
        self.calendar = Calendar(session, provinces=True)

    def write(self, prepared: list[_Prepared], rows: list[RowPlan]) -> list[str]:
        """Write every row that is not unchanged; returns the new cases' references."""
        by_row = {item.row: item for item in prepared}
        written = [row for row in rows if row.outcome != UNCHANGED]
        # Reports per case, known before anything is written: each case's count and its
        # audit event are written once, complete.
        joined = Counter(row.same_as_row for row in written if row.same_as_row is not None)
        added = Counter(row.case_id for row in written if row.case_id is not None)
        leader_count = sum(1 for row in written if row.outcome == NEW_CASE)
        year = reference_year(self.now)
        references = reserve_references(self.session, year, leader_count)
        unused = iter(references)
        known_urls = self._existing_urls(list(added))
        case_ids: dict[int, int] = {}  # the row that files a new case → its id
        announced: set[int] = set()
        for chunk in _chunks(written, WRITE_CHUNK):
            leaders = [by_row[row.row] for row in chunk if row.outcome == NEW_CASE]
            details = self._insert_cases(leaders, [next(unused) for _ in leaders], joined)
            case_ids.update((row, case_id) for row, case_id, _ in details)
            events = [self._event(case_id, "case_filed", detail) for _, case_id, detail in details]
            url_rows, report_rows, capture_rows = [], [], []
            for row in chunk:
                item = by_row[row.row]
                case_id = row.case_id or case_ids[row.same_as_row or row.row]
                if row.outcome == NEW_CASE and capture_allowed(
                    self.settings, item.values.get("platform_code")
                ):
                    # A new case's links are captured, as when it is filed by hand.
                    capture_rows.extend(
                        capture_job_row(case_id, url, self.now) for url, *_ in item.urls
                    )
                if row.case_id is not None and case_id not in announced:
                    announced.add(case_id)  # an existing case's event: once, complete
                    detail = {"import_batch": self.batch_id, "reports": added[case_id]}
                    events.append(self._event(case_id, "reports_imported", detail))
                for url, key, platform, needs_review in item.urls:
                    if (case_id, url) not in known_urls:
                        known_urls.add((case_id, url))
                        url_rows.append(self._url_row(case_id, url, key, platform, needs_review))
                report_rows.append(self._report_row(case_id, item, row.outcome == NEW_CASE))
            if url_rows:
                self.connection.execute(insert(CaseUrl.__table__), url_rows)
            if capture_rows:
                self.connection.execute(insert(CaptureJob.__table__), capture_rows)
            self.connection.execute(insert(CaseReport.__table__), report_rows)
            record_events(self.session, events)
        reindex(self.session, [*case_ids.values(), *added])
        if added:
            table = Case.__table__
            self.connection.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    report_count=table.c.report_count + bindparam("b_count"),
                    version=table.c.version + 1,
                    updated_at=bindparam("b_now"),
                ),
                [{"b_id": i, "b_count": n, "b_now": self.now} for i, n in added.items()],
            )
        return references

    def _insert_cases(
        self, leaders: list[_Prepared], references: list[str], joined: Counter
    ) -> list[tuple[int, int, dict[str, Any]]]:
        """Insert new cases; (row, case id, audit detail) for each."""
        if not leaders:
            return []
        now, rows = self.now, []
        for item, reference in zip(leaders, references, strict=True):
            values = dict(item.values)
            values.update(
                self.calendar.place(
                    posted_at=values["posted_at"],
                    province_code=values["province_code"],
                    regency_code=values.get("regency_code"),
                    priority=values["priority"],
                    now=now,
                )
            )
            values.update(
                reference=reference,
                status=Status.NEW.value,
                version=1,
                reporting_organisation_id=self.actor.organisation_id,
                created_by_id=self.actor.user_id,
                report_count=1 + joined.get(item.row, 0),
                content_key=item.key,
                first_seen_at=values.get("first_seen_at") or now,
                created_at=now,
                updated_at=now,
            )
            rows.append(values)
        self.connection.execute(insert(Case.__table__), rows)
        # The ids back by reference (unique, and reserved for this import): RETURNING in
        # parameter order would make SQLite insert one row per statement.
        query = select(Case.reference, Case.id).where(Case.reference.in_(references))
        found = dict(self.session.execute(query).all())
        return [
            (
                item.row,
                found[values["reference"]],
                {
                    "reference": values["reference"],
                    "platform": values["platform_code"],
                    "category": values["category_code"],
                    "priority": values["priority"],
                    "import_batch": self.batch_id,
                    "reports": values["report_count"],
                },
            )
            for item, values in zip(leaders, rows, strict=True)
        ]

    def _existing_urls(self, case_ids: list[int]) -> set[tuple[int, str]]:
        known: set[tuple[int, str]] = set()
        for chunk in _chunks(case_ids):
            query = select(CaseUrl.case_id, CaseUrl.url).where(CaseUrl.case_id.in_(chunk))
            known.update((case_id, url) for case_id, url in self.session.execute(query))
        return known

    def _event(self, case_id: int, action: str, detail: dict[str, Any]) -> dict[str, Any]:
        event = {"action": action, "case_id": case_id, "actor_id": self.actor.user_id}
        if action == "case_filed":
            event["to_status"] = Status.NEW.value
        return {**event, "detail": detail, "at": self.now}

    def _url_row(self, case_id, url, key, platform, needs_review) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "url": url,
            "canonical_key": key,
            "platform_code": platform,
            "needs_review": needs_review,
            "created_at": self.now,
        }

    def _report_row(self, case_id: int, item: _Prepared, first: bool) -> dict[str, Any]:
        values = item.values
        # A further report keeps what its reporter wrote; the first one is the case itself.
        note = "\n\n".join(t for t in (values["title"], values["description"]) if t)
        return report_row(
            case_id=case_id,
            actor=self.actor,
            at=self.now,
            source=values["source"],
            reporter_name=values["reporter_name"],
            reporter_contact=values["reporter_contact"],
            url=item.urls[0][0],
            note=None if first else note,
            import_batch_id=self.batch_id,
        )
