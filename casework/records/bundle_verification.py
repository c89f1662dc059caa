"""Checking an evidence bundle: every file against the manifest, every audit event
against its hash, the manifest against the installation's signature (offline, given the
public keys), and, on the page, the manifest's SHA-256 against the exports recorded in
this installation's audit trail. The command line is `python -m casework.records.bundles`."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import may_verify_bundles, require
from casework.records.audit import event_hash
from casework.records.signing import public_keyring, verify_bytes
from db.models import AuditEvent

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MAX_ENTRIES = 5000
MAX_UNPACKED = 2 * 1024**3
MAX_MANIFEST = 16 * 1024**2
MAX_SIGNATURE = 64 * 1024
MAX_EVENT_LINE = 1024**2
CHUNK = 1024**2
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Every name a bundle holds (casework.records.bundles.build_bundle): anything else, `../x` or
# `/etc/x` among them, is reported, never trusted because the manifest lists it too.
EXPECTED_NAME = re.compile(
    r"^(?:README\.txt|manifest\.json|manifest\.sig|audit/events\.jsonl|evidence/[0-9a-f]{64}"
    r"|cases/[A-Za-z0-9-]{1,32}/(?:case|timeline|evidence)\.json)$"
)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


PROBLEM_NOT_ZIP = N_("not a ZIP file, or a damaged one")
PROBLEM_TOO_BIG = N_("too many files or too large to unpack safely")
PROBLEM_NO_MANIFEST = N_("the manifest is missing or unreadable")
PROBLEM_MISSING = N_("listed in the manifest but missing")
PROBLEM_SIZE = N_("its size differs from the manifest")
PROBLEM_HASH = N_("its content differs from the manifest (SHA-256 mismatch)")
PROBLEM_EXTRA = N_("not listed in the manifest")
PROBLEM_NAME = N_("an evidence file whose name is not its SHA-256")
PROBLEM_EVENT = N_("an audit event whose hash does not match its content")
PROBLEM_DAMAGED = N_("damaged: it cannot be unpacked, or its checksum fails")
PROBLEM_UNEXPECTED = N_("a name a Pantau bundle never holds (a path outside it, say)")
PROBLEM_UNREADABLE = N_("the bundle could not be checked completely")

SIGNATURE_VALID = "valid"
SIGNATURE_INVALID = "invalid"
SIGNATURE_MISSING = "missing"
SIGNATURE_UNCHECKED = "unchecked"


@dataclass
class BundleReport:
    files_checked: int = 0
    manifest_sha256: str | None = None
    cases: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file, message id)
    signature: str = SIGNATURE_UNCHECKED  # valid | invalid | missing | unchecked
    signed_by_key: str | None = None

    @property
    def intact(self) -> bool:
        """Every file matches the manifest (which anyone could have rebuilt)."""
        return not self.problems

    @property
    def signed(self) -> bool:
        """The manifest carries a valid signature by one of the keys given."""
        return self.signature == SIGNATURE_VALID


def verify_bundle(data: bytes, *, public_keys: dict[str, bytes] | None = None) -> BundleReport:
    """Check every file of a bundle against its manifest, every audit event's hash
    against its content, and, given `public_keys`, the manifest's signature. Needs no
    database: runs anywhere Python does. Every problem, a damaged or hostile archive
    included, is a finding in the report, never an exception; entries are hashed in
    chunks, never held whole."""
    report = BundleReport()
    try:
        _verify(data, report, public_keys)
    except Exception:  # a last resort: the report says so instead of a traceback
        report.problems.append(("", PROBLEM_UNREADABLE))
    return report


class _Damaged(Exception):
    pass


def _read_capped(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """An entry's bytes, at most `limit` (more: _Damaged), its checksum checked."""
    try:
        with archive.open(name) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise _Damaged() from None
    if len(data) > limit:
        raise _Damaged()
    return data


def _digest(archive: zipfile.ZipFile, name: str, limit: int) -> tuple[int, str]:
    """(size, SHA-256) of an entry, read in chunks and never past `limit` bytes: the
    header's size can lie, so the bytes are counted as they unpack."""
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _Damaged()
                digest.update(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise _Damaged() from None
    return size, digest.hexdigest()


def _listed_files(manifest: Any) -> dict[str, dict] | None:
    """The manifest's files by name, or None when it is not of the bundle's shape:
    {"files": [{"name": str, "size": int, "sha256": hex}, …], "cases": [str, …]}."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    cases = manifest.get("cases", [])
    if not isinstance(cases, list) or not all(isinstance(c, str) for c in cases):
        return None
    listed: dict[str, dict] = {}
    for entry in manifest["files"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("size"), int)
            and not isinstance(entry.get("size"), bool)
            and isinstance(entry.get("sha256"), str)
            and SHA256.match(entry["sha256"])
        ):
            return None
        listed[entry["name"]] = entry
    return listed


def _verify(data: bytes, report: BundleReport, public_keys) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        report.problems.append(("", PROBLEM_NOT_ZIP))
        return
    if len(entries) > MAX_ENTRIES or sum(i.file_size for i in entries.values()) > MAX_UNPACKED:
        report.problems.append(("", PROBLEM_TOO_BIG))
        return
    listed = None
    if MANIFEST in entries:
        try:
            raw_manifest = _read_capped(archive, MANIFEST, MAX_MANIFEST)
            listed = _listed_files(json.loads(raw_manifest))
        except (_Damaged, ValueError, RecursionError):
            listed = None
    if listed is None:
        report.problems.append((MANIFEST, PROBLEM_NO_MANIFEST))
        return
    report.manifest_sha256 = _sha(raw_manifest)
    report.cases = list(json.loads(raw_manifest).get("cases", []))
    _check_signature(report, archive, entries, raw_manifest, public_keys)
    for name in sorted(listed):
        if not EXPECTED_NAME.match(name):
            report.problems.append((name, PROBLEM_UNEXPECTED))
    budget = MAX_UNPACKED
    sound = set()  # entries that match the manifest
    for name, entry in sorted(listed.items()):
        if name not in entries:
            report.problems.append((name, PROBLEM_MISSING))
            continue
        if not EXPECTED_NAME.match(name):
            continue  # reported above; never read
        try:
            size, sha = _digest(archive, name, min(budget, max(entry["size"], 0) + CHUNK))
        except _Damaged:
            report.problems.append((name, PROBLEM_DAMAGED))
            continue
        budget -= size
        report.files_checked += 1
        if size != entry["size"]:
            report.problems.append((name, PROBLEM_SIZE))
        elif sha != entry["sha256"]:
            report.problems.append((name, PROBLEM_HASH))
        elif name.startswith("evidence/") and name.removeprefix("evidence/") != sha:
            report.problems.append((name, PROBLEM_NAME))
        else:
            sound.add(name)
    for name in sorted(set(entries) - set(listed) - {MANIFEST, SIGNATURE}):
        report.problems.append((name, PROBLEM_EXTRA))
    # Events are read only from an excerpt that matches the manifest (a mismatch is
    # already a problem, and its size is then known to be what the manifest says).
    if "audit/events.jsonl" in sound:
        _check_events(archive, report)


def _check_events(archive: zipfile.ZipFile, report: BundleReport) -> None:
    name = "audit/events.jsonl"
    try:
        with archive.open(name) as raw:
            lines = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
            while line := lines.readline(MAX_EVENT_LINE):
                if len(line) >= MAX_EVENT_LINE and not line.endswith("\n"):
                    report.problems.append((name, PROBLEM_EVENT))
                    return
                problem = _event_problem(line) if line.strip() else None
                if problem:
                    report.problems.append((problem, PROBLEM_EVENT))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        report.problems.append((name, PROBLEM_DAMAGED))


def _check_signature(report, archive, entries, raw_manifest, public_keys) -> None:
    if SIGNATURE not in entries:
        report.signature = SIGNATURE_MISSING
        return
    try:
        signature = json.loads(_read_capped(archive, SIGNATURE, MAX_SIGNATURE))
        report.signed_by_key = str(signature.get("key_id"))
    except (_Damaged, ValueError, AttributeError, RecursionError):
        report.signature = SIGNATURE_INVALID
        return
    if public_keys is None:
        return
    valid = verify_bytes(raw_manifest, signature, public_keys=public_keys)
    report.signature = SIGNATURE_VALID if valid else SIGNATURE_INVALID


@dataclass
class ReceivedBundle:
    """A bundle checked on the page, with what only this installation can tell."""

    report: BundleReport
    issued_here: bool


def check_received_bundle(*, session: Session, actor: Actor, data: bytes) -> ReceivedBundle:
    """Verify a bundle against its manifest and this installation's public keys, and
    look its manifest's SHA-256 up among the exports recorded in the audit trail: a
    bundle this Pantau never issued says so, however intact it looks."""
    # The audit page's readers and the caseworkers who receive bundles back.
    require(actor, may_verify_bundles, "verify_evidence_bundle")
    report = verify_bundle(data, public_keys=public_keyring())
    issued = False
    if report.manifest_sha256:
        exports = session.exec(
            select(AuditEvent.detail).where(AuditEvent.action == "evidence_bundle_exported")
        )
        issued = any(
            (detail or {}).get("manifest_sha256") == report.manifest_sha256 for detail in exports
        )
    return ReceivedBundle(report=report, issued_here=issued)


def _event_problem(line: str) -> str | None:
    """The event's label when its stored hash is not the hash of its content."""
    try:
        event = json.loads(line)
        recomputed = event_hash(
            event_id=event["id"],
            case_id=event["case_id"],
            actor_id=event["actor_id"],
            action=event["action"],
            from_status=event["from_status"],
            to_status=event["to_status"],
            detail=event["detail"],
            created_at=datetime.fromisoformat(event["created_at"]),
            prev_hash=event["prev_hash"],
        )
    except (KeyError, ValueError, TypeError, AttributeError, RecursionError):
        return "audit/events.jsonl"
    if recomputed != event.get("hash"):
        return f"audit/events.jsonl#{event.get('id')}"
    return None


def _keys_from_url(url: str) -> dict[str, bytes]:
    import urllib.request

    from casework.records.signing import keys_from_document

    if not url.startswith(("https://", "http://")):
        raise ValueError("the keys URL must start with https:// (or http://)")
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - checked above
        return keys_from_document(json.loads(response.read(1_000_000)))


def main(argv: list[str]) -> int:
    """Exit 0 only when the bundle is intact and its signature verifies; 1 when a file,
    an event or the signature fails; 2 when no public key was given to check against."""
    import argparse

    from casework.records.signing import SigningKeyInvalid, load_public_keys

    parser = argparse.ArgumentParser(prog="python -m casework.records.bundles")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check a bundle offline")
    verify.add_argument("bundle")
    source = verify.add_mutually_exclusive_group()
    source.add_argument(
        "--public-key",
        metavar="FILE",
        help="the installation's published keys (pantau-keys.json) or a PEM public key",
    )
    source.add_argument(
        "--keys-url", metavar="URL", help="the installation's /.well-known/pantau-keys.json"
    )
    arguments = parser.parse_args(argv)
    try:
        if arguments.public_key:
            keys = load_public_keys(arguments.public_key)
        elif arguments.keys_url:
            keys = _keys_from_url(arguments.keys_url)
        else:
            keys = None
    except (OSError, ValueError, SigningKeyInvalid) as error:
        print(f"cannot read the public keys: {error}", file=sys.stderr)
        return 2
    with open(arguments.bundle, "rb") as handle:
        report = verify_bundle(handle.read(), public_keys=keys)
    print(f"manifest sha256: {report.manifest_sha256 or '-'}")
    print(f"cases: {', '.join(report.cases) or '-'}")
    print(f"files checked: {report.files_checked}")
    for name, problem in report.problems:
        print(f"PROBLEM {name or '(bundle)'}: {problem}")
    if report.intact:
        print("intact: every file matches the manifest and every audit event its hash")
    if report.signature == SIGNATURE_VALID:
        print(f"signed: the manifest's signature verifies (key {report.signed_by_key})")
    elif report.signature == SIGNATURE_UNCHECKED:
        print(
            "signature NOT checked: give --public-key FILE or --keys-url URL; "
            "an intact bundle without a checked signature proves nothing about who made it"
        )
        return 2
    elif report.signature == SIGNATURE_MISSING:
        print("PROBLEM manifest.sig: the bundle is not signed")
    else:
        print("PROBLEM manifest.sig: the signature does not verify with the keys given")
    return 0 if report.intact and report.signed else 1
