"""The statutory track's rules that the law leaves open ([L]/[U] in the review): kept
as rows of `statutory_rule` an admin can change, with these defaults. Each is named in
docs/decisions.md (Issue 17)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import is_supervisory_admin, require
from casework.records.audit import record_event
from casework.uow import service
from db.models import StatutoryRule

DEFAULTS: dict[str, Any] = {
    # [U] Whether platform and Komdigi requests go through Bawaslu RI (regional offices
    # forward up, regency → province → national).
    "hierarchy_forward_up": False,
    # [C] UU 7/2017 Pasal 454 (5)–(6): 7 days from discovery / from knowing.
    "temuan_window_days": 7,
    "laporan_window_days": 7,
    # [C] Perbawaslu 7/2022 Pasal 15: the kajian awal takes 2 days.
    "kajian_awal_days": 2,
    # [C] Pasal 454 (7)–(8): 7 days, up to 14 working days more with information.
    "decision_days": 7,
    "decision_extra_working_days": 14,
    # [C] Pasal 476 (1): forward to the police within 1×24 hours.
    "gakkumdu_hours": 24,
    # [L] Permenkominfo 5/2020: 24 h from Komdigi's order, 4 h when mendesak.
    "regulatory_hours": 24,
    "regulatory_urgent_hours": 4,
    # [L] The body a violation kind goes to (Pasal 455), the suggestion on the forwarding
    # form. A key "kind/terlapor status" is more specific than the kind alone: a civil
    # servant's breach of other laws (ASN neutrality) goes to BKN, where other laws
    # otherwise mean online content, for Komdigi.
    "forward_body_for_kind": {
        "administratif": "kpu",
        "kode_etik": "dkpp",
        "pidana_pemilu": "gakkumdu",
        "lainnya": "komdigi",
        "lainnya/asn": "bkn",
    },
}


def rule(session: Session, key: str) -> Any:
    """The value of rule `key`: the admin's row, else the default."""
    row = session.get(StatutoryRule, key)
    return row.value if row is not None else DEFAULTS[key]


@service
def set_rule(*, session: Session, actor: Actor, key: str, value: Any, note: str = "") -> None:
    """An admin changes one rule; audited, in the caller's unit of work or its own."""
    require(actor, is_supervisory_admin, "set_statutory_rule")
    if key not in DEFAULTS:
        raise ValidationError({"key": N_("Choose a value from the list.")})
    if type(value) is not type(DEFAULTS[key]):
        raise ValidationError({"value": N_("Choose a value from the list.")})
    row = session.get(StatutoryRule, key)
    before = row.value if row is not None else DEFAULTS[key]
    if row is None:
        row = StatutoryRule(key=key, value=value, change_note=note[:500])
    else:
        row.value, row.version, row.change_note = value, row.version + 1, note[:500]
    session.add(row)
    record_event(
        session,
        action="statutory_rules_changed",
        actor_id=actor.user_id,
        detail={"key": key, "before": before, "after": value},
    )


def all_rules(session: Session) -> dict[str, Any]:
    """Every rule with its current value (the admin's, else the default)."""
    return {key: rule(session, key) for key in DEFAULTS}
