"""Sending webhook deliveries: the outbox watch's half of `casework.outbox.webhooks`. Each due
delivery is claimed, posted signed with no transaction open, and its outcome recorded;
a failure is retried after a growing pause, until the last attempt."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy import update
from sqlmodel import Session, select

from casework.outbox.webhooks import (
    ED25519_HEADER,
    SIGNATURE_HEADER,
    internal_address,
    sign,
    sign_ed25519,
)
from casework.settings import Settings
from db.engine import begin_write
from db.models import WebhookDelivery, WebhookEndpoint
from db.types import utcnow

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(seconds=30)


def _checked_address(host: str, port: int, *, allow_internal: bool) -> str | None:
    """The address to connect to: `host` resolved once, before every attempt (a public
    name can be pointed inside after registration), or None when any address it
    resolves to is internal. The connection then goes to exactly this address: a
    second lookup by the HTTP client could answer differently (DNS rebinding)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    addresses = [info[4][0].split("%", 1)[0] for info in infos]
    if not addresses or (not allow_internal and any(internal_address(a) for a in addresses)):
        return None
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, str]:
    """(`url` with its host replaced by `address`, the Host header it had)."""
    parts = urlsplit(url)
    host = parts.hostname
    literal = f"[{address}]" if ":" in address else address
    suffix = f":{parts.port}" if parts.port else ""
    named = f"[{host}]" if ":" in host else host
    pinned = urlunsplit((parts.scheme, literal + suffix, parts.path or "/", parts.query, ""))
    return pinned, named + suffix


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status: int | None = None
    error: str | None = None


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 30 s, doubling, at most an hour."""
    return min(FIRST_BACKOFF * 2 ** max(0, attempts - 1), MAX_BACKOFF)


def _attempt(
    endpoint: WebhookEndpoint, delivery: WebhookDelivery, settings: Settings, now: datetime
) -> Outcome:
    parts = urlsplit(endpoint.url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = _checked_address(
            parts.hostname, port, allow_internal=settings.webhook_allow_internal
        )
    except OSError as error:
        return Outcome(False, error=f"name lookup failed: {error}"[:300])
    if address is None:
        return Outcome(False, error="refused: the address resolves inside the network")
    url, host_header = _pinned(endpoint.url, address)
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Pantau-Webhooks/1",
        "Pantau-Event": delivery.event,
        "Pantau-Delivery": str(delivery.id),
        SIGNATURE_HEADER: sign(endpoint.secret, int(now.timestamp()), body),
        ED25519_HEADER: sign_ed25519(int(now.timestamp()), body),
        "Host": host_header,
    }
    # TLS still names (SNI) and verifies the certificate of the registered name.
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    try:
        # Redirects are not followed: a receiver cannot bounce a signed body elsewhere.
        with httpx.Client(timeout=settings.webhook_timeout_seconds, follow_redirects=False) as c:
            response = c.post(url, content=body, headers=headers, extensions=extensions)
    except httpx.HTTPError as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:300])
    if 200 <= response.status_code < 300:
        return Outcome(True, status=response.status_code)
    return Outcome(False, status=response.status_code, error=f"HTTP {response.status_code}")


def _claim(session: Session, delivery_id: int, now: datetime, lease: timedelta) -> bool:
    """Take a due delivery for this process: moving its next attempt past the lease
    keeps every other replica's watch off it while it is being sent."""
    begin_write(session)
    taken = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + lease)
    ).rowcount
    session.commit()
    return taken == 1


def deliver_due(
    *, session: Session, settings: Settings, now: datetime | None = None, limit: int = 50
) -> int:
    """Send the deliveries that are due; returns how many were attempted."""
    now = now or utcnow()
    due = session.exec(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    session.rollback()
    lease = timedelta(seconds=settings.webhook_timeout_seconds + 30)
    attempted = 0
    for delivery_id in due:
        if not _claim(session, delivery_id, now, lease):
            continue
        delivery = session.get(WebhookDelivery, delivery_id)
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        session.rollback()  # no transaction stays open while a receiver answers
        if endpoint.active:
            outcome = _attempt(endpoint, delivery, settings, now)
        else:
            outcome = Outcome(False, error="the endpoint was deactivated")
        _record(session, delivery_id, outcome, now, settings, final=not endpoint.active)
        attempted += 1
    return attempted


def _record(
    session: Session,
    delivery_id: int,
    outcome: Outcome,
    now: datetime,
    settings: Settings,
    *,
    final: bool = False,
) -> None:
    begin_write(session)
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = outcome.status
    delivery.last_error = outcome.error
    if outcome.delivered:
        delivery.status = "delivered"
    elif final or delivery.attempts >= settings.webhook_max_attempts:
        delivery.status = "failed"
        log.warning("webhook delivery %s failed for good: %s", delivery_id, outcome.error)
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    session.add(delivery)
    session.commit()
