"""A new user's first hour in a real browser: a case link opened while signed out (a
notification e-mail after the idle timeout) keeps its address through sign-in, in both
languages; the language chosen in the sidebar is one choice, kept on reload, in a new
tab and on the sign-out page."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pytest
from sqlmodel import Session, select

from casework.settings import Settings
from db.engine import build_engine
from db.models import User

pytestmark = pytest.mark.browser

PASSWORD = Settings(_env_file=None).demo_password
WORDS = {
    "id": ("Masuk untuk membuka kasus ini.", "Masuk dengan nama pengguna dan kata sandi"),
    "en": ("Sign in to open this case.", "Sign in with user name and password"),
}
LABELS = {
    "id": ("Nama pengguna", "Kata sandi", "Masuk"),
    "en": ("User name", "Password", "Sign in"),
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_case_link_opened_signed_out_lands_on_the_case_after_sign_in(server, page, language):
    if language == "en":  # the language a visitor chose before (the sign-in page's cookie)
        page.context.add_cookies([{"name": "pantau_language", "value": "en", "url": server}])
    page.goto(f"{server}/case?id=7")
    notice, link = WORDS[language]
    page.get_by_text(notice).wait_for()
    assert page.get_by_text("Page not found").count() == 0
    assert page.url.endswith("/case?id=7")
    page.get_by_role("link", name=link).click()
    page.wait_for_url(f"**/signin?lang={language}&next={quote('/case?id=7', safe='')}")
    user, password, button = LABELS[language]
    page.get_by_label(user, exact=True).fill("demo.officer")
    page.get_by_label(password, exact=True).fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url("**/case?id=7")
    page.get_by_role("heading", name=re.compile(r"^PAN-\d{4}-000007$")).wait_for()


def test_the_language_chosen_in_the_sidebar_survives_a_reload_a_new_tab_and_sign_out(server, page):
    page.goto(f"{server}/signin")
    page.get_by_label("Nama pengguna", exact=True).fill("demo.lead")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_role("heading", name="Antrean kasus").wait_for()
    page.get_by_label("Bahasa", exact=True).click()
    page.get_by_role("option", name="English").click()
    page.get_by_role("heading", name="Case queue").wait_for()

    page.reload()
    page.get_by_role("heading", name="Case queue").wait_for()
    tab = page.context.new_page()
    tab.goto(server)
    tab.get_by_role("heading", name="Case queue").wait_for()
    tab.goto(f"{server}/signout")
    tab.get_by_text("Sign out of Pantau in this browser?").wait_for()
    tab.get_by_role("button", name="Sign out", exact=True).click()
    tab.wait_for_url(f"{server}/signin")
    assert tab.get_by_role("heading", name="Sign in").count() == 1


def test_a_language_picked_on_the_sign_in_page_is_saved_for_the_account(running_server):
    client = httpx.Client(base_url=running_server.base, timeout=30)
    form = client.get("/signin?set_language=en")
    assert 'name="chose_language" value="1"' in form.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    fields = {"username": "demo.observer", "password": PASSWORD, "lang": "en"}
    signed_in = client.post("/signin", data={"csrf_token": token, "chose_language": "1", **fields})
    assert signed_in.status_code == 303
    engine = build_engine(running_server.database_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "demo.observer")).one()
        assert user.language == "en"
    engine.dispose()
    sign_out = client.get("/signout")
    assert '<html lang="en"' in sign_out.text  # the account's language, not the default
