"""Issue 18, in Debian's Chromium: the case page shows every running clock side by side,
in Bahasa Indonesia."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from casework.clocks import service
from casework.demo import DEMO_ACCOUNTS
from casework.desk.cases import refer_to_platform
from casework.i18n import translator
from casework.people.actors import actor_for
from casework.uow import unit_of_work
from db.engine import build_engine
from db.models import Case, User
from db.types import utcnow

pytestmark = pytest.mark.browser

_ = translator("id")
WAIT = 20_000
OFFICER = next(name for username, name, _r, _o in DEMO_ACCOUNTS if username == "demo.officer")


def test_the_case_page_shows_all_running_clocks_in_bahasa_indonesia(running_server, page):
    engine = build_engine(running_server.database_url)
    with Session(engine, expire_on_commit=False) as session:
        case = session.exec(select(Case).where(Case.status == "in_review")).first()
        officer_id = session.exec(select(User.id).where(User.username == "demo.officer")).one()
        officer = actor_for(session, officer_id)
        case_id, version = case.id, case.version
        # End the reads: the service's unit of work then takes SQLite's write lock up
        # front instead of upgrading a read the running server may have overtaken.
        session.rollback()
        now = utcnow()
        case = refer_to_platform(
            session=session, actor=officer, case_id=case_id, version=version, now=now
        )
        with unit_of_work(session):
            service.drive(session, case, "register_laporan", now - timedelta(hours=1))
    engine.dispose()

    base = running_server.base
    page.goto(f"{base}/signin?set_language=id")
    page.get_by_role("button", name=_("Sign in as {name}").format(name=OFFICER)).click()
    expect(page.get_by_role("heading", name=_("Case queue"))).to_be_visible(timeout=WAIT)
    page.goto(f"{base}/case?id={case.id}")

    expect(page.get_by_role("heading", name=case.reference)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Tenggat kesepakatan", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Putusan (7 hari, dapat diperpanjang hingga 14 hari kerja)")
    ).to_be_visible()
    expect(page.get_by_text("Penanggung jawab: Platform")).to_be_visible()
    expect(page.get_by_text("Penanggung jawab: Bawaslu")).to_be_visible()
    expect(page.get_by_text("Keadaan: Berjalan")).to_have_count(2)
