"""Who may do what, once. Each rule is a named predicate on an `Actor`; services refuse
with `require(actor, rule, attempted)`, which logs the refusal and raises
`PermissionDenied`. Pages ask the same predicates (or a flag the service computed, such
as `CaseView.may_assign`) to decide what to draw, never a role spelled out again.

The lifecycle's own rules are the transition table (casework/desk/workflow.py); the case
scope (which cases an actor may see) is `casework.people.actors.case_scope`. The permission
matrix in tests/matrix_operations.py is the independent oracle for all of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from casework.desk.access import log_denied
from casework.errors import PermissionDenied
from casework.people.roles import OrgKind, Role

if TYPE_CHECKING:
    from casework.people.actors import Actor

Rule = Callable[["Actor"], bool]


def _supervisory(actor: Actor, *roles: Role) -> bool:
    return actor.organisation_kind == OrgKind.SUPERVISORY and actor.role in roles


def is_supervisory_admin(actor: Actor | None) -> bool:
    """An admin of the supervisory body: accounts, organisations, reference data."""
    return actor is not None and _supervisory(actor, Role.ADMIN)


def works_cases(actor: Actor) -> bool:
    """The supervisory body's caseworkers (officers and leads): they file, review,
    refer, assign, bundle, import."""
    return _supervisory(actor, Role.OFFICER, Role.LEAD)


def may_see_internal(actor: Actor) -> bool:
    """Internal comments and the reporter's identity stay inside the supervisory body."""
    return works_cases(actor)


def may_assign(actor: Actor) -> bool:
    """Who may assign a case and set its priority."""
    return works_cases(actor)


def may_bundle(actor: Actor) -> bool:
    """Who may build an evidence bundle of cases they see."""
    return works_cases(actor)


def may_edit_reference_data(actor: Actor) -> bool:
    """The taxonomy, the legal grounds, elections and phase types: leads and admins of
    the supervisory body."""
    return _supervisory(actor, Role.LEAD, Role.ADMIN)


def may_read_audit(actor: Actor) -> bool:
    """The audit log: leads and admins of the supervisory body."""
    return _supervisory(actor, Role.LEAD, Role.ADMIN)


def may_verify_bundles(actor: Actor) -> bool:
    """The audit log's readers and the caseworkers who receive bundles back."""
    return _supervisory(actor, Role.OFFICER, Role.LEAD, Role.ADMIN)


def may_read_internal_report(actor: Actor) -> bool:
    """The internal transparency report: caseworkers and admins of the supervisory body."""
    return _supervisory(actor, Role.OFFICER, Role.LEAD, Role.ADMIN)


def may_export_decisions(actor: Actor) -> bool:
    """Liaisons (their platforms' decisions) and the supervisory body's caseworkers."""
    return actor.role == Role.LIAISON or works_cases(actor)


def may_add_evidence(actor: Actor) -> bool:
    """Whether the actor's role may attach evidence at all; the case's scope is checked
    when they do."""
    return works_cases(actor) or (
        actor.role == Role.LIAISON and actor.organisation_kind == OrgKind.PLATFORM
    )


def may_comment(actor: Actor) -> bool:
    """Everyone who works a case from either side; observers and admins only read."""
    return actor.role not in (Role.OBSERVER, Role.ADMIN)


def may_post_internal(actor: Actor) -> bool:
    """A platform's comments are always shared with the supervisory body: only the
    supervisory side keeps internal notes."""
    return actor.organisation_kind != OrgKind.PLATFORM


def require(actor: Actor | None, rule: Rule, attempted: str, **target: Any) -> None:
    """Refuse `attempted` unless `rule(actor)` holds; the refusal is logged."""
    if actor is None or not rule(actor):
        log_denied(actor, attempted, **target)
        raise PermissionDenied()
