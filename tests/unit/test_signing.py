"""The installation key: where it comes from, what it signs, and rotation."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from pydantic import ValidationError

from casework.records import signing
from casework.records.signing import (
    SigningKey,
    SigningKeyInvalid,
    SigningKeyMissing,
    canonical_json,
    installation_key,
    load_public_keys,
    public_key_pem,
    public_keyring,
    rotate_installation_key,
    sign_bytes,
    verify_bytes,
)
from casework.settings import Settings


def _settings(tmp_path, **overrides) -> Settings:
    values = {
        "signing_key_file": str(tmp_path / "key.pem"),
        "signing_keyring_file": str(tmp_path / "keyring.json"),
    }
    values.update(overrides)
    return Settings(**values)


def _seed() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def test_a_signature_verifies_against_the_installation_keyring(tmp_path):
    settings = _settings(tmp_path, signing_key_file=None, signing_key=_seed())
    key = installation_key(settings)
    signature = sign_bytes(b"checkpoint", key=key)
    assert signature["alg"] == "Ed25519"
    assert signature["key_id"] == key.key_id and len(key.key_id) == 16
    assert verify_bytes(b"checkpoint", signature, public_keys=public_keyring(settings))


def test_a_changed_message_or_signature_or_unknown_key_does_not_verify(tmp_path):
    key = SigningKey.generate()
    other = SigningKey.generate()
    keys = {key.key_id: key.public_bytes()}
    signature = sign_bytes(b"reason: hate speech", key=key)
    assert not verify_bytes(b"reason: satire", signature, public_keys=keys)
    assert not verify_bytes(
        b"reason: hate speech", sign_bytes(b"reason: hate speech", key=other), public_keys=keys
    )
    assert not verify_bytes(
        b"reason: hate speech", {**signature, "signature": "not base64!"}, public_keys=keys
    )
    assert not verify_bytes(b"reason: hate speech", {**signature, "alg": "none"}, public_keys=keys)


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical_json({"b": 1, "a": "Jawa Barat – ü"}) == (
        '{"a":"Jawa Barat – ü","b":1}'.encode()
    )


def test_production_refuses_to_start_without_a_signing_key():
    with pytest.raises(ValidationError, match="PANTAU_SIGNING_KEY"):
        Settings(environment="production", secret_key="x" * 40, demo_mode=False)


def test_a_missing_key_file_is_refused_rather_than_replaced(tmp_path):
    with pytest.raises(SigningKeyMissing):
        installation_key(_settings(tmp_path))


def test_development_generates_a_private_key_file_readable_only_by_its_owner(tmp_path, monkeypatch):
    target = tmp_path / "data" / "signing-key.pem"
    monkeypatch.setattr(signing, "DEVELOPMENT_KEY_FILE", target)
    settings = Settings(signing_key_file=None, signing_key=None, environment="development")
    signing._KEY_CACHE.clear()
    try:
        key = installation_key(settings)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        signing._KEY_CACHE.clear()
        assert installation_key(settings).key_id == key.key_id  # the same key after restart
    finally:
        signing._KEY_CACHE.clear()


def test_a_key_in_pem_or_base64_loads_and_garbage_is_refused(tmp_path):
    key = SigningKey.generate()
    path = tmp_path / "key.pem"
    path.write_bytes(key.private_pem())
    assert installation_key(_settings(tmp_path)).key_id == key.key_id
    with pytest.raises(SigningKeyInvalid):
        installation_key(_settings(tmp_path, signing_key_file=None, signing_key="abc"))


def test_rotation_keeps_the_old_public_key_so_old_signatures_still_verify(tmp_path):
    settings = _settings(tmp_path)
    (tmp_path / "key.pem").write_bytes(SigningKey.generate().private_pem())
    old = installation_key(settings)
    old_signature = sign_bytes(b"checkpoint 1", key=old)

    new = rotate_installation_key(settings)

    assert installation_key(settings).key_id == new.key_id != old.key_id
    assert stat.S_IMODE((tmp_path / "key.pem").stat().st_mode) == 0o600
    keyring = public_keyring(settings)
    assert set(keyring) == {old.key_id, new.key_id}
    assert verify_bytes(b"checkpoint 1", old_signature, public_keys=keyring)


def test_public_keys_load_from_a_pem_file_or_a_keys_document(tmp_path):
    key = SigningKey.generate()
    pem = tmp_path / "pantau.pub"
    pem.write_text(public_key_pem(key.public_bytes()))
    assert load_public_keys(pem) == {key.key_id: key.public_bytes()}
    (tmp_path / "key.pem").write_bytes(key.private_pem())
    settings = _settings(tmp_path)
    document = tmp_path / "keys.json"
    import json

    document.write_text(json.dumps(signing.published_keys(settings)))
    assert load_public_keys(document) == {key.key_id: key.public_bytes()}


def test_the_public_keys_are_served_at_a_stable_address():
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from web.keys import routes

    with TestClient(Starlette(routes=routes)) as client:
        response = client.get("/.well-known/pantau-keys.json")
    assert response.status_code == 200
    document = response.json()
    assert signing.keys_from_document(document) == public_keyring()
    assert document["keys"][0]["status"] == "current"
