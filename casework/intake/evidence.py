"""Evidence files: what a file is (decided by its bytes, never by its name), the checks
that keep hostile files out, content-addressed storage, and safe download names."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from datetime import datetime, timedelta

from babel.numbers import format_decimal
from PIL import Image, ImageOps
from sqlalchemy import text
from sqlmodel import Session, select

from casework.capture.similar import perceptual_hash
from casework.desk.access import log_denied
from casework.desk.case_access import load_case
from casework.desk.workflow import Status
from casework.errors import CaseNotFound, PermissionDenied, ValidationError
from casework.i18n import N_
from casework.intake.archives import ArchiveLimits, NotAnArchive, unpacks_too_much
from casework.people.actors import Actor, case_scope
from casework.people.permissions import may_add_evidence  # noqa: F401  (re-exported)
from casework.records.audit import record_event
from casework.settings import Settings
from casework.uow import service
from db.engine import begin_write
from db.models import Case, Evidence, EvidenceBlob
from db.types import utcnow

MEGABYTE = 1024 * 1024
THUMBNAIL_SIZE = 320
# ZIP-based documents: limits that refuse zip bombs without opening any entry.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_RATIO = 100
MAX_UNPACKED_BYTES = 200 * MEGABYTE
UNPACKED_PER_ALLOWED_BYTE = 50

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

# Every accepted type with the file extensions it may carry; the first is the default.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "image/heif": (".heif", ".heic"),
    "video/mp4": (".mp4",),
    "video/x-m4v": (".m4v", ".mp4"),
    "video/quicktime": (".mov",),
    "video/webm": (".webm",),
    "video/x-matroska": (".mkv",),
    "application/pdf": (".pdf",),
    "text/plain": (".txt", ".csv", ".tsv", ".log"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    ODT: (".odt",),
}
ACCEPTED_TYPES = frozenset(EXTENSIONS)
# Files only Pantau's own capture makes (casework.capture); never accepted as uploads.
CAPTURE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/warc": (".warc",),
    "application/x-cdxj": (".cdxj",),
    "application/json": (".json",),
}
# The types Pillow reads without plugins, by the format name it reports.
PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}

REFUSED_TYPE = N_(
    "This kind of file is not accepted. Upload a screenshot (PNG, JPEG, GIF, WebP, HEIC), "
    "a recording (MP4, MOV, WebM, MKV), a PDF, a text or CSV file, or a Word, Excel or "
    "OpenDocument text document."
)
TOO_LARGE = N_("This file is too large.")
TOO_LARGE_DETAIL = N_("Evidence files may be at most {limit} MB.")
EMPTY = N_("This file is empty.")
ZIP_BOMB = N_(
    "This document would unpack to far more data than its size suggests, so it was refused."
)
IMAGE_BOMB = N_("This image has too many pixels to process safely.")
DAMAGED_IMAGE = N_("This image is damaged or incomplete.")
ALREADY_ATTACHED = N_("This file is already attached to this case.")
MERGED_CASE = N_("This case was merged into another case; add the evidence there.")
FUTURE_CAPTURE = N_("The capture time cannot be in the future.")
NAIVE_CAPTURE = N_("Give the capture time with its time zone.")


class EvidenceNotFound(CaseNotFound):
    """A missing evidence file and one on a case the actor may not see look the same."""

    msgid = N_("No evidence file with that reference is available to you.")


# --- what a file is --------------------------------------------------------------------

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash"}
_M4V_BRANDS = {b"M4V ", b"M4VH", b"M4VP"}
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*(html|head|body|script|svg|iframe|object|embed|!doctype|\?xml)\b", re.I)


def sniff_type(data: bytes) -> str | None:
    """The MIME type of an accepted evidence file, decided by its content alone; None for
    anything else (executables, HTML, SVG, plain archives, unknown binaries)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return _iso_media_type(data)
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        head = data[:64]
        return (
            "video/webm" if b"webm" in head else "video/x-matroska" if b"matroska" in head else None
        )
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_document_type(data)
    return "text/plain" if _is_plain_text(data) else None


def _iso_media_type(data: bytes) -> str | None:
    """ISO base media files (HEIF images, MP4 and QuickTime video) by their `ftyp` brands."""
    box_size = int.from_bytes(data[:4], "big")
    if box_size < 16 or box_size > min(len(data), 4096):
        return None
    major = data[8:12]
    brands = {major} | {data[i : i + 4] for i in range(16, box_size - 3, 4)}
    if major in _HEIC_BRANDS:
        return "image/heic"
    if major in _HEIF_BRANDS:
        # AVIF shares the HEIF container but is not a type we accept.
        if b"avif" in brands or b"avis" in brands:
            return None
        return "image/heic" if brands & _HEIC_BRANDS else "image/heif"
    if major == b"qt  ":
        return "video/quicktime"
    if major in _M4V_BRANDS:
        return "video/x-m4v"
    if major in _MP4_BRANDS or (brands & _MP4_BRANDS and not brands & {b"avif", b"avis"}):
        return "video/mp4"
    return None


def _zip_document_type(data: bytes) -> str | None:
    """DOCX, XLSX or ODT, recognised by the entries their formats require; any other ZIP
    (and any document that carries macros) is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Bounded reads: the entry itself could be a bomb.
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).strip()
                return ODT if declared == ODT.encode() else None
            if "[Content_Types].xml" not in names:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            with archive.open("[Content_Types].xml") as entry:
                content_types = entry.read(MEGABYTE)
    except Exception:  # damaged, encrypted, odd compression: not a document we accept
        return None
    if b"macroEnabled" in content_types:
        return None
    if "word/document.xml" in names and b"wordprocessingml.document.main+xml" in content_types:
        return DOCX
    if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main+xml" in content_types:
        return XLSX
    return None


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 text without control characters and without markup a browser would run."""
    if _CONTROL.search(data):
        return False
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    head = decoded[:4096]
    return not head.lstrip().startswith("<") and not _MARKUP.search(head)


def zip_bomb(data: bytes, *, max_unpacked: int) -> bool:
    """Whether a ZIP-based document would unpack to too much: more than `max_unpacked`
    bytes in all, an entry compressed more than 100:1, or more than 1,000 entries. Reads
    the central directory only; no entry is decompressed."""
    limits = ArchiveLimits(
        max_entries=MAX_ZIP_ENTRIES, max_unpacked=max_unpacked, max_ratio=MAX_ZIP_RATIO
    )
    try:
        return unpacks_too_much(data, limits)
    except NotAnArchive:
        return True


def image_thumbnail(data: bytes, mime_type: str) -> bytes | None:
    """Verify an image and return a thumbnail (at most 320 px, JPEG, or PNG when the image
    has transparency). Raises ValidationError for a damaged image or a decompression bomb.
    None for types Pillow cannot read without plugins (HEIC/HEIF)."""
    expected_format = PILLOW_FORMATS.get(mime_type)
    if expected_format is None:
        return None
    max_pixels = Image.MAX_IMAGE_PIXELS or 89_478_485
    try:
        with Image.open(io.BytesIO(data), formats=[expected_format]) as probe:
            if probe.format != expected_format:
                raise ValidationError({"file": DAMAGED_IMAGE}, DAMAGED_IMAGE)
            # Image.open only warns between the limit and twice the limit; refuse there too.
            if probe.width * probe.height > max_pixels:
                raise ValidationError({"file": IMAGE_BOMB}, IMAGE_BOMB)
            probe.verify()
        # verify() leaves the image unusable: open it again to draw the thumbnail.
        with Image.open(io.BytesIO(data), formats=[expected_format]) as image:
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
            buffer = io.BytesIO()
            if transparent:
                picture.convert("RGBA").save(buffer, format="PNG", optimize=True)
            else:
                picture.convert("RGB").save(buffer, format="JPEG", quality=80, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError({"file": IMAGE_BOMB}, IMAGE_BOMB) from error
    except ValidationError:
        raise
    except Exception as error:  # a hostile file can trip any parser error, not only OSError
        raise ValidationError({"file": DAMAGED_IMAGE}, DAMAGED_IMAGE) from error
    return buffer.getvalue()


def check_file(data: bytes, *, settings: Settings) -> tuple[str, bytes | None]:
    """The sniffed type of an evidence file and its thumbnail, or a ValidationError naming
    what is wrong with it. Pure computation: no database."""
    if not data:
        raise ValidationError({"file": EMPTY}, EMPTY)
    if len(data) > settings.evidence_max_bytes:
        raise ValidationError(
            {"file": TOO_LARGE}, TOO_LARGE_DETAIL, limit=megabytes(settings.evidence_max_bytes)
        )
    mime_type = sniff_type(data)
    if mime_type is None:
        raise ValidationError({"file": REFUSED_TYPE}, REFUSED_TYPE)
    if mime_type in (DOCX, XLSX, ODT):
        max_unpacked = min(
            UNPACKED_PER_ALLOWED_BYTE * settings.evidence_max_bytes, MAX_UNPACKED_BYTES
        )
        if zip_bomb(data, max_unpacked=max_unpacked):
            raise ValidationError({"file": ZIP_BOMB}, ZIP_BOMB)
    return mime_type, image_thumbnail(data, mime_type)


def megabytes(size: int, language: str = "en") -> str:
    """A byte count in MB for messages with the language's decimal sign: `25`, `1.5`
    (`1,5` in Indonesian), never `0`."""
    return format_decimal(max(size / MEGABYTE, 0.01), format="#,##0.##", locale=language)


# --- download names --------------------------------------------------------------------

_PATH_SEPARATOR = re.compile(r"[/\\]")
_QUOTES = re.compile("[\"'`\u2018\u2019\u201c\u201d]")
_RESERVED = re.compile(r"[<>:|?*;]")
_SPACES = re.compile(r"\s+")
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}  # controls, bidi and zero-width marks, …
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(10)
}
MAX_NAME_LENGTH = 120
FALLBACK_STEM = "evidence"


def safe_download_name(name: str | None, mime_type: str) -> str:
    """A file name safe to offer for download on any system: no path, no control,
    direction-override or zero-width characters, no quotes or reserved characters, at most
    120 characters, never empty, and ending in the extension of the sniffed type (a PNG
    named `.exe` downloads as `.png`)."""
    extensions = EXTENSIONS.get(mime_type) or CAPTURE_EXTENSIONS.get(mime_type, (".bin",))
    cleaned = unicodedata.normalize("NFC", name or "")
    cleaned = _PATH_SEPARATOR.split(cleaned)[-1]
    cleaned = "".join(
        " " if unicodedata.category(c) in ("Zl", "Zp") else c
        for c in cleaned
        if unicodedata.category(c) not in _DROPPED_CATEGORIES
    )
    cleaned = _RESERVED.sub("_", _QUOTES.sub("", cleaned))
    cleaned = _SPACES.sub(" ", cleaned).strip(" .-")
    stem, dot, suffix = cleaned.rpartition(".")
    extension = f".{suffix.lower()}"
    if not dot:
        stem, extension = cleaned, extensions[0]
    elif extension not in extensions:
        # A short alphanumeric suffix is an extension to replace; anything else is part
        # of the name (`Laporan 10.30 WIB`).
        if not (suffix.isascii() and suffix.isalnum() and len(suffix) <= 5):
            stem = cleaned
        extension = extensions[0]
    # Inner dots would hide a second extension on systems that hide the last one.
    stem = stem.replace(".", "_").strip(" _-")
    if stem.upper() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" _-") or FALLBACK_STEM
    return stem + extension


# --- services --------------------------------------------------------------------------


def _lock_digest(session: Session, sha256: str) -> None:
    """Serialise uploads of the same bytes on PostgreSQL, so two at once cannot both
    insert the blob or both attach it to one case. SQLite's write lock already does."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(bytes.fromhex(sha256)[:8], "big", signed=True)
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@service
def add_evidence(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    file_name: str | None,
    data: bytes,
    captured_at: datetime | None = None,
    settings: Settings,
    now: datetime | None = None,
) -> Evidence:
    """Attach a file to a case, by an officer or lead of the supervisory body or by the
    liaison of the case's platform. The type is decided by content; identical bytes are
    stored once however many cases cite them."""
    if not may_add_evidence(actor):
        log_denied(actor, "add_evidence", case_id=case_id)
        raise PermissionDenied()
    now = now or utcnow()
    if captured_at is not None:
        if captured_at.tzinfo is None:
            raise ValidationError({"captured_at": NAIVE_CAPTURE}, NAIVE_CAPTURE)
        # A few minutes of grace for a phone clock running ahead.
        if captured_at > now + timedelta(minutes=5):
            raise ValidationError({"captured_at": FUTURE_CAPTURE}, FUTURE_CAPTURE)
    # The bytes are checked before the write transaction starts, so SQLite's write lock
    # is not held while an image decodes.
    mime_type, thumbnail = check_file(data, settings=settings)
    image_hash = perceptual_hash(data, mime_type)
    sha256 = hashlib.sha256(data).hexdigest()
    begin_write(session)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted="add_evidence")
    if case.status == Status.MERGED:
        raise ValidationError({"file": MERGED_CASE}, MERGED_CASE)
    evidence = store_evidence(
        session,
        case_id=case.id,
        data=data,
        sha256=sha256,
        file_name=file_name,
        mime_type=mime_type,
        thumbnail=thumbnail,
        perceptual_hash=image_hash,
        captured_by_id=actor.user_id,
        captured_at=captured_at,
        uploaded_by_kind=str(actor.organisation_kind),
        now=now,
    )
    return evidence


def store_evidence(
    session: Session,
    *,
    case_id: int,
    data: bytes,
    sha256: str,
    file_name: str | None,
    mime_type: str,
    thumbnail: bytes | None,
    perceptual_hash: str | None,
    captured_by_id: int | None,
    captured_at: datetime | None,
    uploaded_by_kind: str,
    now: datetime,
    capture_id: int | None = None,
) -> Evidence:
    """Store checked bytes once (by SHA-256) and attach them to a case with an
    `evidence_added` event, inside the caller's write transaction; the caller commits.
    Refuses bytes already attached to the case."""
    _lock_digest(session, sha256)
    attached = select(Evidence.id).where(Evidence.case_id == case_id, Evidence.sha256 == sha256)
    if session.exec(attached).first() is not None:
        raise ValidationError({"file": ALREADY_ATTACHED}, ALREADY_ATTACHED)
    stored = select(EvidenceBlob.sha256).where(EvidenceBlob.sha256 == sha256)
    if session.exec(stored).first() is None:
        session.add(
            EvidenceBlob(
                sha256=sha256,
                size=len(data),
                mime_type=mime_type,
                data=data,
                thumbnail=thumbnail,
                perceptual_hash=perceptual_hash,
                created_at=now,
            )
        )
        session.flush()
    evidence = Evidence(
        case_id=case_id,
        sha256=sha256,
        file_name=safe_download_name(file_name, mime_type),
        mime_type=mime_type,
        size=len(data),
        captured_by_id=captured_by_id,
        captured_at=captured_at,
        uploaded_by_kind=uploaded_by_kind,
        capture_id=capture_id,
        created_at=now,
    )
    session.add(evidence)
    session.flush()
    detail = {
        "evidence_id": evidence.id,
        "sha256": sha256,
        "size": len(data),
        "type": mime_type,
        "uploaded_by": evidence.uploaded_by_kind,
    }
    if capture_id is not None:
        detail["capture_id"] = capture_id
    record_event(
        session,
        action="evidence_added",
        actor_id=captured_by_id,
        case_id=case_id,
        at=now,
        detail=detail,
    )
    return evidence


def _visible_evidence(session: Session, actor: Actor, evidence_id: int) -> Evidence:
    query = (
        select(Evidence)
        .join(Case, Case.id == Evidence.case_id)
        .where(Evidence.id == evidence_id, case_scope(actor))
    )
    evidence = session.exec(query).first()
    if evidence is None:
        log_denied(actor, "read_evidence", evidence_id=evidence_id)
        raise EvidenceNotFound()
    return evidence


def evidence_file(*, session: Session, actor: Actor, evidence_id: int) -> tuple[str, str, bytes]:
    """The download name, MIME type and bytes of an evidence file on a case `actor` may
    see. Missing and out-of-scope files look the same."""
    evidence = _visible_evidence(session, actor, evidence_id)
    data = session.exec(
        select(EvidenceBlob.data).where(EvidenceBlob.sha256 == evidence.sha256)
    ).one()
    return safe_download_name(evidence.file_name, evidence.mime_type), evidence.mime_type, data


def evidence_thumbnail(*, session: Session, actor: Actor, evidence_id: int) -> bytes | None:
    """The thumbnail (JPEG or PNG bytes) of an image on a case `actor` may see, or None
    when the file is not an image Pantau can draw."""
    evidence = _visible_evidence(session, actor, evidence_id)
    return session.exec(
        select(EvidenceBlob.thumbnail).where(EvidenceBlob.sha256 == evidence.sha256)
    ).one()
