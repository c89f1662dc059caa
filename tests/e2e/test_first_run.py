"""The first-run page of a real server started outside demo mode on a fresh
database: the one-time code is in the server's log, `/setup` creates the first
administrator with it and signs them in, then closes for good."""

from __future__ import annotations

import re

import httpx
import pytest

from casework.people.auth import SESSION_COOKIE
from tests.conftest import fresh_database_url
from tests.e2e.conftest import start_server, stop_server

pytestmark = pytest.mark.browser

CODE = re.compile(r"one-time code ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})")
PASSWORD = "a long first password"


def _token(page: httpx.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_the_first_administrator_is_created_on_the_first_run_page_with_the_logged_code(
    tmp_path,
):
    log = tmp_path / "server.log"
    with fresh_database_url(tmp_path) as url:
        process, base = start_server(url, log_path=log, PANTAU_DEMO_MODE="false")
        try:
            code = CODE.search(log.read_text(errors="replace")).group(1)
            client = httpx.Client(base_url=base, timeout=30)
            sign_in = client.get("/signin")
            assert 'href="/setup"' in sign_in.text  # the sign-in page points there
            page = client.get("/setup")
            assert page.status_code == 200 and "Kode penyiapan sekali pakai" in page.text
            fields = {
                "csrf_token": _token(page),
                "username": "ayu",
                "display_name": "Ayu Admin",
                "password": PASSWORD,
                "password_again": PASSWORD,
            }
            wrong = client.post("/setup", data={**fields, "code": "AAAA-BBBB-CCCC-DDDD"})
            assert wrong.status_code == 403 and SESSION_COOKIE not in wrong.cookies
            done = client.post("/setup", data={**fields, "code": code})
            assert done.status_code == 303 and done.headers["location"] == "/"
            assert done.cookies.get(SESSION_COOKIE)
            closed = httpx.get(f"{base}/setup", timeout=30)
            assert closed.status_code == 303 and closed.headers["location"] == "/signin"
            reused = httpx.Client(base_url=base, timeout=30)
            again = reused.post(
                "/setup", data={**fields, "code": code, "csrf_token": _token(client.get("/signin"))}
            )
            assert again.status_code in (400, 403)
            assert 'href="/setup"' not in httpx.get(f"{base}/signin", timeout=30).text
        finally:
            stop_server(process)
