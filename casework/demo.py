"""A deterministic, realistic demo: organisations, demo accounts for every role, and
cases across the Pemilu 2024 timeline in every lifecycle state.

Every case's history is a walk through the transition table, each step checked
against it, so the demo holds only histories the real services could have written.
Rows are bulk-inserted (the benchmark seeds 100,000 cases the same way) and the audit
events are chained exactly as `casework.records.audit.record_event` chains them."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, text
from sqlmodel import Session, select

from casework.clocks.service import replay_histories
from casework.demo_content import (
    ACCOUNT_CLASS_WEIGHTS,
    CATEGORY_WEIGHTS,
    COMMENT_ANSWERS,
    COMMENT_QUESTIONS,
    CONTENT_TYPE_BY_PLATFORM,
    CONTEST_REASONS,
    HANDLE_STEMS,
    PLATFORM_WEIGHTS,
    POLICY_REFERENCES,
    PROVINCE_WEIGHTS,
    SOURCE_WEIGHTS,
    TITLES,
)
from casework.desk import sla
from casework.desk.filing import REFERENCE_ZONE
from casework.desk.references import format_reference
from casework.desk.workflow import Action, Status, find_transition
from casework.people.roles import OrgKind, Role
from casework.records.audit import record_events
from db.engine import begin_write
from db.models import (
    Case,
    CaseReport,
    CaseUrl,
    Comment,
    Decision,
    Election,
    ElectionPhase,
    Organisation,
    Platform,
    ReferenceCounter,
    Region,
    User,
)

TIMELINE_START = datetime(2023, 11, 28, 1, 0, tzinfo=UTC)  # 08:00 WIB, first campaign day
TIMELINE_END = datetime(2024, 3, 20, 10, 0, tzinfo=UTC)  # last recapitulation day

# (username, display name, role, organisation name)
DEMO_ACCOUNTS = [
    ("demo.officer", "Rina Wulandari", Role.OFFICER, "Bawaslu RI"),
    ("demo.lead", "Agus Setiawan", Role.LEAD, "Bawaslu RI"),
    ("demo.admin", "Sari Admin", Role.ADMIN, "Bawaslu RI"),
    ("demo.officer.jabar", "Dewi Lestari", Role.OFFICER, "Bawaslu Provinsi Jawa Barat"),
    ("demo.lead.jabar", "Fajar Nugroho", Role.LEAD, "Bawaslu Provinsi Jawa Barat"),
    ("demo.liaison.tiktok", "Kevin Tan (TikTok)", Role.LIAISON, "TikTok Indonesia"),
    ("demo.liaison.meta", "Nadia Putri (Meta)", Role.LIAISON, "Meta"),
    ("demo.liaison.youtube", "Bima Pratama (YouTube)", Role.LIAISON, "Google (YouTube)"),
    ("demo.liaison.x", "Laras Sari (X)", Role.LIAISON, "X Corp."),
    ("demo.liaison.telegram", "Yusuf Hakim (Telegram)", Role.LIAISON, "Telegram"),
    ("demo.regulator", "Hendra Gunawan (Komdigi)", Role.REGULATOR, "Komdigi"),
    ("demo.observer", "Maya Anggraini (Mafindo)", Role.OBSERVER, "Mafindo"),
]

DEMO_ORGANISATIONS = [
    ("Bawaslu RI", OrgKind.SUPERVISORY, None),
    ("Bawaslu Provinsi Jawa Barat", OrgKind.SUPERVISORY, "32"),
    ("Bawaslu Provinsi DKI Jakarta", OrgKind.SUPERVISORY, "31"),
    ("Komdigi", OrgKind.REGULATOR, None),
    ("Mafindo", OrgKind.PARTNER, None),
]

DECISION_WEIGHTS = {
    "removed": 45,
    "geo_blocked": 10,
    "visibility_reduced": 8,
    "labelled": 8,
    "account_suspended": 5,
    "age_restricted": 2,
    "monetisation_restricted": 2,
    "no_action": 20,
}

# Where a decision applies, beside Indonesia: some platforms remove election content
# everywhere, and some also restrict it where it was reported from abroad.
DEMO_SCOPES = {"GLOBAL": 15, "ID,NL": 5, "DE,ID": 3, "ID": 77}


def _dsa_details(case_id: int, decision: str, at: datetime) -> dict[str, Any]:
    """Scope, automation and end date of a demo decision. A generator of its own, seeded
    by the case, leaves the main sequence (and every other demo figure) as it was."""
    rng = random.Random(case_id)
    scopes = list(DEMO_SCOPES)
    scope = rng.choices(scopes, weights=[DEMO_SCOPES[s] for s in scopes])[0]
    temporary = decision == "account_suspended" and rng.random() < 0.5
    return {
        "territorial_scope": "ID" if decision == "no_action" else scope,
        "automated_decision": "partially" if rng.random() < 0.1 else "not_automated",
        "account_ends_on": (at + timedelta(days=30)).date() if temporary else None,
    }


# End states of a case filed long ago, and of one filed in the last fortnight.
SETTLED_END_STATES = {
    "closed": 60,
    "decided": 6,
    "rejected": 9,
    "merged": 3,
    "reopened": 2,
    "escalated": 3,
    "contested": 2,
    "closed_after_contest": 6,
    "closed_after_escalation": 3,
    "in_review": 1,
    "sent": 1,
    "acknowledged": 1,
    "info_requested": 1,
    "new": 1,
}
RECENT_END_STATES = {
    "new": 10,
    "in_review": 12,
    "sent": 14,
    "acknowledged": 10,
    "info_requested": 8,
    "decided": 14,
    "contested": 5,
    "escalated": 5,
    "closed": 14,
    "rejected": 5,
    "merged": 2,
    "reopened": 1,
}


@dataclass
class DemoCast:
    officer: int
    lead: int
    regional_officer: int
    regional_org: int
    national_org: int
    regulator: int
    liaison_by_platform: dict[str, int]


@dataclass
class _Plan:
    case: dict[str, Any]
    urls: list[dict[str, Any]]
    events: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)


def ensure_demo_accounts(session: Session, *, password: str | None = None) -> DemoCast:
    """Create the demo organisations and accounts that are missing; with `password`,
    every demo account signs in with it (demo mode shows it on the sign-in page)."""
    from casework.people.auth import hash_password

    password_hash = hash_password(password) if password else None
    orgs: dict[str, Organisation] = {}
    for name, kind, region in DEMO_ORGANISATIONS:
        org = session.exec(select(Organisation).where(Organisation.name == name)).first()
        if org is None:
            org = Organisation(name=name, kind=kind, region_code=region)
            session.add(org)
            session.flush()
        orgs[name] = org
    users: dict[str, User] = {}
    for username, display, role, org_name in DEMO_ACCOUNTS:
        org = (
            orgs.get(org_name)
            or session.exec(select(Organisation).where(Organisation.name == org_name)).one()
        )
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            user = User(
                username=username,
                display_name=display,
                role=role,
                organisation_id=org.id,
                is_demo=True,
                password_hash=password_hash,
                email=f"{username}@demo.pantau.invalid",
            )
            session.add(user)
            session.flush()
        users[username] = user
    platform_rows = session.exec(select(Platform)).all()
    liaison_of_org = {u.organisation_id: u.id for u in users.values() if u.role == Role.LIAISON}
    return DemoCast(
        officer=users["demo.officer"].id,
        lead=users["demo.lead"].id,
        regional_officer=users["demo.officer.jabar"].id,
        regional_org=orgs["Bawaslu Provinsi Jawa Barat"].id,
        national_org=orgs["Bawaslu RI"].id,
        regulator=users["demo.regulator"].id,
        liaison_by_platform={p.code: liaison_of_org[p.operator_id] for p in platform_rows},
    )


def seed_demo(
    session: Session,
    *,
    case_count: int,
    password: str | None = None,
    seed: int = 2024,
    chunk_size: int = 5000,
    now: datetime | None = None,
    current_case_count: int | None = None,
) -> int:
    """Seed `case_count` demo cases of Pemilu 2024 and the demo accounts (signing in
    with `password`), then a simulated election running `now` with
    `current_case_count` cases (a tenth of `case_count` by default, at least 60) whose
    deadlines fall around `now`, every case with the clocks its history drives
    (`casework.clocks.service.replay_histories`); returns the cases added."""
    now = now or datetime.now(UTC)
    begin_write(session)
    cast = ensure_demo_accounts(session, password=password)
    session.commit()
    generator = CaseGenerator(session, cast, seed=seed)
    added = 0
    written: list[int] = []
    for chunk in generator.plans(case_count, chunk_size=chunk_size):
        begin_write(session)
        write_plans(session, chunk)
        session.commit()
        added += len(chunk)
        written.extend(plan.case["id"] for plan in chunk)
    if current_case_count is None:
        current_case_count = max(60, case_count // 10) if case_count else 0
    if current_case_count:
        begin_write(session)
        code = seed_demo_election(session, today=now.date())
        session.commit()
        current = CaseGenerator(
            session, cast, seed=seed + 1, election_code=code, window=_current_window(now)
        )
        plans = [current.plan_around(moment, now) for moment in current.moments(current_case_count)]
        for start in range(0, len(plans), chunk_size):
            begin_write(session)
            write_plans(session, plans[start : start + chunk_size])
            session.commit()
        added += len(plans)
        written.extend(plan.case["id"] for plan in plans)
    # Clocks follow from the histories by the clock rules, as if the actions had gone
    # through the services (which `write_plans` bypasses).
    begin_write(session)
    replay_histories(session, written)
    session.commit()
    if current_case_count:
        from casework.statutory.demo import seed_statutory_showcase

        seed_statutory_showcase(session, regional_officer=cast.regional_officer, now=now)
        added += 1
    return added


DEMO_ELECTION_CODE = "demo-simulasi"
DEMO_ELECTION_NAME = "Pemilu Simulasi (demo)"


def seed_demo_election(session: Session, *, today: date) -> str:
    """The demo's current election: a simulated one named as a demo, whose campaign
    contains `today` (with a quiet period, voting day and recapitulation after it), so
    the demo's deadlines make sense whatever day it starts. Added once; returns its code.

    Kept to this one function, through the calendar's tables, so that it follows the
    calendar wherever elections and phases are kept."""
    if session.get(Election, DEMO_ELECTION_CODE) is not None:
        return DEMO_ELECTION_CODE
    voting = today + timedelta(days=24)
    session.add(Election(code=DEMO_ELECTION_CODE, name=DEMO_ELECTION_NAME, voting_day=voting))
    session.flush()
    phases = (
        ("campaign", today - timedelta(days=40), voting - timedelta(days=4)),
        ("quiet_period", voting - timedelta(days=3), voting - timedelta(days=1)),
        ("voting", voting, voting),
        ("recapitulation", voting + timedelta(days=1), voting + timedelta(days=35)),
    )
    for phase, starts_on, ends_on in phases:
        session.add(
            ElectionPhase(
                election_code=DEMO_ELECTION_CODE, phase=phase, starts_on=starts_on, ends_on=ends_on
            )
        )
    session.flush()
    return DEMO_ELECTION_CODE


def _current_window(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=30), now - timedelta(hours=1)


class CaseGenerator:
    """Plans case histories; holds the random source so the demo is reproducible."""

    def __init__(
        self,
        session: Session,
        cast: DemoCast,
        *,
        seed: int,
        election_code: str = "pemilu2024",
        window: tuple[datetime, datetime] = (TIMELINE_START, TIMELINE_END),
    ) -> None:
        self.rng = random.Random(seed)
        self.cast = cast
        self.election_code = election_code
        self.window_start, self.window_end = window
        self.policies = {
            p.code: sla.SlaPolicy(p.sla_urgent_hours, p.sla_normal_hours)
            for p in session.exec(select(Platform))
        }
        regions = session.exec(select(Region)).all()
        self.zone = {r.code: r.time_zone for r in regions if r.level == "province"}
        self.regencies: dict[str, list[str]] = {}
        for r in regions:
            if r.level == "regency":
                self.regencies.setdefault(r.province_code, []).append(r.code)
        self.region_names = {r.code: r.name for r in regions}
        self.phases = [
            (row.phase, row.starts_on, row.ends_on) for row in session.exec(select(ElectionPhase))
        ]
        self.election_phases = [
            (row.phase, row.starts_on, row.ends_on)
            for row in session.exec(
                select(ElectionPhase).where(ElectionPhase.election_code == election_code)
            )
        ]
        self.next_id = (session.exec(select(func.max(Case.id))).one() or 0) + 1
        self.counters = {row.year: row.last_value for row in session.exec(select(ReferenceCounter))}
        self.handles = self._handle_pool()
        self.survivors: list[tuple[int, str]] = []

    def _handle_pool(self) -> list[str]:
        pool = []
        for stem in HANDLE_STEMS:
            pool.append(stem)
            for suffix in ("id", "official", "24", "2024", "news", "real"):
                pool.append(f"{stem}.{suffix}")
        self.rng.shuffle(pool)
        return pool

    def _pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _moment(self) -> datetime:
        # Busier near the quiet period and voting day, quieter over the new year.
        while True:
            offset = self.rng.random() * (self.window_end - self.window_start).total_seconds()
            moment = self.window_start + timedelta(seconds=offset)
            day = moment.date().isoformat()
            weight = 1.0
            if "2024-02-05" <= day <= "2024-02-17":
                weight = 4.0
            elif "2023-12-24" <= day <= "2024-01-02":
                weight = 0.5
            if self.rng.random() * 4.0 <= weight:
                return moment

    def moments(self, count: int) -> list[datetime]:
        return sorted(self._moment() for _ in range(count))

    def plans(self, count: int, *, chunk_size: int) -> Iterator[list[_Plan]]:
        moments = self.moments(count)
        for start in range(0, count, chunk_size):
            yield [self._plan(moment) for moment in moments[start : start + chunk_size]]

    def plan_around(self, filed_at: datetime, now: datetime) -> _Plan:
        """A case of the current demo election, moved in time so that it reads right at
        `now`: a running deadline is due within the hour, later today or tomorrow, or was
        missed a few hours ago; everything else happened in the last days. Nothing lies
        in the future."""
        plan = self._plan(filed_at)
        case, rng = plan.case, self.rng
        latest = max(event["created_at"] for event in plan.events)
        running = case["sla_due_at"] is not None and case["status"] in _RUNNING_CLOCK
        if running:
            draw = rng.random()
            if draw < 0.3:
                target = now + timedelta(minutes=rng.uniform(5, 55))  # due within the hour
            elif draw < 0.42:
                target = now - timedelta(hours=rng.uniform(0.2, 6))  # just missed
            else:
                target = now + timedelta(hours=rng.uniform(1, 20))
            shift = target - case["sla_due_at"]
            shift = min(shift, now - timedelta(minutes=1) - latest)
        else:
            if case["status"] in _SETTLED:
                ago = timedelta(hours=rng.uniform(2, 24 * 20))
            else:
                ago = timedelta(hours=rng.uniform(0.1, 30))
            shift = now - ago - latest
        _shift_plan(plan, shift)
        province = case["province_code"]
        case["phase"] = self._phase_of(case["created_at"], province)
        return plan

    def _plan(self, filed_at: datetime) -> _Plan:
        rng = self.rng
        case_id = self.next_id
        self.next_id += 1
        year = filed_at.astimezone(REFERENCE_ZONE).year
        self.counters[year] = self.counters.get(year, 0) + 1
        platform = self._pick(PLATFORM_WEIGHTS)
        category = self._pick(CATEGORY_WEIGHTS)
        province = self._pick(PROVINCE_WEIGHTS)
        regency = rng.choice(self.regencies[province])
        # Zipf-like: a few accounts are behind many cases (repeat offenders).
        handle = self.handles[min(int(rng.paretovariate(1.2)) - 1, len(self.handles) - 1)]
        if platform in ("x", "telegram"):
            handle = handle.replace(".", "_")
        posted_at = filed_at - timedelta(minutes=rng.randint(10, 36 * 60))
        priority = sla.default_priority(posted_at, self.phases, self.zone[province])
        regional = province == "32" and rng.random() < 0.5
        officer = self.cast.regional_officer if regional else self.cast.officer
        url, key = self._url(platform, handle)
        place = self.region_names[regency].replace("Kabupaten ", "").replace("Kota ", "")
        case = {
            "id": case_id,
            "reference": format_reference(year, self.counters[year]),
            "status": Status.NEW.value,
            "title": rng.choice(TITLES[category]).format(place=place),
            "description": f"Temuan {('patroli siber', 'aduan masyarakat')[rng.random() < 0.3]} "
            f"atas akun @{handle}. Konten diunggah {posted_at:%d-%m-%Y}.",
            "source": self._pick(SOURCE_WEIGHTS),
            "reporter_name": None,
            "reporter_contact": None,
            "reporting_organisation_id": self.cast.regional_org
            if regional
            else self.cast.national_org,
            "created_by_id": officer,
            "assignee_id": officer if rng.random() < 0.7 else None,
            "report_count": 1 + (rng.random() < 0.15) * rng.randint(1, 4),
            "platform_code": platform,
            "content_key": key,
            "account_handle": f"@{handle}",
            "account_class": self._pick(ACCOUNT_CLASS_WEIGHTS),
            "content_type": rng.choice(CONTENT_TYPE_BY_PLATFORM[platform]),
            "posted_at": posted_at,
            "first_seen_at": filed_at - timedelta(minutes=rng.randint(1, 120)),
            "reach": int(rng.lognormvariate(8, 2)),
            "category_code": category,
            "legal_ground": None,
            "election_code": self.election_code,
            "phase": self._phase_of(filed_at, province),
            "province_code": province,
            "regency_code": regency,
            "priority": priority.value,
            "created_at": filed_at,
            "updated_at": filed_at,
            "referred_at": None,
            "acknowledged_at": None,
            "decided_at": None,
            "closed_at": None,
            "escalated_at": None,
            "sla_due_at": None,
            "sla_paused_since": None,
            "sla_paused_seconds": 0,
            "contest_count": 0,
            "merged_into_id": None,
            "outcome": None,
            "closing_note": None,
            "version": 1,
        }
        if case["source"] == "public_complaint":
            case["reporter_name"] = rng.choice(["Budi S.", "Siti R.", "Andi P.", "Wahyu N."])
            case["reporter_contact"] = f"08{rng.randint(1000000000, 9999999999)}"
        plan = _Plan(
            case=case,
            urls=[
                {
                    "case_id": case_id,
                    "url": url,
                    "canonical_key": key,
                    "platform_code": platform,
                    "needs_review": False,
                    "created_at": filed_at,
                }
            ],
        )
        plan.events.append(
            self._event(
                case,
                None,
                "case_filed",
                officer,
                filed_at,
                {
                    "reference": case["reference"],
                    "platform": platform,
                    "category": category,
                    "priority": case["priority"],
                },
                to_status=Status.NEW,
            )
        )
        recent = filed_at > self.window_end - timedelta(days=14)
        self._walk(plan, self._pick(RECENT_END_STATES if recent else SETTLED_END_STATES), officer)
        if case["status"] != Status.MERGED:
            self.survivors.append((case_id, case["reference"]))
        return plan

    def _phase_of(self, moment: datetime, province: str) -> str | None:
        from zoneinfo import ZoneInfo

        day = moment.astimezone(ZoneInfo(self.zone[province])).date()
        for phase, start, end in self.election_phases:
            if start <= day <= end:
                return phase
        return None

    def _url(self, platform: str, handle: str) -> tuple[str, str]:
        rng = self.rng
        digits = "".join(rng.choices(string.digits, k=19))
        code = "".join(rng.choices(string.ascii_letters + string.digits + "_-", k=11))
        if platform == "tiktok":
            return f"https://www.tiktok.com/@{handle}/video/{digits}", f"tiktok:video:{digits}"
        if platform == "facebook":
            return (
                f"https://www.facebook.com/{handle}/posts/{digits[:16]}",
                f"facebook:post:{digits[:16]}",
            )
        if platform == "instagram":
            return f"https://www.instagram.com/p/{code}/", f"instagram:post:{code}"
        if platform == "threads":
            return f"https://www.threads.net/@{handle}/post/{code}", f"threads:post:{code}"
        if platform == "youtube":
            return f"https://www.youtube.com/watch?v={code}", f"youtube:video:{code}"
        if platform == "x":
            return f"https://x.com/{handle}/status/{digits}", f"x:status:{digits}"
        number = rng.randint(100, 99999)
        return f"https://t.me/{handle}/{number}", f"telegram:{handle.lower()}/{number}"

    # -- the walk through the lifecycle ------------------------------------------------

    def _event(self, case, from_status, action, actor, at, detail, to_status=None) -> dict:
        return {
            "case_id": case["id"],
            "actor_id": actor,
            "action": str(action),
            "from_status": from_status,
            "to_status": str(to_status) if to_status else None,
            "detail": detail,
            "created_at": at,
        }

    def _step(
        self,
        plan: _Plan,
        action: Action,
        actor: int,
        role: Role,
        at: datetime,
        detail: dict | None = None,
    ) -> None:
        case = plan.case
        transition = find_transition(case["status"], action)
        if transition is None or role not in transition.roles:
            raise AssertionError(f"demo walk broke the transition table: {case['status']} {action}")
        plan.events.append(
            self._event(
                case, case["status"], action, actor, at, detail or {}, to_status=transition.target
            )
        )
        case["status"] = transition.target.value
        case["updated_at"] = at
        case["version"] += 1

    def _walk(self, plan: _Plan, end: str, officer: int) -> None:
        rng, case, cast = self.rng, plan.case, self.cast
        liaison = cast.liaison_by_platform[case["platform_code"]]
        policy = self.policies[case["platform_code"]]
        t = case["created_at"]
        hours = lambda a, b: timedelta(hours=rng.uniform(a, b))  # noqa: E731
        if end == "new":
            return
        t += hours(0.2, 8)
        self._step(plan, Action.START_REVIEW, officer, Role.OFFICER, t)
        if end == "in_review":
            return
        if end == "rejected":
            t += hours(0.5, 24)
            reason = "Bukan pelanggaran pemilu; konten satire yang jelas."
            self._step(plan, Action.REJECT, officer, Role.OFFICER, t, {"reason": reason})
            case.update(closed_at=t, outcome="rejected", closing_note=reason)
            return
        if end == "merged" and self.survivors:
            into_id, into_ref = rng.choice(self.survivors[-200:])
            t += hours(0.5, 12)
            self._step(plan, Action.MERGE, cast.lead, Role.LEAD, t, {"into": into_ref})
            case.update(merged_into_id=into_id, closed_at=t, outcome="merged")
            return
        if end == "merged":
            return
        # Referral starts the SLA clock.
        t += hours(0.5, 20)
        self._step(plan, Action.REFER_TO_PLATFORM, officer, Role.OFFICER, t)
        case.update(referred_at=t, sla_due_at=sla.due_at(t, case["priority"], policy))
        if end == "sent":
            return
        budget = policy.hours_for(case["priority"])
        late = rng.random() < 0.2
        if end in ("escalated", "closed_after_escalation"):
            if rng.random() < 0.5:
                t += hours(0.1, 0.3 * budget)
                self._acknowledge(plan, liaison, t)
            t = max(t, case["sla_due_at"]) + hours(1, 72)
            self._step(
                plan,
                Action.ESCALATE,
                cast.lead,
                Role.LEAD,
                t,
                {"reason": "Platform melewati tenggat tanpa keputusan."},
            )
            case["escalated_at"] = t
            if rng.random() < 0.6:
                t += hours(2, 48)
                self._step(
                    plan,
                    Action.RECORD_REGULATOR_ORDER,
                    cast.regulator,
                    Role.REGULATOR,
                    t,
                    {"order": "Perintah pemutusan akses kepada platform."},
                )
                self._comment(plan, cast.regulator, "Perintah pemutusan akses kepada platform.", t)
            if end == "escalated":
                return
            t += hours(2, 48)
            self._decide(plan, liaison, t, forced="removed")
            t += hours(2, 72)
            self._step(plan, Action.CLOSE, officer, Role.OFFICER, t)
            case["closed_at"] = t
            return
        t += hours(0.1, 0.4 * budget)
        self._acknowledge(plan, liaison, t)
        if end == "acknowledged":
            return
        if end == "info_requested" or rng.random() < 0.25:
            t += hours(0.1, 0.2 * budget)
            question = rng.choice(COMMENT_QUESTIONS)
            self._step(
                plan, Action.REQUEST_INFORMATION, liaison, Role.LIAISON, t, {"question": question}
            )
            self._comment(plan, liaison, question, t)
            case["sla_paused_since"] = t
            if end == "info_requested":
                return
            paused_from = t
            t += hours(1, 30)
            answer = rng.choice(COMMENT_ANSWERS)
            self._step(
                plan, Action.PROVIDE_INFORMATION, officer, Role.OFFICER, t, {"answer": answer}
            )
            self._comment(plan, officer, answer, t)
            case["sla_due_at"], case["sla_paused_seconds"] = sla.resume(
                case["sla_due_at"], paused_from, case["sla_paused_seconds"], t
            )
            case["sla_paused_since"] = None
        t = self._decision_time(case, t, late)
        self._decide(plan, liaison, t)
        if end == "decided":
            return
        if end in ("contested", "closed_after_contest"):
            t += hours(2, 48)
            reason = rng.choice(CONTEST_REASONS)
            self._step(plan, Action.CONTEST_DECISION, officer, Role.OFFICER, t, {"reason": reason})
            self._comment(plan, officer, reason, t)
            case["contest_count"] += 1
            case["decided_at"] = None
            case["sla_due_at"] = sla.due_at(t, case["priority"], policy)
            if end == "contested":
                return
            t += hours(0.2, 0.3 * budget)
            self._acknowledge(plan, liaison, t)
            t = self._decision_time(case, t, rng.random() < 0.15)
            self._decide(plan, liaison, t, forced="removed")
        t += hours(2, 96)
        self._step(plan, Action.CLOSE, officer, Role.OFFICER, t)
        case["closed_at"] = t
        if end == "reopened":
            t += hours(24, 300)
            self._step(
                plan,
                Action.REOPEN,
                officer,
                Role.OFFICER,
                t,
                {"reason": "Konten yang sama diunggah ulang."},
            )
            case.update(closed_at=None, outcome=None)

    def _acknowledge(self, plan: _Plan, liaison: int, t: datetime) -> None:
        self._step(plan, Action.ACKNOWLEDGE, liaison, Role.LIAISON, t)
        plan.case["acknowledged_at"] = plan.case["acknowledged_at"] or t

    def _decision_time(self, case: dict, t: datetime, late: bool) -> datetime:
        due = case["sla_due_at"]
        if late or t >= due:
            return max(t, due) + timedelta(hours=self.rng.uniform(0.5, 40))
        return t + (due - t) * self.rng.uniform(0.1, 0.95)

    def _decide(self, plan: _Plan, liaison: int, t: datetime, forced: str | None = None) -> None:
        case = plan.case
        decision = forced or self._pick(DECISION_WEIGHTS)
        ground = "terms" if self.rng.random() < 0.8 else "law"
        self._step(
            plan,
            Action.RECORD_DECISION,
            liaison,
            Role.LIAISON,
            t,
            {"decisions": [decision], "ground": ground},
        )
        case.update(decided_at=t, outcome=decision)
        case["acknowledged_at"] = case["acknowledged_at"] or t
        plan.decisions.append(
            {
                "case_id": case["id"],
                "issued_by": "platform",
                "decisions": [decision],
                "ground": ground,
                "legal_reference": "UU 7/2017 Pasal 280 ayat (1)" if ground == "law" else None,
                "policy_reference": POLICY_REFERENCES[case["platform_code"]]
                if ground == "terms"
                else None,
                "explanation": "Konten melanggar ketentuan integritas pemilu."
                if decision != "no_action"
                else "Konten tidak melanggar kebijakan kami.",
                "automated_detection": self.rng.random() < 0.1,
                **_dsa_details(case["id"], decision, t),
                "decided_at": t,
                "recorded_by_id": liaison,
                "created_at": t,
            }
        )

    def _comment(self, plan: _Plan, author: int, body: str, t: datetime) -> None:
        plan.comments.append(
            {
                "case_id": plan.case["id"],
                "author_id": author,
                "organisation_id": None,
                "visibility": "shared",
                "body": body,
                "created_at": t,
            }
        )


# Statuses whose agreed deadline runs (not paused, not decided, not escalated).
_RUNNING_CLOCK = {Status.SENT.value, Status.ACKNOWLEDGED.value, Status.CONTESTED.value}
_SETTLED = {Status.CLOSED.value, Status.REJECTED.value, Status.MERGED.value, Status.DECIDED.value}
_CASE_TIMES = (
    "posted_at",
    "first_seen_at",
    "created_at",
    "updated_at",
    "referred_at",
    "acknowledged_at",
    "decided_at",
    "closed_at",
    "escalated_at",
    "sla_due_at",
    "sla_paused_since",
)


def _shift_plan(plan: _Plan, shift: timedelta) -> None:
    """Move every instant of a planned case by `shift`: its history keeps its shape."""
    for key in _CASE_TIMES:
        if plan.case.get(key) is not None:
            plan.case[key] += shift
    for row in (*plan.urls, *plan.events, *plan.comments):
        row["created_at"] += shift
    for row in plan.decisions:
        row["created_at"] += shift
        row["decided_at"] += shift


def _reports(plan: _Plan) -> list[dict[str, Any]]:
    """One report per time the content was reported: the filing, then partners'."""
    case = plan.case
    first = {
        "case_id": case["id"],
        "source": case["source"],
        "reporter_name": case["reporter_name"],
        "reporter_contact": case["reporter_contact"],
        "reporting_organisation_id": case["reporting_organisation_id"],
        "created_by_id": case["created_by_id"],
        "url": plan.urls[0]["url"],
        "note": None,
        "import_batch_id": None,
        "received_at": case["created_at"],
        "created_at": case["created_at"],
    }
    later = [
        {
            **first,
            "source": "public_complaint",
            "reporter_name": None,
            "reporter_contact": None,
            "received_at": case["created_at"] + timedelta(hours=index + 1),
            "created_at": case["created_at"] + timedelta(hours=index + 1),
        }
        for index in range(case["report_count"] - 1)
    ]
    return [first, *later]


def write_plans(session: Session, plans: list[_Plan]) -> None:
    """Bulk-insert planned cases with their rows, chaining their audit events."""
    author_org = dict(session.exec(select(User.id, User.organisation_id)).all())
    # Core inserts: executemany in one batch per table, without the ORM's per-row work.
    connection = session.connection()
    connection.execute(insert(Case.__table__), [p.case for p in plans])
    if session.get_bind().dialect.name == "postgresql":
        # Ids were given explicitly (events and links point at them), which leaves the
        # serial sequence behind: move it past them, or the next filing collides.
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('case_file', 'id'), "
                "(SELECT max(id) FROM case_file))"
            )
        )
    connection.execute(insert(CaseUrl.__table__), [u for p in plans for u in p.urls])
    connection.execute(insert(CaseReport.__table__), [r for p in plans for r in _reports(p)])
    comments = [c for p in plans for c in p.comments]
    for comment in comments:
        comment["organisation_id"] = author_org[comment["author_id"]]
    if comments:
        connection.execute(insert(Comment.__table__), comments)
    decisions = [d for p in plans for d in p.decisions]
    if decisions:
        connection.execute(insert(Decision.__table__), decisions)

    # Chained exactly as the services chain them, in time order, under one head lock.
    events = sorted((e for p in plans for e in p.events), key=lambda e: e["created_at"])
    record_events(session, [{**event, "at": event["created_at"]} for event in events])

    years: dict[int, int] = {}
    for plan in plans:
        _, year, number = plan.case["reference"].split("-")
        years[int(year)] = max(years.get(int(year), 0), int(number))
    for year, number in years.items():
        counter = session.get(ReferenceCounter, year)
        if counter is None:
            session.add(ReferenceCounter(year=year, last_value=number))
        else:
            counter.last_value = max(counter.last_value, number)
            session.add(counter)
    session.flush()
