"""The case page's content, trimmed to what each viewer may see."""

from __future__ import annotations

from casework.desk.case_view import load_case_view
from casework.people.roles import Role
from tests.factories import CAMPAIGN_NOW, make_actor, make_case, make_desk


def test_the_supervisory_body_sees_every_report_with_its_reporter(session):
    officer = make_actor(session, role=Role.OFFICER)
    case = make_case(session, actor=officer, reporter_name="Siti R.", reporter_contact="0812")
    view = load_case_view(session=session, actor=officer, case_id=case.id, now=CAMPAIGN_NOW)
    assert [(r.reporter_name, r.reporter_contact) for r in view.reports] == [("Siti R.", "0812")]
    assert view.reporter_name == "Siti R."


def test_a_liaison_sees_neither_the_reports_nor_the_reporter(session):
    desk = make_desk(session)
    case = make_case(session, actor=desk.officer, reporter_name="Siti R.", reporter_contact="0812")
    from casework.desk.cases import refer_to_platform, start_review

    case = start_review(session=session, actor=desk.officer, case_id=case.id, version=case.version)
    case = refer_to_platform(
        session=session, actor=desk.officer, case_id=case.id, version=case.version
    )
    view = load_case_view(session=session, actor=desk.liaison, case_id=case.id, now=CAMPAIGN_NOW)
    assert view.reports == []
    assert view.reporter_name is None and view.reporter_contact is None
