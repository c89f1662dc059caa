"""Reference data: what seeding puts in, that seeding again changes nothing, and who
may edit the lists, the calendar and the SLA policy (always audited)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from casework.desk.workflow import Action
from casework.errors import PermissionDenied, ValidationError
from casework.people.roles import OrgKind, Role
from casework.records.audit import verify_chain
from casework.reference.taxonomy import (
    seed_reference_data,
    update_phase,
    update_platform_sla,
    update_term,
)
from db.models import (
    AuditEvent,
    Election,
    ElectionPhase,
    Organisation,
    Platform,
    Region,
    TaxonomyTerm,
)
from tests.factories import CAMPAIGN_NOW, advance, make_actor, make_case, make_desk

ZONES = {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}


# --- seeding ---------------------------------------------------------------------------


def _regions(session: Session, level: str) -> list[Region]:
    return list(session.exec(select(Region).where(Region.level == level)))


def test_seeding_gives_38_provinces_and_514_regencies(session):
    assert len(_regions(session, "province")) == 38
    assert len(_regions(session, "regency")) == 514


def test_every_region_lives_in_one_of_indonesias_three_zones(session):
    assert {r.time_zone for r in session.exec(select(Region))} == ZONES


def test_every_regency_belongs_to_a_seeded_province_and_shares_its_zone(session):
    provinces = {p.code: p for p in _regions(session, "province")}

    for regency in _regions(session, "regency"):
        assert regency.code.startswith(f"{regency.province_code}.")
        assert regency.time_zone == provinces[regency.province_code].time_zone


@pytest.mark.parametrize(
    ("code", "name_part", "zone"),
    [
        ("31", "Jakarta", "Asia/Jakarta"),
        ("32", "Jawa Barat", "Asia/Jakarta"),
        ("51", "Bali", "Asia/Makassar"),
        ("64", "Kalimantan Timur", "Asia/Makassar"),
        ("73", "Sulawesi Selatan", "Asia/Makassar"),
        ("81", "Maluku", "Asia/Jayapura"),
        ("91", "Papua", "Asia/Jayapura"),
        ("96", "Papua Barat Daya", "Asia/Jayapura"),
        ("32.73", "Bandung", "Asia/Jakarta"),
        ("51.71", "Denpasar", "Asia/Makassar"),
        ("91.71", "Jayapura", "Asia/Jayapura"),
    ],
)
def test_a_region_has_the_zone_its_people_live_in(session, code, name_part, zone):
    region = session.get(Region, code)

    assert name_part in region.name
    assert region.time_zone == zone


PHASES = {
    ("pemilu2024", "campaign"): (date(2023, 11, 28), date(2024, 2, 10)),
    ("pemilu2024", "quiet_period"): (date(2024, 2, 11), date(2024, 2, 13)),
    ("pemilu2024", "voting"): (date(2024, 2, 14), date(2024, 2, 14)),
    ("pemilu2024", "recapitulation"): (date(2024, 2, 15), date(2024, 3, 20)),
    ("pilkada2024", "campaign"): (date(2024, 9, 25), date(2024, 11, 23)),
    ("pilkada2024", "quiet_period"): (date(2024, 11, 24), date(2024, 11, 26)),
    ("pilkada2024", "voting"): (date(2024, 11, 27), date(2024, 11, 27)),
}


def test_the_calendar_holds_pemilu_and_pilkada_2024_with_the_design_dates(session):
    seeded = {
        (p.election_code, p.phase): (p.starts_on, p.ends_on)
        for p in session.exec(select(ElectionPhase))
    }
    elections = {e.code: (e.name, e.voting_day) for e in session.exec(select(Election))}

    assert {key: seeded[key] for key in PHASES} == PHASES
    assert elections == {
        "pemilu2024": ("Pemilu 2024", date(2024, 2, 14)),
        "pilkada2024": ("Pilkada 2024", date(2024, 11, 27)),
    }


@pytest.mark.parametrize(
    "kind", ["category", "content_type", "account_class", "source", "decision_type"]
)
def test_every_term_is_labelled_in_both_languages(session, kind):
    terms = session.exec(select(TaxonomyTerm).where(TaxonomyTerm.kind == kind)).all()

    assert terms
    assert all(t.label_id.strip() and t.label_en.strip() for t in terms)


def test_the_categories_are_the_ones_the_design_lists(session):
    codes = set(session.exec(select(TaxonomyTerm.code).where(TaxonomyTerm.kind == "category")))

    assert codes == {
        "hoax",
        "hate_speech",
        "sara",
        "black_campaign",
        "paid_political_ad",
        "vote_buying",
        "neutrality_breach",
        "out_of_schedule",
        "synthetic_media",
        "impersonation",
        "threat_officials",
        "campaign_account",
        "survey_publication",
        "official_partisanship",
        "children_in_campaign",
        "forbidden_places",
        "other",
    }


def test_every_platform_has_an_operator_organisation_and_the_default_deadlines(session):
    for platform in session.exec(select(Platform)):
        operator = session.get(Organisation, platform.operator_id)
        assert operator.kind == OrgKind.PLATFORM
        assert (platform.sla_urgent_hours, platform.sla_normal_hours) == (4, 24)


def test_meta_operates_facebook_instagram_and_threads(session):
    meta = session.exec(select(Organisation).where(Organisation.name == "Meta")).one()

    run_by_meta = set(session.exec(select(Platform.code).where(Platform.operator_id == meta.id)))

    assert run_by_meta == {"facebook", "instagram", "threads"}


def _everything(session: Session) -> dict:
    session.expire_all()
    return {
        model.__name__: sorted(repr(row.model_dump()) for row in session.exec(select(model)))
        for model in (TaxonomyTerm, Platform, Organisation, Region, Election, ElectionPhase)
    }


def test_seeding_twice_changes_nothing(session):
    before = _everything(session)

    seed_reference_data(session)
    session.commit()

    assert _everything(session) == before


def test_seeding_again_keeps_what_an_admin_edited(session):
    admin = make_actor(session, role=Role.ADMIN)
    update_term(
        session=session,
        actor=admin,
        kind="category",
        code="hoax",
        label_id="Hoaks",
        label_en="Hoax",
        active=False,
    )
    update_platform_sla(
        session=session, actor=admin, platform_code="tiktok", urgent_hours=2, normal_hours=12
    )

    seed_reference_data(session)
    session.commit()
    session.expire_all()

    hoax = session.get(TaxonomyTerm, ("category", "hoax"))
    tiktok = session.get(Platform, "tiktok")
    assert (hoax.label_id, hoax.label_en, hoax.active) == ("Hoaks", "Hoax", False)
    assert (tiktok.sla_urgent_hours, tiktok.sla_normal_hours) == (2, 12)


# --- editing the lists -----------------------------------------------------------------


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(
        session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )


def _rename_hoax(session, actor):
    return update_term(
        session=session,
        actor=actor,
        kind="category",
        code="hoax",
        label_id="Hoaks pemilu",
        label_en="Election hoax",
        change_note="  Istilah Bawaslu ",
    )


@pytest.mark.parametrize("role", [Role.LEAD, Role.ADMIN], ids=str)
def test_a_lead_or_admin_may_edit_a_term_and_the_edit_is_audited(session, role):
    editor = make_actor(session, role=role)

    _rename_hoax(session, editor)

    session.expire_all()
    hoax = session.get(TaxonomyTerm, ("category", "hoax"))
    assert (hoax.label_id, hoax.label_en, hoax.version, hoax.change_note) == (
        "Hoaks pemilu",
        "Election hoax",
        2,
        "Istilah Bawaslu",
    )
    [event] = _events(session, "taxonomy_changed")
    assert event.actor_id == editor.user_id
    assert event.detail["before"]["label_en"] == "Election hoax / disinformation"
    assert event.detail["after"]["label_id"] == "Hoaks pemilu"
    assert (event.detail["version"], event.detail["note"]) == (2, "Istilah Bawaslu")
    assert verify_chain(session).intact


@pytest.mark.parametrize(
    "role", [Role.OFFICER, Role.LIAISON, Role.REGULATOR, Role.OBSERVER], ids=str
)
def test_other_roles_may_not_edit_a_term(session, role):
    with pytest.raises(PermissionDenied):
        _rename_hoax(session, make_actor(session, role=role))

    session.expire_all()
    assert session.get(TaxonomyTerm, ("category", "hoax")).label_id == "Hoaks/disinformasi pemilu"
    assert _events(session, "taxonomy_changed") == []


def test_a_lead_outside_the_supervisory_body_may_not_edit_a_term(session):
    partner = Organisation(name="Mafindo", kind=OrgKind.PARTNER)
    session.add(partner)
    session.commit()

    with pytest.raises(PermissionDenied):
        _rename_hoax(session, make_actor(session, role=Role.LEAD, organisation=partner))


def test_a_new_term_is_added_to_its_list(session):
    update_term(
        session=session,
        actor=make_actor(session, role=Role.LEAD),
        kind="category",
        code=" Doxxing ",
        label_id="Penyebaran data pribadi",
        label_en="Doxxing",
    )

    term = session.get(TaxonomyTerm, ("category", "doxxing"))
    assert (term.label_en, term.active) == ("Doxxing", True)
    assert _events(session, "taxonomy_changed")[0].detail["before"] is None


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"kind": "mood"}, {"kind"}),
        ({"code": ""}, {"code"}),
        ({"code": "bad code"}, {"code"}),
        ({"code": "bad-code"}, {"code"}),
        ({"code": "x" * 65}, {"code"}),
        ({"label_id": "  "}, {"label_id"}),
        ({"label_id": "", "label_en": ""}, {"label_id", "label_en"}),
    ],
    ids=[
        "unknown-list",
        "empty-code",
        "code-with-a-space",
        "code-with-a-dash",
        "code-too-long",
        "blank-indonesian-label",
        "both-labels-blank",
    ],
)
def test_a_bad_term_is_refused_with_every_bad_field(session, overrides, fields):
    values = dict(kind="category", code="doxxing", label_id="Doksing", label_en="Doxxing")
    values.update(overrides)

    with pytest.raises(ValidationError) as refused:
        update_term(session=session, actor=make_actor(session, role=Role.ADMIN), **values)

    assert set(refused.value.field_errors) == fields
    assert _events(session, "taxonomy_changed") == []


# --- editing the calendar --------------------------------------------------------------


def _phase(session: Session, election: str, name: str) -> ElectionPhase:
    return session.exec(
        select(ElectionPhase).where(
            ElectionPhase.election_code == election, ElectionPhase.phase == name
        )
    ).one()


def test_moving_the_quiet_period_changes_the_default_priority_of_new_reports(session):
    lead = make_actor(session, role=Role.LEAD)
    quiet = _phase(session, "pemilu2024", "quiet_period")
    posted = datetime(2024, 2, 9, 3, 0, tzinfo=UTC)  # 10:00 WIB, campaign by default

    update_phase(
        session=session,
        actor=lead,
        phase_id=quiet.id,
        starts_on=date(2024, 2, 9),
        ends_on=date(2024, 2, 13),
    )

    case = make_case(session, posted_at=posted, now=posted)
    assert case.priority == "urgent"
    [event] = _events(session, "calendar_changed")
    assert event.detail["before"] == {"starts_on": "2024-02-11", "ends_on": "2024-02-13"}
    assert event.detail["after"] == {"starts_on": "2024-02-09", "ends_on": "2024-02-13"}


@pytest.mark.parametrize(
    ("phase_id", "starts_on", "ends_on", "field"),
    [
        (None, date(2024, 2, 13), date(2024, 2, 11), "ends_on"),
        (999_999, date(2024, 2, 11), date(2024, 2, 13), "phase"),
    ],
    ids=["ends-before-it-starts", "unknown-phase"],
)
def test_a_bad_phase_edit_is_refused(session, phase_id, starts_on, ends_on, field):
    phase_id = phase_id or _phase(session, "pemilu2024", "quiet_period").id

    with pytest.raises(ValidationError) as refused:
        update_phase(
            session=session,
            actor=make_actor(session, role=Role.ADMIN),
            phase_id=phase_id,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    assert set(refused.value.field_errors) == {field}
    session.expire_all()
    assert _phase(session, "pemilu2024", "quiet_period").starts_on == date(2024, 2, 11)
    assert _events(session, "calendar_changed") == []


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LIAISON, Role.OBSERVER], ids=str)
def test_only_a_lead_or_admin_may_move_a_phase(session, role):
    quiet = _phase(session, "pemilu2024", "quiet_period")

    with pytest.raises(PermissionDenied):
        update_phase(
            session=session,
            actor=make_actor(session, role=role),
            phase_id=quiet.id,
            starts_on=date(2024, 1, 1),
            ends_on=date(2024, 2, 13),
        )

    session.expire_all()
    assert _phase(session, "pemilu2024", "quiet_period").starts_on == date(2024, 2, 11)


# --- editing the SLA policy ------------------------------------------------------------


def test_an_admin_sets_a_platforms_deadlines_and_new_referrals_use_them(session):
    admin = make_actor(session, role=Role.ADMIN)
    desk = make_desk(session)

    update_platform_sla(
        session=session, actor=admin, platform_code="tiktok", urgent_hours=2, normal_hours=12.5
    )

    case = make_case(session, actor=desk.officer, now=CAMPAIGN_NOW)
    case = advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    assert (case.sla_due_at - case.referred_at).total_seconds() == 12.5 * 3600
    [event] = _events(session, "sla_policy_changed")
    assert (event.actor_id, event.detail["before"], event.detail["after"]) == (
        admin.user_id,
        {"urgent": 4, "normal": 24},
        {"urgent": 2, "normal": 12.5},
    )
    assert verify_chain(session).intact


@pytest.mark.parametrize(
    "role", [Role.LEAD, Role.OFFICER, Role.LIAISON, Role.REGULATOR, Role.OBSERVER], ids=str
)
def test_only_an_admin_may_set_a_platforms_deadlines(session, role):
    with pytest.raises(PermissionDenied):
        update_platform_sla(
            session=session,
            actor=make_actor(session, role=role),
            platform_code="tiktok",
            urgent_hours=48,
            normal_hours=96,
        )

    session.expire_all()
    assert session.get(Platform, "tiktok").sla_urgent_hours == 4


def test_an_admin_account_of_a_platform_may_not_set_its_own_deadlines(session):
    tiktok_operator = session.get(Organisation, session.get(Platform, "tiktok").operator_id)
    platform_admin = make_actor(session, role=Role.ADMIN, organisation=tiktok_operator)

    with pytest.raises(PermissionDenied):
        update_platform_sla(
            session=session,
            actor=platform_admin,
            platform_code="tiktok",
            urgent_hours=700,
            normal_hours=720,
        )


@pytest.mark.parametrize(
    ("urgent", "normal", "fields"),
    [
        (0, 24, {"urgent_hours"}),
        (-4, 24, {"urgent_hours"}),
        (4, 721, {"normal_hours"}),
        (float("nan"), 24, {"urgent_hours"}),
        (4, float("inf"), {"normal_hours"}),
        (0, 0, {"urgent_hours", "normal_hours"}),
    ],
    ids=["zero", "negative", "over-a-month", "not-a-number", "infinite", "both-zero"],
)
def test_deadlines_must_be_between_0_and_720_hours(session, urgent, normal, fields):
    with pytest.raises(ValidationError) as refused:
        update_platform_sla(
            session=session,
            actor=make_actor(session, role=Role.ADMIN),
            platform_code="tiktok",
            urgent_hours=urgent,
            normal_hours=normal,
        )

    assert set(refused.value.field_errors) == fields
    assert _events(session, "sla_policy_changed") == []


def test_deadlines_of_an_unknown_platform_are_refused(session):
    with pytest.raises(ValidationError) as refused:
        update_platform_sla(
            session=session,
            actor=make_actor(session, role=Role.ADMIN),
            platform_code="myspace",
            urgent_hours=4,
            normal_hours=24,
        )

    assert set(refused.value.field_errors) == {"platform"}
    total = session.exec(select(func.count()).select_from(AuditEvent)).one()
    assert total == 0
