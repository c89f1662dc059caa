"""The sign-in routes without a database: the service is replaced, so these tests are
about what the routes add — headers, cookies, CSRF, redirects, language, and a plain
page when something breaks."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from casework.people.auth import NewSession, SignInFailed, SignInLocked
from casework.settings import Settings
from db.types import utcnow
from web import signin
from web.forms import safe_next
from web.html import SECURITY_HEADERS


@pytest.fixture
def settings(monkeypatch) -> Settings:
    """Settings the routes read, in demo mode; tests may change fields."""
    settings = Settings(_env_file=None, demo_mode=True, default_language="id")
    monkeypatch.setattr(signin, "get_settings", lambda: settings)
    return settings


@pytest.fixture
def client(settings) -> TestClient:
    """The sign-in routes alone, on a test client that keeps cookies."""
    return TestClient(Starlette(routes=signin.routes), follow_redirects=False)


@pytest.fixture
def opened(monkeypatch) -> list[tuple]:
    """Replaces the service: records each sign-in and answers with a fresh session."""
    calls: list[tuple] = []

    def open_session(settings, username, password, request):
        calls.append((username, password))
        if password != "benar-sekali-2024":
            raise SignInFailed()
        expires = utcnow() + timedelta(hours=settings.session_absolute_hours)
        return NewSession("t" * 43, 1, expires, must_change_password=username == "budi")

    monkeypatch.setattr(signin, "_open_session", open_session)
    return calls


def form_token(client: TestClient, path: str = "/signin") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def cookie_header(response, name: str) -> str | None:
    return next(
        (h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")), None
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/", "/"),
        ("/queue", "/queue"),
        ("/case?id=12", "/case?id=12"),
        (None, "/"),
        ("", "/"),
        ("queue", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/x\\y", "/"),
        ("/\r\nSet-Cookie: x=y", "/"),
        ("javascript:alert(1)", "/"),
        ("/" + "a" * 600, "/"),
    ],
)
def test_only_a_local_path_is_a_redirect_target(value, expected):
    assert safe_next(value) == expected


def test_the_sign_in_page_carries_the_security_headers(client):
    response = client.get("/signin")
    assert response.status_code == 200
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_the_csrf_cookie_is_http_only_and_strict_and_is_reused(client):
    first = client.get("/signin")
    header = cookie_header(first, "pantau_csrf")
    assert "HttpOnly" in header and "SameSite=strict" in header and "Path=/" in header
    second = client.get("/signin")
    assert cookie_header(second, "pantau_csrf") is None
    assert re.search(r'csrf_token" value="(\w+)', first.text).group(1) == re.search(
        r'csrf_token" value="(\w+)', second.text
    ).group(1)


@pytest.mark.parametrize(
    ("query", "cookie", "expected_lang", "remembered"),
    [
        ("", None, "id", False),
        ("?lang=en", None, "en", False),
        ("", "en", "en", False),
        ("?lang=id", "en", "id", False),
        ("?set_language=en", None, "en", True),
        ("?lang=xx", None, "id", False),
    ],
)
def test_the_page_language_comes_from_the_link_the_url_the_cookie_or_the_default(
    client, query, cookie, expected_lang, remembered
):
    if cookie:
        client.cookies.set("pantau_language", cookie)
    response = client.get(f"/signin{query}")
    assert f'<html lang="{expected_lang}">' in response.text
    assert (cookie_header(response, "pantau_language") is not None) is remembered


def test_a_right_password_sets_an_http_only_session_cookie_and_follows_next(client, opened):
    token = form_token(client)
    response = client.post(
        "/signin",
        data={
            "csrf_token": token,
            "username": "rina",
            "password": "benar-sekali-2024",
            "next": "/queue",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/queue"
    header = cookie_header(response, "pantau_session")
    assert header.startswith("pantau_session=" + "t" * 43)
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
    max_age = int(re.search(r"Max-Age=(\d+)", header).group(1))
    assert 12 * 3600 - 60 < max_age <= 12 * 3600
    assert "Secure" not in header


def test_over_https_the_session_cookie_is_secure(settings, opened):
    client = TestClient(
        Starlette(routes=signin.routes), base_url="https://testserver", follow_redirects=False
    )
    page = client.get("/signin")
    assert "Secure" in cookie_header(page, "pantau_csrf")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/signin", data={"csrf_token": token, "username": "rina", "password": "benar-sekali-2024"}
    )
    assert "Secure" in cookie_header(response, "pantau_session")


def test_an_account_that_must_change_its_password_goes_to_the_app_root(client, opened):
    token = form_token(client)
    response = client.post(
        "/signin",
        data={
            "csrf_token": token,
            "username": "budi",
            "password": "benar-sekali-2024",
            "next": "/queue",
        },
    )
    assert response.headers["location"] == "/"


def test_a_forged_csrf_token_never_reaches_the_service(client, opened):
    form_token(client)
    response = client.post(
        "/signin",
        data={"csrf_token": "f" * 64, "username": "rina", "password": "benar-sekali-2024"},
    )
    assert response.status_code == 400
    assert opened == []
    assert cookie_header(response, "pantau_session") is None


def test_a_locked_user_name_gets_429_with_the_minutes(client, monkeypatch):
    def locked(*_args):
        raise SignInLocked(minutes=7)

    monkeypatch.setattr(signin, "_open_session", locked)
    token = form_token(client)
    response = client.post(
        "/signin", data={"csrf_token": token, "username": "rina", "password": "apa saja"}
    )
    assert response.status_code == 429
    assert "Coba lagi dalam 7 menit" in response.text


def test_an_unexpected_error_gives_a_plain_translated_500_page(client, monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("connection to 10.0.0.5 refused; password=hunter2")

    monkeypatch.setattr(signin, "_open_session", broken)
    token = form_token(client)
    with caplog.at_level(logging.ERROR, logger="web.signin"):
        response = client.post(
            "/signin", data={"csrf_token": token, "username": "rina", "password": "x"}
        )
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.text
    assert "10.0.0.5" not in response.text and "RuntimeError" not in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "10.0.0.5" in caplog.text  # the details go to the log
    assert cookie_header(response, "pantau_session") is None


def test_outside_demo_mode_no_account_or_password_is_listed(client, settings):
    settings.demo_mode = False
    for query in ("", "?lang=en", "?set_language=id"):
        text = client.get(f"/signin{query}").text
        assert "demo.officer" not in text
        assert settings.demo_password not in text
        assert "<table" not in text


def test_in_demo_mode_every_demo_account_has_a_one_click_form(client, settings):
    text = client.get("/signin?lang=en").text
    assert text.count('aria-label="Sign in as ') == len(signin.DEMO_ACCOUNTS)
    assert settings.demo_password in text


def test_signing_out_ends_the_session_and_clears_every_sign_in_cookie(client, monkeypatch):
    ended = []
    monkeypatch.setattr(signin, "_end_session", ended.append)
    token = form_token(client, "/signout")
    client.cookies.update(
        {
            "pantau_session": "sesi",
            "_streamlit_user": "u",
            "_streamlit_user_1": "u1",
            "_streamlit_user_tokens": "t",
            "_streamlit_user_tokens_2": "t2",
            "_streamlit_xsrf": "keep",
        }
    )
    response = client.post("/signout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    assert ended == ["sesi"]
    cleared = {h.split("=")[0] for h in response.headers.get_list("set-cookie") if "Max-Age=0" in h}
    assert cleared == {
        "pantau_session",
        "_streamlit_user",
        "_streamlit_user_1",
        "_streamlit_user_tokens",
        "_streamlit_user_tokens_2",
    }
