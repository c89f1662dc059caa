"""The running server sends webhooks and e-mails on its own timer: a decision recorded
through the API reaches a receiver on loopback, signed, and the case's officer gets an
e-mail from a real SMTP server on loopback."""

from __future__ import annotations

import time

import httpx
from sqlmodel import Session, select

from casework.desk.cases import file_report, refer_to_platform, start_review
from casework.outbox.api_tokens import create_api_token
from casework.outbox.webhooks import register_endpoint, verify
from casework.people.actors import actor_for
from casework.settings import Settings
from db.engine import build_engine
from db.models import User
from tests.conftest import fresh_database_url
from tests.e2e.conftest import start_server, stop_server
from tests.factories import platform_operator, report
from tests.receivers import smtp_server, webhook_receiver


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_a_decision_through_the_api_reaches_the_webhook_and_the_officers_mailbox(tmp_path):
    with fresh_database_url(tmp_path) as url, webhook_receiver() as receiver, smtp_server() as box:
        process, base = start_server(
            url,
            log_path=tmp_path / "server.log",
            PANTAU_DEMO_CASE_COUNT="0",
            PANTAU_OUTBOX_SECONDS="0.5",
            PANTAU_WEBHOOK_ALLOW_INTERNAL="true",
            PANTAU_SMTP_HOST="127.0.0.1",
            PANTAU_SMTP_PORT=str(box.port),
            PANTAU_SMTP_STARTTLS="false",
        )
        engine = build_engine(url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                people = {u.username: u.id for u in session.exec(select(User).where(User.is_demo))}
                officer = actor_for(session, people["demo.officer"])
                admin = actor_for(session, people["demo.admin"])
                user = session.get(User, officer.user_id)
                user.email_mode = "immediate"
                session.add(user)
                session.commit()
                tiktok = platform_operator(session, "tiktok")
                _endpoint, secret = register_endpoint(
                    session=session,
                    actor=admin,
                    organisation_id=tiktok.id,
                    url=receiver.url,
                    events=["case.decision_recorded"],
                    settings=Settings(_env_file=None, webhook_allow_internal=True),
                )
                _row, token = create_api_token(
                    session=session,
                    actor=admin,
                    organisation_id=tiktok.id,
                    name="console",
                    scopes=["cases:read", "cases:act"],
                )
                case = file_report(session=session, actor=officer, report=report())
                case = start_review(
                    session=session, actor=officer, case_id=case.id, version=case.version
                )
                case = refer_to_platform(
                    session=session, actor=officer, case_id=case.id, version=case.version
                )
            answer = httpx.post(
                f"{base}/api/v1/cases/{case.reference}/decision",
                json={
                    "version": case.version,
                    "decisions": ["removed"],
                    "ground": "terms",
                    "policy_reference": "Community Guidelines 4.2",
                    "explanation": "Misinformation about ballots.",
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert answer.status_code == 200, answer.text
            _wait_for(lambda: receiver.received and box.messages)
            [sent] = receiver.received
            assert sent.headers["Pantau-Event"] == "case.decision_recorded"
            assert verify(secret, sent.headers["Pantau-Signature"], sent.body, now=int(time.time()))
            [mail] = box.messages
            assert case.reference in mail["Subject"]
        finally:
            engine.dispose()
            stop_server(process)
