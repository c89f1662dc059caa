"""Small factories: the least a test needs, with overrides for what it is about."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from sqlmodel import Session, select

from casework.actors import Actor, actor_for
from casework.cases import file_report
from casework.roles import OrgKind, Role
from casework.schemas import ReportIn
from db.models import Case, Organisation, Platform, User

_serial = count(1)

# A Wednesday in the Pemilu 2024 campaign, 10:00 WIB.
CAMPAIGN_NOW = datetime(2024, 1, 10, 3, 0, tzinfo=UTC)


def make_organisation(session: Session, *, kind: str = OrgKind.SUPERVISORY, **overrides) -> Organisation:
    organisation = Organisation(name=overrides.pop("name", f"Org {next(_serial)}"), kind=kind, **overrides)
    session.add(organisation)
    session.commit()
    return organisation


def platform_operator(session: Session, platform_code: str) -> Organisation:
    platform = session.get(Platform, platform_code)
    return session.get(Organisation, platform.operator_id)


def make_user(
    session: Session,
    *,
    role: str = Role.OFFICER,
    organisation: Organisation | None = None,
    region_code: str | None = None,
    platform_code: str = "tiktok",
    **overrides,
) -> User:
    """A user of `role`. Without an organisation: liaisons join the operator of
    `platform_code`, regulators a new regulator, everyone else a new supervisory
    office (national unless `region_code`)."""
    if organisation is None:
        if role == Role.LIAISON:
            organisation = platform_operator(session, platform_code)
        elif role == Role.REGULATOR:
            organisation = make_organisation(session, kind=OrgKind.REGULATOR)
        else:
            organisation = make_organisation(session, kind=OrgKind.SUPERVISORY, region_code=region_code)
    n = next(_serial)
    user = User(
        username=overrides.pop("username", f"user{n}"),
        display_name=overrides.pop("display_name", f"User {n}"),
        role=role,
        organisation_id=organisation.id,
        **overrides,
    )
    session.add(user)
    session.commit()
    return user


def make_actor(session: Session, **kwargs) -> Actor:
    return actor_for(session, make_user(session, **kwargs).id)


def report(**overrides) -> ReportIn:
    values = dict(
        title="Video hoaks surat suara tercoblos",
        description="Klaim palsu surat suara sudah tercoblos di Bogor.",
        platform_code="tiktok",
        urls=["https://www.tiktok.com/@akun.contoh/video/7312345678901234567"],
        account_handle="@akun.contoh",
        category_code="hoax",
        source="own_patrol",
        province_code="32",
        regency_code="32.01",
    )
    values.update(overrides)
    return ReportIn(**values)


def make_case(session: Session, *, actor: Actor | None = None, now: datetime = CAMPAIGN_NOW, **overrides) -> Case:
    """A case filed through the real service by a national officer (or `actor`)."""
    actor = actor or make_actor(session, role=Role.OFFICER)
    return file_report(session=session, actor=actor, report=report(**overrides), now=now)


def reload(session: Session, case: Case) -> Case:
    session.expire_all()
    return session.exec(select(Case).where(Case.id == case.id)).one()
