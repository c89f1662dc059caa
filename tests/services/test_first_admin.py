"""The first administrator of a fresh installation: the one-time set-up code, the
first-run service behind `/setup`, and `python -m casework.admin create-admin` run as
a command on a fresh database (SQLite file or PostgreSQL schema)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from casework.errors import ValidationError
from casework.people.auth import sign_in_with_password
from casework.people.first_admin import (
    SETUP_CODE_LIFETIME,
    SetupClosed,
    SetupCodeInvalid,
    admin_exists,
    complete_first_run,
    create_admin,
    issue_setup_code,
)
from casework.settings import Settings
from db.engine import build_engine
from db.models import AuditEvent, Organisation, SetupCode, User
from db.types import utcnow
from tests.conftest import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long first password"


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, demo_mode=False)


def first_run(session, settings, code, **overrides):
    fields = {"username": "admin", "display_name": "Ayu Admin", "password": PASSWORD}
    return complete_first_run(
        session=session, settings=settings, code=code, **{**fields, **overrides}
    )


def test_a_fresh_database_has_no_administrator_and_gets_a_set_up_code(session):
    assert not admin_exists(session)
    code = issue_setup_code(session)
    assert code and len(code) == 19
    stored = session.exec(select(SetupCode)).one()
    assert stored.code_hash != code and code not in stored.code_hash


def test_the_first_run_creates_a_signed_in_able_administrator_in_the_national_office(
    session, settings
):
    code = issue_setup_code(session)
    outcome = first_run(session, settings, code)
    assert outcome.created
    user = session.get(User, outcome.user_id)
    organisation = session.get(Organisation, user.organisation_id)
    assert (user.role, organisation.kind, organisation.region_code) == (
        "admin",
        "supervisory",
        None,
    )
    assert admin_exists(session)
    created = sign_in_with_password(
        session=session, settings=settings, username="admin", password=PASSWORD
    )
    assert created.user_id == user.id
    actions = session.exec(select(AuditEvent.action)).all()
    assert "administrator_created" in actions


def test_the_code_works_once_and_the_page_closes_behind_the_first_administrator(session, settings):
    code = issue_setup_code(session)
    first_run(session, settings, code)
    with pytest.raises(SetupClosed):
        first_run(session, settings, code, username="second")
    assert issue_setup_code(session) is None
    assert session.exec(select(User).where(User.username == "second")).first() is None


@pytest.mark.parametrize("code", ["", "AAAA-BBBB-CCCC-DDDD"], ids=["empty", "guessed"])
def test_a_wrong_code_creates_nobody(session, settings, code):
    issue_setup_code(session)
    with pytest.raises(SetupCodeInvalid):
        first_run(session, settings, code)
    assert not admin_exists(session)


def test_an_expired_code_is_refused(session, settings):
    issued = utcnow() - SETUP_CODE_LIFETIME - timedelta(minutes=1)
    code = issue_setup_code(session, now=issued)
    with pytest.raises(SetupCodeInvalid):
        first_run(session, settings, code)


def test_the_code_is_read_whatever_its_case_and_spacing(session, settings):
    code = issue_setup_code(session)
    assert first_run(session, settings, f"  {code.lower().replace('-', ' ')} ").created


def test_a_short_password_is_refused_with_the_field_named_and_leaves_the_code_usable(
    session, settings
):
    code = issue_setup_code(session)
    with pytest.raises(ValidationError) as refused:
        first_run(session, settings, code, password="short")
    assert "password" in refused.value.field_errors
    assert first_run(session, settings, code).created


def test_create_admin_is_idempotent_and_never_resets_the_password(session, settings):
    first = create_admin(session=session, settings=settings, username="root", password=PASSWORD)
    again = create_admin(
        session=session, settings=settings, username="ROOT", password="another long password"
    )
    assert first.created and not again.created and again.user_id == first.user_id
    assert sign_in_with_password(
        session=session, settings=settings, username="root", password=PASSWORD
    )


def test_create_admin_refuses_a_user_name_held_by_someone_who_is_not_an_administrator(
    session, settings
):
    create_admin(session=session, settings=settings, username="root", password=PASSWORD)
    user = session.exec(select(User).where(User.username == "root")).one()
    user.role = "officer"
    session.add(user)
    session.commit()
    with pytest.raises(ValidationError) as refused:
        create_admin(session=session, settings=settings, username="root", password=PASSWORD)
    assert "username" in refused.value.field_errors


def _command(url: str, *args: str, stdin: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "PANTAU_DEMO_MODE": "false"}
    return subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "casework.admin", "create-admin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_the_command_creates_the_first_administrator_on_a_fresh_database_once(tmp_path):
    with fresh_database_url(tmp_path) as url:
        args = ("--username", "ops", "--name", "Ops Admin", "--password-stdin")
        created = _command(url, *args, stdin=PASSWORD + "\n")
        assert created.returncode == 0, created.stderr
        assert "ops" in created.stdout
        again = _command(url, *args, stdin="something else entirely\n")
        assert again.returncode == 0, again.stderr
        short = _command(url, "--username", "other", "--password-stdin", stdin="short\n")
        assert short.returncode == 2
        engine = build_engine(url)
        with Session(engine) as session:
            admins = session.exec(select(User).where(User.role == "admin")).all()
            assert [u.username for u in admins] == ["ops"]
            assert sign_in_with_password(
                session=session,
                settings=Settings(_env_file=None, demo_mode=False),
                username="ops",
                password=PASSWORD,
            )
        engine.dispose()
