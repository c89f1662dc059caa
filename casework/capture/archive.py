"""A fetch's traffic as a WARC file (warcio) and a CDXJ index of it.

A WACZ package would need py-wacz, which pulls in the `frictionless` data toolkit and its
dozens of dependencies; a WARC and the CDXJ index that a WACZ would carry inside it are
what replay tools (pywb, ReplayWeb.page) open directly (docs/decisions.md, issue 21)."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_TYPE = "application/warc"
CDXJ_TYPE = "application/x-cdxj"


@dataclass
class Exchange:
    """One request the page made and the response it got (a redirect has no body)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes = b""
    at: datetime | None = None


@dataclass
class Traffic:
    exchanges: list[Exchange] = field(default_factory=list)


def _warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(traffic: Traffic, *, captured_at: datetime, software: str) -> bytes:
    """The exchanges as one (uncompressed) WARC 1.1 file: a warcinfo record, then a response
    and a request record per exchange."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False, warc_version="WARC/1.1")
    info = writer.create_warcinfo_record(
        "capture.warc", {"software": software, "format": "WARC File Format 1.1"}
    )
    writer.write_record(info)
    for exchange in traffic.exchanges:
        date = _warc_date(exchange.at or captured_at)
        # Chromium hands over bodies already decoded: the stored headers must not claim
        # an encoding or a length the stored body no longer has.
        headers = [
            (k, v)
            for k, v in exchange.response_headers
            if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
        ]
        headers.append(("Content-Length", str(len(exchange.body))))
        status = StatusAndHeaders(
            f"{exchange.status} {exchange.reason or ''}".strip(), headers, protocol="HTTP/1.1"
        )
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=status,
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_record(response)
        path = urlsplit(exchange.url)
        target = (path.path or "/") + (f"?{path.query}" if path.query else "")
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {target} HTTP/1.1",
                exchange.request_headers,
                is_http_request=True,
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
    return buffer.getvalue()


def _sort_key(url: str) -> str:
    """A SURT-like sort key (`com,example)/path?query`), as CDXJ indexes use."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    reversed_host = ",".join(reversed(host.split("."))) if host else ""
    if parts.port:
        reversed_host += f":{parts.port}"
    return f"{reversed_host}){parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def cdxj_index(warc: bytes, *, filename: str = "capture.warc") -> bytes:
    """A CDXJ line per response record of `warc`: sort key, 14-digit timestamp, JSON with
    url, mime, status, digest, length, offset and filename. Sorted, as readers expect."""
    lines = []
    iterator = ArchiveIterator(io.BytesIO(warc))
    for record in iterator:
        if record.rec_type != "response":
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        date = record.rec_headers.get_header("WARC-Date")
        body = record.content_stream().read()
        status = record.http_headers.get_statuscode() if record.http_headers else "-"
        mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip()
        iterator.read_to_end(record)
        entry = {
            "url": url,
            "mime": mime or "unk",
            "status": status,
            "digest": "sha256:" + hashlib.sha256(body).hexdigest(),
            "length": str(iterator.get_record_length()),
            "offset": str(iterator.get_record_offset()),
            "filename": filename,
        }
        timestamp = "".join(ch for ch in date if ch.isdigit())[:14]
        lines.append(f"{_sort_key(url)} {timestamp} {json.dumps(entry, sort_keys=True)}")
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8") if lines else b""
