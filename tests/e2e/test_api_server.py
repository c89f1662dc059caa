"""The API mounted by `app.py` on the real server, beside Streamlit."""

from __future__ import annotations

import httpx
from sqlmodel import Session, select

from casework.outbox.api_tokens import create_api_token
from casework.people.actors import actor_for
from db.engine import build_engine
from db.models import Organisation, Platform, User


def _platform_token(database_url: str) -> str:
    engine = build_engine(database_url)
    try:
        with Session(engine) as session:
            admin = session.exec(select(User.id).where(User.role == "admin")).first()
            operator = session.exec(
                select(Organisation.id)
                .join(Platform, Platform.operator_id == Organisation.id)
                .where(Platform.code == "tiktok")
            ).one()
            _, token = create_api_token(
                session=session,
                actor=actor_for(session, admin),
                organisation_id=operator,
                name="e2e",
                scopes=["cases:read"],
            )
            return token
    finally:
        engine.dispose()


def test_the_api_answers_under_api_v1_on_the_running_server(running_server):
    base = running_server.base
    schema = httpx.get(f"{base}/api/v1/openapi.json", timeout=10)
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Pantau API"
    assert httpx.get(f"{base}/api/v1/docs", timeout=10).status_code == 200
    assert httpx.get(f"{base}/api/v1/cases", timeout=10).status_code == 401
    token = _platform_token(running_server.database_url)
    listed = httpx.get(
        f"{base}/api/v1/cases", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert items and {item["platform"] for item in items} == {"tiktok"}
    keys = httpx.get(f"{base}/.well-known/pantau-keys.json", timeout=10)
    assert keys.status_code == 200 and keys.json()["keys"][0]["status"] == "current"
