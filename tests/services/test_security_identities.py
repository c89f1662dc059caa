"""Finding 1 of the security audit (issue 15): an identity provider takes over an
account by asserting its e-mail address. Each test replays one way of trying it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from casework import admin
from casework.desk.schemas import InvitationIn
from casework.errors import ValidationError
from casework.people.auth import hash_password
from casework.people.identities import resolve_identity
from casework.people.roles import OrgKind, Role
from casework.settings import Settings
from db.models import AuditEvent, Notification, User
from tests.factories import make_actor, make_organisation, make_user

ISSUER = "https://idp.example.invalid"


@pytest.fixture
def office(session):
    return make_organisation(session, kind=OrgKind.SUPERVISORY, name="Bawaslu RI (uji)")


@pytest.fixture
def boss(session, office):
    return make_actor(session, role=Role.ADMIN, organisation=office)


def assert_as(session, provider: str, email: str, subject: str = "outsider"):
    return resolve_identity(
        session=session,
        provider=provider,
        claims={"iss": ISSUER, "sub": subject, "email": email, "email_verified": True},
    )


def invite_for_provider(session, boss, office, provider="bawaslu", **overrides):
    values = dict(
        username="rina.w",
        display_name="Rina Wulandari",
        email="rina@bawaslu.go.id",
        role=Role.OFFICER,
        organisation_id=office.id,
        provider=provider,
    )
    values.update(overrides)
    return admin.invite_user(
        session=session,
        actor=boss,
        settings=Settings(_env_file=None),
        invitation=InvitationIn(**values),
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEAD, Role.OFFICER])
def test_any_provider_asserting_a_password_accounts_address_does_not_take_it_over(
    session, office, role
):
    victim = make_user(
        session,
        role=role,
        organisation=office,
        email="admin@bawaslu.go.id",
        password_hash=hash_password("kata-sandi-yang-panjang"),
    )

    outcome = assert_as(session, "any-provider", "ADMIN@bawaslu.go.id")

    assert outcome.user_id != victim.id and outcome.pending and outcome.actor is None
    session.refresh(victim)
    assert victim.oidc_subject is None
    refused = session.exec(
        select(AuditEvent).where(AuditEvent.action == "identity_link_refused")
    ).one()
    assert refused.detail["user_id"] == victim.id


def test_an_account_invited_for_one_provider_is_not_claimed_through_another(session, boss, office):
    invited = invite_for_provider(session, boss, office, provider="bawaslu")

    outcome = assert_as(session, "gmail-like", "rina@bawaslu.go.id")

    assert outcome.user_id != invited.id and outcome.pending
    assert assert_as(session, "bawaslu", "rina@bawaslu.go.id", "rina").user_id == invited.id


def test_a_provider_the_domain_is_not_bound_to_cannot_claim_or_be_placed(session, boss, office):
    admin.set_email_domain_rule(
        session=session,
        actor=boss,
        domain="bawaslu.go.id",
        organisation_id=office.id,
        role="officer",
        providers=["bawaslu"],
    )
    invited = invite_for_provider(session, boss, office, provider="partner-sso")

    outcome = assert_as(session, "partner-sso", "rina@bawaslu.go.id")
    stranger = assert_as(session, "partner-sso", "budi@bawaslu.go.id", "budi")

    assert outcome.user_id != invited.id
    assert session.get(User, stranger.user_id).organisation_id != office.id


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEAD])
def test_an_administrator_or_lead_cannot_be_invited_to_be_claimed_by_e_mail(
    session, boss, office, role
):
    with pytest.raises(ValidationError) as refused:
        invite_for_provider(session, boss, office, role=role)

    assert "role" in refused.value.field_errors


def test_an_invitation_for_provider_sign_in_must_name_the_provider(session, boss, office):
    with pytest.raises(ValidationError) as refused:
        invite_for_provider(session, boss, office, provider=None)

    assert "provider" in refused.value.field_errors


def test_the_owner_is_notified_and_the_link_audited_when_an_invitation_is_claimed(
    session, boss, office
):
    invited = invite_for_provider(session, boss, office)

    outcome = assert_as(session, "bawaslu", "rina@bawaslu.go.id", "rina")

    assert outcome.user_id == invited.id and not outcome.pending
    note = session.exec(select(Notification).where(Notification.user_id == invited.id)).one()
    assert (note.kind, note.params) == ("identity_linked", {"provider": "bawaslu"})
    linked = session.exec(select(AuditEvent).where(AuditEvent.action == "identity_linked")).one()
    assert linked.actor_id == invited.id and linked.detail["provider"] == "bawaslu"


# --- finding 7: a provider sign-in survives sign-out -------------------------------------


def _cookie(subject: str, issued_at: float) -> dict:
    """What Streamlit's signed `_streamlit_user` cookie hands the app as st.user."""
    return {"iss": ISSUER, "sub": subject, "iat": int(issued_at), "is_logged_in": True}


def test_a_copied_provider_cookie_no_longer_signs_in_after_sign_out(session, boss, office):
    from datetime import timedelta

    from casework.errors import PermissionDenied
    from casework.people.auth import end_provider_sign_ins
    from db.types import utcnow

    now = utcnow()
    waiting = resolve_identity(
        session=session, provider="bawaslu", claims=_cookie("sso-1", now.timestamp())
    )
    admin.approve_user(
        session=session,
        actor=boss,
        user_id=waiting.user_id,
        organisation_id=office.id,
        role=Role.ADMIN,
    )
    copied = _cookie("sso-1", (now - timedelta(minutes=5)).timestamp())
    assert resolve_identity(session=session, provider="bawaslu", claims=copied).actor

    end_provider_sign_ins(session=session, user_id=waiting.user_id, now=now)

    with pytest.raises(PermissionDenied):
        resolve_identity(session=session, provider="bawaslu", claims=copied)
    fresh = _cookie("sso-1", (now + timedelta(seconds=2)).timestamp())
    assert resolve_identity(session=session, provider="bawaslu", claims=fresh).actor


def test_a_provider_cookie_from_before_a_deactivation_stays_dead_after_reactivation(
    session, boss, office
):
    from datetime import timedelta

    from casework.errors import PermissionDenied
    from casework.people.auth import set_user_active
    from db.types import utcnow

    before = utcnow() - timedelta(minutes=5)
    waiting = resolve_identity(
        session=session, provider="bawaslu", claims=_cookie("sso-2", before.timestamp())
    )
    admin.approve_user(
        session=session,
        actor=boss,
        user_id=waiting.user_id,
        organisation_id=office.id,
        role=Role.OFFICER,
    )

    for active in (False, True):
        set_user_active(session=session, actor=boss, user_id=waiting.user_id, active=active)

    with pytest.raises(PermissionDenied):
        resolve_identity(
            session=session, provider="bawaslu", claims=_cookie("sso-2", before.timestamp())
        )


def test_a_name_claim_with_a_line_break_or_bidi_override_is_stored_as_one_clean_line(session):
    outcome = resolve_identity(
        session=session,
        provider="bawaslu",
        claims={"iss": ISSUER, "sub": "crlf", "name": "Budi\r\nBcc: x@evil.example\u202etxt.exe"},
    )

    assert session.get(User, outcome.user_id).display_name == "Budi Bcc: x@evil.exampletxt.exe"


# --- finding 15: guessing the current password through "Change password" -----------------


def test_guessing_the_current_password_through_change_password_locks_at_the_sign_in_threshold(
    session, office
):
    from casework.people.auth import SignInLocked, change_password, sign_in_with_password

    settings = Settings(_env_file=None, lockout_threshold=5)
    user = make_user(
        session,
        role=Role.OFFICER,
        organisation=office,
        username="rina.w",
        password_hash=hash_password("kata-sandi-yang-benar"),
    )
    from casework.people.actors import actor_for

    actor = actor_for(session, user.id)  # whoever holds rina's open session

    def attempt(current: str) -> None:
        change_password(
            session=session, settings=settings, actor=actor, current=current, new="baru-" * 4
        )

    for guess in range(4):
        with pytest.raises(ValidationError):
            attempt(f"tebakan-{guess}")
    with pytest.raises(SignInLocked):
        attempt("tebakan-4")

    with pytest.raises(SignInLocked):
        attempt("kata-sandi-yang-benar")  # the right one, found too late
    with pytest.raises(SignInLocked):
        sign_in_with_password(
            session=session, settings=settings, username="rina.w", password="kata-sandi-yang-benar"
        )
    session.refresh(user)
    assert user.password_changed_at is None
