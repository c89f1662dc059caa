"""The case page offers exactly the actions the viewer's role may take from the case's
state, plus the work panel, the history download and notifications for mentions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from casework.desk.cases import ACTION_SERVICES, file_report
from casework.desk.workflow import ACTION_LABELS, STATUTORY_ACTIONS, Action, Status, allowed_actions
from casework.people.actors import actor_for
from casework.people.roles import Role
from db import engine as engine_module
from db.models import Case, Decision, Notification, User
from db.types import utcnow
from pages import ui
from tests.factories import removal_decision, report
from tests.pages.conftest import app_as, open_page

VIEWERS = {
    "demo.officer": Role.OFFICER,
    "demo.lead": Role.LEAD,
    "demo.liaison.tiktok": Role.LIAISON,
    "demo.regulator": Role.REGULATOR,
}


PATHS = {
    Status.NEW: (),
    Status.IN_REVIEW: (Action.START_REVIEW,),
    Status.SENT: (Action.START_REVIEW, Action.REFER_TO_PLATFORM),
    Status.ACKNOWLEDGED: (Action.START_REVIEW, Action.REFER_TO_PLATFORM, Action.ACKNOWLEDGE),
    Status.INFO_REQUESTED: (
        Action.START_REVIEW,
        Action.REFER_TO_PLATFORM,
        Action.ACKNOWLEDGE,
        Action.REQUEST_INFORMATION,
    ),
    Status.DECIDED: (Action.START_REVIEW, Action.REFER_TO_PLATFORM, Action.RECORD_DECISION),
    Status.ESCALATED: (Action.START_REVIEW, Action.REFER_TO_PLATFORM, Action.ESCALATE),
    Status.CLOSED: (
        Action.START_REVIEW,
        Action.REFER_TO_PLATFORM,
        Action.RECORD_DECISION,
        Action.CLOSE,
    ),
}
WHO = {
    Action.START_REVIEW: ("demo.officer", {}),
    Action.REFER_TO_PLATFORM: ("demo.officer", {}),
    Action.ACKNOWLEDGE: ("demo.liaison.tiktok", {}),
    Action.REQUEST_INFORMATION: ("demo.liaison.tiktok", {"question": "Kapan diunggah?"}),
    Action.RECORD_DECISION: ("demo.liaison.tiktok", {"decision": removal_decision()}),
    Action.ESCALATE: ("demo.lead", {"reason": "Tenggat terlewati."}),
    Action.CLOSE: ("demo.officer", {}),
}


def _case_in(status: Status) -> Case:
    """A new urgent TikTok case, filed 10 hours ago by the demo officer and taken to
    `status` by the demo accounts through the services."""
    start = utcnow() - timedelta(hours=10)
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        people = {u.username: u.id for u in session.exec(select(User).where(User.is_demo))}

        def actor(name):
            return actor_for(session, people[name])

        case = file_report(
            session=session,
            actor=actor("demo.officer"),
            report=report(priority="urgent", province_code="31", regency_code=None),
            now=start,
        )
        for step, action in enumerate(PATHS[status]):
            name, extra = WHO[action]
            # Escalation needs the platform's 4-hour deadline missed: it comes last.
            at = utcnow() if action == Action.ESCALATE else start + timedelta(minutes=step + 1)
            case = ACTION_SERVICES[action](
                session=session,
                actor=actor(name),
                case_id=case.id,
                version=case.version,
                now=at,
                **extra,
            )
        return case


def _open(username: str, case_id: int):
    at = app_as(username).run()
    at.query_params["id"] = str(case_id)
    return open_page(at, "case")


STATES = [
    Status.NEW,
    Status.IN_REVIEW,
    Status.SENT,
    Status.ACKNOWLEDGED,
    Status.INFO_REQUESTED,
    Status.DECIDED,
    Status.ESCALATED,
    Status.CLOSED,
]


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("username", list(VIEWERS))
def test_the_page_offers_exactly_the_actions_the_role_may_take(demo_database, username, status):
    case = _case_in(status)
    at = _open(username, case.id)
    assert not at.exception, at.exception
    expected = [ACTION_LABELS[a] for a in allowed_actions(status, VIEWERS[username])]
    assert sorted(offered_actions(at)) == sorted(expected)


def offered_actions(at) -> list[str]:
    """Every action the page shows: the next step in the "Needs your action" panel, the
    other actions' expanders, and the ones shown disabled because they would be refused.
    The statutory track's actions sit in their own panel (tests/pages/test_statutory_panel.py)."""
    labels = {ACTION_LABELS[a] for a in ACTION_LABELS if a not in STATUTORY_ACTIONS}
    offered = [e.label for e in at.expander if e.label in labels]
    offered += [b.label for b in at.button if b.disabled and b.label in labels]
    offered += [
        m.value.split("**")[1] for m in at.markdown if m.value.startswith("Your next step:")
    ]
    return offered


def test_only_the_supervisory_side_gets_the_work_panel(demo_database):
    case = _case_in(Status.ACKNOWLEDGED)
    officer = _open("demo.officer", case.id)
    assert [b.label for b in officer.button if b.label == "Save"]
    assert "Work on this case" in [m.value.strip("*") for m in officer.markdown]
    liaison = _open("demo.liaison.tiktok", case.id)
    assert "Work on this case" not in [m.value.strip("*") for m in liaison.markdown]


def test_a_lead_assigns_from_the_case_page_and_the_assignee_hears_of_it(demo_database):
    case = _case_in(Status.IN_REVIEW)
    with Session(engine_module.get_engine()) as session:
        officer = session.exec(select(User).where(User.username == "demo.officer")).one()
    at = _open("demo.lead", case.id)
    form = next(s for s in at.selectbox if s.label == "Assignee")
    form.set_value(officer.id)
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        assert session.get(Case, case.id).assignee_id == officer.id
        kinds = session.exec(
            select(Notification.kind).where(
                Notification.user_id == officer.id, Notification.case_id == case.id
            )
        ).all()
    assert "case_assigned" in kinds


def test_a_mention_in_a_comment_reaches_the_notifications_page_with_a_badge(demo_database):
    case = _case_in(Status.ACKNOWLEDGED)
    at = _open("demo.officer", case.id)
    at.text_area(key="case_comment_body").input("@demo.lead mohon ditinjau")
    next(b for b in at.button if b.label == "Post comment").click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        lead_id = session.exec(select(User.id).where(User.username == "demo.lead")).one()
        badge = ui.unread_badge(actor_for(session, lead_id))
    assert badge and badge != "0"
    lead = app_as("demo.lead").run()
    lead = open_page(lead, "notifications")
    assert not lead.exception, lead.exception
    texts = [m.value.replace("\\", "") for m in lead.markdown]
    assert any(case.reference in t and "mentioned" in t for t in texts)


def test_the_case_history_can_be_downloaded(demo_database):
    case = _case_in(Status.ESCALATED)
    at = _open("demo.lead", case.id)
    assert not at.exception, at.exception
    downloads = [e for e in at.get("download_button")]
    assert downloads, "no download button on the case page"


def _decision_form(status: Status = Status.SENT):
    case = _case_in(status)
    at = _open("demo.liaison.tiktok", case.id)
    assert not at.exception, at.exception

    def widget(kind: str, label: str):
        return next(w for w in getattr(at, kind) if w.label == label)

    widget("multiselect", "Decision").set_value(["removed"])
    widget("text_input", "Policy reference").set_value("Community Guidelines: Integrity")
    widget("multiselect", "Territorial scope").set_value(["ID", "NL"])
    widget("radio", "Decided by automated means").set_value("partially")
    return case, at, widget


def test_the_decision_form_takes_several_countries_and_partial_automation(demo_database):
    case, at, widget = _decision_form()
    widget("text_area", "Explanation").set_value("Klaim palsu tentang surat suara.")
    at.button(key="FormSubmitter:case_decision_form-Record decision").click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        [decision] = session.exec(select(Decision).where(Decision.case_id == case.id)).all()
    assert (decision.territorial_scope, decision.automated_decision) == ("ID,NL", "partially")
    shown = " ".join(c.value for c in at.caption)
    assert "Indonesia, Netherlands" in shown
    assert "Partially automated" in shown


def test_an_explanation_over_the_dsa_limit_is_refused_when_the_eu_is_in_scope(demo_database):
    case, at, widget = _decision_form()
    widget("text_area", "Explanation").set_value("x" * 2001)
    at.button(key="FormSubmitter:case_decision_form-Record decision").click().run()
    assert not at.exception, at.exception
    shown = " ".join(c.value for c in at.caption)
    assert "At most 2,000 characters when the decision covers an EU/EEA country" in shown
    with Session(engine_module.get_engine()) as session:
        assert session.exec(select(Decision).where(Decision.case_id == case.id)).all() == []


def _panel_text(at) -> list[str]:
    return [e.value for e in at.get("markdown")] + [t.value for t in at.text]


def test_the_officer_finds_the_platforms_question_and_the_answer_form_at_the_top(demo_database):
    case = _case_in(Status.INFO_REQUESTED)
    at = _open("demo.officer", case.id)
    assert not at.exception, at.exception
    assert "#### Needs your action" in [m.value for m in at.markdown]
    assert "Kapan diunggah?" in [t.value for t in at.text]
    assert "Your next step: **Provide information**" in [m.value for m in at.markdown]
    # The answer form is the panel's, not buried among the other actions.
    assert "Provide information" not in [e.label for e in at.expander]


def test_a_decided_case_shows_its_outcome_and_never_a_green_time_left(demo_database):
    case = _case_in(Status.DECIDED)
    at = _open("demo.officer", case.id)
    texts = _panel_text(at)
    assert not any(":green[" in t or "h left" in t for t in texts)
    assert any("Decided in time" in t or "Decided late" in t for t in texts)
    assert "Your next step: **Close**" in [m.value for m in at.markdown]


def test_escalation_before_the_deadline_is_missed_is_disabled_and_says_why(demo_database):
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        people = {u.username: u.id for u in session.exec(select(User).where(User.is_demo))}
        officer = actor_for(session, people["demo.officer"])
        case = file_report(session=session, actor=officer, report=report(priority="normal"))
        for action in (Action.START_REVIEW, Action.REFER_TO_PLATFORM):
            case = ACTION_SERVICES[action](
                session=session, actor=officer, case_id=case.id, version=case.version
            )
    at = _open("demo.lead", case.id)
    button = at.button(key=f"case_action_{Action.ESCALATE}")
    assert button.disabled
    assert "Escalation needs a missed deadline or a decision contested twice." in [
        c.value for c in at.caption
    ]
    assert any(":green[" in m.value and "h left" in m.value for m in at.markdown)
