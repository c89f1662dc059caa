"""The new-report page: files a case, and on bad input keeps what was typed."""

from __future__ import annotations

from sqlmodel import Session, select

from db import engine as engine_module
from db.models import Case, CaseReport, CaseUrl
from tests.pages.conftest import app_as, open_page


def test_a_report_missing_its_title_is_refused_and_keeps_what_was_typed(demo_database):
    at = open_page(app_as("demo.officer").run(), "new-report")
    at.text_area(key="report_description").input("Video lama diunggah ulang").run()
    at.text_area(key="report_urls").input("javascript:alert(1)").run()
    at.button(key="report_submit").click().run()
    assert not at.exception
    assert at.text_area(key="report_description").value == "Video lama diunggah ulang"
    captions = " ".join(c.value for c in at.caption)
    assert "This field is required" in captions
    assert "http" in captions  # the link message


def test_a_complete_report_is_filed_and_opens_its_case(demo_database):
    at = open_page(app_as("demo.officer").run(), "new-report")
    at.text_input(key="report_title").input("Ajakan golput di masa tenang").run()
    at.text_area(key="report_urls").input(
        "https://x.com/akun_contoh/status/1757000000000000000"
    ).run()
    at.selectbox(key="report_platform").set_value("x").run()
    at.selectbox(key="report_category").set_value("out_of_schedule").run()
    at.selectbox(key="report_province").set_value("31").run()
    at.button(key="report_submit").click().run()
    assert not at.exception
    with Session(engine_module.get_engine()) as session:
        case = session.exec(select(Case).where(Case.title == "Ajakan golput di masa tenang")).one()
    assert case.platform_code == "x" and case.status == "new" and case.province_code == "31"
    assert at.title[0].value == case.reference


def test_a_report_of_content_already_on_file_offers_to_add_it_to_that_case(demo_database):
    with Session(engine_module.get_engine()) as session:
        existing = session.exec(
            select(Case).where(Case.status == "sent", Case.content_key.is_not(None))
        ).first()
        url = session.exec(select(CaseUrl.url).where(CaseUrl.case_id == existing.id)).first()
    at = open_page(app_as("demo.officer").run(), "new-report")
    at.text_input(key="report_title").input("Laporan warga atas konten yang sama").run()
    at.text_area(key="report_urls").input(url).run()
    at.selectbox(key="report_platform").set_value(existing.platform_code).run()
    at.selectbox(key="report_category").set_value(existing.category_code).run()
    at.selectbox(key="report_province").set_value("31").run()
    at.button(key="report_submit").click().run()
    assert not at.exception
    assert any(existing.reference in m.value for m in at.markdown)
    at.button(key=f"report_add_to_{existing.id}").click().run()
    assert not at.exception
    with Session(engine_module.get_engine()) as session:
        updated = session.get(Case, existing.id)
        reports = session.exec(select(CaseReport).where(CaseReport.case_id == existing.id)).all()
    assert updated.report_count == existing.report_count + 1
    assert len(reports) == existing.report_count + 1
    assert at.title[0].value == existing.reference


def test_the_platform_follows_the_link_and_a_national_officer_gets_no_province(demo_database):
    at = open_page(app_as("demo.officer").run(), "new-report")
    assert at.selectbox(key="report_province").value is None
    assert at.selectbox(key="report_platform").value is None
    at.text_area(key="report_urls").input(
        "https://www.tiktok.com/@akun.contoh/video/7312345678901234567"
    ).run()
    assert at.selectbox(key="report_platform").value == "tiktok"
    # A platform the officer chose is never overridden by a later link.
    at.selectbox(key="report_platform").set_value("x").run()
    at.text_area(key="report_urls").input("https://youtu.be/dQw4w9WgXcQ").run()
    assert at.selectbox(key="report_platform").value == "x"


def test_required_fields_are_marked(demo_database):
    at = open_page(app_as("demo.officer").run(), "new-report")
    marked = {w.label for w in [*at.text_input, *at.text_area, *at.selectbox] if "*" in w.label}
    assert marked == {
        "Title :red[*]",
        "Links to the content (one per line) :red[*]",
        "Platform :red[*]",
        "Category :red[*]",
        "Source :red[*]",
    }


def test_the_evidence_uploader_checks_and_states_pantaus_own_limit(demo_database):
    import tomllib
    from pathlib import Path

    from casework import settings as config
    from casework.intake.imports import MAX_UPLOAD_BYTES

    at = open_page(app_as("demo.officer").run(), "new-report")
    [uploader] = at.get("file_uploader")
    limit = config.get_settings().evidence_max_bytes
    assert uploader.proto.max_upload_size_mb * 1024 * 1024 == limit
    # The server-wide cap admits the largest upload Pantau accepts, and no more.
    root = Path(__file__).resolve().parents[2]
    server = tomllib.loads((root / ".streamlit" / "config.toml").read_text())["server"]
    assert server["maxUploadSize"] * 1024 * 1024 == max(MAX_UPLOAD_BYTES, limit)
