"""Decisions signed by the platform: a platform organisation registers its own Ed25519
public keys, and a decision sent through the API may carry a detached signature over the
canonical form of the decision record. Pantau verifies it, refuses a decision whose
signature fails, stores the signed form with the decision, and shows who signed it.

The canonical form (what the platform signs) is `decision_signing_form`: UTF-8 JSON,
keys sorted, no whitespace, of
`{"kind": "pantau-decision", "case": <reference>, "version": <case version sent>}` plus
every field of `casework.desk.schemas.DECISION_FIELDS` but the signature itself, as sent:
date-times in UTC as ISO 8601 ("YYYY-MM-DDTHH:MM:SS+00:00"), dates as "YYYY-MM-DD",
absent values as null."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from casework.desk.access import log_denied
from casework.desk.schemas import DECISION_FIELDS, DecisionIn
from casework.desk.validation import TOO_LONG
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import is_supervisory_admin
from casework.people.roles import OrgKind, Role
from casework.records.audit import record_event
from casework.records.signing import (
    SigningKeyInvalid,
    canonical_json,
    key_id_for,
    public_key_from_text,
    verify_bytes,
)
from casework.uow import service
from db.engine import begin_write
from db.models import Decision, Organisation, PlatformKey
from db.types import utcnow

BAD_SIGNATURE = N_(
    "The signature does not verify with any active key of your organisation; the "
    "decision was not recorded."
)
BAD_KEY = N_("Give an Ed25519 public key, in PEM or as the base64 of its 32 bytes.")
KEY_TAKEN = N_("This key is already registered.")


def decision_signing_form(*, case_reference: str, case_version: int, decision: DecisionIn) -> bytes:
    """The bytes a platform signs for a decision (see the module's docstring)."""
    record: dict = {"kind": "pantau-decision", "case": case_reference, "version": case_version}
    for name in DECISION_FIELDS:
        if name == "signature":
            continue
        value = getattr(decision, name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat(timespec="seconds")
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple | list):
            value = list(value)
        record[name] = value
    return canonical_json(record)


@dataclass(frozen=True)
class VerifiedSignature:
    key_id: str
    signature: str
    signed_record: str


def verify_decision_signature(
    session: Session, *, actor: Actor, case_reference: str, case_version: int, decision: DecisionIn
) -> VerifiedSignature | None:
    """The decision's signature checked against the active keys of the actor's own
    organisation; None when the decision carries none. A signature that fails is a
    ValidationError (the API's 422), never a silently unsigned decision."""
    if decision.signature is None:
        return None
    form = decision_signing_form(
        case_reference=case_reference, case_version=case_version, decision=decision
    )
    rows = session.exec(
        select(PlatformKey).where(
            PlatformKey.organisation_id == actor.organisation_id,
            PlatformKey.revoked_at.is_(None),
        )
    ).all()
    keys = {row.key_id: base64.b64decode(row.public_key) for row in rows}
    signature = {"alg": "Ed25519", **decision.signature}
    if not verify_bytes(form, signature, public_keys=keys):
        raise ValidationError({"signature": BAD_SIGNATURE})
    return VerifiedSignature(
        key_id=signature["key_id"],
        signature=signature["signature"],
        signed_record=form.decode("utf-8"),
    )


def decision_signers(session: Session, decisions: list[Decision]) -> dict[int, str]:
    """{decision id: name of the organisation that signed it} for the signed ones."""
    key_ids = {d.signed_key_id for d in decisions if d.signed_key_id}
    if not key_ids:
        return {}
    owners = dict(
        session.exec(
            select(PlatformKey.key_id, Organisation.name)
            .join(Organisation, Organisation.id == PlatformKey.organisation_id)
            .where(PlatformKey.key_id.in_(key_ids))
        ).all()
    )
    return {d.id: owners[d.signed_key_id] for d in decisions if d.signed_key_id in owners}


# --- registering keys ---------------------------------------------------------------------


def _may_manage(actor: Actor, organisation: Organisation | None) -> bool:
    if organisation is None or organisation.kind != OrgKind.PLATFORM:
        return actor.role == Role.ADMIN  # the refusal below names the field
    if is_supervisory_admin(actor):
        return True
    return actor.organisation_kind == OrgKind.PLATFORM and actor.organisation_id == organisation.id


@service
def register_platform_key(
    *,
    session: Session,
    actor: Actor,
    organisation_id: int | None,
    public_key: str,
    label: str = "",
    now: datetime | None = None,
) -> PlatformKey:
    """Register a platform's public key for signing its decisions. Pantau's admins may
    register one for any platform; a platform's own people and tokens for their own."""
    begin_write(session)
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if not _may_manage(actor, organisation):
        log_denied(actor, "register_platform_key")
        raise PermissionDenied()
    errors = {}
    if organisation is None or organisation.kind != OrgKind.PLATFORM or not organisation.active:
        errors["organisation_id"] = N_("Choose an active platform organisation.")
    try:
        raw = public_key_from_text((public_key or "").strip())
    except SigningKeyInvalid:
        errors["public_key"] = BAD_KEY
        raw = None
    label = (label or "").strip()
    if len(label) > 120:
        errors["label"] = TOO_LONG
    if (
        raw is not None
        and session.exec(
            select(PlatformKey.id).where(PlatformKey.key_id == key_id_for(raw))
        ).first()
    ):
        errors["public_key"] = KEY_TAKEN
    if errors:
        raise ValidationError(errors)
    now = now or utcnow()
    row = PlatformKey(
        organisation_id=organisation.id,
        key_id=key_id_for(raw),
        public_key=base64.b64encode(raw).decode("ascii"),
        label=label,
        created_by_id=actor.user_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        action="platform_key_registered",
        actor_id=actor.user_id,
        at=now,
        detail={"organisation_id": organisation.id, "key_id": row.key_id},
    )
    return row


@service
def revoke_platform_key(
    *, session: Session, actor: Actor, key_id: str, now: datetime | None = None
) -> PlatformKey:
    """Stop accepting signatures by a key; decisions it signed stay signed."""
    begin_write(session)
    row = session.exec(select(PlatformKey).where(PlatformKey.key_id == key_id)).first()
    organisation = session.get(Organisation, row.organisation_id) if row else None
    if row is None or not _may_manage(actor, organisation):
        log_denied(actor, "revoke_platform_key")
        raise PermissionDenied()
    now = now or utcnow()
    row.revoked_at = row.revoked_at or now
    session.add(row)
    record_event(
        session,
        action="platform_key_revoked",
        actor_id=actor.user_id,
        at=now,
        detail={"organisation_id": row.organisation_id, "key_id": row.key_id},
    )
    return row


def list_platform_keys(*, session: Session, actor: Actor) -> list[tuple[PlatformKey, str]]:
    """Keys with their organisation's name: every platform's for admins, a platform's
    own for its people and tokens."""
    query = select(PlatformKey, Organisation.name).join(
        Organisation, Organisation.id == PlatformKey.organisation_id
    )
    if actor.organisation_kind == OrgKind.PLATFORM:
        query = query.where(PlatformKey.organisation_id == actor.organisation_id)
    elif actor.role != Role.ADMIN:
        log_denied(actor, "list_platform_keys")
        raise PermissionDenied()
    return list(session.exec(query.order_by(PlatformKey.id)).all())
