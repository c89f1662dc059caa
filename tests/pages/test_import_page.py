"""The import page: templates to download, a per-row report of an upload, and nothing
imported before the confirmation that names the count."""

from __future__ import annotations

import csv
import io
from itertools import count

from sqlalchemy import func
from sqlmodel import Session, select

from casework.intake.imports import FIELDS, header
from db import engine as engine_module
from db.models import Case, ImportBatch
from tests.pages.conftest import app_as, open_page

_video = count(7_450_000_000_000_000_000)


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header(f, "en") for f in FIELDS])
    writer.writerows([r.get(f, "") for f in FIELDS] for r in rows)
    return buffer.getvalue().encode()


def _row(**overrides) -> dict[str, str]:
    values = {
        "title": "Ajakan golput di masa tenang",
        "platform": "TikTok",
        "urls": f"https://www.tiktok.com/@akun.impor/video/{next(_video)}",
        "category": "out_of_schedule",
        "province": "31",
    }
    values.update(overrides)
    return values


def _cases(title: str) -> int:
    with Session(engine_module.get_engine()) as session:
        return session.exec(select(func.count()).select_from(Case).where(Case.title == title)).one()


def _upload(at, data: bytes, name: str = "patroli.csv"):
    at.file_uploader(key="import_file").set_value((name, data, "text/csv"))
    return at.run()


def test_the_page_offers_both_templates_in_the_sessions_language(demo_database):
    at = open_page(app_as("demo.officer", language="id").run(), "import")

    assert not at.exception
    assert at.title[0].value == "Impor laporan"
    buttons = {b.proto.id for b in at.get("download_button")}
    assert len(buttons) == 2
    assert not at.get("dataframe")  # nothing shown before an upload


def test_an_upload_is_checked_row_by_row_and_imported_only_on_confirmation(demo_database):
    title = "Impor halaman uji <b>tebal</b> **tanda**"
    rows = [_row(title=title), _row(title=title), _row(title=title, urls="javascript:alert(1)")]
    at = open_page(app_as("demo.officer").run(), "import")

    at = _upload(at, _csv(rows))

    assert not at.exception
    assert _cases(title) == 0  # checked, not imported
    problems = at.dataframe[0].value
    assert list(problems.iloc[:, 0]) == [4] and list(problems.iloc[:, 1]) == ["URLs"]
    assert [m.value for m in at.metric][:4] == ["2", "0", "0", "1"]
    confirm = at.button(key="import_confirm")
    assert confirm.label == "Import 2 reports" and confirm.disabled

    at.checkbox(key="import_skip_invalid").check().run()
    assert not at.button(key="import_confirm").disabled
    at.button(key="import_confirm").click().run()

    assert not at.exception
    assert _cases(title) == 2
    assert any("2 new cases" in s.value for s in at.success)
    # The page links to the new cases instead of checking the same file again.
    with Session(engine_module.get_engine()) as session:
        references = set(session.exec(select(Case.reference).where(Case.title == title)))
    links = {link.label for link in at.get("page_link")}
    assert references <= links
    assert not _has(at, "import_confirm") and not at.metric


def _has(at, key: str) -> bool:
    try:
        at.button(key=key)
    except KeyError:
        return False
    return True


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(demo_database):
    at = open_page(app_as("demo.lead").run(), "import")
    with Session(engine_module.get_engine()) as session:
        batches = session.exec(select(func.count()).select_from(ImportBatch)).one()

    at = _upload(at, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "laporan.csv")

    assert not at.exception
    assert at.error and not _has(at, "import_confirm")
    problems = at.dataframe[0].value
    assert list(problems.iloc[:, 2]) == ["This is not a CSV or Excel (.xlsx) file."]
    with Session(engine_module.get_engine()) as session:
        assert session.exec(select(func.count()).select_from(ImportBatch)).one() == batches


def test_the_import_page_does_not_exist_for_a_liaison(demo_database):
    at = open_page(app_as("demo.liaison.tiktok").run(), "import")

    assert not at.exception
    assert not _has(at, "import_confirm")
    assert all(t.value != "Import reports" for t in at.title)
