"""The installation's Ed25519 signing key, and signatures anyone can check outside Pantau.

One key per Pantau installation, kept outside the database: a file
(`PANTAU_SIGNING_KEY_FILE`) or an environment variable (`PANTAU_SIGNING_KEY`, a base64
32-byte seed or a PEM private key). Production refuses to start without one; development
and demo mode generate one under ./data/ (mode 0600) on first use. Rotating the key moves
the old public key into a keyring file of retired keys, so that everything signed before
the rotation still verifies.

Signatures are detached: `{"alg": "Ed25519", "key_id": …, "signature": <base64>}`, over
the exact bytes signed — for structured records, over `canonical_json(record)`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from casework.settings import PROJECT_ROOT, Settings, get_settings

ALGORITHM = "Ed25519"
DEVELOPMENT_KEY_FILE = PROJECT_ROOT / "data" / "signing-key.pem"
DEFAULT_KEYRING_FILE = PROJECT_ROOT / "data" / "signing-keyring.json"
KEYS_PATH = "/.well-known/pantau-keys.json"


class SigningKeyMissing(RuntimeError):
    """Production has no signing key configured: refuse rather than sign with a throwaway."""


class SigningKeyInvalid(ValueError):
    """The configured signing key or public key cannot be read."""


def key_id_for(public_bytes: bytes) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_bytes).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key with its key id."""

    private: Ed25519PrivateKey

    def public_bytes(self) -> bytes:
        """The raw 32-byte public key."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_id(self) -> str:
        return key_id_for(self.public_bytes())

    def private_pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())


def canonical_json(obj: Any) -> bytes:
    """The one byte form of a structured record that is signed: keys sorted, no
    whitespace, UTF-8 (not ASCII-escaped). Dates must already be strings."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


# --- reading keys ----------------------------------------------------------------------


def private_key_from_text(text: str | bytes) -> SigningKey:
    """A private key from PEM (PKCS#8) or a base64 32-byte seed."""
    raw = text.encode("ascii", "ignore") if isinstance(text, str) else text
    raw = raw.strip()
    if raw.startswith(b"-----BEGIN"):
        try:
            private = serialization.load_pem_private_key(raw, password=None)
        except (ValueError, TypeError) as error:
            raise SigningKeyInvalid("the signing key is not a readable PEM private key") from error
        if not isinstance(private, Ed25519PrivateKey):
            raise SigningKeyInvalid("the signing key is not an Ed25519 key")
        return SigningKey(private)
    try:
        seed = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SigningKeyInvalid("the signing key is neither PEM nor base64") from error
    if len(seed) != 32:
        raise SigningKeyInvalid("a base64 signing key must decode to 32 bytes")
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


def public_key_from_text(text: str | bytes) -> bytes:
    """Raw public key bytes from PEM (SubjectPublicKeyInfo) or base64 of the 32 bytes."""
    raw = text.encode("ascii", "ignore") if isinstance(text, str) else text
    raw = raw.strip()
    if raw.startswith(b"-----BEGIN"):
        try:
            public = serialization.load_pem_public_key(raw)
        except (ValueError, TypeError) as error:
            raise SigningKeyInvalid("not a readable PEM public key") from error
        if not isinstance(public, Ed25519PublicKey):
            raise SigningKeyInvalid("not an Ed25519 public key")
        return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SigningKeyInvalid("a public key must be PEM or base64") from error
    if len(decoded) != 32:
        raise SigningKeyInvalid("an Ed25519 public key is 32 bytes")
    return decoded


def public_key_pem(public_bytes: bytes) -> str:
    """The PEM form of a raw public key (what a platform or a court is given)."""
    public = Ed25519PublicKey.from_public_bytes(public_bytes)
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _write_private_file(path: Path, key: SigningKey, *, replace: bool) -> None:
    # Written to a temporary file with mode 0600 first, then linked into place: a second
    # process generating at the same time finds the first one's key instead of a torn file.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-")
    try:
        os.fchmod(handle, 0o600)
        os.write(handle, key.private_pem())
        os.fsync(handle)
    finally:
        os.close(handle)
    try:
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


_KEY_CACHE: dict[tuple, SigningKey] = {}


def _key_file(settings: Settings) -> Path | None:
    if settings.signing_key_file:
        return Path(settings.signing_key_file)
    if settings.signing_key:
        return None
    return DEVELOPMENT_KEY_FILE


def installation_key(settings: Settings | None = None) -> SigningKey:
    """This installation's signing key.

    Read from `PANTAU_SIGNING_KEY_FILE`, else from `PANTAU_SIGNING_KEY`. With neither,
    production refuses (`SigningKeyMissing`); development generates a key and keeps it in
    ./data/signing-key.pem (mode 0600), so that a demo signs with the same key across
    restarts."""
    settings = settings or get_settings()
    cache_key = (settings.signing_key_file, settings.signing_key, settings.environment)
    cached = _KEY_CACHE.get(cache_key)
    if cached is not None:
        return cached
    if settings.signing_key_file:
        path = Path(settings.signing_key_file)
        try:
            key = private_key_from_text(path.read_bytes())
        except FileNotFoundError as error:
            raise SigningKeyMissing(f"PANTAU_SIGNING_KEY_FILE {path} does not exist") from error
    elif settings.signing_key:
        key = private_key_from_text(settings.signing_key)
    elif settings.environment == "production":
        raise SigningKeyMissing("PANTAU_SIGNING_KEY_FILE or PANTAU_SIGNING_KEY must be set")
    else:
        path = DEVELOPMENT_KEY_FILE
        if not path.exists():
            try:
                _write_private_file(path, SigningKey.generate(), replace=False)
            except FileExistsError:
                pass  # another process generated it first; use theirs
        key = private_key_from_text(path.read_bytes())
    _KEY_CACHE[cache_key] = key
    return key


# --- the keyring of retired public keys -------------------------------------------------


def keyring_file(settings: Settings | None = None) -> Path:
    """Where retired public keys are kept (`PANTAU_SIGNING_KEYRING_FILE`)."""
    settings = settings or get_settings()
    return (
        Path(settings.signing_keyring_file)
        if settings.signing_keyring_file
        else (DEFAULT_KEYRING_FILE)
    )


def _read_keyring(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return list(document.get("keys", []))


def published_keys(settings: Settings | None = None) -> dict[str, Any]:
    """The document served at `/.well-known/pantau-keys.json`: the current key and every
    retired one, each with its key id and base64 raw public key."""
    settings = settings or get_settings()
    current = installation_key(settings)
    keys = [
        {
            "key_id": current.key_id,
            "alg": ALGORITHM,
            "public_key": base64.b64encode(current.public_bytes()).decode("ascii"),
            "status": "current",
        }
    ]
    for entry in _read_keyring(keyring_file(settings)):
        if entry.get("key_id") == current.key_id:
            continue
        keys.append({**entry, "alg": ALGORITHM, "status": "retired"})
    return {"installation": settings.public_url, "keys": keys}


def keys_url(settings: Settings | None = None) -> str:
    """The stable address of this installation's published public keys."""
    settings = settings or get_settings()
    return settings.public_url.rstrip("/") + KEYS_PATH


def keys_from_document(document: dict[str, Any]) -> dict[str, bytes]:
    """`{key_id: raw public key}` from a published keys document, each id re-derived
    from its key so that a document cannot name a key under someone else's id."""
    keys: dict[str, bytes] = {}
    for entry in document.get("keys", []):
        public = public_key_from_text(str(entry.get("public_key", "")))
        keys[key_id_for(public)] = public
    return keys


def load_public_keys(path: str | Path) -> dict[str, bytes]:
    """Public keys from a file: a published keys document (JSON), a PEM public key, or
    the base64 of one raw key."""
    raw = Path(path).read_bytes()
    if raw.lstrip().startswith(b"{"):
        try:
            return keys_from_document(json.loads(raw))
        except (ValueError, AttributeError) as error:
            raise SigningKeyInvalid("the keys file is not a keys document") from error
    public = public_key_from_text(raw)
    return {key_id_for(public): public}


def public_keyring(settings: Settings | None = None) -> dict[str, bytes]:
    """Every public key of this installation, current and retired, by key id."""
    return keys_from_document(published_keys(settings))


def rotate_installation_key(
    settings: Settings | None = None, *, now: datetime | None = None
) -> SigningKey:
    """Retire the current key into the keyring and put a new one in its place.

    With a key file, the new key replaces it (mode 0600). With `PANTAU_SIGNING_KEY`, the
    old public key is still retired here, and the caller sets the new key's seed (see
    `python -m casework.records.signing rotate`)."""
    settings = settings or get_settings()
    old = installation_key(settings)
    path = keyring_file(settings)
    entries = [entry for entry in _read_keyring(path) if entry.get("key_id") != old.key_id]
    entries.append(
        {
            "key_id": old.key_id,
            "public_key": base64.b64encode(old.public_bytes()).decode("ascii"),
            "retired_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"keys": entries}, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    new = SigningKey.generate()
    target = _key_file(settings)
    if target is not None:
        _write_private_file(target, new, replace=True)
    _KEY_CACHE.clear()
    return new


# --- signing and verifying ---------------------------------------------------------------


def sign_bytes(data: bytes, *, key: SigningKey | None = None) -> dict[str, str]:
    """A detached signature over `data` with the installation key (or `key`)."""
    key = key or installation_key()
    return {
        "alg": ALGORITHM,
        "key_id": key.key_id,
        "signature": base64.b64encode(key.private.sign(data)).decode("ascii"),
    }


def verify_bytes(data: bytes, signature: dict[str, Any], *, public_keys: dict[str, bytes]) -> bool:
    """True when `signature` is a valid Ed25519 signature over `data` by one of
    `public_keys` (found by its key id). Anything malformed is simply not valid."""
    if not isinstance(signature, dict) or signature.get("alg") != ALGORITHM:
        return False
    public = public_keys.get(str(signature.get("key_id")))
    if public is None:
        return False
    try:
        raw = base64.b64decode(str(signature.get("signature", "")), validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(raw, data)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m casework.records.signing", description="The installation's signing key."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("public-keys", help="print the published keys document")
    commands.add_parser("generate", help="print a new base64 seed for PANTAU_SIGNING_KEY")
    commands.add_parser("rotate", help="retire the current key and make a new one")
    arguments = parser.parse_args(argv)
    settings = get_settings()
    if arguments.command == "public-keys":
        print(json.dumps(published_keys(settings), indent=2))
    elif arguments.command == "generate":
        seed = SigningKey.generate().private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        print(base64.b64encode(seed).decode("ascii"))
    else:
        new = rotate_installation_key(settings)
        print(f"new key {new.key_id}; the old public key is kept in {keyring_file(settings)}")
        if _key_file(settings) is None:
            seed = new.private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            print("set PANTAU_SIGNING_KEY to:", base64.b64encode(seed).decode("ascii"))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
