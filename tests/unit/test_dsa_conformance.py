"""The conformance oracle itself: it names its source, accepts a statement the database
accepts, and refuses what the database refuses (the failures the issue listed)."""

from __future__ import annotations

import re

import pytest

from casework.records import dsa_values
from tests.dsa_conformance import ENUMS, RULES, SOURCE_COMMIT, check_batch, check_statement

VALID = {
    "puid": "PAN-2024-000123-D1",
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "Community Guidelines: election misinformation",
    "incompatible_content_explanation": "Klaim palsu tentang surat suara.",
    "decision_facts": "Klaim palsu tentang surat suara.",
    "category": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "category_specification": ["KEYWORD_MISINFORMATION_DISINFORMATION"],
    "territorial_scope": ["DE", "NL"],
    "content_type": ["CONTENT_TYPE_VIDEO"],
    "content_date": "2024-01-09",
    "application_date": "2024-01-10",
    "automated_detection": "No",
    "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
    "source_type": "SOURCE_TYPE_OTHER_NOTIFICATION",
    "source_identity": "Bawaslu RI",
}


def test_the_rules_name_the_commit_they_were_transcribed_from():
    assert re.fullmatch(r"[0-9a-f]{40}", SOURCE_COMMIT)
    assert RULES["source"]["repository"].endswith("digital-services-act/transparency-database")
    assert RULES["batch"] == {
        "key": "statements",
        "min": 1,
        "max": 100,
        "unique_within_request": "puid",
    }


def test_a_complete_statement_is_accepted():
    verdict = check_statement(VALID)
    assert verdict.accepted, verdict.errors
    assert verdict.dropped == []


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"territorial_scope": ["ID"]}, "territorial_scope", "in:EUROPEAN_COUNTRY_CODES"),
        ({"territorial_scope": ["ID", "DE"]}, "territorial_scope", "in:EUROPEAN_COUNTRY_CODES"),
        ({"decision_visibility": None}, "decision_visibility", "required"),
        ({"decision_facts": ""}, "decision_facts", "required"),
        (
            {"incompatible_content_explanation": "x" * 2001},
            "incompatible_content_explanation",
            "max:2000",
        ),
        ({"decision_facts": "x" * 5001}, "decision_facts", "max:5000"),
        ({"content_date": None}, "content_date", "required"),
        ({"decision_monetary": "DECISION_MONETARY_OTHER"}, "decision_monetary_other", "required"),
        ({"content_type": ["CONTENT_TYPE_OTHER"]}, "content_type_other", "required"),
        ({"puid": "PAN 1"}, "puid", "regex"),
        ({"application_date": "2019-12-31"}, "application_date", "after_or_equal"),
        (
            {"category_specification": ["KEYWORD_ELECTIONS"]},
            "category_specification",
            "in:KEYWORDS",
        ),
        (
            {"automated_decision": "AUTOMATED_DECISION_NO"},
            "automated_decision",
            "in:AUTOMATED_DECISIONS",
        ),
    ],
)
def test_the_oracle_refuses_what_the_database_refuses(change, field, rule):
    verdict = check_statement({**VALID, **change})
    assert verdict.errors.get(field) == rule


def test_fields_the_api_does_not_know_are_reported_as_dropped():
    verdict = check_statement({**VALID, "platform_name": "TikTok", "no_action": False})
    assert verdict.accepted
    assert verdict.dropped == ["no_action", "platform_name"]


def test_a_batch_takes_one_to_a_hundred_statements_with_unique_puids():
    assert check_batch({"statements": [VALID]}) == []
    assert check_batch({"statements": []}) == ["between:1,100"]
    assert check_batch({"statements": [VALID] * 101}) == ["between:1,100"]
    assert check_batch({"statements": [VALID, VALID]}) == ["puid not unique in the request"]
    assert check_batch({"statements": [VALID], "platform": "x"}) != []


@pytest.mark.parametrize(
    ("product", "transcribed"),
    [
        (dsa_values.VISIBILITY, "DECISION_VISIBILITIES"),
        (dsa_values.MONETARY, "DECISION_MONETARIES"),
        (dsa_values.PROVISION, "DECISION_PROVISIONS"),
        (dsa_values.ACCOUNT, "DECISION_ACCOUNTS"),
        (dsa_values.CONTENT_TYPES, "CONTENT_TYPES"),
        (dsa_values.CATEGORIES, "STATEMENT_CATEGORIES"),
        (dsa_values.SOURCE_TYPES, "SOURCE_TYPES"),
        (dsa_values.KEYWORDS, "KEYWORDS"),
        (tuple(sorted(dsa_values.EEA_COUNTRIES)), "EUROPEAN_COUNTRY_CODES"),
        (tuple(sorted(dsa_values.AUTOMATION.values())), "AUTOMATED_DECISIONS"),
    ],
)
def test_the_products_list_of_dsa_values_matches_the_transcription(product, transcribed):
    assert sorted(product) == sorted(ENUMS[transcribed])
