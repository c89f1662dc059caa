"""Every service the permission matrix covers, as one call: the case (if any) taken with
the real services to a state where the call is legal, the call itself, and what the call
must have done when it is allowed. Used by tests/services/test_permission_matrix.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from casework import admin
from casework.capture.jobs import request_capture
from casework.capture.views import case_captures
from casework.desk import cases
from casework.desk.case_view import load_case_view
from casework.desk.queries import list_cases
from casework.desk.schemas import InvitationIn, OrganisationIn
from casework.desk.timeline import case_timeline
from casework.desk.workflow import Action
from casework.errors import CaseNotFound
from casework.people.accounts import list_users
from casework.people.actors import Actor
from casework.people.auth import (
    active_sessions,
    admin_reset_password,
    open_session_for,
    revoke_session,
    set_user_active,
)
from casework.people.providers import Provider
from casework.people.roles import OrgKind, Role
from casework.records.dsa_mappings import save_dsa_mapping
from casework.reference.elections import PhaseIn, add_election, save_phase_type
from casework.reference.legal_grounds import save_legal_ground
from casework.reference.reference_edits import save_platform, save_region
from casework.reference.taxonomy import update_phase, update_platform_sla, update_term
from casework.settings import Settings
from db.models import (
    AuditEvent,
    Case,
    Comment,
    DsaMapping,
    Election,
    ElectionPhase,
    EmailDomainRule,
    LegalGround,
    Organisation,
    PhaseType,
    Platform,
    Region,
    TaxonomyTerm,
    User,
    UserSession,
)
from tests.factories import (
    CAMPAIGN_NOW,
    Desk,
    advance,
    make_case,
    make_desk,
    make_organisation,
    make_user,
    reload,
    removal_decision,
    report,
)

A = Action
H = timedelta(hours=1)
INSTAGRAM_URL = "https://www.instagram.com/p/C2xYzAbCdEf/"
REGENCY = {"32": "32.01", "31": "31.71"}  # Kabupaten Bogor, Jakarta Pusat
SETTINGS = Settings(_env_file=None)


# --- the case's history before the call -----------------------------------------------

NEW = ()
IN_REVIEW = (A.START_REVIEW,)
SENT = (*IN_REVIEW, A.REFER_TO_PLATFORM)
ACKNOWLEDGED = (*SENT, A.ACKNOWLEDGE)
INFO_REQUESTED = (*ACKNOWLEDGED, A.REQUEST_INFORMATION)
DECIDED = (*SENT, A.RECORD_DECISION)
ESCALATED = (*SENT, A.ESCALATE)
CLOSED = (*DECIDED, A.CLOSE)
REOPENED = (*CLOSED, A.REOPEN)
# The same states reached after an escalation, for the regulator seat: the regulator
# sees a case once it was escalated to it.
ESCALATED_DECIDED = (*ESCALATED, A.RECORD_DECISION)
ESCALATED_CONTESTED = (*ESCALATED_DECIDED, A.CONTEST_DECISION)
ESCALATED_ACKNOWLEDGED = (*ESCALATED_CONTESTED, A.ACKNOWLEDGE)
ESCALATED_INFO_REQUESTED = (*ESCALATED_ACKNOWLEDGED, A.REQUEST_INFORMATION)
ESCALATED_CLOSED = (*ESCALATED, A.CLOSE)
ESCALATED_REOPENED = (*ESCALATED_CLOSED, A.REOPEN)
ESCALATED_IN_REVIEW = (*ESCALATED_REOPENED, A.RESUME_REVIEW)


@dataclass
class World:
    """What one cell needs: the desk that moves the case, the case, and the targets of
    the account services."""

    session: Session
    desk: Desk
    province: str
    case: Case | None = None
    case_id: int | None = None  # MISSING_ID when asking about a case that does not exist
    survivor: Case | None = None
    user: User | None = None
    user_session_id: int | None = None
    partner_id: int | None = None  # an organisation the admin services change
    office_id: int | None = None  # a regional office (32) to place people in
    pending_id: int | None = None  # an identity waiting for approval

    def at(self, action: Action | None = None):
        """When the actor acts: an hour after the last change, or after the deadline."""
        if action == A.ESCALATE:
            return self.case.sla_due_at + H
        return self.case.updated_at + H


@dataclass(frozen=True)
class Op:
    run: Callable[[World, Actor], object]  # the call, then what it must have done
    path: tuple[Action, ...] | None = None  # the case's history; None: no case
    escalated_path: tuple[Action, ...] | None = None  # the same state, after escalation
    prepare: Callable[[World], None] | None = None


def _file(session: Session, desk: Desk, province: str, **overrides) -> Case:
    return make_case(
        session,
        actor=desk.officer,
        platform_code="instagram",
        urls=[INSTAGRAM_URL],
        province_code=province,
        regency_code=REGENCY[province],
        reporter_name="Budi Santoso",
        reporter_contact="budi@example.org",
        **overrides,
    )


def reach(session: Session, desk: Desk, case: Case, path: tuple[Action, ...]) -> Case:
    """Take `case` along `path` with the real services, escalating after the deadline."""
    for action in path:
        now = case.sla_due_at + H if action == A.ESCALATE else None
        case = advance(session, desk, case, action, now=now)
    return case


def _history(op: Op, history: str) -> tuple[Action, ...]:
    """The path for a seat's `history`: `escalated` (the regulator's cases),
    `not-escalated` (stopped before any escalation) or `default`."""
    if history == "escalated":
        return op.escalated_path
    if history == "not-escalated" and A.ESCALATE in op.path:
        return op.path[: op.path.index(A.ESCALATE)]
    return op.path


# --- the operations -------------------------------------------------------------------

REASONS = {
    "reason": "Alasan tertulis.",
    "question": "Kapan konten ini diunggah?",
    "answer": "Diunggah saat masa tenang.",
    "order": "Perintah pemutusan akses.",
}
# Each action: the history that makes it legal, the same after an escalation, the
# status it leads to, and what else it needs.
LIFECYCLE = {
    A.START_REVIEW: (NEW, None, "in_review", ()),
    A.REFER_TO_PLATFORM: (IN_REVIEW, ESCALATED_IN_REVIEW, "sent", ()),
    A.REJECT: (IN_REVIEW, ESCALATED_IN_REVIEW, "rejected", ("reason",)),
    A.MERGE: (IN_REVIEW, ESCALATED_IN_REVIEW, "merged", ("into_case_id",)),
    A.ACKNOWLEDGE: (SENT, ESCALATED_CONTESTED, "acknowledged", ()),
    A.REQUEST_INFORMATION: (ACKNOWLEDGED, ESCALATED_ACKNOWLEDGED, "info_requested", ("question",)),
    A.PROVIDE_INFORMATION: (INFO_REQUESTED, ESCALATED_INFO_REQUESTED, "acknowledged", ("answer",)),
    A.RECORD_DECISION: (SENT, ESCALATED, "decided", ("decision",)),
    A.CONTEST_DECISION: (DECIDED, ESCALATED_DECIDED, "contested", ("reason",)),
    A.ESCALATE: (SENT, ESCALATED_CONTESTED, "escalated", ("reason",)),
    A.RECORD_REGULATOR_ORDER: (ESCALATED, ESCALATED, "escalated", ("order",)),
    A.CLOSE: (DECIDED, ESCALATED, "closed", ()),
    A.REOPEN: (CLOSED, ESCALATED_CLOSED, "reopened", ("reason",)),
    A.RESUME_REVIEW: (REOPENED, ESCALATED_REOPENED, "in_review", ()),
}


def _prepare_survivor(world: World) -> None:
    """Merging needs a second case the actor may see as well."""
    survivor = _file(world.session, world.desk, world.province)
    path = ESCALATED if world.case.escalated_at else NEW
    world.survivor = reach(world.session, world.desk, survivor, path)


def _lifecycle(action: Action, target: str, needs: tuple[str, ...]) -> Callable:
    def run(world: World, actor: Actor) -> None:
        extra = {}
        for name in needs:
            if name == "into_case_id":
                extra[name] = world.survivor.id
            elif name == "decision":
                extra[name] = removal_decision()
            else:
                extra[name] = REASONS.get(name, REASONS["reason"])
        before = world.case.version
        cases.ACTION_SERVICES[action](
            session=world.session,
            actor=actor,
            case_id=world.case_id,
            version=world.case.version,
            now=world.at(action),
            **extra,
        )
        stored = reload(world.session, world.case)
        assert (stored.status, stored.version) == (target, before + 1)

    return run


def _prepare_other_platform_survivor(world: World) -> None:
    """A TikTok case in the same province: a merge into it would cross platforms."""
    survivor = make_case(
        world.session,
        actor=world.desk.officer,
        platform_code="tiktok",
        urls=["https://www.tiktok.com/@akun.contoh/video/7312345678901234567"],
        province_code=world.province,
        regency_code=REGENCY[world.province],
    )
    path = ESCALATED if world.case.escalated_at else NEW
    world.survivor = reach(world.session, world.desk, survivor, path)


def _merge_across_platforms(world: World, actor: Actor) -> None:
    cases.merge_case(
        session=world.session,
        actor=actor,
        case_id=world.case_id,
        version=world.case.version,
        into_case_id=world.survivor.id,
        now=world.at(A.MERGE),
    )
    raise AssertionError("a merge across platforms went through")


def _lifecycle_ops() -> dict[str, Op]:
    ops = {}
    for action, (path, escalated_path, target, needs) in LIFECYCLE.items():
        prepare = _prepare_survivor if action == A.MERGE else None
        ops[str(action)] = Op(_lifecycle(action, target, needs), path, escalated_path, prepare)
    return ops


def _file_report(world: World, actor: Actor) -> None:
    filed = cases.file_report(
        session=world.session,
        actor=actor,
        report=report(
            platform_code="instagram",
            urls=[INSTAGRAM_URL],
            province_code=world.province,
            regency_code=REGENCY[world.province],
        ),
        now=CAMPAIGN_NOW,
    )
    assert reload(world.session, filed).reporting_organisation_id == actor.organisation_id


def _comment(visibility: str) -> Callable:
    def run(world: World, actor: Actor) -> None:
        comment = cases.add_comment(
            session=world.session,
            actor=actor,
            case_id=world.case_id,
            body="Catatan.",
            visibility=visibility,
            now=world.at(),
        )
        stored = world.session.get(Comment, comment.id)
        assert (stored.author_id, stored.visibility) == (actor.user_id, visibility)

    return run


def _add_shared_comment(world: World) -> None:
    cases.add_comment(
        session=world.session,
        actor=world.desk.officer,
        case_id=world.case.id,
        body="Mohon ditinjau.",
        now=world.at(),
    )


def _reader(read: Callable, check: Callable) -> Callable:
    def run(world: World, actor: Actor) -> None:
        check(world, read(session=world.session, actor=actor, case_id=world.case_id))

    return run


def _listed(world: World, actor: Actor) -> None:
    page = list_cases(session=world.session, actor=actor, page_size=500)
    assert page.total == len(page.rows)
    if world.case.id not in {row.id for row in page.rows}:
        # The queue refuses by leaving the case out; the table calls that NF.
        raise CaseNotFound()


def _rename_hoax(world: World, actor: Actor) -> None:
    update_term(
        session=world.session,
        actor=actor,
        kind="category",
        code="hoax",
        label_id="Hoaks pemilu",
        label_en="Election hoax",
    )
    world.session.expire_all()
    assert world.session.get(TaxonomyTerm, ("category", "hoax")).label_id == "Hoaks pemilu"


def _add_psu(world: World, actor: Actor) -> None:
    add_election(
        session=world.session,
        actor=actor,
        code="psu2025_3201",
        name="PSU Kabupaten Bogor 2025",
        kind="psu",
        legal_regime="pilkada",
        voting_day=date(2025, 6, 7),
        region_codes=["32.01"],
        phases=[PhaseIn("revote", date(2025, 6, 7), date(2025, 6, 7))],
    )
    world.session.expire_all()
    assert world.session.get(Election, "psu2025_3201").region_codes == ["32.01"]


def _add_phase_type(world: World, actor: Actor) -> None:
    save_phase_type(
        session=world.session,
        actor=actor,
        code="counting",
        label_id="Penghitungan suara",
        label_en="Vote counting",
        urgent=True,
    )
    world.session.expire_all()
    assert world.session.get(PhaseType, "counting").urgent


def _add_legal_ground(world: World, actor: Actor) -> None:
    row = save_legal_ground(
        session=world.session,
        actor=actor,
        ground_id=None,
        category_code="sara",
        regime="other",
        citation="Pasal 156a KUHP",
        account_classes=[],
    )
    world.session.expire_all()
    assert world.session.get(LegalGround, row.id).citation == "Pasal 156a KUHP"


def _move_campaign(world: World, actor: Actor) -> None:
    phase = world.session.exec(
        select(ElectionPhase).where(
            ElectionPhase.election_code == "pemilu2024", ElectionPhase.phase == "campaign"
        )
    ).one()
    update_phase(
        session=world.session,
        actor=actor,
        phase_id=phase.id,
        starts_on=date(2023, 11, 29),
        ends_on=phase.ends_on,
    )
    world.session.expire_all()
    assert world.session.get(ElectionPhase, phase.id).starts_on == date(2023, 11, 29)


def _set_instagram_sla(world: World, actor: Actor) -> None:
    update_platform_sla(
        session=world.session,
        actor=actor,
        platform_code="instagram",
        urgent_hours=6,
        normal_hours=30,
    )
    world.session.expire_all()
    stored = world.session.get(Platform, "instagram")
    assert (stored.sla_urgent_hours, stored.sla_normal_hours) == (6, 30)


def _shorten_kajian_awal(world: World, actor: Actor) -> None:
    from casework.clocks.admin import save_rule

    rule = save_rule(session=world.session, actor=actor, code="kajian_awal", amount=3, note="uji")
    assert rule.version == 2


def _recompute_kajian_awal(world: World, actor: Actor) -> None:
    from casework.clocks.admin import recompute

    assert recompute(session=world.session, actor=actor, code="kajian_awal") == 0


def _add_holiday(world: World, actor: Actor) -> None:
    from datetime import date

    from casework.clocks.admin import save_holiday
    from db.models import Holiday

    save_holiday(
        session=world.session,
        actor=actor,
        day=date(2027, 1, 1),
        kind="national",
        label_id="Tahun Baru 2027 Masehi",
        label_en="New Year's Day",
    )
    world.session.expire_all()
    assert world.session.get(Holiday, date(2027, 1, 1)) is not None


def _remove_holiday(world: World, actor: Actor) -> None:
    from datetime import date

    from casework.clocks.admin import remove_holiday
    from db.models import Holiday

    remove_holiday(session=world.session, actor=actor, day=date(2024, 12, 26))
    world.session.expire_all()
    assert world.session.get(Holiday, date(2024, 12, 26)) is None


def _rename_bogor(world: World, actor: Actor) -> None:
    save_region(session=world.session, actor=actor, code="32.01", name="Kab. Bogor")
    world.session.expire_all()
    assert world.session.get(Region, "32.01").name == "Kab. Bogor"


def _map_other_category(world: World, actor: Actor) -> None:
    save_dsa_mapping(
        session=world.session,
        actor=actor,
        kind="category",
        code="other",
        dsa_value="STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    )
    world.session.expire_all()
    stored = world.session.get(DsaMapping, ("category", "other"))
    assert stored.dsa_value == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"


def _rename_telegram(world: World, actor: Actor) -> None:
    save_platform(session=world.session, actor=actor, code="telegram", name="Telegram Messenger")
    world.session.expire_all()
    assert world.session.get(Platform, "telegram").name == "Telegram Messenger"


def _prepare_account(world: World) -> None:
    """A TikTok liaison with a live session: the target of the account services."""
    world.user = make_user(world.session, role=Role.LIAISON, platform_code="tiktok")
    opened = open_session_for(
        session=world.session,
        settings=SETTINGS,
        user_id=world.user.id,
        method="password",
        now=CAMPAIGN_NOW,
    )
    world.user_session_id = world.session.exec(
        select(UserSession.id).where(UserSession.user_id == opened.user_id)
    ).one()


def _stored_user_session(world: World) -> UserSession:
    world.session.expire_all()
    return world.session.get(UserSession, world.user_session_id)


def _reset_password(world: World, actor: Actor) -> None:
    admin_reset_password(
        session=world.session,
        settings=SETTINGS,
        actor=actor,
        user_id=world.user.id,
        temporary_password="sementara-2024-xyz",
        now=CAMPAIGN_NOW + H,
    )
    assert _stored_user_session(world).revoked_at is not None
    assert world.session.get(User, world.user.id).must_change_password


def _deactivate(world: World, actor: Actor) -> None:
    set_user_active(
        session=world.session, actor=actor, user_id=world.user.id, active=False, now=CAMPAIGN_NOW
    )
    assert _stored_user_session(world).revoked_at is not None
    assert not world.session.get(User, world.user.id).active


def _list_sessions(world: World, actor: Actor) -> None:
    rows = active_sessions(session=world.session, actor=actor, now=CAMPAIGN_NOW + H)
    assert world.user_session_id in {row.id for row, _ in rows}


def _revoke(world: World, actor: Actor) -> None:
    revoke_session(
        session=world.session, actor=actor, session_id=world.user_session_id, now=CAMPAIGN_NOW + H
    )
    assert _stored_user_session(world).revoked_at is not None


def _list_accounts(world: World, actor: Actor) -> None:
    rows = list_users(session=world.session, actor=actor)
    assert world.user.id in {user.id for user, _ in rows}


def _is_the_case(world, case):
    assert case.id == world.case.id


def _has_the_url(world, urls):
    assert [u.url for u in urls] == [INSTAGRAM_URL]


def _has_the_decision(world, decisions):
    assert [d.case_id for d in decisions] == [world.case.id]


def _has_no_evidence(world, evidence):
    assert evidence == []  # none was captured; what matters is that the call is allowed


def _has_the_shared_comment(world, comments):
    assert "Mohon ditinjau." in [c.body for c in comments]


def _starts_with_filing(world, timeline):
    assert timeline[0].action == "case_filed"


def _shows_the_case(world, view):
    assert (view.case_id, view.reference) == (world.case.id, world.case.reference)


def _has_no_capture_yet(world, captures):
    assert captures.captures == []  # the filing's capture waits for a worker
    assert captures.pending >= 1


def _request_capture(world: World, actor: Actor) -> None:
    request_capture(session=world.session, actor=actor, case_id=world.case_id, settings=SETTINGS)
    requested = world.session.exec(
        select(AuditEvent.id).where(
            AuditEvent.case_id == world.case_id, AuditEvent.action == "capture_requested"
        )
    ).all()
    assert len(requested) == 1


READ = (DECIDED, ESCALATED_DECIDED)  # a decided case: urls, a decision, a comment
COMMENT = (SENT, ESCALATED)

OPERATIONS: dict[str, Op] = {
    **_lifecycle_ops(),
    "merge_across_platforms": Op(
        _merge_across_platforms,
        IN_REVIEW,
        ESCALATED_IN_REVIEW,
        _prepare_other_platform_survivor,
    ),
    "file_report": Op(_file_report),
    "comment_shared": Op(_comment("shared"), *COMMENT),
    "comment_internal": Op(_comment("internal"), *COMMENT),
    "get_case": Op(_reader(cases.get_case, _is_the_case), *READ),
    "case_urls": Op(_reader(cases.case_urls, _has_the_url), *READ),
    "case_decisions": Op(_reader(cases.case_decisions, _has_the_decision), *READ),
    "case_evidence": Op(_reader(cases.case_evidence, _has_no_evidence), *READ),
    "case_comments": Op(
        _reader(cases.case_comments, _has_the_shared_comment), *READ, _add_shared_comment
    ),
    "case_captures": Op(_reader(case_captures, _has_no_capture_yet), *READ),
    "request_capture": Op(_request_capture, *READ),
    "case_timeline": Op(_reader(case_timeline, _starts_with_filing), *READ),
    "load_case_view": Op(_reader(load_case_view, _shows_the_case), *READ),
    "list_cases": Op(_listed, *READ),
    "update_term": Op(_rename_hoax),
    "update_phase": Op(_move_campaign),
    "add_election": Op(_add_psu),
    "save_phase_type": Op(_add_phase_type),
    "save_legal_ground": Op(_add_legal_ground),
    "update_platform_sla": Op(_set_instagram_sla),
    "save_region": Op(_rename_bogor),
    "save_clock_rule": Op(_shorten_kajian_awal),
    "recompute_clocks": Op(_recompute_kajian_awal),
    "save_holiday": Op(_add_holiday),
    "remove_holiday": Op(_remove_holiday),
    "save_platform": Op(_rename_telegram),
    "save_dsa_mapping": Op(_map_other_category),
    "admin_reset_password": Op(_reset_password, prepare=_prepare_account),
    "set_user_active": Op(_deactivate, prepare=_prepare_account),
    "active_sessions": Op(_list_sessions, prepare=_prepare_account),
    "revoke_session": Op(_revoke, prepare=_prepare_account),
    "list_users": Op(_list_accounts, prepare=_prepare_account),
}


# --- casework/admin: organisations, accounts, approval, domain rules, providers ---------

MAFINDO_DOMAIN = "mafindo.or.id"


def _prepare_administration(world: World) -> None:
    """Besides the account with a session: a partner organisation with a domain rule, a
    regional office, and an identity waiting for approval."""
    _prepare_account(world)
    session = world.session
    partner = make_organisation(session, kind=OrgKind.PARTNER, name="Mafindo (uji)")
    world.partner_id = partner.id
    world.office_id = make_organisation(session, region_code="32").id
    pending = make_user(session, role=Role.OBSERVER, organisation=partner, approved=False)
    world.pending_id = pending.id
    session.add(EmailDomainRule(domain=MAFINDO_DOMAIN, organisation_id=partner.id, role="observer"))
    session.commit()


def _stored(world: World, model, key):
    world.session.expire_all()
    return world.session.get(model, key)


def _find_users(world: World, actor: Actor) -> None:
    rows = admin.find_users(session=world.session, actor=actor, text=world.user.username)
    assert [user.id for user, _ in rows] == [world.user.id]


def _pending_users(world: World, actor: Actor) -> None:
    rows = admin.pending_users(session=world.session, actor=actor)
    assert [user.id for user, _ in rows] == [world.pending_id]


def _invite(world: World, actor: Actor) -> None:
    invited = admin.invite_user(
        session=world.session,
        actor=actor,
        settings=SETTINGS,
        invitation=InvitationIn(
            username="petugas.baru",
            display_name="Petugas Baru",
            role="officer",
            organisation_id=world.office_id,
            temporary_password="sementara-2024-xyz",
        ),
        now=CAMPAIGN_NOW,
    )
    assert _stored(world, User, invited.id).organisation_id == world.office_id


def _approve(world: World, actor: Actor) -> None:
    admin.approve_user(
        session=world.session,
        actor=actor,
        user_id=world.pending_id,
        organisation_id=world.partner_id,
        role="observer",
        now=CAMPAIGN_NOW,
    )
    assert _stored(world, User, world.pending_id).approved


def _change_role(world: World, actor: Actor) -> None:
    officer = world.desk.officer.user_id
    admin.change_role(
        session=world.session, actor=actor, user_id=officer, role="lead", now=CAMPAIGN_NOW
    )
    assert _stored(world, User, officer).role == "lead"


def _change_organisation(world: World, actor: Actor) -> None:
    officer = world.desk.officer.user_id
    admin.change_organisation(
        session=world.session,
        actor=actor,
        user_id=officer,
        organisation_id=world.office_id,
        now=CAMPAIGN_NOW,
    )
    assert _stored(world, User, officer).organisation_id == world.office_id


def _list_organisations(world: World, actor: Actor) -> None:
    rows = admin.list_organisations(session=world.session, actor=actor)
    assert world.partner_id in {row.organisation.id for row in rows}


def _create_organisation(world: World, actor: Actor) -> None:
    created = admin.create_organisation(
        session=world.session,
        actor=actor,
        organisation=OrganisationIn(
            name="Bawaslu Banten (uji)", kind="supervisory", region_code="36"
        ),
        now=CAMPAIGN_NOW,
    )
    assert _stored(world, Organisation, created.id).region_code == "36"


def _rename_partner(world: World, actor: Actor) -> None:
    admin.update_organisation(
        session=world.session,
        actor=actor,
        organisation_id=world.partner_id,
        organisation=OrganisationIn(name="Mafindo (diubah)", kind="partner"),
        now=CAMPAIGN_NOW,
    )
    assert _stored(world, Organisation, world.partner_id).name == "Mafindo (diubah)"


def _deactivate_partner(world: World, actor: Actor) -> None:
    admin.set_organisation_active(
        session=world.session,
        actor=actor,
        organisation_id=world.partner_id,
        active=False,
        now=CAMPAIGN_NOW,
    )
    assert not _stored(world, Organisation, world.partner_id).active


def _domain_rules(world: World) -> dict[str, int]:
    world.session.expire_all()
    rules = world.session.exec(select(EmailDomainRule)).all()
    return {rule.domain: rule.organisation_id for rule in rules}


def _list_domain_rules(world: World, actor: Actor) -> None:
    rows = admin.email_domain_rules(session=world.session, actor=actor)
    assert [rule.domain for rule, _ in rows] == [MAFINDO_DOMAIN]


def _set_domain_rule(world: World, actor: Actor) -> None:
    admin.set_email_domain_rule(
        session=world.session,
        actor=actor,
        domain="jabar.bawaslu.go.id",
        organisation_id=world.office_id,
        role="officer",
        providers=["bawaslu"],
        now=CAMPAIGN_NOW,
    )
    assert _domain_rules(world)["jabar.bawaslu.go.id"] == world.office_id


def _delete_domain_rule(world: World, actor: Actor) -> None:
    admin.delete_email_domain_rule(
        session=world.session, actor=actor, domain=MAFINDO_DOMAIN, now=CAMPAIGN_NOW
    )
    assert MAFINDO_DOMAIN not in _domain_rules(world)


def _providers(world: World, actor: Actor) -> None:
    rows = admin.providers_in_use(
        session=world.session, actor=actor, providers=[Provider("bawaslu", "Bawaslu SSO")]
    )
    assert [(row.name, row.users) for row in rows] == [("bawaslu", 0)]


def _meta(world: World) -> int:
    """The organisation of the case's platform (Meta runs Instagram and Facebook)."""
    return world.desk.liaison.organisation_id


def _register_platform_key(world: World, actor: Actor) -> None:
    from casework.records.decision_signatures import register_platform_key
    from casework.records.signing import SigningKey, public_key_pem

    key = SigningKey.generate()
    row = register_platform_key(
        session=world.session,
        actor=actor,
        organisation_id=_meta(world),
        public_key=public_key_pem(key.public_bytes()),
    )
    assert (row.organisation_id, row.key_id) == (_meta(world), key.key_id)


def _check_received_bundle(world: World, actor: Actor) -> None:
    from casework.records.bundles import check_received_bundle

    checked = check_received_bundle(session=world.session, actor=actor, data=b"not a zip")
    assert not checked.report.intact and not checked.issued_here


OPERATIONS.update(
    {
        "register_platform_key": Op(_register_platform_key),
        "check_received_bundle": Op(_check_received_bundle),
    }
)


# The services of casework/admin (its re-exports from casework.people.auth are above).
ADMIN_MODULE_OPERATIONS: dict[str, Op] = {
    name: Op(run, prepare=_prepare_administration)
    for name, run in {
        "find_users": _find_users,
        "pending_users": _pending_users,
        "invite_user": _invite,
        "approve_user": _approve,
        "change_role": _change_role,
        "change_organisation": _change_organisation,
        "list_organisations": _list_organisations,
        "create_organisation": _create_organisation,
        "update_organisation": _rename_partner,
        "set_organisation_active": _deactivate_partner,
        "email_domain_rules": _list_domain_rules,
        "set_email_domain_rule": _set_domain_rule,
        "delete_email_domain_rule": _delete_domain_rule,
        "providers_in_use": _providers,
    }.items()
}
OPERATIONS.update(ADMIN_MODULE_OPERATIONS)


def build_world(session: Session, operation: str, *, province: str, history: str) -> World:
    """The desk, and the case (in `province`) taken to where `operation` is legal; for
    `history` see `_history`."""
    op = OPERATIONS[operation]
    world = World(
        session=session, desk=make_desk(session, platform_code="instagram"), province=province
    )
    if op.path is not None:
        case = _file(session, world.desk, province)
        world.case = reach(session, world.desk, case, _history(op, history))
        world.case_id = world.case.id
    if op.prepare is not None:
        op.prepare(world)
    return world


# --- the statutory track (issue 17) ---------------------------------------------------
# The case is filed as a temuan (own patrol) and taken along the stage table with the
# real services by the desk; a laporan is the same case with its intake type set.

from casework.statutory import forwarding as statutory_forwarding  # noqa: E402
from casework.statutory import kajian as statutory_kajian  # noqa: E402
from db.models import Forwarding, Kajian  # noqa: E402


def _as_laporan(world: World) -> None:
    world.case.intake_type, world.case.statutory_stage = "laporan", "awaiting_registration"
    world.session.add(world.case)
    world.session.commit()
    world.case = reload(world.session, world.case)


def _drafted(world: World) -> None:
    statutory_kajian.draft_kajian(
        session=world.session,
        actor=world.desk.officer,
        case_id=world.case.id,
        version=world.case.version,
        facts="Fakta.",
        analysis="Analisis unsur.",
        conclusion="memenuhi",
        violation_kind="pidana_pemilu",
        now=world.at(),
    )
    world.case = reload(world.session, world.case)


def _approved(world: World) -> None:
    _drafted(world)
    statutory_kajian.approve_kajian(
        session=world.session,
        actor=world.desk.lead,
        case_id=world.case.id,
        version=world.case.version,
        now=world.at(),
    )
    world.case = reload(world.session, world.case)


def _with_komdigi(world: World) -> None:
    statutory_forwarding.request_komdigi(
        session=world.session,
        actor=world.desk.officer,
        case_id=world.case.id,
        version=world.case.version,
        now=world.at(),
    )
    world.case = reload(world.session, world.case)


def _statutory(service, target_stage: str | None = None, target_status: str | None = None, **extra):
    def run(world: World, actor: Actor) -> None:
        before = world.case.version
        service(
            session=world.session,
            actor=actor,
            case_id=world.case_id,
            version=world.case.version,
            now=world.at(),
            **extra,
        )
        stored = reload(world.session, world.case)
        assert stored.version == before + 1
        if target_stage is not None:
            assert stored.statutory_stage == target_stage
        if target_status is not None:
            assert stored.status == target_status

    return run


def _forward_to_gakkumdu(world: World, actor: Actor) -> None:
    _statutory(statutory_forwarding.forward_case, "forwarded", body="gakkumdu")(world, actor)
    row = world.session.exec(select(Forwarding).where(Forwarding.case_id == world.case.id)).one()
    assert (row.body, row.created_by_id) == ("gakkumdu", actor.user_id)


def _approve(world: World, actor: Actor) -> None:
    _statutory(statutory_kajian.approve_kajian, "kajian_approved")(world, actor)
    row = world.session.exec(select(Kajian).where(Kajian.case_id == world.case.id)).one()
    assert row.approved_by_id == actor.user_id


STATUTORY_OPERATIONS: dict[str, Op] = {
    "register_laporan": Op(
        _statutory(statutory_kajian.register_laporan, "in_kajian"), NEW, None, _as_laporan
    ),
    "approve_kajian": Op(_approve, NEW, None, _drafted),
    "forward_case": Op(_forward_to_gakkumdu, NEW, None, _approved),
    "request_komdigi": Op(
        _statutory(statutory_forwarding.request_komdigi, target_status="escalated"),
        IN_REVIEW,
        ESCALATED_IN_REVIEW,
    ),
    "komdigi_criteria_not_met": Op(
        _statutory(
            statutory_forwarding.komdigi_criteria_not_met,
            target_status="in_review",
            reason="Bukan konten terlarang.",
        ),
        IN_REVIEW,
        ESCALATED_IN_REVIEW,
        _with_komdigi,
    ),
}
OPERATIONS.update(STATUTORY_OPERATIONS)
