"""The case routes through HTTP: scope, paging, actions, and the error answers."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from casework.desk.workflow import Action, Status
from casework.outbox.api_tokens import Scope, revoke_api_token
from db.models import AuditEvent, User
from tests.api.conftest import api_settings, issue
from tests.factories import CAMPAIGN_NOW, advance, make_case, make_desk, platform_operator
from web.api import create_api

REFERRED = (Action.START_REVIEW, Action.REFER_TO_PLATFORM)


def referred_case(session, desk, **overrides):
    case = make_case(session, actor=desk.officer, **overrides)
    return advance(session, desk, case, *REFERRED)


def test_a_platform_token_lists_only_cases_referred_to_its_platform(
    session, desk, client, tiktok_token
):
    referred = referred_case(session, desk)
    make_case(session, actor=desk.officer)  # not referred yet
    youtube = make_desk(session, platform_code="youtube")
    referred_case(session, youtube, platform_code="youtube", urls=[])
    response = client.get("/cases", headers=tiktok_token.headers)
    assert response.status_code == 200
    assert [item["reference"] for item in response.json()["items"]] == [referred.reference]


def test_a_platform_token_reading_another_platforms_case_gets_404(session, client, tiktok_token):
    youtube = make_desk(session, platform_code="youtube")
    case = referred_case(session, youtube, platform_code="youtube", urls=[])
    response = client.get(f"/cases/{case.reference}", headers=tiktok_token.headers)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_platform_token_never_reads_the_reporter_or_internal_comments(
    session, desk, client, tiktok_token
):
    from casework.desk.cases import add_comment

    case = referred_case(session, desk, reporter_name="Budi", reporter_contact="0812")
    add_comment(
        session=session, actor=desk.officer, case_id=case.id, body="rahasia", visibility="internal"
    )
    add_comment(session=session, actor=desk.officer, case_id=case.id, body="untuk platform")
    body = client.get(f"/cases/{case.reference}", headers=tiktok_token.headers).json()
    assert body["reporter_name"] is None and body["reporter_contact"] is None
    assert [c["body"] for c in body["comments"]] == ["untuk platform"]
    assert body["allowed_actions"] == ["acknowledge", "record_decision"]


def test_the_list_pages_with_a_cursor_and_resumes_with_updated_since(
    session, desk, client, tiktok_token
):
    cases = [
        referred_case(session, desk, urls=[], now=CAMPAIGN_NOW + timedelta(hours=hour))
        for hour in range(5)
    ]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/cases", params=params, headers=tiktok_token.headers).json()
        seen += [item["reference"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(case.reference for case in cases)
    assert len(seen) == 5
    last = cases[-1]
    since = (last.updated_at).isoformat()
    recent = client.get(
        "/cases", params={"updated_since": since}, headers=tiktok_token.headers
    ).json()
    assert [item["reference"] for item in recent["items"]] == [last.reference]


def test_filters_narrow_the_list(session, desk, client, tiktok_token):
    urgent = referred_case(session, desk, urls=[], priority="urgent")
    referred_case(session, desk, urls=[], priority="normal")
    page = client.get("/cases", params={"priority": "urgent"}, headers=tiktok_token.headers)
    assert [item["reference"] for item in page.json()["items"]] == [urgent.reference]


def test_a_cursor_the_api_did_not_give_is_a_422_naming_the_cursor(client, tiktok_token):
    response = client.get("/cases", params={"cursor": "bm9wZQ"}, headers=tiktok_token.headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "cursor"


def test_a_call_without_a_token_is_a_401_asking_for_a_bearer_token(client):
    response = client.get("/cases")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revoking_a_token_takes_effect_at_its_next_request(session, admin, client, tiktok_token):
    assert client.get("/cases", headers=tiktok_token.headers).status_code == 200
    revoke_api_token(session=session, actor=admin, token_id=tiktok_token.token_id)
    assert client.get("/cases", headers=tiktok_token.headers).status_code == 401


def test_a_token_without_the_scope_is_refused_with_403(session, admin, client):
    token = issue(
        session, admin, platform_operator(session, "tiktok").id, scopes=[Scope.READ_AGGREGATES]
    )
    response = client.get("/cases", headers=token.headers)
    assert response.status_code == 403
    assert "cases:read" in response.json()["message"]


def test_a_read_only_token_cannot_act(session, desk, admin, client):
    case = referred_case(session, desk)
    token = issue(session, admin, platform_operator(session, "tiktok").id, scopes=["cases:read"])
    response = client.post(
        f"/cases/{case.reference}/acknowledge",
        json={"version": case.version},
        headers=token.headers,
    )
    assert response.status_code == 403


def test_acknowledging_through_the_api_is_audited_as_the_tokens_account(
    session, desk, client, tiktok_token
):
    case = referred_case(session, desk)
    response = client.post(
        f"/cases/{case.reference}/acknowledge",
        json={"version": case.version},
        headers=tiktok_token.headers,
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.ACKNOWLEDGED
    actor_id = session.exec(
        select(AuditEvent.actor_id).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "acknowledge"
        )
    ).one()
    assert session.get(User, actor_id).display_name == "API · tool"


def test_a_stale_version_is_a_409(session, desk, client, tiktok_token):
    case = referred_case(session, desk)
    response = client.post(
        f"/cases/{case.reference}/acknowledge",
        json={"version": case.version - 1},
        headers={**tiktok_token.headers, "Accept-Language": "id"},
    )
    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
    assert response.json()["message"].startswith("Pengguna lain")


def test_an_action_the_state_does_not_allow_is_a_409(session, desk, client, tiktok_token):
    case = advance(session, desk, referred_case(session, desk), Action.ACKNOWLEDGE)
    response = client.post(
        f"/cases/{case.reference}/acknowledge",
        json={"version": case.version},
        headers=tiktok_token.headers,
    )
    assert response.status_code == 409
    assert response.json()["error"] == "invalid_transition"


def test_a_blank_question_is_a_422_naming_the_field(session, desk, client, tiktok_token):
    case = advance(session, desk, referred_case(session, desk), Action.ACKNOWLEDGE)
    response = client.post(
        f"/cases/{case.reference}/information-requests",
        json={"version": case.version, "question": "   "},
        headers=tiktok_token.headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "question"], "msg": "This field is required.", "type": "value_error"}
    ]


def test_a_malformed_body_is_a_422_naming_the_field(session, desk, client, tiktok_token):
    case = referred_case(session, desk)
    response = client.post(
        f"/cases/{case.reference}/decision",
        json={"version": "soon", "decisions": ["removed"]},
        headers=tiktok_token.headers,
    )
    assert response.status_code == 422
    assert ["body", "version"] in [entry["loc"] for entry in response.json()["detail"]]


def test_a_platform_records_a_decision_as_a_statement_of_reasons(
    session, desk, client, tiktok_token
):
    case = referred_case(session, desk)
    response = client.post(
        f"/cases/{case.reference}/decision",
        json={
            "version": case.version,
            "decisions": ["removed"],
            "ground": "terms",
            "policy_reference": "Community Guidelines 4.2",
            "explanation": "Election misinformation.",
            "automated_detection": True,
        },
        headers=tiktok_token.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == Status.DECIDED
    assert body["decisions"][0]["decisions"] == ["removed"]
    assert body["decisions"][0]["automated_detection"] is True


def test_a_platform_asks_for_information_and_the_office_answers(
    session, desk, client, tiktok_token, office_token
):
    case = advance(session, desk, referred_case(session, desk), Action.ACKNOWLEDGE)
    asked = client.post(
        f"/cases/{case.reference}/information-requests",
        json={"version": case.version, "question": "Kapan diunggah?"},
        headers=tiktok_token.headers,
    ).json()
    assert asked["status"] == Status.INFO_REQUESTED
    assert asked["sla"]["state"] == "paused"
    answered = client.post(
        f"/cases/{case.reference}/information-answers",
        json={"version": asked["version"], "answer": "Saat masa tenang."},
        headers=office_token.headers,
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == Status.ACKNOWLEDGED


def test_a_platform_comments_shared_only(session, desk, client, tiktok_token):
    case = referred_case(session, desk)
    url = f"/cases/{case.reference}/comments"
    internal = client.post(
        url, json={"body": "catatan", "visibility": "internal"}, headers=tiktok_token.headers
    )
    assert internal.status_code == 422
    shared = client.post(url, json={"body": "Sudah kami tinjau."}, headers=tiktok_token.headers)
    assert shared.status_code == 201
    assert shared.json()["visibility"] == "shared"


def test_a_platform_uploads_evidence_as_the_raw_body(session, desk, client, tiktok_token):
    case = referred_case(session, desk)
    response = client.post(
        f"/cases/{case.reference}/evidence",
        params={"file_name": "catatan.txt"},
        content=b"Konten dihapus pukul 10.00 WIB.\n",
        headers={**tiktok_token.headers, "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["uploaded_by"] == "platform"
    assert response.json()["mime_type"] == "text/plain"


def test_a_supervisory_token_files_a_report_and_a_platform_token_cannot(
    client, office_token, tiktok_token
):
    report = {
        "title": "Hoaks surat suara",
        "platform_code": "tiktok",
        "category_code": "hoax",
        "urls": ["https://www.tiktok.com/@akun/video/7312345678901234567"],
        "province_code": "32",
    }
    filed = client.post("/cases", json=report, headers=office_token.headers)
    assert filed.status_code == 201, filed.text
    assert filed.json()["status"] == Status.NEW
    assert client.post("/cases", json=report, headers=tiktok_token.headers).status_code == 403


def test_a_laporan_filed_through_the_api_carries_its_type_and_its_missing_parts_are_named(
    client, office_token
):
    report = {
        "title": "Hoaks surat suara",
        "description": "Pelapor melihat video ini di beranda.",
        "platform_code": "tiktok",
        "category_code": "hoax",
        "urls": ["https://www.tiktok.com/@akun/video/7312345678901234568"],
        "province_code": "32",
        "source": "public_complaint",
        "intake_type": "laporan",
    }
    refused = client.post("/cases", json=report, headers=office_token.headers)
    assert refused.status_code == 422
    assert {"reporter_name", "terlapor_name", "incident_at"} <= {
        entry["loc"][-1] for entry in refused.json()["detail"]
    }
    report.update(
        reporter_name="Siti",
        reporter_contact="siti@example.org",
        terlapor_name="Budi",
        terlapor_status="tim_kampanye",
        incident_at="2024-01-09T19:00:00",
        incident_place="Bogor",
    )
    filed = client.post("/cases", json=report, headers=office_token.headers)
    assert filed.status_code == 201, filed.text
    assert (filed.json()["intake_type"], filed.json()["statutory_stage"]) == (
        "laporan",
        "awaiting_registration",
    )


def test_a_report_missing_its_category_is_a_422_naming_the_field(client, office_token):
    response = client.post(
        "/cases",
        json={"title": "x", "platform_code": "tiktok", "category_code": ""},
        headers=office_token.headers,
    )
    assert response.status_code == 422
    assert "category_code" in [entry["loc"][-1] for entry in response.json()["detail"]]


def test_a_token_over_its_rate_is_told_when_to_retry(engine, tiktok_token):
    settings = api_settings(api_rate_per_minute=1, api_rate_burst=2)
    with TestClient(create_api(engine=lambda: engine, settings=settings)) as client:
        answers = [client.get("/cases", headers=tiktok_token.headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2].headers["Retry-After"]) >= 1


def test_the_schema_and_reference_page_are_served(client):
    schema = client.get("/openapi.json").json()
    assert "/cases/{reference}/decision" in schema["paths"]
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    page = client.get("/docs")
    assert page.status_code == 200
    assert "Pantau-Signature" in page.text


def test_last_use_is_shown_with_the_token(session, client, tiktok_token):
    from db.models import ApiToken

    client.get("/cases", headers=tiktok_token.headers)
    session.expire_all()
    assert session.get(ApiToken, tiktok_token.token_id).last_used_at is not None


def test_a_token_of_an_operator_of_several_platforms_pages_through_all_in_change_order(
    session, admin, client
):
    meta = platform_operator(session, "facebook")
    token = issue(session, admin, meta.id, scopes=["cases:read"])
    desks = {code: make_desk(session, platform_code=code) for code in ("facebook", "instagram")}
    cases = [
        referred_case(
            session,
            desks[code],
            platform_code=code,
            urls=[],
            now=CAMPAIGN_NOW + timedelta(hours=hour),
        )
        for hour, code in enumerate(["instagram", "facebook", "facebook", "instagram"])
    ]
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get("/cases", params=params, headers=token.headers).json()
        seen += [item["reference"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [case.reference for case in cases]
