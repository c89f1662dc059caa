"""Every kind of audit event, declared once with its label, and its details in words.

The audit log, its CSV export and the case timeline read these; a registry test fails
when a service records an event kind that has no label here. Details are stored as
codes (a status, a role, a sign-in method); `describe` turns them into a line of text
in the reader's language, never raw JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache

from casework.desk.sla import PRIORITY_LABELS, Priority
from casework.desk.workflow import ACTION_LABELS, STATUS_LABELS, Action, Status
from casework.i18n import N_, format_datetime, format_number
from casework.people.roles import ROLE_LABELS, Role
from casework.statutory.stages import EVENT_LABELS as STATUTORY_EVENT_LABELS

# Events that are not lifecycle actions (those are labelled by ACTION_LABELS).
EVENT_LABELS = {
    # cases
    "case_filed": N_("Case filed"),
    "case_absorbed": N_("Another case was merged into this one"),
    "comment_added": N_("Comment added"),
    "report_added": N_("Another report of the same content was added"),
    "case_linked": N_("Linked to a related case"),
    "reports_imported": N_("Reports added by import"),
    "case_assigned": N_("Assigned"),
    "priority_changed": N_("Priority changed"),
    "evidence_added": N_("Evidence added"),
    "evidence_bundle_exported": N_("Evidence bundle exported"),
    # sign-in and accounts
    "signed_in": N_("Signed in to Pantau"),
    "signed_out": N_("Signed out of Pantau"),
    "sign_in_failed": N_("Sign-in refused"),
    "password_changed": N_("Password changed"),
    "password_reset": N_("Password reset by an administrator"),
    "session_revoked": N_("Session ended by an administrator"),
    "identity_linked": N_("Sign-in provider linked to an account"),
    "identity_registered": N_("New sign-in awaiting approval"),
    "user_invited": N_("User invited"),
    "user_approved": N_("User approved"),
    "user_activated": N_("User activated"),
    "user_deactivated": N_("User deactivated"),
    "user_role_changed": N_("User's role changed"),
    "user_organisation_changed": N_("User moved to another organisation"),
    "organisation_created": N_("Organisation created"),
    "organisation_changed": N_("Organisation changed"),
    "organisation_activated": N_("Organisation activated"),
    "organisation_deactivated": N_("Organisation deactivated"),
    "email_domain_rule_set": N_("E-mail domain rule saved"),
    "email_domain_rule_deleted": N_("E-mail domain rule removed"),
    # reference data and integrations
    "taxonomy_changed": N_("Category list changed"),
    "calendar_changed": N_("Election calendar changed"),
    "sla_policy_changed": N_("Deadline policy changed"),
    "region_changed": N_("Region changed"),
    "platform_changed": N_("Platform changed"),
    "api_token_created": N_("API token created"),
    "api_token_revoked": N_("API token revoked"),
    "webhook_registered": N_("Webhook registered"),
    "webhook_deactivated": N_("Webhook deactivated"),
    "webhook_replayed": N_("Webhook delivery sent again"),
    "platform_key_registered": N_("Platform signing key registered"),
    "platform_key_revoked": N_("Platform signing key revoked"),
    "dsa_mapping_changed": N_("DSA mapping changed"),
    "legal_ground_changed": N_("Legal ground changed"),
    # capture, exports and the first administrator
    "capture_requested": N_("Capture requested"),
    "content_captured": N_("Content captured by Pantau"),
    "removal_checked": N_("Removal checked by Pantau"),
    "data_exported": N_("Data exported"),
    "identity_link_refused": N_("Sign-in provider link refused"),
    "password_change_failed": N_("Wrong current password when changing it"),
    "administrator_created": N_("First administrator created"),
    # deadlines (issue 18)
    "clock_breached": N_("Deadline missed"),
    "clock_recomputed": N_("Running deadlines moved to the rule's new version"),
    "clock_rule_changed": N_("Deadline rule changed"),
    "holiday_changed": N_("Holiday saved"),
    "holiday_removed": N_("Holiday removed"),
}
# the statutory track (issue 17): letters, its rules and exports; its steps are actions
EVENT_LABELS.update(STATUTORY_EVENT_LABELS)
UNKNOWN_EVENT = N_("Other change")


def event_label(action: str | None) -> str:
    """The message id naming an event kind (translate it on display)."""
    if action in set(Action):
        return ACTION_LABELS[Action(action)]
    return EVENT_LABELS.get(action or "", UNKNOWN_EVENT)


# The name of each detail, in words.
DETAIL_LABELS = {
    "reason": N_("Reason"),
    "note": N_("Note"),
    "question": N_("Question"),
    "answer": N_("Answer"),
    "order": N_("Order"),
    "into": N_("Merged into"),
    "merged": N_("Merged case"),
    "decisions": N_("Decision"),
    "ground": N_("Ground"),
    "visibility": N_("Visible to"),
    "source": N_("Source"),
    "links_added": N_("Links added"),
    "related": N_("Related case"),
    "reference": N_("Case number"),
    "platform": N_("Platform"),
    "category": N_("Category"),
    "priority": N_("Priority"),
    "sla_due_at": N_("Deadline"),
    "method": N_("Method"),
    "locked": N_("Account locked"),
    "provider": N_("Sign-in provider"),
    "domain_rule": N_("E-mail domain rule"),
    "domain": N_("E-mail domain"),
    "role": N_("Role"),
    "code": N_("Code"),
    "before": N_("Before"),
    "after": N_("After"),
    "cases": N_("Cases"),
    "case_count": N_("Cases in the bundle"),
    "manifest_sha256": N_("Manifest fingerprint (SHA-256)"),
    "sha256": N_("Fingerprint (SHA-256)"),
    "size": N_("Size"),
    "type": N_("File type"),
    "uploaded_by": N_("Uploaded by"),
    "scopes": N_("Permissions"),
    "events": N_("Events"),
    "prefix": N_("Token prefix"),
    "election": N_("Election"),
    "phase": N_("Election phase"),
    "kind": N_("Kind"),
    "label_id": N_("Indonesian label"),
    "label_en": N_("English label"),
    "active": N_("Active"),
    "name": N_("Name"),
    "starts_on": N_("From"),
    "ends_on": N_("Until"),
    "urgent": N_("Urgent (hours)"),
    "normal": N_("Normal (hours)"),
    "file": N_("File"),
    "rows": N_("Rows"),
    "import_batch": N_("Import"),
    "reports": N_("Reports"),
    "row": N_("Row"),
    # the statutory track (issue 17) and the deadlines (issue 18)
    "clocks": N_("Deadlines"),
    "rule": N_("Deadline rule"),
    "due_at": N_("Due"),
    "version": N_("Version"),
    "change": N_("Change to the deadline"),
    "from_stage": N_("Stage before"),
    "to_stage": N_("Stage after"),
    "body": N_("Forwarded to"),
    "addressee": N_("Addressed to"),
    "conclusion": N_("Conclusion"),
    "violation_kind": N_("Kind of violation"),
    "violation_type": N_("Kind of violation"),
    "approved_by": N_("Approved by"),
    "from_office": N_("Office before"),
    "to_office": N_("Office after"),
    "mendesak": N_("Urgent order (mendesak)"),
    "number": N_("Letter number"),
    "format": N_("File format"),
    "language": N_("Language"),
    "pattern": N_("Numbering pattern"),
    "day": N_("Day"),
    "outcome": N_("Outcome"),
    "key": N_("Setting"),
}
# Ids of rows that mean nothing to a reader; the event's other columns say who and what.
HIDDEN_DETAILS = frozenset(
    {
        "comment_id",
        "report_id",
        "evidence_id",
        "user_id",
        "organisation_id",
        "assignee_id",
        "previous_assignee_id",
        "token_id",
        "endpoint_id",
        "delivery_id",
        "replay_id",
        "forwarding_id",
        "kajian_id",
        "signed_key_id",
    }
)

_WORDS = {
    "password": N_("password"),
    "provider": N_("sign-in provider"),
    "oidc": N_("sign-in provider"),
    "terms": N_("Terms of service"),
    "law": N_("Law"),
    "shared": N_("Both parties"),
    "internal": N_("My organisation only"),
    "platform": N_("the platform"),
    "supervisory": N_("the supervisory body"),
    "related": N_("related"),
}


@cache
def _code_labels() -> dict[str, dict[str, str]]:
    """Codes of the statutory track and the deadlines, by detail: message ids. Imported
    here, not at the top, because those modules import the services that record events."""
    from casework.clocks.engine import CHANGE_LABELS
    from casework.statutory.forwarding import BODY_LABELS, RESPONSE_LABELS
    from casework.statutory.kajian import CONCLUSION_LABELS, VIOLATION_KIND_LABELS
    from casework.statutory.stages import STAGE_LABELS

    stages = {str(k): v for k, v in STAGE_LABELS.items()}
    return {
        "change": {str(k): v for k, v in CHANGE_LABELS.items()},
        "from_stage": stages,
        "to_stage": stages,
        "body": BODY_LABELS,
        "conclusion": CONCLUSION_LABELS,
        "violation_kind": VIOLATION_KIND_LABELS,
        "violation_type": VIOLATION_KIND_LABELS,
        "outcome": RESPONSE_LABELS,
    }


def _value(key: str, value, _: Callable[[str], str], language: str, labels: dict, zone: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return ", ".join(
            f"{_(DETAIL_LABELS.get(k, k))}: {_value(k, v, _, language, labels, zone)}"
            for k, v in value.items()
            if k not in HIDDEN_DETAILS
        )
    if isinstance(value, list):
        return ", ".join(_value(key, v, _, language, labels, zone) for v in value) or "—"
    if isinstance(value, int | float):
        if key == "size":
            return _("{size} KB").format(size=format_number(value / 1024, language=language))
        return format_number(value, language=language)
    text = str(value)
    if key in ("sha256", "manifest_sha256"):
        return text[:16] + "…"
    if key in ("sla_due_at", "due_at"):
        try:
            return format_datetime(datetime.fromisoformat(text), language=language, time_zone=zone)
        except ValueError:
            return text
    if key == "priority" and text in set(Priority):
        return _(PRIORITY_LABELS[Priority(text)])
    if key == "role" and text in set(Role):
        return _(ROLE_LABELS[Role(text)])
    if key in ("status", "from_status", "to_status") and text in set(Status):
        return _(STATUS_LABELS[Status(text)])
    if (key, text) in labels:
        return labels[(key, text)]
    coded = _code_labels().get(key, {})
    if text in coded:
        return _(coded[text])
    if text in _WORDS:
        return _(_WORDS[text])
    return text


def describe(
    detail: dict | None,
    *,
    gettext: Callable[[str], str],
    language: str,
    labels: dict[tuple[str, str], str] | None = None,
    skip: frozenset[str] = frozenset(),
    time_zone: str = "Asia/Jakarta",
) -> str:
    """An event's details as one line of text ("Reason: …; Priority: Urgent"), codes in
    words; `labels` maps (detail, code) to a label the caller looked up (a category,
    a platform, a decision type). Plain text: render it as text, never markdown."""
    _ = gettext
    parts = []
    for key, value in (detail or {}).items():
        if key in HIDDEN_DETAILS or key in skip:
            continue
        label = _(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key.replace("_", " ")
        parts.append(f"{label}: {_value(key, value, _, language, labels or {}, time_zone)}")
    return "; ".join(parts)
