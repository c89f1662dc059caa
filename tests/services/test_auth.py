"""Local accounts: argon2id hashes, one refusal for every reason, lockout, session expiry
and revocation, password changes and resets, and who may administer sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import pytest
from sqlmodel import select

from casework.errors import PermissionDenied, ValidationError
from casework.people.actors import actor_for
from casework.people.auth import (
    SignInFailed,
    SignInLocked,
    active_sessions,
    admin_reset_password,
    change_password,
    hash_password,
    resolve_session,
    revoke_session,
    set_user_active,
    sign_in_with_password,
    sign_out,
)
from casework.people.roles import OrgKind, Role
from casework.settings import Settings
from db.models import User, UserSession
from tests.factories import CAMPAIGN_NOW, make_actor, make_organisation, make_user

PASSWORD = "kata-sandi-yang-benar"
T0 = CAMPAIGN_NOW


@pytest.fixture
def settings() -> Settings:
    """Settings without the .env file, in demo mode."""
    return Settings(_env_file=None, demo_mode=True)


@pytest.fixture
def office(session):
    """The national supervisory office of the users who sign in."""
    return make_organisation(session, kind=OrgKind.SUPERVISORY, name="Bawaslu RI (uji)")


@pytest.fixture
def user(session, office) -> User:
    """An officer of the national office who signs in with PASSWORD."""
    return make_user(
        session,
        role=Role.OFFICER,
        organisation=office,
        username="rina.w",
        password_hash=hash_password(PASSWORD),
    )


@pytest.fixture
def admin(session, office):
    """An admin of the supervisory body: the only one who may administer accounts."""
    return make_actor(session, role=Role.ADMIN, organisation=office)


def sign_in(session, settings, username="rina.w", password=PASSWORD, *, now=T0):
    return sign_in_with_password(
        session=session, settings=settings, username=username, password=password, now=now
    )


def resolves(session, settings, token, *, now=T0) -> bool:
    session.expire_all()
    return resolve_session(session=session, settings=settings, token=token, now=now) is not None


def session_rows(session, user_id) -> list[UserSession]:
    session.expire_all()
    return list(session.exec(select(UserSession).where(UserSession.user_id == user_id)))


def test_password_hashes_are_argon2id(session, user):
    assert hash_password("any password at all").startswith("$argon2id$")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_the_right_password_opens_a_session_that_resolves_to_the_user(session, settings, user):
    created = sign_in(session, settings)
    actor = resolve_session(session=session, settings=settings, token=created.token, now=T0)
    assert actor is not None
    assert (actor.user_id, actor.username) == (user.id, "rina.w")
    assert created.expires_at == T0 + timedelta(hours=settings.session_absolute_hours)


def test_the_session_row_stores_only_the_tokens_sha256(session, settings, user):
    created = sign_in(session, settings)
    [row] = session_rows(session, user.id)
    assert row.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
    stored = " ".join(str(value) for value in row.model_dump().values())
    assert created.token not in stored


def test_the_user_name_is_matched_without_regard_to_case_or_spaces(session, settings, user):
    assert sign_in(session, settings, username="  Rina.W ").user_id == user.id


def _deactivate(session, user, settings):
    user.active = False
    session.add(user)
    session.commit()


def _unapprove(session, user, settings):
    user.approved = False
    session.add(user)
    session.commit()


def _demo_account_with_demo_mode_off(session, user, settings):
    user.is_demo = True
    session.add(user)
    session.commit()
    settings.demo_mode = False


REFUSALS = {
    "wrong password": (None, "rina.w", "kata-sandi-yang-salah"),
    "unknown user": (None, "tidak.ada", PASSWORD),
    "empty user name": (None, "", PASSWORD),
    "empty password": (None, "rina.w", ""),
    "blank user name": (None, "   ", PASSWORD),
    "200-character user name": (None, "r" * 200, PASSWORD),
    "2000-character password": (None, "rina.w", "p" * 2000),
    "user name with a NUL": (None, "rina.w\x00", PASSWORD),
    "deactivated user": (_deactivate, "rina.w", PASSWORD),
    "unapproved user": (_unapprove, "rina.w", PASSWORD),
    "demo account with demo mode off": (_demo_account_with_demo_mode_off, "rina.w", PASSWORD),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_every_refusal_is_the_same_sign_in_failed(session, settings, user, case):
    prepare, username, password = REFUSALS[case]
    if prepare:
        prepare(session, user, settings)
    with pytest.raises(SignInFailed) as refused:
        sign_in(session, settings, username, password)
    assert type(refused.value) is SignInFailed
    assert str(refused.value) == str(SignInFailed())
    assert session_rows(session, user.id) == []


@pytest.mark.parametrize("username", ["rina.w", "tidak.ada"], ids=["existing", "unknown"])
def test_after_the_threshold_of_failures_even_the_right_password_is_locked_out(
    session, settings, user, username
):
    for attempt in range(settings.lockout_threshold):
        with pytest.raises(SignInFailed):
            sign_in(session, settings, username, "salah", now=T0 + timedelta(seconds=attempt))
    with pytest.raises(SignInLocked) as locked:
        sign_in(session, settings, username, PASSWORD, now=T0 + timedelta(seconds=10))
    assert locked.value.params == {"minutes": settings.lockout_minutes}
    assert session_rows(session, user.id) == []


def test_the_lockout_message_is_the_same_for_existing_and_unknown_accounts(session, settings, user):
    messages = []
    for username in ("rina.w", "tidak.ada"):
        for _attempt in range(settings.lockout_threshold):
            with pytest.raises(SignInFailed):
                sign_in(session, settings, username, "salah")
        with pytest.raises(SignInLocked) as locked:
            sign_in(session, settings, username, "salah")
        messages.append(str(locked.value))
    assert messages[0] == messages[1]


def test_a_lockout_lifts_after_the_lockout_minutes(session, settings, user):
    for _attempt in range(settings.lockout_threshold):
        with pytest.raises(SignInFailed):
            sign_in(session, settings, password="salah")
    almost = T0 + timedelta(minutes=settings.lockout_minutes) - timedelta(seconds=1)
    with pytest.raises(SignInLocked):
        sign_in(session, settings, now=almost)
    later = T0 + timedelta(minutes=settings.lockout_minutes, seconds=1)
    assert sign_in(session, settings, now=later).user_id == user.id


def test_a_success_clears_the_count_of_failures(session, settings, user):
    for _attempt in range(settings.lockout_threshold - 1):
        with pytest.raises(SignInFailed):
            sign_in(session, settings, password="salah")
    sign_in(session, settings)
    for _attempt in range(settings.lockout_threshold - 1):
        with pytest.raises(SignInFailed):
            sign_in(session, settings, password="salah")
    assert sign_in(session, settings).user_id == user.id


def test_a_session_left_idle_too_long_ends(session, settings, user):
    token = sign_in(session, settings).token
    idle = timedelta(minutes=settings.session_idle_minutes)
    assert resolves(session, settings, token, now=T0 + idle - timedelta(minutes=1))
    # That use counted: the idle clock restarts from it.
    assert resolves(session, settings, token, now=T0 + 2 * idle - timedelta(minutes=2))
    assert not resolves(session, settings, token, now=T0 + 3 * idle)


def test_a_session_in_steady_use_still_ends_at_its_absolute_lifetime(session, settings, user):
    token = sign_in(session, settings).token
    lifetime = timedelta(hours=settings.session_absolute_hours)
    moment = T0
    while moment + timedelta(hours=1) < T0 + lifetime:
        moment += timedelta(hours=1)
        assert resolves(session, settings, token, now=moment)
    assert not resolves(session, settings, token, now=T0 + lifetime)


def test_signing_out_revokes_the_session_on_the_server(session, settings, user):
    token = sign_in(session, settings).token
    sign_out(session=session, token=token, now=T0 + timedelta(minutes=5))
    assert not resolves(session, settings, token, now=T0 + timedelta(minutes=6))
    [row] = session_rows(session, user.id)
    assert row.revoked_reason == "signed_out"


def test_deactivating_an_account_ends_every_one_of_its_sessions_at_once(
    session, settings, user, admin
):
    tokens = [sign_in(session, settings).token for _browser in range(3)]
    set_user_active(session=session, actor=admin, user_id=user.id, active=False)
    assert not any(resolves(session, settings, token) for token in tokens)
    assert {row.revoked_reason for row in session_rows(session, user.id)} == {"deactivated"}


def test_an_admin_reset_ends_every_session_and_forces_a_new_password(
    session, settings, user, admin
):
    token = sign_in(session, settings).token
    admin_reset_password(
        session=session,
        settings=settings,
        actor=admin,
        user_id=user.id,
        temporary_password="sementara-untuk-rina",
        now=T0 + timedelta(minutes=1),
    )
    assert not resolves(session, settings, token, now=T0 + timedelta(minutes=2))
    with pytest.raises(SignInFailed):
        sign_in(session, settings, now=T0 + timedelta(minutes=2))
    created = sign_in(session, settings, password="sementara-untuk-rina")
    assert created.must_change_password
    assert actor_for(session, user.id).must_change_password


def test_changing_the_password_checks_the_current_one(session, settings, user):
    actor = actor_for(session, user.id)
    with pytest.raises(ValidationError) as refused:
        change_password(
            session=session, settings=settings, actor=actor, current="salah", new="baru-dan-panjang"
        )
    assert set(refused.value.field_errors) == {"current"}
    assert sign_in(session, settings).user_id == user.id


def test_changing_the_password_keeps_only_the_current_session(session, settings, user):
    here, elsewhere = (sign_in(session, settings).token for _browser in range(2))
    user.must_change_password = True
    session.add(user)
    session.commit()
    change_password(
        session=session,
        settings=settings,
        actor=actor_for(session, user.id),
        current=PASSWORD,
        new="kata-sandi-baru-2024",
        keep_token=here,
        now=T0 + timedelta(minutes=1),
    )
    moment = T0 + timedelta(minutes=2)
    assert resolves(session, settings, here, now=moment)
    assert not resolves(session, settings, elsewhere, now=moment)
    assert not actor_for(session, user.id).must_change_password
    with pytest.raises(SignInFailed):
        sign_in(session, settings, now=moment)
    assert sign_in(session, settings, password="kata-sandi-baru-2024", now=moment).user_id


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "garbage",
        secrets.token_urlsafe(32),
        "x" * 5000,
        "tökén-ñöñ-åscii",
        "abc\x00def",
        "' OR 1=1 --",
    ],
    ids=["none", "empty", "garbage", "never-issued", "huge", "non-ascii", "nul", "sql"],
)
def test_forged_or_malformed_tokens_resolve_to_nobody(session, settings, user, token):
    sign_in(session, settings)
    assert resolve_session(session=session, settings=settings, token=token, now=T0) is None


def _non_admins(session, office) -> dict:
    """Everyone who is not an admin of the supervisory body, including a platform's admin."""
    return {
        "officer": make_actor(session, role=Role.OFFICER, organisation=office),
        "lead": make_actor(session, role=Role.LEAD, organisation=office),
        "liaison": make_actor(session, role=Role.LIAISON),
        "regulator": make_actor(session, role=Role.REGULATOR),
        "observer": make_actor(session, role=Role.OBSERVER, organisation=office),
        "platform admin": make_actor(
            session,
            role=Role.ADMIN,
            organisation=make_organisation(session, kind=OrgKind.PLATFORM),
        ),
    }


ADMIN_OPERATIONS = {
    "reset a password": lambda s, cfg, actor, user, row: admin_reset_password(
        session=s,
        settings=cfg,
        actor=actor,
        user_id=user.id,
        temporary_password="sementara-untuk-rina",
    ),
    "deactivate an account": lambda s, cfg, actor, user, row: set_user_active(
        session=s, actor=actor, user_id=user.id, active=False
    ),
    "list sessions": lambda s, cfg, actor, user, row: active_sessions(
        session=s, actor=actor, now=T0
    ),
    "revoke a session": lambda s, cfg, actor, user, row: revoke_session(
        session=s, actor=actor, session_id=row.id
    ),
}


@pytest.mark.parametrize("operation", ADMIN_OPERATIONS)
def test_only_a_supervisory_admin_may_administer_accounts_and_sessions(
    session, settings, office, user, admin, operation
):
    token = sign_in(session, settings).token
    [row] = session_rows(session, user.id)
    for role, actor in _non_admins(session, office).items():
        with pytest.raises(PermissionDenied):
            ADMIN_OPERATIONS[operation](session, settings, actor, user, row)
        assert resolves(session, settings, token), f"{role} changed something"
    outcome = ADMIN_OPERATIONS[operation](session, settings, admin, user, row)
    if operation == "list sessions":
        assert [listed.id for listed, _user in outcome] == [row.id]
    else:
        assert not resolves(session, settings, token)
