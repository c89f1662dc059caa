"""Elections as data: phase types (labelled in both languages, some urgent), elections
with a kind, a legal regime and the regions they are held in, and their phases. A case's
election, phase and default priority are chosen by its local date AND its region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from casework.desk import sla
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import may_edit_reference_data, require
from casework.records.audit import record_event
from casework.reference.seed_taxonomy import ELECTION_KINDS
from casework.uow import service
from db.engine import begin_write
from db.models import Election, ElectionPhase, PhaseType, Region

KIND_LABELS = {
    "pemilu": N_("Pemilu (general election)"),
    "pilkada": N_("Pilkada (regional election)"),
    "psu": N_("Re-vote (PSU)"),
    "second_round": N_("Second round"),
}
REGIME_LABELS = {
    "pemilu": N_("Pemilu (UU 7/2017)"),
    "pilkada": N_("Pilkada (UU 1/2015 as amended)"),
}
LEGAL_REGIMES = tuple(REGIME_LABELS)


@dataclass(frozen=True)
class Window:
    """One phase of one election, with what the calendar needs to place a case."""

    election_code: str
    phase: str
    starts_on: date
    ends_on: date
    regions: frozenset[str]  # empty: nationwide
    urgent: bool
    regime: str

    def covers(self, province_code: str | None, regency_code: str | None) -> bool:
        if not self.regions:
            return True
        return bool({province_code, regency_code} & self.regions)


@dataclass(frozen=True)
class Calendar:
    """Every phase of every election, read once; answers by date and region."""

    windows: tuple[Window, ...]
    elections: dict[str, Election]

    def phase_for(
        self, day: date, province_code: str | None, regency_code: str | None = None
    ) -> Window | None:
        """The phase `day` falls in for the region: a regional election wins over a
        nationwide one, then the shortest phase (the most specific)."""
        matches = [
            w
            for w in self.windows
            if w.starts_on <= day <= w.ends_on and w.covers(province_code, regency_code)
        ]
        if not matches:
            return None
        return min(matches, key=lambda w: (not w.regions, w.ends_on - w.starts_on))

    def priority_for(
        self,
        posted_at: datetime | None,
        zone: str,
        province_code: str | None,
        regency_code: str | None = None,
    ) -> sla.Priority:
        """Urgent when the content was posted, on the region's local date, in an urgent
        phase of an election held in that region."""
        if posted_at is None:
            return sla.Priority.NORMAL
        day = posted_at.astimezone(ZoneInfo(zone)).date()
        for window in self.windows:
            if (
                window.urgent
                and window.starts_on <= day <= window.ends_on
                and window.covers(province_code, regency_code)
            ):
                return sla.Priority.URGENT
        return sla.Priority.NORMAL

    def election_for(
        self, day: date, province_code: str | None, regency_code: str | None = None
    ) -> Election | None:
        """The election a case belongs to: the one whose phases span `day` in the region,
        else the next one held there, else the last one."""
        spans: dict[str, tuple[date, date]] = {}
        for w in self.windows:
            if w.covers(province_code, regency_code):
                start, end = spans.get(w.election_code, (w.starts_on, w.ends_on))
                spans[w.election_code] = (min(start, w.starts_on), max(end, w.ends_on))
        if not spans:
            return None
        inside = [c for c, (s, e) in spans.items() if s <= day <= e]
        if inside:
            regional = [c for c in inside if self.elections[c].region_codes]
            return self.elections[(regional or inside)[0]]
        later = sorted((s, c) for c, (s, e) in spans.items() if s > day)
        if later:
            return self.elections[later[0][1]]
        return self.elections[max((e, c) for c, (s, e) in spans.items())[1]]


def load_calendar(session: Session) -> Calendar:
    elections = {e.code: e for e in session.exec(select(Election))}
    urgent = {t.code for t in session.exec(select(PhaseType).where(PhaseType.urgent))}
    windows = []
    for p in session.exec(select(ElectionPhase).order_by(ElectionPhase.starts_on)):
        election = elections.get(p.election_code)
        if election is None:
            continue
        windows.append(
            Window(
                election_code=p.election_code,
                phase=p.phase,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                regions=frozenset(election.region_codes or []),
                urgent=p.phase in urgent,
                regime=election.legal_regime,
            )
        )
    return Calendar(windows=tuple(windows), elections=elections)


def phase_types(session: Session) -> list[PhaseType]:
    return list(session.exec(select(PhaseType).order_by(PhaseType.sort_order, PhaseType.code)))


def phase_labels(session: Session, language: str) -> dict[str, str]:
    """Phase code → its label in `language`, from the data."""
    return {t.code: t.label_en if language == "en" else t.label_id for t in phase_types(session)}


# --- admin edits -----------------------------------------------------------------------


def _require_admin(actor: Actor, action: str) -> None:
    require(actor, may_edit_reference_data, action)


def _clean_code(code: str, errors: dict, field: str = "code") -> str:
    code = (code or "").strip().lower()
    if not code or not code.replace("_", "").isalnum() or len(code) > 32:
        errors[field] = N_("Use lowercase letters, digits and underscores (at most 32).")
    return code


@service
def save_phase_type(
    *,
    session: Session,
    actor: Actor,
    code: str,
    label_id: str,
    label_en: str,
    urgent: bool,
) -> PhaseType:
    """Create or change a phase type (labels in both languages, the urgent flag)."""
    _require_admin(actor, "save_phase_type")
    errors: dict[str, str] = {}
    code = _clean_code(code, errors)
    if not (label_id or "").strip():
        errors["label_id"] = N_("This field is required.")
    if not (label_en or "").strip():
        errors["label_en"] = N_("This field is required.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    row = session.get(PhaseType, code)
    before = None if row is None else {"label_id": row.label_id, "urgent": row.urgent}
    if row is None:
        row = PhaseType(code=code, label_id="", label_en="", sort_order=100)
    row.label_id, row.label_en = label_id.strip()[:120], label_en.strip()[:120]
    row.urgent = bool(urgent)
    session.add(row)
    record_event(
        session,
        action="calendar_changed",
        actor_id=actor.user_id,
        detail={
            "phase_type": code,
            "before": before,
            "after": {"label_id": row.label_id, "urgent": row.urgent},
        },
    )
    return row


@dataclass
class PhaseIn:
    phase: str
    starts_on: date | None
    ends_on: date | None


@service
def add_election(
    *,
    session: Session,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    legal_regime: str,
    voting_day: date | None,
    region_codes: list[str],
    phases: list[PhaseIn],
) -> Election:
    """Add an election (Pemilu, Pilkada, PSU or second round) with its regions (none:
    nationwide) and its phases. Every problem is reported at once; nothing is saved
    unless all of it is right."""
    _require_admin(actor, "add_election")
    errors: dict[str, str] = {}
    code = _clean_code(code, errors)
    name = (name or "").strip()
    if not name:
        errors["name"] = N_("This field is required.")
    if kind not in ELECTION_KINDS:
        errors["kind"] = N_("Choose a value from the list.")
    if legal_regime not in LEGAL_REGIMES:
        errors["legal_regime"] = N_("Choose a value from the list.")
    if voting_day is None:
        errors["voting_day"] = N_("This field is required.")
    regions = list(dict.fromkeys(c.strip() for c in region_codes if c and c.strip()))
    known = (
        set(session.exec(select(Region.code).where(Region.code.in_(regions)))) if regions else set()
    )
    unknown = [c for c in regions if c not in known]
    if unknown:
        errors["region_codes"] = N_(
            "Some region codes are unknown: use Kemendagri codes such as 73 or 73.71."
        )
    types = {t.code for t in phase_types(session)}
    seen: set[str] = set()
    for p in phases:
        if p.phase not in types:
            errors["phases"] = N_("Choose a phase type from the list.")
        elif p.phase in seen:
            errors["phases"] = N_("Each phase type can appear only once per election.")
        elif p.starts_on is None or p.ends_on is None:
            errors["phases"] = N_("Give each phase a start and an end date.")
        elif p.ends_on < p.starts_on:
            errors["phases"] = N_("The end date is before the start date.")
        seen.add(p.phase)
    if not phases:
        errors["phases"] = N_("Add at least one phase.")
    if not errors.get("code") and session.get(Election, code) is not None:
        errors["code"] = N_("An election with this code already exists.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    election = Election(
        code=code,
        name=name[:120],
        voting_day=voting_day,
        kind=kind,
        legal_regime=legal_regime,
        region_codes=regions,
    )
    session.add(election)
    session.flush()
    for p in phases:
        session.add(
            ElectionPhase(
                election_code=code, phase=p.phase, starts_on=p.starts_on, ends_on=p.ends_on
            )
        )
    record_event(
        session,
        action="calendar_changed",
        actor_id=actor.user_id,
        detail={
            "election": code,
            "added": {
                "name": election.name,
                "kind": kind,
                "legal_regime": legal_regime,
                "regions": regions,
                "phases": [
                    [p.phase, p.starts_on.isoformat(), p.ends_on.isoformat()] for p in phases
                ],
            },
        },
    )
    return election
