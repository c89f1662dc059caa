"""The template's columns: each field with its Indonesian and English header and the
other spellings people use (its aliases), the limits and hints of each, and the templates
(CSV; XLSX with drop-downs and a sheet of instructions) built from them, with the example
row they carry. Reading finds a file's columns here; checking finds each cell's limit and
recognises the example row here."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlmodel import Session

from casework.desk.sla import PRIORITY_LABELS, Priority
from casework.i18n import N_, translator
from casework.reference.seed_taxonomy import PLATFORMS, TAXONOMY
from casework.spreadsheet import csv_bytes

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
