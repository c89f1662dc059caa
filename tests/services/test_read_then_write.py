"""A service that reads, then a write in the same session, while another writer commits
in between: the write queues for the lock instead of failing. On SQLite a write cannot
join a read transaction whose snapshot is stale (it fails at once with "database is
locked"); the load harness found the new-report page doing exactly that at 30 sessions."""

from __future__ import annotations

from sqlmodel import Session

from casework.desk.cases import file_report
from casework.intake.duplicates import find_duplicates
from casework.people.roles import Role
from casework.reference.taxonomy import seed_reference_data
from db.engine import build_engine
from db.migrate import upgrade_to_head
from tests.conftest import fresh_database_url
from tests.factories import make_actor, make_case, report

LINK = "https://www.tiktok.com/@akun.contoh/video/7312345678901230001"


def test_a_report_filed_after_a_duplicate_check_waits_for_a_writer_in_between(tmp_path):
    with fresh_database_url(tmp_path) as url:
        engine = build_engine(url)
        upgrade_to_head(engine)
        with Session(engine, expire_on_commit=False) as setup:
            seed_reference_data(setup)
            setup.commit()
            officer = make_actor(setup, role=Role.OFFICER)
        with Session(engine, expire_on_commit=False) as page, Session(engine) as other:
            assert find_duplicates(session=page, actor=officer, urls=[LINK]) == []
            make_case(other, actor=officer)  # another writer commits meanwhile
            case = file_report(session=page, actor=officer, report=report(urls=[LINK]))
        assert case.id is not None
        engine.dispose()
