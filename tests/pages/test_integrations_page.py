"""The Integrations page as an admin drives it: a token shown once, then revoked; a
webhook refused for plain http."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.api_tokens import TokenRejected, authenticate
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
