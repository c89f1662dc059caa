"""Finding 12 of the security audit (issue 15): hostile bundles given to the verifier.
Each is reported as a finding, never as a traceback, and nothing is read whole."""

from __future__ import annotations

import hashlib
import io
import json
import tracemalloc
import zipfile

import pytest

from casework.records.bundle_verification import (
    PROBLEM_DAMAGED,
    PROBLEM_NO_MANIFEST,
    PROBLEM_SIZE,
    PROBLEM_UNEXPECTED,
    verify_bundle,
)


def _zip(files: dict[str, bytes], *, compression=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _manifest(files: dict[str, bytes], **extra) -> bytes:
    listed = [
        {"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for n, d in files.items()
    ]
    return json.dumps({"format": "pantau-evidence-bundle/1", "files": listed, **extra}).encode()


def test_a_bad_crc_is_reported_as_damage_not_raised():
    content = b"rekaman layar " * 100
    name = "evidence/" + hashlib.sha256(content).hexdigest()
    data = bytearray(_zip({name: content, "manifest.json": _manifest({name: content})}))
    offset = bytes(data).index(content)
    data[offset + 5] ^= 0xFF  # the stored bytes change; the CRC in the header does not

    report = verify_bundle(bytes(data))

    assert (name, PROBLEM_DAMAGED) in report.problems


@pytest.mark.parametrize(
    "manifest",
    [
        b"[]",
        b'{"files": "semua"}',
        b'{"files": [{"name": 1, "size": 1, "sha256": "x"}]}',
        b'{"files": [], "cases": 5}',
        b'{"files": [["README.txt"]]}',
        b"[" * 100_000,
    ],
    ids=[
        "a list",
        "files not a list",
        "a name not text",
        "cases not a list",
        "an entry a list",
        "nested too deep",
    ],
)
def test_a_malformed_manifest_is_a_finding(manifest):
    report = verify_bundle(_zip({"manifest.json": manifest}))

    assert report.problems == [("manifest.json", PROBLEM_NO_MANIFEST)]


@pytest.mark.parametrize("name", ["../../etc/cron.d/pantau", "/etc/passwd", "cases/../../x.json"])
def test_a_path_outside_the_bundle_listed_with_its_right_hash_is_not_intact(name):
    files = {name: b"isi"}

    report = verify_bundle(_zip({**files, "manifest.json": _manifest(files)}))

    assert not report.intact and (name, PROBLEM_UNEXPECTED) in report.problems


def test_an_entry_that_unpacks_far_past_its_listed_size_is_not_read_whole():
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("audit/events.jsonl", "w") as entry:
            for _ in range(32):
                entry.write(b"\n" * 1024**2)
        listed = {"name": "audit/events.jsonl", "size": 10, "sha256": "0" * 64}
        archive.writestr("manifest.json", json.dumps({"files": [listed]}))

    tracemalloc.start()
    try:
        report = verify_bundle(big.getvalue())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert ("audit/events.jsonl", PROBLEM_DAMAGED) in report.problems or (
        "audit/events.jsonl",
        PROBLEM_SIZE,
    ) in report.problems
    assert peak < 16 * 1024**2
