"""Legal grounds as versioned data: per category, per legal regime (pemilu, pilkada,
other laws), for the account classes a provision binds. Suggestions for a case follow
its election's regime and the account owner's kind."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import may_edit_reference_data, require
from casework.records.audit import record_event
from casework.reference.elections import load_calendar
from casework.reference.seed_taxonomy import LEGAL_GROUNDS, REGIMES
from casework.uow import service
from db.engine import begin_write
from db.models import LegalGround, TaxonomyTerm

REGIME_NAMES = {
    "pemilu": N_("Pemilu"),
    "pilkada": N_("Pilkada"),
    "other": N_("Other laws"),
}
SEPARATOR = "; "


def seed_legal_grounds(session: Session) -> None:
    """The seed's grounds for every category that has none yet (an admin's rows stay)."""
    have = set(session.exec(select(LegalGround.category_code).distinct()))
    for order, row in enumerate(LEGAL_GROUNDS):
        category, regime, citation, classes, takedown, to_verify, note = row
        if category in have:
            continue
        session.add(
            LegalGround(
                category_code=category,
                regime=regime,
                citation=citation,
                account_classes=list(classes),
                takedown=takedown,
                to_verify=to_verify,
                note=note,
                sort_order=order,
            )
        )


def grounds(session: Session, *, active_only: bool = True) -> list[LegalGround]:
    query = select(LegalGround)
    if active_only:
        query = query.where(LegalGround.active)
    return list(session.exec(query.order_by(LegalGround.sort_order, LegalGround.id)))


def applies(ground: LegalGround, regime: str | None, account_class: str | None) -> bool:
    """Whether `ground` fits a case under `regime` whose account owner is of
    `account_class`. A ground that binds only some classes is offered only once the
    class is known and is one of them; without an election every regime is offered."""
    if regime is not None and ground.regime not in (regime, "other"):
        return False
    if ground.account_classes:
        return account_class in ground.account_classes
    return True


def suggestions(
    session: Session, category_code: str | None, regime: str | None, account_class: str | None
) -> list[LegalGround]:
    """The grounds to offer: the election's own regime first, other laws next, the
    takedown ground (for Komdigi) last."""
    if not category_code:
        return []
    rows = [
        g
        for g in grounds(session)
        if g.category_code == category_code and applies(g, regime, account_class)
    ]
    order = {regime: 0, "other": 1}
    return sorted(rows, key=lambda g: (g.takedown, order.get(g.regime, 2), g.sort_order))


def join_citations(citations: list[str]) -> str | None:
    """Several citations as one case field, in the order given, each once."""
    cleaned = [" ".join(c.split()) for c in citations if c and c.strip()]
    return SEPARATOR.join(dict.fromkeys(cleaned)) or None


def split_citations(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


# --- admin edits -----------------------------------------------------------------------


def _require_editor(actor: Actor) -> None:
    require(actor, may_edit_reference_data, "edit_legal_ground")


@service
def save_legal_ground(
    *,
    session: Session,
    actor: Actor,
    ground_id: int | None,
    category_code: str,
    regime: str,
    citation: str,
    account_classes: list[str],
    takedown: bool = False,
    to_verify: bool = False,
    note: str = "",
    active: bool = True,
    change_note: str = "",
) -> LegalGround:
    """Add a ground (`ground_id` None) or change one; each change bumps the version and
    needs a note saying why. The audit log keeps the text before and after."""
    _require_editor(actor)
    errors: dict[str, str] = {}
    citation = " ".join((citation or "").split())
    change_note = " ".join((change_note or "").split())
    if session.get(TaxonomyTerm, ("category", category_code)) is None:
        errors["category_code"] = N_("Choose a category.")
    if regime not in REGIMES:
        errors["regime"] = N_("Choose a value from the list.")
    if not citation:
        errors["citation"] = N_("This field is required.")
    elif len(citation) > 300:
        errors["citation"] = N_("At most 300 characters.")
    known = set(session.exec(select(TaxonomyTerm.code).where(TaxonomyTerm.kind == "account_class")))
    if any(c not in known for c in account_classes):
        errors["account_classes"] = N_("Choose a value from the list.")
    row = session.get(LegalGround, ground_id) if ground_id is not None else None
    if ground_id is not None and row is None:
        errors["ground"] = N_("Unknown legal ground.")
    if row is not None and not change_note:
        errors["change_note"] = N_("Say why the ground changes.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    before = None if row is None else _snapshot(row)
    if row is None:
        row = LegalGround(category_code=category_code, regime=regime, citation="", sort_order=999)
    else:
        row.version += 1
    row.category_code, row.regime, row.citation = category_code, regime, citation
    row.account_classes = list(dict.fromkeys(account_classes))
    row.takedown, row.to_verify, row.active = bool(takedown), bool(to_verify), bool(active)
    row.note = " ".join((note or "").split())[:500]
    row.change_note = change_note[:500]
    session.add(row)
    session.flush()
    record_event(
        session,
        action="legal_ground_changed",
        actor_id=actor.user_id,
        detail={
            "id": row.id,
            "version": row.version,
            "note": row.change_note,
            "before": before,
            "after": _snapshot(row),
        },
    )
    return row


def _snapshot(row: LegalGround) -> dict:
    return {
        "category": row.category_code,
        "regime": row.regime,
        "citation": row.citation,
        "classes": list(row.account_classes),
        "takedown": row.takedown,
        "to_verify": row.to_verify,
        "active": row.active,
    }


def regime_for(session: Session, day: date, province_code: str | None, regency_code=None):
    """The legal regime of the election a case on `day` in that region belongs to (None
    when no election is on record there)."""
    election = load_calendar(session).election_for(day, province_code, regency_code)
    return election.legal_regime if election is not None else None


def suggestions_for_case(
    session: Session,
    *,
    category_code: str | None,
    account_class: str | None,
    province_code: str | None,
    regency_code: str | None,
    day: date,
) -> list[LegalGround]:
    """What the New report form offers: the grounds of the case's election's regime and
    of the other laws, for the account owner's kind."""
    regime = regime_for(session, day, province_code, regency_code)
    return suggestions(session, category_code, regime, account_class)
