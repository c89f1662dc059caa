"""The action table (casework/desk/actions.py): every action is declared once and completely,
its labels are translated, its events and notices name real ones, and its effects are
pure functions that run without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from casework.desk import actions
from casework.desk.actions import ACTION_EVENTS, SPECS, Recipients, Track, spec_of
from casework.desk.sla import SlaPolicy
from casework.desk.workflow import ACTION_LABELS, TRANSITIONS, Action
from casework.errors import InvalidTransition, ValidationError
from casework.i18n import LANGUAGES
from casework.outbox.notifications import NOTIFICATION_TEXTS
from casework.outbox.webhooks import EVENTS, Event
from casework.reference import catalogs
from casework.statutory.stages import STAGE_TRANSITIONS
from db.models import Case

ACTIONS = [str(a) for a in Action]
T0 = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_every_action_has_exactly_one_spec_and_the_table_names_no_other():
    assert set(SPECS) == set(Action)
    assert all(spec.action == action for action, spec in SPECS.items())


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_a_label_and_at_least_one_transition_in_its_tracks_table(action):
    assert ACTION_LABELS[Action(action)]
    statutory = spec_of(action).track == Track.STATUTORY
    table, other = (
        (STAGE_TRANSITIONS, TRANSITIONS) if statutory else (TRANSITIONS, STAGE_TRANSITIONS)
    )
    assert any(t.action == action for t in table)
    assert not any(t.action == action for t in other)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_input_of_every_action_has_a_translated_label(language):
    translated = {m.id: m.string for m in catalogs.read_catalog(language) if m.id}
    labels = [field.label for spec in SPECS.values() for field in spec.inputs]
    assert labels
    assert [label for label in labels if not translated.get(label)] == []


def test_every_input_of_an_action_has_a_name_and_a_positive_limit():
    for spec in SPECS.values():
        names = [field.name for field in spec.inputs] + list(spec.other_inputs)
        assert len(names) == len(set(names)), spec.action
        assert all(field.max_length > 0 for field in spec.inputs), spec.action


def test_every_webhook_key_is_an_action_and_every_event_it_names_is_offered():
    assert all(isinstance(action, Action) for action in ACTION_EVENTS)
    assert set(ACTION_EVENTS.values()) <= set(EVENTS)


def test_every_event_but_the_deadline_watches_is_sent_by_an_action():
    watches = {Event.SLA_AT_RISK, Event.CLOCK_AT_RISK, Event.CLOCK_BREACHED}
    assert set(EVENTS) - set(ACTION_EVENTS.values()) == watches


def test_every_notice_is_a_known_notification_kind():
    notices = [spec.notice for spec in SPECS.values() if spec.notice]
    assert notices
    assert all(notice.kind in NOTIFICATION_TEXTS for notice in notices)
    assert all(isinstance(notice.to, Recipients) for notice in notices)


def test_a_shared_comment_is_always_one_of_the_actions_own_text_inputs():
    for spec in SPECS.values():
        if spec.shared_comment:
            assert spec.shared_comment in {field.name for field in spec.inputs}, spec.action


# Inputs that are not text but optional: the language of Komdigi's letter, and
# Komdigi's order by letter number (the statutory panel's order form).
OPTIONAL_OTHER_INPUTS = {Action.REQUEST_KOMDIGI, Action.RECORD_REGULATOR_ORDER}


def test_every_action_with_inputs_that_are_not_text_has_a_form_of_its_own_on_the_case_page():
    from pages.case_detail import BESPOKE_FORMS
    from pages.statutory_panel import BESPOKE_FORMS as STATUTORY_FORMS

    def bespoke(track):
        return {
            action
            for action, spec in SPECS.items()
            if spec.other_inputs and spec.track == track and action not in OPTIONAL_OTHER_INPUTS
        }

    assert bespoke(Track.TAKEDOWN) == set(BESPOKE_FORMS)
    assert bespoke(Track.STATUTORY) == set(STATUTORY_FORMS)


def test_a_required_input_refuses_blank_text_and_text_over_its_limit():
    field = spec_of(Action.REJECT).input("reason")
    with pytest.raises(ValidationError):
        field.clean("   ")
    with pytest.raises(ValidationError):
        field.clean("x" * (field.max_length + 1))
    assert field.clean("  Bukan pelanggaran.  ") == "Bukan pelanggaran."


def test_an_optional_input_may_be_blank_and_is_cut_at_its_limit():
    field = spec_of(Action.CLOSE).input("note")
    assert field.clean(None) == ""
    assert len(field.clean("x" * (field.max_length + 50))) == field.max_length


# --- effects, without a database --------------------------------------------------------


def _case(**fields) -> Case:
    return Case(**{"priority": "urgent", "platform_code": "tiktok", "contest_count": 0, **fields})


def test_a_referral_starts_the_clock_with_the_policy_loaded_before_the_mutation():
    changes = actions.start_clock(_case(contest_count=2), T0, SlaPolicy(urgent_hours=6), {})
    assert changes["sla_due_at"] == T0 + 6 * H
    assert changes["referred_at"] == T0
    assert changes["contest_count"] == 0


def test_answering_a_question_moves_the_deadline_by_the_time_paused():
    case = _case(sla_due_at=T0 + 4 * H, sla_paused_since=T0 + H, sla_paused_seconds=0)
    changes = actions.resume_clock(case, T0 + 3 * H, SlaPolicy(), {})
    assert changes["sla_due_at"] == T0 + 6 * H
    assert changes["sla_paused_seconds"] == 2 * 3600
    assert changes["sla_paused_since"] is None


def test_escalation_before_a_missed_deadline_and_without_two_contests_is_refused():
    # With the platform: the agreed clock still counts (casework.clocks.breach).
    case = _case(status="sent", sla_due_at=T0 + 4 * H)
    with pytest.raises(InvalidTransition):
        actions.check_escalation(case, T0 + H, SlaPolicy(), {})
    assert actions.check_escalation(case, T0 + 5 * H, SlaPolicy(), {}) == {
        "escalated_at": T0 + 5 * H
    }


def test_a_decision_dated_in_the_future_is_refused():
    cleaned = {"decided_at": T0 + H, "decisions": ["removed"]}
    with pytest.raises(ValidationError):
        actions.decide(_case(), T0, SlaPolicy(), {"cleaned": cleaned})


def test_a_contest_counts_and_gives_the_platform_a_fresh_deadline():
    case = _case(contest_count=1, decided_at=T0)
    changes = actions.reopen_clock(case, T0 + H, SlaPolicy(urgent_hours=4), {})
    assert changes == {
        "contest_count": 2,
        "decided_at": None,
        "sla_due_at": T0 + 5 * H,
        "sla_paused_since": None,
    }


def test_take_action_refuses_an_input_the_action_does_not_take():
    with pytest.raises(TypeError):
        actions.take_action(
            session=Session(), actor=None, case_id=1, version=1, action="start_review", note="x"
        )
