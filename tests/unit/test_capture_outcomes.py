"""What a fetched page was, from its status and the platforms' markers; the WARC and
its CDXJ index read back; the proxy recorded without its credentials."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from warcio.archiveiterator import ArchiveIterator

from casework.capture.archive import Exchange, Traffic, cdxj_index, write_warc
from casework.capture.fetch import author_handle
from casework.capture.outcomes import Verdict, classify, verdict_of
from casework.capture.store import public_proxy

MARKERS = {
    "login_wall": ["Log in to TikTok"],
    "region_block": ["withheld in Indonesia"],
    "unavailable": ["Video currently unavailable"],
}


@pytest.mark.parametrize(
    ("failure", "status", "text", "outcome"),
    [
        (None, 200, "Surat suara sudah dicoblos!", "captured"),
        (None, 404, "Page not found", "not_found"),
        (None, 410, "Gone", "not_found"),
        (None, 451, "", "region_block"),
        (None, 200, "LOG IN TO TIKTOK to continue", "login_wall"),
        (None, 200, "This post has been withheld in Indonesia. Log in to TikTok", "region_block"),
        (None, 200, "Video currently unavailable. Log in to TikTok", "unavailable"),
        (None, 500, "Internal error", "error"),
        ("timeout", None, "", "timeout"),
        ("error", None, "", "error"),
    ],
)
def test_a_page_is_classified_by_its_status_then_by_the_platforms_markers(
    failure, status, text, outcome
):
    found = classify(failure=failure, http_status=status, title=None, text=text, markers=MARKERS)
    assert found == outcome


@pytest.mark.parametrize(
    ("outcome", "verdict"),
    [
        ("captured", Verdict.STILL_REACHABLE),
        ("not_found", Verdict.GONE),
        ("unavailable", Verdict.GONE),
        ("region_block", Verdict.GONE),
        ("login_wall", Verdict.INCONCLUSIVE),
        ("timeout", Verdict.INCONCLUSIVE),
        ("error", Verdict.INCONCLUSIVE),
    ],
)
def test_a_removal_check_reads_each_outcome_as_gone_still_there_or_unknown(outcome, verdict):
    assert verdict_of(outcome) == verdict


def test_the_warc_reads_back_and_its_index_points_at_each_response():
    at = datetime(2024, 2, 11, 3, 0, tzinfo=UTC)
    traffic = Traffic(
        [
            Exchange(
                "https://vt.tiktok.com/ZSabc/",
                "GET",
                [("Accept", "*/*")],
                301,
                "Moved",
                [("Location", "https://www.tiktok.com/@a/video/1")],
            ),
            Exchange(
                "https://www.tiktok.com/@a/video/1",
                "GET",
                [],
                200,
                "OK",
                [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                b"<p>x</p>",
            ),
        ]
    )
    warc = write_warc(traffic, captured_at=at, software="test")
    records = [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(warc))
    ]
    assert [kind for kind, _, _ in records] == [
        "warcinfo",
        "response",
        "request",
        "response",
        "request",
    ]
    assert records[3][2] == b"<p>x</p>"
    lines = cdxj_index(warc).decode().splitlines()
    assert [line.split(" ", 2)[0] for line in lines] == [
        "com,tiktok)/@a/video/1",
        "com,tiktok,vt)/ZSabc/",
    ]
    entry = json.loads(lines[0].split(" ", 2)[2])
    assert (entry["status"], entry["mime"], entry["url"]) == (
        "200",
        "text/html",
        "https://www.tiktok.com/@a/video/1",
    )
    assert lines[0].split(" ")[1] == "20240211030000"


@pytest.mark.parametrize(
    ("author", "metadata", "text", "handle"),
    [
        ("@kandidat.satu", {}, "", "@kandidat.satu"),
        ("Kandidat Dua @kandidat_dua", {}, "", "@kandidat_dua"),
        (None, {"twitter:creator": "@akun"}, "", "@akun"),
        (None, {}, "Diunggah oleh @relawan_01 kemarin", "@relawan_01"),
        (None, {}, "tanpa nama akun", None),
    ],
)
def test_the_author_handle_is_read_from_the_page(author, metadata, text, handle):
    assert author_handle(author, metadata, text) == handle


def test_a_proxy_is_recorded_without_its_credentials():
    assert public_proxy("http://user:secret@proxy.internal:3128") == "http://proxy.internal:3128"
    assert public_proxy(None) is None
