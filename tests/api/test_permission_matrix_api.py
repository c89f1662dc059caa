"""Who may read and act on a case through the API: the same answers as the services
give people, by the token's organisation (a case outside its scope is a 404)."""

from __future__ import annotations

import pytest

from casework.api_tokens import Scope
from casework.roles import OrgKind
from casework.workflow import Action
from tests.api.conftest import ALL_SCOPES, issue
from tests.factories import advance, make_case, make_desk, make_organisation, platform_operator


def _organisation(session, holder: str):
    if holder.startswith("platform:"):
        return platform_operator(session, holder.split(":")[1])
    if holder == "national office":
        return make_organisation(session, kind=OrgKind.SUPERVISORY)
    if holder == "office of the case's province":
        return make_organisation(session, kind=OrgKind.SUPERVISORY, region_code="32")
    if holder == "office of another province":
        return make_organisation(session, kind=OrgKind.SUPERVISORY, region_code="35")
    if holder == "regulator":
        return make_organisation(session, kind=OrgKind.REGULATOR)
    raise ValueError(holder)


# holder → (read, acknowledge, comment) on a TikTok case in West Java (32), referred.
MATRIX = {
    "platform:tiktok": (200, 200, 201),
    "platform:youtube": (404, 404, 404),
    "national office": (200, 403, 201),
    "office of the case's province": (200, 403, 201),
    "office of another province": (404, 404, 404),
    "regulator": (404, 404, 404),
}


@pytest.mark.parametrize("holder", sorted(MATRIX))
def test_the_api_answers_each_organisation_as_the_services_answer_its_people(
    session, admin, client, holder
):
    desk = make_desk(session)
    case = make_case(session, actor=desk.officer, province_code="32", regency_code="32.01")
    case = advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    token = issue(session, admin, _organisation(session, holder).id, scopes=ALL_SCOPES)
    read = client.get(f"/cases/{case.reference}", headers=token.headers)
    comment = client.post(
        f"/cases/{case.reference}/comments", json={"body": "Catatan."}, headers=token.headers
    )
    acknowledge = client.post(
        f"/cases/{case.reference}/acknowledge",
        json={"version": case.version},
        headers=token.headers,
    )
    assert (read.status_code, acknowledge.status_code, comment.status_code) == MATRIX[holder]


def test_a_partner_token_cannot_be_given_case_scopes_so_it_never_reads_one(session, admin, client):
    partner = make_organisation(session, kind=OrgKind.PARTNER)
    token = issue(session, admin, partner.id, scopes=[Scope.READ_AGGREGATES])
    assert client.get("/cases/PAN-2024-000001", headers=token.headers).status_code == 403
