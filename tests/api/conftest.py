"""Fixtures for the HTTP API, served in-process (ASGI) on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework.outbox.api_tokens import Scope, create_api_token
from casework.people.roles import OrgKind, Role
from casework.settings import Settings
from db.engine import build_engine
from tests.conftest import ON_POSTGRES, _copy_template_into, postgres_database
from tests.factories import make_actor, make_desk, make_organisation, platform_operator
from web.api import create_api

ALL_SCOPES = [str(scope) for scope in Scope]


@pytest.fixture
def engine(request, tmp_path) -> Iterator[Engine]:
    """A database of its own that the API's threads can share with the test: an SQLite
    file (an in-memory one lives on a single connection), or a PostgreSQL database."""
    if ON_POSTGRES:
        with postgres_database(seeded="session" in request.fixturenames) as engine:
            yield engine
    else:
        engine = build_engine(f"sqlite:///{tmp_path}/api.db")
        _copy_template_into(engine, seeded=False)
        yield engine
        engine.dispose()


def api_settings(**overrides) -> Settings:
    return Settings(_env_file=None, **overrides)


@pytest.fixture
def client(engine) -> Iterator[TestClient]:
    """The API on the test's database, without the dashboard's read model."""
    with TestClient(create_api(engine=lambda: engine, settings=api_settings())) as client:
        yield client


@pytest.fixture
def admin(session: Session):
    """An admin of the supervisory body, who issues the tokens."""
    return make_actor(session, role=Role.ADMIN)


@dataclass(frozen=True)
class Issued:
    token: str
    token_id: int
    headers: dict[str, str]


def issue(session: Session, admin, organisation_id: int, scopes=None, **kwargs) -> Issued:
    """A new token of `organisation_id` with `scopes` (default all), ready as headers."""
    row, token = create_api_token(
        session=session,
        actor=admin,
        organisation_id=organisation_id,
        name=kwargs.pop("name", "tool"),
        scopes=scopes or ALL_SCOPES,
        **kwargs,
    )
    return Issued(token, row.id, {"Authorization": f"Bearer {token}"})


@pytest.fixture
def tiktok_token(session, admin) -> Issued:
    """A token of TikTok's operator with every scope."""
    return issue(session, admin, platform_operator(session, "tiktok").id)


@pytest.fixture
def office_token(session, admin) -> Issued:
    """A token of a national supervisory office with every scope."""
    office = make_organisation(session, kind=OrgKind.SUPERVISORY)
    return issue(session, admin, office.id)


@pytest.fixture
def desk(session: Session):
    """A national officer and lead, a TikTok liaison and a regulator liaison."""
    return make_desk(session)
