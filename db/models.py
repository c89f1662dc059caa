"""SQLModel tables. Status, role and kind columns hold codes that `casework` validates;
labels are translated at the edge, never stored in a language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


def _ts(**kwargs: Any):
    return Field(sa_type=UTCDateTime, **kwargs)


def _created_at():
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


# --- taxonomy and calendar -------------------------------------------------------------


class Platform(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=100)
    sla_urgent_hours: float = Field(default=4)
    sla_normal_hours: float = Field(default=24)
    # The platform organisation whose liaisons answer for it (Meta runs several).
    operator_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    active: bool = Field(default=True)
    sort_order: int = Field(default=0)


class TaxonomyTerm(SQLModel, table=True):
    """Categories, content types, account classes, sources and decision types: one
    admin-editable list per `kind`, labelled in both languages."""

    __tablename__ = "taxonomy_term"
    kind: str = Field(primary_key=True, max_length=32)
    code: str = Field(primary_key=True, max_length=64)
    label_id: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    active: bool = Field(default=True)
    sort_order: int = Field(default=0)
    # Each admin change bumps the version and says why (the audit log keeps the before).
    version: int = Field(default=1)
    change_note: str = Field(default="", max_length=500)


class LegalGround(SQLModel, table=True):
    """One citation suggested for a category, under one legal regime (pemilu | pilkada |
    other), for the account classes listed (none listed: every class). `takedown` marks the
    ground for asking Komdigi to cut access; `to_verify` marks a point the law review was
    not sure of. Admin-edited with a version and a note."""

    __tablename__ = "legal_ground"
    id: int | None = Field(default=None, primary_key=True)
    category_code: str = Field(max_length=64, index=True)
    regime: str = Field(max_length=16)
    citation: str = Field(max_length=300)
    account_classes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    takedown: bool = Field(default=False)
    to_verify: bool = Field(default=False)
    note: str = Field(default="", max_length=500)
    active: bool = Field(default=True)
    sort_order: int = Field(default=0)
    version: int = Field(default=1)
    change_note: str = Field(default="", max_length=500)


class Region(SQLModel, table=True):
    """Provinces (code `32`) and regencies/cities (code `32.73`), Kemendagri codes."""

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=120)
    level: str = Field(max_length=16)  # province | regency
    province_code: str = Field(index=True, max_length=4)
    time_zone: str = Field(max_length=32)


class RegionAlias(SQLModel, table=True):
    """Another name for a region: an abbreviation (Jabar), a former name (Toba Samosir),
    a short form (Jakarta Selatan) or an ISO 3166-2 code (ID-JB). `key` is the spelling
    normalised as imports and URL filters compare it."""

    __tablename__ = "region_alias"
    key: str = Field(primary_key=True, max_length=120)
    alias: str = Field(max_length=120)
    region_code: str = Field(foreign_key="region.code", max_length=16, index=True)
    kind: str = Field(default="alias", max_length=16)  # abbreviation | former | short | iso


class PhaseType(SQLModel, table=True):
    """A kind of election phase (campaign, quiet period…), labelled in both languages;
    content posted in an `urgent` phase is urgent by default."""

    __tablename__ = "phase_type"
    code: str = Field(primary_key=True, max_length=32)
    label_id: str = Field(max_length=120)
    label_en: str = Field(max_length=120)
    urgent: bool = Field(default=False)
    sort_order: int = Field(default=0)


class Election(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=120)
    voting_day: date
    kind: str = Field(default="pemilu", max_length=16)  # pemilu | pilkada | psu | second_round
    legal_regime: str = Field(default="pemilu", max_length=16)  # pemilu | pilkada
    # Province (`73`) or regency (`73.71`) codes where it is held; empty: nationwide.
    region_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ElectionPhase(SQLModel, table=True):
    __tablename__ = "election_phase"
    __table_args__ = (UniqueConstraint("election_code", "phase"),)
    id: int | None = Field(default=None, primary_key=True)
    election_code: str = Field(foreign_key="election.code", max_length=32)
    phase: str = Field(max_length=32)  # a PhaseType code
    starts_on: date
    ends_on: date  # inclusive


# --- organisations and people ----------------------------------------------------------


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)  # supervisory | platform | regulator
    # Supervisory offices: None is the national office, else a province or regency code.
    region_code: str | None = Field(default=None, max_length=16)
    active: bool = Field(default=True)
    created_at: datetime = _created_at()


class User(SQLModel, table=True):
    __tablename__ = "pantau_user"
    __table_args__ = (
        UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_user_oidc_identity"),
    )
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=120, unique=True)
    display_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(max_length=20)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    language: str = Field(default="id", max_length=8)
    time_zone: str = Field(default="Asia/Jakarta", max_length=32)
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = Field(default=True)
    # False while an identity that signed in through a provider waits for an admin.
    approved: bool = Field(default=True)
    must_change_password: bool = Field(default=False)
    password_changed_at: datetime | None = _ts(default=None)
    last_sign_in_at: datetime | None = _ts(default=None)
    oidc_issuer: str | None = Field(default=None, max_length=300)
    oidc_subject: str | None = Field(default=None, max_length=300)
    oidc_provider: str | None = Field(default=None, max_length=64)
    # The one provider an admin invited this account to sign in through: only its first
    # sign-in with the account's verified e-mail address may claim the account.
    invited_provider: str | None = Field(default=None, max_length=64)
    # Provider sign-ins (st.login cookies) issued before this instant no longer sign in:
    # set at sign-out and deactivation, since the cookie itself cannot be revoked.
    sessions_valid_after: datetime | None = _ts(default=None)
    email_verified: bool = Field(default=False)
    is_demo: bool = Field(default=False)
    # Designated national staff: with the hierarchy rule on, only they refer to platforms
    # and Komdigi (issue 17).
    designated_referrer: bool = Field(default=False)
    # The account an API token acts as (casework.outbox.api_tokens): never signs in, never
    # hears of cases in the app; its audit events name the token.
    is_api: bool = Field(default=False)
    # E-mail copies of notifications: off | immediate | daily (a digest).
    email_mode: str = Field(default="off", max_length=16)
    email_digest_at: datetime | None = _ts(default=None)
    created_at: datetime = _created_at()


# --- cases -----------------------------------------------------------------------------

_case_version = Column("version", Integer, nullable=False, default=1)


class Case(SQLModel, table=True):
    __tablename__ = "case_file"
    __table_args__ = (
        Index("ix_case_status_updated", "status", "updated_at"),
        # A liaison's queue: their platform, what awaits them, nearest deadline first.
        Index("ix_case_platform_status_due", "platform_code", "status", "sla_due_at"),
        Index("ix_case_status_due", "status", "sla_due_at"),
        Index("ix_case_province_created", "province_code", "created_at"),
        # An office's everyday filter (a province, a platform, a few statuses) counted
        # from the index alone.
        Index("ix_case_province_status_platform", "province_code", "status", "platform_code"),
        # The API's change feed: a platform's cases in the order they changed.
        Index("ix_case_platform_updated", "platform_code", "updated_at", "id"),
        # The queue's "next deadline" sort (issue 18), like `sla_due_at`'s.
        Index("ix_case_next_clock_due", "next_clock_due_at"),
    )
    # SQLAlchemy adds `AND version = :old` to every UPDATE and raises when no row
    # matches, so two writers can never both win, whatever the services checked.
    __mapper_args__ = {"version_id_col": _case_version}

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    version: int = Field(default=1, sa_column=_case_version)
    status: str = Field(default="new", max_length=20)
    title: str = Field(max_length=300)
    description: str = Field(
        default="", max_length=20_000, sa_column=Column(Text, nullable=False, default="")
    )
    # origin
    source: str = Field(max_length=32)
    reporter_name: str | None = Field(default=None, max_length=200)
    reporter_contact: str | None = Field(default=None, max_length=200)
    reporting_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    assignee_id: int | None = Field(default=None, foreign_key="pantau_user.id", index=True)
    report_count: int = Field(default=1)
    # content
    platform_code: str = Field(foreign_key="platform.code", max_length=32)
    content_key: str | None = Field(default=None, max_length=300, index=True)
    account_handle: str | None = Field(default=None, max_length=200, index=True)
    account_class: str | None = Field(default=None, max_length=64)
    content_type: str | None = Field(default=None, max_length=64)
    posted_at: datetime | None = _ts(default=None)
    first_seen_at: datetime | None = _ts(default=None)
    reach: int | None = Field(default=None)
    # allegation
    category_code: str = Field(max_length=64, index=True)
    # One or more citations, separated by "; " (Bawaslu cites several together).
    legal_ground: str | None = Field(default=None, max_length=1000)
    election_code: str | None = Field(default=None, foreign_key="election.code", max_length=32)
    phase: str | None = Field(default=None, max_length=32)
    province_code: str | None = Field(default=None, max_length=4)
    regency_code: str | None = Field(default=None, max_length=16)
    priority: str = Field(default="normal", max_length=16)
    # lifecycle and SLA
    created_at: datetime = _created_at()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    referred_at: datetime | None = _ts(default=None)
    acknowledged_at: datetime | None = _ts(default=None)
    decided_at: datetime | None = _ts(default=None)
    closed_at: datetime | None = _ts(default=None)
    escalated_at: datetime | None = _ts(default=None)
    sla_due_at: datetime | None = _ts(default=None, index=True)
    sla_paused_since: datetime | None = _ts(default=None)
    sla_paused_seconds: int = Field(default=0)
    # The due time of the case's running clock due next (any rule; None: none running),
    # kept by casework.clocks.service in the transaction that changes its clocks.
    next_clock_due_at: datetime | None = _ts(default=None)
    contest_count: int = Field(default=0)
    merged_into_id: int | None = Field(default=None, foreign_key="case_file.id", index=True)
    outcome: str | None = Field(default=None, max_length=64)
    closing_note: str | None = Field(default=None, sa_column=Column(Text))
    # The statutory track (issue 17): temuan or laporan, and its own stage beside `status`.
    intake_type: str = Field(default="temuan", max_length=16)
    statutory_stage: str | None = Field(default=None, max_length=32, index=True)
    known_since: date | None = Field(default=None)
    terlapor_name: str | None = Field(default=None, max_length=200)
    terlapor_status: str | None = Field(default=None, max_length=32)
    incident_at: datetime | None = _ts(default=None)
    incident_place: str | None = Field(default=None, max_length=300)
    # A temuan's hasil pengawasan: the oversight or patrol it came from.
    oversight_source: str | None = Field(default=None, max_length=500)
    # The office handling the statutory track now (forwarding up moves it); None: the
    # reporting office.
    handling_organisation_id: int | None = Field(default=None, foreign_key="organisation.id")


class CaseUrl(SQLModel, table=True):
    __tablename__ = "case_url"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    canonical_key: str | None = Field(default=None, max_length=300, index=True)
    platform_code: str | None = Field(default=None, max_length=32)
    needs_review: bool = Field(default=False)
    created_at: datetime = _created_at()


class CaseReport(SQLModel, table=True):
    """One report of a case: the first filing, and every later report of the same
    content (a duplicate added to the case, an import row). Keeps each reporter."""

    __tablename__ = "case_report"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    source: str = Field(max_length=32)
    reporter_name: str | None = Field(default=None, max_length=200)
    reporter_contact: str | None = Field(default=None, max_length=200)
    reporting_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    url: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)
    received_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    created_at: datetime = _created_at()


class ImportBatch(SQLModel, table=True):
    """One confirmed spreadsheet import."""

    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    file_sha256: str = Field(max_length=64, index=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    created_by_id: int = Field(foreign_key="pantau_user.id")
    row_count: int = Field(default=0)
    cases_created: int = Field(default=0)
    reports_added: int = Field(default=0)
    created_at: datetime = _created_at()


class CaseLink(SQLModel, table=True):
    """Related cases: one narrative seen on several platforms, or a duplicate kept open."""

    __tablename__ = "case_link"
    __table_args__ = (UniqueConstraint("case_id", "other_case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    other_case_id: int = Field(foreign_key="case_file.id", index=True)
    kind: str = Field(default="related", max_length=16)
    created_at: datetime = _created_at()


class EvidenceBlob(SQLModel, table=True):
    """Evidence bytes, stored once per SHA-256 however many cases cite them."""

    __tablename__ = "evidence_blob"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    mime_type: str = Field(max_length=100)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # A small JPEG/PNG preview of images, made once at upload.
    thumbnail: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    # The image's perceptual hash (imagehash's pHash, 16 hex digits), for near-duplicates.
    perceptual_hash: str | None = Field(default=None, max_length=16, index=True)
    created_at: datetime = _created_at()


class Evidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    sha256: str = Field(foreign_key="evidence_blob.sha256", max_length=64, index=True)
    file_name: str = Field(max_length=255)
    mime_type: str = Field(max_length=100)
    size: int
    captured_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    captured_at: datetime | None = _ts(default=None)
    uploaded_by_kind: str = Field(default="supervisory", max_length=20)
    # The capture that made this file (casework.capture); None for uploads.
    capture_id: int | None = Field(default=None, foreign_key="capture.id", index=True)
    created_at: datetime = _created_at()


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    author_id: int = Field(foreign_key="pantau_user.id")
    organisation_id: int = Field(foreign_key="organisation.id")
    visibility: str = Field(default="shared", max_length=16)  # shared | internal
    body: str = Field(max_length=10_000, sa_column=Column(Text, nullable=False))
    created_at: datetime = _created_at()


class Decision(SQLModel, table=True):
    """A platform's (or the regulator's) decision, shaped like the EU DSA statement of
    reasons so that it can be exported to that schema. The fields a caller sets are
    listed once, in `casework.desk.schemas.DECISION_FIELDS`."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    issued_by: str = Field(default="platform", max_length=16)  # platform | regulator
    decisions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ground: str = Field(max_length=16)  # law | terms
    legal_reference: str | None = Field(default=None, max_length=500)
    policy_reference: str | None = Field(default=None, max_length=500)
    explanation: str = Field(
        default="", max_length=10_000, sa_column=Column(Text, nullable=False, default="")
    )
    # Facts and circumstances (DSA `decision_facts`); empty means "as the explanation".
    facts: str = Field(
        default="", max_length=10_000, sa_column=Column(Text, nullable=False, default="")
    )
    # ISO 3166-1 alpha-2 codes, comma-separated, or GLOBAL (every country).
    territorial_scope: str = Field(default="ID", max_length=800)
    automated_detection: bool = Field(default=False)
    automated_decision: str = Field(default="not_automated", max_length=16)  # … | partially | fully
    # Last day (in the case's zone) of a temporary restriction; None: indefinite.
    visibility_ends_on: date | None = Field(default=None)
    monetary_ends_on: date | None = Field(default=None)
    account_ends_on: date | None = Field(default=None)
    service_ends_on: date | None = Field(default=None)
    # The platform's own identifier of the decision (DSA `puid`), when it sent one.
    puid: str | None = Field(default=None, max_length=500, index=True)
    decided_at: datetime = _ts()
    recorded_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    created_at: datetime = _created_at()
    # A platform's detached Ed25519 signature over `signed_record` (the canonical form of
    # this decision, casework.records.decision_signatures), by one of its registered keys.
    signed_key_id: str | None = Field(default=None, max_length=16)
    signature: str | None = Field(default=None, max_length=120)
    signed_record: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PlatformKey(SQLModel, table=True):
    """A public key a platform organisation registered to sign its decisions."""

    __tablename__ = "platform_key"
    __table_args__ = (UniqueConstraint("key_id", name="uq_platform_key_key_id"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    key_id: str = Field(max_length=16)
    public_key: str = Field(max_length=64)  # base64 of the raw 32 bytes
    label: str = Field(default="", max_length=120)
    created_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    created_at: datetime = _created_at()
    revoked_at: datetime | None = _ts(default=None)


class DsaMapping(SQLModel, table=True):
    """How one of Pantau's codes (a category, decision type, content type or source)
    reads in a DSA statement of reasons. Seeded, then extended by admins; a code with
    no row here holds its statements back from the EU submission."""

    __tablename__ = "dsa_mapping"
    kind: str = Field(primary_key=True, max_length=32)  # a taxonomy kind
    code: str = Field(primary_key=True, max_length=64)
    dsa_value: str = Field(max_length=80)
    # The `…_other` text the DSA asks for when `dsa_value` is an OTHER value.
    other_text: str | None = Field(default=None, max_length=500)
    # Further values: KEYWORD_… (category_specification), CONTENT_TYPE_… (content_type).
    additions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# --- audit, counters, notifications ----------------------------------------------------


class AuditEvent(SQLModel, table=True):
    """Append-only; `hash` covers this event's content and `prev_hash`. `id` is the
    position in the chain, assigned by the writer under the chain-head lock."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_case_id", "case_id", "id"),)
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    case_id: int | None = Field(default=None, foreign_key="case_file.id")
    actor_id: int | None = Field(default=None, foreign_key="pantau_user.id", index=True)
    action: str = Field(max_length=48, index=True)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The single row every audit writer locks: the chain's length and last hash."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_id: int = Field(default=0)
    last_hash: str = Field(max_length=64)
    # The installation key's signature over (last_id, last_hash), renewed on every append:
    # whoever moves the head without the key leaves it unsigned.
    key_id: str | None = Field(default=None, max_length=16)
    signature: str | None = Field(default=None, max_length=120)


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement "the chain had `event_count` events ending in `last_hash`", on
    a timer and at every transparency report. Append-only, like the events."""

    __tablename__ = "audit_checkpoint"
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_id: int
    last_hash: str = Field(max_length=64)
    event_count: int
    reason: str = Field(max_length=24)  # timer | transparency_report | manual
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    key_id: str = Field(max_length=16)
    signature: str = Field(max_length=120)


class ReferenceCounter(SQLModel, table=True):
    __tablename__ = "reference_counter"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_value: int = Field(default=0)


class Notification(SQLModel, table=True):
    """Stored as a kind plus parameters so each reader sees it in their own language."""

    __table_args__ = (
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_created_at", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="pantau_user.id")
    case_id: int | None = Field(default=None, foreign_key="case_file.id")
    kind: str = Field(max_length=48)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _created_at()
    read_at: datetime | None = _ts(default=None)
    # When its e-mail copy (or the digest holding it) went out.
    emailed_at: datetime | None = _ts(default=None)


class CaseSearch(SQLModel, table=True):
    """The text a case is found by: reference, title, description, account handle and
    links, already split into lowercase tokens (casework.desk.search). SQLite indexes it with
    FTS5 and PostgreSQL with a GIN index over the same tokens, so both find the same
    cases. Kept in its own table so queue scans over `case_file` stay narrow."""

    __tablename__ = "case_search"
    case_id: int = Field(
        foreign_key="case_file.id", primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    document: str = Field(sa_column=Column(Text, nullable=False))


class SavedView(SQLModel, table=True):
    """A user's named queue filter."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_view_user_name"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="pantau_user.id", index=True)
    name: str = Field(max_length=80)
    filters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _created_at()


class SlaAlert(SQLModel, table=True):
    """One row per SLA warning sent, so the periodic check warns once per deadline: a
    new deadline (after a contest or a new referral) warns again."""

    __tablename__ = "sla_alert"
    case_id: int = Field(foreign_key="case_file.id", primary_key=True)
    kind: str = Field(primary_key=True, max_length=16)  # at_risk | breached
    due_at: datetime = Field(sa_type=UTCDateTime, primary_key=True)
    created_at: datetime = _created_at()


# --- sign-in ---------------------------------------------------------------------------


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored,
    so a copy of the database cannot be replayed as a cookie."""

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="pantau_user.id", index=True)
    method: str = Field(default="password", max_length=16)  # password | oidc | demo
    created_at: datetime = _created_at()
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = _ts(default=None)
    revoked_reason: str | None = Field(default=None, max_length=32)
    user_agent: str | None = Field(default=None, max_length=300)
    ip_address: str | None = Field(default=None, max_length=64)


class SetupCode(SQLModel, table=True):
    """A one-time code for the first-run page (casework.people.first_admin): printed in the
    server's log at start while no administrator exists. Only its SHA-256 is kept; it
    works once and expires."""

    __tablename__ = "setup_code"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _created_at()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = _ts(default=None)


class SignInThrottle(SQLModel, table=True):
    """Failed password attempts per user name, existing or not, so that lockout says
    nothing about whether an account exists."""

    __tablename__ = "sign_in_throttle"
    username_key: str = Field(primary_key=True, max_length=120)
    failures: int = Field(default=0)
    last_failure_at: datetime | None = _ts(default=None)
    locked_until: datetime | None = _ts(default=None)


class EmailDomainRule(SQLModel, table=True):
    """Every verified e-mail of `domain` signing in through a provider joins
    `organisation_id` with `role`, pending an admin's approval."""

    __tablename__ = "email_domain_rule"
    id: int | None = Field(default=None, primary_key=True)
    domain: str = Field(max_length=200, unique=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    role: str = Field(max_length=20)
    # The sign-in providers allowed to assert addresses of `domain`; an identity from any
    # other provider is neither placed by the rule nor linked to an account of the domain.
    providers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _created_at()


# --- capture: the content as Pantau itself fetched it ---------------------------------


class CaptureJob(SQLModel, table=True):
    """One fetch to do: a capture of a case's link when the case is filed (or on demand),
    or a verification after a removal. A worker claims it by moving `due_at` past its
    lease, so a job whose worker died comes due again."""

    __tablename__ = "capture_job"
    __table_args__ = (Index("ix_capture_job_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(default="capture", max_length=16)  # capture | verify
    status: str = Field(default="pending", max_length=16)  # pending | done | failed
    attempts: int = Field(default=0)
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    claimed_by: str | None = Field(default=None, max_length=80)
    requested_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = _created_at()
    finished_at: datetime | None = _ts(default=None)


class Capture(SQLModel, table=True):
    """What one fetch found, with the evidence it produced and the signed manifest of
    their hashes. Written in one transaction with its evidence: all or nothing."""

    __tablename__ = "capture"
    __table_args__ = (Index("ix_capture_case_kind", "case_id", "kind", "captured_at"),)
    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = Field(default=None, foreign_key="capture_job.id", index=True)
    case_id: int = Field(foreign_key="case_file.id")
    kind: str = Field(default="capture", max_length=16)  # capture | verify
    url: str = Field(sa_column=Column(Text, nullable=False))
    # captured | login_wall | region_block | not_found | unavailable | timeout | error;
    # a verification reads still_reachable (captured) or gone (not_found, unavailable).
    outcome: str = Field(max_length=24)
    http_status: int | None = Field(default=None)
    final_url: str | None = Field(default=None, sa_column=Column(Text))
    title: str | None = Field(default=None, max_length=300)
    canonical_url: str | None = Field(default=None, sa_column=Column(Text))
    author_handle: str | None = Field(default=None, max_length=200)
    page_metadata: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    user_agent: str = Field(default="", max_length=300)
    proxy: str | None = Field(default=None, max_length=300)
    captured_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    manifest_sha256: str | None = Field(default=None, max_length=64)
    signature: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    error: str | None = Field(default=None, max_length=300)
    created_at: datetime = _created_at()


class CaptureMarker(SQLModel, table=True):
    """Text that tells what a platform served instead of the content (a login wall, a
    region block, its own "unavailable" page), per platform or for all (`platform_code`
    empty). Data an administrator keeps, seeded with defaults."""

    __tablename__ = "capture_marker"
    id: int | None = Field(default=None, primary_key=True)
    platform_code: str | None = Field(default=None, max_length=32, index=True)
    outcome: str = Field(max_length=24)  # login_wall | region_block | unavailable
    marker: str = Field(max_length=300)
    created_at: datetime = _created_at()


# --- integration: API tokens, webhooks ------------------------------------------------


class ApiToken(SQLModel, table=True):
    """A bearer token of an organisation's own tools. Only the SHA-256 of the token is
    stored; `prefix` names it in lists and finds its row. It acts as its own account
    (`user_id`, `User.is_api`), so every permission check and audit event applies."""

    __tablename__ = "api_token"
    __table_args__ = (
        UniqueConstraint("prefix", name="uq_api_token_prefix"),
        UniqueConstraint("user_id", name="uq_api_token_user_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    user_id: int = Field(foreign_key="pantau_user.id")
    name: str = Field(max_length=120)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    created_at: datetime = _created_at()
    expires_at: datetime | None = _ts(default=None)
    last_used_at: datetime | None = _ts(default=None)
    revoked_at: datetime | None = _ts(default=None)


class WebhookEndpoint(SQLModel, table=True):
    """An organisation's HTTPS receiver and the events it wants. The signing secret is
    kept as is: the server needs it to sign every delivery."""

    __tablename__ = "webhook_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    secret: str = Field(max_length=80)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True)
    created_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    created_at: datetime = _created_at()


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint (an outbox row written in the transaction that made
    the event), with the outcome of its latest attempt."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True)
    event: str = Field(max_length=48)
    case_id: int | None = Field(default=None, foreign_key="case_file.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)  # pending | delivered | failed
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    last_attempt_at: datetime | None = _ts(default=None)
    response_status: int | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=300)
    replay_of_id: int | None = Field(default=None, foreign_key="webhook_delivery.id")
    created_at: datetime = _created_at()


# --- deadlines (issue 18) --------------------------------------------------------------


class ClockRule(SQLModel, table=True):
    """One version of a deadline rule (`casework.clocks.engine.Rule`): statutory, agreed
    or regulatory, with its owner, unit, events and citation. An admin's change adds a
    version; clocks keep the version they started with."""

    __tablename__ = "clock_rule"
    __table_args__ = (UniqueConstraint("code", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, index=True)
    version: int = Field(default=1)
    kind: str = Field(max_length=16)  # statutory | agreed | regulatory
    owner: str = Field(max_length=16)  # supervisory | platform | regulator | gakkumdu
    unit: str = Field(max_length=16)  # hours | calendar_days | working_days
    amount: float
    urgent_amount: float | None = Field(default=None)
    extended_amount: float | None = Field(default=None)
    extended_unit: str | None = Field(default=None, max_length=16)
    # start_on, restart_on, stop_on, cancel_on, pause_on, resume_on, extend_on: lists of
    # action or event codes.
    events: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    regime: str = Field(default="any", max_length=16)  # any | pemilu | pilkada
    citation: str = Field(default="", max_length=500)
    label_id: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    active: bool = Field(default=True)
    to_verify: bool = Field(default=False)
    change_note: str = Field(default="", max_length=500)
    created_at: datetime = _created_at()


class Holiday(SQLModel, table=True):
    """A day off in the working-day count: a national holiday or cuti bersama."""

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=16)  # national | cuti_bersama
    label_id: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    to_verify: bool = Field(default=False)


class CaseClock(SQLModel, table=True):
    """One clock on one case (`casework.clocks.engine.Clock`): one row per rule, started
    afresh in place on a restart (the audit log keeps every start, pause and stop)."""

    __tablename__ = "case_clock"
    __table_args__ = (
        UniqueConstraint("case_id", "rule_code"),
        Index("ix_case_clock_owner_due", "owner", "stopped_at", "due_at"),
        Index("ix_case_clock_due", "stopped_at", "due_at"),
        # A case's next due running clock (the queue's sort) straight from the index.
        Index("ix_case_clock_case_next", "case_id", "stopped_at", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id")
    rule_code: str = Field(max_length=64)
    rule_version: int
    kind: str = Field(max_length=16)
    owner: str = Field(max_length=16)
    unit: str = Field(max_length=16)
    amount: float
    urgent: bool = Field(default=False)
    extended: bool = Field(default=False)
    started_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    paused_since: datetime | None = _ts(default=None)
    paused_seconds: int = Field(default=0)
    stopped_at: datetime | None = _ts(default=None)
    outcome: str | None = Field(default=None, max_length=16)  # met | cancelled
    # The due time a warning or breach was last announced for (once per deadline).
    warned_due_at: datetime | None = _ts(default=None)
    breach_announced_due_at: datetime | None = _ts(default=None)


# --- the statutory track (issue 17) -----------------------------------------------------


class Kajian(SQLModel, table=True):
    """A kajian awal (registration of a laporan) or a kajian (the analysis of the
    elements), drafted by an officer and, for a kajian, approved by a lead."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    kind: str = Field(max_length=16)  # awal | kajian
    state: str = Field(default="draft", max_length=16)  # draft | approved | returned | recorded
    registered: bool | None = Field(default=None)  # a kajian awal's outcome
    reason: str | None = Field(default=None, sa_column=Column(Text))
    facts: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    analysis: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    conclusion: str | None = Field(default=None, max_length=32)  # memenuhi | tidak_memenuhi
    violation_kind: str | None = Field(default=None, max_length=32)
    legal_ground_ids: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    recommendation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    drafted_by_id: int = Field(foreign_key="pantau_user.id")
    drafted_at: datetime = _created_at()
    approved_by_id: int | None = Field(default=None, foreign_key="pantau_user.id")
    approved_at: datetime | None = _ts(default=None)


class Letter(SQLModel, table=True):
    """A numbered letter, rendered from the template of its kind and language."""

    __table_args__ = (UniqueConstraint("organisation_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    kind: str = Field(max_length=32)  # platform_referral | komdigi_request | forwarding
    organisation_id: int = Field(foreign_key="organisation.id")
    number: str = Field(max_length=120)
    letter_date: date
    language: str = Field(default="id", max_length=8)
    addressee: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    signatory: str = Field(default="", max_length=300)
    created_by_id: int = Field(foreign_key="pantau_user.id")
    created_at: datetime = _created_at()


class Forwarding(SQLModel, table=True):
    """A penerusan to another body (or a request to Komdigi), and its answer."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    kajian_id: int | None = Field(default=None, foreign_key="kajian.id")
    body: str = Field(max_length=16, index=True)  # komdigi | gakkumdu | dkpp | kpu | bkn | other
    addressee: str = Field(max_length=300)
    recommendation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    letter_id: int | None = Field(default=None, foreign_key="letter.id")
    # pending | order_issued | criteria_not_met | information_requested
    # | discussed | investigation | stopped
    response: str = Field(default="pending", max_length=32, index=True)
    response_note: str | None = Field(default=None, sa_column=Column(Text))
    order_number: str | None = Field(default=None, max_length=120)
    order_date: date | None = Field(default=None)
    order_urgent: bool = Field(default=False)
    regulatory_due_at: datetime | None = _ts(default=None)
    responded_at: datetime | None = _ts(default=None)
    created_by_id: int = Field(foreign_key="pantau_user.id")
    created_at: datetime = _created_at()


class LetterTemplate(SQLModel, table=True):
    """A letter's text per kind and language, with {placeholders}; an admin replaces it."""

    __tablename__ = "letter_template"
    kind: str = Field(primary_key=True, max_length=32)
    language: str = Field(primary_key=True, max_length=8)
    body: str = Field(sa_column=Column(Text, nullable=False))
    version: int = Field(default=1)
    updated_at: datetime = _created_at()


class OfficeLetterSetting(SQLModel, table=True):
    """How an office numbers its letters (Bawaslu's style) and who signs them."""

    __tablename__ = "office_letter_setting"
    organisation_id: int = Field(primary_key=True, foreign_key="organisation.id")
    pattern: str = Field(max_length=200)
    office_code: str = Field(max_length=40)
    signatory: str = Field(default="", max_length=300)
    version: int = Field(default=1)


class LetterSequence(SQLModel, table=True):
    __tablename__ = "letter_sequence"
    organisation_id: int = Field(primary_key=True, foreign_key="organisation.id")
    year: int = Field(primary_key=True)
    last: int = Field(default=0)


class StatutoryRule(SQLModel, table=True):
    """A rule of the statutory track the law leaves uncertain ([L]/[U] in the review):
    data an admin can change, each named in docs/decisions.md."""

    __tablename__ = "statutory_rule"
    key: str = Field(primary_key=True, max_length=64)
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    version: int = Field(default=1)
    change_note: str = Field(default="", max_length=500)


ALL_TABLES = SQLModel.metadata


def max_length(model: type[SQLModel], field: str) -> int:
    """The longest text `model.field` takes. Each limit is declared once, on the table's
    field (a Text column too carries one); the service's checks, the forms' widgets and
    the API's schema read it from here."""
    for item in model.model_fields[field].metadata:
        if getattr(item, "max_length", None) is not None:
            return item.max_length
    raise KeyError(f"{model.__name__}.{field} declares no max_length")
