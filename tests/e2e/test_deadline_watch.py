"""The running server warns leads of a deadline at risk on its own timer, with no page
open anywhere."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlmodel import Session, select

from casework.desk.cases import file_report, refer_to_platform, start_review
from casework.people.actors import actor_for
from db.engine import build_engine
from db.models import Notification, User
from db.types import utcnow
from tests.conftest import fresh_database_url
from tests.e2e.conftest import start_server, stop_server
from tests.factories import report


def _notifications(engine, user_id: int) -> list[str]:
    with Session(engine) as session:
        query = select(Notification.kind).where(Notification.user_id == user_id)
        return list(session.exec(query))


def test_the_server_warns_leads_of_a_deadline_at_risk_without_any_page_open(tmp_path):
    with fresh_database_url(tmp_path) as url:
        process, _base = start_server(
            url,
            log_path=tmp_path / "server.log",
            PANTAU_DEMO_CASE_COUNT="0",
            PANTAU_SLA_CHECK_SECONDS="1",
        )
        engine = build_engine(url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                people = {u.username: u.id for u in session.exec(select(User).where(User.is_demo))}
                officer = actor_for(session, people["demo.officer"])
                # Urgent (4 h) and referred 3 h 30 min ago: due in half an hour.
                filed = utcnow() - timedelta(hours=3, minutes=31)
                case = file_report(
                    session=session,
                    actor=officer,
                    report=report(priority="urgent", province_code="31", regency_code=None),
                    now=filed,
                )
                case = start_review(
                    session=session, actor=officer, case_id=case.id, version=case.version, now=filed
                )
                refer_to_platform(
                    session=session,
                    actor=officer,
                    case_id=case.id,
                    version=case.version,
                    now=filed + timedelta(minutes=1),
                )
            lead = people["demo.lead"]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not _notifications(engine, lead):
                time.sleep(0.5)
            assert _notifications(engine, lead) == ["sla_at_risk"]
            # The watch keeps running, and warns once per deadline.
            time.sleep(3)
            assert _notifications(engine, lead) == ["sla_at_risk"]
        finally:
            engine.dispose()
            stop_server(process)
