"""Bulk import from patrol spreadsheets: templates, reading hostile or sloppy files,
validating every row before anything is written, and committing all valid rows at once
(new cases, further reports of known content, nothing twice on re-import)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from itertools import count

import pytest
from openpyxl import Workbook
from sqlalchemy import func
from sqlmodel import Session, select

from casework.errors import PermissionDenied, ValidationError
from casework.intake import imports
from casework.intake.imports import (
    ADDED_REPORT,
    NEW_CASE,
    UNCHANGED,
    commit_import,
    parse_upload,
    template_csv,
    template_xlsx,
    validate_rows,
    writing,
)
from casework.people.roles import Role
from casework.records.audit import verify_chain
from db.models import (
    AuditEvent,
    Case,
    CaseReport,
    CaseUrl,
    ImportBatch,
    ReferenceCounter,
)
from tests.factories import CAMPAIGN_NOW, make_actor, make_case, make_organisation, reload

NOW = CAMPAIGN_NOW
_video = count(7_400_000_000_000_000_000)


def row(**overrides) -> dict[str, str]:
    """A valid row (field → cell text) about a TikTok video of its own."""
    values = {
        "title": "Video hoaks surat suara tercoblos",
        "description": "Klaim palsu surat suara sudah tercoblos.",
        "platform": "TikTok",
        "urls": f"https://www.tiktok.com/@akun.contoh/video/{next(_video)}",
        "category": "hoax",
        "source": "own_patrol",
        "province": "32",
        "regency": "32.01",
    }
    values.update(overrides)
    return values


def csv_file(rows, *, language="id", delimiter=",", headers=None, encoding="utf-8") -> bytes:
    """A CSV of `rows` with the template's headers in `language` (or `headers`)."""
    fields = list(imports.FIELDS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers or [imports.header(f, language) for f in fields])
    writer.writerows([r.get(f, "") for f in fields] for r in rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(session):
    """An officer of the national office."""
    return make_actor(session, role=Role.OFFICER)


def plan_of(session, actor, data: bytes, name: str = "patroli.csv"):
    sheet = parse_upload(name, data)
    return sheet, validate_rows(session=session, actor=actor, sheet=sheet, now=NOW)


def import_file(session, actor, data: bytes, *, skip_invalid=False, name="patroli.csv"):
    sheet, plan = plan_of(session, actor, data, name)
    return commit_import(
        session=session,
        actor=actor,
        plan=plan,
        file_name=name,
        file_sha256=sheet.sha256,
        skip_invalid=skip_invalid,
        now=NOW,
    )


def problems(plan) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in plan.problems if p.blocking]


def counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Case, CaseReport, CaseUrl, AuditEvent, ImportBatch)
    }


# --- templates ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("make", [template_csv, template_xlsx])
def test_the_templates_example_row_is_left_out_with_a_note(session, officer, language, make):
    sheet, plan = plan_of(session, officer, make(language), f"template.{make.__name__[-4:]}")

    assert sheet.kind == make.__name__.removeprefix("template_")
    assert sheet.language == language
    assert [(p.row, p.message, p.blocking) for p in plan.problems] == [
        (2, imports.EXAMPLE_LEFT_OUT, False)
    ]
    assert plan.rows == [] and plan.to_import == 0


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_template_filled_in_over_its_example_reads_back_without_a_problem(
    session, officer, language
):
    data = template_csv(language).replace(
        b"Video hoaks surat suara tercoblos di Bogor", b"Video hoaks di Depok"
    )
    _sheet, plan = plan_of(session, officer, data, "template.csv")

    assert plan.problems == []
    assert [r.outcome for r in plan.rows] == [NEW_CASE]


def test_the_templates_headers_follow_the_chosen_language():
    indonesian = template_csv("id").decode("utf-8-sig").splitlines()[0]
    english = template_csv("en").decode("utf-8-sig").splitlines()[0]

    assert indonesian.startswith("Judul;Deskripsi;Platform;Tautan")
    assert english.startswith("Title,Description,Platform,URLs")


def test_a_row_written_over_the_example_imports_as_a_case_with_every_field(session, officer):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template_xlsx("en")))
    workbook.worksheets[0].cell(row=2, column=1).value = "Video hoaks di Depok"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_file(session, officer, buffer.getvalue(), name="template.xlsx")

    case = session.exec(select(Case)).one()
    assert result.references == [case.reference]
    assert (case.platform_code, case.category_code, case.source) == (
        "tiktok",
        "hoax",
        "public_complaint",
    )
    assert (case.account_class, case.content_type, case.reach) == ("ordinary", "video", 12500)
    assert (case.province_code, case.regency_code, case.priority) == ("32", "32.01", "normal")
    # 09:30 in the officer's zone (WIB) is 02:30 UTC.
    assert case.posted_at == datetime(2024, 1, 10, 2, 30, tzinfo=UTC)
    assert case.content_key == "tiktok:video:7312345678901234567"
    assert case.reporter_name == "Siti Rahmawati"


# --- reading files -----------------------------------------------------------------------


def test_headers_are_accepted_in_either_language_and_any_case_or_spacing(session, officer):
    headers = [" JUDUL ", "Description", "platform", "Link", "Category", "provinsi"]
    data = "\n".join(
        [
            ",".join(headers),
            "Hoaks,Isi,TikTok,https://www.tiktok.com/@a/video/7400000000000000001,hoax,32",
        ]
    ).encode()

    sheet, plan = plan_of(session, officer, data)

    assert sheet.errors == [] and sheet.warnings == []
    assert sheet.headers["urls"] == "Link"
    assert plan.problems == [] and plan.new_cases == 1


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_the_delimiter_is_detected(session, officer, delimiter):
    data = csv_file([row(title="Satu, dua; tiga"), row()], delimiter=delimiter)

    sheet, plan = plan_of(session, officer, data)

    assert sheet.rows[0][1][0] == "Satu, dua; tiga"
    assert plan.problems == [] and plan.new_cases == 2


def test_a_windows_1252_file_is_read_with_a_warning(session, officer):
    data = csv_file([row(title="Kafe “Merdeka” – café")], encoding="cp1252")

    sheet, plan = plan_of(session, officer, data)

    assert sheet.rows[0][1][0] == "Kafe “Merdeka” – café"
    assert [w.message for w in sheet.warnings] == [imports.NOT_UTF8]
    assert plan.new_cases == 1 and not plan.invalid_rows


def test_excels_unicode_text_export_is_read(session, officer):
    data = csv_file([row(title="Hoaks ‘kutipan’")], delimiter="\t").decode().encode("utf-16")

    sheet, plan = plan_of(session, officer, data, "patroli.txt")

    assert sheet.rows[0][1][0] == "Hoaks ‘kutipan’" and plan.new_cases == 1


def test_a_utf8_file_with_a_byte_order_mark_reads_its_first_header(session, officer):
    sheet, plan = plan_of(session, officer, b"\xef\xbb\xbf" + csv_file([row()]))

    assert sheet.headers["title"] == "Judul" and plan.new_cases == 1


def test_missing_required_columns_are_named(session, officer):
    data = b"Judul,Platform,Deskripsi\nHoaks,TikTok,isi\n"

    sheet = parse_upload("x.csv", data)

    assert [(e.message, e.params) for e in sheet.errors] == [
        (imports.MISSING_COLUMNS, {"columns": "Tautan, Kategori"})
    ]
    assert sheet.rows == []


def test_missing_columns_are_named_in_the_files_language():
    sheet = parse_upload("x.csv", b"Title,Platform,Description\nHoax,TikTok,text\n")

    assert sheet.errors[0].params == {"columns": "URLs, Category"}


def test_extra_columns_are_reported_and_ignored(session, officer):
    fields = [imports.header(f, "id") for f in imports.FIELDS]
    data = csv_file([{**row(), "x": 1}], headers=[*fields, "Catatan internal"])

    sheet, plan = plan_of(session, officer, data)

    assert [(w.message, w.params) for w in sheet.warnings] == [
        (imports.UNKNOWN_COLUMN, {"column": "Catatan internal"})
    ]
    assert plan.new_cases == 1


def test_a_column_given_twice_is_refused():
    sheet = parse_upload("x.csv", b"Judul,Title,Tautan,Platform,Kategori\n")

    assert [e.message for e in sheet.errors] == [imports.DUPLICATE_COLUMN]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", imports.FILE_EMPTY),
        (b"  \r\n\r\n ", imports.FILE_EMPTY),
        (b",,,\n,,\n", imports.FILE_EMPTY),
        (b"Judul,Platform,Tautan,Kategori\r\n", imports.NO_ROWS),
        (b"Judul,Platform,Tautan,Kategori\r\n,,,\r\n", imports.NO_ROWS),
    ],
)
def test_an_empty_file_is_refused(data, message):
    assert [e.message for e in parse_upload("x.csv", data).errors] == [message]


def test_more_rows_than_allowed_are_refused_without_reading_on():
    sheet = parse_upload("x.csv", csv_file([row() for _ in range(5)]), max_rows=3)

    assert [(e.message, e.params) for e in sheet.errors] == [(imports.TOO_MANY_ROWS, {"limit": 3})]
    assert sheet.rows == []


def test_a_file_over_the_size_limit_is_refused():
    sheet = parse_upload("x.csv", csv_file([row()] * 20), max_bytes=1000)

    assert [e.message for e in sheet.errors] == [imports.FILE_TOO_LARGE]


def test_row_numbers_are_the_spreadsheets_own(session, officer):
    fields = ",".join(imports.header(f, "id") for f in imports.FIELDS)
    good = csv_file([row()]).decode().splitlines()[1]
    bad = csv_file([row(urls="javascript:alert(1)")]).decode().splitlines()[1]
    multiline = csv_file([row(description="baris satu\nbaris dua")]).decode().split("\r\n")[1]
    data = "\r\n".join([fields, good, "", multiline, bad, ""]).encode()

    _, plan = plan_of(session, officer, data)

    # Header 1, row 2, an empty row 3, a two-line cell in row 4, the bad row 5.
    assert problems(plan) == [
        (5, "Tautan", "Enter a web address starting with http:// or https://.")
    ]
    assert [r.row for r in plan.rows] == [2, 4]


def test_a_row_split_by_an_unquoted_separator_is_flagged(session, officer):
    fields = ",".join(imports.header(f, "id") for f in imports.FIELDS)
    # The last column filled, so that the shifted row really has one cell too many.
    cells = row(title="Hoaks, lagi", priority="normal", oversight_source="Patroli siber")
    line = ",".join(cells.get(f, "") for f in imports.FIELDS)  # the comma is not quoted
    data = f"{fields}\n{line}\n".encode()

    _, plan = plan_of(session, officer, data)

    assert (2, None, imports.EXTRA_CELLS) in problems(plan)
    assert plan.invalid_rows == [2]


def test_an_xlsx_sheet_with_typed_cells_is_read(session, officer):
    data = xlsx_file(
        [
            [
                "Judul",
                "Tautan",
                "Platform",
                "Kategori",
                "Waktu unggah",
                "Provinsi",
                "Kabupaten/kota",
            ],
            [
                "Hoaks",
                "https://www.tiktok.com/@a/video/7400000000000000002",
                "TikTok",
                "Hoaks/disinformasi pemilu",
                datetime(2024, 1, 9, 20, 15),
                32,
                32.1,  # Excel keeps 32.10 as the number 32.1
            ],
        ]
    )

    sheet, plan = plan_of(session, officer, data, "patroli.xlsx")

    assert sheet.kind == "xlsx" and plan.problems == []
    prepared = plan.prepared[0].values
    assert prepared["posted_at"] == datetime(2024, 1, 9, 13, 15, tzinfo=UTC)
    assert (prepared["province_code"], prepared["regency_code"]) == ("32", "32.10")


# --- hostile files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        bytes(range(256)) * 16,
    ],
    ids=["png", "pdf", "random-bytes"],
)
def test_a_binary_file_renamed_to_csv_is_refused(data):
    sheet = parse_upload("laporan.csv", data)

    assert [e.message for e in sheet.errors] == [imports.NOT_A_SPREADSHEET]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    sheet = parse_upload("laporan.xlsx", buffer.getvalue())

    assert [e.message for e in sheet.errors] == [imports.NOT_A_WORKBOOK]


def test_a_zip_bomb_disguised_as_a_workbook_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000

    sheet = parse_upload("laporan.xlsx", buffer.getvalue())

    assert [e.message for e in sheet.errors] == [imports.ZIP_BOMB]


def test_a_damaged_workbook_is_refused_with_a_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all <<<")

    sheet = parse_upload("laporan.xlsx", buffer.getvalue())

    assert [e.message for e in sheet.errors] == [imports.UNREADABLE_WORKBOOK]


def test_an_old_excel_file_is_refused_with_advice():
    sheet = parse_upload("laporan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)

    assert [e.message for e in sheet.errors] == [imports.OLD_EXCEL]


def test_control_characters_and_right_to_left_marks_are_removed_and_noted(session, officer):
    title = "Hoaks\u202egnp.exe\u202c surat\x07 suara\u200f"
    data = csv_file([row(title=title, reporter_name="Budi\u2066 Santoso\u2069")])

    _, plan = plan_of(session, officer, data)

    notes = [(p.row, p.column, p.message) for p in plan.problems if not p.blocking]
    assert notes == [
        (2, "Judul", imports.HIDDEN_REMOVED),
        (2, "Nama pelapor", imports.HIDDEN_REMOVED),
    ]
    assert plan.prepared[0].values["title"] == "Hoaksgnp.exe surat suara"
    assert plan.prepared[0].values["reporter_name"] == "Budi Santoso"


def test_a_link_disguised_with_invisible_characters_is_refused(session, officer):
    data = csv_file([row(urls="https://www.tiktok.com/@a\u202e/video/7400000000000000003")])

    _, plan = plan_of(session, officer, data)

    assert [(r, c) for r, c, _ in problems(plan)] == [(2, "Tautan")]


PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1)) **tebal** # judul",
    "{{7*7}} ${7*7} '; DROP TABLE case_file; --",
    '=HYPERLINK("http://evil.example","klik")',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_markdown_and_html_payloads_are_stored_as_plain_text(session, officer, payload):
    data = csv_file(
        [
            row(
                title=payload,
                description=payload,
                account_handle=payload[:200],
                legal_ground=payload,
                reporter_name=payload,
                reporter_contact=payload,
            )
        ]
    )

    import_file(session, officer, data)

    case = session.exec(select(Case)).one()
    stored = (case.title, case.description, case.account_handle, case.legal_ground)
    assert stored == (payload, payload, payload[:200], payload)
    assert (case.reporter_name, case.reporter_contact) == (payload, payload)


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "https://www.tiktok.com@evil.example/video/1",
    ],
)
def test_links_that_are_not_web_addresses_are_refused_per_row(session, officer, link):
    data = csv_file(
        [row(), row(urls=f"https://www.tiktok.com/@a/video/7400000000000000009 {link}")]
    )

    _, plan = plan_of(session, officer, data)

    assert [(r, c) for r, c, _ in problems(plan)] == [(3, "Tautan")]
    assert plan.invalid_rows == [3] and plan.new_cases == 1


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"title": ""}, "Judul", "This field is required."),
        ({"title": "x" * 301}, "Judul", "This is too long."),
        ({"description": "x" * 20_001}, "Deskripsi", "This is too long."),
        ({"reporter_name": "x" * 201}, "Nama pelapor", "This is too long."),
        ({"urls": ""}, "Tautan", imports.NO_LINK),
        ({"platform": "MySpace"}, "Platform", imports.UNKNOWN_PLATFORM),
        ({"category": "gosip"}, "Kategori", imports.UNKNOWN_VALUE),
        ({"source": "mimpi"}, "Sumber", imports.UNKNOWN_VALUE),
        ({"province": "Atlantis"}, "Provinsi", imports.UNKNOWN_PROVINCE),
        ({"regency": "31.71"}, "Kabupaten/kota", imports.UNKNOWN_REGENCY),
        ({"regency": "Bogor"}, "Kabupaten/kota", imports.AMBIGUOUS_REGENCY),
        ({"posted_at": "kemarin sore"}, "Waktu unggah", imports.BAD_TIME),
        ({"posted_at": "31/12/2030 10:00"}, "Waktu unggah", "This time is in the future."),
        ({"reach": "banyak"}, "Jangkauan", imports.BAD_NUMBER),
        ({"priority": "kilat"}, "Prioritas", imports.UNKNOWN_PRIORITY),
        (
            {"platform": "YouTube"},
            "Tautan",
            "A link points to a different platform than the one chosen. "
            "File one report per platform, or choose the platform the links are on.",
        ),
    ],
)
def test_each_bad_cell_is_reported_with_its_row_and_column(
    session, officer, overrides, column, message
):
    _, plan = plan_of(session, officer, csv_file([row(), row(**overrides)]))

    assert problems(plan) == [(3, column, message)]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"province": "Jawa Barat", "regency": "Kabupaten Bogor"}, ("32", "32.01")),
        ({"province": "jawa  barat", "regency": "KAB. BOGOR"}, ("32", "32.01")),
        ({"province": "", "regency": "3273"}, ("32", "32.73")),
        ({"province": "DKI Jakarta", "regency": ""}, ("31", None)),
        ({"province": "", "regency": ""}, (None, None)),
    ],
)
def test_regions_are_found_by_code_or_name(session, officer, overrides, expected):
    _, plan = plan_of(session, officer, csv_file([row(**overrides)]))

    values = plan.prepared[0].values
    assert (values["province_code"], values["regency_code"]) == expected


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"platform": ""}, "platform_code", "tiktok"),
        ({"category": "Election hoax / disinformation"}, "category_code", "hoax"),
        ({"category": "Ujaran kebencian"}, "category_code", "hate_speech"),
        ({"source": "Laporan masyarakat"}, "source", "public_complaint"),
        ({"source": ""}, "source", "own_patrol"),
        ({"account_class": "Pendengung (buzzer)"}, "account_class", "buzzer"),
        ({"reach": "12.500"}, "reach", 12500),
        ({"reach": "12,500"}, "reach", 12500),
        ({"priority": "Mendesak"}, "priority", "urgent"),
        ({"priority": "normal"}, "priority", "normal"),
        ({"account_handle": ""}, "account_handle", "@akun.contoh"),
        (
            {"posted_at": "2024-01-09T20:15:00+07:00"},
            "posted_at",
            datetime(2024, 1, 9, 13, 15, tzinfo=UTC),
        ),
        ({"posted_at": "09/01/2024 20.15"}, "posted_at", datetime(2024, 1, 9, 13, 15, tzinfo=UTC)),
    ],
)
def test_values_are_read_from_codes_or_labels_in_either_language(
    session, officer, overrides, field, expected
):
    _, plan = plan_of(session, officer, csv_file([row(**overrides)]))

    assert plan.problems == []
    assert plan.prepared[0].values[field] == expected


def test_fifty_thousand_rows_are_all_validated_and_nothing_is_written(session, officer):
    rows = [row(reporter_name=f"Pelapor {i}") for i in range(50_000)]
    for index in range(0, 50_000, 10):  # every tenth row: more content already in the file
        rows[index + 1]["urls"] = rows[index]["urls"]
    data = csv_file(rows)

    # Its speed is measured by bench/imports.py, never asserted here.
    sheet, plan = plan_of(session, officer, data)

    assert len(sheet.rows) == 50_000 and plan.invalid_rows == []
    assert (plan.new_cases, plan.additional_reports, plan.unchanged) == (45_000, 5_000, 0)
    assert counts(session)["Case"] == 0


# --- committing --------------------------------------------------------------------------


def test_nothing_is_written_before_the_import_is_confirmed(session, officer):
    before = counts(session)

    _, plan = plan_of(session, officer, csv_file([row(), row(), row()]))

    assert plan.to_import == 3
    assert counts(session) == before


def test_rows_with_problems_block_the_import_unless_only_valid_rows_are_chosen(session, officer):
    data = csv_file([row(), row(title=""), row()])
    sheet, plan = plan_of(session, officer, data)
    before = counts(session)

    with pytest.raises(ValidationError) as refused:
        commit_import(
            session=session,
            actor=officer,
            plan=plan,
            file_name="p.csv",
            file_sha256=sheet.sha256,
            now=NOW,
        )
    assert refused.value.params == {"count": 1}
    assert counts(session) == before

    result = commit_import(
        session=session,
        actor=officer,
        plan=plan,
        file_name="p.csv",
        file_sha256=sheet.sha256,
        skip_invalid=True,
        now=NOW,
    )
    assert (result.cases_created, result.skipped_invalid) == (2, 1)
    assert counts(session)["Case"] == 2


def test_a_file_that_cannot_be_read_cannot_be_committed(session, officer):
    sheet, plan = plan_of(session, officer, b"")

    with pytest.raises(ValidationError):
        commit_import(
            session=session,
            actor=officer,
            plan=plan,
            file_name="p.csv",
            file_sha256=sheet.sha256,
            skip_invalid=True,
            now=NOW,
        )
    assert counts(session)["ImportBatch"] == 0


def test_an_import_that_fails_halfway_leaves_nothing_behind(session, officer, monkeypatch):
    import_file(session, officer, csv_file([row()]))
    before = counts(session)
    counter = session.get(ReferenceCounter, 2024).last_value

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "record_events", broken)
    with pytest.raises(RuntimeError):
        import_file(session, officer, csv_file([row(), row()]))

    assert counts(session) == before
    session.expire_all()
    assert session.get(ReferenceCounter, 2024).last_value == counter
    assert verify_chain(session).intact


def test_one_import_files_every_valid_row_with_consecutive_references(session, officer):
    result = import_file(session, officer, csv_file([row() for _ in range(5)]))

    batch = session.get(ImportBatch, result.batch_id)
    assert (batch.row_count, batch.cases_created, batch.reports_added) == (5, 5, 0)
    assert result.references == [f"PAN-2024-{n:06d}" for n in range(1, 6)]
    cases = session.exec(select(Case).order_by(Case.id)).all()
    assert [c.reference for c in cases] == result.references
    assert {(c.status, c.version, c.report_count, c.phase) for c in cases} == {
        ("new", 1, 1, "campaign")
    }
    reports = session.exec(select(CaseReport)).all()
    assert {r.import_batch_id for r in reports} == {batch.id}


def test_reimporting_the_same_file_creates_nothing_new(session, officer):
    data = csv_file(
        [
            row(),
            row(reporter_name="Ani"),
            row(urls=row()["urls"] + " https://vm.tiktok.com/ZMabc123/"),
        ]
    )
    import_file(session, officer, data)
    before = counts(session)

    _, plan = plan_of(session, officer, data)
    result = import_file(session, officer, data)

    assert (plan.unchanged, plan.to_import) == (3, 0)
    assert (result.batch_id, result.cases_created, result.reports_added) == (None, 0, 0)
    assert counts(session) == before


def test_a_short_link_is_kept_flagged_and_recognised_on_reimport(session, officer):
    data = csv_file([row(urls="https://vm.tiktok.com/ZMhvqKx8/", platform="TikTok")])
    import_file(session, officer, data)

    url = session.exec(select(CaseUrl)).one()
    assert (url.url, url.needs_review, url.canonical_key) == (
        "https://vm.tiktok.com/ZMhvqKx8/",
        True,
        None,
    )
    _, plan = plan_of(session, officer, data)
    assert [r.outcome for r in plan.rows] == [UNCHANGED]


def test_rows_about_the_same_content_in_one_file_make_one_case_with_several_reports(
    session, officer
):
    first = row(reporter_name="Ani", reporter_contact="ani@example.org")
    # The same video through a share link with tracking parameters, another reporter.
    video = first["urls"].rsplit("/", 1)[1]
    again = row(
        urls=f"https://m.tiktok.com/v/{video}.html?u_code=abc",
        reporter_name="Budi",
        title="Laporan warga",
    )
    repeated = dict(first)

    result = import_file(session, officer, csv_file([first, again, repeated]))

    case = session.exec(select(Case)).one()
    assert (result.cases_created, result.reports_added) == (1, 1)
    assert case.report_count == 2
    reporters = session.exec(
        select(CaseReport.reporter_name, CaseReport.note).order_by(CaseReport.id)
    ).all()
    assert reporters == [
        ("Ani", None),
        ("Budi", "Laporan warga\n\nKlaim palsu surat suara sudah tercoblos."),
    ]
    assert len(session.exec(select(CaseUrl)).all()) == 2


def test_rows_matching_an_existing_case_of_the_office_become_its_reports(session, officer):
    case = make_case(session, actor=officer, reporter_name="Petugas patroli")
    version = case.version
    link = case_link = "https://www.tiktok.com/@akun.contoh/video/7312345678901234567"
    rows = [
        row(urls=link + "?is_from_webapp=1", reporter_name="Ani"),
        row(
            urls=f"{case_link} https://www.tiktok.com/@akun.contoh/video/7312345678901234567?x=1",
            reporter_name="Budi",
        ),
        row(urls=link, reporter_name="Petugas patroli"),  # already the case's reporter
    ]

    _, plan = plan_of(session, officer, csv_file(rows))
    assert [(r.outcome, r.reference) for r in plan.rows] == [
        (ADDED_REPORT, case.reference),
        (ADDED_REPORT, case.reference),
        (UNCHANGED, case.reference),
    ]
    result = import_file(session, officer, csv_file(rows))

    fresh = reload(session, case)
    assert (result.cases_created, result.reports_added) == (0, 2)
    assert (fresh.report_count, fresh.version) == (3, version + 1)
    names = session.exec(
        select(CaseReport.reporter_name)
        .where(CaseReport.case_id == case.id)
        .order_by(CaseReport.id)
    ).all()
    assert names == ["Petugas patroli", "Ani", "Budi"]
    events = session.exec(
        select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.case_id == case.id)
    ).all()
    assert events[-1] == ("reports_imported", {"import_batch": result.batch_id, "reports": 2})


def test_a_case_of_another_office_is_not_matched(session, officer):
    other = make_actor(session, role=Role.OFFICER)
    case = make_case(session, actor=other)

    _, plan = plan_of(
        session,
        officer,
        csv_file([row(urls="https://www.tiktok.com/@akun.contoh/video/7312345678901234567")]),
    )

    assert case.reporting_organisation_id != officer.organisation_id
    assert [r.outcome for r in plan.rows] == [NEW_CASE]


def test_each_case_gets_one_audit_event_and_the_chain_verifies(session, officer):
    existing = make_case(session, actor=officer)
    events_before = counts(session)["AuditEvent"]
    same = existing.content_key.rsplit(":", 1)[1]
    rows = [row(), row(), row(urls=f"https://www.tiktok.com/@x/video/{same}", reporter_name="Ani")]
    rows.append(dict(rows[0], reporter_name="Budi"))

    result = import_file(session, officer, csv_file(rows))

    events = session.exec(
        select(AuditEvent.case_id, AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.id > events_before)
        .order_by(AuditEvent.id)
    ).all()
    assert [action for _, action, _ in events] == ["case_filed", "case_filed", "reports_imported"]
    assert len({case_id for case_id, _, _ in events}) == 3
    assert events[0][2]["reports"] == 2 and events[0][2]["import_batch"] == result.batch_id
    report = verify_chain(session)
    assert report.intact and report.events_checked == events_before + 3


# --- who may import ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LIAISON, Role.OBSERVER, Role.ADMIN, Role.REGULATOR])
def test_only_officers_and_leads_of_the_supervisory_body_may_import(session, officer, role):
    outsider = make_actor(session, role=role)
    sheet = parse_upload("p.csv", csv_file([row()]))
    _, plan = plan_of(session, officer, csv_file([row()]))

    with pytest.raises(PermissionDenied):
        validate_rows(session=session, actor=outsider, sheet=sheet, now=NOW)
    with pytest.raises(PermissionDenied):
        commit_import(
            session=session, actor=outsider, plan=plan, file_name="p", file_sha256="0", now=NOW
        )
    assert counts(session)["Case"] == 0


def test_a_plan_can_only_be_committed_by_whoever_validated_it(session, officer):
    colleague = make_actor(session, role=Role.LEAD)
    _, plan = plan_of(session, officer, csv_file([row()]))

    with pytest.raises(PermissionDenied):
        commit_import(
            session=session, actor=colleague, plan=plan, file_name="p", file_sha256="0", now=NOW
        )


def test_a_lead_may_import(session):
    lead = make_actor(session, role=Role.LEAD)

    assert import_file(session, lead, csv_file([row()])).cases_created == 1


def test_a_regional_office_imports_only_inside_its_region(session):
    office = make_organisation(session, region_code="32")
    regional = make_actor(session, role=Role.OFFICER, organisation=office)
    rows = [row(), row(province="31", regency=""), row(province="", regency="")]

    _, plan = plan_of(session, regional, csv_file(rows))

    assert problems(plan) == [(3, "Provinsi", imports.OUTSIDE_REGION)]
    assert plan.prepared[1].values["province_code"] == "32"  # its own area when empty


def test_an_import_written_in_several_chunks_is_the_same_as_in_one(session, officer, monkeypatch):
    monkeypatch.setattr(writing, "WRITE_CHUNK", 2)
    existing = make_case(session, actor=officer)
    known = "https://www.tiktok.com/@akun.contoh/video/7312345678901234567"
    first, second = row(), row()
    rows = [
        first,
        row(urls=known, reporter_name="Ani"),
        second,
        dict(first, reporter_name="Budi"),
        row(urls=known, reporter_name="Citra"),
        dict(second, reporter_name="Dewi"),
    ]
    events_before = counts(session)["AuditEvent"]

    result = import_file(session, officer, csv_file(rows))

    assert (result.cases_created, result.reports_added) == (2, 4)
    cases = session.exec(select(Case).order_by(Case.id)).all()
    assert [c.report_count for c in cases] == [3, 2, 2]
    assert cases[0].id == existing.id
    actions = session.exec(
        select(AuditEvent.case_id, AuditEvent.action).where(AuditEvent.id > events_before)
    ).all()
    assert sorted(actions) == [
        (cases[0].id, "reports_imported"),
        (cases[1].id, "case_filed"),
        (cases[2].id, "case_filed"),
    ]
    assert verify_chain(session).intact


def test_an_imported_row_may_be_a_laporan_and_is_held_to_what_a_laporan_needs(session, officer):
    bare = row(intake_type="laporan", source="public_complaint")
    _, plan = plan_of(session, officer, csv_file([bare]))
    assert plan.invalid_rows == [2]
    full = row(
        intake_type="Laporan",
        source="public_complaint",
        reporter_name="Siti",
        reporter_contact="siti@example.org",
        terlapor_name="Budi",
        terlapor_status="tim_kampanye",
        incident_at="08/01/2024 19:00",
        incident_place="Bogor",
        known_since="09/01/2024",
    )
    import_file(session, officer, csv_file([full]))
    filed = session.exec(select(Case).order_by(Case.id.desc())).first()
    assert (filed.intake_type, filed.terlapor_name, str(filed.known_since)) == (
        "laporan",
        "Budi",
        "2024-01-09",
    )


def test_a_workbook_of_many_small_shared_strings_is_refused_before_openpyxl_reads_it():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["judul"])
    plain = io.BytesIO()
    book.save(plain)
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    # Distinct texts: the file passes the unpack-ratio check, as the audit's did.
    entries = "".join(f"<si><t>{i:x}</t></si>" for i in range(600_000))
    table = f'<sst xmlns="{namespace}">{entries}</sst>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in source.namelist():
                if name != "xl/sharedStrings.xml":
                    archive.writestr(name, source.read(name))
            archive.writestr("xl/sharedStrings.xml", table)
    assert len(buffer.getvalue()) < 5_000_000

    sheet = parse_upload("laporan.xlsx", buffer.getvalue())

    assert [e.message for e in sheet.errors] == [imports.TOO_MANY_TEXTS]


def test_the_excel_template_offers_drop_downs_of_the_current_values(session, officer):
    from openpyxl import load_workbook

    choices = imports.template_choices(session, "id")
    workbook = load_workbook(io.BytesIO(template_xlsx("id", choices)))
    sheet = workbook.worksheets[0]
    rules = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    lists = workbook["Lists"]
    assert lists.sheet_state == "hidden"
    by_field = {}
    for field_name in imports.CHOICE_FIELDS:
        letter = sheet.cell(row=1, column=imports.FIELDS.index(field_name) + 1).column_letter
        formula = rules[f"{letter}2:{letter}{imports.TEMPLATE_ROWS + 1}"]
        column = formula.split("!$")[1].split("$")[0]
        by_field[field_name] = [c.value for c in lists[column][1:] if c.value]
    assert "TikTok" in by_field["platform"] and "Jawa Barat" in by_field["province"]
    assert by_field["priority"] == ["Mendesak", "Biasa"]
    assert by_field["category"] == choices["category"]
