"""Case rows as the API shows them, and the list's opaque cursor."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from casework.desk.case_view import CaseRecord
from casework.errors import ValidationError
from casework.i18n import N_
from db.models import Case, Evidence
from web.api import models as m

BAD_CURSOR = N_("This cursor is not one this API gave out.")
BAD_TIME = N_("Give a time with its zone, between the years 2000 and 2100.")


def summary(case: Case) -> m.CaseSummary:
    return m.CaseSummary(
        id=case.id,
        reference=case.reference,
        version=case.version,
        status=case.status,
        title=case.title,
        platform=case.platform_code,
        category=case.category_code,
        priority=case.priority,
        province=case.province_code,
        regency=case.regency_code,
        account_handle=case.account_handle,
        outcome=case.outcome,
        created_at=case.created_at,
        updated_at=case.updated_at,
        referred_at=case.referred_at,
        acknowledged_at=case.acknowledged_at,
        decided_at=case.decided_at,
        closed_at=case.closed_at,
        sla_due_at=case.sla_due_at,
    )


def evidence_out(row: Evidence) -> m.EvidenceOut:
    return m.EvidenceOut(
        id=row.id,
        file_name=row.file_name,
        mime_type=row.mime_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by_kind,
        captured_at=row.captured_at,
        created_at=row.created_at,
    )


def detail(record: CaseRecord) -> m.CaseDetail:
    case = record.case
    return m.CaseDetail(
        **summary(case).model_dump(),
        description=case.description,
        account_class=case.account_class,
        content_type=case.content_type,
        source=case.source,
        legal_ground=case.legal_ground,
        election=case.election_code,
        phase=case.phase,
        posted_at=case.posted_at,
        first_seen_at=case.first_seen_at,
        reach=case.reach,
        report_count=case.report_count,
        reporter_name=case.reporter_name,
        reporter_contact=case.reporter_contact,
        intake_type=case.intake_type,
        statutory_stage=case.statutory_stage,
        sla=m.SlaOut(
            state=record.clock.state,
            due_at=record.clock.due_at,
            paused_seconds=int(record.clock.paused_for.total_seconds()),
        ),
        urls=[
            m.UrlOut(
                url=u.url,
                canonical_key=u.canonical_key,
                platform=u.platform_code,
                needs_review=u.needs_review,
            )
            for u in record.urls
        ],
        evidence=[evidence_out(e) for e in record.evidence],
        decisions=[
            m.DecisionOut(**d.model_dump(include=set(m.DecisionOut.model_fields)))
            for d in record.decisions
        ],
        comments=[
            m.CommentOut(
                id=c.id,
                visibility=c.visibility,
                organisation_id=c.organisation_id,
                body=c.body,
                created_at=c.created_at,
            )
            for c in record.comments
        ],
        allowed_actions=[str(a) for a in record.actions],
    )


def utc(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not 2000 <= value.year <= 2100:
        raise ValidationError({field: BAD_TIME})
    return value.astimezone(UTC)


def encode_cursor(after: tuple[datetime, int] | None) -> str | None:
    if after is None:
        return None
    raw = f"{after[0].astimezone(UTC).isoformat()}|{after[1]}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, case_id = raw.split("|")
        # A forged cursor at the edge of the calendar overflows in the conversion, and an
        # id past 2^63 overflows in the database: both are a bad cursor, not a 500.
        moment, number = datetime.fromisoformat(at), int(case_id)
        if moment.tzinfo is None or not 2000 <= moment.year <= 2100:
            raise ValueError(at)
        if not 0 <= number < 2**63:
            raise ValueError(case_id)
        return moment.astimezone(UTC), number
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error) as error:
        raise ValidationError({"cursor": BAD_CURSOR}) from error
