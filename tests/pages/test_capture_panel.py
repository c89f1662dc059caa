"""The case page's captures: a removal check shows as "verified gone at …", and an
officer asks for a new capture with one click."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from casework.capture.fetch import PageResult
from casework.capture.outcomes import Outcome
from casework.capture.store import record_capture
from casework.settings import get_settings
from db import engine as engine_module
from db.models import CaptureJob, Case, CaseUrl, User
from db.types import utcnow
from tests.pages.conftest import app_as, open_page


def _decided_case_checked_gone() -> Case:
    """A decided case of the demo with a removal check that found its link gone (kept by
    the real store, from a fetch that read a 404 and no page)."""
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        case = session.exec(select(Case).where(Case.status == "decided")).first()
        url = session.exec(select(CaseUrl.url).where(CaseUrl.case_id == case.id)).first()
        job = CaptureJob(
            case_id=case.id, url=url, kind="verify", due_at=utcnow(), claimed_by="page-test"
        )
        session.add(job)
        session.commit()
        officer = session.exec(select(User.id).where(User.username == "demo.officer")).one()
        result = PageResult(
            url=url,
            captured_at=utcnow() - timedelta(minutes=5),
            user_agent="ua",
            proxy=None,
            http_status=404,
            final_url=url,
        )
        record_capture(
            session,
            job_id=job.id,
            worker="page-test",
            result=result,
            outcome=Outcome.NOT_FOUND,
            user_id=officer,
            settings=get_settings(),
        )
        return case


def test_a_removal_check_shows_as_verified_gone_and_an_officer_asks_for_a_capture(
    demo_database,
):
    case = _decided_case_checked_gone()
    at = app_as("demo.officer").run()
    at.query_params["id"] = str(case.id)
    at = open_page(at, "case")
    assert not at.exception
    assert any(s.value.startswith("Verified gone at ") for s in at.success)
    assert "Captures by Pantau" in [m.value.strip("*") for m in at.markdown]

    at.button(key=f"capture_now_{case.id}").click().run()
    assert not at.exception
    with Session(engine_module.get_engine()) as session:
        waiting = session.exec(
            select(CaptureJob).where(
                CaptureJob.case_id == case.id,
                CaptureJob.kind == "capture",
                CaptureJob.status == "pending",
            )
        ).all()
    assert len(waiting) >= 1
