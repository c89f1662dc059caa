"""A platform sends its decision as the DSA statement of reasons it already makes: the
decision is recorded under its PUID and goes back out in the EU submission unchanged in
every decision field; what Pantau cannot map is refused with the statement's field."""

from __future__ import annotations

from datetime import timedelta

from casework.desk.workflow import Action
from casework.records.dsa_export import eu_submission
from casework.records.dsa_statements import DECISION_STATEMENT_FIELDS
from tests.dsa_conformance import check_statement
from tests.factories import CAMPAIGN_NOW, advance, make_case

BASE = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "Community Guidelines: election integrity",
    "incompatible_content_explanation": "False claims about ballots.",
    "decision_facts": "Reported by Bawaslu on 9 January 2024; reviewed by our team.",
    "territorial_scope": ["DE", "NL"],
    "automated_detection": "No",
    "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
    "application_date": "2024-01-10",
    # Fields about the case: accepted, and left to Pantau's own record of it.
    "category": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "content_type": ["CONTENT_TYPE_VIDEO"],
    "content_date": "2024-01-09",
    "source_type": "SOURCE_TYPE_OTHER_NOTIFICATION",
}

STATEMENTS = {
    "removal in two countries": {},
    "visibility twice, account suspended for a month": {
        "decision_visibility": [
            "DECISION_VISIBILITY_CONTENT_DEMOTED",
            "DECISION_VISIBILITY_CONTENT_LABELLED",
        ],
        "decision_account": "DECISION_ACCOUNT_SUSPENDED",
        "end_date_account_restriction": "2024-02-10",
        "end_date_visibility_restriction": "2024-03-01",
        "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
        "automated_detection": "Yes",
    },
    "account terminated on legal ground, every EEA country": {
        "decision_visibility": None,
        "decision_account": "DECISION_ACCOUNT_TERMINATED",
        "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_legal_ground": "UU 7/2017 Pasal 280 ayat (1) huruf c",
        "illegal_content_explanation": "Incitement against a group during the campaign.",
        "incompatible_content_ground": None,
        "incompatible_content_explanation": None,
        "territorial_scope": sorted(
            "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT "
            "RO SE SI SK".split()
        ),
        "automated_decision": "AUTOMATED_DECISION_FULLY",
    },
    "content demonetised until March": {
        "decision_visibility": None,
        "decision_monetary": "DECISION_MONETARY_OTHER",
        "decision_monetary_other": "Demonetisation of the content",
        "end_date_monetary_restriction": "2024-03-31",
    },
}


def _referred(session, desk):
    case = make_case(
        session,
        actor=desk.officer,
        content_type="video",
        category_code="hoax",
        posted_at=CAMPAIGN_NOW - timedelta(hours=20),
    )
    return advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)


def _statement(name: str, puid: str) -> dict:
    values = {**BASE, **STATEMENTS[name], "puid": puid}
    return {k: v for k, v in values.items() if v is not None}


def _send(client, token, case, statement):
    return client.post(
        f"/cases/{case.reference}/statement-of-reasons",
        json={"version": case.version, "statement": statement},
        headers=token.headers,
    )


def test_statements_go_in_and_come_back_out_unchanged(session, desk, client, tiktok_token):
    sent = {}
    for n, name in enumerate(STATEMENTS):
        statement = _statement(name, puid=f"tt_2024-{n:06d}")
        assert check_statement(statement).accepted, f"the test's own {name!r} must be valid"
        response = _send(client, tiktok_token, _referred(session, desk), statement)
        assert response.status_code == 200, (name, response.text)
        assert response.json()["decisions"][0]["puid"] == statement["puid"]
        sent[statement["puid"]] = statement
    session.expire_all()
    submission = eu_submission(session=session, actor=desk.liaison, platform_code="tiktok")
    assert submission.held_back == []
    [batch] = submission.batches
    assert sorted(s["puid"] for s in batch["statements"]) == sorted(sent)
    for out in batch["statements"]:
        assert check_statement(out).accepted
        assert {f: out.get(f) for f in DECISION_STATEMENT_FIELDS} == {
            f: sent[out["puid"]].get(f) for f in DECISION_STATEMENT_FIELDS
        }


def test_a_statement_pantau_cannot_map_is_refused_naming_its_fields(
    session, desk, client, tiktok_token
):
    """Each refusal is tested in tests/unit/test_dsa_mappings.py; here, what the API says."""
    case = _referred(session, desk)
    statement = {
        **_statement("removal in two countries", "p1"),
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_HIDDEN"],
        "incompatible_content_explanation": "x" * 2001,
    }
    response = _send(client, tiktok_token, case, statement)
    assert response.status_code == 422, response.text
    assert [entry["loc"] for entry in response.json()["detail"]] == [
        ["body", "statement", "decision_visibility"]
    ]
    statement["decision_visibility"] = ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    response = _send(client, tiktok_token, case, statement)
    assert response.status_code == 422, response.text
    assert [entry["loc"] for entry in response.json()["detail"]] == [
        ["body", "statement", "incompatible_content_explanation"]
    ]
    record = client.get(f"/cases/{case.reference}", headers=tiktok_token.headers).json()
    assert record["decisions"] == []


def test_a_puid_the_platform_already_sent_is_refused(session, desk, client, tiktok_token):
    first = _send(
        client,
        tiktok_token,
        _referred(session, desk),
        _statement("removal in two countries", "same"),
    )
    assert first.status_code == 200
    again = _send(
        client,
        tiktok_token,
        _referred(session, desk),
        _statement("removal in two countries", "same"),
    )
    assert again.status_code == 422
    assert [entry["loc"] for entry in again.json()["detail"]] == [["body", "statement", "puid"]]


def test_the_api_takes_partial_automation_and_old_booleans(session, desk, client, tiktok_token):
    body = {
        "decisions": ["removed"],
        "policy_reference": "CG 4.2",
        "explanation": "Election misinformation.",
        "territorial_scope": "ID,DE",
    }
    for value, stored in (("partially", "partially"), (True, "fully"), (False, "not_automated")):
        case = _referred(session, desk)
        response = client.post(
            f"/cases/{case.reference}/decision",
            json={"version": case.version, **body, "automated_decision": value},
            headers=tiktok_token.headers,
        )
        assert response.status_code == 200, response.text
        assert response.json()["decisions"][0]["automated_decision"] == stored
