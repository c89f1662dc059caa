"""The transition table, checked against an independent copy of the lifecycle.

`EXPECTED` is written by hand from DESIGN.md's diagram (plus the exits the diagram
leaves implicit, e.g. leaving `escalated`), never derived from `casework.desk.workflow`, so a
change to the table fails here until someone decides it was meant."""

from __future__ import annotations

import itertools

import pytest

from casework.desk.cases import ACTION_SERVICES
from casework.desk.workflow import (
    ACTION_LABELS,
    AWAITING_PLATFORM,
    OPEN_STATUSES,
    STATUS_LABELS,
    TERMINAL,
    TRANSITIONS,
    Action,
    Status,
    allowed_actions,
    find_transition,
    statuses_with_exit,
)
from casework.people.roles import Role
from casework.statutory.services import STATUTORY_SERVICES

STATUSES = (
    "new",
    "in_review",
    "sent",
    "acknowledged",
    "info_requested",
    "decided",
    "contested",
    "escalated",
    "closed",
    "rejected",
    "merged",
    "reopened",
)
ACTIONS = (
    "start_review",
    "refer_to_platform",
    "reject_case",
    "merge_case",
    "acknowledge",
    "request_information",
    "provide_information",
    "record_decision",
    "contest_decision",
    "escalate_to_regulator",
    "record_regulator_order",
    "close_case",
    "reopen_case",
    "resume_review",
    "request_komdigi",
    "komdigi_criteria_not_met",
    "komdigi_request_information",
)
# The statutory track's actions: no row in the takedown table (their own table is
# checked in tests/unit/test_statutory_stages.py).
STATUTORY_ACTIONS = (
    "register_laporan",
    "decline_registration",
    "draft_kajian",
    "approve_kajian",
    "return_kajian",
    "forward_case",
    "record_gakkumdu_outcome",
    "forward_up",
    "conclude_handling",
)
ROLES = ("officer", "lead", "liaison", "admin", "observer", "regulator")

SUPERVISORY = {"officer", "lead"}
LEAD = {"lead"}
LIAISON = {"liaison"}
REGULATOR = {"regulator"}

# (status, action) → (target status, roles that may take it)
EXPECTED = {
    # triage by the supervisory body
    ("new", "start_review"): ("in_review", SUPERVISORY),
    ("new", "reject_case"): ("rejected", SUPERVISORY),
    ("new", "merge_case"): ("merged", LEAD),
    ("in_review", "refer_to_platform"): ("sent", SUPERVISORY),
    ("in_review", "reject_case"): ("rejected", SUPERVISORY),
    ("in_review", "merge_case"): ("merged", LEAD),
    # the platform's side
    ("sent", "acknowledge"): ("acknowledged", LIAISON),
    ("sent", "record_decision"): ("decided", LIAISON),
    ("acknowledged", "request_information"): ("info_requested", LIAISON),
    ("acknowledged", "record_decision"): ("decided", LIAISON),
    ("info_requested", "provide_information"): ("acknowledged", SUPERVISORY),
    ("contested", "acknowledge"): ("acknowledged", LIAISON),
    # the officer's verdict on the decision
    ("decided", "contest_decision"): ("contested", SUPERVISORY),
    ("decided", "close_case"): ("closed", SUPERVISORY),
    # escalation while the platform holds the case, by a lead only
    ("sent", "escalate_to_regulator"): ("escalated", LEAD),
    ("acknowledged", "escalate_to_regulator"): ("escalated", LEAD),
    ("info_requested", "escalate_to_regulator"): ("escalated", LEAD),
    ("contested", "escalate_to_regulator"): ("escalated", LEAD),
    ("escalated", "record_regulator_order"): ("escalated", REGULATOR),
    ("escalated", "record_decision"): ("decided", LIAISON),
    ("escalated", "close_case"): ("closed", SUPERVISORY),
    # Komdigi as a channel: from review, or beside a referral the platform holds
    ("in_review", "request_komdigi"): ("escalated", SUPERVISORY),
    ("sent", "request_komdigi"): ("escalated", SUPERVISORY),
    ("acknowledged", "request_komdigi"): ("escalated", SUPERVISORY),
    ("info_requested", "request_komdigi"): ("escalated", SUPERVISORY),
    ("contested", "request_komdigi"): ("escalated", SUPERVISORY),
    ("escalated", "komdigi_criteria_not_met"): ("in_review", REGULATOR),
    ("escalated", "komdigi_request_information"): ("escalated", REGULATOR),
    # coming back
    ("closed", "reopen_case"): ("reopened", SUPERVISORY),
    ("rejected", "reopen_case"): ("reopened", SUPERVISORY),
    ("reopened", "resume_review"): ("in_review", SUPERVISORY),
}


def _expected_allowed(status: str, action: str, role: str) -> bool:
    expected = EXPECTED.get((status, action))
    return expected is not None and role in expected[1]


# Every (status, action, role), with an id such as `liaison-may-acknowledge-when-sent`.
COMBINATIONS = [
    pytest.param(
        status,
        action,
        role,
        id=f"{role}-{'may' if _expected_allowed(status, action, role) else 'may-not'}"
        f"-{action}-when-{status}",
    )
    for status, action, role in itertools.product(STATUSES, ACTIONS, ROLES)
]


def test_the_enums_name_exactly_the_statuses_actions_and_roles_of_the_design():
    assert {s.value for s in Status} == set(STATUSES)
    assert {a.value for a in Action} == set(ACTIONS) | set(STATUTORY_ACTIONS)
    assert {r.value for r in Role} == set(ROLES)


@pytest.mark.parametrize(("status", "action", "role"), COMBINATIONS)
def test_a_role_may_take_an_action_exactly_when_the_lifecycle_allows_it(status, action, role):
    expected = EXPECTED.get((status, action))
    transition = find_transition(status, action)

    if expected is None:
        assert transition is None
    else:
        assert transition is not None
        assert transition.target == expected[0]
    assert (action in allowed_actions(status, role)) is _expected_allowed(status, action, role)


def test_the_table_holds_no_transition_beyond_the_expected_ones():
    actual = {(t.source.value, t.action.value): (t.target.value, set(t.roles)) for t in TRANSITIONS}

    assert actual == EXPECTED


def test_each_status_and_action_pair_appears_once_in_the_table():
    keys = [(t.source, t.action) for t in TRANSITIONS]

    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_but_merged_has_a_way_out(status):
    exits = [t for t in TRANSITIONS if t.source == status and t.target != t.source]

    if status == "merged":
        assert exits == []
        assert status in TERMINAL
    else:
        assert exits, f"{status} is a dead end"
        assert status in statuses_with_exit()
        assert status not in TERMINAL


def test_merged_is_the_only_terminal_status():
    assert {s.value for s in TERMINAL} == {"merged"}


@pytest.mark.parametrize("status", ["closed", "rejected"])
def test_closed_and_rejected_cases_leave_only_by_being_reopened(status):
    assert [t.action.value for t in TRANSITIONS if t.source == status] == ["reopen_case"]
    assert status not in OPEN_STATUSES


def test_the_sla_clock_runs_while_the_platform_holds_the_case():
    assert {s.value for s in AWAITING_PLATFORM} == {"sent", "acknowledged", "contested"}


@pytest.mark.parametrize(
    ("status", "role", "actions"),
    [
        ("new", "lead", ["start_review", "reject_case", "merge_case"]),
        ("new", "officer", ["start_review", "reject_case"]),
        ("new", "liaison", []),
        ("sent", "liaison", ["acknowledge", "record_decision"]),
        ("sent", "lead", ["escalate_to_regulator", "request_komdigi"]),
        ("sent", "officer", ["request_komdigi"]),
        (
            "escalated",
            "regulator",
            ["record_regulator_order", "komdigi_criteria_not_met", "komdigi_request_information"],
        ),
        ("merged", "lead", []),
        ("decided", "admin", []),
        ("decided", "observer", []),
    ],
)
def test_allowed_actions_lists_what_a_role_may_do_in_table_order(status, role, actions):
    assert [a.value for a in allowed_actions(status, role)] == actions


@pytest.mark.parametrize(
    ("status", "action"),
    [("archived", "start_review"), ("new", "delete_case"), ("", "")],
    ids=["unknown-status", "unknown-action", "empty"],
)
def test_an_unknown_status_or_action_has_no_transition(status, action):
    assert find_transition(status, action) is None


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_has_a_label(status):
    assert STATUS_LABELS[Status(status)].strip()


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_a_label(action):
    assert ACTION_LABELS[Action(action)].strip()


def test_the_label_tables_hold_nothing_but_statuses_and_actions():
    assert set(STATUS_LABELS) == set(Status)
    assert set(ACTION_LABELS) == set(Action)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_a_service_of_the_same_name(action):
    services = {**ACTION_SERVICES, **STATUTORY_SERVICES}
    assert services[Action(action)].__name__ == action


@pytest.mark.parametrize("action", STATUTORY_ACTIONS)
def test_every_statutory_action_has_a_service_of_the_same_name(action):
    assert STATUTORY_SERVICES[Action(action)].__name__ == action
