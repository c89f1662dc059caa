"""The statutory stage table, checked against an independent copy written by hand from
the law's process (issue 17): a change to the table fails here until it was meant."""

from __future__ import annotations

import itertools

import pytest

from casework.desk.workflow import ACTION_LABELS, STATUTORY_ACTIONS, Action
from casework.statutory.stages import (
    STAGE_LABELS,
    STAGE_TRANSITIONS,
    TERMINAL_STAGES,
    Stage,
    allowed_stage_actions,
    find_stage_transition,
    initial_stage,
)

STAGES = (
    "awaiting_registration",
    "not_registered",
    "in_kajian",
    "kajian_drafted",
    "kajian_approved",
    "forwarded",
    "concluded",
)
ACTIONS = (
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

EXPECTED = {
    ("awaiting_registration", "register_laporan"): ("in_kajian", SUPERVISORY),
    ("awaiting_registration", "decline_registration"): ("not_registered", SUPERVISORY),
    ("in_kajian", "draft_kajian"): ("kajian_drafted", SUPERVISORY),
    ("kajian_drafted", "draft_kajian"): ("kajian_drafted", SUPERVISORY),
    ("kajian_drafted", "approve_kajian"): ("kajian_approved", LEAD),
    ("kajian_drafted", "return_kajian"): ("in_kajian", LEAD),
    ("kajian_approved", "forward_case"): ("forwarded", SUPERVISORY),
    ("forwarded", "forward_case"): ("forwarded", SUPERVISORY),
    ("forwarded", "record_gakkumdu_outcome"): ("forwarded", SUPERVISORY),
    ("awaiting_registration", "forward_up"): ("awaiting_registration", SUPERVISORY),
    ("in_kajian", "forward_up"): ("in_kajian", SUPERVISORY),
    ("kajian_drafted", "forward_up"): ("kajian_drafted", SUPERVISORY),
    ("kajian_approved", "forward_up"): ("kajian_approved", SUPERVISORY),
    ("kajian_approved", "conclude_handling"): ("concluded", SUPERVISORY),
    ("forwarded", "conclude_handling"): ("concluded", SUPERVISORY),
}


def test_the_enums_name_exactly_the_stages_and_statutory_actions():
    assert {s.value for s in Stage} == set(STAGES)
    assert {a.value for a in STATUTORY_ACTIONS} == set(ACTIONS)


@pytest.mark.parametrize(
    ("stage", "action", "role"), list(itertools.product(STAGES, ACTIONS, ROLES))
)
def test_a_role_may_take_a_statutory_action_exactly_when_the_process_allows_it(stage, action, role):
    expected = EXPECTED.get((stage, action))
    transition = find_stage_transition(stage, action)
    allowed = transition is not None and role in transition.roles
    assert allowed == (expected is not None and role in expected[1])
    if expected is not None:
        assert transition.target == expected[0]


def test_the_stage_table_holds_no_row_beyond_the_expected_ones():
    assert {(t.source.value, t.action.value) for t in STAGE_TRANSITIONS} == set(EXPECTED)


def test_every_stage_but_the_terminal_ones_has_a_way_forward():
    moving = {t.source for t in STAGE_TRANSITIONS if t.target != t.source}
    assert set(Stage) - TERMINAL_STAGES <= moving


def test_a_laporan_starts_before_its_kajian_awal_and_a_temuan_in_kajian():
    assert initial_stage("laporan") == Stage.AWAITING_REGISTRATION
    assert initial_stage("temuan") == Stage.IN_KAJIAN


def test_only_a_lead_approves_a_kajian():
    assert allowed_stage_actions("kajian_drafted", "officer") == ["draft_kajian", "forward_up"]
    assert "approve_kajian" in allowed_stage_actions("kajian_drafted", "lead")


def test_every_stage_and_statutory_action_has_a_label():
    assert set(STAGE_LABELS) == set(Stage)
    assert all(ACTION_LABELS[Action(a)].strip() for a in ACTIONS)


def test_an_unknown_stage_has_no_transition():
    assert find_stage_transition(None, "register_laporan") is None
    assert find_stage_transition("nowhere", "register_laporan") is None
