"""Decisions signed by the platform, through HTTP: the platform registers its public key,
signs the canonical form of its decision, and Pantau verifies, stores and shows it; a
signature that fails is refused with 422 and nothing is recorded."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import select

from casework.desk.case_view import load_case_view
from casework.desk.workflow import Action, Status
from casework.errors import PermissionDenied
from casework.records.bundles import build_bundle
from casework.records.decision_signatures import register_platform_key
from db.models import AuditEvent, Decision
from tests.factories import advance, make_case, platform_operator

DECISION = {
    "decisions": ["removed"],
    "ground": "terms",
    "policy_reference": "Community Guidelines 4.2",
    "explanation": "Disinformasi pemilu: tanggal pemungutan suara palsu.",
}


@pytest.fixture
def referred(session, desk):
    """A case of the desk, reviewed and referred to TikTok."""
    case = make_case(session, actor=desk.officer)
    return advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)


def _public_pem(private: Ed25519PrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _signing_form(reference: str, version: int, decision: dict) -> bytes:
    """The canonical form as the README states it, built here from scratch, as a
    platform's own tool would."""
    record = {
        "kind": "pantau-decision",
        "case": reference,
        "version": version,
        "decisions": decision["decisions"],
        "ground": decision["ground"],
        "legal_reference": decision.get("legal_reference"),
        "policy_reference": decision.get("policy_reference"),
        "explanation": decision.get("explanation", ""),
        "territorial_scope": decision.get("territorial_scope", "ID"),
        "automated_detection": decision.get("automated_detection", False),
        "automated_decision": decision.get("automated_decision", "not_automated"),
        "facts": decision.get("facts", ""),
        "visibility_ends_on": decision.get("visibility_ends_on"),
        "monetary_ends_on": decision.get("monetary_ends_on"),
        "account_ends_on": decision.get("account_ends_on"),
        "service_ends_on": decision.get("service_ends_on"),
        "puid": decision.get("puid"),
        "decided_at": None,
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _register(client, token, private) -> str:
    response = client.post(
        "/platform-keys",
        json={"public_key": _public_pem(private), "label": "trust-and-safety HSM"},
        headers=token.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["key_id"]


def _signed(private, key_id, case, decision=DECISION, signed_over=None) -> dict:
    form = _signing_form(case.reference, case.version, signed_over or decision)
    signature = base64.b64encode(private.sign(form)).decode()
    return {
        "version": case.version,
        **decision,
        "signature": {"key_id": key_id, "signature": signature},
    }


def test_a_signed_decision_round_trips_and_shows_who_signed_it(
    session, desk, referred, client, tiktok_token
):
    private = Ed25519PrivateKey.generate()
    key_id = _register(client, tiktok_token, private)
    listed = client.get("/platform-keys", headers=tiktok_token.headers).json()
    assert [k["key_id"] for k in listed] == [key_id]

    response = client.post(
        f"/cases/{referred.reference}/decision",
        json=_signed(private, key_id, referred),
        headers=tiktok_token.headers,
    )

    assert response.status_code == 200, response.text
    [decision] = response.json()["decisions"]
    assert decision["signed_key_id"] == key_id
    assert (
        decision["signed_record"]
        == _signing_form(referred.reference, referred.version, DECISION).decode()
    )
    session.expire_all()
    stored = session.exec(select(Decision)).one()
    assert stored.signature == decision["signature"]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "record_decision")).one()
    assert event.detail["signed_key_id"] == key_id
    platform = platform_operator(session, "tiktok").name
    view = load_case_view(session=session, actor=desk.officer, case_id=referred.id)
    assert view.decision_signers == {stored.id: platform}
    data, _digest = build_bundle(session=session, actor=desk.officer, case_ids=[referred.id])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        record = json.loads(archive.read(f"cases/{referred.reference}/case.json"))
    assert record["decisions"][0]["signed_by"] == platform
    assert record["decisions"][0]["signed_record"] == stored.signed_record


@pytest.mark.parametrize(
    "forgery",
    ["signed over another explanation", "signed by an unregistered key", "garbage signature"],
)
def test_a_decision_whose_signature_fails_is_refused_with_422_and_not_recorded(
    session, referred, client, tiktok_token, forgery
):
    private = Ed25519PrivateKey.generate()
    key_id = _register(client, tiktok_token, private)
    if forgery == "signed over another explanation":
        body = _signed(
            private, key_id, referred, signed_over={**DECISION, "explanation": "Satire."}
        )
    elif forgery == "signed by an unregistered key":
        body = _signed(Ed25519PrivateKey.generate(), key_id, referred)
    else:
        body = _signed(private, key_id, referred)
        body["signature"]["signature"] = base64.b64encode(b"x" * 64).decode()

    response = client.post(
        f"/cases/{referred.reference}/decision", json=body, headers=tiktok_token.headers
    )

    assert response.status_code == 422, response.text
    assert ["body", "signature"] in [entry["loc"] for entry in response.json()["detail"]]
    session.expire_all()
    assert session.exec(select(Decision)).all() == []
    case = client.get(f"/cases/{referred.reference}", headers=tiktok_token.headers).json()
    assert case["status"] == Status.SENT


def test_a_platform_cannot_sign_with_another_platforms_key(
    session, admin, referred, client, tiktok_token
):
    private = Ed25519PrivateKey.generate()
    youtube = platform_operator(session, "youtube")
    row = register_platform_key(
        session=session, actor=admin, organisation_id=youtube.id, public_key=_public_pem(private)
    )

    response = client.post(
        f"/cases/{referred.reference}/decision",
        json=_signed(private, row.key_id, referred),
        headers=tiktok_token.headers,
    )

    assert response.status_code == 422
    # …and never sees it listed among its own
    assert client.get("/platform-keys", headers=tiktok_token.headers).json() == []


def test_only_admins_and_the_platform_itself_register_its_keys(session, desk, admin):
    tiktok = platform_operator(session, "tiktok")
    pem = _public_pem(Ed25519PrivateKey.generate())
    with pytest.raises(PermissionDenied):
        register_platform_key(
            session=session, actor=desk.officer, organisation_id=tiktok.id, public_key=pem
        )
    youtube = platform_operator(session, "youtube")
    with pytest.raises(PermissionDenied):
        register_platform_key(
            session=session, actor=desk.liaison, organisation_id=youtube.id, public_key=pem
        )
    assert register_platform_key(
        session=session,
        actor=desk.liaison,
        organisation_id=desk.liaison.organisation_id,
        public_key=pem,
    ).key_id


def test_a_key_that_is_not_an_ed25519_public_key_is_refused_with_422(client, tiktok_token):
    response = client.post(
        "/platform-keys", json={"public_key": "ssh-rsa AAAA…"}, headers=tiktok_token.headers
    )
    assert response.status_code == 422
    assert ["body", "public_key"] in [entry["loc"] for entry in response.json()["detail"]]
