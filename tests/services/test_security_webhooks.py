"""Finding 11 of the security audit (issue 15): a webhook receiver's name that answers
one address to the check and another to the connection (DNS rebinding), and IPv4
addresses written so that the check sees a name."""

from __future__ import annotations

import socket

import pytest
from sqlmodel import select

from casework.outbox import webhook_sender as sender
from casework.outbox.webhook_sender import deliver_due
from casework.outbox.webhooks import NUMERIC_HOST, target_problem
from casework.settings import Settings
from db.models import WebhookDelivery, WebhookEndpoint
from db.types import utcnow
from tests.factories import platform_operator
from tests.receivers import webhook_receiver

REBINDING = "rebind.pantau.test"


@pytest.mark.parametrize(
    "host", ["0x7f000001", "2130706433", "127.1", "0177.0.0.1", "10.0.0.0x1", "hooks.example.1"]
)
@pytest.mark.parametrize("allow_internal", [False, True])
def test_an_ipv4_address_in_a_numeric_disguise_is_refused_at_registration(host, allow_internal):
    assert target_problem(f"https://{host}/hook", allow_internal=allow_internal) == NUMERIC_HOST


def test_a_name_that_rebinds_after_the_check_is_still_sent_to_the_checked_address(
    session, monkeypatch
):
    with webhook_receiver() as checked:
        port = int(checked.url.rsplit(":", 1)[1].split("/")[0])
        # Another service on the same port of another loopback address: where a second
        # lookup would send the signed body.
        with webhook_receiver(host="127.0.0.2", port=port) as elsewhere:
            answers = iter(["127.0.0.1"] + ["127.0.0.2"] * 10)
            real = socket.getaddrinfo

            def rebinding(host, *args, **kwargs):
                if host == REBINDING:  # a resolver whose answer changes between lookups
                    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
                return real(host, *args, **kwargs)

            monkeypatch.setattr(socket, "getaddrinfo", rebinding)
            # Only loopback may be reached here, so 127.0.0.1 plays the public address
            # the name gives the check, and 127.0.0.2 the internal one it gives next.
            monkeypatch.setattr(sender, "internal_address", lambda a: a != "127.0.0.1")
            endpoint = WebhookEndpoint(
                organisation_id=platform_operator(session, "tiktok").id,
                url=f"http://{REBINDING}:{port}/hooks/pantau",
                secret="rahasia",
                events=["case.referred"],
            )
            session.add(endpoint)
            session.flush()
            now = utcnow()
            session.add(
                WebhookDelivery(
                    endpoint_id=endpoint.id, event="case.referred", body="{}", next_attempt_at=now
                )
            )
            session.commit()

            deliver_due(session=session, settings=Settings(_env_file=None), now=now)

    assert elsewhere.received == []
    [received] = checked.received
    assert received.headers["Host"] == f"{REBINDING}:{port}"
    session.expire_all()
    assert session.exec(select(WebhookDelivery.status)).one() == "delivered"
