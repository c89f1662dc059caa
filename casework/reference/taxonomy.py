"""Reference data: categories and other lists, platforms, regions and the election
calendar. Seeded once (idempotent), then edited by leads and admins through here."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from casework.capture.outcomes import seed_capture_markers
from casework.clocks.seed import seed_clock_rules
from casework.desk.sla import SlaPolicy
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import is_supervisory_admin, may_edit_reference_data, require
from casework.people.roles import OrgKind
from casework.records.audit import record_event
from casework.reference.legal_grounds import seed_legal_grounds
from casework.reference.places import seed_region_aliases
from casework.reference.seed_taxonomy import (
    DSA_MAPPINGS,
    ELECTION_SCOPES,
    ELECTIONS,
    PHASE_TYPES,
    PLATFORMS,
    TAXONOMY,
    province_time_zone,
)
from casework.uow import service
from db.engine import begin_write
from db.models import (
    DsaMapping,
    Election,
    ElectionPhase,
    Organisation,
    PhaseType,
    Platform,
    Region,
    TaxonomyTerm,
)

SEED_DIR = Path(__file__).resolve().parents[2] / "db" / "seed_data"

# The seeded phase types' labels as messages, for text outside a session (e.g. exports).
# Phase types are data (`phase_type`, see casework.reference.elections.phase_labels).
PHASE_LABELS = {
    "campaign": N_("Campaign"),
    "campaign_ads": N_("Campaign advertising window"),
    "quiet_period": N_("Quiet period"),
    "voting": N_("Voting day"),
    "recapitulation": N_("Recapitulation"),
    "revote": N_("Re-vote"),
}

TAXONOMY_KIND_LABELS = {
    "category": N_("Categories"),
    "content_type": N_("Content types"),
    "account_class": N_("Account classes"),
    "source": N_("Sources"),
    "decision_type": N_("Decision types"),
}


def seed_reference_data(session: Session) -> None:
    """Insert the default taxonomy, platforms, regions and calendar where missing.
    Rows an admin already edited are left alone."""
    for kind, rows in TAXONOMY.items():
        existing = set(session.exec(select(TaxonomyTerm.code).where(TaxonomyTerm.kind == kind)))
        for order, row in enumerate(rows):
            code, label_id, label_en = row[:3]
            if code in existing:
                continue
            session.add(
                TaxonomyTerm(
                    kind=kind, code=code, label_id=label_id, label_en=label_en, sort_order=order
                )
            )
    session.flush()
    seed_legal_grounds(session)
    known_types = set(session.exec(select(PhaseType.code)))
    for order, (code, label_id, label_en, urgent) in enumerate(PHASE_TYPES):
        if code not in known_types:
            session.add(
                PhaseType(
                    code=code, label_id=label_id, label_en=label_en, urgent=urgent, sort_order=order
                )
            )

    operators: dict[str, Organisation] = {}
    for order, (code, name, operator_name) in enumerate(PLATFORMS):
        operator = (
            operators.get(operator_name)
            or session.exec(select(Organisation).where(Organisation.name == operator_name)).first()
        )
        if operator is None:
            operator = Organisation(name=operator_name, kind=OrgKind.PLATFORM)
            session.add(operator)
            session.flush()
        operators[operator_name] = operator
        if session.get(Platform, code) is None:
            session.add(Platform(code=code, name=name, operator_id=operator.id, sort_order=order))

    if session.exec(select(Region.code).limit(1)).first() is None:
        with (SEED_DIR / "provinces.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                session.add(
                    Region(
                        code=row["code"],
                        name=row["name"],
                        level="province",
                        province_code=row["code"],
                        time_zone=province_time_zone(row["code"]),
                    )
                )
        with (SEED_DIR / "regencies.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                session.add(
                    Region(
                        code=row["code"],
                        name=row["name"],
                        level="regency",
                        province_code=row["province_code"],
                        time_zone=province_time_zone(row["province_code"]),
                    )
                )

    session.flush()
    seed_region_aliases(session)
    seed_clock_rules(session)
    for code, name, voting_day, phases in ELECTIONS:
        election = session.get(Election, code)
        if election is None:
            kind, regime, regions = ELECTION_SCOPES.get(code, ("pemilu", "pemilu", []))
            election = Election(
                code=code,
                name=name,
                voting_day=voting_day,
                kind=kind,
                legal_regime=regime,
                region_codes=list(regions),
            )
            session.add(election)
            session.flush()
        # A phase type added to the seed later (the campaign-ad window) reaches databases
        # seeded before it; phases an admin moved keep their dates.
        have = set(
            session.exec(select(ElectionPhase.phase).where(ElectionPhase.election_code == code))
        )
        for phase, starts_on, ends_on in phases:
            if phase not in have:
                session.add(
                    ElectionPhase(
                        election_code=code, phase=phase, starts_on=starts_on, ends_on=ends_on
                    )
                )

    # Only into an empty table: a mapping an admin removed stays removed.
    if session.exec(select(DsaMapping.code).limit(1)).first() is None:
        for kind, code, value, other_text, additions in DSA_MAPPINGS:
            session.add(
                DsaMapping(
                    kind=kind,
                    code=code,
                    dsa_value=value,
                    other_text=other_text,
                    additions=list(additions),
                )
            )
    seed_capture_markers(session)
    session.flush()


# --- lookups ---------------------------------------------------------------------------


def terms(session: Session, kind: str, *, active_only: bool = True) -> list[TaxonomyTerm]:
    query = select(TaxonomyTerm).where(TaxonomyTerm.kind == kind)
    if active_only:
        query = query.where(TaxonomyTerm.active)
    return list(session.exec(query.order_by(TaxonomyTerm.sort_order, TaxonomyTerm.code)))


def term_label(term: TaxonomyTerm, language: str) -> str:
    return term.label_en if language == "en" else term.label_id


def platforms(session: Session, *, active_only: bool = True) -> list[Platform]:
    query = select(Platform)
    if active_only:
        query = query.where(Platform.active)
    return list(session.exec(query.order_by(Platform.sort_order)))


def provinces(session: Session) -> list[Region]:
    return list(
        session.exec(select(Region).where(Region.level == "province").order_by(Region.code))
    )


def regencies(session: Session, province_code: str) -> list[Region]:
    return list(
        session.exec(
            select(Region)
            .where(Region.level == "regency", Region.province_code == province_code)
            .order_by(Region.code)
        )
    )


def region_rows(session: Session, province_code: str) -> list[Region]:
    """A province followed by its regencies and cities."""
    return list(
        session.exec(
            select(Region).where(Region.province_code == province_code).order_by(Region.code)
        )
    )


def sla_policy(session: Session, platform_code: str) -> SlaPolicy:
    platform = session.get(Platform, platform_code)
    if platform is None:
        return SlaPolicy()
    return SlaPolicy(urgent_hours=platform.sla_urgent_hours, normal_hours=platform.sla_normal_hours)


def elections(session: Session) -> list[Election]:
    return list(session.exec(select(Election).order_by(Election.code)))


def all_phases(session: Session) -> list[ElectionPhase]:
    return list(session.exec(select(ElectionPhase).order_by(ElectionPhase.starts_on)))


def phase_on(
    session: Session,
    day: date,
    *,
    phases: list[ElectionPhase] | None = None,
    province_code: str | None = None,
    regency_code: str | None = None,
) -> ElectionPhase | None:
    """The election phase that `day` falls in, if any (the most specific one wins). With
    a region, only elections held there count, and a regional one wins."""
    candidates = all_phases(session) if phases is None else phases
    scopes = {e.code: set(e.region_codes or []) for e in elections(session)}

    def held_there(p: ElectionPhase) -> bool:
        regions = scopes.get(p.election_code, set())
        return not regions or bool({province_code, regency_code} & regions)

    matches = [p for p in candidates if p.starts_on <= day <= p.ends_on and held_there(p)]
    if matches and any(scopes.get(p.election_code) for p in matches):
        matches = [p for p in matches if scopes.get(p.election_code)]
    if not matches:
        return None
    return min(matches, key=lambda p: p.ends_on - p.starts_on)


# --- admin edits -----------------------------------------------------------------------


def _require_editor(actor: Actor) -> None:
    require(actor, may_edit_reference_data, "edit_taxonomy")


@service
def update_term(
    *,
    session: Session,
    actor: Actor,
    kind: str,
    code: str,
    label_id: str,
    label_en: str,
    active: bool = True,
    change_note: str = "",
) -> TaxonomyTerm:
    """Create or change one term of a list; both labels are required. A change bumps the
    term's version and keeps the note saying why."""
    _require_editor(actor)
    if kind not in TAXONOMY:
        raise ValidationError({"kind": N_("Unknown list.")})
    errors = {}
    code = code.strip().lower()
    if not code or not code.replace("_", "").isalnum() or len(code) > 64:
        errors["code"] = N_("Use lowercase letters, digits and underscores (at most 64).")
    if not label_id.strip():
        errors["label_id"] = N_("This field is required.")
    if not label_en.strip():
        errors["label_en"] = N_("This field is required.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    term = session.get(TaxonomyTerm, (kind, code))
    before = (
        None
        if term is None
        else {"label_id": term.label_id, "label_en": term.label_en, "active": term.active}
    )
    if term is None:
        term = TaxonomyTerm(kind=kind, code=code, label_id="", label_en="", sort_order=999)
    else:
        term.version += 1
    term.label_id = label_id.strip()[:200]
    term.label_en = label_en.strip()[:200]
    term.active = active
    term.change_note = " ".join((change_note or "").split())[:500]
    session.add(term)
    record_event(
        session,
        action="taxonomy_changed",
        actor_id=actor.user_id,
        detail={
            "kind": kind,
            "code": code,
            "before": before,
            "after": {"label_id": term.label_id, "label_en": term.label_en, "active": active},
            "version": term.version,
            "note": term.change_note,
        },
    )
    return term


@service
def update_phase(
    *, session: Session, actor: Actor, phase_id: int, starts_on: date, ends_on: date
) -> ElectionPhase:
    """Move one phase of an election calendar."""
    _require_editor(actor)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": N_("The end date is before the start date.")})
    begin_write(session)
    phase = session.get(ElectionPhase, phase_id)
    if phase is None:
        raise ValidationError({"phase": N_("Unknown phase.")})
    before = {"starts_on": phase.starts_on.isoformat(), "ends_on": phase.ends_on.isoformat()}
    phase.starts_on, phase.ends_on = starts_on, ends_on
    session.add(phase)
    record_event(
        session,
        action="calendar_changed",
        actor_id=actor.user_id,
        detail={
            "election": phase.election_code,
            "phase": phase.phase,
            "before": before,
            "after": {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        },
    )
    return phase


@service
def update_platform_sla(
    *, session: Session, actor: Actor, platform_code: str, urgent_hours: float, normal_hours: float
) -> Platform:
    """Set a platform agreement's deadlines (admins only)."""
    # A platform's own admin must never loosen its own deadlines.
    require(actor, is_supervisory_admin, "update_platform_sla", platform=platform_code)
    errors = {}
    if not 0 < urgent_hours <= 720:
        errors["urgent_hours"] = N_("Enter a number of hours between 0 and 720.")
    if not 0 < normal_hours <= 720:
        errors["normal_hours"] = N_("Enter a number of hours between 0 and 720.")
    if not errors and urgent_hours > normal_hours:
        errors["urgent_hours"] = N_("The urgent deadline cannot be longer than the normal one.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    platform = session.get(Platform, platform_code)
    if platform is None:
        raise ValidationError({"platform": N_("Unknown platform.")})
    before = {"urgent": platform.sla_urgent_hours, "normal": platform.sla_normal_hours}
    platform.sla_urgent_hours, platform.sla_normal_hours = urgent_hours, normal_hours
    session.add(platform)
    record_event(
        session,
        action="sla_policy_changed",
        actor_id=actor.user_id,
        detail={
            "platform": platform_code,
            "before": before,
            "after": {"urgent": urgent_hours, "normal": normal_hours},
        },
    )
    return platform
