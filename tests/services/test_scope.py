"""Direct-object access: asking for a case by id outside one's scope looks exactly like
asking for a case that does not exist, for every reading service and every action."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework.desk import cases
from casework.desk.cases import get_case
from casework.desk.workflow import Action
from casework.errors import CaseNotFound
from casework.people.roles import Role
from db.models import Organisation
from tests.factories import advance, make_actor, make_case, removal_decision

A = Action
MISSING_ID = 999_999


def _sent(session, desk, **overrides):
    """A case filed by the national office and referred to its platform."""
    case = make_case(session, actor=desk.officer, **overrides)
    return advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)


def _refusal(session, actor, case_id):
    with pytest.raises(CaseNotFound) as refused:
        get_case(session=session, actor=actor, case_id=case_id)
    return type(refused.value), str(refused.value), refused.value.params


def _sees(session, actor, case) -> bool:
    try:
        return get_case(session=session, actor=actor, case_id=case.id).id == case.id
    except CaseNotFound:
        return False


# --- platform liaisons -----------------------------------------------------------------


def test_a_liaison_sees_a_case_referred_to_its_platform(session, desk):
    case = _sent(session, desk)

    assert _sees(session, desk.liaison, case)


def test_a_liaison_cannot_read_another_platforms_case(session, desk):
    facebook_case = _sent(
        session,
        desk,
        platform_code="facebook",
        urls=["https://www.facebook.com/akun.contoh/posts/1234567890"],
    )

    assert _refusal(session, desk.liaison, facebook_case.id) == _refusal(
        session, desk.liaison, MISSING_ID
    )


def test_a_liaison_cannot_read_its_platforms_case_before_it_is_referred(session, desk):
    case = advance(session, desk, make_case(session, actor=desk.officer), A.START_REVIEW)

    assert _refusal(session, desk.liaison, case.id) == _refusal(session, desk.liaison, MISSING_ID)


def test_a_liaison_of_an_operator_with_several_platforms_sees_each_of_them(session, desk):
    meta_liaison = make_actor(session, role=Role.LIAISON, platform_code="facebook")
    facebook = _sent(session, desk, platform_code="facebook", urls=[])
    instagram = _sent(session, desk, platform_code="instagram", urls=[])
    tiktok = _sent(session, desk)

    assert (
        _sees(session, meta_liaison, facebook),
        _sees(session, meta_liaison, instagram),
        _sees(session, meta_liaison, tiktok),
    ) == (True, True, False)


@pytest.mark.parametrize(
    ("action", "extra"),
    [(A.ACKNOWLEDGE, {}), (A.RECORD_DECISION, {"decision": removal_decision()})],
    ids=["acknowledge", "record_decision"],
)
def test_a_liaison_acting_on_another_platforms_case_gets_not_found_not_forbidden(
    session, desk, action, extra
):
    facebook_case = _sent(session, desk, platform_code="facebook", urls=[])

    with pytest.raises(CaseNotFound):
        cases.ACTION_SERVICES[action](
            session=session,
            actor=desk.liaison,
            case_id=facebook_case.id,
            version=facebook_case.version,
            now=facebook_case.updated_at + timedelta(minutes=5),
            **extra,
        )

    assert get_case(session=session, actor=desk.officer, case_id=facebook_case.id).status == "sent"


@pytest.mark.parametrize(
    "reader",
    [
        cases.get_case,
        cases.case_comments,
        cases.case_urls,
        cases.case_decisions,
        cases.case_evidence,
    ],
    ids=lambda f: f.__name__,
)
def test_every_reading_service_hides_an_out_of_scope_case(session, desk, reader):
    facebook_case = _sent(session, desk, platform_code="facebook", urls=[])

    with pytest.raises(CaseNotFound):
        reader(session=session, actor=desk.liaison, case_id=facebook_case.id)


def test_a_liaison_cannot_comment_on_another_platforms_case(session, desk):
    facebook_case = _sent(session, desk, platform_code="facebook", urls=[])

    with pytest.raises(CaseNotFound):
        cases.add_comment(
            session=session, actor=desk.liaison, case_id=facebook_case.id, body="Halo."
        )


# --- supervisory offices ---------------------------------------------------------------


@pytest.fixture
def jakarta_case(session, desk):
    """A case in DKI Jakarta (31), filed by the national office."""
    return make_case(session, actor=desk.officer, province_code="31", regency_code="31.71")


def test_a_regional_officer_cannot_read_a_case_of_another_province(session, jakarta_case):
    west_java = make_actor(session, role=Role.OFFICER, region_code="32")

    assert _refusal(session, west_java, jakarta_case.id) == _refusal(session, west_java, MISSING_ID)


def test_a_regional_officer_cannot_act_on_a_case_of_another_province(session, jakarta_case):
    west_java = make_actor(session, role=Role.LEAD, region_code="32")

    with pytest.raises(CaseNotFound):
        cases.start_review(
            session=session, actor=west_java, case_id=jakarta_case.id, version=jakarta_case.version
        )


def test_the_national_office_sees_every_province(session, desk, jakarta_case):
    other_national_officer = make_actor(session, role=Role.OFFICER)

    assert _sees(session, other_national_officer, jakarta_case)


def test_a_regional_officer_sees_cases_of_their_province(session, desk):
    bandung = make_case(session, actor=desk.officer, province_code="32", regency_code="32.73")

    assert _sees(session, make_actor(session, role=Role.OFFICER, region_code="32"), bandung)


@pytest.mark.parametrize(
    ("regency", "visible"),
    [("32.01", True), ("32.73", False)],
    ids=["own-regency", "neighbouring-regency"],
)
def test_a_regency_office_sees_only_its_regency(session, desk, regency, visible):
    bogor_office = make_actor(session, role=Role.OFFICER, region_code="32.01")
    case = make_case(session, actor=desk.officer, province_code="32", regency_code=regency)

    assert _sees(session, bogor_office, case) is visible


# --- roles that never see single cases -------------------------------------------------


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ADMIN], ids=str)
def test_observers_and_admins_read_no_single_case(session, desk, role, jakarta_case):
    viewer = make_actor(session, role=role)
    sent = _sent(session, desk)

    for case in (jakarta_case, sent):
        assert _refusal(session, viewer, case.id) == _refusal(session, viewer, MISSING_ID)


def test_the_refusal_for_a_hidden_case_reads_like_the_one_for_a_missing_case(
    session, desk, jakarta_case
):
    west_java = make_actor(session, role=Role.OFFICER, region_code="32")

    hidden = _refusal(session, west_java, jakarta_case.id)
    missing = _refusal(session, desk.officer, MISSING_ID)

    assert hidden == missing
    assert hidden[0] is CaseNotFound


# --- the regulator ---------------------------------------------------------------------


def test_the_regulator_sees_only_cases_escalated_to_it(session, desk):
    quiet = _sent(session, desk)
    escalated = _sent(session, desk)
    escalated = advance(
        session, desk, escalated, A.ESCALATE, now=escalated.sla_due_at + timedelta(hours=1)
    )

    assert _sees(session, desk.regulator, escalated)
    assert _refusal(session, desk.regulator, quiet.id) == _refusal(
        session, desk.regulator, MISSING_ID
    )


def test_a_regulator_role_in_a_supervisory_office_sees_no_escalated_case(session, desk):
    case = _sent(session, desk)
    case = advance(session, desk, case, A.ESCALATE, now=case.sla_due_at + timedelta(hours=1))
    office = session.get(Organisation, desk.officer.organisation_id)
    misfiled = make_actor(session, role=Role.REGULATOR, organisation=office)

    assert _sees(session, desk.regulator, case)
    assert not _sees(session, misfiled, case)
