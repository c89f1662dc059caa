"""The statutory track's shared rules: the hierarchy rule (who may refer), the office
above an office, and the cleaning of free text. The track's steps are spec rows of
`casework.desk.actions`; their bespoke parts are in `casework.statutory.steps`."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.desk.access import log_denied
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.roles import OrgKind
from casework.statutory.rules import rule
from casework.statutory.stages import Stage
from casework.text import multi_line
from db.models import Case, Organisation, User

MAX_TEXT = 20_000


def check_may_refer(session: Session, actor: Actor, attempted: str, case_id=None) -> None:
    """With the hierarchy rule on, only designated national staff refer to platforms and
    Komdigi; regional offices forward up instead."""
    if not rule(session, "hierarchy_forward_up"):
        return
    user = session.get(User, actor.user_id)
    if not (actor.is_national and user is not None and user.designated_referrer):
        log_denied(actor, attempted, case_id=case_id)
        raise PermissionDenied(N_("Only designated national staff refer; forward the case up."))


def parent_office(session: Session, office: Organisation) -> Organisation | None:
    """The office above `office`: regency → province → Bawaslu RI (None above it)."""
    if office.region_code is None:
        return None
    parent_region = office.region_code.split(".")[0] if "." in office.region_code else None
    query = select(Organisation).where(
        Organisation.kind == OrgKind.SUPERVISORY,
        Organisation.active,
        Organisation.region_code.is_(None)
        if parent_region is None
        else Organisation.region_code == parent_region,
    )
    parent = session.exec(query.order_by(Organisation.id)).first()
    if parent is None and parent_region is not None:
        # No provincial office on file: the case goes to the national office.
        return session.exec(
            select(Organisation)
            .where(
                Organisation.kind == OrgKind.SUPERVISORY,
                Organisation.active,
                Organisation.region_code.is_(None),
            )
            .order_by(Organisation.id)
        ).first()
    return parent


def handling_office(session: Session, case: Case) -> Organisation:
    return session.get(
        Organisation, case.handling_organisation_id or case.reporting_organisation_id
    )


def clean_text(value: str | None, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = multi_line(value).strip()
    if required and not text:
        raise ValidationError({field: N_("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: N_("This text is too long.")})
    return text


ALL_STAGES = tuple(Stage)
