"""Small factories: the least a test needs, with overrides for what it is about."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from sqlmodel import Session, select

from casework.desk.cases import file_report
from casework.desk.schemas import ReportIn
from casework.people.actors import Actor, actor_for
from casework.people.roles import OrgKind, Role
from db.models import Case, Organisation, Platform, User

_serial = count(1)

# A Wednesday in the Pemilu 2024 campaign, 10:00 WIB.
CAMPAIGN_NOW = datetime(2024, 1, 10, 3, 0, tzinfo=UTC)


def make_organisation(
    session: Session, *, kind: str = OrgKind.SUPERVISORY, **overrides
) -> Organisation:
    organisation = Organisation(
        name=overrides.pop("name", f"Org {next(_serial)}"), kind=kind, **overrides
    )
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
            organisation = make_organisation(
                session, kind=OrgKind.SUPERVISORY, region_code=region_code
            )
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


def make_case(
    session: Session, *, actor: Actor | None = None, now: datetime = CAMPAIGN_NOW, **overrides
) -> Case:
    """A case filed through the real service by a national officer (or `actor`)."""
    actor = actor or make_actor(session, role=Role.OFFICER)
    return file_report(session=session, actor=actor, report=report(**overrides), now=now)


def reload(session: Session, case: Case) -> Case:
    session.expire_all()
    return session.exec(select(Case).where(Case.id == case.id)).one()


# --- taking a case through its lifecycle (added for the service tests) -----------------
# Imports sit here so that the helpers above stay untouched.

from dataclasses import dataclass  # noqa: E402
from datetime import timedelta  # noqa: E402

from casework.desk.cases import ACTION_SERVICES  # noqa: E402
from casework.desk.schemas import DecisionIn  # noqa: E402
from casework.desk.workflow import Action  # noqa: E402


@dataclass(frozen=True)
class Desk:
    """One actor for each role that handles a case: a national officer and a lead of the
    same office, a liaison of the case platform's operator, and a regulator liaison."""

    officer: Actor
    lead: Actor
    liaison: Actor
    regulator: Actor


def make_desk(session: Session, *, platform_code: str = "tiktok") -> Desk:
    office = make_organisation(session, kind=OrgKind.SUPERVISORY)
    return Desk(
        officer=make_actor(session, role=Role.OFFICER, organisation=office),
        lead=make_actor(session, role=Role.LEAD, organisation=office),
        liaison=make_actor(session, role=Role.LIAISON, platform_code=platform_code),
        regulator=make_actor(session, role=Role.REGULATOR),
    )


def removal_decision(**overrides) -> DecisionIn:
    """A valid platform decision: removed under the platform's terms."""
    values = dict(
        decisions=["removed"],
        ground="terms",
        policy_reference="Community Guidelines: election misinformation",
        explanation="Klaim palsu tentang surat suara.",
    )
    values.update(overrides)
    return DecisionIn(**values)


# Who takes each action in `advance`, and what else the service needs.
_STEPS = {
    Action.START_REVIEW: ("officer", {}),
    Action.REFER_TO_PLATFORM: ("officer", {}),
    Action.REJECT: ("officer", {"reason": "Bukan pelanggaran pemilu."}),
    Action.ACKNOWLEDGE: ("liaison", {}),
    Action.REQUEST_INFORMATION: ("liaison", {"question": "Kapan konten ini diunggah?"}),
    Action.PROVIDE_INFORMATION: ("officer", {"answer": "Diunggah saat masa tenang."}),
    Action.RECORD_DECISION: ("liaison", {"decision": None}),
    Action.CONTEST_DECISION: ("officer", {"reason": "Konten serupa masih tersedia."}),
    Action.ESCALATE: ("lead", {"reason": "Tenggat platform terlewati."}),
    Action.RECORD_REGULATOR_ORDER: ("regulator", {"order": "Perintah pemutusan akses."}),
    Action.CLOSE: ("officer", {}),
    Action.REOPEN: ("officer", {"reason": "Konten muncul kembali."}),
    Action.RESUME_REVIEW: ("officer", {}),
}


def advance(
    session: Session,
    desk: Desk,
    case: Case,
    *actions: Action,
    now: datetime | None = None,
    step: timedelta = timedelta(minutes=10),
) -> Case:
    """Take `case` through `actions` with the real services, each by the role that may
    take it: the first at `now` (default: `step` after the case's last change), the
    rest `step` apart. Merging needs a second case, so it is not a step here."""
    at = now if now is not None else case.updated_at + step
    for action in actions:
        role, extra = _STEPS[action]
        kwargs = {k: (removal_decision() if k == "decision" else v) for k, v in extra.items()}
        case = ACTION_SERVICES[action](
            session=session,
            actor=getattr(desk, role),
            case_id=case.id,
            version=case.version,
            now=at,
            **kwargs,
        )
        at = at + step
    return case
