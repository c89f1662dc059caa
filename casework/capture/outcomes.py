"""What a fetched page was: the content, or something the platform served instead. The
HTTP status decides first (404/410 not found, 451 region block); then the platforms'
markers, text an administrator keeps as data (`capture_marker`, seeded from
db/seed_data/capture_markers.csv), read against the page's title and visible text."""

from __future__ import annotations

import csv
from enum import StrEnum

from sqlalchemy import or_
from sqlmodel import Session, select

from casework.i18n import N_
from casework.settings import PROJECT_ROOT
from db.models import CaptureMarker

MARKERS_FILE = PROJECT_ROOT / "db" / "seed_data" / "capture_markers.csv"


class Outcome(StrEnum):
    CAPTURED = "captured"
    LOGIN_WALL = "login_wall"
    REGION_BLOCK = "region_block"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    ERROR = "error"


OUTCOME_LABELS = {
    Outcome.CAPTURED: N_("Captured"),
    Outcome.LOGIN_WALL: N_("Login wall: the platform asked to sign in"),
    Outcome.REGION_BLOCK: N_("Blocked in this region"),
    Outcome.NOT_FOUND: N_("Not found (404/410)"),
    Outcome.UNAVAILABLE: N_("The platform's “unavailable” page"),
    Outcome.TIMEOUT: N_("Timed out"),
    Outcome.ERROR: N_("Could not be fetched"),
}

# A marker outcome is tried in this order: a region block page often also offers a
# sign-in, and an "unavailable" page a link to log in.
MARKER_ORDER = (Outcome.REGION_BLOCK, Outcome.UNAVAILABLE, Outcome.LOGIN_WALL)


class Verdict(StrEnum):
    """What a verification after a removal found."""

    GONE = "gone"
    STILL_REACHABLE = "still_reachable"
    INCONCLUSIVE = "inconclusive"


def verdict_of(outcome: str) -> Verdict:
    if outcome == Outcome.CAPTURED:
        return Verdict.STILL_REACHABLE
    if outcome in (Outcome.NOT_FOUND, Outcome.UNAVAILABLE, Outcome.REGION_BLOCK):
        return Verdict.GONE
    return Verdict.INCONCLUSIVE


def markers_for(session: Session, platform_code: str | None) -> dict[str, list[str]]:
    """The markers of one platform and those for every platform, by outcome."""
    rows = session.exec(
        select(CaptureMarker.outcome, CaptureMarker.marker).where(
            or_(CaptureMarker.platform_code.is_(None), CaptureMarker.platform_code == platform_code)
        )
    ).all()
    found: dict[str, list[str]] = {}
    for outcome, marker in rows:
        found.setdefault(outcome, []).append(marker)
    return found


def classify(
    *,
    failure: str | None,
    http_status: int | None,
    title: str | None,
    text: str,
    markers: dict[str, list[str]],
) -> Outcome:
    """The outcome of a fetch from its status and the platform's markers."""
    if failure == "timeout":
        return Outcome.TIMEOUT
    if failure is not None:
        return Outcome.ERROR
    if http_status in (404, 410):
        return Outcome.NOT_FOUND
    if http_status == 451:
        return Outcome.REGION_BLOCK
    haystack = f"{title or ''}\n{text or ''}".casefold()
    for outcome in MARKER_ORDER:
        if any(m.casefold() in haystack for m in markers.get(outcome, ()) if m.strip()):
            return outcome
    if http_status is not None and http_status >= 400:
        return Outcome.ERROR
    return Outcome.CAPTURED


def seed_capture_markers(session: Session) -> None:
    """The default markers, once: an empty table gets the seed file's rows; a table an
    administrator has edited is left alone."""
    if session.exec(select(CaptureMarker.id).limit(1)).first() is not None:
        return
    with MARKERS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            session.add(
                CaptureMarker(
                    platform_code=row["platform_code"] or None,
                    outcome=row["outcome"],
                    marker=row["marker"],
                )
            )
