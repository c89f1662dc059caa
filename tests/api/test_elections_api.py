"""Elections through the API (issue 19): a supervisory token with calendar:write adds a
re-vote that then places new cases in its region; a report's posting time without a zone
is local time in its province, which may be named by an alias."""

from __future__ import annotations

from casework.outbox.api_tokens import Scope
from tests.api.conftest import issue
from tests.factories import make_organisation

PSU = {
    "code": "psu2025_7371",
    "name": "PSU Kota Makassar 2025",
    "kind": "psu",
    "legal_regime": "pilkada",
    "voting_day": "2025-06-07",
    "regions": ["Kota Makassar"],
    "phases": [
        {"phase": "quiet_period", "starts_on": "2025-06-04", "ends_on": "2025-06-06"},
        {"phase": "revote", "starts_on": "2025-06-07", "ends_on": "2025-06-07"},
    ],
}


def _report(**overrides):
    return {
        "title": "Ajakan memilih di masa tenang",
        "platform_code": "tiktok",
        "category_code": "out_of_schedule",
        "urls": ["https://www.tiktok.com/@akun/video/7312345678901234567"],
        **overrides,
    }


def test_a_calendar_token_adds_a_re_vote_that_places_cases_in_its_region_only(
    session, admin, client, office_token
):
    added = client.post("/elections", json=PSU, headers=office_token.headers)
    assert added.status_code == 201, added.text
    assert added.json()["regions"] == ["73.71"]

    inside = client.post(
        "/cases",
        json=_report(province_code="Sulsel", regency_code="Makassar", posted_at="2025-06-05T09:00"),
        headers=office_token.headers,
    )
    outside = client.post(
        "/cases",
        json=_report(province_code="73", regency_code="73.06", posted_at="2025-06-05T09:00"),
        headers=office_token.headers,
    )

    assert (inside.json()["phase"], inside.json()["priority"]) == ("quiet_period", "urgent")
    assert inside.json()["posted_at"].startswith("2025-06-05T01:00")  # 09.00 WITA
    assert (outside.json()["phase"], outside.json()["priority"]) == (None, "normal")
    listed = client.get("/elections", headers=office_token.headers).json()
    assert {e["code"] for e in listed} == {"pemilu2024", "pilkada2024", "psu2025_7371"}


def test_without_the_calendar_scope_or_outside_the_supervisory_body_no_election_is_added(
    session, admin, client, tiktok_token
):
    office = make_organisation(session)
    reader = issue(session, admin, office.id, scopes=[Scope.READ_CASES, Scope.ACT_ON_CASES])

    assert client.post("/elections", json=PSU, headers=reader.headers).status_code == 403
    assert client.post("/elections", json=PSU, headers=tiktok_token.headers).status_code == 403


def test_a_bad_election_is_a_422_naming_its_fields(client, office_token):
    bad = {**PSU, "regions": ["Atlantis"], "phases": [{**PSU["phases"][0], "phase": "party"}]}

    response = client.post("/elections", json=bad, headers=office_token.headers)

    assert response.status_code == 422
    fields = {entry["loc"][-1] for entry in response.json()["detail"]}
    assert {"region_codes", "phases"} <= fields
