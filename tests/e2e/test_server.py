"""The server a new user starts: healthy, seeded with the demo, and gated."""

from __future__ import annotations

import httpx
import pytest

from pages import registry

pytestmark = pytest.mark.browser


def test_health_answers_ok_when_the_database_answers(server):
    response = httpx.get(f"{server}/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_health_answers_503_when_the_database_is_gone(tmp_path):
    from tests.e2e.conftest import start_server, stop_server

    database = tmp_path / "gone.db"
    process, base = start_server(
        f"sqlite:///{database}", log_path=tmp_path / "log.txt", PANTAU_DEMO_CASE_COUNT="0"
    )
    try:
        # Take the database away under the running server: a directory where the file was.
        for suffix in ("", "-wal", "-shm"):
            path = tmp_path / f"gone.db{suffix}"
            if path.exists():
                path.unlink()
        database.mkdir()
        response = httpx.get(f"{base}/healthz", timeout=10)
        assert response.status_code == 503
        assert response.json()["database"] == "down"
    finally:
        stop_server(process)


SIGN_IN_LINK = "Masuk dengan nama pengguna dan kata sandi"


def test_a_fresh_server_leads_to_the_demo_accounts_in_indonesian(server, page):
    page.goto(server)
    link = page.get_by_role("link", name=SIGN_IN_LINK)
    link.wait_for()
    assert page.get_by_role("heading", name="Pantau").count() == 1
    link.click()
    page.get_by_role("heading", name="Akun demo").wait_for()
    assert page.get_by_role("button", name="Masuk sebagai Rina Wulandari").count() == 1


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda s: s.url_path)
def test_a_deep_link_on_a_fresh_server_signed_out_shows_the_sign_in_page(server, page, spec):
    page.goto(f"{server}/{spec.url_path}")
    page.get_by_role("link", name=SIGN_IN_LINK).wait_for()
    assert page.get_by_role("heading", name="Pantau").count() == 1
    assert page.get_by_role("heading", name="Antrean kasus").count() == 0


def test_an_officer_signs_in_from_the_demo_list_and_sees_the_queue(server, page):
    page.goto(server)
    page.get_by_role("link", name=SIGN_IN_LINK).click()
    page.get_by_role("button", name="Masuk sebagai Rina Wulandari").click()
    page.get_by_role("heading", name="Antrean kasus").wait_for()
    page.get_by_text("kasus", exact=False).first.wait_for()
    assert page.get_by_role("heading", name="Pantau").count() == 0


@pytest.mark.parametrize("path", ["/", "/signin", "/healthz", "/api/v1/openapi.json"])
def test_no_page_of_the_server_may_be_framed_by_another_site(server, path):
    response = httpx.get(f"{server}{path}", timeout=10)

    assert response.headers.get("x-frame-options") in ("DENY", "SAMEORIGIN")
    policy = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy or "frame-ancestors 'self'" in policy
