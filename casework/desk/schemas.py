"""Input models of the services: what a form or an API call hands over."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from db.models import Case, Comment, Decision, max_length

# The longest text of each field a form or an API call hands over, read from where each
# is declared once (the table's field): the service checks, the widgets and the API
# schema all use these.
REPORT_LIMITS = {
    field: max_length(Case, field)
    for field in ("title", "description", "account_handle", "reporter_name", "reporter_contact")
}
DECISION_LIMITS = {
    field: max_length(Decision, field)
    for field in ("legal_reference", "policy_reference", "explanation", "facts", "puid")
}
COMMENT_LIMIT = max_length(Comment, "body")


class ReportIn(BaseModel):
    """A new report as an officer files it."""

    title: str = ""
    description: str = ""
    platform_code: str = ""
    urls: list[str] = Field(default_factory=list)
    account_handle: str | None = None
    account_class: str | None = None
    content_type: str | None = None
    posted_at: datetime | None = None
    first_seen_at: datetime | None = None
    reach: int | None = None
    category_code: str = ""
    legal_ground: str | None = None
    # Several citations (Bawaslu cites several together); joined with `legal_ground`.
    legal_grounds: list[str] = Field(default_factory=list)
    source: str = "own_patrol"
    reporter_name: str | None = None
    reporter_contact: str | None = None
    province_code: str | None = None
    regency_code: str | None = None
    priority: str | None = None  # None: derived from the election calendar
    # The statutory intake (issue 17). None: derived from `source` (own patrol: temuan).
    intake_type: str | None = None
    known_since: date | None = None
    terlapor_name: str | None = None
    terlapor_status: str | None = None
    incident_at: datetime | None = None
    incident_place: str | None = None
    oversight_source: str | None = None


class DecisionIn(BaseModel):
    """A platform decision in the shape of a DSA statement of reasons: what the form, the
    API and an inbound statement of reasons all hand to `record_decision`."""

    decisions: list[str] = Field(default_factory=list)
    ground: str = "terms"  # law | terms
    legal_reference: str | None = None
    policy_reference: str | None = None
    explanation: str = ""
    facts: str = ""  # facts and circumstances; empty: the explanation says them
    territorial_scope: str = "ID"  # ISO 3166-1 alpha-2 codes, comma-separated, or GLOBAL
    automated_detection: bool = False
    automated_decision: str = "not_automated"  # not_automated | partially | fully
    visibility_ends_on: date | None = None
    monetary_ends_on: date | None = None
    account_ends_on: date | None = None
    service_ends_on: date | None = None
    puid: str | None = None  # the platform's own identifier of the decision
    decided_at: datetime | None = None
    # A platform's detached signature over the decision's canonical form
    # (casework.records.decision_signatures): {"key_id": …, "signature": <base64>}.
    signature: dict[str, str] | None = None


# The decision record's fields, declared once: the form, the API, the inbound statement
# of reasons, the exports and anything that signs or compares a decision read this.
DECISION_FIELDS: tuple[str, ...] = tuple(DecisionIn.model_fields)


class OrganisationIn(BaseModel):
    """An organisation as an admin creates or edits it."""

    name: str = ""
    kind: str = ""  # supervisory | platform | regulator | partner
    region_code: str | None = None  # supervisory offices only; None is the national office
    platform_codes: list[str] = Field(default_factory=list)  # platform organisations only


class InvitationIn(BaseModel):
    """A new account an admin creates. With a temporary password it signs in locally
    (and must change it); without one, the first sign-in through `provider` with the
    same verified e-mail address claims it."""

    username: str = ""
    display_name: str = ""
    email: str | None = None
    role: str = ""
    organisation_id: int | None = None
    temporary_password: str | None = None
    provider: str | None = None  # the sign-in provider that may claim it (no password)
