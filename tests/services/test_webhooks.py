"""Webhooks: queued with the action that made the event, signed, retried with backoff,
recorded with their outcome, replayed by an admin, sent only where the case is visible."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from casework.desk.workflow import Action
from casework.errors import PermissionDenied, ValidationError
from casework.outbox.webhook_sender import backoff, deliver_due
from casework.outbox.webhooks import (
    list_deliveries,
    register_endpoint,
    replay_delivery,
    target_problem,
    verify,
)
from casework.people.roles import OrgKind, Role
from casework.settings import Settings
from db.models import AuditEvent, WebhookDelivery
from tests.factories import (
    CAMPAIGN_NOW,
    advance,
    make_actor,
    make_case,
    make_desk,
    make_organisation,
    platform_operator,
)
from tests.receivers import webhook_receiver

LOOPBACK = Settings(_env_file=None, webhook_allow_internal=True, webhook_max_attempts=3)
EVENTS = ["case.referred", "case.decision_recorded", "case.closed"]


@pytest.fixture
def admin(session):
    """An admin of the supervisory body, who registers the endpoints."""
    return make_actor(session, role=Role.ADMIN)


@pytest.fixture
def receiver():
    """A local HTTPS-less webhook receiver that records what it is sent."""
    with webhook_receiver() as running:
        yield running


def _register(session, admin, receiver, organisation=None, events=EVENTS):
    organisation = organisation or platform_operator(session, "tiktok")
    return register_endpoint(
        session=session,
        actor=admin,
        organisation_id=organisation.id,
        url=receiver.url,
        events=events,
        settings=LOOPBACK,
    )


def _refer(session, desk, **overrides):
    case = make_case(session, actor=desk.officer, **overrides)
    return advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)


def _deliveries(session):
    session.expire_all()
    return list(session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_referring_a_case_signs_and_delivers_the_event_to_the_platforms_receiver(
    session, admin, receiver
):
    endpoint, secret = _register(session, admin, receiver)
    case = _refer(session, make_desk(session))
    assert receiver.received == []  # the action did not wait for the receiver
    later = case.updated_at + timedelta(seconds=1)
    assert deliver_due(session=session, settings=LOOPBACK, now=later) == 1
    [sent] = receiver.received
    body = json.loads(sent.body)
    assert body["event"] == "case.referred"
    assert body["case"]["reference"] == case.reference
    assert sent.headers["Pantau-Event"] == "case.referred"
    # Check the signature as a receiver would, with nothing but hmac and the secret.
    fields = dict(part.split("=", 1) for part in sent.headers["Pantau-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), fields["t"].encode() + b"." + sent.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(fields["v1"], expected)
    assert verify(secret, sent.headers["Pantau-Signature"], sent.body, now=int(later.timestamp()))
    assert not verify(
        "whsec_wrong", sent.headers["Pantau-Signature"], sent.body, now=int(later.timestamp())
    )
    [delivery] = _deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)


def test_a_delivery_also_carries_the_installation_signature_a_platform_can_show_others(
    session, admin, receiver
):
    from casework.outbox.webhooks import verify_ed25519
    from casework.records.signing import public_keyring

    _register(session, admin, receiver)
    case = _refer(session, make_desk(session))
    deliver_due(session=session, settings=LOOPBACK, now=case.updated_at + timedelta(seconds=1))
    [sent] = receiver.received
    header = sent.headers["Pantau-Signature-Ed25519"]
    keys = public_keyring()
    assert verify_ed25519(header, sent.body, public_keys=keys)
    assert not verify_ed25519(
        header, sent.body.replace(b"case.referred", b"case.closed"), public_keys=keys
    )
    # The same timestamp as the HMAC: both say when Pantau asked.
    assert header.split(",")[0] == sent.headers["Pantau-Signature"].split(",")[0]


def test_a_platform_never_hears_of_another_platforms_case(session, admin, receiver):
    _register(session, admin, receiver, organisation=platform_operator(session, "youtube"))
    _refer(session, make_desk(session))  # a TikTok case
    assert _deliveries(session) == []


def test_an_office_hears_only_of_cases_in_its_region(session, admin, receiver):
    east_java = make_organisation(session, kind=OrgKind.SUPERVISORY, region_code="35")
    _register(session, admin, receiver, organisation=east_java)
    _refer(session, make_desk(session), province_code="32", regency_code="32.01")
    assert _deliveries(session) == []


def test_an_endpoint_hears_only_the_events_it_chose(session, admin, receiver):
    _register(session, admin, receiver, events=["case.closed"])
    _refer(session, make_desk(session))
    assert _deliveries(session) == []


def test_a_failed_delivery_is_retried_after_its_backoff_and_then_delivered(
    session, admin, receiver
):
    receiver.answers = [500]
    _register(session, admin, receiver)
    case = _refer(session, make_desk(session))
    first = case.updated_at + timedelta(seconds=1)
    deliver_due(session=session, settings=LOOPBACK, now=first)
    [delivery] = _deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at == first + backoff(1)
    # Not yet due: nothing is sent.
    assert deliver_due(session=session, settings=LOOPBACK, now=first + timedelta(seconds=5)) == 0
    deliver_due(session=session, settings=LOOPBACK, now=delivery.next_attempt_at)
    [delivery] = _deliveries(session)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.received) == 2
    assert receiver.received[0].body == receiver.received[1].body


def test_a_delivery_is_given_up_after_the_last_attempt(session, admin, receiver):
    receiver.answers = [503, 503, 503]
    _register(session, admin, receiver)
    case = _refer(session, make_desk(session))
    now = case.updated_at
    for _ in range(LOOPBACK.webhook_max_attempts):
        now += timedelta(hours=2)
        deliver_due(session=session, settings=LOOPBACK, now=now)
    [delivery] = _deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 3, "HTTP 503")


def test_a_redirect_is_not_followed_and_counts_as_a_failure(session, admin, receiver):
    receiver.answers = [302]
    _register(session, admin, receiver)
    case = _refer(session, make_desk(session))
    deliver_due(session=session, settings=LOOPBACK, now=case.updated_at + timedelta(seconds=1))
    [delivery] = _deliveries(session)
    assert (delivery.status, delivery.response_status) == ("pending", 302)
    assert len(receiver.received) == 1


def test_an_unreachable_receiver_never_blocks_the_action(session, admin):
    with webhook_receiver() as gone:
        pass  # stopped: nothing listens on its port any more
    _register(session, admin, gone)
    case = _refer(session, make_desk(session))
    assert case.status == "sent"
    deliver_due(session=session, settings=LOOPBACK, now=case.updated_at + timedelta(seconds=1))
    [delivery] = _deliveries(session)
    assert delivery.status == "pending" and "ConnectError" in delivery.last_error


def test_an_admin_replays_a_delivery_with_the_same_body(session, admin, receiver):
    _register(session, admin, receiver)
    case = _refer(session, make_desk(session))
    now = case.updated_at + timedelta(seconds=1)
    deliver_due(session=session, settings=LOOPBACK, now=now)
    [original] = _deliveries(session)
    replay = replay_delivery(session=session, actor=admin, delivery_id=original.id, now=now)
    deliver_due(session=session, settings=LOOPBACK, now=now)
    assert [r.body for r in receiver.received] == [original.body.encode()] * 2
    assert receiver.received[1].headers["Pantau-Delivery"] == str(replay.id)
    assert [d.id for d in list_deliveries(session=session, actor=admin)] == [replay.id, original.id]
    audited = session.exec(select(AuditEvent.action).where(AuditEvent.actor_id == admin.user_id))
    assert "webhook_replayed" in audited.all()


def test_only_admins_register_or_replay(session, receiver):
    officer = make_actor(session, role=Role.OFFICER)
    with pytest.raises(PermissionDenied):
        _register(session, officer, receiver)
    with pytest.raises(PermissionDenied):
        replay_delivery(session=session, actor=officer, delivery_id=1)


@pytest.mark.parametrize(
    "url, allow_internal, refused",
    [
        ("https://hooks.example.org/pantau", False, False),
        ("http://hooks.example.org/pantau", False, True),
        ("http://127.0.0.1:9000/hook", False, True),
        ("http://127.0.0.1:9000/hook", True, False),
        ("http://hooks.example.org/pantau", True, True),
        ("https://10.1.2.3/hook", False, True),
        ("https://169.254.169.254/latest/meta-data", False, True),
        ("https://[::1]/hook", False, True),
        ("https://localhost/hook", False, True),
        ("https://user:pass@hooks.example.org/", False, True),
        ("ftp://hooks.example.org/", False, True),
        ("not a url", False, True),
    ],
)
def test_webhook_addresses_must_be_https_and_outside_the_network(url, allow_internal, refused):
    assert (target_problem(url, allow_internal=allow_internal) is not None) is refused


def test_registering_a_plain_http_address_is_refused_with_the_field_named(session, admin):
    with pytest.raises(ValidationError) as refused:
        register_endpoint(
            session=session,
            actor=admin,
            organisation_id=admin.organisation_id,
            url="http://hooks.example.org/",
            events=["case.bogus"],
            settings=Settings(_env_file=None),
        )
    assert set(refused.value.field_errors) == {"url", "events"}


def test_a_deadline_at_risk_is_an_event(session, admin, receiver):
    from casework.outbox.notifications import check_sla

    _register(session, admin, receiver, events=["case.sla_at_risk"])
    case = _refer(session, make_desk(session), now=CAMPAIGN_NOW)
    check_sla(session=session, now=case.sla_due_at - timedelta(minutes=30))
    [delivery] = _deliveries(session)
    assert delivery.event == "case.sla_at_risk"
