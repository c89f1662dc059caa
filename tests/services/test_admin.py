"""Administration: only the supervisory body's admins may manage organisations, accounts,
approval and domain rules; each change has the effect an admin expects, and identities
from providers map to accounts by the rules in docs/decisions.md."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from casework import admin
from casework.desk.schemas import InvitationIn, OrganisationIn
from casework.errors import PermissionDenied, ValidationError
from casework.people.actors import actor_for
from casework.people.auth import open_session_for, resolve_session, sign_in_with_password
from casework.people.identities import UNASSIGNED_ORGANISATION, resolve_identity
from casework.people.providers import Provider
from casework.people.roles import OrgKind, Role
from casework.settings import Settings
from db.models import AuditEvent, EmailDomainRule, Organisation, Platform, User, UserSession
from db.types import utcnow
from tests.factories import make_actor, make_organisation, make_user, platform_operator

ISSUER = "https://sso.example.invalid"
PASSWORD = "sementara-2024-aman"


@pytest.fixture
def settings() -> Settings:
    """Settings without the .env file, with the default password length."""
    return Settings(_env_file=None, password_min_length=12)


@pytest.fixture
def office(session) -> Organisation:
    """The national supervisory office the admin works in."""
    return make_organisation(session, kind=OrgKind.SUPERVISORY, name="Bawaslu RI (uji)")


@pytest.fixture
def boss(session, office):
    """An admin of the national supervisory office."""
    return make_actor(session, role=Role.ADMIN, organisation=office)


def claims(subject: str, email: str | None = None, *, verified: bool = True, **more) -> dict:
    values = {"iss": ISSUER, "sub": subject, **more}
    if email is not None:
        values.update(email=email, email_verified=verified)
    return values


def sign_in(session, subject, email=None, *, verified=True, provider="bawaslu"):
    return resolve_identity(
        session=session, provider=provider, claims=claims(subject, email, verified=verified)
    )


def open_session(session, settings, user_id) -> str:
    return open_session_for(
        session=session, settings=settings, user_id=user_id, method="password"
    ).token


def still_signed_in(session, settings, token) -> bool:
    session.expire_all()
    return resolve_session(session=session, settings=settings, token=token) is not None


def audit_count(session) -> int:
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


def invitation(office, **overrides) -> InvitationIn:
    values = dict(
        username="rina.w",
        display_name="Rina Wulandari",
        email="rina@bawaslu.go.id",
        role=Role.OFFICER,
        organisation_id=office.id,
        temporary_password=PASSWORD,
    )
    values.update(overrides)
    return InvitationIn(**values)


# --- who may administer ----------------------------------------------------------------


def _target(session, office):
    """An ordinary officer, with a session, for the services that act on a user."""
    return make_user(session, role=Role.OFFICER, organisation=office)


# Each admin service, called with arguments that an admin would get through with.
SERVICES = {
    "list_organisations": lambda s, a, ctx: admin.list_organisations(session=s, actor=a),
    "create_organisation": lambda s, a, ctx: admin.create_organisation(
        session=s, actor=a, organisation=OrganisationIn(name="Bawaslu Bali", kind="supervisory")
    ),
    "update_organisation": lambda s, a, ctx: admin.update_organisation(
        session=s,
        actor=a,
        organisation_id=ctx["office"].id,
        organisation=OrganisationIn(name="Bawaslu (baru)", kind="supervisory"),
    ),
    "set_organisation_active": lambda s, a, ctx: admin.set_organisation_active(
        session=s, actor=a, organisation_id=ctx["partner"].id, active=False
    ),
    "find_users": lambda s, a, ctx: admin.find_users(session=s, actor=a),
    "pending_users": lambda s, a, ctx: admin.pending_users(session=s, actor=a),
    "invite_user": lambda s, a, ctx: admin.invite_user(
        session=s, actor=a, settings=ctx["settings"], invitation=invitation(ctx["office"])
    ),
    "approve_user": lambda s, a, ctx: admin.approve_user(
        session=s,
        actor=a,
        user_id=ctx["pending"],
        organisation_id=ctx["office"].id,
        role=Role.OFFICER,
    ),
    "change_role": lambda s, a, ctx: admin.change_role(
        session=s, actor=a, user_id=ctx["target"].id, role=Role.LEAD
    ),
    "change_organisation": lambda s, a, ctx: admin.change_organisation(
        session=s,
        actor=a,
        user_id=ctx["target"].id,
        organisation_id=ctx["partner"].id,
        role=Role.OBSERVER,
    ),
    "email_domain_rules": lambda s, a, ctx: admin.email_domain_rules(session=s, actor=a),
    "set_email_domain_rule": lambda s, a, ctx: admin.set_email_domain_rule(
        session=s,
        actor=a,
        domain="bawaslu.go.id",
        organisation_id=ctx["office"].id,
        role="officer",
        providers=["bawaslu"],
    ),
    "delete_email_domain_rule": lambda s, a, ctx: admin.delete_email_domain_rule(
        session=s, actor=a, domain="mafindo.or.id"
    ),
    "providers_in_use": lambda s, a, ctx: admin.providers_in_use(
        session=s, actor=a, providers=[Provider("bawaslu", "Bawaslu")]
    ),
    "set_user_active": lambda s, a, ctx: admin.set_user_active(
        session=s, actor=a, user_id=ctx["target"].id, active=False
    ),
    "admin_reset_password": lambda s, a, ctx: admin.admin_reset_password(
        session=s,
        settings=ctx["settings"],
        actor=a,
        user_id=ctx["target"].id,
        temporary_password=PASSWORD,
    ),
    "active_sessions": lambda s, a, ctx: admin.active_sessions(session=s, actor=a),
    "revoke_session": lambda s, a, ctx: admin.revoke_session(
        session=s, actor=a, session_id=ctx["session_id"]
    ),
}


# The admin services that only read; every other one changes something.
READING = {
    "list_organisations",
    "find_users",
    "pending_users",
    "email_domain_rules",
    "providers_in_use",
    "active_sessions",
}


@pytest.fixture
def ctx(session, office, boss, settings):
    """One of everything an admin service acts on: a partner organisation, a target user
    with an open session, a domain rule."""
    partner = make_organisation(session, kind=OrgKind.PARTNER, name="Mafindo (uji)")
    target = _target(session, office)
    token = open_session(session, settings, target.id)
    session_id = session.exec(select(UserSession.id).where(UserSession.user_id == target.id)).one()
    admin.set_email_domain_rule(
        session=session,
        actor=boss,
        providers=["bawaslu"],
        domain="mafindo.or.id",
        organisation_id=partner.id,
        role=Role.OBSERVER,
    )
    pending = sign_in(session, "waiting-1", "budi@gmail.com").user_id
    return dict(
        office=office,
        partner=partner,
        target=target,
        token=token,
        session_id=session_id,
        pending=pending,
        settings=settings,
    )


NON_ADMINS = [Role.OFFICER, Role.LEAD, Role.LIAISON, Role.OBSERVER, Role.REGULATOR]


@pytest.mark.parametrize("service", sorted(SERVICES))
@pytest.mark.parametrize("role", NON_ADMINS)
def test_every_admin_service_is_refused_to_every_other_role(session, ctx, role, service):
    actor = make_actor(session, role=role)
    before = audit_count(session)

    with pytest.raises(PermissionDenied):
        SERVICES[service](session, actor, ctx)

    assert audit_count(session) == before
    assert still_signed_in(session, ctx["settings"], ctx["token"])


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_admin_service_is_refused_to_an_admin_of_a_platform(session, ctx, service):
    platform_admin = actor_for(
        session,
        make_user(session, role=Role.ADMIN, organisation=platform_operator(session, "tiktok")).id,
    )
    before = audit_count(session)

    with pytest.raises(PermissionDenied):
        SERVICES[service](session, platform_admin, ctx)

    assert audit_count(session) == before


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_admin_service_serves_an_admin_of_the_supervisory_body(session, ctx, boss, service):
    before = audit_count(session)

    answer = SERVICES[service](session, boss, ctx)

    if service in READING:
        # A look at the accounts answers and leaves no trace in the audit trail.
        assert answer is not None
        assert audit_count(session) == before
    else:
        # Every change an admin makes is in the audit trail.
        assert audit_count(session) > before


# --- invitations -----------------------------------------------------------------------


def test_an_invited_local_account_signs_in_and_must_change_its_password(
    session, boss, office, settings
):
    user = admin.invite_user(
        session=session, actor=boss, settings=settings, invitation=invitation(office)
    )

    signed_in = sign_in_with_password(
        session=session, settings=settings, username="Rina.W", password=PASSWORD
    )
    assert signed_in.user_id == user.id and signed_in.must_change_password
    assert (user.role, user.organisation_id, user.approved) == ("officer", office.id, True)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user_invited")).one()
    assert event.actor_id == boss.user_id and event.detail["method"] == "password"
    assert PASSWORD not in str(event.detail)


def test_an_account_invited_without_a_password_is_claimed_by_a_verified_provider_sign_in(
    session, boss, office, settings
):
    user = admin.invite_user(
        session=session,
        actor=boss,
        settings=settings,
        invitation=invitation(office, temporary_password=None, provider="bawaslu"),
    )

    outcome = sign_in(session, "sso-rina", "RINA@bawaslu.go.id")

    assert outcome.user_id == user.id and not outcome.pending
    assert outcome.actor.role == Role.OFFICER
    session.refresh(user)
    assert (user.oidc_issuer, user.oidc_subject, user.oidc_provider) == (
        ISSUER,
        "sso-rina",
        "bawaslu",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "rina w"}, "username"),
        ({"username": "x" * 121}, "username"),
        ({"display_name": "   "}, "display_name"),
        ({"email": "not-an-address"}, "email"),
        ({"temporary_password": "pendek"}, "temporary_password"),
        ({"temporary_password": None, "email": ""}, "email"),
        ({"role": "superuser"}, "role"),
        ({"role": Role.LIAISON}, "role"),
        ({"role": Role.REGULATOR}, "role"),
        ({"organisation_id": 987654}, "organisation_id"),
    ],
)
def test_an_invitation_with_a_bad_field_is_refused_and_names_it(
    session, boss, office, settings, overrides, field
):
    with pytest.raises(ValidationError) as refused:
        admin.invite_user(
            session=session,
            actor=boss,
            settings=settings,
            invitation=invitation(office, **overrides),
        )

    assert field in refused.value.field_errors
    assert session.exec(select(User).where(User.username == "rina.w")).first() is None


def test_a_taken_user_name_or_e_mail_address_is_refused(session, boss, office, settings):
    admin.invite_user(session=session, actor=boss, settings=settings, invitation=invitation(office))

    with pytest.raises(ValidationError) as refused:
        admin.invite_user(
            session=session,
            actor=boss,
            settings=settings,
            invitation=invitation(office, username="RINA.W", email="Rina@Bawaslu.go.id"),
        )

    assert set(refused.value.field_errors) == {"username", "email"}


# --- approval --------------------------------------------------------------------------


def test_an_unknown_identity_waits_and_is_in_the_queue(session, boss):
    outcome = sign_in(session, "new-1", "andi@gmail.com")

    assert outcome.pending and outcome.actor is None
    queue = admin.pending_users(session=session, actor=boss)
    assert [(u.id, o.name) for u, o in queue] == [(outcome.user_id, UNASSIGNED_ORGANISATION)]


def test_an_approved_identity_signs_in_with_the_role_it_was_given(session, boss, office):
    waiting = sign_in(session, "new-2", "andi@gmail.com")

    admin.approve_user(
        session=session,
        actor=boss,
        user_id=waiting.user_id,
        organisation_id=office.id,
        role=Role.OFFICER,
    )

    outcome = sign_in(session, "new-2", "andi@gmail.com")
    assert not outcome.pending
    assert (outcome.actor.role, outcome.actor.organisation_id) == (Role.OFFICER, office.id)
    assert admin.pending_users(session=session, actor=boss) == []
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user_approved")).one()
    assert event.detail == {
        "user_id": waiting.user_id,
        "role": "officer",
        "organisation_id": office.id,
    }


def test_approval_is_refused_when_the_role_does_not_fit_the_organisation(session, boss, office):
    waiting = sign_in(session, "new-3", "andi@gmail.com")

    with pytest.raises(ValidationError) as refused:
        admin.approve_user(
            session=session,
            actor=boss,
            user_id=waiting.user_id,
            organisation_id=office.id,
            role=Role.LIAISON,
        )

    assert "role" in refused.value.field_errors
    assert sign_in(session, "new-3", "andi@gmail.com").pending


def test_an_account_that_is_not_waiting_cannot_be_approved_again(session, boss, office):
    user = make_user(session, role=Role.OFFICER, organisation=office)

    with pytest.raises(ValidationError):
        admin.approve_user(
            session=session, actor=boss, user_id=user.id, organisation_id=office.id, role="lead"
        )


# --- role and organisation -------------------------------------------------------------


def test_a_role_change_applies_and_ends_the_users_sessions(session, boss, office, settings):
    user = make_user(session, role=Role.OFFICER, organisation=office)
    token = open_session(session, settings, user.id)

    admin.change_role(session=session, actor=boss, user_id=user.id, role=Role.LEAD)

    assert not still_signed_in(session, settings, token)
    assert actor_for(session, user.id).role == Role.LEAD
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user_role_changed")).one()
    assert event.detail["before"]["role"] == "officer" and event.detail["after"]["role"] == "lead"


# Which roles fit which organisation kind (DESIGN.md: who uses it).
FITS = {
    OrgKind.SUPERVISORY: {Role.OFFICER, Role.LEAD, Role.ADMIN, Role.OBSERVER},
    OrgKind.PLATFORM: {Role.LIAISON, Role.OBSERVER},
    OrgKind.REGULATOR: {Role.REGULATOR, Role.OBSERVER},
    OrgKind.PARTNER: {Role.OBSERVER},
}


@pytest.mark.parametrize("kind", list(OrgKind))
@pytest.mark.parametrize("role", list(Role))
def test_a_role_is_given_only_in_an_organisation_of_a_kind_it_fits(session, boss, kind, role):
    organisation = make_organisation(session, kind=kind)
    user = make_user(session, role=Role.OBSERVER, organisation=organisation)

    if role in FITS[kind]:
        admin.change_role(session=session, actor=boss, user_id=user.id, role=role)
        assert actor_for(session, user.id).role == role
    else:
        with pytest.raises(ValidationError) as refused:
            admin.change_role(session=session, actor=boss, user_id=user.id, role=role)
        assert "role" in refused.value.field_errors
        session.expire_all()
        assert session.get(User, user.id).role == Role.OBSERVER


def test_moving_an_officer_to_a_platform_needs_a_role_that_fits_there(
    session, boss, office, settings
):
    user = make_user(session, role=Role.OFFICER, organisation=office)
    token = open_session(session, settings, user.id)
    tiktok = platform_operator(session, "tiktok")

    with pytest.raises(ValidationError):
        admin.change_organisation(
            session=session, actor=boss, user_id=user.id, organisation_id=tiktok.id
        )
    assert still_signed_in(session, settings, token)

    admin.change_organisation(
        session=session, actor=boss, user_id=user.id, organisation_id=tiktok.id, role="liaison"
    )
    moved = actor_for(session, user.id)
    assert (moved.organisation_id, moved.role, moved.platform_codes) == (
        tiktok.id,
        Role.LIAISON,
        ("tiktok",),
    )
    assert not still_signed_in(session, settings, token)


def test_an_admin_cannot_change_their_own_role(session, boss):
    with pytest.raises(ValidationError):
        admin.change_role(session=session, actor=boss, user_id=boss.user_id, role=Role.OBSERVER)
    assert actor_for(session, boss.user_id).role == Role.ADMIN


# --- deactivation ----------------------------------------------------------------------


def test_deactivating_a_user_ends_their_sessions_at_once(session, boss, office, settings):
    user = make_user(session, role=Role.OFFICER, organisation=office)
    first, second = (
        open_session(session, settings, user.id),
        open_session(session, settings, user.id),
    )
    assert still_signed_in(session, settings, first)

    admin.set_user_active(session=session, actor=boss, user_id=user.id, active=False)

    assert not still_signed_in(session, settings, first)
    assert not still_signed_in(session, settings, second)
    assert admin.active_sessions(session=session, actor=boss) == []


def test_a_deactivated_identity_is_refused_at_its_next_sign_in(session, boss, office):
    waiting = sign_in(session, "leaver", "leaver@bawaslu.go.id")
    admin.approve_user(
        session=session,
        actor=boss,
        user_id=waiting.user_id,
        organisation_id=office.id,
        role="officer",
    )

    admin.set_user_active(session=session, actor=boss, user_id=waiting.user_id, active=False)

    with pytest.raises(PermissionDenied):
        sign_in(session, "leaver", "leaver@bawaslu.go.id")


def test_a_reactivated_user_signs_in_again(session, boss, office, settings):
    user = make_user(session, role=Role.OFFICER, organisation=office)
    admin.set_user_active(session=session, actor=boss, user_id=user.id, active=False)

    admin.set_user_active(session=session, actor=boss, user_id=user.id, active=True)

    assert still_signed_in(session, settings, open_session(session, settings, user.id))


def test_deactivating_an_organisation_ends_the_sessions_of_all_its_users(session, boss, settings):
    region = make_organisation(session, kind=OrgKind.SUPERVISORY, region_code="32")
    tokens = [
        open_session(session, settings, make_user(session, role=role, organisation=region).id)
        for role in (Role.OFFICER, Role.LEAD)
    ]

    admin.set_organisation_active(
        session=session, actor=boss, organisation_id=region.id, active=False
    )

    assert not any(still_signed_in(session, settings, token) for token in tokens)


def test_an_admin_cannot_deactivate_their_own_organisation(session, boss, office):
    with pytest.raises(ValidationError):
        admin.set_organisation_active(
            session=session, actor=boss, organisation_id=office.id, active=False
        )


def test_nobody_is_approved_into_a_deactivated_organisation(session, boss):
    closed = make_organisation(session, kind=OrgKind.SUPERVISORY, active=False)
    waiting = sign_in(session, "late", "late@gmail.com")

    with pytest.raises(ValidationError) as refused:
        admin.approve_user(
            session=session,
            actor=boss,
            user_id=waiting.user_id,
            organisation_id=closed.id,
            role="officer",
        )
    assert "organisation_id" in refused.value.field_errors


# --- organisations ---------------------------------------------------------------------


def test_a_regional_office_is_created_with_its_region(session, boss):
    created = admin.create_organisation(
        session=session,
        actor=boss,
        organisation=OrganisationIn(
            name=" Bawaslu  Kota Bandung ", kind="supervisory", region_code="32.73"
        ),
    )

    assert (created.name, created.kind, created.region_code) == (
        "Bawaslu Kota Bandung",
        "supervisory",
        "32.73",
    )
    row = next(
        r
        for r in admin.list_organisations(session=session, actor=boss)
        if r.organisation.id == created.id
    )
    assert row.region_name == "Kota Bandung" and row.user_count == 0
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "organisation_created")).one()


@pytest.mark.parametrize(
    ("organisation", "field"),
    [
        (OrganisationIn(name="", kind="supervisory"), "name"),
        (OrganisationIn(name="x" * 201, kind="supervisory"), "name"),
        (OrganisationIn(name="BAWASLU RI (UJI)", kind="supervisory"), "name"),
        (OrganisationIn(name="Baru", kind="ministry"), "kind"),
        (OrganisationIn(name="Baru", kind="supervisory", region_code="99"), "region_code"),
        (OrganisationIn(name="Baru", kind="platform", region_code="32"), "region_code"),
        (
            OrganisationIn(name="Baru", kind="supervisory", platform_codes=["tiktok"]),
            "platform_codes",
        ),
        (
            OrganisationIn(name="Baru", kind="platform", platform_codes=["myspace"]),
            "platform_codes",
        ),
    ],
)
def test_an_organisation_with_a_bad_field_is_refused(session, boss, organisation, field):
    with pytest.raises(ValidationError) as refused:
        admin.create_organisation(session=session, actor=boss, organisation=organisation)

    assert field in refused.value.field_errors


def test_a_platform_organisation_takes_over_the_platforms_it_operates(session, boss, settings):
    meta_liaison = make_user(session, role=Role.LIAISON, platform_code="threads")
    token = open_session(session, settings, meta_liaison.id)

    threads_inc = admin.create_organisation(
        session=session,
        actor=boss,
        organisation=OrganisationIn(
            name="Threads Inc.", kind="platform", platform_codes=["threads"]
        ),
    )

    assert session.get(Platform, "threads").operator_id == threads_inc.id
    assert "threads" not in actor_for(session, meta_liaison.id).platform_codes
    assert still_signed_in(session, settings, token)  # creating another org ends nothing


def test_a_change_of_an_organisations_region_ends_its_users_sessions(session, boss, settings):
    region = make_organisation(
        session, kind=OrgKind.SUPERVISORY, region_code="32", name="Bawaslu Jabar"
    )
    token = open_session(
        session, settings, make_user(session, role="officer", organisation=region).id
    )

    admin.update_organisation(
        session=session,
        actor=boss,
        organisation_id=region.id,
        organisation=OrganisationIn(name="Bawaslu Jabar", kind="supervisory", region_code="31"),
    )

    assert session.get(Organisation, region.id).region_code == "31"
    assert not still_signed_in(session, settings, token)


def test_an_organisations_kind_cannot_change_under_users_it_would_not_fit(session, boss, office):
    make_user(session, role=Role.OFFICER, organisation=office)

    with pytest.raises(ValidationError) as refused:
        admin.update_organisation(
            session=session,
            actor=boss,
            organisation_id=office.id,
            organisation=OrganisationIn(name=office.name, kind="platform"),
        )

    assert "kind" in refused.value.field_errors
    session.expire_all()
    assert session.get(Organisation, office.id).kind == "supervisory"


# --- e-mail domain rules and identities ------------------------------------------------


def test_a_domain_rule_places_a_new_verified_identity_pending_approval(session, boss, office):
    admin.set_email_domain_rule(
        session=session,
        actor=boss,
        providers=["bawaslu"],
        domain=" @Bawaslu.GO.id. ",
        organisation_id=office.id,
        role="officer",
    )

    outcome = sign_in(session, "sso-42", "siti@BAWASLU.go.id")

    user = session.get(User, outcome.user_id)
    assert outcome.pending
    assert (user.organisation_id, user.role, user.approved) == (office.id, "officer", False)
    rules = admin.email_domain_rules(session=session, actor=boss)
    assert [(rule.domain, org.id, rule.role) for rule, org in rules] == [
        ("bawaslu.go.id", office.id, "officer")
    ]


def test_setting_a_domains_rule_again_replaces_it(session, boss, office):
    partner = make_organisation(session, kind=OrgKind.PARTNER)
    for organisation, role in ((office, "lead"), (partner, "observer")):
        admin.set_email_domain_rule(
            session=session,
            actor=boss,
            providers=["bawaslu"],
            domain="bawaslu.go.id",
            organisation_id=organisation.id,
            role=role,
        )

    rule = session.exec(select(EmailDomainRule)).one()
    assert (rule.organisation_id, rule.role) == (partner.id, "observer")


@pytest.mark.parametrize(
    ("domain", "role", "field"),
    [
        ("", "officer", "domain"),
        ("bawaslu", "officer", "domain"),
        ("bawaslu..go.id", "officer", "domain"),
        ("http://bawaslu.go.id", "officer", "domain"),
        ("-bawaslu.go.id", "officer", "domain"),
        ("bawaslu.go.id", "admin", "role"),
        ("bawaslu.go.id", "liaison", "role"),
        ("bawaslu.go.id", "", "role"),
    ],
)
def test_a_bad_domain_rule_is_refused(session, boss, office, domain, role, field):
    with pytest.raises(ValidationError) as refused:
        admin.set_email_domain_rule(
            session=session,
            actor=boss,
            providers=["bawaslu"],
            domain=domain,
            organisation_id=office.id,
            role=role,
        )

    assert field in refused.value.field_errors
    assert session.exec(select(EmailDomainRule)).first() is None


def test_a_deleted_rule_places_nobody_any_more(session, boss, office):
    admin.set_email_domain_rule(
        session=session,
        actor=boss,
        providers=["bawaslu"],
        domain="bawaslu.go.id",
        organisation_id=office.id,
        role="officer",
    )

    admin.delete_email_domain_rule(session=session, actor=boss, domain="BAWASLU.go.id")

    user = session.get(User, sign_in(session, "sso-43", "siti@bawaslu.go.id").user_id)
    assert user.organisation_id != office.id and user.role == Role.OBSERVER
    with pytest.raises(ValidationError):
        admin.delete_email_domain_rule(session=session, actor=boss, domain="bawaslu.go.id")


def test_an_unverified_e_mail_neither_links_an_account_nor_matches_a_rule(
    session, boss, office, settings
):
    invited = admin.invite_user(
        session=session,
        actor=boss,
        settings=settings,
        invitation=invitation(office, temporary_password=None, provider="bawaslu"),
    )
    admin.set_email_domain_rule(
        session=session,
        actor=boss,
        providers=["bawaslu"],
        domain="bawaslu.go.id",
        organisation_id=office.id,
        role="lead",
    )

    outcome = sign_in(session, "sso-unverified", "rina@bawaslu.go.id", verified=False)

    stranger = session.get(User, outcome.user_id)
    assert outcome.pending and stranger.id != invited.id
    assert session.get(Organisation, stranger.organisation_id).name == UNASSIGNED_ORGANISATION
    assert stranger.role == Role.OBSERVER and stranger.email is None
    session.refresh(invited)
    assert invited.oidc_subject is None


@pytest.mark.parametrize("verified", ["false", 0, None, "yes"])
def test_only_a_true_email_verified_claim_counts(session, boss, office, verified):
    admin.set_email_domain_rule(
        session=session,
        actor=boss,
        providers=["bawaslu"],
        domain="bawaslu.go.id",
        organisation_id=office.id,
        role="officer",
    )
    outcome = resolve_identity(
        session=session,
        provider="bawaslu",
        claims={"iss": ISSUER, "sub": "s", "email": "a@bawaslu.go.id", "email_verified": verified},
    )

    assert session.get(User, outcome.user_id).organisation_id != office.id


def test_an_identity_maps_to_the_same_account_by_issuer_and_subject(session, boss, office):
    first = sign_in(session, "stable", "old@bawaslu.go.id")
    admin.approve_user(
        session=session,
        actor=boss,
        user_id=first.user_id,
        organisation_id=office.id,
        role="officer",
    )

    later = sign_in(session, "stable", "new-address@gmail.com")
    elsewhere = resolve_identity(
        session=session, provider="other", claims={"iss": "https://other.invalid", "sub": "stable"}
    )

    assert later.user_id == first.user_id and later.actor.role == Role.OFFICER
    assert elsewhere.user_id != first.user_id and elsewhere.pending


def test_a_second_identity_cannot_take_over_a_linked_account(session, boss, office, settings):
    invited = admin.invite_user(
        session=session,
        actor=boss,
        settings=settings,
        invitation=invitation(office, temporary_password=None, provider="bawaslu"),
    )
    assert sign_in(session, "first-sub", "rina@bawaslu.go.id").user_id == invited.id

    intruder = sign_in(session, "second-sub", "rina@bawaslu.go.id")

    assert intruder.user_id != invited.id and intruder.pending and intruder.actor is None
    session.refresh(invited)
    assert invited.oidc_subject == "first-sub"


def test_an_identity_without_issuer_or_subject_is_refused(session):
    with pytest.raises(PermissionDenied):
        resolve_identity(session=session, provider="x", claims={"sub": "no-issuer"})


# --- providers and sessions ------------------------------------------------------------


def test_providers_in_use_counts_the_accounts_linked_to_each(session, boss):
    for subject, provider in (("a", "bawaslu"), ("b", "bawaslu"), ("c", "retired")):
        sign_in(session, subject, provider=provider)

    rows = admin.providers_in_use(
        session=session,
        actor=boss,
        providers=[Provider("bawaslu", "Bawaslu"), Provider("google", "Google")],
    )

    assert [(r.name, r.configured, r.users) for r in rows] == [
        ("bawaslu", True, 2),
        ("google", True, 0),
        ("retired", False, 1),
    ]


def test_an_admin_ends_one_session_and_leaves_the_others(session, boss, office, settings):
    user = make_user(session, role=Role.OFFICER, organisation=office)
    kept, ended = open_session(session, settings, user.id), open_session(session, settings, user.id)
    rows = admin.active_sessions(session=session, actor=boss, now=utcnow() + timedelta(seconds=1))
    newest = max(row.id for row, _ in rows)

    admin.revoke_session(session=session, actor=boss, session_id=newest)

    assert still_signed_in(session, settings, kept)
    assert not still_signed_in(session, settings, ended)


def test_the_account_list_filters_by_text_role_organisation_and_status(session, boss, office):
    rina = make_user(session, role=Role.LEAD, organisation=office, display_name="Rina Wulandari")
    make_user(session, role=Role.OFFICER, organisation=office, display_name="Agus Setiawan")
    gone = make_user(session, role=Role.OFFICER, organisation=office, active=False)
    waiting = sign_in(session, "queue-1", "dewi@gmail.com")

    def names(**filters):
        return {u.id for u, _ in admin.find_users(session=session, actor=boss, **filters)}

    assert names(text="wULAN") == {rina.id}
    assert names(text="%") == set()  # typed characters, never wildcards
    assert names(role="lead", organisation_id=office.id) == {rina.id}
    assert names(status="deactivated") == {gone.id}
    assert names(status="pending") == {waiting.user_id}
    assert boss.user_id in names(status="active") and gone.id not in names(status="active")
