"""The account page's password change, and the forced change after an admin's reset:
until it is done, the account page is the only page."""

from __future__ import annotations

from sqlmodel import Session, select

from casework import settings as config
from casework.people.auth import _verify
from db import engine as engine_module
from db.models import User
from tests.pages.conftest import app_as, open_page

NEW_PASSWORD = "kata-sandi-baru-2024"


def force_change(username: str) -> None:
    """As an admin's reset leaves it: the account must choose a new password."""
    with Session(engine_module.get_engine()) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        user.must_change_password = True
        session.add(user)
        session.commit()


def stored(username: str) -> User:
    with Session(engine_module.get_engine()) as session:
        return session.exec(select(User).where(User.username == username)).one()


def change(at, current: str, new: str, repeat: str):
    at.text_input(key="account_password_current").input(current)
    at.text_input(key="account_password_new").input(new)
    at.text_input(key="account_password_repeat").input(repeat)
    next(b for b in at.button if b.label == "Change password").click()
    return at.run()


def captions(at) -> str:
    """The captions' text, without the markdown escapes that keep it plain."""
    return " ".join(c.value for c in at.caption).replace("\\", "")


def test_an_account_under_a_forced_change_sees_only_the_account_page(demo_database):
    force_change("demo.lead")
    at = app_as("demo.lead").run()
    assert not at.exception
    assert at.title[0].value == "My account"
    assert "An administrator reset your password" in at.warning[0].value
    at = open_page(at, "queue")
    assert not at.exception
    assert at.title[0].value == "My account"


def test_a_wrong_current_password_shows_under_its_field_and_keeps_what_was_typed(
    demo_database,
):
    force_change("demo.officer.jabar")
    at = change(app_as("demo.officer.jabar").run(), "salah", NEW_PASSWORD, NEW_PASSWORD)
    assert not at.exception
    assert "The current password is not correct." in captions(at)
    assert at.text_input(key="account_password_current").value == "salah"
    assert at.text_input(key="account_password_new").value == NEW_PASSWORD
    assert stored("demo.officer.jabar").must_change_password


def test_new_passwords_that_differ_are_refused_and_nothing_changes(demo_database):
    force_change("demo.liaison.x")
    before = stored("demo.liaison.x").password_hash
    demo_password = config.get_settings().demo_password
    at = change(app_as("demo.liaison.x").run(), demo_password, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert not at.exception
    assert "The new passwords do not match." in captions(at)
    assert stored("demo.liaison.x").password_hash == before


def test_a_too_short_new_password_gets_the_policy_message(demo_database):
    demo_password = config.get_settings().demo_password
    force_change("demo.liaison.youtube")
    at = change(app_as("demo.liaison.youtube").run(), demo_password, "pendek", "pendek")
    assert not at.exception
    assert "Use at least 12 characters." in captions(at)


def test_a_changed_password_lifts_the_restriction(demo_database):
    force_change("demo.liaison.meta")
    demo_password = config.get_settings().demo_password
    at = change(app_as("demo.liaison.meta").run(), demo_password, NEW_PASSWORD, NEW_PASSWORD)
    assert not at.exception
    assert "Your password was changed" in at.success[0].value
    user = stored("demo.liaison.meta")
    assert not user.must_change_password
    assert _verify(user.password_hash, NEW_PASSWORD)
    at = open_page(at, "queue")
    assert at.title[0].value == "Case queue"


def test_choosing_a_daily_digest_is_saved_for_the_account(demo_database):
    at = open_page(app_as("demo.lead").run(), "account")
    at.selectbox(key="account_email_mode").set_value("daily")
    next(b for b in at.button if b.label == "Save").click()
    at.run()
    assert not at.exception
    assert stored("demo.lead").email_mode == "daily"


def _set_language(username: str, language: str) -> None:
    with Session(engine_module.get_engine()) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        user.language = language
        session.add(user)
        session.commit()


def test_saving_the_account_page_says_saved_in_the_language_just_chosen(demo_database):
    at = open_page(app_as("demo.observer", language="en").run(), "account")
    try:
        at.selectbox[0].set_value("id")
        next(b for b in at.button if b.label == "Save").click()
        at.run()
        assert not at.exception
        assert [s.value for s in at.success] == ["Tersimpan."]
    finally:
        _set_language("demo.observer", "id")


def test_the_sidebar_language_is_the_accounts_one_choice_and_a_new_session_opens_in_it(
    demo_database,
):
    at = app_as("demo.observer", language="id").run()
    try:
        at.selectbox(key="pantau_language_choice").set_value("en").run()
        assert stored("demo.observer").language == "en"
        fresh = app_as("demo.observer")  # a reload or a new tab: a new browser session
        del fresh.session_state["pantau_language"]
        fresh.run()
        assert not fresh.exception
        assert fresh.selectbox(key="pantau_language_choice").value == "en"
        assert "Dashboard" in [t.value for t in fresh.title]
    finally:
        _set_language("demo.observer", "id")
