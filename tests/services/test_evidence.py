"""Evidence: types decided by content, hostile files refused without a trace, bytes
stored once, uploads marked by who made them, downloads scoped and safely named.

Every file here is made by the test itself: real images through Pillow, documents
through zipfile, and hand-written headers for the rest."""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import threading
import zipfile
import zlib
from datetime import timedelta
from functools import cache

import pytest
from PIL import Image
from sqlmodel import Session, func, select

from casework.desk import cases
from casework.desk.workflow import Action
from casework.errors import CaseNotFound, PermissionDenied, ValidationError
from casework.i18n import translator
from casework.intake.evidence import (
    ALREADY_ATTACHED,
    DAMAGED_IMAGE,
    DOCX,
    EMPTY,
    IMAGE_BOMB,
    MERGED_CASE,
    ODT,
    REFUSED_TYPE,
    TOO_LARGE,
    XLSX,
    ZIP_BOMB,
    EvidenceNotFound,
    add_evidence,
    evidence_file,
    evidence_thumbnail,
    safe_download_name,
    sniff_type,
    zip_bomb,
)
from casework.people.roles import Role
from casework.records.audit import verify_chain
from casework.reference.taxonomy import seed_reference_data
from casework.settings import Settings
from db.engine import build_engine
from db.migrate import upgrade_to_head
from db.models import AuditEvent, Evidence, EvidenceBlob
from tests.conftest import ON_POSTGRES
from tests.factories import CAMPAIGN_NOW, advance, make_actor, make_case, make_desk

MB = 1024 * 1024
SETTINGS = Settings(evidence_max_bytes=25 * MB)
NOW = CAMPAIGN_NOW + timedelta(hours=1)
MISSING_ID = 999_999


# --- files, made here ------------------------------------------------------------------


def image(fmt: str = "PNG", size=(640, 400), mode: str = "RGB") -> bytes:
    picture = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 120))
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` pixels, with almost no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08free"


WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"
)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(44) + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
WORD_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SHEET_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def content_types(main_part: str, main_type: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/' + main_part.encode() + b'" ContentType="' + main_type + b'"/>'
        b"</Types>"
    )


def _docx_parts(archive: zipfile.ZipFile, main_type: bytes = WORD_TYPE) -> None:
    archive.writestr("[Content_Types].xml", content_types("word/document.xml", main_type))
    archive.writestr("_rels/.rels", b"<Relationships/>")
    archive.writestr(
        "word/document.xml", b"<w:document><w:body>Laporan patroli</w:body></w:document>"
    )


def zipped(fill, **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, **options) as archive:
        fill(archive)
    return buffer.getvalue()


def docx() -> bytes:
    return zipped(_docx_parts)


def xlsx() -> bytes:
    def fill(archive):
        archive.writestr("[Content_Types].xml", content_types("xl/workbook.xml", SHEET_TYPE))
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")

    return zipped(fill)


def odt() -> bytes:
    def fill(archive):
        archive.writestr("mimetype", ODT.encode(), compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b"<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", b"<manifest:manifest/>")

    return zipped(fill)


def docm() -> bytes:
    def fill(archive):
        _docx_parts(archive)
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")

    return zipped(fill)


def plain_zip() -> bytes:
    return zipped(lambda archive: archive.writestr("catatan.txt", b"bukan dokumen"))


@cache
def zip_bomb_docx() -> bytes:
    """A DOCX with one entry of 300 MB of zeros, written through a streaming writer so
    that the 300 MB never sit in memory at once (about 1.4 MB compressed)."""

    def fill(archive):
        _docx_parts(archive)
        chunk = bytes(MB)
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as entry:
            for _ in range(300):
                entry.write(chunk)

    return zipped(fill, compresslevel=1)


def crowded_docx() -> bytes:
    def fill(archive):
        _docx_parts(archive)
        for n in range(1001):
            archive.writestr(f"word/media/part{n}.xml", b"<x/>")

    return zipped(fill)


# --- fixtures and helpers --------------------------------------------------------------


@pytest.fixture
def case(session, desk):
    """A TikTok case filed by the desk's officer, still `new`."""
    return make_case(session, actor=desk.officer)


def referred(session, desk, case):
    return advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)


def attach(session, actor, case_id, data, name="bukti.png", settings=SETTINGS, **kwargs):
    return add_evidence(
        session=session,
        actor=actor,
        case_id=case_id,
        file_name=name,
        data=data,
        settings=settings,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def evidence_events(session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == "evidence_added")))


# --- accepted files --------------------------------------------------------------------

ACCEPTED = [
    ("screenshot.png", lambda: image("PNG"), "image/png"),
    ("foto.jpg", lambda: image("JPEG"), "image/jpeg"),
    ("animasi.gif", lambda: image("GIF"), "image/gif"),
    ("layar.webp", lambda: image("WEBP"), "image/webp"),
    ("iphone.heic", lambda: ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
    ("rekaman.mp4", lambda: ftyp(b"mp42", b"mp42", b"isom"), "video/mp4"),
    ("rekaman.mov", lambda: ftyp(b"qt  ", b"qt  "), "video/quicktime"),
    ("rekaman.m4v", lambda: ftyp(b"M4V ", b"M4V ", b"mp42"), "video/x-m4v"),
    ("siaran.webm", lambda: WEBM, "video/webm"),
    ("surat.pdf", lambda: PDF, "application/pdf"),
    (
        "catatan.txt",
        lambda: "Akun menyebar hoaks “surat suara tercoblos” — 11/2.\n".encode(),
        "text/plain",
    ),
    (
        "daftar.csv",
        lambda: b"tanggal;akun;tautan\n2024-02-11;@akun;https://x.com/a/1\n",
        "text/plain",
    ),
    ("laporan.docx", docx, DOCX),
    ("rekap.xlsx", xlsx, XLSX),
    ("laporan.odt", odt, ODT),
]


@pytest.mark.parametrize(("name", "build", "mime_type"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_an_accepted_file_is_stored_with_its_digest_size_and_type(
    session, desk, case, name, build, mime_type
):
    data = build()

    evidence = attach(session, desk.officer, case.id, data, name=name)

    assert (evidence.sha256, evidence.size, evidence.mime_type) == (
        hashlib.sha256(data).hexdigest(),
        len(data),
        mime_type,
    )
    assert evidence.file_name == name
    blob = session.get(EvidenceBlob, evidence.sha256)
    assert (blob.data, blob.size, blob.mime_type) == (data, len(data), mime_type)
    [event] = evidence_events(session)
    assert event.case_id == case.id
    assert event.detail["sha256"] == evidence.sha256
    assert (event.detail["size"], event.detail["type"]) == (len(data), mime_type)
    assert verify_chain(session).intact


@pytest.mark.parametrize(
    ("fmt", "mode", "thumbnail_format"),
    [("PNG", "RGB", "JPEG"), ("JPEG", "RGB", "JPEG"), ("PNG", "RGBA", "PNG")],
)
def test_an_image_gets_a_thumbnail_of_at_most_320_pixels(
    session, desk, case, fmt, mode, thumbnail_format
):
    evidence = attach(session, desk.officer, case.id, image(fmt, size=(1600, 900), mode=mode))

    thumbnail = evidence_thumbnail(session=session, actor=desk.officer, evidence_id=evidence.id)

    with Image.open(io.BytesIO(thumbnail)) as small:
        assert small.format == thumbnail_format
        assert small.size == (320, 180)


def test_a_file_that_is_not_an_image_has_no_thumbnail(session, desk, case):
    evidence = attach(session, desk.officer, case.id, PDF, name="surat.pdf")

    assert evidence_thumbnail(session=session, actor=desk.officer, evidence_id=evidence.id) is None


def test_the_download_returns_the_original_bytes_under_a_safe_name(session, desk, case):
    data = image("PNG")
    evidence = attach(session, desk.officer, case.id, data, name="../evil\u202egnp.exe")

    name, mime_type, body = evidence_file(
        session=session, actor=desk.officer, evidence_id=evidence.id
    )

    assert (name, mime_type, body) == ("evilgnp.png", "image/png", data)
    assert hashlib.sha256(body).hexdigest() == evidence.sha256


def test_the_capture_time_and_the_capturer_are_kept(session, desk, case):
    captured = CAMPAIGN_NOW - timedelta(hours=3)

    evidence = attach(session, desk.officer, case.id, PDF, name="a.pdf", captured_at=captured)

    assert (evidence.captured_at, evidence.captured_by_id) == (captured, desk.officer.user_id)


def test_a_capture_time_in_the_future_is_refused(session, desk, case):
    with pytest.raises(ValidationError) as refused:
        attach(session, desk.officer, case.id, PDF, captured_at=NOW + timedelta(hours=2))

    assert set(refused.value.field_errors) == {"captured_at"}
    assert count(session, Evidence) == 0


# --- refused files ---------------------------------------------------------------------

REFUSED = [
    ("an executable", "setup.exe", lambda: EXE, REFUSED_TYPE),
    ("an executable renamed", "foto.png", lambda: EXE, REFUSED_TYPE),
    ("HTML renamed to look like an image", "foto.png", lambda: HTML, REFUSED_TYPE),
    (
        "text with a script tag",
        "catatan.txt",
        lambda: b"Halo <script>alert(1)</script>",
        REFUSED_TYPE,
    ),
    ("SVG with a script", "logo.svg", lambda: SVG, REFUSED_TYPE),
    ("a plain ZIP", "arsip.zip", plain_zip, REFUSED_TYPE),
    ("a macro-enabled Word file", "laporan.docx", docm, REFUSED_TYPE),
    ("an AVIF image", "foto.avif", lambda: ftyp(b"avif", b"mif1", b"avif"), REFUSED_TYPE),
    ("Windows-1252 text", "catatan.txt", lambda: "Café résumé".encode("cp1252"), REFUSED_TYPE),
    ("random bytes", "data.bin", lambda: bytes(range(256)) * 4, REFUSED_TYPE),
    ("a zip bomb", "laporan.docx", zip_bomb_docx, ZIP_BOMB),
    ("a document of 1,001 parts", "laporan.docx", crowded_docx, ZIP_BOMB),
    (
        "an image decompression bomb",
        "foto.png",
        lambda: png_declaring(100_000, 100_000),
        IMAGE_BOMB,
    ),
    pytest.param(
        "an image just over Pillow's pixel limit",
        "foto.png",
        lambda: png_declaring(10_000, 10_000),
        IMAGE_BOMB,
        marks=pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
        id="an image just over Pillow's pixel limit",
    ),
    ("a truncated image", "foto.png", lambda: image("PNG")[:200], DAMAGED_IMAGE),
    (
        "a JPEG header on garbage",
        "foto.jpg",
        lambda: b"\xff\xd8\xff\xe0" + bytes(200),
        DAMAGED_IMAGE,
    ),
    ("an empty file", "kosong.png", lambda: b"", EMPTY),
]


@pytest.mark.parametrize(
    ("what", "name", "build", "message"),
    REFUSED,
    ids=[row[0] if isinstance(row, tuple) else row.id for row in REFUSED],
)
def test_a_refused_file_names_the_problem_and_leaves_no_rows(
    session, desk, case, what, name, build, message
):
    with pytest.raises(ValidationError) as refused:
        attach(session, desk.officer, case.id, build(), name=name)

    assert refused.value.field_errors == {"file": message}
    assert count(session, Evidence) == 0
    assert count(session, EvidenceBlob) == 0
    assert evidence_events(session) == []


def test_an_oversized_file_is_refused_with_the_limit_in_megabytes(session, desk, case):
    small = Settings(evidence_max_bytes=MB // 2)

    with pytest.raises(ValidationError) as refused:
        attach(session, desk.officer, case.id, PDF + bytes(MB // 2), name="a.pdf", settings=small)

    assert refused.value.field_errors == {"file": TOO_LARGE}
    assert refused.value.translated(translator("en")) == "Evidence files may be at most 0.5 MB."
    assert "0.5 MB" in refused.value.translated(translator("id"))
    assert count(session, EvidenceBlob) == 0


def test_a_file_exactly_at_the_limit_is_accepted(session, desk, case):
    data = PDF + bytes(1000 - len(PDF))

    evidence = attach(
        session, desk.officer, case.id, data, settings=Settings(evidence_max_bytes=1000)
    )

    assert evidence.size == 1000


@pytest.mark.parametrize(
    ("total", "limit", "bomb"),
    [(3000, 10_000, False), (3000, 2000, True)],
    ids=["fits", "too much"],
)
def test_a_document_unpacking_past_the_limit_is_a_bomb(total, limit, bomb):
    data = zipped(
        lambda archive: archive.writestr("word/document.xml", bytes(range(256)) * (total // 256))
    )

    assert zip_bomb(data, max_unpacked=limit) is bomb


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF89a", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"mif1", b"mif1"), "image/heif"),
        (ftyp(b"isom", b"isom", b"avc1"), "video/mp4"),
        (b"\x1a\x45\xdf\xa3\x42\x82\x88matroska", "video/x-matroska"),
        (b"\x1a\x45\xdf\xa3\x42\x82\x84abcd", None),
        (b"\x7fELF\x02\x01\x01", None),
        (b"PK\x03\x04 not really a zip", None),
        (b"\xef\xbb\xbfteks dengan BOM", "text/plain"),
        (b"  \n<html>", None),
        (b"teks\x00biner", None),
    ],
)
def test_the_type_comes_from_the_content(data, expected):
    assert sniff_type(data) == expected


# --- storing once ----------------------------------------------------------------------


def test_identical_bytes_on_two_cases_are_stored_once(session, desk, case):
    other = make_case(
        session,
        actor=desk.officer,
        urls=["https://www.tiktok.com/@akun.lain/video/7312345678901234999"],
    )
    data = image("JPEG")

    first = attach(session, desk.officer, case.id, data, name="a.jpg")
    second = attach(session, desk.officer, other.id, data, name="b.jpg")

    assert first.sha256 == second.sha256
    assert (first.case_id, second.case_id) == (case.id, other.id)
    assert count(session, EvidenceBlob) == 1
    assert count(session, Evidence) == 2


def test_the_same_file_twice_on_one_case_is_refused_politely(session, desk, case):
    data = image("PNG")
    attach(session, desk.officer, case.id, data)

    with pytest.raises(ValidationError) as refused:
        attach(session, desk.lead, case.id, data, name="lagi.png")

    assert refused.value.field_errors == {"file": ALREADY_ATTACHED}
    assert count(session, Evidence) == 1
    assert len(evidence_events(session)) == 1


def test_evidence_cannot_be_added_to_a_merged_case(session, desk, case):
    survivor = make_case(
        session,
        actor=desk.officer,
        urls=["https://www.tiktok.com/@akun.lain/video/7312345678901234888"],
    )
    cases.merge_case(
        session=session,
        actor=desk.lead,
        case_id=case.id,
        version=case.version,
        into_case_id=survivor.id,
        now=NOW,
    )

    with pytest.raises(ValidationError) as refused:
        attach(session, desk.officer, case.id, PDF)

    assert refused.value.field_errors == {"file": MERGED_CASE}


# --- who may add and read --------------------------------------------------------------


def test_a_liaison_upload_is_marked_as_the_platforms(session, desk, case):
    case = referred(session, desk, case)

    by_liaison = attach(session, desk.liaison, case.id, PDF, name="tanggapan.pdf")
    by_officer = attach(session, desk.officer, case.id, image("PNG"))

    assert by_liaison.uploaded_by_kind == "platform"
    assert by_officer.uploaded_by_kind == "supervisory"
    assert [e.detail["uploaded_by"] for e in evidence_events(session)] == [
        "platform",
        "supervisory",
    ]


def test_a_liaison_cannot_add_evidence_before_the_case_is_referred(session, desk, case):
    with pytest.raises(CaseNotFound):
        attach(session, desk.liaison, case.id, PDF)


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ADMIN, Role.REGULATOR])
def test_roles_that_handle_no_cases_cannot_add_evidence(session, case, caplog, role):
    actor = make_actor(session, role=role)
    caplog.set_level(logging.WARNING, logger="casework.desk.access")

    with pytest.raises(PermissionDenied):
        attach(session, actor, case.id, PDF)

    assert any("add_evidence" in record.getMessage() for record in caplog.records)
    assert count(session, EvidenceBlob) == 0


def test_a_case_out_of_scope_is_refused_like_a_missing_case(session, case):
    elsewhere = make_actor(session, role=Role.OFFICER, region_code="35")

    with pytest.raises(CaseNotFound) as out_of_scope:
        attach(session, elsewhere, case.id, PDF)
    with pytest.raises(CaseNotFound) as missing:
        attach(session, elsewhere, MISSING_ID, PDF)

    assert type(out_of_scope.value) is type(missing.value)
    assert str(out_of_scope.value) == str(missing.value)
    assert count(session, Evidence) == 0


@pytest.mark.parametrize("service", [evidence_file, evidence_thumbnail])
def test_a_file_out_of_scope_is_refused_like_a_missing_file(session, desk, case, service):
    evidence = attach(session, desk.officer, case.id, image("PNG"))
    elsewhere = make_actor(session, role=Role.OFFICER, region_code="35")
    observer = make_actor(session, role=Role.OBSERVER)

    refusals = []
    for actor, evidence_id in [
        (elsewhere, evidence.id),
        (observer, evidence.id),
        (elsewhere, MISSING_ID),
    ]:
        with pytest.raises(EvidenceNotFound) as refused:
            service(session=session, actor=actor, evidence_id=evidence_id)
        refusals.append(str(refused.value))

    assert len(set(refusals)) == 1


def test_a_liaison_reads_evidence_on_a_referred_case(session, desk, case):
    case = referred(session, desk, case)
    evidence = attach(session, desk.officer, case.id, PDF, name="surat.pdf")

    name, mime_type, body = evidence_file(
        session=session, actor=desk.liaison, evidence_id=evidence.id
    )

    assert (name, mime_type, body) == ("surat.pdf", "application/pdf", PDF)


# --- download names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mime_type", "expected"),
    [
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\petugas\\Desktop\\Tangkapan.PNG", "image/png", "Tangkapan.png"),
        ("evil\u202egnp.exe", "image/png", "evilgnp.png"),
        (
            "laporan\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d.pdf",
            "application/pdf",
            "laporan.pdf",
        ),
        ("zero\u200bwidth.pdf", "application/pdf", "zerowidth.pdf"),
        ('"quotes".png', "image/png", "quotes.png"),
        ("'single' and `back`.png", "image/png", "single and back.png"),
        ("a<b>c:d|e?f*g;h.pdf", "application/pdf", "a_b_c_d_e_f_g_h.pdf"),
        ("line\nbreak\ttab\x00nul.pdf", "application/pdf", "linebreaktabnul.pdf"),
        ("", "application/pdf", "evidence.pdf"),
        (None, "image/jpeg", "evidence.jpg"),
        ("...", "image/png", "evidence.png"),
        (".hidden.png", "image/png", "hidden.png"),
        ("   spasi   ganda   .mov", "video/quicktime", "spasi ganda.mov"),
        ("foto.jpeg", "image/jpeg", "foto.jpeg"),
        ("daftar.csv", "text/plain", "daftar.csv"),
        ("virus.exe", "image/png", "virus.png"),
        ("faktur.pdf.exe", "application/pdf", "faktur_pdf.pdf"),
        ("double.exe.png", "image/png", "double_exe.png"),
        ("Laporan 10.30 WIB", "application/pdf", "Laporan 10_30 WIB.pdf"),
        ("CON.txt", "text/plain", "_CON.txt"),
        ("lpt1", "text/plain", "_lpt1.txt"),
        ("Bukti ✓ pelanggaran.png", "image/png", "Bukti ✓ pelanggaran.png"),
        ("unknown.bin", "application/x-unknown", "unknown.bin"),
    ],
)
def test_download_names_are_sanitised(name, mime_type, expected):
    assert safe_download_name(name, mime_type) == expected


@pytest.mark.parametrize("name", ["a" * 500, "a" * 500 + ".png", "é" * 300 + ".exe", "." * 500])
def test_a_long_name_is_cut_to_120_characters_and_keeps_the_extension(name):
    safe = safe_download_name(name, "image/png")

    assert 5 <= len(safe) <= 120
    assert safe.endswith(".png")


# --- uploads at the same moment --------------------------------------------------------


@pytest.fixture
def shared_engine(request, tmp_path):
    """A migrated, seeded database that threads reach through separate connections: a
    file for SQLite (the in-memory one shares a single connection), the test schema on
    PostgreSQL."""
    if ON_POSTGRES:
        engine = request.getfixturevalue("engine")
    else:
        engine = build_engine(f"sqlite:///{tmp_path}/evidence.db")
        upgrade_to_head(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    yield engine
    if not ON_POSTGRES:
        engine.dispose()


def test_the_same_bytes_uploaded_at_once_are_stored_once_and_attached_once_per_case(
    shared_engine,
):
    with Session(shared_engine, expire_on_commit=False) as session:
        desk = make_desk(session)
        case_ids = [
            make_case(
                session,
                actor=desk.officer,
                urls=[f"https://www.tiktok.com/@akun.contoh/video/73123456789012345{n}0"],
            ).id
            for n in range(3)
        ]
    data = image("PNG")
    racers = 6  # two uploads for each case
    start = threading.Barrier(racers)
    results: list[object] = [None] * racers

    def upload(i: int) -> None:
        start.wait()
        with Session(shared_engine, expire_on_commit=False) as session:
            try:
                results[i] = attach(session, desk.officer, case_ids[i % 3], data).id
            except Exception as error:  # collected, asserted on below
                results[i] = error

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    refusals = [r for r in results if isinstance(r, Exception)]
    assert len(refusals) == 3, results
    assert all(r.field_errors == {"file": ALREADY_ATTACHED} for r in refusals), refusals
    with Session(shared_engine) as session:
        assert count(session, EvidenceBlob) == 1
        attached = session.exec(select(Evidence.case_id)).all()
        assert sorted(attached) == sorted(case_ids)
        assert verify_chain(session).intact
