"""Fixtures for AppTest runs of the real router against a real, seeded database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from casework import settings as config
from casework.bootstrap import prepare_database
from db import engine as engine_module
from db.models import User
from pages import ui
from tests.conftest import fresh_database_url

ROUTER = str(Path(__file__).resolve().parents[2] / "pages" / "router.py")


def _reset_process_caches() -> None:
    config.get_settings.cache_clear()
    engine_module.get_engine.cache_clear()


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Iterator[str]:
    """A database prepared exactly as the app's first start prepares it, with a small
    demo (so every page has data), set as the process's `DATABASE_URL`."""
    monkeypatch = pytest.MonkeyPatch()
    with fresh_database_url(tmp_path_factory.mktemp("pages")) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PANTAU_DEMO_MODE", "true")
        monkeypatch.setenv("PANTAU_DEMO_CASE_COUNT", "120")
        _reset_process_caches()
        prepare_database(engine_module.get_engine(), config.get_settings())
        link_demo_identities()
        yield url
        engine_module.get_engine().dispose()
        monkeypatch.undo()
        _reset_process_caches()


TEST_ISSUER = "https://idp.test.invalid"


def link_demo_identities() -> None:
    """Give every demo account an identity at the test provider (issuer + subject =
    user name): AppTest signs in the way st.login does, through `st.user`, since it
    cannot carry the session cookie of the password route."""
    with Session(engine_module.get_engine()) as session:
        for user in session.exec(select(User).where(User.is_demo)):
            user.oidc_issuer, user.oidc_subject = TEST_ISSUER, user.username
            session.add(user)
        session.commit()


def identity(subject: str, **claims) -> dict:
    return {"is_logged_in": True, "iss": TEST_ISSUER, "sub": subject, **claims}


def app_as(username: str | None, *, language: str = "en", user: dict | None = None) -> AppTest:
    """An AppTest of the router, signed in as demo account `username` (None: signed
    out), or as the identity `user` when given."""
    at = AppTest.from_file(ROUTER, default_timeout=60)
    at.session_state[ui.LANGUAGE_KEY] = language
    if user is not None:
        at.user = user
    elif username is not None:
        at.user = identity(username)
    else:
        at.user = {"is_logged_in": False}
    return at


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Ask for the page registered under `url_path`, as a deep link would.

    AppTest.switch_page only knows file pages; our pages are callables that
    st.navigation hashes by url_path, so set that hash directly."""
    at._page_hash = calc_hash(url_path)
    return at.run()
