"""Webhooks: an organisation's HTTPS receivers, told of events on the cases it may see.

An event writes one delivery row per interested endpoint inside the transaction that
made it (an outbox), so the user's action never waits for a receiver and no event is
lost when the server stops. The server's outbox watch then sends due deliveries,
signed, and retries failures with backoff; an admin can replay any delivery.

Sending is `casework.outbox.webhook_sender`. Signature:
`Pantau-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import uuid
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from sqlmodel import Session, select

from casework.admin.common import require_admin
from casework.errors import ValidationError
from casework.i18n import N_
from casework.outbox.api_tokens import TOKEN_ROLE
from casework.people.actors import Actor, case_scope
from casework.people.roles import OrgKind
from casework.records.audit import record_event
from casework.records.signing import sign_bytes, verify_bytes
from casework.settings import Settings
from casework.uow import service
from db.engine import begin_write
from db.models import Case, Organisation, Platform, WebhookDelivery, WebhookEndpoint
from db.types import utcnow


class Event(StrEnum):
    """What a receiver may subscribe to. The lifecycle actions name theirs in
    `casework.desk.actions` (`ActionSpec.event`); the deadline watch sends `SLA_AT_RISK`."""

    REFERRED = "case.referred"
    INFORMATION_REQUESTED = "case.information_requested"
    INFORMATION_ANSWERED = "case.information_answered"
    DECISION_RECORDED = "case.decision_recorded"
    CLOSED = "case.closed"
    SLA_AT_RISK = "case.sla_at_risk"
    CLOCK_AT_RISK = "case.clock_at_risk"
    CLOCK_BREACHED = "case.clock_breached"


EVENTS = {
    Event.REFERRED: N_("Case referred to the platform"),
    Event.INFORMATION_REQUESTED: N_("Information requested"),
    Event.INFORMATION_ANSWERED: N_("Information answered"),
    Event.DECISION_RECORDED: N_("Decision recorded"),
    Event.CLOSED: N_("Case closed"),
    Event.SLA_AT_RISK: N_("Deadline at risk"),
    Event.CLOCK_AT_RISK: N_("A statutory or regulatory deadline at risk"),
    Event.CLOCK_BREACHED: N_("A statutory or regulatory deadline missed"),
}
SIGNATURE_HEADER = "Pantau-Signature"
# The installation key's Ed25519 signature over the same "<t>.<raw body>": unlike the
# HMAC (a secret both sides hold), only Pantau can make it, so a platform can prove to a
# third party what it was asked and when.
ED25519_HEADER = "Pantau-Signature-Ed25519"
MAX_URL = 2000

NEEDS_HTTPS = N_("Give a full https:// address.")
INTERNAL_TARGET = N_("This address points inside the server's own network.")
NUMERIC_HOST = N_("Write the receiver's host as a name, or as an IP address in its usual form.")


# --- signing ---------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: recompute the signature and refuse an old timestamp."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    fresh = abs(now - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, fields.get("v1", ""))


def sign_ed25519(timestamp: int, body: bytes) -> str:
    """The Ed25519 header's value: `t=<timestamp>,key=<key id>,sig=<base64>`."""
    signature = sign_bytes(f"{timestamp}.".encode() + body)
    return f"t={timestamp},key={signature['key_id']},sig={signature['signature']}"


def verify_ed25519(header: str, body: bytes, *, public_keys: dict[str, bytes]) -> bool:
    """What a receiver (or a court) does with the Ed25519 header and Pantau's keys."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        signature = {"alg": "Ed25519", "key_id": fields["key"], "signature": fields["sig"]}
    except (KeyError, ValueError):
        return False
    return verify_bytes(f"{timestamp}.".encode() + body, signature, public_keys=public_keys)


# --- where deliveries may go -----------------------------------------------------------


def internal_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def _loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def _legacy_ipv4(host: str) -> bool:
    """Whether `host` is an IPv4 address in a form other than four dotted decimals
    (`0x7f000001`, `2130706433`, `127.1`, `0177.0.0.1`): resolvers and browsers read
    these as addresses, so a check that sees a name is fooled. A host whose last label
    is a number is read that way by URL parsers too."""
    try:
        ipaddress.IPv4Address(host)
        return False  # the canonical form: checked as an address
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return bool(labels) and _NUMERIC_LABEL.match(labels[-1]) is not None


def target_problem(url: str, *, allow_internal: bool) -> str | None:
    """Why `url` may not receive webhooks (a message id), or None. https only; no
    credentials in the address; no internal address unless the setting allows it (and
    then plain http to loopback too, for tests)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return NEEDS_HTTPS
    if not host or parts.username or parts.password or len(url) > MAX_URL:
        return NEEDS_HTTPS
    if _legacy_ipv4(host):
        return NUMERIC_HOST
    if parts.scheme != "https" and not (
        parts.scheme == "http" and allow_internal and _loopback_host(host)
    ):
        return NEEDS_HTTPS
    if not allow_internal:
        try:
            if internal_address(host):
                return INTERNAL_TARGET
        except ValueError:
            if host == "localhost" or host.endswith((".localhost", ".internal", ".local")):
                return INTERNAL_TARGET
    return None


# --- administration --------------------------------------------------------------------


def _clean_events(events: list[str]) -> list[str]:
    chosen = sorted(set(events or ()))
    if not chosen or any(event not in EVENTS for event in chosen):
        raise ValidationError({"events": N_("Choose at least one event from the list.")})
    return chosen


@service
def register_endpoint(
    *,
    session: Session,
    actor: Actor,
    organisation_id: int | None,
    url: str,
    events: list[str],
    settings: Settings,
    now: datetime | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an organisation's receiver; returns it and its signing secret, shown
    this once (the server keeps it to sign, but never shows it again)."""
    require_admin(actor, "register_webhook")
    now = now or utcnow()
    url = (url or "").strip()
    errors = {}
    problem = target_problem(url, allow_internal=settings.webhook_allow_internal)
    if problem:
        errors["url"] = problem
    try:
        chosen = _clean_events(events)
    except ValidationError as error:
        errors.update(error.field_errors)
    begin_write(session)
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or not organisation.active:
        errors["organisation_id"] = N_("Choose an active organisation.")
    if errors:
        raise ValidationError(errors)
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    endpoint = WebhookEndpoint(
        organisation_id=organisation.id,
        url=url,
        secret=secret,
        events=chosen,
        created_by_id=actor.user_id,
        created_at=now,
    )
    session.add(endpoint)
    session.flush()
    record_event(
        session,
        action="webhook_registered",
        actor_id=actor.user_id,
        at=now,
        detail={"endpoint_id": endpoint.id, "organisation_id": organisation.id, "events": chosen},
    )
    return endpoint, secret


@service
def deactivate_endpoint(
    *, session: Session, actor: Actor, endpoint_id: int, now: datetime | None = None
) -> WebhookEndpoint:
    """Stop sending to an endpoint; its pending deliveries fail at their next attempt."""
    require_admin(actor, "deactivate_webhook")
    begin_write(session)
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise ValidationError({"endpoint": N_("Unknown webhook.")})
    endpoint.active = False
    session.add(endpoint)
    record_event(
        session,
        action="webhook_deactivated",
        actor_id=actor.user_id,
        at=now or utcnow(),
        detail={"endpoint_id": endpoint.id},
    )
    return endpoint


def list_endpoints(*, session: Session, actor: Actor) -> list[tuple[WebhookEndpoint, Organisation]]:
    require_admin(actor, "list_webhooks")
    return list(
        session.exec(
            select(WebhookEndpoint, Organisation)
            .join(Organisation, Organisation.id == WebhookEndpoint.organisation_id)
            .order_by(Organisation.name, WebhookEndpoint.id)
        ).all()
    )


def list_deliveries(
    *, session: Session, actor: Actor, endpoint_id: int | None = None, limit: int = 100
) -> list[WebhookDelivery]:
    """The newest deliveries with their outcome (admins only)."""
    require_admin(actor, "list_webhook_deliveries")
    query = select(WebhookDelivery)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return list(session.exec(query.order_by(WebhookDelivery.id.desc()).limit(limit)))


@service
def replay_delivery(
    *, session: Session, actor: Actor, delivery_id: int, now: datetime | None = None
) -> WebhookDelivery:
    """Send a delivery again, as a new delivery with the same body (signed anew)."""
    require_admin(actor, "replay_webhook")
    now = now or utcnow()
    begin_write(session)
    original = session.get(WebhookDelivery, delivery_id)
    if original is None:
        raise ValidationError({"delivery": N_("Unknown delivery.")})
    replay = WebhookDelivery(
        endpoint_id=original.endpoint_id,
        event=original.event,
        case_id=original.case_id,
        body=original.body,
        next_attempt_at=now,
        replay_of_id=original.id,
        created_at=now,
    )
    session.add(replay)
    session.flush()
    record_event(
        session,
        action="webhook_replayed",
        actor_id=actor.user_id,
        at=now,
        detail={"delivery_id": original.id, "replay_id": replay.id},
    )
    return replay


# --- events (inside the caller's transaction) ------------------------------------------


def _reader(session: Session, organisation: Organisation) -> Actor:
    """The organisation as a reader of cases: what its tokens and people may see."""
    kind = OrgKind(organisation.kind)
    codes = session.exec(select(Platform.code).where(Platform.operator_id == organisation.id))
    return Actor(
        user_id=0,
        username="",
        display_name="",
        role=TOKEN_ROLE[kind],
        organisation_id=organisation.id,
        organisation_kind=kind,
        organisation_name=organisation.name,
        region_code=organisation.region_code,
        platform_codes=tuple(sorted(codes)),
    )


def case_event(session: Session, case: Case, event: Event | str, *, at: datetime) -> int:
    """Queue `event` about `case` for every active endpoint that wants it and whose
    organisation may read the case. Returns how many deliveries were queued."""
    endpoints = session.exec(
        select(WebhookEndpoint, Organisation)
        .join(Organisation, Organisation.id == WebhookEndpoint.organisation_id)
        .where(WebhookEndpoint.active, Organisation.active)
    ).all()
    event = str(event)
    wanted = [(e, o) for e, o in endpoints if event in e.events]
    if not wanted:
        return 0
    session.flush()
    body = json.dumps(
        {
            "id": uuid.uuid4().hex,
            "event": event,
            "occurred_at": at.isoformat(),
            # Only what tells a receiver to look: the case itself is read through the
            # API, with the token's scope, so a webhook never carries more than that.
            "case": {
                "id": case.id,
                "reference": case.reference,
                "status": case.status,
                "version": case.version,
                "platform": case.platform_code,
                "priority": case.priority,
                "sla_due_at": case.sla_due_at.isoformat() if case.sla_due_at else None,
                "url": f"/api/v1/cases/{case.reference}",
            },
        },
        separators=(",", ":"),
    )
    queued = 0
    for endpoint, organisation in wanted:
        visible = select(Case.id).where(
            Case.id == case.id, case_scope(_reader(session, organisation))
        )
        if session.exec(visible).first() is None:
            continue
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event=event,
                case_id=case.id,
                body=body,
                next_attempt_at=at,
                created_at=at,
            )
        )
        queued += 1
    return queued
