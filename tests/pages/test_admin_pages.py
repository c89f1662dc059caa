"""The admin pages, driven as an admin would: approving a waiting identity, inviting,
deactivating, organisations and domain rules, sessions. And what the people on the
other end see afterwards."""

from __future__ import annotations

import time

from sqlmodel import Session, select

from casework import admin
from casework import settings as config
from casework.i18n import translator
from casework.people.actors import actor_for
from casework.people.auth import open_session_for, resolve_session
from casework.people.identities import resolve_identity
from casework.people.roles import Role
from db import engine as engine_module
from db.models import DsaMapping, EmailDomainRule, Organisation, User
from pages import registry, ui
from tests.pages.conftest import TEST_ISSUER, app_as, identity, open_page

WAITING = "Waiting for approval"


def _db() -> Session:
    return Session(engine_module.get_engine(), expire_on_commit=False)


def _user_by_subject(subject: str) -> User:
    with _db() as session:
        return session.exec(select(User).where(User.oidc_subject == subject)).one()


def _organisation(name: str) -> Organisation:
    with _db() as session:
        return session.exec(select(Organisation).where(Organisation.name == name)).one()


def _admin_actor():
    with _db() as session:
        user = session.exec(select(User).where(User.username == "demo.admin")).one()
        return actor_for(session, user.id)


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


def _messages(at) -> str:
    return " ".join(
        [e.value for e in at.error] + [s.value for s in at.success] + [c.value for c in at.caption]
    )


def _approved_identity(subject: str, email: str, role: Role = Role.OFFICER) -> dict:
    """An identity that signed in once and was approved into Bawaslu RI."""
    with _db() as session:
        outcome = resolve_identity(
            session=session,
            provider="oidc",
            claims={"iss": TEST_ISSUER, "sub": subject, "email": email, "email_verified": True},
        )
        admin.approve_user(
            session=session,
            actor=_admin_actor(),
            user_id=outcome.user_id,
            organisation_id=_organisation("Bawaslu RI").id,
            role=role,
        )
    return identity(subject, email=email, email_verified=True)


# --- identities waiting for approval ---------------------------------------------------


def test_an_unknown_identity_sees_only_the_waiting_page(demo_database):
    stranger = identity("new-sub", email="orang.baru@example.org", email_verified=True)

    at = app_as(None, user=stranger).run()

    assert not at.exception
    assert _titles(at) == [WAITING]
    for spec in registry.PAGES:
        at = open_page(at, spec.url_path)
        assert not at.exception
        assert _titles(at) == [WAITING], spec.url_path


def test_the_admin_approves_a_waiting_identity_which_then_reaches_its_pages(demo_database):
    newcomer = identity(
        "approve-me", email="siti@bawaslu.go.id", email_verified=True, name="Siti Aminah"
    )
    assert _titles(app_as(None, user=newcomer).run()) == [WAITING]
    waiting = _user_by_subject("approve-me")
    national = _organisation("Bawaslu RI")

    at = open_page(app_as("demo.admin").run(), "users")
    at.selectbox(key="users_approve_user").set_value(waiting.id).run()
    at.selectbox(key=f"users_approve_organisation_{waiting.id}").set_value(national.id).run()
    at.selectbox(key=f"users_approve_role_{waiting.id}").set_value(Role.LEAD).run()
    at.button(key="users_approve_submit").click().run()

    assert not at.exception
    assert "Siti Aminah can now sign in" in _messages(at)
    approved = app_as(None, user=newcomer).run()
    assert not approved.exception
    assert _titles(approved) == ["Case queue"]
    assert _titles(open_page(approved, "new-report")) == ["New report"]


def test_approving_with_a_role_that_does_not_fit_keeps_the_choice_and_says_why(demo_database):
    app_as(None, user=identity("misfit", email="budi@gmail.com", email_verified=True)).run()
    waiting = _user_by_subject("misfit")

    at = open_page(app_as("demo.admin", language="id").run(), "users")
    at.selectbox(key="users_approve_user").set_value(waiting.id).run()
    at.selectbox(key=f"users_approve_organisation_{waiting.id}").set_value(
        _organisation("Bawaslu RI").id
    ).run()
    at.selectbox(key=f"users_approve_role_{waiting.id}").set_value(Role.LIAISON).run()
    at.button(key="users_approve_submit").click().run()

    assert not at.exception
    message = translator("id")("Platform liaisons belong to a platform organisation.")
    assert ui.plain(message) in _messages(at)
    assert at.selectbox(key=f"users_approve_role_{waiting.id}").value == Role.LIAISON
    assert _user_by_subject("misfit").approved is False


# --- deactivation ----------------------------------------------------------------------


def test_a_user_deactivated_through_the_page_gets_the_sign_in_page_on_their_next_run(
    demo_database,
):
    leaver = _approved_identity("leaver", "leaver@bawaslu.go.id")
    at = app_as(None, user=leaver).run()
    assert _titles(at) == ["Case queue"]
    user = _user_by_subject("leaver")

    admin_at = open_page(app_as("demo.admin").run(), "users")
    admin_at.selectbox(key="users_manage_user").set_value(user.id).run()
    admin_at.button(key="users_deactivate_submit").click().run()
    assert not admin_at.exception

    at.run()
    assert not at.exception
    assert _titles(at) == ["Pantau"]
    assert not _user_by_subject("leaver").active


def test_a_role_change_through_the_page_applies_on_the_users_next_run(demo_database):
    mover = _approved_identity("mover", "mover@bawaslu.go.id")
    at = app_as(None, user=mover).run()
    assert _titles(at) == ["Case queue"]
    user = _user_by_subject("mover")

    admin_at = open_page(app_as("demo.admin").run(), "users")
    admin_at.selectbox(key="users_manage_user").set_value(user.id).run()
    admin_at.selectbox(key=f"users_manage_role_{user.id}").set_value(Role.OBSERVER).run()
    admin_at.button(key="users_manage_submit").click().run()
    assert not admin_at.exception

    # The change ends the sign-in made under the old role (issue 15, finding 7)…
    at.run()
    assert _titles(at) == ["Pantau"]
    # …and the next sign-in opens with the new role's pages.
    at = app_as(None, user={**mover, "iat": int(time.time()) + 1}).run()
    assert _titles(at) == ["Dashboard"]
    assert _titles(open_page(at, "queue")) != ["Case queue"]


# --- invitations -----------------------------------------------------------------------


def test_a_refused_invitation_keeps_what_was_typed_and_names_each_field(demo_database):
    at = open_page(app_as("demo.admin", language="id").run(), "users")
    at.text_input(key="users_invite_username").input("rina w").run()
    at.text_input(key="users_invite_display_name").input("Rina Wulandari").run()
    at.text_input(key="users_invite_email").input("bukan-alamat").run()
    at.text_input(key="users_invite_password").input("pendek").run()
    at.button(key="users_invite_submit").click().run()

    assert not at.exception
    id_ = translator("id")
    messages = _messages(at)
    for message in (
        "Use 2 to 120 letters, digits, dots, hyphens, underscores or @.",
        "Enter an e-mail address such as name@bawaslu.go.id.",
        "Choose a value from the list.",
    ):
        assert ui.plain(id_(message)) in messages and id_(message) != message
    assert ui.plain(id_("Use at least {count} characters.").format(count=12)) in messages
    assert at.text_input(key="users_invite_username").value == "rina w"
    assert at.text_input(key="users_invite_display_name").value == "Rina Wulandari"
    assert at.text_input(key="users_invite_email").value == "bukan-alamat"


def test_an_invitation_through_the_page_creates_an_account_that_must_change_its_password(
    demo_database,
):
    at = open_page(app_as("demo.admin").run(), "users")
    at.text_input(key="users_invite_username").input("agus.jabar").run()
    at.text_input(key="users_invite_display_name").input("Agus <b>Jabar</b>").run()
    at.text_input(key="users_invite_email").input("agus@jabar.bawaslu.go.id").run()
    at.selectbox(key="users_invite_organisation_new").set_value(
        _organisation("Bawaslu Provinsi Jawa Barat").id
    ).run()
    at.selectbox(key="users_invite_role_new").set_value(Role.OFFICER).run()
    at.text_input(key="users_invite_password").input("sementara-2024-aman").run()
    at.button(key="users_invite_submit").click().run()

    assert not at.exception
    with _db() as session:
        user = session.exec(select(User).where(User.username == "agus.jabar")).one()
    assert user.must_change_password and user.approved and user.role == "officer"
    # The name went through ui.plain: markdown characters are escaped, never rendered.
    assert "Agus \\<b\\>Jabar\\</b\\>" in _messages(at)
    assert at.text_input(key="users_invite_username").value == ""


# --- organisations and domain rules ----------------------------------------------------


def test_the_admin_adds_a_regional_office_through_the_page(demo_database):
    at = open_page(app_as("demo.admin").run(), "organisations")
    at.text_input(key="orgs_edit_0_name").input("Bawaslu Kota Bandung").run()
    at.selectbox(key="orgs_edit_0_kind").set_value("supervisory").run()
    at.selectbox(key="orgs_edit_0_region").set_value("32.73").run()
    at.button(key="orgs_create_submit").click().run()

    assert not at.exception
    office = _organisation("Bawaslu Kota Bandung")
    assert (office.kind, office.region_code) == ("supervisory", "32.73")


def test_a_domain_rule_set_through_the_page_places_the_next_identity(demo_database):
    national = _organisation("Bawaslu RI")
    at = app_as("demo.admin")
    # The identities of these tests come through a provider named "oidc".
    at.secrets["auth"] = {"oidc": {"client_id": "pantau", "client_secret": "secret"}}
    at = open_page(at.run(), "organisations")
    at.text_input(key="orgs_rule_domain").input("not a domain").run()
    at.selectbox(key="orgs_rule_organisation").set_value(national.id).run()
    at.selectbox(key="orgs_rule_role").set_value(Role.OFFICER).run()
    at.button(key="orgs_rule_submit").click().run()
    assert ui.plain("Enter a domain such as bawaslu.go.id.") in _messages(at)
    assert at.text_input(key="orgs_rule_domain").value == "not a domain"

    at.text_input(key="orgs_rule_domain").input("@Bawaslu.go.id").run()
    at.multiselect(key="orgs_rule_providers").set_value(["oidc"]).run()
    at.button(key="orgs_rule_submit").click().run()
    assert not at.exception
    with _db() as session:
        rule = session.exec(select(EmailDomainRule)).one()
    assert (rule.domain, rule.organisation_id, rule.role) == (
        "bawaslu.go.id",
        national.id,
        "officer",
    )

    newcomer = identity("ruled", email="tono@bawaslu.go.id", email_verified=True)
    assert _titles(app_as(None, user=newcomer).run()) == [WAITING]
    placed = _user_by_subject("ruled")
    assert (placed.organisation_id, placed.role, placed.approved) == (national.id, "officer", False)


# --- providers and sessions ------------------------------------------------------------


def test_the_access_page_lists_configured_providers_with_their_accounts(demo_database):
    at = app_as("demo.admin")
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret",
        "testidp": {
            "client_id": "pantau",
            "client_secret": "secret",
            "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
        },
    }
    at = open_page(at.run(), "access")

    assert not at.exception
    table = at.dataframe[0].value
    configured = table[table.iloc[:, 2] == "Yes"]
    assert list(configured.iloc[:, 1]) == ["testidp"]


def test_the_admin_ends_a_session_through_the_page(demo_database):
    settings = config.get_settings()
    with _db() as session:
        officer = session.exec(select(User).where(User.username == "demo.officer")).one()
        token = open_session_for(
            session=session, settings=settings, user_id=officer.id, method="password"
        ).token
        session_id = max(
            row.id for row, _user in admin.active_sessions(session=session, actor=_admin_actor())
        )

    at = open_page(app_as("demo.admin").run(), "access")
    at.selectbox(key="access_session").set_value(session_id).run()
    at.button(key="access_revoke_submit").click().run()

    assert not at.exception
    with _db() as session:
        assert resolve_session(session=session, settings=settings, token=token) is None


def test_the_admin_maps_a_category_to_the_dsa_on_the_taxonomy_page(demo_database):
    at = open_page(app_as("demo.admin").run(), "taxonomy")
    assert not at.exception, at.exception
    at.selectbox(key="taxonomy_dsa_kind").set_value("category").run()
    at.selectbox(key="taxonomy_dsa_code").set_value("other").run()
    form = "taxonomy_dsa_form_category_other"
    next(s for s in at.selectbox if s.label == "DSA value").set_value(
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    )
    at.button(key=f"FormSubmitter:{form}-Save mapping").click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        row = session.get(DsaMapping, ("category", "other"))
    assert row is not None and row.dsa_value == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"


def test_a_lead_reads_the_dsa_mappings_but_gets_no_form(demo_database):
    at = open_page(app_as("demo.lead").run(), "taxonomy")
    assert not at.exception, at.exception
    assert at.selectbox(key="taxonomy_dsa_kind").value == "category"
    assert not [s for s in at.selectbox if s.key == "taxonomy_dsa_code"]
