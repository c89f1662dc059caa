"""Bad input to the sign-in routes of a running server: every request gets a clear page
(never a 500, never a traceback) and none of them gets a session."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session

from casework.people.auth import SESSION_COOKIE, sign_in_with_password
from casework.settings import Settings
from db.engine import build_engine
from db.models import User
from db.types import utcnow

pytestmark = pytest.mark.browser

DEMO_PASSWORD = Settings(_env_file=None).demo_password
FAILED = "Nama pengguna atau kata sandi salah"
EXPIRED_FORM = "Formulir ini sudah kedaluwarsa"
SIGN_IN_LINK = "Masuk dengan nama pengguna dan kata sandi"
FORM = {"content-type": "application/x-www-form-urlencoded"}


def open_form(base: str) -> tuple[httpx.Client, str]:
    """A client that has loaded the sign-in page: it holds the CSRF cookie, and the
    form's token is returned."""
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/signin")
    assert page.status_code == 200
    return client, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sets_a_session(response: httpx.Response) -> bool:
    for header in response.headers.get_list("set-cookie"):
        name, _eq, rest = header.partition("=")
        if name.strip() == SESSION_COOKIE and rest.split(";")[0].strip('"'):
            return True
    return False


def assert_clear_page(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    for leak in ("Traceback", 'File "', "Exception", "sqlalchemy", "psycopg"):
        assert leak not in response.text
    assert "<h1>" in response.text
    assert not sets_a_session(response)


@pytest.mark.parametrize(
    "fields",
    [{"username": "", "password": ""}, {"username": "demo.officer", "password": ""}, {}],
    ids=["both empty", "password empty", "fields missing"],
)
def test_empty_credentials_get_the_form_again_with_the_message(server, fields):
    client, token = open_form(server)
    response = client.post("/signin", data={"csrf_token": token, **fields})
    assert_clear_page(response, 401)
    assert FAILED in response.text
    assert 'value="{}"'.format(fields.get("username", "")) in response.text


def test_a_one_mebibyte_body_is_refused_as_too_large(server):
    client, token = open_form(server)
    body = f"csrf_token={token}&username=demo.officer&password=".encode() + b"a" * (1 << 20)
    response = client.post("/signin", content=body, headers=FORM)
    assert_clear_page(response, 413)


def test_a_large_body_without_a_length_is_refused_as_it_arrives(server):
    client, _token = open_form(server)
    chunks = (b"a" * 4096 for _chunk in range(64))  # sent chunked: no Content-Length
    response = client.post("/signin", content=chunks, headers=FORM)
    assert_clear_page(response, 413)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"username=%ff%fe&password=x", FORM["content-type"]),
        (b"username=a&&password=b", FORM["content-type"]),
        (b"\xff\xfe\x00garbage", FORM["content-type"]),
        ("&".join(f"f{n}=x" for n in range(50)).encode(), FORM["content-type"]),
        (b'{"username": "demo.officer"}', "application/json"),
        (b"username=demo.officer", "text/plain"),
        (
            b"--b\r\nContent-Disposition: form-data; name=username\r\n\r\nx\r\n--b--",
            "multipart/form-data; boundary=b",
        ),
        (b"username=demo.officer", ""),
    ],
    ids=[
        "invalid utf-8",
        "empty field",
        "binary",
        "too many fields",
        "json",
        "plain text",
        "multipart",
        "no content type",
    ],
)
def test_a_malformed_or_foreign_body_is_refused_as_unreadable(server, body, content_type):
    client, _token = open_form(server)
    response = client.post("/signin", content=body, headers={"content-type": content_type})
    assert_clear_page(response, 400)


def _csrf_cases(server) -> dict:
    client, token = open_form(server)
    _other_client, other_token = open_form(server)
    return {
        "missing": (client, {}),
        "forged": (client, {"csrf_token": "0" * 64}),
        "from another browser": (client, {"csrf_token": other_token}),
        "without the cookie": (httpx.Client(base_url=server), {"csrf_token": token}),
        "non-ascii": (client, {"csrf_token": "é" * 64}),
    }


@pytest.mark.parametrize(
    "case", ["missing", "forged", "from another browser", "without the cookie", "non-ascii"]
)
def test_a_missing_or_forged_csrf_token_opens_no_session_even_with_the_right_password(server, case):
    client, token_fields = _csrf_cases(server)[case]
    fields = {"username": "demo.officer", "password": DEMO_PASSWORD, **token_fields}
    response = client.post("/signin", data=fields)
    assert_clear_page(response, 400)
    assert EXPIRED_FORM in response.text
    assert 'value="demo.officer"' in response.text


def test_sign_out_with_a_forged_csrf_token_is_refused(server):
    client, _token = open_form(server)
    response = client.post("/signout", data={"csrf_token": "0" * 64})
    assert_clear_page(response, 400)
    assert EXPIRED_FORM in response.text


def test_user_text_comes_back_escaped(server):
    client, token = open_form(server)
    name = '<script>alert("x")</script>'
    response = client.post("/signin", data={"csrf_token": token, "username": name})
    assert_clear_page(response, 401)
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text


@pytest.mark.parametrize(
    ("next_path", "expected"),
    [
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("///evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\t/evil.example", "/"),
        ("", "/"),
        ("/account", "/account"),
    ],
    ids=[
        "absolute",
        "scheme-relative",
        "backslash",
        "triple slash",
        "javascript",
        "tab",
        "empty",
        "local",
    ],
)
def test_after_sign_in_only_a_local_path_is_followed(server, next_path, expected):
    client, token = open_form(server)
    fields = {
        "csrf_token": token,
        "username": "demo.officer",
        "password": DEMO_PASSWORD,
        "next": next_path,
    }
    response = client.post("/signin", data=fields)
    assert response.status_code == 303
    assert response.headers["location"] == expected
    assert sets_a_session(response)


@pytest.mark.parametrize("username", ["demo.regulator", "tidak.ada.orangnya"])
def test_repeated_wrong_passwords_reach_the_lockout_message(server, username):
    client, token = open_form(server)
    for _attempt in range(Settings(_env_file=None).lockout_threshold):
        response = client.post(
            "/signin", data={"csrf_token": token, "username": username, "password": "salah"}
        )
        assert_clear_page(response, 401)
    right = {"csrf_token": token, "username": username, "password": DEMO_PASSWORD}
    response = client.post("/signin", data=right)
    assert_clear_page(response, 429)
    assert "Terlalu banyak percobaan yang gagal" in response.text


def test_a_forged_session_cookie_gets_pages_but_never_a_session(server):
    client = httpx.Client(base_url=server, cookies={SESSION_COOKIE: "forged-" + "a" * 40})
    for response in (client.get("/signin"), client.get("/signout")):
        assert_clear_page(response, 200)
    assert client.get("/").status_code == 200


def _expired_token(database_url: str) -> str:
    """A real session of the demo lead, opened 13 hours ago: past its absolute lifetime."""
    engine = build_engine(database_url)
    try:
        with Session(engine) as session:
            return sign_in_with_password(
                session=session,
                settings=Settings(_env_file=None, demo_mode=True),
                username="demo.lead",
                password=DEMO_PASSWORD,
                now=utcnow() - timedelta(hours=13),
            ).token
    finally:
        engine.dispose()


def _token_of_deactivated_user(base: str, database_url: str) -> str:
    """A session opened through the form, whose user is then switched off directly in
    the database (no revocation: the account's state alone must refuse it)."""
    client, token = open_form(base)
    fields = {"csrf_token": token, "username": "demo.observer", "password": DEMO_PASSWORD}
    session_token = client.post("/signin", data=fields).cookies[SESSION_COOKIE]
    engine = build_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(User).where(User.username == "demo.observer").values(active=False)
            )
    finally:
        engine.dispose()
    return session_token


@pytest.mark.parametrize("cookie", ["forged", "expired", "deactivated user"])
def test_a_bad_session_cookie_shows_the_sign_in_page_in_the_browser(
    running_server, chromium, cookie
):
    base = running_server.base
    token = {
        "forged": lambda: "forged-" + "a" * 40,
        "expired": lambda: _expired_token(running_server.database_url),
        "deactivated user": lambda: _token_of_deactivated_user(base, running_server.database_url),
    }[cookie]()
    context = chromium.new_context(locale="id-ID")
    try:
        context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(base)
        page.get_by_role("link", name=SIGN_IN_LINK).wait_for()
        assert page.get_by_role("heading", name="Antrean kasus").count() == 0
    finally:
        context.close()
