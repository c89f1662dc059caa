"""The queue page: views, filters from and into the link, search, bulk actions."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.desk.workflow import AWAITING_PLATFORM, STATUS_LABELS, Status
from db import engine as engine_module
from db.models import AuditEvent, Case, Platform, SavedView, User
from tests.pages.conftest import app_as, open_page


def _queue(username: str, **params):
    """The queue as opened from a link carrying exactly `params`."""
    at = app_as(username).run()
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in params.items():
        at.query_params[key] = value
    return open_page(at, "queue")


def _table(at) -> list[dict]:
    return at.dataframe[0].value.to_dict("records") if at.dataframe else []


def _cases(**where) -> list[Case]:
    with Session(engine_module.get_engine()) as session:
        query = select(Case)
        for field, value in where.items():
            query = query.where(getattr(Case, field) == value)
        return list(session.exec(query.order_by(Case.id)))


def _user(username: str) -> User:
    with Session(engine_module.get_engine()) as session:
        return session.exec(select(User).where(User.username == username)).one()


def test_an_officer_lands_on_needs_my_action_and_the_link_says_so(demo_database):
    at = _queue("demo.officer")
    assert not at.exception, at.exception
    assert at.query_params["view"] == "needs_me"
    statuses = {row["Status"] for row in _table(at)}
    allowed = {
        STATUS_LABELS[s]
        for s in (Status.NEW, Status.IN_REVIEW, Status.REOPENED, Status.INFO_REQUESTED)
    } | {STATUS_LABELS[Status.DECIDED]}
    assert statuses and statuses <= allowed


def test_filters_in_a_shared_link_fill_the_widgets_and_the_table(demo_database):
    at = _queue("demo.officer", status="sent", platform="tiktok")
    assert not at.exception, at.exception
    assert at.multiselect(key="queue_statuses").value == ["sent"]
    assert at.multiselect(key="queue_platforms").value == ["tiktok"]
    rows = _table(at)
    expected = {c.reference for c in _cases(status="sent", platform_code="tiktok")}
    assert {row["Reference"] for row in rows} == expected
    assert expected


def test_changing_a_filter_updates_the_link_for_sharing(demo_database):
    at = _queue("demo.officer")
    at.multiselect(key="queue_statuses").set_value(["decided"]).run()
    assert at.query_params["status"] == "decided"
    assert {row["Status"] for row in _table(at)} == {"Decided"}


def test_searching_a_reference_finds_that_case_alone(demo_database):
    case = _cases(status="acknowledged")[0]
    at = _queue("demo.officer", view="all")
    at.text_input(key="queue_text").input(case.reference).run()
    assert [row["Reference"] for row in _table(at)] == [case.reference]
    assert at.query_params["q"] == case.reference


def test_a_liaison_sees_their_platform_only_what_awaits_them_first(demo_database):
    with Session(engine_module.get_engine()) as session:
        liaison = session.exec(select(User).where(User.username == "demo.liaison.tiktok")).one()
        own = set(
            session.exec(
                select(Platform.name).where(Platform.operator_id == liaison.organisation_id)
            )
        )
    at = _queue("demo.liaison.tiktok")
    assert not at.exception, at.exception
    rows = _table(at)
    assert rows
    assert {row["Platform"] for row in rows} <= own
    waiting = {STATUS_LABELS[s] for s in (*AWAITING_PLATFORM, Status.ESCALATED)}
    assert {row["Status"] for row in rows} <= waiting
    assert at.selectbox(key="queue_sort").value == "due_soon"


def test_a_view_saved_from_the_queue_comes_back_as_a_pill(demo_database):
    at = _queue("demo.officer", status="closed")
    at.text_input(key="queue_view_name").input("Closed cases")
    next(b for b in at.button if b.label == "Save view").click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        saved = session.exec(select(SavedView).where(SavedView.name == "Closed cases")).one()
    assert saved.filters["params"]["status"] == "closed"
    assert "Closed cases" in at.button_group(key="queue_view_choice").options


def test_a_bulk_priority_change_names_the_count_and_reports_each_case(demo_database):
    at = _queue("demo.lead", status="new")
    rows = _table(at)[:2]
    at.session_state["queue_table"] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}
    at.run()
    assert "**2 cases selected**" in [m.value for m in at.markdown]
    at.session_state["queue_bulk_action"] = "set_priority"
    at.run()
    at.radio(key="queue_bulk_priority").set_value("urgent").run()
    confirm = at.button(key="queue_bulk_confirm")
    assert confirm.label == "Apply “Set priority” to 2 cases"
    confirm.click().run()
    assert not at.exception, at.exception
    references = [row["Reference"] for row in rows]
    assert any(all(ref in s.value for ref in references) for s in at.success)
    with Session(engine_module.get_engine()) as session:
        for reference in references:
            case = session.exec(select(Case).where(Case.reference == reference)).one()
            assert case.priority == "urgent"
            last = session.exec(
                select(AuditEvent.action)
                .where(AuditEvent.case_id == case.id)
                .order_by(AuditEvent.id.desc())
            ).first()
            assert last == "priority_changed"


def test_a_bulk_referral_lists_the_cases_that_could_not_take_it(demo_database):
    at = _queue("demo.officer", status="closed")
    first = _table(at)[0]["Reference"]
    at.session_state["queue_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.session_state["queue_bulk_action"] = "refer"
    at.run()
    at.button(key="queue_bulk_confirm").click().run()
    assert not at.exception, at.exception
    assert any("could not take" in w.value for w in at.warning)
    refused = at.dataframe[-1].value.to_dict("records")
    assert refused[0]["Reference"] == first
    assert "not possible" in refused[0]["Reason"]
    assert refused[0]["Next step"] == "The case has already gone past this step."


def test_new_cases_are_taken_into_review_together(demo_database):
    at = _queue("demo.officer", status="new")
    references = [row["Reference"] for row in _table(at)[:2]]
    at.session_state["queue_table"] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}
    at.session_state["queue_bulk_action"] = "start_review"
    at.run()
    confirm = at.button(key="queue_bulk_confirm")
    assert confirm.label == "Apply “Start review” to 2 cases"
    confirm.click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        statuses = session.exec(select(Case.status).where(Case.reference.in_(references))).all()
    assert statuses == ["in_review", "in_review"]


def test_a_liaison_is_offered_no_bulk_actions(demo_database):
    at = _queue("demo.liaison.tiktok")
    assert at.dataframe
    at.session_state["queue_table"] = {"selection": {"rows": [], "columns": [], "cells": []}}
    at.run()
    assert not [b for b in at.button if b.key == "queue_bulk_confirm"]
    assert _user("demo.liaison.tiktok").role == "liaison"


def test_the_queue_shows_reference_title_status_and_deadline_first(demo_database):
    at = _queue("demo.officer", view="all")
    assert not at.exception, at.exception
    columns = list(at.dataframe[0].value.columns)
    assert columns[:5] == ["Reference", "Title", "Link", "Status", "Deadline"]
    assert all(link.startswith("case?id=") for link in at.dataframe[0].value["Link"])


def test_lateness_above_two_days_is_given_in_days(demo_database):
    at = _queue("demo.liaison.tiktok", view="overdue")
    deadlines = list(at.dataframe[0].value["Deadline"])
    assert deadlines and all(" h late" not in d or float(d.split()[0]) <= 48 for d in deadlines)
    assert any(d.endswith("d late") for d in deadlines)


def test_one_click_on_a_case_opens_it(demo_database):
    at = _queue("demo.officer", view="all")
    first = at.dataframe[0].value.iloc[0]
    at.session_state["queue_table"] = {
        "selection": {"rows": [], "columns": [], "cells": [[0, "Title"]]}
    }
    at.run()
    assert not at.exception, at.exception
    assert at.query_params["id"] == first["Link"].split("=")[1]
    assert at.title[0].value == first["Reference"]


def test_a_click_opens_the_case_that_was_drawn_even_when_the_list_changed_since(
    demo_database,
):
    at = _queue("demo.officer", view="needs_me")
    drawn = at.dataframe[0].value.iloc[0]
    # Between the draw and the click, the first case leaves the view.
    with Session(engine_module.get_engine()) as session:
        case = session.exec(select(Case).where(Case.reference == drawn["Reference"])).one()
        case.status = Status.CLOSED
        session.add(case)
        session.commit()
    at.session_state["queue_table"] = {
        "selection": {"rows": [], "columns": [], "cells": [[0, "Title"]]}
    }
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == drawn["Reference"]
