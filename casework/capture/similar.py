"""Near-identical images across cases: the same video reposted under another link or by
another account shows the same frame. Each screenshot and uploaded image keeps its
perceptual hash (imagehash's pHash, 64 bits); two images whose hashes differ in at most
`near_duplicate_distance` bits are suggested as related, with the distance shown."""

from __future__ import annotations

import io
from dataclasses import dataclass

import imagehash
from PIL import Image
from sqlmodel import Session, select

from casework.desk.cases import load_case
from casework.people.actors import Actor, case_scope
from casework.settings import Settings
from db.models import Case, Evidence, EvidenceBlob

HASHED_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# A full-page screenshot can be very tall; its first screens are what a repost shares.
HASH_TOP_PIXELS = 2400
MAX_SUGGESTIONS = 10


def perceptual_hash(data: bytes, mime_type: str) -> str | None:
    """The pHash of an image as 16 hex digits, or None for anything that is not an image
    Pillow reads (the bytes are already checked by the evidence rules)."""
    if mime_type not in HASHED_TYPES:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (512, 512))  # JPEG decodes at a fraction of its size
            picture = image.convert("RGB")
            if picture.height > HASH_TOP_PIXELS:
                picture = picture.crop((0, 0, picture.width, HASH_TOP_PIXELS))
            return str(imagehash.phash(picture))
    except Exception:  # a hostile or damaged file: no hash, never a failed upload
        return None


def distance(first: str, second: str) -> int:
    """Bits in which two hashes differ."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


@dataclass(frozen=True)
class SimilarCase:
    case_id: int
    reference: str
    title: str
    status: str
    platform_code: str
    distance: int


def similar_cases(
    *, session: Session, actor: Actor, case_id: int, settings: Settings
) -> list[SimilarCase]:
    """Cases `actor` may see with an image near-identical to one of this case's, nearest
    first. The scan reads only the hashes (16 characters a row); docs/decisions.md says
    when it would want an index of hash bands instead."""
    load_case(session=session, actor=actor, case_id=case_id)
    own = set(
        session.exec(
            select(EvidenceBlob.perceptual_hash)
            .join(Evidence, Evidence.sha256 == EvidenceBlob.sha256)
            .where(Evidence.case_id == case_id, EvidenceBlob.perceptual_hash.is_not(None))
        ).all()
    )
    if not own:
        return []
    others = session.exec(
        select(
            Case.id,
            Case.reference,
            Case.title,
            Case.status,
            Case.platform_code,
            EvidenceBlob.perceptual_hash,
        )
        .join(Evidence, Evidence.case_id == Case.id)
        .join(EvidenceBlob, EvidenceBlob.sha256 == Evidence.sha256)
        .where(Case.id != case_id, EvidenceBlob.perceptual_hash.is_not(None), case_scope(actor))
    ).all()
    own_values = [int(h, 16) for h in own]
    best: dict[int, SimilarCase] = {}
    for other_id, reference, title, status, platform, digest in others:
        value = int(digest, 16)
        nearest = min((value ^ mine).bit_count() for mine in own_values)
        if nearest > settings.near_duplicate_distance:
            continue
        if other_id not in best or nearest < best[other_id].distance:
            best[other_id] = SimilarCase(other_id, reference, title, status, platform, nearest)
    return sorted(best.values(), key=lambda c: (c.distance, -c.case_id))[:MAX_SUGGESTIONS]
