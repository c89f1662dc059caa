"""The Integrations page as an admin drives it: a token shown once, then revoked; a
webhook refused for plain http."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.outbox.api_tokens import TokenRejected, authenticate
from db import engine as engine_module
from db.models import Organisation, Platform
from tests.pages.conftest import app_as, open_page


def _tiktok_operator() -> int:
    with Session(engine_module.get_engine()) as session:
        return session.exec(
            select(Organisation.id)
            .join(Platform, Platform.operator_id == Organisation.id)
            .where(Platform.code == "tiktok")
        ).one()


def test_an_admin_creates_a_token_sees_it_once_and_revokes_it(demo_database):
    at = open_page(app_as("demo.admin").run(), "integrations")
    at.selectbox(key="integrations_token_organisation").set_value(_tiktok_operator())
    at.text_input(key="integrations_token_name").input("Moderation console")
    at.multiselect(key="integrations_token_scopes").set_value(["cases:read"])
    at.button(key="integrations_token_submit").click().run()
    assert not at.exception
    [shown] = [block.value for block in at.code]
    assert shown.startswith("pantau_")
    with Session(engine_module.get_engine()) as session:
        holder = authenticate(session=session, token=shown)
    at.run()
    assert [block.value for block in at.code] == []  # shown once only
    at.selectbox(key="integrations_revoke_token").set_value(holder.token_id).run()
    at.button(key="integrations_revoke").click().run()
    with Session(engine_module.get_engine()) as session:
        try:
            authenticate(session=session, token=shown)
            revoked = False
        except TokenRejected:
            revoked = True
    assert revoked


def test_a_plain_http_webhook_is_refused_with_the_field_named(demo_database):
    at = open_page(app_as("demo.admin").run(), "integrations")
    at.selectbox(key="integrations_webhook_organisation").set_value(_tiktok_operator())
    at.text_input(key="integrations_webhook_url").input("http://hooks.example.org/")
    at.multiselect(key="integrations_webhook_events").set_value(["case.referred"])
    at.button(key="integrations_webhook_submit").click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert r":red[Give a full https\:// address\.]" in captions


def test_an_admin_registers_a_platform_signing_key_and_a_bad_one_is_refused(demo_database):
    from casework.records.signing import SigningKey, public_key_pem
    from db.models import PlatformKey

    key = SigningKey.generate()
    at = open_page(app_as("demo.admin").run(), "integrations")
    at.selectbox(key="integrations_key_organisation").set_value(_tiktok_operator())
    at.text_area(key="integrations_key_public").input("not a key")
    at.button(key="integrations_key_submit").click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Ed25519" in captions  # the field's message
    at.text_area(key="integrations_key_public").input(public_key_pem(key.public_bytes()))
    at.text_input(key="integrations_key_label").input("HSM 2024")
    at.button(key="integrations_key_submit").click().run()
    assert not at.exception
    with Session(engine_module.get_engine()) as session:
        row = session.exec(select(PlatformKey).where(PlatformKey.key_id == key.key_id)).one()
    assert (row.organisation_id, row.label) == (_tiktok_operator(), "HSM 2024")
    at.selectbox(key="integrations_revoke_key").set_value(key.key_id).run()
    at.button(key="integrations_key_revoke").click().run()
    with Session(engine_module.get_engine()) as session:
        row = session.exec(select(PlatformKey).where(PlatformKey.key_id == key.key_id)).one()
    assert row.revoked_at is not None
