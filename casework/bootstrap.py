"""Start-up: migrate, seed reference data, and in demo mode seed the demo."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from casework.desk.search import index_missing
from casework.people.first_admin import SETUP_CODE_LIFETIME, issue_setup_code
from casework.reference.taxonomy import seed_reference_data
from casework.settings import Settings
from db.engine import begin_write
from db.migrate import upgrade_to_head
from db.models import Case, User

log = logging.getLogger(__name__)


def prepare_database(engine: Engine, settings: Settings) -> None:
    """Bring the database to the current schema and seed what an empty one needs.

    Safe to run on every start and from several replicas at once: each step checks
    before it writes, inside a write transaction."""
    upgrade_to_head(engine)
    with Session(engine) as session:
        begin_write(session)
        seed_reference_data(session)
        session.commit()
    if settings.demo_mode:
        from casework.demo import seed_demo

        with Session(engine) as session:
            if session.exec(select(Case.id).limit(1)).first() is None:
                log.info("seeding demo data (%s cases)", settings.demo_case_count)
                seed_demo(
                    session,
                    case_count=settings.demo_case_count,
                    password=settings.demo_password,
                )
    else:
        remove_demo_accounts(engine)
    with Session(engine) as session:
        indexed = index_missing(session)
        if indexed:
            log.info("indexed %s cases for search", indexed)


def announce_first_run(engine: Engine, settings: Settings) -> str | None:
    """Outside demo mode, while no administrator exists, print a one-time code for the
    first-run page `/setup` in the server's log (as Jenkins and Grafana do); returns it."""
    if settings.demo_mode:
        return None
    with Session(engine) as session:
        code = issue_setup_code(session)
    if code:
        log.warning(
            "Pantau has no administrator yet. Open %s/setup and enter the one-time code "
            "%s (valid for %s hours, once), or run `python -m casework.admin create-admin`.",
            settings.public_url.rstrip("/"),
            code,
            int(SETUP_CODE_LIFETIME.total_seconds() // 3600),
        )
    return code


def remove_demo_accounts(engine: Engine) -> None:
    """Outside demo mode no demo account may sign in: deactivate every one."""
    with Session(engine) as session:
        begin_write(session)
        for user in session.exec(select(User).where(User.is_demo, User.active)):
            user.active = False
            session.add(user)
        session.commit()
