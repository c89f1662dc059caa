"""Election routes: the elections on record, and adding one (a new Pilkada, a re-vote
in some regions, Pemilu 2029) without code. The rules stay in casework.reference.elections."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Body, Depends
from sqlmodel import Session, select

from casework.outbox.api_tokens import TokenHolder
from casework.people.roles import OrgKind, Role
from casework.reference.elections import PhaseIn, add_election, phase_types
from casework.reference.places import resolve_region
from db.models import Election, ElectionPhase
from web.api import models as m
from web.api.deps import edit_calendar, get_session, holder
from web.api.errors import ERRORS

router = APIRouter(prefix="/elections", tags=["elections"])


def _out(session: Session, election: Election) -> m.ElectionOut:
    urgent = {t.code for t in phase_types(session) if t.urgent}
    phases = session.exec(
        select(ElectionPhase)
        .where(ElectionPhase.election_code == election.code)
        .order_by(ElectionPhase.starts_on)
    )
    return m.ElectionOut(
        code=election.code,
        name=election.name,
        kind=election.kind,
        legal_regime=election.legal_regime,
        voting_day=election.voting_day,
        regions=list(election.region_codes or []),
        phases=[
            m.PhaseOut(
                phase=p.phase, starts_on=p.starts_on, ends_on=p.ends_on, urgent=p.phase in urgent
            )
            for p in phases
        ],
    )


@router.get("", response_model=list[m.ElectionOut], responses=ERRORS, summary="List elections")
def list_elections(
    session: Session = Depends(get_session), found: TokenHolder = Depends(holder)
) -> list[m.ElectionOut]:
    """Every election with its kind, legal regime, regions (empty: nationwide) and phases."""
    return [_out(session, e) for e in session.exec(select(Election).order_by(Election.code))]


@router.post(
    "",
    response_model=m.ElectionOut,
    status_code=201,
    responses=ERRORS,
    summary="Add an election",
)
def create_election(
    body: Annotated[m.ElectionBody, Body()],
    session: Session = Depends(get_session),
    found: TokenHolder = Depends(edit_calendar),
) -> m.ElectionOut:
    """Add an election with its regions and phases; new cases in those regions take their
    phase and default priority from it. The same checks as the admin page."""
    actor = found.actor
    if actor.organisation_kind == OrgKind.SUPERVISORY:
        # The scope is the grant: the token acts as a lead for the calendar only.
        actor = replace(actor, role=Role.LEAD)
    regions = [resolve_region(session, r) or r for r in body.regions]
    election = add_election(
        session=session,
        actor=actor,
        code=body.code,
        name=body.name,
        kind=body.kind,
        legal_regime=body.legal_regime,
        voting_day=body.voting_day,
        region_codes=regions,
        phases=[PhaseIn(p.phase, p.starts_on, p.ends_on) for p in body.phases],
    )
    return _out(session, election)
