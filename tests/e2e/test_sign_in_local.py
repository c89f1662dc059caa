"""Signing in with a local account in Debian's Chromium: the form, a session that survives
a reload and a browser restart, sign-out that ends it on the server, demo accounts only
in demo mode, and the forced password change after an admin's reset."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from casework.bootstrap import prepare_database
from casework.demo import DEMO_ACCOUNTS
from casework.people.auth import SESSION_COOKIE, hash_password
from casework.people.roles import Role
from casework.settings import Settings
from db.engine import build_engine
from db.models import Organisation
from tests.conftest import fresh_database_url
from tests.e2e.conftest import RunningServer, start_server, stop_server
from tests.factories import make_user

pytestmark = pytest.mark.browser

DEMO_PASSWORD = Settings(_env_file=None).demo_password
LOCAL_PASSWORD = "kata-sandi-rina-2024"
TEMPORARY_PASSWORD = "sementara-untuk-budi"
QUEUE = "Antrean kasus"
SIGN_IN_LINK = "Masuk dengan nama pengguna dan kata sandi"


@pytest.fixture(scope="module")
def quiet_server(tmp_path_factory) -> Iterator[RunningServer]:
    """A server with demo mode off, on a database where the demo accounts exist (from an
    earlier demo start) beside two real accounts: `rina.local`, and `budi.reset`, whose
    password an admin has just reset."""
    directory = tmp_path_factory.mktemp("quiet")
    with fresh_database_url(directory) as url:
        engine = build_engine(url)
        prepare_database(engine, Settings(_env_file=None, demo_mode=True, demo_case_count=0))
        with Session(engine, expire_on_commit=False) as session:
            national = select(Organisation).where(Organisation.name == "Bawaslu RI")
            office = session.exec(national).one()
            make_user(
                session,
                role=Role.OFFICER,
                organisation=office,
                username="rina.local",
                display_name="Rina Lokal",
                password_hash=hash_password(LOCAL_PASSWORD),
            )
            make_user(
                session,
                role=Role.OFFICER,
                organisation=office,
                username="budi.reset",
                display_name="Budi Santoso",
                password_hash=hash_password(TEMPORARY_PASSWORD),
                must_change_password=True,
            )
        engine.dispose()
        process, base = start_server(
            url, log_path=directory / "server.log", PANTAU_DEMO_MODE="false"
        )
        yield RunningServer(base, url)
        stop_server(process)


def sign_in(page, base: str, username: str, password: str) -> None:
    """Fill in and send the password form, as a person would."""
    page.goto(f"{base}/signin")
    page.get_by_label("Nama pengguna", exact=True).fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == SESSION_COOKIE), None)


def shows_the_sign_in_page(page, base: str) -> bool:
    page.goto(base)
    page.get_by_role("link", name=SIGN_IN_LINK).wait_for()
    return page.get_by_role("heading", name=QUEUE).count() == 0


def test_the_demo_officer_signs_in_through_the_form_and_stays_signed_in_on_reload(server, page):
    page.goto(server)
    page.get_by_role("link", name=SIGN_IN_LINK).click()
    page.wait_for_url("**/signin?lang=id")
    page.get_by_label("Nama pengguna", exact=True).fill("demo.officer")
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_role("heading", name=QUEUE).wait_for()
    assert page.get_by_text("Rina Wulandari").count() >= 1
    cookie = session_cookie(page.context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.reload()
    page.get_by_role("heading", name=QUEUE).wait_for()
    assert page.get_by_role("link", name=SIGN_IN_LINK).count() == 0


def test_a_browser_restart_within_the_session_lifetime_keeps_the_user_signed_in(server, chromium):
    first = chromium.new_context(locale="id-ID")
    page = first.new_page()
    sign_in(page, server, "demo.officer", DEMO_PASSWORD)
    page.get_by_role("heading", name=QUEUE).wait_for()
    # A persistent cookie: it outlives the browser, unlike a session-only cookie.
    assert session_cookie(first)["expires"] > time.time() + 3600
    saved = first.storage_state()
    first.close()

    restarted = chromium.new_context(locale="id-ID", storage_state=saved)
    try:
        page = restarted.new_page()
        page.goto(server)
        page.get_by_role("heading", name=QUEUE).wait_for()
    finally:
        restarted.close()


def test_signing_out_ends_the_session_and_its_old_cookie_no_longer_signs_in(server, page, chromium):
    sign_in(page, server, "demo.officer", DEMO_PASSWORD)
    page.get_by_role("heading", name=QUEUE).wait_for()
    old_token = session_cookie(page.context)["value"]

    sign_out = page.get_by_role("link", name="Keluar")
    assert sign_out.get_attribute("href") == "/signout"
    page.goto(f"{server}/signout")
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(f"{server}/signin")
    page.get_by_role("heading", name="Masuk").wait_for()
    assert session_cookie(page.context) is None
    assert shows_the_sign_in_page(page, server)

    replay = chromium.new_context(locale="id-ID")
    try:
        replay.add_cookies([{"name": SESSION_COOKIE, "value": old_token, "url": server}])
        assert shows_the_sign_in_page(replay.new_page(), server)
    finally:
        replay.close()


def test_in_demo_mode_the_sign_in_page_lists_every_demo_account(server, page):
    page.goto(f"{server}/signin")
    page.get_by_role("heading", name="Akun demo").wait_for()
    table = page.get_by_role("table")
    for username, name, _role, _organisation in DEMO_ACCOUNTS:
        assert table.get_by_text(username, exact=True).count() == 1
        assert table.get_by_role("button", name=f"Masuk sebagai {name}").count() == 1
    assert page.get_by_text(DEMO_PASSWORD).count() == 1


def test_the_language_links_switch_the_page_and_the_app_opens_in_that_language(server, page):
    page.goto(f"{server}/signin")
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Sign in as Rina Wulandari").click()
    page.get_by_role("heading", name="Case queue").wait_for()


def test_outside_demo_mode_the_sign_in_page_never_lists_demo_accounts(quiet_server, page):
    visits = [
        ("/signin", "Masuk"),
        ("/signin?lang=en", "Sign in"),
        ("/signin?set_language=id&next=/queue", "Masuk"),
    ]
    for path, button in visits:
        page.goto(f"{quiet_server.base}{path}")
        page.get_by_role("button", name=button, exact=True).wait_for()
        content = page.content()
        assert "demo.officer" not in content
        assert DEMO_PASSWORD not in content
        assert page.get_by_role("table").count() == 0


def test_outside_demo_mode_the_demo_password_opens_no_session(quiet_server, page):
    sign_in(page, quiet_server.base, "demo.officer", DEMO_PASSWORD)
    page.get_by_role("alert").wait_for()
    assert "Nama pengguna atau kata sandi salah" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Nama pengguna", exact=True).input_value() == "demo.officer"
    assert page.get_by_label("Kata sandi", exact=True).input_value() == ""
    assert session_cookie(page.context) is None


def test_outside_demo_mode_a_local_account_signs_in(quiet_server, page):
    sign_in(page, quiet_server.base, "rina.local", LOCAL_PASSWORD)
    page.get_by_role("heading", name=QUEUE).wait_for()


def test_after_an_admin_reset_only_the_account_page_exists_until_the_password_changes(
    quiet_server, page
):
    base = quiet_server.base
    page.goto(f"{base}/signin?next=/queue")
    page.get_by_label("Nama pengguna", exact=True).fill("budi.reset")
    page.get_by_label("Kata sandi", exact=True).fill(TEMPORARY_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(f"{base}/")  # not `next`: the account page is all there is
    page.get_by_role("heading", name="Akun saya").wait_for()
    page.get_by_text("Administrator telah mengatur ulang kata sandi Anda").wait_for()
    assert page.get_by_role("link", name=QUEUE).count() == 0
    assert page.get_by_role("heading", name=QUEUE).count() == 0

    page.get_by_label("Kata sandi saat ini", exact=True).fill(TEMPORARY_PASSWORD)
    page.get_by_label("Kata sandi baru", exact=True).fill("kata-sandi-budi-baru")
    page.get_by_label("Ulangi kata sandi baru", exact=True).fill("kata-sandi-budi-lain")
    page.get_by_role("button", name="Ubah kata sandi").click()
    page.get_by_text("Kedua kata sandi baru tidak sama.").wait_for()
    # What was typed is kept; only the repeat needs correcting.
    assert page.get_by_label("Kata sandi saat ini", exact=True).input_value() == TEMPORARY_PASSWORD

    page.get_by_label("Ulangi kata sandi baru", exact=True).fill("kata-sandi-budi-baru")
    page.get_by_role("button", name="Ubah kata sandi").click()
    page.get_by_text("Kata sandi Anda telah diubah").wait_for()
    page.get_by_role("link", name=QUEUE).wait_for()
    assert page.get_by_text("Administrator telah mengatur ulang").count() == 0
