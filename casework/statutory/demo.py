"""The demo's statutory showcase: a laporan filed by the West Java office, registered,
and forwarded up to Bawaslu RI (the hierarchy path), through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from casework.desk.cases import file_report, start_review
from casework.desk.schemas import ReportIn
from casework.people.actors import actor_for
from casework.statutory.forwarding import forward_up
from casework.statutory.kajian import register_laporan
from casework.uow import unit_of_work
from db.models import Case, User

SHOWCASE_TITLE = "Laporan masyarakat: video ASN mengajak memilih calon tertentu"


def seed_statutory_showcase(session: Session, *, regional_officer: int, now: datetime) -> None:
    """File the showcase laporan once (idempotent) and forward it up to Bawaslu RI, in
    one unit of work."""
    with unit_of_work(session):
        _seed(session, regional_officer=regional_officer, now=now)


def _seed(session: Session, *, regional_officer: int, now: datetime) -> None:
    if session.exec(select(Case.id).where(Case.title == SHOWCASE_TITLE)).first() is not None:
        return
    actor = actor_for(session, regional_officer)
    national = session.exec(select(User).where(User.username == "demo.officer")).first()
    if national is not None:
        # The national officer is the designated referrer when the hierarchy rule is on.
        national.designated_referrer = True
        session.add(national)
    start = now - timedelta(hours=6)
    case = file_report(
        session=session,
        actor=actor,
        report=ReportIn(
            title=SHOWCASE_TITLE,
            description="Pelapor melihat video seorang ASN di Bandung yang mengajak "
            "warga memilih calon tertentu, diunggah saat masa kampanye.",
            platform_code="tiktok",
            urls=["https://www.tiktok.com/@contoh.asn/video/7312345678900000001"],
            category_code="neutrality_breach",
            source="public_complaint",
            intake_type="laporan",
            reporter_name="Dewi Lestari",
            reporter_contact="dewi@example.org",
            terlapor_name="Pegawai Dinas (inisial AS)",
            terlapor_status="asn",
            incident_at=start - timedelta(days=1),
            incident_place="Kota Bandung",
            known_since=(start - timedelta(days=1)).date(),
            province_code="32",
            regency_code="32.73",
        ),
        now=start,
    )
    case = start_review(
        session=session, actor=actor, case_id=case.id, version=case.version, now=start
    )
    case = register_laporan(
        session=session,
        actor=actor,
        case_id=case.id,
        version=case.version,
        note="Syarat formal dan materiel terpenuhi.",
        now=start + timedelta(hours=1),
    )
    forward_up(
        session=session,
        actor=actor,
        case_id=case.id,
        version=case.version,
        note="Diteruskan berjenjang ke Bawaslu RI untuk permohonan kepada Komdigi.",
        now=start + timedelta(hours=2),
    )
