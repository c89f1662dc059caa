"""Administration services: organisations, accounts, approval of provider identities,
e-mail domain rules, sign-in providers and sessions.

Only an admin of the supervisory body may call them (a platform's own admin must never
hand its staff wider access). Every change is audited, and a change to what someone may
do ends their sessions, so the new rights apply from a fresh sign-in. Deactivation,
forced password resets and sessions live with the rest of sign-in in `casework.people.auth`
and are listed here so that the admin pages find every service in one place.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""

from casework.admin.common import require_admin
from casework.admin.domain_rules import (
    ProviderUse,
    delete_email_domain_rule,
    email_domain_rules,
    normalise_domain,
    providers_in_use,
    set_email_domain_rule,
)
from casework.admin.organisations import (
    OrganisationRow,
    create_organisation,
    list_organisations,
    platform_choices,
    region_choices,
    set_organisation_active,
    update_organisation,
)
from casework.admin.users import (
    STATUSES,
    approve_user,
    change_organisation,
    change_role,
    find_users,
    invite_user,
    pending_users,
)
from casework.people.auth import (
    active_sessions,
    admin_reset_password,
    revoke_session,
    set_user_active,
)

__all__ = [
    "STATUSES",
    "OrganisationRow",
    "ProviderUse",
    "active_sessions",
    "admin_reset_password",
    "approve_user",
    "change_organisation",
    "change_role",
    "create_organisation",
    "delete_email_domain_rule",
    "email_domain_rules",
    "find_users",
    "invite_user",
    "list_organisations",
    "normalise_domain",
    "pending_users",
    "platform_choices",
    "providers_in_use",
    "region_choices",
    "require_admin",
    "revoke_session",
    "set_email_domain_rule",
    "set_organisation_active",
    "set_user_active",
    "update_organisation",
]
