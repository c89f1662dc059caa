"""The API's request and response bodies. Input models only bound the transport (types,
lengths, no NUL characters); the rules stay in `casework`, which the routes call."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from casework.desk.actions import spec_of
from casework.desk.schemas import COMMENT_LIMIT, DECISION_LIMITS, REPORT_LIMITS
from casework.desk.workflow import Action

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
    uploaded_by: str = Field(
        description="supervisory, platform, or capture (made by Pantau capture)"
    )
    captured_at: datetime | None
    created_at: datetime


class DecisionOut(BaseModel):
    issued_by: str
    decisions: list[str]
    ground: str
    legal_reference: str | None
    policy_reference: str | None
    explanation: str
    facts: str
    territorial_scope: str = Field(description="ISO 3166 codes, comma-separated, or GLOBAL")
    automated_detection: bool
    automated_decision: str = Field(description="not_automated, partially or fully")
    visibility_ends_on: date | None
    monetary_ends_on: date | None
    account_ends_on: date | None
    service_ends_on: date | None
    puid: str | None
    decided_at: datetime
    signed_key_id: str | None = Field(
        default=None, description="The platform key that signed the decision, if signed."
    )
    signature: str | None = Field(default=None, description="Its Ed25519 signature (base64).")
    signed_record: str | None = Field(
        default=None, description="The canonical form the signature covers, as signed."
    )


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
    intake_type: str = Field(default="temuan", description="temuan or laporan.")
    statutory_stage: str | None = Field(default=None, description="The statutory track's stage.")
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
    """Counts of 1 to `PANTAU_REPORT_MIN_COUNT` - 1 are null for an aggregate-only
    reader (observers), and so are a median or share resting on fewer cases."""

    open: int | None
    overdue: int | None
    referred_this_week: int | None
    median_hours_to_decision: float | None
    share_actioned: float | None
    decided: int | None


# --- input ------------------------------------------------------------------------------


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionIn(Body):
    version: int = Field(ge=1, le=2**31 - 1, description="The version you last read.")


def action_text(action: Action, name: str):
    """An action's text input, bounded as its spec bounds it (casework/desk/actions.py)."""
    return text(spec_of(action).input(name).max_length)


class NoteIn(VersionIn):
    # Referral and closing notes share this body; their specs bound them alike.
    note: action_text(Action.REFER_TO_PLATFORM, "note") = ""


class QuestionIn(VersionIn):
    question: action_text(Action.REQUEST_INFORMATION, "question")


class AnswerIn(VersionIn):
    answer: action_text(Action.PROVIDE_INFORMATION, "answer")


class DecisionSignatureIn(Body):
    key_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
    signature: Annotated[str, StringConstraints(max_length=120, pattern=r"^[A-Za-z0-9+/=]+$")]


class PlatformKeyIn(Body):
    """An Ed25519 public key of the token's own platform organisation."""

    public_key: text(1000) = Field(description="PEM, or the base64 of the raw 32 bytes.")
    label: text(120) = ""


class PlatformKeyOut(BaseModel):
    key_id: str
    public_key: str = Field(description="Base64 of the raw 32 bytes.")
    label: str
    organisation: str
    created_at: datetime
    revoked_at: datetime | None


class DecisionBody(VersionIn):
    """A decision in Pantau's own words (see `/statement-of-reasons` for the DSA's)."""

    decisions: list[Code] = Field(
        max_length=10, description="removed, geo_blocked, visibility_reduced, … or no_action"
    )
    ground: Literal["law", "terms"] = "terms"
    legal_reference: text(DECISION_LIMITS["legal_reference"]) | None = None
    policy_reference: text(DECISION_LIMITS["policy_reference"]) | None = None
    explanation: text(DECISION_LIMITS["explanation"]) = Field(
        default="", description="Required; at most 2,000 characters when the scope is EU/EEA."
    )
    facts: text(DECISION_LIMITS["facts"]) = Field(
        default="", description="Facts and circumstances, when they differ from the explanation."
    )
    territorial_scope: text(800) = Field(
        default="ID", description="ISO 3166 codes, comma-separated (ID,NL), or GLOBAL."
    )
    automated_detection: bool = False
    automated_decision: Literal["not_automated", "partially", "fully"] | bool = Field(
        default="not_automated", description="true and false are read as fully and not_automated"
    )
    visibility_ends_on: date | None = None
    monetary_ends_on: date | None = None
    account_ends_on: date | None = None
    service_ends_on: date | None = None
    puid: text(DECISION_LIMITS["puid"]) | None = None
    decided_at: datetime | None = None
    signature: DecisionSignatureIn | None = Field(
        default=None,
        description="Optional: the platform's Ed25519 signature over the canonical form "
        "of this decision (see the README, Decisions signed by the platform). A signature "
        "that does not verify is refused with 422.",
    )


class StatementBody(VersionIn):
    """A decision as the platform's statement of reasons for the EU's DSA Transparency
    Database, in that API's field names and values."""

    statement: dict[str, Any] = Field(
        description="One statement as POST /api/v1/statement of the DSA database takes it."
    )


class CommentIn(Body):
    body: text(COMMENT_LIMIT)
    visibility: Literal["shared", "internal"] = Field(
        default="shared", description="Platform tokens post shared comments only."
    )


class ReportBody(Body):
    """A new report (supervisory tokens)."""

    title: text(REPORT_LIMITS["title"])
    description: text(REPORT_LIMITS["description"]) = ""
    platform_code: Code
    urls: list[text(2000)] = Field(default_factory=list, max_length=20)
    account_handle: text(REPORT_LIMITS["account_handle"]) | None = None
    account_class: Code | None = None
    content_type: Code | None = None
    posted_at: datetime | None = None
    first_seen_at: datetime | None = None
    reach: int | None = Field(default=None, ge=0, le=10**12)
    category_code: Code
    legal_ground: ShortText | None = None
    legal_grounds: list[ShortText] = Field(default_factory=list, max_length=20)
    source: Code = "own_patrol"
    reporter_name: text(REPORT_LIMITS["reporter_name"]) | None = None
    reporter_contact: text(REPORT_LIMITS["reporter_contact"]) | None = None
    # A code (73, 73.71), a name or an alias (Sulsel, ID-SN, Jakarta Selatan).
    province_code: text(120) | None = None
    regency_code: text(120) | None = None
    priority: Literal["urgent", "normal"] | None = None
    # The statutory intake (issue 17); without a type, the source decides (own patrol:
    # temuan). A laporan needs the reporter, the reported party, time, place, narrative.
    intake_type: Literal["temuan", "laporan"] | None = None
    known_since: date | None = None
    terlapor_name: text(200) | None = None
    terlapor_status: (
        Literal["peserta", "tim_kampanye", "asn", "kepala_desa", "penyelenggara", "other"] | None
    ) = None
    incident_at: datetime | None = None
    incident_place: text(300) | None = None
    oversight_source: text(500) | None = None


class PhaseBody(Body):
    phase: Code = Field(examples=["quiet_period"])
    starts_on: date
    ends_on: date


class ElectionBody(Body):
    """A new election (tokens with the calendar:write scope, supervisory bodies only)."""

    code: text(32)
    name: ShortText
    kind: Literal["pemilu", "pilkada", "psu", "second_round"]
    legal_regime: Literal["pemilu", "pilkada"]
    voting_day: date
    regions: list[text(120)] = Field(
        default_factory=list,
        max_length=600,
        description="Kemendagri codes, names or aliases (Sulsel, ID-SN); empty: nationwide.",
    )
    phases: list[PhaseBody] = Field(min_length=1, max_length=20)


class PhaseOut(BaseModel):
    phase: str
    starts_on: date
    ends_on: date
    urgent: bool


class ElectionOut(BaseModel):
    code: str
    name: str
    kind: str
    legal_regime: str
    voting_day: date
    regions: list[str]
    phases: list[PhaseOut]
