"""Law, elections and places as Bawaslu uses them (issue 19): legal grounds per regime
and account owner's kind, elections added as data with their regions, each case read
and shown in its own time zone, and regions found by their other names."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from casework.errors import PermissionDenied, ValidationError
from casework.i18n import format_in_zones
from casework.intake.imports.checking import _key, _Lookups
from casework.people.roles import Role
from casework.reference.elections import PhaseIn, add_election, load_calendar, save_phase_type
from casework.reference.legal_grounds import (
    save_legal_ground,
    suggestions,
    suggestions_for_case,
)
from casework.reference.places import ALIAS_FILE, office_time_zone, resolve_region
from casework.reference.seed_taxonomy import LEGAL_GROUNDS
from db.models import AuditEvent, LegalGround, Region
from tests.factories import make_actor, make_case, make_organisation, make_user

AFTER_THE_2024_ELECTIONS = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)


def _citations(rows) -> list[str]:
    return [g.citation for g in rows]


# --- legal grounds ---------------------------------------------------------------------


def test_a_pemilu_hoax_by_a_candidate_cites_uu_7_2017_ite_and_the_takedown_ground(session):
    cited = _citations(suggestions(session, "hoax", "pemilu", "candidate"))

    assert cited == [
        "Pasal 280 ayat (1) huruf c dan d jo. Pasal 521 UU 7/2017",
        "Pasal 28 ayat (3) jo. Pasal 45A ayat (3) UU ITE",
        "Pasal 9 ayat (4) huruf b Permenkominfo 5/2020 jo. Pasal 96 PP 71/2019",
    ]


def test_a_pilkada_hoax_cites_uu_1_2015_and_never_uu_7_2017(session):
    cited = _citations(suggestions(session, "hoax", "pilkada", "candidate"))

    assert "Pasal 69 huruf c UU 1/2015" in cited
    assert not [c for c in cited if "UU 7/2017" in c]


def test_pasal_280_is_not_offered_for_a_buzzer_or_an_ordinary_user(session):
    for account_class in ("buzzer", "ordinary", None):
        cited = _citations(suggestions(session, "hate_speech", "pemilu", account_class))

        assert cited == [
            "Pasal 28 ayat (2) jo. Pasal 45A ayat (2) UU ITE",
            "Pasal 9 ayat (4) Permenkominfo 5/2020 jo. Pasal 96 PP 71/2019",
        ]


def test_an_asn_post_cites_the_neutrality_articles_and_the_asn_law(session):
    cited = _citations(suggestions(session, "neutrality_breach", "pemilu", "state_apparatus"))

    assert "Pasal 283 UU 7/2017" in cited
    assert "Pasal 9 ayat (2) dan Pasal 24 ayat (1) huruf d UU 20/2023" in cited
    assert "Pasal 282 jo. Pasal 490 UU 7/2017" not in cited  # the village head's


def test_the_citations_the_review_found_wrong_are_gone(session):
    rows = list(session.exec(select(LegalGround)))
    by_category = {}
    for row in rows:
        by_category.setdefault(row.category_code, []).append(row.citation)

    assert not [r.citation for r in rows if "UU 1/2024" in r.citation]
    assert not [c for c in by_category["out_of_schedule"] if "278 ayat (2)" in c]
    assert not [c for c in by_category["paid_political_ad"] if "Pasal 37" in c]
    assert not [c for c in by_category["hoax"] if c.startswith("Pasal 280 ayat (1) huruf d")]
    assert "Pasal 35 jo. Pasal 51 ayat (1) UU ITE" in by_category["synthetic_media"]
    assert "Pasal 287 ayat (5) UU 7/2017" in by_category["out_of_schedule"]


def test_every_category_that_goes_to_komdigi_carries_the_takedown_ground(session):
    seeded = {row[0] for row in LEGAL_GROUNDS}
    takedown = {r.category_code for r in session.exec(select(LegalGround)) if r.takedown}

    assert takedown >= {"hoax", "hate_speech", "synthetic_media", "campaign_account"}
    # Partisanship by election officials goes to DKPP, not to a platform.
    assert "official_partisanship" not in takedown
    assert "official_partisanship" in seeded


def test_the_form_offers_the_grounds_of_the_election_held_on_that_day_there(session):
    pilkada_campaign = suggestions_for_case(
        session,
        category_code="vote_buying",
        account_class="ordinary",
        province_code="73",
        regency_code=None,
        day=date(2024, 11, 1),
    )
    pemilu_campaign = suggestions_for_case(
        session,
        category_code="vote_buying",
        account_class="ordinary",
        province_code="73",
        regency_code=None,
        day=date(2024, 1, 20),
    )

    assert "Pasal 73 jo. Pasal 187A UU 1/2015" in _citations(pilkada_campaign)
    assert "Pasal 515 UU 7/2017" not in _citations(pilkada_campaign)
    assert "Pasal 515 UU 7/2017" in _citations(pemilu_campaign)


def test_a_case_keeps_several_grounds_in_bawaslus_citation_style(session):
    case = make_case(
        session,
        legal_grounds=[
            "Pasal 280 ayat (1) huruf c jo. Pasal 521 UU 7/2017",
            "  Pasal 28 ayat (2) jo. Pasal 45A ayat (2) UU ITE ",
            "Pasal 280 ayat (1) huruf c jo. Pasal 521 UU 7/2017",
        ],
        legal_ground="Pasal 9 ayat (4) Permenkominfo 5/2020 jo. Pasal 96 PP 71/2019",
    )

    assert case.legal_ground == (
        "Pasal 280 ayat (1) huruf c jo. Pasal 521 UU 7/2017; "
        "Pasal 28 ayat (2) jo. Pasal 45A ayat (2) UU ITE; "
        "Pasal 9 ayat (4) Permenkominfo 5/2020 jo. Pasal 96 PP 71/2019"
    )


def test_a_change_to_a_ground_bumps_its_version_keeps_its_note_and_is_audited(session):
    admin = make_actor(session, role=Role.ADMIN)
    ground = session.exec(
        select(LegalGround).where(
            LegalGround.category_code == "threat_officials",
            LegalGround.citation == "Pasal 29 UU ITE",
        )
    ).one()

    changed = save_legal_ground(
        session=session,
        actor=admin,
        ground_id=ground.id,
        category_code="threat_officials",
        regime="other",
        citation="Pasal 29 jo. Pasal 45B UU ITE",
        account_classes=[],
        note=ground.note,
        change_note="Sanksi ditambahkan setelah kajian divisi hukum.",
    )

    assert (changed.version, changed.citation) == (2, "Pasal 29 jo. Pasal 45B UU ITE")
    [event] = session.exec(
        select(AuditEvent).where(AuditEvent.action == "legal_ground_changed")
    ).all()
    assert event.detail["before"]["citation"] == "Pasal 29 UU ITE"
    assert event.detail["note"] == "Sanksi ditambahkan setelah kajian divisi hukum."


def test_a_change_without_a_note_or_with_an_unknown_class_is_refused(session):
    admin = make_actor(session, role=Role.ADMIN)
    ground = session.exec(select(LegalGround).where(LegalGround.category_code == "sara")).first()

    with pytest.raises(ValidationError) as refused:
        save_legal_ground(
            session=session,
            actor=admin,
            ground_id=ground.id,
            category_code="sara",
            regime="pilkada",
            citation=ground.citation,
            account_classes=["alien"],
        )

    assert set(refused.value.field_errors) == {"change_note", "account_classes"}


def test_an_officer_may_not_change_a_ground(session):
    with pytest.raises(PermissionDenied):
        save_legal_ground(
            session=session,
            actor=make_actor(session, role=Role.OFFICER),
            ground_id=None,
            category_code="sara",
            regime="other",
            citation="Pasal 156a KUHP",
            account_classes=[],
        )


# --- elections as data -----------------------------------------------------------------


def _add_psu(session, actor=None, **overrides):
    values = dict(
        code="psu2025_7371",
        name="PSU Kota Makassar 2025",
        kind="psu",
        legal_regime="pilkada",
        voting_day=date(2025, 6, 7),
        region_codes=["73.71"],
        phases=[
            PhaseIn("campaign", date(2025, 5, 25), date(2025, 6, 3)),
            PhaseIn("quiet_period", date(2025, 6, 4), date(2025, 6, 6)),
            PhaseIn("revote", date(2025, 6, 7), date(2025, 6, 7)),
        ],
    )
    values.update(overrides)
    return add_election(
        session=session, actor=actor or make_actor(session, role=Role.ADMIN), **values
    )


def test_a_re_vote_drives_phase_and_priority_in_its_region_only(session):
    _add_psu(session)
    quiet = datetime(2025, 6, 5, 2, 0, tzinfo=UTC)  # 5 June, 10.00 WITA

    makassar = make_case(
        session, province_code="73", regency_code="73.71", posted_at=quiet, now=quiet
    )
    gowa = make_case(session, province_code="73", regency_code="73.06", posted_at=quiet, now=quiet)

    assert (makassar.election_code, makassar.phase, makassar.priority) == (
        "psu2025_7371",
        "quiet_period",
        "urgent",
    )
    assert (gowa.election_code, gowa.phase, gowa.priority) == (None, None, "normal")


def test_a_bad_election_is_refused_with_every_bad_field_and_nothing_is_saved(session):
    with pytest.raises(ValidationError) as refused:
        _add_psu(
            session,
            code="PSU 2025!",
            name=" ",
            kind="referendum",
            region_codes=["99.99"],
            phases=[PhaseIn("campaign", date(2025, 6, 3), date(2025, 5, 25))],
        )

    assert set(refused.value.field_errors) == {"code", "name", "kind", "region_codes", "phases"}
    assert load_calendar(session).elections.keys() == {"pemilu2024", "pilkada2024"}


def test_an_officer_may_not_add_an_election(session):
    with pytest.raises(PermissionDenied):
        _add_psu(session, actor=make_actor(session, role=Role.OFFICER))


def test_a_new_urgent_phase_type_makes_content_posted_in_it_urgent(session):
    admin = make_actor(session, role=Role.ADMIN)
    save_phase_type(
        session=session,
        actor=admin,
        code="counting",
        label_id="Penghitungan suara",
        label_en="Vote counting",
        urgent=True,
    )
    _add_psu(
        session,
        actor=admin,
        region_codes=[],
        code="pemilu2029",
        kind="pemilu",
        legal_regime="pemilu",
        phases=[PhaseIn("counting", date(2029, 4, 18), date(2029, 4, 19))],
    )
    posted = datetime(2029, 4, 18, 6, 0, tzinfo=UTC)

    case = make_case(session, posted_at=posted, now=posted)

    assert (case.phase, case.priority) == ("counting", "urgent")


def test_the_campaign_ad_window_is_a_phase_of_both_2024_calendars(session):
    calendar = load_calendar(session)
    windows = {(w.election_code, w.phase): (w.starts_on, w.ends_on) for w in calendar.windows}

    assert windows[("pemilu2024", "campaign_ads")] == (date(2024, 1, 21), date(2024, 2, 10))
    assert windows[("pilkada2024", "campaign_ads")] == (date(2024, 11, 10), date(2024, 11, 23))
    assert calendar.elections["pilkada2024"].legal_regime == "pilkada"


# --- time zones ------------------------------------------------------------------------


def test_a_makassar_post_at_23_30_wita_on_10_february_is_campaign_not_quiet_period(session):
    officer = make_actor(session, role=Role.OFFICER, region_code="73")
    filed = datetime(2024, 2, 11, 1, 0, tzinfo=UTC)

    case = make_case(
        session,
        actor=officer,
        province_code="73",
        regency_code="73.71",
        posted_at=datetime(2024, 2, 10, 23, 30),  # as typed on the form: WITA
        now=filed,
    )

    assert case.posted_at == datetime(2024, 2, 10, 15, 30, tzinfo=UTC)
    assert (case.election_code, case.phase, case.priority) == (
        "pemilu2024",
        "campaign_ads",
        "normal",
    )
    shown = format_in_zones(
        case.posted_at, language="id", own_zone="Asia/Makassar", viewer_zone="Asia/Jakarta"
    )
    assert shown == "10 Feb 2024 23.30 WITA (10 Feb 2024 22.30 WIB)"


def test_a_jayapura_post_at_01_30_wit_on_11_february_is_quiet_period_and_urgent(session):
    filed = datetime(2024, 2, 11, 1, 0, tzinfo=UTC)

    case = make_case(
        session,
        province_code="91",
        regency_code="91.71",
        posted_at=datetime(2024, 2, 11, 1, 30),  # WIT: still 10 February in Jakarta
        now=filed,
    )

    assert case.posted_at == datetime(2024, 2, 10, 16, 30, tzinfo=UTC)
    assert (case.phase, case.priority) == ("quiet_period", "urgent")
    assert format_in_zones(
        case.posted_at, language="id", own_zone="Asia/Jayapura", viewer_zone="Asia/Jakarta"
    ) == ("11 Feb 2024 01.30 WIT (10 Feb 2024 23.30 WIB)")
    assert format_in_zones(
        case.posted_at, language="id", own_zone="Asia/Jayapura", viewer_zone="Asia/Jayapura"
    ) == ("11 Feb 2024 01.30 WIT")


def test_the_case_page_shows_the_cases_own_zone_and_its_phase_label(session):
    from casework.desk.case_view import load_case_view

    officer = make_actor(session, role=Role.OFFICER)
    case = make_case(
        session,
        actor=officer,
        province_code="91",
        regency_code="91.71",
        posted_at=datetime(2024, 2, 11, 1, 30),
        now=datetime(2024, 2, 11, 1, 0, tzinfo=UTC),
    )

    view = load_case_view(session=session, actor=officer, case_id=case.id, language="id")

    assert (view.time_zone, view.phase_label) == ("Asia/Jayapura", "Masa tenang")


def test_a_new_account_starts_in_its_offices_zone(session):
    from casework.admin import invite_user
    from casework.desk.schemas import InvitationIn
    from casework.settings import get_settings

    admin = make_actor(session, role=Role.ADMIN)
    office = make_organisation(session, name="Bawaslu Provinsi Papua", region_code="91")

    user = invite_user(
        session=session,
        actor=admin,
        settings=get_settings(),
        invitation=InvitationIn(
            username="petugas.papua",
            display_name="Petugas Papua",
            role="officer",
            organisation_id=office.id,
            temporary_password="kata-sandi-sementara-123",
        ),
    )

    assert user.time_zone == "Asia/Jayapura"
    assert office_time_zone(session, "73.71") == "Asia/Makassar"
    assert office_time_zone(session, None) == "Asia/Jakarta"
    assert make_user(session).time_zone == "Asia/Jakarta"


# --- places ----------------------------------------------------------------------------


def _aliases() -> list[dict[str, str]]:
    with ALIAS_FILE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_alias_resolves_on_import_in_the_api_and_in_links(session):
    lookups = _Lookups.load(session)
    misses = []
    for row in _aliases():
        alias, code = row["alias"], row["region_code"]
        if "." in code:
            found = lookups.regency(None, alias), lookups.regency(code.split(".")[0], alias)
        else:
            found = lookups.provinces.get(_key(alias)), lookups.provinces.get(_key(alias))
        level = "regency" if "." in code else "province"
        if found != (code, code) or resolve_region(session, alias, level=level) != code:
            misses.append((alias, code, found))

    assert not misses
    assert len(_aliases()) > 100


@pytest.mark.parametrize(
    ("province", "regency", "expected"),
    [
        ("DKI Jakarta", "Jakarta Selatan", "31.74"),
        ("Jakarta", "Kepulauan Seribu", "31.01"),
        ("Sumut", "Toba Samosir", "12.12"),
        ("Sulbar", "Mamuju Utara", "76.01"),
        ("ID-MA", "Maluku Tenggara Barat", "81.03"),
        ("Kalteng", "Palangkaraya", "62.71"),
        ("Sultra", "Kota Bau-Bau", "74.72"),
    ],
)
def test_an_imported_row_finds_its_region_by_an_alias_or_a_former_name(
    session, province, regency, expected
):
    lookups = _Lookups.load(session)
    code = lookups.provinces.get(_key(province))

    assert lookups.regency(code, regency) == expected


def test_the_official_spellings_are_shown(session):
    names = {code: session.get(Region, code).name for code in ("62.71", "74.72", "92.03")}

    assert names == {
        "62.71": "Kota Palangka Raya",
        "74.72": "Kota Baubau",
        "92.03": "Kabupaten Fakfak",
    }


def test_an_imported_makassar_row_is_read_in_wita_and_its_jakarta_city_found(session):
    from casework.intake.imports import commit_import, parse_upload, validate_rows
    from tests.services.test_imports import csv_file, row

    officer = make_actor(session, role=Role.OFFICER)
    filed = datetime(2024, 2, 11, 1, 0, tzinfo=UTC)
    sheet = parse_upload(
        "patroli.csv",
        csv_file(
            [
                row(province="Sulsel", regency="Makassar", posted_at="10/02/2024 23:30"),
                row(
                    province="DKI Jakarta", regency="Jakarta Selatan", posted_at="10/02/2024 23:30"
                ),
            ]
        ),
    )
    plan = validate_rows(session=session, actor=officer, sheet=sheet, now=filed)
    assert not [p for p in plan.problems if p.blocking]

    commit_import(
        session=session,
        actor=officer,
        plan=plan,
        file_name="patroli.csv",
        file_sha256=sheet.sha256,
        now=filed,
    )

    from db.models import Case

    cases = {c.regency_code: c for c in session.exec(select(Case))}
    makassar, jaksel = cases["73.71"], cases["31.74"]
    assert makassar.posted_at == datetime(2024, 2, 10, 15, 30, tzinfo=UTC)
    assert (makassar.phase, makassar.priority) == ("campaign_ads", "normal")
    assert jaksel.posted_at == datetime(2024, 2, 10, 16, 30, tzinfo=UTC)


def test_a_bps_coded_province_file_is_refused_and_an_old_one_is_a_warning(tmp_path):
    from casework.analytics.provinces import BPS_CODED, TOO_FEW, read_province_geojson

    def features(codes):
        return (
            '{"type": "FeatureCollection", "features": ['
            + ",".join(
                f'{{"type": "Feature", "properties": {{"KODE_PROV": "{c}"}}, "geometry": null}}'
                for c in codes
            )
            + "]}"
        )

    bps = tmp_path / "bps.geojson"
    bps.write_text(features(["91", "94", "97"]))
    old = tmp_path / "old.geojson"
    old.write_text(features(["11", "12", "91", "92"]))

    refused, partial = read_province_geojson(bps), read_province_geojson(old)

    assert (refused.geojson, refused.problem) == (None, BPS_CODED)
    assert (partial.problem, partial.count) == (TOO_FEW, 4)
    assert [f["id"] for f in partial.geojson["features"]] == ["11", "12", "91", "92"]
