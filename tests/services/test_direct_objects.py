"""Direct-object access: asking for a case by id that one may not see is answered exactly
as for an id that does not exist, changes nothing and is logged; the queue never lists
such a case; and what a platform or the regulator may see of a case leaves out the
reporter's identity, the supervisory body's internal notes and its rejection reasons."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import inspect as orm_inspect
from sqlmodel import Session, SQLModel

from casework.capture.views import case_captures
from casework.desk import cases
from casework.desk.case_view import load_case_view
from casework.desk.queries import CaseFilters, list_cases
from casework.desk.timeline import case_timeline
from casework.desk.workflow import Action
from casework.errors import CaseNotFound, PermissionDenied
from casework.people.actors import Actor
from casework.people.roles import OrgKind, Role
from db.models import Case
from tests.factories import (
    Desk,
    advance,
    make_actor,
    make_case,
    make_desk,
    make_organisation,
)
from tests.refusals import assert_logged, database_rows, refusal

A = Action
H = timedelta(hours=1)
MISSING_ID = 999_999
URLS = {
    "instagram": "https://www.instagram.com/p/C2xYzAbCdEf/",
    "facebook": "https://www.facebook.com/akun.contoh/posts/1234567890",
    "tiktok": "https://www.tiktok.com/@akun.contoh/video/7312345678901234567",
}
SENT = (A.START_REVIEW, A.REFER_TO_PLATFORM)
DECIDED = (*SENT, A.RECORD_DECISION)
ESCALATED = (*SENT, A.ESCALATE)

# Every service that reads one case by id.
READERS: dict[str, Callable] = {
    "get_case": cases.get_case,
    "case_urls": cases.case_urls,
    "case_comments": cases.case_comments,
    "case_decisions": cases.case_decisions,
    "case_evidence": cases.case_evidence,
    "case_timeline": case_timeline,
    "load_case_view": load_case_view,
    "case_captures": case_captures,
}


def _file(session: Session, desk: Desk, *, platform="instagram", regency="32.01", **overrides):
    return make_case(
        session,
        actor=desk.officer,
        platform_code=platform,
        urls=[URLS[platform]],
        province_code=regency[:2],
        regency_code=regency,
        **overrides,
    )


def _reach(session: Session, desk: Desk, case: Case, path) -> Case:
    for action in path:
        now = case.sla_due_at + H if action == A.ESCALATE else None
        case = advance(session, desk, case, action, now=now)
    return case


def _desk_for(session: Session, platform: str) -> Desk:
    return make_desk(session, platform_code=platform)


def assert_hidden_like_a_missing_id(session, caplog, actor: Actor, case_id: int, reader: str):
    """Reading `case_id` through `reader` as `actor`: refused exactly as a missing id is,
    nothing changes, and the attempt is logged."""
    read = READERS[reader]
    before = database_rows(session)
    caplog.clear()

    hidden = refusal(lambda: read(session=session, actor=actor, case_id=case_id))

    assert hidden[0] is CaseNotFound
    assert_logged(caplog, actor, {"read_case", reader})
    assert database_rows(session) == before
    assert hidden == refusal(lambda: read(session=session, actor=actor, case_id=MISSING_ID))


# --- asking by id ----------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("case_platform", "asker_platform"),
    [("instagram", "tiktok"), ("tiktok", "facebook")],
    ids=["tiktok-liaison-asks-for-an-instagram-case", "meta-liaison-asks-for-a-tiktok-case"],
)
def test_a_liaison_asking_for_another_platforms_case_gets_what_a_missing_id_gets(
    session, caplog, reader, case_platform, asker_platform
):
    desk = _desk_for(session, case_platform)
    case = _reach(session, desk, _file(session, desk, platform=case_platform), DECIDED)
    asker = make_actor(session, role=Role.LIAISON, platform_code=asker_platform)

    assert_hidden_like_a_missing_id(session, caplog, asker, case.id, reader)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEAD], ids=str)
@pytest.mark.parametrize(
    ("office_region", "case_regency"),
    [("32", "31.71"), ("32.01", "32.73")],
    ids=["province-32-asks-for-jakarta", "bogor-regency-asks-for-bandung"],
)
def test_a_regional_office_asking_for_another_regions_case_gets_what_a_missing_id_gets(
    session, caplog, reader, role, office_region, case_regency
):
    desk = _desk_for(session, "instagram")
    case = _reach(session, desk, _file(session, desk, regency=case_regency), DECIDED)
    office = make_organisation(session, region_code=office_region)
    asker = make_actor(session, role=role, organisation=office)

    assert_hidden_like_a_missing_id(session, caplog, asker, case.id, reader)


def _cases_in_every_kind_of_state(session: Session, desk: Desk) -> list[Case]:
    paths = [(), SENT, DECIDED, ESCALATED, (*DECIDED, A.CLOSE), (A.REJECT,)]
    return [_reach(session, desk, _file(session, desk), path) for path in paths]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.OBSERVER, OrgKind.PARTNER),
        (Role.OBSERVER, OrgKind.SUPERVISORY),
        (Role.ADMIN, OrgKind.SUPERVISORY),
    ],
    ids=["observer-of-a-partner", "observer-in-the-national-office", "admin"],
)
def test_observers_and_admins_asking_for_any_case_get_what_a_missing_id_gets(
    session, caplog, reader, role, kind
):
    desk = _desk_for(session, "instagram")
    filed = _cases_in_every_kind_of_state(session, desk)
    asker = make_actor(session, role=role, organisation=make_organisation(session, kind=kind))

    for case in filed:
        assert_hidden_like_a_missing_id(session, caplog, asker, case.id, reader)


@pytest.mark.parametrize("reader", READERS)
def test_the_regulator_asking_for_a_case_not_escalated_gets_what_a_missing_id_gets(
    session, caplog, reader
):
    desk = _desk_for(session, "instagram")
    case = _reach(session, desk, _file(session, desk), DECIDED)

    assert_hidden_like_a_missing_id(session, caplog, desk.regulator, case.id, reader)


@pytest.mark.parametrize("visibility", ["shared", "internal"])
@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ADMIN], ids=str)
def test_observers_and_admins_are_refused_a_comment_alike_on_a_real_and_a_missing_case(
    session, caplog, role, visibility
):
    desk = _desk_for(session, "instagram")
    case = _reach(session, desk, _file(session, desk), SENT)
    asker = make_actor(session, role=role)

    def comment(case_id):
        return lambda: cases.add_comment(
            session=session, actor=asker, case_id=case_id, body="Halo.", visibility=visibility
        )

    before = database_rows(session)
    caplog.clear()
    on_the_case = refusal(comment(case.id))

    assert on_the_case[0] is PermissionDenied
    assert_logged(caplog, asker, {"add_comment"})
    assert database_rows(session) == before
    assert on_the_case == refusal(comment(MISSING_ID))


# --- the queue -------------------------------------------------------------------------

PLATFORMS = ("instagram", "facebook", "tiktok")
REGENCIES = ("32.01", "32.73", "31.71")
STATES = {"new": (), "sent": SENT, "escalated": ESCALATED}
META = {"facebook", "instagram", "threads"}


@dataclasses.dataclass(frozen=True)
class Filed:
    """One case of the population, with what scope rules look at."""

    id: int
    reference: str
    platform: str
    regency: str
    state: str

    @property
    def referred(self) -> bool:
        return self.state != "new"


# Who sees what, from DESIGN.md: national offices everything, a regional office its
# region, a liaison its operator's platforms once referred, the regulator what was
# escalated to it, observers and admins no single case.
QUEUE_SEATS: dict[str, tuple[Role, dict, Callable[[Filed], bool]]] = {
    "national-officer": (Role.OFFICER, {}, lambda c: True),
    "national-lead": (Role.LEAD, {}, lambda c: True),
    "officer-of-province-32": (Role.OFFICER, {"region": "32"}, lambda c: c.regency[:2] == "32"),
    "lead-of-province-32": (Role.LEAD, {"region": "32"}, lambda c: c.regency[:2] == "32"),
    "officer-of-regency-32.01": (Role.OFFICER, {"region": "32.01"}, lambda c: c.regency == "32.01"),
    "meta-liaison": (
        Role.LIAISON,
        {"platform": "threads"},
        lambda c: c.platform in META and c.referred,
    ),
    "tiktok-liaison": (
        Role.LIAISON,
        {"platform": "tiktok"},
        lambda c: c.platform == "tiktok" and c.referred,
    ),
    "youtube-liaison": (Role.LIAISON, {"platform": "youtube"}, lambda c: False),
    "regulator": (Role.REGULATOR, {}, lambda c: c.state == "escalated"),
    "admin": (Role.ADMIN, {}, lambda c: False),
    "observer-of-a-partner": (Role.OBSERVER, {"kind": OrgKind.PARTNER}, lambda c: False),
    "observer-in-the-national-office": (Role.OBSERVER, {}, lambda c: False),
}


def _population(session: Session) -> list[Filed]:
    """A case on each platform, in each regency, in each state (27 in all)."""
    desks = {platform: _desk_for(session, platform) for platform in PLATFORMS}
    filed = []
    for platform, regency, state in itertools.product(PLATFORMS, REGENCIES, STATES):
        desk = desks[platform]
        case = _reach(
            session, desk, _file(session, desk, platform=platform, regency=regency), STATES[state]
        )
        filed.append(Filed(case.id, case.reference, platform, regency, state))
    return filed


def _queue_actor(session: Session, role: Role, where: dict) -> Actor:
    if "platform" in where:
        return make_actor(session, role=role, platform_code=where["platform"])
    if role == Role.REGULATOR:
        return make_actor(session, role=role)
    organisation = make_organisation(
        session, kind=where.get("kind", OrgKind.SUPERVISORY), region_code=where.get("region")
    )
    return make_actor(session, role=role, organisation=organisation)


def _listed(session: Session, actor: Actor, filters: CaseFilters, now) -> tuple[set[int], int]:
    """Every id the queue shows, page by page, and the total it claims."""
    ids, totals, page = set(), set(), 1
    while True:
        result = list_cases(
            session=session, actor=actor, filters=filters, page=page, page_size=4, now=now
        )
        ids |= {row.id for row in result.rows}
        totals.add(result.total)
        if page >= result.page_count:
            break
        page += 1
    assert len(totals) == 1
    return ids, totals.pop()


@pytest.mark.parametrize("seat", QUEUE_SEATS)
def test_the_queue_never_lists_a_case_outside_the_actors_scope(session, seat):
    population = _population(session)
    role, where, sees = QUEUE_SEATS[seat]
    actor = _queue_actor(session, role, where)
    visible = {c.id for c in population if sees(c)}
    later = max(session.get(Case, c.id).updated_at for c in population) + 1000 * H
    # Filters that try to reach past the scope: another province, every platform, every
    # status, a search matching every reference, only overdue cases.
    attempts = {
        "no-filter": CaseFilters(),
        "province-31": CaseFilters(provinces=("31",)),
        "every-platform": CaseFilters(platforms=PLATFORMS),
        "every-status": CaseFilters(statuses=("new", "in_review", "sent", "escalated")),
        "every-reference": CaseFilters(text="PAN-"),
        "overdue": CaseFilters(overdue_only=True),
    }

    for name, filters in attempts.items():
        ids, total = _listed(session, actor, filters, later)
        assert ids <= visible, name
        assert total == len(ids), name

    assert _listed(session, actor, CaseFilters(), later)[0] == visible
    assert _listed(session, actor, CaseFilters(provinces=("31",)), later)[0] == {
        c.id for c in population if sees(c) and c.regency[:2] == "31"
    }


# --- what a platform or the regulator sees of a case -----------------------------------

REPORTER = "Budi Santoso"
CONTACT = "budi.santoso@example.org"
OFFICE_NOTE = "Catatan internal kantor pusat: pelapor anggota DPRD."
REGIONAL_NOTE = "Catatan internal Bawaslu Jawa Barat: akun ini terkait tim sukses."
REJECTION = "Alasan penolakan internal: sudah ditangani kepolisian."
SECRETS = (REPORTER, CONTACT, OFFICE_NOTE, REGIONAL_NOTE, REJECTION)
SHARED = "Mohon konten ini ditinjau."


@pytest.fixture
def rejected_after_escalation(session):
    """A case the platform and the regulator may both see (it was referred and
    escalated), with a named reporter, internal notes from two offices, a shared
    comment, and in the end rejected with an internal reason."""
    desk = _desk_for(session, "instagram")
    case = _file(session, desk, reporter_name=REPORTER, reporter_contact=CONTACT)
    regional_lead = make_actor(
        session, role=Role.LEAD, organisation=make_organisation(session, region_code="32")
    )
    for actor, body, visibility in (
        (desk.officer, OFFICE_NOTE, "internal"),
        (regional_lead, REGIONAL_NOTE, "internal"),
        (desk.officer, SHARED, "shared"),
    ):
        cases.add_comment(
            session=session, actor=actor, case_id=case.id, body=body, visibility=visibility
        )
    path = (*ESCALATED, A.RECORD_DECISION, A.CLOSE, A.REOPEN, A.RESUME_REVIEW)
    case = _reach(session, desk, case, path)
    case = cases.reject_case(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        reason=REJECTION,
        now=case.updated_at + H,
    )
    return desk, case


def everything_in(value) -> str:
    """Every value inside `value` (dataclasses, rows, lists, dicts), as one text."""
    if isinstance(value, SQLModel):
        state = orm_inspect(value, raiseerr=False)
        if state is not None and state.mapper is not None:
            return everything_in({a.key: getattr(value, a.key) for a in state.mapper.column_attrs})
        return everything_in(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return everything_in({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if isinstance(value, dict):
        return " | ".join(f"{k}={everything_in(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return " | ".join(everything_in(v) for v in value)
    return str(value)


def _outsiders(session: Session, desk: Desk) -> dict[str, Actor]:
    meta_liaison = make_actor(session, role=Role.LIAISON, platform_code="facebook")
    return {"liaison": meta_liaison, "regulator": desk.regulator}


@pytest.mark.parametrize("viewer", ["liaison", "regulator"])
def test_a_platforms_or_regulators_case_view_and_timeline_leave_out_what_is_internal(
    session, rejected_after_escalation, viewer
):
    desk, case = rejected_after_escalation
    actor = _outsiders(session, desk)[viewer]

    view = everything_in(load_case_view(session=session, actor=actor, case_id=case.id))
    timeline = everything_in(case_timeline(session=session, actor=actor, case_id=case.id))

    assert SHARED in view and SHARED in timeline
    assert [secret for secret in SECRETS if secret in view] == []
    assert [secret for secret in SECRETS if secret in timeline] == []


def test_the_supervisory_body_sees_all_of_it(session, rejected_after_escalation):
    """The other side of the test above: the secrets are there to be left out."""
    desk, case = rejected_after_escalation
    colleague = make_actor(session, role=Role.OFFICER)

    view = everything_in(load_case_view(session=session, actor=colleague, case_id=case.id))

    assert [secret for secret in SECRETS if secret not in view] == []


# Every service that reads a case, as the viewer gets it.
EVERY_READ = {
    **{name: read for name, read in READERS.items()},
    "list_cases": lambda session, actor, case_id: list_cases(session=session, actor=actor),
}


@pytest.mark.parametrize(
    "reader",
    list(EVERY_READ),
)
@pytest.mark.parametrize("viewer", ["liaison", "regulator"])
def test_no_reading_service_hands_a_platform_or_the_regulator_what_is_internal(
    session, rejected_after_escalation, viewer, reader
):
    desk, case = rejected_after_escalation
    actor = _outsiders(session, desk)[viewer]

    seen = everything_in(EVERY_READ[reader](session=session, actor=actor, case_id=case.id))

    assert [secret for secret in SECRETS if secret in seen] == []


def test_a_refused_read_is_logged_even_for_an_id_that_does_not_exist(session, caplog):
    asker = make_actor(session, role=Role.LIAISON, platform_code="tiktok")
    caplog.clear()

    with pytest.raises(CaseNotFound):
        cases.get_case(session=session, actor=asker, case_id=MISSING_ID)

    assert_logged(caplog, asker, {"read_case", "get_case"})
