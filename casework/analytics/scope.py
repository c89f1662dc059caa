"""Who sees which part of the dashboard, as conditions inside the read model's SQL.

- Officers and leads: the cases of their office's region (national: all), exactly as
  `casework.people.actors.case_scope` says for the case queue.
- Liaisons: the referred cases of the platforms their organisation operates, in full,
  and the referred cases of the *other* platforms only as one aggregate (never another
  platform by name), beside their own: the two never overlap. Referred cases only,
  like their queue, so a click through to the queue shows the cases a figure counted.
- Observers and administrators: every case, as aggregates only: no account handles,
  no case-level rows, no case-level export.
- Regulator liaisons: the cases escalated to the regulator, as their queue shows them."""

from __future__ import annotations

from dataclasses import dataclass

from casework.desk.access import log_denied
from casework.errors import PermissionDenied
from casework.people.actors import Actor
from casework.people.permissions import is_supervisory_admin
from casework.people.roles import OrgKind, Role

# The key under which a liaison sees every other platform together ("Platform lain"):
# beside their own platforms, never on top of them, so nothing is counted twice.
OTHER_PLATFORMS = "__others__"


@dataclass(frozen=True)
class Scope:
    """`condition` (DuckDB SQL over `cases`, with `params`) selects the cases shown by
    name; `aggregate` selects the population a liaison sees only as one total."""

    condition: str
    params: tuple
    case_rows: bool  # may see single cases: account handles, case-level export
    own_platforms: tuple[str, ...] | None = None  # a liaison's platforms, else None
    aggregate: str | None = None
    aggregate_params: tuple = ()

    @property
    def is_liaison(self) -> bool:
        return self.own_platforms is not None


def _placeholders(values) -> str:
    return ", ".join("?" for _ in values)


def dashboard_scope(actor: Actor) -> Scope:
    """The scope of `actor`'s dashboard; refuses roles that have none."""
    if actor.is_supervisory_caseworker:
        if actor.is_national:
            return Scope("TRUE", (), case_rows=True)
        column = "regency_code" if "." in actor.region_code else "province_code"
        return Scope(
            f"({column} = ? OR reporting_organisation_id = ?)",
            (actor.region_code, actor.organisation_id),
            case_rows=True,
        )
    if actor.role == Role.LIAISON and actor.organisation_kind == OrgKind.PLATFORM:
        if not actor.platform_codes:
            log_denied(actor, "dashboard")
            raise PermissionDenied()
        return Scope(
            f"(platform_code IN ({_placeholders(actor.platform_codes)}) "
            "AND referred_at IS NOT NULL)",
            tuple(actor.platform_codes),
            case_rows=True,
            own_platforms=tuple(actor.platform_codes),
            aggregate=(
                "(referred_at IS NOT NULL AND platform_code NOT IN "
                f"({_placeholders(actor.platform_codes)}))"
            ),
            aggregate_params=tuple(actor.platform_codes),
        )
    if actor.role == Role.REGULATOR and actor.organisation_kind == OrgKind.REGULATOR:
        return Scope("escalated_at IS NOT NULL", (), case_rows=True)
    if actor.role == Role.OBSERVER or is_supervisory_admin(actor):
        return Scope("TRUE", (), case_rows=False)
    log_denied(actor, "dashboard")
    raise PermissionDenied()


def require_case_rows(actor: Actor, scope: Scope, attempted: str) -> None:
    """Single cases (handles, case-level rows) are for those who may read cases."""
    if not scope.case_rows:
        log_denied(actor, attempted)
        raise PermissionDenied()
