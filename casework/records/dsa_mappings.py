"""How Pantau's codes read in a DSA statement of reasons: the admin-editable table
`dsa_mapping`, read once per export, and its admin edits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from casework.admin.common import require_admin
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.records.audit import record_event
from casework.records.dsa_values import ADDITIONS, MAPPABLE, OTHER_VALUES
from casework.uow import service
from db.engine import begin_write
from db.models import DsaMapping, TaxonomyTerm


@dataclass(frozen=True)
class Mapping:
    value: str
    other_text: str | None
    additions: tuple[str, ...]


class Mappings:
    """Every mapping, by taxonomy kind and code."""

    def __init__(self, rows: list[DsaMapping]):
        self._rows = {
            (r.kind, r.code): Mapping(r.dsa_value, r.other_text, tuple(r.additions or ()))
            for r in rows
        }

    @classmethod
    def load(cls, session: Session) -> Mappings:
        return cls(list(session.exec(select(DsaMapping))))

    def get(self, kind: str, code: str | None) -> Mapping | None:
        return self._rows.get((kind, code or ""))

    def codes_for(self, kind: str, value: str) -> list[str]:
        """Pantau's codes of `kind` that map to the DSA `value` (to read a statement)."""
        return sorted(code for (k, code), m in self._rows.items() if k == kind and m.value == value)


def mapping_rows(session: Session) -> list[DsaMapping]:
    """Every mapping, by kind and code, for the admin page."""
    return list(session.exec(select(DsaMapping).order_by(DsaMapping.kind, DsaMapping.code)))


@service
def save_dsa_mapping(
    *,
    session: Session,
    actor: Actor,
    kind: str,
    code: str,
    dsa_value: str,
    other_text: str | None = None,
    additions: list[str] | None = None,
) -> DsaMapping:
    """Create or change how one code reads in a statement of reasons (admins only)."""
    require_admin(actor, "edit_dsa_mapping")
    errors: dict[str, str] = {}
    additions = list(dict.fromkeys(a.strip() for a in additions or [] if a.strip()))
    other_text = (other_text or "").strip() or None
    if kind not in MAPPABLE:
        errors["kind"] = N_("Unknown list.")
    elif session.get(TaxonomyTerm, (kind, code)) is None:
        errors["code"] = N_("Choose a value from the list.")
    if kind in MAPPABLE and dsa_value not in MAPPABLE[kind]:
        errors["dsa_value"] = N_("Choose a value from the list.")
    elif dsa_value in OTHER_VALUES and not other_text:
        errors["other_text"] = N_("Say what the restriction or content is: the DSA asks for it.")
    if other_text and len(other_text) > 500:
        errors["other_text"] = N_("This is too long.")
    if any(a not in ADDITIONS.get(kind, ()) for a in additions):
        errors["additions"] = N_("Choose a value from the list.")
    if errors:
        raise ValidationError(errors)
    begin_write(session)
    row = session.get(DsaMapping, (kind, code))
    before = None if row is None else {"value": row.dsa_value, "additions": row.additions}
    if row is None:
        row = DsaMapping(kind=kind, code=code, dsa_value=dsa_value)
    row.dsa_value, row.other_text, row.additions = dsa_value, other_text, additions
    session.add(row)
    record_event(
        session,
        action="dsa_mapping_changed",
        actor_id=actor.user_id,
        detail={
            "kind": kind,
            "code": code,
            "before": before,
            "after": {"value": dsa_value, "additions": additions},
        },
    )
    return row


@service
def remove_dsa_mapping(*, session: Session, actor: Actor, kind: str, code: str) -> None:
    """Remove a mapping: the code's statements are then held back (admins only)."""
    require_admin(actor, "edit_dsa_mapping")
    begin_write(session)
    row = session.get(DsaMapping, (kind, code))
    if row is None:
        raise ValidationError({"code": N_("Choose a value from the list.")})
    record_event(
        session,
        action="dsa_mapping_changed",
        actor_id=actor.user_id,
        detail={"kind": kind, "code": code, "before": {"value": row.dsa_value}, "after": None},
    )
    session.delete(row)
