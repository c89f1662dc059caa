"""Sign-in through a real OpenID Connect provider on loopback (`oidc-provider-mock`, a
Flask + Authlib provider), with the real server and Debian's Chromium: a first sign-in
waits for approval, an admin approves, the next sign-in reaches the role's pages. A
forged callback never signs anyone in."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from sqlmodel import Session, select

from casework import admin
from casework.i18n import translator
from casework.people.actors import actor_for
from casework.people.roles import Role
from db.engine import build_engine
from db.models import Organisation, User
from tests.conftest import fresh_database_url
from tests.e2e.conftest import free_port, start_server, stop_server

pytestmark = pytest.mark.browser

PROVIDER = "testidp"
PROVIDER_BUTTON = re.compile(PROVIDER.title())  # "Sign in with Testidp", in any language
_ = translator("id")  # the server's default language, and the browser's locale


@contextmanager
def identity_provider() -> Iterator[str]:
    """oidc-provider-mock on a free loopback port, in a thread; yields its base URL
    (also its issuer)."""
    import werkzeug.serving
    from oidc_provider_mock import app as provider_app

    port = free_port()
    server = werkzeug.serving.make_server("127.0.0.1", port, provider_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def write_secrets(path, *, app_port: int, provider_url: str) -> None:
    """A secrets.toml naming the provider, the way README tells a deployer to."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        'cookie_secret = "e2e-only-cookie-secret-0123456789abcdef"\n'
        f"[auth.{PROVIDER}]\n"
        'client_id = "pantau-e2e"\n'
        'client_secret = "e2e-client-secret"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )


@dataclass(frozen=True)
class Deployment:
    base: str  # Pantau
    provider: str  # the identity provider
    database_url: str


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    """Pantau in demo mode, reading a secrets file that configures the provider."""
    directory = tmp_path_factory.mktemp("oidc")
    with identity_provider() as provider, fresh_database_url(directory) as url:
        port = free_port()
        secrets = directory / "secrets.toml"
        write_secrets(secrets, app_port=port, provider_url=provider)
        process, base = start_server(
            url,
            log_path=directory / "server.log",
            port=port,
            PANTAU_DEMO_CASE_COUNT="30",
            # Streamlit's `secrets.files` option: only this file, not .streamlit/secrets.toml.
            STREAMLIT_SECRETS_FILES=str(secrets),
        )
        try:
            yield Deployment(base=base, provider=provider, database_url=url)
        finally:
            stop_server(process)


def sign_in_at_provider(page, deployment: Deployment, subject: str) -> None:
    """From Pantau's sign-in page, through the provider's form, back to Pantau."""
    page.get_by_role("button", name=PROVIDER_BUTTON).click()
    page.wait_for_url(f"{deployment.provider}/oauth2/authorize*")
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def sign_out(page) -> None:
    """Sign out through the app; Streamlit also ends the provider's session, which the
    mock confirms with a button. Ends on Pantau's sign-in page."""
    page.get_by_role("button", name=_("Sign out")).first.click()
    end_session = page.get_by_role("button", name="End session")
    provider_button = page.get_by_role("button", name=PROVIDER_BUTTON)
    end_session.or_(provider_button).first.wait_for()
    if end_session.count():
        end_session.click()
    provider_button.wait_for()


def approve(deployment: Deployment, subject: str) -> User:
    """The admin approves the waiting identity as an officer of Bawaslu RI, through the
    service, on the server's database."""
    engine = build_engine(deployment.database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            waiting = session.exec(select(User).where(User.oidc_subject == subject)).one()
            boss = session.exec(select(User).where(User.username == "demo.admin")).one()
            national = session.exec(
                select(Organisation).where(Organisation.name == "Bawaslu RI")
            ).one()
            return admin.approve_user(
                session=session,
                actor=actor_for(session, boss.id),
                user_id=waiting.id,
                organisation_id=national.id,
                role=Role.OFFICER,
            )
    finally:
        engine.dispose()


def test_a_first_sign_in_waits_and_after_approval_the_next_one_reaches_the_queue(deployment, page):
    subject = "siti-e2e"
    response = httpx.put(
        f"{deployment.provider}/users/{subject}",
        json={"email": "siti@bawaslu.go.id", "email_verified": True, "name": "Siti Aminah"},
        timeout=5,
    )
    assert response.status_code == 204

    page.goto(deployment.base)
    sign_in_at_provider(page, deployment, subject)
    page.get_by_role("heading", name=_("Waiting for approval")).wait_for()
    assert page.get_by_role("heading", name=_("Case queue")).count() == 0

    sign_out(page)
    user = approve(deployment, subject)
    assert (user.oidc_provider, user.oidc_issuer, user.email) == (
        PROVIDER,
        deployment.provider,
        "siti@bawaslu.go.id",
    )

    sign_in_at_provider(page, deployment, subject)
    page.get_by_role("heading", name=_("Case queue")).wait_for()
    assert page.get_by_role("heading", name=_("Waiting for approval")).count() == 0


def test_a_callback_with_a_forged_state_signs_nobody_in(deployment, page):
    callback = f"{deployment.base}/oauth2callback?state=forged&code=x"

    response = httpx.get(callback, follow_redirects=False, timeout=10)

    assert response.status_code < 500
    assert not [
        cookie
        for cookie in response.headers.get_list("set-cookie")
        if cookie.startswith("_streamlit_user") and not re.search(r'=("")?;', cookie)
    ]
    page.goto(callback)
    page.get_by_role("button", name=PROVIDER_BUTTON).wait_for()
    assert page.get_by_role("heading", name="Pantau").count() == 1
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
