"""Roles and organisation kinds, with their display labels marked for translation."""

from __future__ import annotations

from enum import StrEnum

from casework.i18n import N_


class Role(StrEnum):
    OFFICER = "officer"
    LEAD = "lead"
    LIAISON = "liaison"
    ADMIN = "admin"
    OBSERVER = "observer"
    REGULATOR = "regulator"


class OrgKind(StrEnum):
    SUPERVISORY = "supervisory"
    PLATFORM = "platform"
    REGULATOR = "regulator"
    # Not in the design's three kinds: a civil-society partner whose observers read
    # aggregates. Keeping them out of `supervisory` means a role change alone can never
    # hand a partner's staff the national office's view of every case.
    PARTNER = "partner"


ROLE_LABELS = {
    Role.OFFICER: N_("Officer"),
    Role.LEAD: N_("Lead"),
    Role.LIAISON: N_("Platform liaison"),
    Role.ADMIN: N_("Administrator"),
    Role.OBSERVER: N_("Observer"),
    Role.REGULATOR: N_("Regulator liaison"),
}

ORG_KIND_LABELS = {
    OrgKind.SUPERVISORY: N_("Supervisory body"),
    OrgKind.PLATFORM: N_("Platform"),
    OrgKind.REGULATOR: N_("Regulator"),
    OrgKind.PARTNER: N_("Partner organisation"),
}

# Which organisation kind each role belongs to: a liaison always works for a platform.
ROLE_ORG_KIND = {
    Role.OFFICER: OrgKind.SUPERVISORY,
    Role.LEAD: OrgKind.SUPERVISORY,
    Role.ADMIN: OrgKind.SUPERVISORY,
    Role.OBSERVER: None,  # a civil-society partner may belong to any organisation
    Role.LIAISON: OrgKind.PLATFORM,
    Role.REGULATOR: OrgKind.REGULATOR,
}

SUPERVISORY_CASE_ROLES = frozenset({Role.OFFICER, Role.LEAD})
