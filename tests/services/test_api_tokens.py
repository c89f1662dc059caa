"""API tokens: made by admins, shown once, stored hashed, scoped, revocable, expiring."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from casework.errors import PermissionDenied, ValidationError
from casework.outbox.api_tokens import (
    Scope,
    TokenRejected,
    authenticate,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
)
from casework.people.actors import actor_for
from casework.people.roles import OrgKind, Role
from db.models import ApiToken, AuditEvent, User
from db.types import utcnow
from tests.factories import make_actor, make_organisation, platform_operator


@pytest.fixture
def admin(session):
    """An admin of the supervisory body, who issues the tokens."""
    return make_actor(session, role=Role.ADMIN)


def _create(session, admin, organisation_id, **kwargs):
    return create_api_token(
        session=session,
        actor=admin,
        organisation_id=organisation_id,
        name=kwargs.pop("name", "moderation tool"),
        scopes=kwargs.pop("scopes", [Scope.READ_CASES, Scope.ACT_ON_CASES]),
        **kwargs,
    )


def test_a_token_is_stored_only_as_its_sha256_and_names_itself_by_its_prefix(session, admin):
    row, token = _create(session, admin, platform_operator(session, "tiktok").id)
    stored = session.get(ApiToken, row.id)
    assert token.startswith(f"pantau_{stored.prefix}_")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(stored.model_dump())


def test_a_platform_token_acts_as_a_liaison_of_its_platform(session, admin):
    operator = platform_operator(session, "tiktok")
    row, token = _create(session, admin, operator.id)
    holder = authenticate(session=session, token=token)
    assert holder.actor.role == Role.LIAISON
    assert holder.actor.organisation_id == operator.id
    assert "tiktok" in holder.actor.platform_codes
    assert holder.scopes == {"cases:read", "cases:act"}
    assert session.get(User, row.user_id).is_api


@pytest.mark.parametrize(
    "kind, role",
    [
        (OrgKind.SUPERVISORY, Role.OFFICER),
        (OrgKind.REGULATOR, Role.REGULATOR),
        (OrgKind.PARTNER, Role.OBSERVER),
    ],
)
def test_a_token_acts_with_the_role_its_organisation_kind_implies(session, admin, kind, role):
    organisation = make_organisation(session, kind=kind)
    _, token = _create(session, admin, organisation.id, scopes=[Scope.READ_AGGREGATES])
    assert authenticate(session=session, token=token).actor.role == role


def test_only_admins_create_tokens(session):
    officer = make_actor(session, role=Role.OFFICER)
    with pytest.raises(PermissionDenied):
        _create(session, officer, officer.organisation_id)


def test_a_partner_token_may_only_read_aggregates(session, admin):
    partner = make_organisation(session, kind=OrgKind.PARTNER)
    with pytest.raises(ValidationError) as refused:
        _create(session, admin, partner.id, scopes=[Scope.READ_CASES])
    assert set(refused.value.field_errors) == {"scopes"}


def test_a_token_needs_a_name_a_known_scope_and_a_future_expiry(session, admin):
    with pytest.raises(ValidationError) as refused:
        _create(
            session,
            admin,
            admin.organisation_id,
            name=" ",
            scopes=["cases:everything"],
            expires_at=utcnow() - timedelta(days=1),
        )
    assert set(refused.value.field_errors) == {"name", "scopes", "expires_at"}


def test_a_revoked_token_is_refused_at_its_next_use(session, admin):
    row, token = _create(session, admin, platform_operator(session, "tiktok").id)
    authenticate(session=session, token=token)
    revoke_api_token(session=session, actor=admin, token_id=row.id)
    with pytest.raises(TokenRejected):
        authenticate(session=session, token=token)
    with pytest.raises(PermissionDenied):
        actor_for(session, row.user_id)  # its account can act nowhere else either


def test_an_expired_token_is_refused(session, admin):
    now = utcnow()
    _, token = _create(
        session, admin, platform_operator(session, "tiktok").id, expires_at=now + timedelta(hours=1)
    )
    authenticate(session=session, token=token, now=now)
    with pytest.raises(TokenRejected):
        authenticate(session=session, token=token, now=now + timedelta(hours=2))


@pytest.mark.parametrize(
    "presented",
    ["", "Bearer", "pantau_", "pantau_0000_x", "other_abcd1234_secret", None],
)
def test_malformed_and_unknown_tokens_are_refused_alike(session, presented):
    with pytest.raises(TokenRejected):
        authenticate(session=session, token=presented)


def test_a_token_with_a_known_prefix_but_wrong_secret_is_refused(session, admin):
    row, token = _create(session, admin, platform_operator(session, "tiktok").id)
    with pytest.raises(TokenRejected):
        authenticate(session=session, token=token[:-4] + "AAAA")


def test_using_a_token_records_when_it_was_last_used(session, admin):
    row, token = _create(session, admin, platform_operator(session, "tiktok").id)
    assert session.get(ApiToken, row.id).last_used_at is None
    now = utcnow()
    authenticate(session=session, token=token, now=now)
    session.expire_all()
    assert session.get(ApiToken, row.id).last_used_at == now


def test_creating_and_revoking_a_token_are_audited_and_listed(session, admin):
    row, _ = _create(session, admin, platform_operator(session, "tiktok").id)
    revoke_api_token(session=session, actor=admin, token_id=row.id)
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.actor_id == admin.user_id)
    ).all()
    assert actions == ["api_token_created", "api_token_revoked"]
    assert [token.id for token, _ in list_api_tokens(session=session, actor=admin)] == [row.id]
