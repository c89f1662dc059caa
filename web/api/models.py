"""The API's request and response bodies. Input models only bound the transport (types,
lengths, no NUL characters); the rules stay in `casework`, which the routes call."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from casework.actions import spec_of
from casework.workflow import Action

# PostgreSQL cannot store NUL in text; refusing it here keeps it a 422 rather than a 500.
NO_NUL = r"^[^\x00]*$"


def text(max_length: int, min_length: int = 0):
    return Annotated[
        str, StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_NUL)
    ]


Code = text(64)
ShortText = text(300)
LongText = text(4000)


class Problem(BaseModel):
    """An error: a stable code, a message in the caller's language (Accept-Language:
    id or en) and, for 422, the fields at fault."""

    error: str = Field(examples=["stale_version"])
    message: str
    detail: list[dict[str, Any]] | None = None


class UrlOut(BaseModel):
    url: str
    canonical_key: str | None
    platform: str | None
    needs_review: bool


class EvidenceOut(BaseModel):
    id: int
    file_name: str
    mime_type: str
    size: int
    sha256: str
    uploaded_by: str = Field(description="supervisory or platform")
    captured_at: datetime | None
    created_at: datetime


class DecisionOut(BaseModel):
    issued_by: str
    decisions: list[str]
    ground: str
    legal_reference: str | None
    policy_reference: str | None
    explanation: str
    territorial_scope: str
    automated_detection: bool
    automated_decision: bool
    decided_at: datetime


class CommentOut(BaseModel):
    id: int
    visibility: str
    organisation_id: int
    body: str = Field(description="Plain text, exactly as written.")
    created_at: datetime


class SlaOut(BaseModel):
    state: str = Field(description="not_started, running, paused, breached, met or missed")
    due_at: datetime | None
    paused_seconds: int


class CaseSummary(BaseModel):
    id: int
    reference: str = Field(examples=["PAN-2024-000123"])
    version: int = Field(description="Send it back with every action; a stale one is a 409.")
    status: str
    title: str
    platform: str
    category: str
    priority: str
    province: str | None
    regency: str | None
    account_handle: str | None
    outcome: str | None
    created_at: datetime
    updated_at: datetime
    referred_at: datetime | None
    acknowledged_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    sla_due_at: datetime | None


class CaseDetail(CaseSummary):
    description: str
    account_class: str | None
    content_type: str | None
    source: str
    legal_ground: str | None
    election: str | None
    phase: str | None
    posted_at: datetime | None
    first_seen_at: datetime | None
    reach: int | None
    report_count: int
    reporter_name: str | None = Field(description="Only for the supervisory body.")
    reporter_contact: str | None = Field(description="Only for the supervisory body.")
    sla: SlaOut
    urls: list[UrlOut]
    evidence: list[EvidenceOut]
    decisions: list[DecisionOut]
    comments: list[CommentOut]
    allowed_actions: list[str] = Field(description="What this token may do in this state.")


class CaseList(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class Figure(BaseModel):
    """One dashboard figure as rows, exactly as the dashboard computes it."""

    name: str
    rows: list[dict[str, Any]]


class Headline(BaseModel):
    open: int
    overdue: int
    referred_this_week: int
    median_hours_to_decision: float | None
    share_actioned: float | None
    decided: int


# --- input ------------------------------------------------------------------------------


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionIn(Body):
    version: int = Field(ge=1, le=2**31 - 1, description="The version you last read.")


def action_text(action: Action, name: str):
    """An action's text input, bounded as its spec bounds it (casework/actions.py)."""
    return text(spec_of(action).input(name).max_length)


class NoteIn(VersionIn):
    # Referral and closing notes share this body; their specs bound them alike.
    note: action_text(Action.REFER_TO_PLATFORM, "note") = ""


class QuestionIn(VersionIn):
    question: action_text(Action.REQUEST_INFORMATION, "question")


class AnswerIn(VersionIn):
    answer: action_text(Action.PROVIDE_INFORMATION, "answer")


class DecisionBody(VersionIn):
    """A statement of reasons, as the EU DSA shapes it."""

    decisions: list[Code] = Field(
        max_length=10, description="removed, geo_blocked, visibility_reduced, … or no_action"
    )
    ground: Literal["law", "terms"] = "terms"
    legal_reference: ShortText | None = None
    policy_reference: ShortText | None = None
    explanation: LongText = ""
    territorial_scope: text(100) = "ID"
    automated_detection: bool = False
    automated_decision: bool = False
    decided_at: datetime | None = None


class CommentIn(Body):
    body: text(10_000)
    visibility: Literal["shared", "internal"] = Field(
        default="shared", description="Platform tokens post shared comments only."
    )


class ReportBody(Body):
    """A new report (supervisory tokens)."""

    title: ShortText
    description: text(20_000) = ""
    platform_code: Code
    urls: list[text(2000)] = Field(default_factory=list, max_length=20)
    account_handle: text(200) | None = None
    account_class: Code | None = None
    content_type: Code | None = None
    posted_at: datetime | None = None
    first_seen_at: datetime | None = None
    reach: int | None = Field(default=None, ge=0, le=10**12)
    category_code: Code
    legal_ground: ShortText | None = None
    source: Code = "own_patrol"
    reporter_name: text(200) | None = None
    reporter_contact: text(200) | None = None
    province_code: text(4) | None = None
    regency_code: text(16) | None = None
    priority: Literal["urgent", "normal"] | None = None
