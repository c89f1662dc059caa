"""Fixtures for AppTest runs of the real router against a real, seeded database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from casework.bootstrap import prepare_database
from db import config
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
        yield url
        engine_module.get_engine().dispose()
        monkeypatch.undo()
        _reset_process_caches()


def user_id(username: str) -> int:
    with Session(engine_module.get_engine()) as session:
        return session.exec(select(User.id).where(User.username == username)).one()


def app_as(username: str | None, *, language: str = "en") -> AppTest:
    """An AppTest of the router, signed in as `username` (None: signed out)."""
    at = AppTest.from_file(ROUTER, default_timeout=60)
    at.session_state[ui.LANGUAGE_KEY] = language
    if username is not None:
        at.session_state[ui.USER_KEY] = user_id(username)
    return at


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Ask for the page registered under `url_path`, as a deep link would.

    AppTest.switch_page only knows file pages; our pages are callables that
    st.navigation hashes by url_path, so set that hash directly."""
    at._page_hash = calc_hash(url_path)
    return at.run()
