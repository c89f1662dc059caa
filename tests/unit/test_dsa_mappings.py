"""Each mapping of Pantau's codes to DSA values, as the Commission's guidance has it,
read from the seeded mapping table (no database: the seed rows themselves), and the
reading of an inbound statement of reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casework.errors import ValidationError
from casework.records.dsa_inbound import decision_from_statement
from casework.records.dsa_mappings import Mappings
from casework.records.dsa_statements import build_statement
from casework.reference.seed_taxonomy import DSA_MAPPINGS, province_time_zone
from db.models import Case, Decision, DsaMapping

CIVIC = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
SEEDED = Mappings(
    [
        DsaMapping(kind=k, code=c, dsa_value=v, other_text=o, additions=list(a))
        for k, c, v, o, a in DSA_MAPPINGS
    ]
)


def _statement(*, decisions=("removed",), issued_by="platform", **case_values):
    case_fields = dict(
        reference="PAN-2024-000001",
        category_code="hoax",
        content_type="video",
        source="own_patrol",
        posted_at=datetime(2024, 1, 9, 2, 0, tzinfo=UTC),
        province_code="31",
        legal_ground=None,
        reporting_organisation_id=1,
    )
    case_fields.update(case_values)
    decision = Decision(
        id=7,
        case_id=1,
        issued_by=issued_by,
        decisions=list(decisions),
        ground="terms",
        policy_reference="Community Guidelines",
        explanation="Alasan.",
        territorial_scope="DE",
        decided_at=datetime(2024, 1, 10, 3, 0, tzinfo=UTC),
    )
    built = build_statement(
        decision,
        Case(**case_fields),
        mappings=SEEDED,
        zone="Asia/Jakarta",
        source_identity="Bawaslu RI",
    )
    return built.statement


@pytest.mark.parametrize(
    ("decisions", "field", "expected"),
    [
        (["removed"], "decision_visibility", ["DECISION_VISIBILITY_CONTENT_REMOVED"]),
        (["geo_blocked"], "decision_visibility", ["DECISION_VISIBILITY_CONTENT_DISABLED"]),
        (["visibility_reduced"], "decision_visibility", ["DECISION_VISIBILITY_CONTENT_DEMOTED"]),
        (["age_restricted"], "decision_visibility", ["DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED"]),
        (["labelled"], "decision_visibility", ["DECISION_VISIBILITY_CONTENT_LABELLED"]),
        (["account_suspended"], "decision_account", "DECISION_ACCOUNT_SUSPENDED"),
        (["account_terminated"], "decision_account", "DECISION_ACCOUNT_TERMINATED"),
        # Termination wins over suspension, whichever was recorded first.
        (
            ["account_suspended", "account_terminated"],
            "decision_account",
            "DECISION_ACCOUNT_TERMINATED",
        ),
        (
            ["account_terminated", "account_suspended"],
            "decision_account",
            "DECISION_ACCOUNT_TERMINATED",
        ),
        # Demonetising content is not a suspension of payments.
        (["monetisation_restricted"], "decision_monetary", "DECISION_MONETARY_OTHER"),
        (["monetisation_restricted"], "decision_monetary_other", "Demonetisation of the content"),
        (
            ["removed", "account_suspended"],
            "decision_visibility",
            ["DECISION_VISIBILITY_CONTENT_REMOVED"],
        ),
    ],
)
def test_each_decision_type_maps_to_its_dsa_restriction(decisions, field, expected):
    assert _statement(decisions=decisions)[field] == expected


@pytest.mark.parametrize(
    ("source", "source_type", "identity"),
    [
        ("own_patrol", "SOURCE_TYPE_OTHER_NOTIFICATION", "Bawaslu RI"),
        ("public_complaint", "SOURCE_TYPE_OTHER_NOTIFICATION", "Bawaslu RI"),
        ("partner", "SOURCE_TYPE_OTHER_NOTIFICATION", "Bawaslu RI"),
        ("regulator", "SOURCE_TYPE_OTHER_NOTIFICATION", "Bawaslu RI"),
        ("platform_detection", "SOURCE_VOLUNTARY", None),
    ],
)
def test_an_authoritys_referral_is_an_other_notification_not_a_trusted_flagger(
    source, source_type, identity
):
    statement = _statement(source=source)
    assert statement["source_type"] == source_type
    assert statement.get("source_identity") == identity


@pytest.mark.parametrize(
    ("category", "dsa_category", "keywords", "content_types"),
    [
        ("hoax", CIVIC, ["KEYWORD_MISINFORMATION_DISINFORMATION"], ["CONTENT_TYPE_VIDEO"]),
        ("vote_buying", CIVIC, ["KEYWORD_VIOLATION_NATIONAL_LAW"], ["CONTENT_TYPE_VIDEO"]),
        ("neutrality_breach", CIVIC, ["KEYWORD_VIOLATION_NATIONAL_LAW"], ["CONTENT_TYPE_VIDEO"]),
        ("out_of_schedule", CIVIC, ["KEYWORD_VIOLATION_NATIONAL_LAW"], ["CONTENT_TYPE_VIDEO"]),
        ("paid_political_ad", CIVIC, ["KEYWORD_VIOLATION_NATIONAL_LAW"], ["CONTENT_TYPE_VIDEO"]),
        (
            "hate_speech",
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
            ["KEYWORD_HATE_SPEECH"],
            ["CONTENT_TYPE_VIDEO"],
        ),
        (
            "sara",
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
            ["KEYWORD_HATE_SPEECH"],
            ["CONTENT_TYPE_VIDEO"],
        ),
        (
            "black_campaign",
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
            ["KEYWORD_DEFAMATION"],
            ["CONTENT_TYPE_VIDEO"],
        ),
        (
            "impersonation",
            "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
            ["KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING", "KEYWORD_INAUTHENTIC_ACCOUNTS"],
            ["CONTENT_TYPE_VIDEO"],
        ),
        (
            "synthetic_media",
            CIVIC,
            ["KEYWORD_MISINFORMATION_DISINFORMATION"],
            ["CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_VIDEO"],
        ),
        (
            "threat_officials",
            "STATEMENT_CATEGORY_VIOLENCE",
            ["KEYWORD_INCITEMENT_VIOLENCE_HATRED"],
            ["CONTENT_TYPE_VIDEO"],
        ),
    ],
)
def test_each_category_maps_to_its_dsa_category_keywords_and_content_types(
    category, dsa_category, keywords, content_types
):
    statement = _statement(category_code=category)
    assert statement["category"] == dsa_category
    assert statement["category_specification"] == keywords
    assert statement["content_type"] == content_types


@pytest.mark.parametrize(
    ("content_type", "dsa", "other"),
    [
        ("video", "CONTENT_TYPE_VIDEO", None),
        ("live", "CONTENT_TYPE_VIDEO", None),
        ("image", "CONTENT_TYPE_IMAGE", None),
        ("text", "CONTENT_TYPE_TEXT", None),
        ("comment", "CONTENT_TYPE_TEXT", None),
        ("ad", "CONTENT_TYPE_OTHER", "Advertisement"),
        ("profile", "CONTENT_TYPE_OTHER", "Account profile"),
    ],
)
def test_each_content_type_maps_to_its_dsa_content_type(content_type, dsa, other):
    statement = _statement(content_type=content_type)
    assert statement["content_type"] == [dsa]
    assert statement.get("content_type_other") == other


@pytest.mark.parametrize(
    ("province", "posted_at", "decided_at", "content_date", "application_date"),
    [
        # 17:30 UTC is already the next day in Jakarta (UTC+7)…
        ("31", "2024-01-08T17:30", "2024-01-10T03:00", "2024-01-09", "2024-01-10"),
        # …and 16:30 UTC in Jayapura (UTC+9); 15:30 UTC is still the same day in WITA.
        ("91", "2024-01-08T16:30", "2024-01-09T15:30", "2024-01-09", "2024-01-10"),
        ("51", "2024-01-08T15:30", "2024-01-09T16:30", "2024-01-08", "2024-01-10"),
    ],
)
def test_dates_are_the_days_of_the_cases_own_zone(
    province, posted_at, decided_at, content_date, application_date
):
    case = Case(
        reference="PAN-2024-000001",
        category_code="hoax",
        content_type="video",
        source="own_patrol",
        province_code=province,
        posted_at=datetime.fromisoformat(posted_at).replace(tzinfo=UTC),
    )
    decision = Decision(
        id=1,
        decisions=["removed"],
        ground="terms",
        policy_reference="CG",
        explanation="x",
        territorial_scope="DE",
        decided_at=datetime.fromisoformat(decided_at).replace(tzinfo=UTC),
    )
    statement = build_statement(
        decision, case, mappings=SEEDED, zone=province_time_zone(province)
    ).statement
    assert (statement["content_date"], statement["application_date"]) == (
        content_date,
        application_date,
    )


# --- reading an inbound statement -------------------------------------------------------

NOW = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
STATEMENT = {
    "puid": "tt-1",
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "Community Guidelines",
    "incompatible_content_explanation": "False claims about ballots.",
    "decision_facts": "Reported by Bawaslu.",
    "territorial_scope": ["DE", "NL"],
    "automated_detection": "No",
    "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
    "application_date": "2024-01-09",
}


def _read(**change):
    return decision_from_statement(
        {**STATEMENT, **change}, mappings=SEEDED, zone="Asia/Jakarta", now=NOW
    )


def test_a_statement_reads_as_pantaus_decision():
    decision = _read(
        decision_account="DECISION_ACCOUNT_SUSPENDED", end_date_account_restriction="2024-02-01"
    )
    assert decision.decisions == ["removed", "account_suspended"]
    assert (decision.ground, decision.policy_reference) == ("terms", "Community Guidelines")
    assert decision.explanation == "False claims about ballots."
    assert decision.facts == "Reported by Bawaslu."
    assert decision.territorial_scope == "DE,NL"
    assert decision.automated_decision == "partially"
    assert decision.account_ends_on == date(2024, 2, 1)
    assert decision.puid == "tt-1"
    # A past application date is noon of that day in the case's zone; today's is now.
    assert decision.decided_at == datetime(2024, 1, 9, 5, 0, tzinfo=UTC)
    assert _read(application_date="2024-01-10").decided_at == NOW


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"decision_provision": "DECISION_PROVISION_TOTAL_SUSPENSION"}, "decision_provision"),
        ({"decision_visibility": ["DECISION_VISIBILITY_CONTENT_HIDDEN"]}, "decision_visibility"),
        ({"decision_visibility": []}, "decision_visibility"),
        ({"decision_monetary": ["DECISION_MONETARY_OTHER"]}, "decision_monetary"),
        ({"decision_ground": "DECISION_GROUND_BOTH"}, "decision_ground"),
        ({"incompatible_content_ground": ""}, "incompatible_content_ground"),
        ({"incompatible_content_explanation": ""}, "incompatible_content_explanation"),
        ({"territorial_scope": ["DE", "XX"]}, "territorial_scope"),
        ({"territorial_scope": []}, "territorial_scope"),
        ({"territorial_scope": "DE"}, "territorial_scope"),
        ({"automated_detection": True}, "automated_detection"),
        ({"automated_decision": "AUTOMATED_DECISION_SOMEWHAT"}, "automated_decision"),
        ({"application_date": "10/01/2024"}, "application_date"),
        ({"application_date": "2024-02-30"}, "application_date"),
        ({"application_date": "2024-01-11"}, "application_date"),
        ({"end_date_visibility_restriction": "soon"}, "end_date_visibility_restriction"),
        ({"puid": "has spaces"}, "puid"),
        ({"puid": "x" * 501}, "puid"),
        ({"decision_facts": "nul\x00"}, "decision_facts"),
    ],
)
def test_what_cannot_be_mapped_is_refused_with_the_statements_field(change, field):
    with pytest.raises(ValidationError) as refused:
        _read(**change)
    assert field in refused.value.field_errors
