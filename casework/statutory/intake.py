"""The intake type of a case: a temuan (Bawaslu's own finding) or a laporan (from a
voter, participant or pemantau), and what each must carry (UU 7/2017 Pasal 454)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from casework.i18n import N_
from casework.statutory.stages import IntakeType, initial_stage
from casework.text import single_line

TERLAPOR_STATUSES = ("peserta", "tim_kampanye", "asn", "kepala_desa", "penyelenggara", "other")
TERLAPOR_STATUS_LABELS = {
    "peserta": N_("Election participant"),
    "tim_kampanye": N_("Campaign team"),
    "asn": N_("Civil servant (ASN)"),
    "kepala_desa": N_("Village head"),
    "penyelenggara": N_("Election organiser"),
    "other": N_("Other"),
}
REQUIRED = N_("This field is required.")
TOO_LONG = N_("This text is too long.")

# Limits of the intake fields, as on the table (db.models.Case).
LIMITS = {"terlapor_name": 200, "incident_place": 300, "oversight_source": 500}


def intake_type_for_source(source: str | None) -> IntakeType:
    """The type a case without one takes: own patrol is a temuan, anything else a laporan
    (the rule the migration applied to existing cases)."""
    return IntakeType.TEMUAN if source == "own_patrol" else IntakeType.LAPORAN


def _text(value: str | None, field: str, errors: dict, *, required: bool) -> str | None:
    text = single_line(value).strip()
    if required and not text:
        errors[field] = REQUIRED
    elif field in LIMITS and len(text) > LIMITS[field]:
        errors[field] = TOO_LONG
    return text or None


def clean_intake(report: Any, *, zone: str, now: datetime, errors: dict[str, str]) -> dict:
    """The intake fields of `report` (a ReportIn or an import row), cleaned; problems go
    into `errors`. A type given explicitly is held to the law's requirements; a caller
    that gives none (an older API client) gets the type its source implies, unchecked,
    as the migrated cases did."""
    explicit = getattr(report, "intake_type", None)
    if explicit not in (None, "") and explicit not in tuple(IntakeType):
        errors["intake_type"] = N_("Choose temuan or laporan.")
        explicit = None
    intake = IntakeType(explicit) if explicit else intake_type_for_source(report.source)
    strict = bool(explicit)
    laporan = intake == IntakeType.LAPORAN
    cleaned = {"intake_type": intake.value, "statutory_stage": initial_stage(intake).value}
    if laporan and strict:
        for field in ("reporter_name", "reporter_contact"):
            if not (getattr(report, field, None) or "").strip():
                errors[field] = REQUIRED
        if not (report.description or "").strip():
            errors["description"] = N_("A report needs its narrative.")
    cleaned["terlapor_name"] = _text(
        getattr(report, "terlapor_name", None), "terlapor_name", errors, required=laporan and strict
    )
    status = getattr(report, "terlapor_status", None) or None
    if status is not None and status not in TERLAPOR_STATUSES:
        errors["terlapor_status"] = N_("Choose a value from the list.")
    elif status is None and laporan and strict:
        errors["terlapor_status"] = REQUIRED
    cleaned["terlapor_status"] = status
    cleaned["incident_place"] = _text(
        getattr(report, "incident_place", None),
        "incident_place",
        errors,
        required=laporan and strict,
    )
    incident_at = getattr(report, "incident_at", None)
    if incident_at is not None and incident_at.tzinfo is None:
        incident_at = incident_at.replace(tzinfo=ZoneInfo(zone))
    if incident_at is None and laporan and strict:
        errors["incident_at"] = REQUIRED
    elif incident_at is not None and incident_at > now:
        errors["incident_at"] = N_("This time is in the future.")
    cleaned["incident_at"] = incident_at
    cleaned["oversight_source"] = _text(
        getattr(report, "oversight_source", None),
        "oversight_source",
        errors,
        required=not laporan and strict,
    )
    known_since = getattr(report, "known_since", None)
    if known_since is not None and known_since > now.astimezone(ZoneInfo(zone)).date():
        errors["known_since"] = N_("This date is in the future.")
    cleaned["known_since"] = known_since
    return cleaned
