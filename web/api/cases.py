"""Case routes: list, read, act, comment, upload evidence, file. Each parses input,
calls one `casework` service with the token's actor, and shapes the answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from sqlmodel import Session

from casework.desk import cases as services
from casework.desk.actions import take_action
from casework.desk.case_view import load_case_record
from casework.desk.queries import CaseFilters, case_id_for_reference, cases_changed_since
from casework.desk.schemas import DecisionIn, ReportIn
from casework.desk.workflow import Action
from casework.errors import ValidationError
from casework.i18n import N_
from casework.intake.evidence import add_evidence
from casework.outbox.api_tokens import TokenHolder
from casework.records import dsa_inbound
from casework.records.exports import record_list_read
from casework.reference.places import resolve_region
from db.models import Evidence
from web.api import models as m
from web.api.deps import act_on_cases, get_session, read_cases
from web.api.errors import ERRORS
from web.api.shapes import decode_cursor, detail, encode_cursor, evidence_out, summary, utc

router = APIRouter(prefix="/cases", tags=["cases"])

Reference = Annotated[
    str, Path(max_length=32, pattern=r"^[A-Za-z0-9-]+$", examples=["PAN-2024-000123"])
]
Codes = Annotated[list[Annotated[str, Query(max_length=64, pattern=m.NO_NUL)]], Query()]


def _record(session: Session, found: TokenHolder, case_id: int) -> m.CaseDetail:
    session.expire_all()
    return detail(load_case_record(session=session, actor=found.actor, case_id=case_id))


def _case_id(session: Session, found: TokenHolder, reference: str) -> int:
    return case_id_for_reference(session=session, actor=found.actor, reference=reference)


# --- reading ----------------------------------------------------------------------------


@router.get("", response_model=m.CaseList, responses=ERRORS, summary="List cases")
def list_cases(
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(read_cases),
    status: Codes = (),
    platform: Codes = (),
    category: Codes = (),
    province: Codes = (),
    priority: Codes = (),
    updated_since: Annotated[
        datetime | None, Query(description="Only cases changed at or after this time.")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> m.CaseList:
    """The cases this token may see (a platform's: those referred to its platforms),
    oldest change first. Follow `next_cursor` until it is null; keep the last
    `updated_at` to ask for `updated_since` next time."""
    filters = CaseFilters(
        statuses=tuple(status),
        platforms=tuple(platform),
        categories=tuple(category),
        provinces=tuple(resolve_region(session, p, level="province") or p for p in province),
        priorities=tuple(priority),
    )
    since = utc(updated_since, "updated_since")
    page = cases_changed_since(
        session=session,
        actor=found.actor,
        filters=filters,
        updated_since=since,
        after=decode_cursor(cursor),
        limit=limit,
    )
    # Every page a tool reads is an export of case data: it leaves a trace like a download.
    record_list_read(
        session=session,
        actor=found.actor,
        kind="api_case_list",
        filters={"filters": filters, "updated_since": since, "cursor": bool(cursor)},
        rows=len(page.rows),
    )
    return m.CaseList(
        items=[summary(row) for row in page.rows], next_cursor=encode_cursor(page.next_after)
    )


@router.get("/{reference}", response_model=m.CaseDetail, responses=ERRORS, summary="Read a case")
def read_case(
    reference: Reference,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(read_cases),
) -> m.CaseDetail:
    """One case with its links, evidence, decisions and the comments this token may
    read. A case outside the token's scope is a 404, exactly like a missing one."""
    return _record(session, found, _case_id(session, found, reference))


# --- acting -----------------------------------------------------------------------------


def _act(session, found, reference, action: Action | Callable, version: int, **inputs):
    """Run `action` (a lifecycle action, or a service built on one) on the case named by
    `reference` and answer with the case as the token now reads it."""
    case_id = _case_id(session, found, reference)
    run = partial(take_action, action=action) if isinstance(action, Action) else action
    run(session=session, actor=found.actor, case_id=case_id, version=version, **inputs)
    return _record(session, found, case_id)


@router.post(
    "/{reference}/acknowledge", response_model=m.CaseDetail, responses=ERRORS, summary="Acknowledge"
)
def acknowledge(
    reference: Reference,
    body: m.VersionIn,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CaseDetail:
    """The platform confirms receipt of a referred case."""
    return _act(session, found, reference, Action.ACKNOWLEDGE, body.version)


@router.post(
    "/{reference}/information-requests",
    response_model=m.CaseDetail,
    responses=ERRORS,
    summary="Request information",
)
def request_information(
    reference: Reference,
    body: m.QuestionIn,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CaseDetail:
    """The platform asks the officer a question; the deadline pauses until answered."""
    return _act(
        session,
        found,
        reference,
        Action.REQUEST_INFORMATION,
        body.version,
        question=body.question,
    )


@router.post(
    "/{reference}/information-answers",
    response_model=m.CaseDetail,
    responses=ERRORS,
    summary="Answer a request for information",
)
def provide_information(
    reference: Reference,
    body: m.AnswerIn,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CaseDetail:
    """The supervisory body answers the platform's question; the deadline resumes."""
    return _act(
        session, found, reference, Action.PROVIDE_INFORMATION, body.version, answer=body.answer
    )


@router.post(
    "/{reference}/decision",
    response_model=m.CaseDetail,
    responses=ERRORS,
    summary="Record a decision",
)
def record_decision(
    reference: Reference,
    body: m.DecisionBody,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CaseDetail:
    """The platform records what it did and why, in Pantau's words."""
    values = body.model_dump(exclude={"version"})
    values["decided_at"] = utc(body.decided_at, "decided_at")
    if isinstance(body.automated_decision, bool):
        values["automated_decision"] = "fully" if body.automated_decision else "not_automated"
    return _act(
        session,
        found,
        reference,
        Action.RECORD_DECISION,
        body.version,
        decision=DecisionIn(**values),
    )


@router.post(
    "/{reference}/statement-of-reasons",
    response_model=m.CaseDetail,
    responses=ERRORS,
    summary="Record a decision as a DSA statement of reasons",
)
def record_statement_of_reasons(
    reference: Reference,
    body: m.StatementBody,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CaseDetail:
    """The platform sends the statement of reasons it makes for the EU's DSA Transparency
    Database. Its decision fields (restrictions and their end dates, ground, explanation,
    facts, scope, automation, application date) become the decision, under the
    platform's `puid`; the case's own facts stay Pantau's. A value Pantau cannot map is
    refused (422) with the statement's field name."""
    return _act(
        session,
        found,
        reference,
        dsa_inbound.record_statement_of_reasons,
        body.version,
        statement=body.statement,
    )


@router.post("/{reference}/refer", response_model=m.CaseDetail, responses=ERRORS, summary="Refer")
def refer(
    reference: Reference,
    body: m.NoteIn,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CaseDetail:
    """The supervisory body refers a reviewed case to its platform; the deadline starts."""
    return _act(session, found, reference, Action.REFER_TO_PLATFORM, body.version, note=body.note)


@router.post("/{reference}/close", response_model=m.CaseDetail, responses=ERRORS, summary="Close")
def close(
    reference: Reference,
    body: m.NoteIn,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CaseDetail:
    """The supervisory body verifies the outcome and closes the case."""
    return _act(session, found, reference, Action.CLOSE, body.version, note=body.note)


@router.post(
    "/{reference}/comments",
    response_model=m.CommentOut,
    status_code=201,
    responses=ERRORS,
    summary="Comment",
)
def comment(
    reference: Reference,
    body: m.CommentIn,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CommentOut:
    """Add a comment. A platform's comments are shared with the supervisory body."""
    case_id = _case_id(session, found, reference)
    row = services.add_comment(
        session=session,
        actor=found.actor,
        case_id=case_id,
        body=body.body,
        visibility=body.visibility,
    )
    return m.CommentOut(
        id=row.id,
        visibility=row.visibility,
        organisation_id=row.organisation_id,
        body=row.body,
        created_at=row.created_at,
    )


@router.post(
    "/{reference}/evidence",
    response_model=m.EvidenceOut,
    status_code=201,
    responses=ERRORS,
    summary="Upload evidence",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def upload_evidence(
    request: Request,
    reference: Reference,
    file_name: Annotated[str, Query(min_length=1, max_length=255, pattern=m.NO_NUL)],
    found: TokenHolder = Depends(act_on_cases),
) -> m.EvidenceOut:
    """Attach a file, sent as the raw request body. Its type is decided by its bytes
    (screenshots, recordings, PDF, text and office documents)."""
    import anyio

    settings = request.app.state.settings
    limit = settings.evidence_max_bytes
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > limit:
            raise ValidationError({"file": N_("This file is too large.")})

    def store() -> Evidence:
        with Session(request.app.state.engine(), expire_on_commit=False) as session:
            case_id = _case_id(session, found, reference)
            return add_evidence(
                session=session,
                actor=found.actor,
                case_id=case_id,
                file_name=file_name,
                data=bytes(data),
                settings=settings,
            )

    return evidence_out(await anyio.to_thread.run_sync(store))


@router.post(
    "", response_model=m.CaseDetail, status_code=201, responses=ERRORS, summary="File a report"
)
def file_report(
    body: Annotated[m.ReportBody, Body()],
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.CaseDetail:
    """File a new case (supervisory tokens). The same checks as the New report form."""
    values = body.model_dump()
    for field in ("posted_at", "first_seen_at", "incident_at"):
        # A time without a zone is the chosen province's local time (the service says so).
        if values[field] is not None and values[field].tzinfo is not None:
            values[field] = utc(values[field], field)
    for field, level in (("province_code", "province"), ("regency_code", "regency")):
        if values[field]:
            values[field] = resolve_region(session, values[field], level=level) or values[field]
    case = services.file_report(session=session, actor=found.actor, report=ReportIn(**values))
    return _record(session, found, case.id)
