"""Statements of reasons: the EU submission passes the DSA Transparency Database's own
rules (tests/dsa_conformance.py), the Indonesian record fails them only where it must,
each mapping follows the DSA guidance, and what cannot go is held back with a reason."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from casework.desk.cases import record_decision
from casework.desk.validation import clean_decision
from casework.desk.workflow import Action
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import translator
from casework.people.actors import Actor
from casework.people.roles import OrgKind, Role
from casework.records.dsa_export import (
    eu_submission,
    eu_submission_zip,
    indonesian_record,
    indonesian_statements,
)
from casework.records.dsa_mappings import Mappings, remove_dsa_mapping, save_dsa_mapping
from casework.records.dsa_statements import (
    DUPLICATE_PUID,
    NO_EU_SCOPE,
    NO_POSTED_AT,
    NO_RESTRICTION,
    UNMAPPED_CATEGORY,
)
from casework.reference.taxonomy import seed_reference_data
from db.engine import begin_write, build_engine
from db.migrate import upgrade_to_head
from db.models import Case, Decision
from tests.conftest import fresh_database_url
from tests.dsa_conformance import check_batch, check_statement
from tests.factories import (
    CAMPAIGN_NOW,
    advance,
    make_actor,
    make_case,
    make_desk,
    removal_decision,
)

A = Action
CIVIC = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"


def _decide(session, desk, decision=None, **case_overrides):
    case_overrides.setdefault("posted_at", CAMPAIGN_NOW - timedelta(days=1))
    case_overrides.setdefault("content_type", "video")
    case = make_case(session, actor=desk.officer, **case_overrides)
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    return record_decision(
        session=session,
        actor=desk.liaison,
        case_id=case.id,
        version=case.version,
        decision=decision or removal_decision(territorial_scope="DE,ID"),
        now=case.updated_at + timedelta(minutes=5),
    )


@pytest.fixture(scope="module")
def reference_session(tmp_path_factory) -> Iterator[Session]:
    """A database with the reference data only, shared by the module's tests that read
    and never write (the checks that refuse before anything is stored)."""
    with fresh_database_url(tmp_path_factory.mktemp("dsa")) as url:
        engine = build_engine(url)
        upgrade_to_head(engine)
        with Session(engine, expire_on_commit=False) as session:
            begin_write(session)
            seed_reference_data(session)
            session.commit()
            yield session
        engine.dispose()


def _supervisory(role: Role) -> Actor:
    """A national office's member, without an account: enough for checks and reads."""
    return Actor(
        user_id=0,
        username="reader",
        display_name="Reader",
        role=role,
        organisation_id=0,
        organisation_kind=OrgKind.SUPERVISORY,
        organisation_name="Bawaslu RI",
    )


def _english(message: str) -> str:
    return translator("en")(message)


# --- the EU submission passes the database's rules -------------------------------------

EU_DECISIONS = [
    dict(decisions=["removed"], territorial_scope="GLOBAL"),
    dict(decisions=["geo_blocked", "labelled"], territorial_scope="ID,NL,FR"),
    dict(
        decisions=["account_suspended", "account_terminated"],
        territorial_scope="DE",
        automated_decision="partially",
    ),
    dict(
        decisions=["monetisation_restricted"],
        territorial_scope="IE",
        monetary_ends_on=date(2024, 3, 1),
    ),
    dict(
        decisions=["account_suspended"],
        territorial_scope="ID,AT",
        account_ends_on=date(2024, 2, 15),
        ground="law",
        legal_reference="UU 7/2017 Pasal 280 ayat (1) huruf c",
        facts="Unggahan 9 Januari 2024, dilaporkan Bawaslu.",
    ),
]


def test_every_statement_of_the_eu_submission_passes_the_databases_rules(session, desk):
    for category, content_type in (
        ("hoax", "video"),
        ("synthetic_media", "image"),
        ("impersonation", "profile"),
    ):
        for values in EU_DECISIONS:
            _decide(
                session,
                desk,
                removal_decision(**values),
                category_code=category,
                content_type=content_type,
            )
    submission = eu_submission(session=session, actor=desk.liaison, platform_code="tiktok")
    assert submission.held_back == []
    assert submission.statement_count == 3 * len(EU_DECISIONS)
    for batch in submission.batches:
        assert check_batch(batch) == []
        for statement in batch["statements"]:
            verdict = check_statement(statement)
            assert verdict.accepted, verdict.errors
            assert verdict.dropped == [], "nothing Pantau sends may be dropped silently"


def test_the_eu_submission_cuts_the_scope_to_the_eu_and_eea(session, desk):
    for values in EU_DECISIONS[:2]:
        _decide(session, desk, removal_decision(**values))
    [batch] = eu_submission(session=session, actor=desk.liaison, platform_code="tiktok").batches
    global_scope, mixed = (s["territorial_scope"] for s in batch["statements"])
    assert len(global_scope) == 30 and "ID" not in global_scope
    assert mixed == ["FR", "NL"]


def test_the_eu_submission_comes_in_batches_of_at_most_a_hundred_unique_puids(session, desk):
    [first] = case_decisions(session, _decide(session, desk))
    copied = {k: getattr(first, k) for k in Decision.model_fields if k not in ("id", "puid")}
    session.add_all(Decision(**copied, puid=f"TT-{n}") for n in range(204))
    session.commit()
    submission = eu_submission(session=session, actor=desk.liaison, platform_code="tiktok")
    assert [len(b["statements"]) for b in submission.batches] == [100, 100, 5]
    puids = [s["puid"] for b in submission.batches for s in b["statements"]]
    assert len(set(puids)) == 205
    assert all(check_batch(b) == [] for b in submission.batches)


def case_decisions(session: Session, case: Case) -> list[Decision]:
    return list(session.exec(select(Decision).where(Decision.case_id == case.id)))


# --- what is held back, and why ----------------------------------------------------------


HELD_BACK = [
    # (what makes the database refuse it, the decision, the case, the reason given)
    ("no action", dict(decisions=["no_action"]), {}, NO_RESTRICTION),
    ("Indonesia only", dict(territorial_scope="ID"), {}, NO_EU_SCOPE),
    ("category without mapping", dict(), {"category_code": "other"}, UNMAPPED_CATEGORY),
    ("no posting time", dict(), {"posted_at": None}, NO_POSTED_AT),
]


def test_a_decision_the_database_would_refuse_is_held_back_with_its_reason(session, desk):
    expected = {}
    for _name, decision, case_overrides, reason in HELD_BACK:
        values = {"territorial_scope": "DE,ID", **decision}
        case = _decide(session, desk, removal_decision(**values), **case_overrides)
        expected[case.reference] = reason
    submission = eu_submission(session=session, actor=desk.liaison, platform_code="tiktok")
    assert submission.batches == []
    given = {h.case_reference: [m for m, _v in h.problems] for h in submission.held_back}
    assert set(given) == set(expected)
    for reference, reason in expected.items():
        assert reason in given[reference]


def test_a_second_decision_with_a_puid_already_used_is_held_back(session, desk):
    _decide(session, desk, removal_decision(territorial_scope="DE", puid="TT-1"))
    other = make_desk(session)  # the same platform, another office
    case = make_case(
        session,
        actor=other.officer,
        posted_at=CAMPAIGN_NOW - timedelta(days=1),
        content_type="video",
    )
    case = advance(session, other, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    generated = f"{case.reference}-D"
    # A platform's PUID may look like one Pantau generates for another decision.
    record_decision(
        session=session,
        actor=other.liaison,
        case_id=case.id,
        version=case.version,
        decision=removal_decision(territorial_scope="DE"),
        now=case.updated_at + timedelta(minutes=5),
    )
    [decision] = case_decisions(session, case)
    _decide(
        session, desk, removal_decision(territorial_scope="DE", puid=f"{generated}{decision.id}")
    )
    submission = eu_submission(session=session, actor=desk.officer, platform_code="tiktok")
    assert submission.statement_count == 2
    [held] = submission.held_back
    assert held.problems == [(DUPLICATE_PUID, {})]


def test_the_zip_holds_post_ready_batches_and_a_translated_report(session, desk):
    _decide(session, desk, removal_decision(territorial_scope="DE"))
    _decide(session, desk, removal_decision(decisions=["no_action"]))
    data = eu_submission_zip(
        session=session, actor=desk.liaison, platform_code="tiktok", gettext=translator("en")
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["held-back.csv", "statements-001.json"]
        batch = json.loads(archive.read("statements-001.json"))
        rows = list(csv.reader(io.StringIO(archive.read("held-back.csv").decode("utf-8-sig"))))
    assert check_batch(batch) == []
    assert rows[0][0] == "Case number"
    assert _english(NO_RESTRICTION) in rows[1][3]


def test_an_observer_may_export_neither(session, desk):
    observer = make_actor(session, role=Role.OBSERVER)
    with pytest.raises(PermissionDenied):
        eu_submission(session=session, actor=observer, platform_code="tiktok")
    with pytest.raises(PermissionDenied):
        indonesian_record(session=session, actor=observer, gettext=translator("en"))


# --- the Indonesian record ---------------------------------------------------------------


def test_the_indonesian_record_says_it_is_not_for_submission(session, desk):
    _decide(session, desk, removal_decision(territorial_scope="ID"))
    document = json.loads(
        indonesian_record(session=session, actor=desk.officer, gettext=translator("en"))
    )
    assert document["header"]["not_for_submission"] is True
    assert "not for submission" in document["header"]["note"]
    [statement] = document["statements"]
    assert statement["territorial_scope"] == ["ID"]
    assert statement["platform_name"] == "TikTok"


def test_the_indonesian_record_fails_the_rules_only_on_scope_and_no_action(session, desk):
    """Expected: Indonesia is not an EU/EEA country, and the database has no 'no action'.
    Nothing else in the record may break the database's rules."""
    _decide(session, desk, removal_decision(territorial_scope="ID"))
    _decide(session, desk, removal_decision(decisions=["no_action"], territorial_scope="ID"))
    _decide(session, desk, removal_decision(territorial_scope="DE"))
    verdicts = [
        check_statement(s) for s in indonesian_statements(session=session, actor=desk.officer)
    ]
    assert [v.failed_rules for v in verdicts] == [
        {"territorial_scope"},
        {"territorial_scope", "no restriction"},
        set(),
    ]


def test_an_end_date_goes_with_its_restriction(session, desk):
    _decide(
        session,
        desk,
        removal_decision(
            decisions=["removed", "account_suspended"],
            territorial_scope="DE",
            account_ends_on=date(2024, 2, 10),
        ),
    )
    [batch] = eu_submission(session=session, actor=desk.liaison, platform_code="tiktok").batches
    [statement] = batch["statements"]
    assert statement["end_date_account_restriction"] == "2024-02-10"
    assert "end_date_visibility_restriction" not in statement


# --- the mappings are data an admin extends ----------------------------------------------


def test_an_admin_maps_a_category_and_its_decisions_go_to_the_eu(session, desk):
    admin = make_actor(session, role=Role.ADMIN)
    _decide(session, desk, removal_decision(territorial_scope="DE"), category_code="other")
    assert eu_submission(session=session, actor=desk.liaison, platform_code="tiktok").held_back
    save_dsa_mapping(
        session=session,
        actor=admin,
        kind="category",
        code="other",
        dsa_value="STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        additions=["KEYWORD_OTHER"],
    )
    submission = eu_submission(session=session, actor=desk.liaison, platform_code="tiktok")
    assert submission.held_back == []
    [statement] = submission.batches[0]["statements"]
    assert statement["category"] == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    remove_dsa_mapping(session=session, actor=admin, kind="category", code="hoax")
    assert Mappings.load(session).get("category", "hoax") is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (dict(kind="category", code="hoax", dsa_value="DECISION_ACCOUNT_SUSPENDED"), "dsa_value"),
        (
            dict(kind="decision_type", code="no_action", dsa_value="DECISION_MONETARY_OTHER"),
            "other_text",
        ),
        (dict(kind="category", code="nope", dsa_value=CIVIC), "code"),
        (
            dict(kind="category", code="hoax", dsa_value=CIVIC, additions=["KEYWORD_ELECTIONS"]),
            "additions",
        ),
    ],
)
def test_a_mapping_to_a_value_the_dsa_lacks_is_refused(reference_session, values, field):
    with pytest.raises(ValidationError) as refused:
        save_dsa_mapping(session=reference_session, actor=_supervisory(Role.ADMIN), **values)
    assert field in refused.value.field_errors


def test_only_an_admin_edits_the_mappings(reference_session):
    with pytest.raises(PermissionDenied):
        save_dsa_mapping(
            session=reference_session,
            actor=_supervisory(Role.LEAD),
            kind="category",
            code="other",
            dsa_value=CIVIC,
        )


# --- the decision form's rules ----------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (dict(explanation=""), "explanation"),
        (dict(explanation="x" * 2001, territorial_scope="ID,DE"), "explanation"),
        (dict(explanation="x" * 2001, territorial_scope="GLOBAL"), "explanation"),
        (dict(facts="x" * 5001, territorial_scope="NL"), "facts"),
        (dict(territorial_scope="ID,XX"), "territorial_scope"),
        (dict(territorial_scope=""), "territorial_scope"),
        (dict(decisions=["removed"], account_ends_on=date(2024, 2, 1)), "account_ends_on"),
        (dict(automated_decision="maybe"), "automated_decision"),
        (dict(puid="has space"), "puid"),
    ],
)
def test_a_decision_that_breaks_the_dsa_limits_is_refused_with_its_field(
    reference_session, values, field
):
    with pytest.raises(ValidationError) as refused:
        clean_decision(reference_session, removal_decision(**values))
    assert field in refused.value.field_errors


def test_a_long_explanation_is_kept_when_the_decision_never_goes_to_the_eu(session, desk):
    _decide(session, desk, removal_decision(explanation="x" * 2001, territorial_scope="ID"))
    [statement] = indonesian_statements(session=session, actor=desk.officer)
    assert len(statement["incompatible_content_explanation"]) == 2001


def test_the_scope_is_stored_sorted_and_global_alone(session, desk):
    for scope, stored in (("nl, id ,DE", "DE,ID,NL"), ("ID,GLOBAL", "GLOBAL")):
        case = _decide(session, desk, removal_decision(territorial_scope=scope))
        [decision] = case_decisions(session, case)
        assert decision.territorial_scope == stored


# --- the demo database -------------------------------------------------------------------


def _national_officer() -> Actor:
    return _supervisory(Role.OFFICER)


def test_the_demo_databases_eu_submissions_pass_and_are_not_empty(demo_cases_database):
    _url, engine = demo_cases_database
    with Session(engine) as session:
        platforms = ("tiktok", "facebook", "instagram", "threads", "youtube", "x", "telegram")
        submissions = [
            eu_submission(session=session, actor=_national_officer(), platform_code=code)
            for code in platforms
        ]
    assert all(s.statement_count > 0 for s in submissions if s.platform_code == "tiktok")
    assert sum(s.statement_count for s in submissions) > 0
    for submission in submissions:
        for batch in submission.batches:
            assert check_batch(batch) == []
            for statement in batch["statements"]:
                assert check_statement(statement).dropped == []
    held = [message for s in submissions for h in s.held_back for message, _v in h.problems]
    assert NO_RESTRICTION in held and NO_EU_SCOPE in held


def test_the_demo_databases_indonesian_record_fails_only_on_scope_and_no_action(
    demo_cases_database,
):
    """Expected failures: Indonesian scope, and 'no action'. A decision on a case whose
    category has no DSA mapping (the demo's "other") also lacks its category, and says
    which Pantau code it is; nothing else may fail."""
    _url, engine = demo_cases_database
    with Session(engine) as session:
        statements = list(indonesian_statements(session=session, actor=_national_officer()))
    assert statements
    seen = set()
    for statement in statements:
        failed = check_statement(statement).failed_rules
        if "pantau_category" in statement:
            assert statement["pantau_category"] == "other"
            failed -= {"category"}
        assert failed <= {"territorial_scope", "no restriction"}, (statement["puid"], failed)
        seen |= failed
    assert seen == {"territorial_scope", "no restriction"}
