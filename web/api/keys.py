"""Platform signing keys: a platform's tools register the Ed25519 public keys that sign
its decisions, and list them. Pantau's own public keys are not here but at
`/.well-known/pantau-keys.json`."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlmodel import Session

from casework.outbox.api_tokens import TokenHolder
from casework.records.decision_signatures import list_platform_keys, register_platform_key
from web.api import models as m
from web.api.deps import act_on_cases, get_session, read_cases
from web.api.errors import ERRORS

router = APIRouter(prefix="/platform-keys", tags=["platform keys"])


def _out(row, organisation: str) -> m.PlatformKeyOut:
    return m.PlatformKeyOut(
        key_id=row.key_id,
        public_key=row.public_key,
        label=row.label,
        organisation=organisation,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


@router.get("", response_model=list[m.PlatformKeyOut], responses=ERRORS, summary="List keys")
def list_keys(
    session: Session = Depends(get_session), found: TokenHolder = Depends(read_cases)
) -> list[m.PlatformKeyOut]:
    """The signing keys of the token's platform organisation."""
    return [_out(row, name) for row, name in list_platform_keys(session=session, actor=found.actor)]


@router.post(
    "",
    response_model=m.PlatformKeyOut,
    status_code=201,
    responses=ERRORS,
    summary="Register a signing key",
)
def register_key(
    body: m.PlatformKeyIn,
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(act_on_cases),
) -> m.PlatformKeyOut:
    """Register a public key of the token's own platform organisation; decisions signed
    with its private key are then verified and shown as signed by the platform."""
    row = register_platform_key(
        session=session,
        actor=found.actor,
        organisation_id=found.actor.organisation_id,
        public_key=body.public_key,
        label=body.label,
    )
    return _out(row, found.actor.organisation_name)
