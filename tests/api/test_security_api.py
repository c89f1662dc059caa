"""Attacks of the security audit (issue 15) replayed against the API in-process."""

from __future__ import annotations

import asyncio

import pytest

from tests.api.conftest import api_settings
from web.api import create_api

CHUNK = 64 * 1024


def _call(api, *, path: str, headers: list[tuple[bytes, bytes]], chunks: int):
    """POST `chunks` chunks of 64 KiB to `path`; (status, chunks the app pulled)."""
    pulled = 0
    answer: dict = {}

    async def receive():
        nonlocal pulled
        if pulled < chunks:
            pulled += 1
            return {"type": "http.request", "body": b"[" * CHUNK, "more_body": pulled < chunks}
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            answer.setdefault("status", message["status"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    asyncio.run(api(scope, receive, send))
    return answer.get("status"), pulled


def test_a_huge_chunked_body_without_a_token_is_refused_after_the_cap_not_read_whole(engine):
    api = create_api(engine=lambda: engine, settings=api_settings(api_body_max_bytes=256 * 1024))

    status, pulled = _call(api, path="/cases", headers=[], chunks=6400)  # 400 MB offered

    assert status == 413
    assert pulled <= 256 * 1024 // CHUNK + 1


def test_a_body_declared_larger_than_the_cap_is_refused_before_a_byte_is_read(engine):
    api = create_api(engine=lambda: engine, settings=api_settings(api_body_max_bytes=256 * 1024))

    status, pulled = _call(
        api, path="/cases", headers=[(b"content-length", b"419430400")], chunks=6400
    )

    assert (status, pulled) == (413, 0)


def test_reading_the_case_list_through_the_api_leaves_an_audit_trace(session, client, admin):
    from sqlmodel import select

    from casework.people.roles import OrgKind
    from db.models import AuditEvent
    from tests.api.conftest import issue
    from tests.factories import make_case, make_organisation

    office = make_organisation(session, kind=OrgKind.SUPERVISORY)
    make_case(session)
    token = issue(session, admin, office.id)

    response = client.get("/cases", params={"status": "new"}, headers=token.headers)

    assert response.status_code == 200
    session.expire_all()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "data_exported")).one()
    assert event.detail["kind"] == "api_case_list"
    assert event.detail["rows"] == len(response.json()["items"]) == 1
    assert event.detail["filters"]["filters"]["statuses"] == ["new"]


@pytest.mark.parametrize(
    "raw",
    [
        "9999-12-31T23:59:59-14:00|1",
        "0001-01-01T00:00:00+14:00|1",
        "2024-01-10T03:00:00+00:00|99999999999999999999",
        "2024-01-10T03:00:00+00:00|-1",
        "2024-01-10T03:00:00|1",
    ],
)
def test_a_forged_cursor_at_the_edge_of_the_range_is_a_client_error_not_a_500(
    client, tiktok_token, raw
):
    import base64

    cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    response = client.get("/cases", params={"cursor": cursor}, headers=tiktok_token.headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "cursor"
