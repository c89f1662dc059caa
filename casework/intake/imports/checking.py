"""Checking rows, writing nothing (the dry run): every cell of a row cleaned and looked
up (codes or labels in either language, other names of places as data), the row then
held to the filing's own rules (`clean_report`), its problems collected with their row
and column, and what each valid row would become, against what the office already filed
and against the rows before it in the same file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from casework.desk.schemas import ReportIn
from casework.desk.sla import PRIORITY_LABELS, Priority
from casework.desk.validation import clean_report
from casework.desk.workflow import Status
from casework.errors import ValidationError
from casework.i18n import N_, translator
from casework.intake.imports.columns import (
    COLUMNS,
    FIELDS,
    MAX_CELL,
    MAX_LENGTHS,
    MULTILINE_FIELDS,
    is_example_row,
    normalise_header,
)
from casework.intake.imports.reading import ParsedSheet, Problem
from casework.intake.urls import analyse_url, link_key
from casework.people.actors import Actor
from casework.people.permissions import require, works_cases
from casework.reference.places import alias_index
from casework.reference.seed_taxonomy import TAXONOMY
from db.models import Case, CaseReport, Platform, Region, TaxonomyTerm
from db.types import utcnow

# --- problems of a row -------------------------------------------------------------------

HIDDEN_REMOVED = N_("Invisible control characters or right-to-left marks were removed.")
TOO_LONG = N_("This is too long.")
NO_LINK = N_("Give at least one link to the content.")
BAD_TIME = N_("Enter the time as 31/01/2024 14:30 or 2024-01-31 14:30.")
BAD_NUMBER = N_("Enter a whole number.")
UNKNOWN_PLATFORM = N_("Unknown platform: {value}")
UNKNOWN_VALUE = N_("Not a value from the list: {value}")
UNKNOWN_PROVINCE = N_("Unknown province: {value}")
UNKNOWN_REGENCY = N_("Not a regency or city of this province: {value}")
AMBIGUOUS_REGENCY = N_("Both a regency and a city have this name; write Kabupaten or Kota.")
UNKNOWN_PRIORITY = N_("Write urgent or normal: {value}")
OUTSIDE_REGION = N_("Choose a region inside your office's area.")
SAME_ROW = N_("Same content and reporter as row {row}: imported once.")
EXAMPLE_LEFT_OUT = N_("This is the template's example row; it was left out.")


# --- lookups: codes or labels, in either language ----------------------------------------

PLATFORM_ALIASES = {"twitter": "x", "xtwitter": "x", "fb": "facebook", "ig": "instagram"}
_REGION_PREFIXES = (
    ("Kota Administrasi ", ("Kota ", "")),
    ("Kabupaten Administrasi ", ("Kabupaten ", "Kab. ", "")),
    ("Daerah Khusus Ibukota ", ("DKI ", "")),
    ("Daerah Istimewa ", ("DI ", "")),
    ("Kepulauan ", ("Kep. ",)),
    ("Kabupaten ", ("Kab. ", "")),
    ("Kota ", ("",)),
)
AMBIGUOUS = ""


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    # Cached: a sheet repeats the same few platforms, categories and provinces.
    return normalise_header(text)


def _spellings(name: str) -> list[str]:
    spellings = [name]
    for prefix, replacements in _REGION_PREFIXES:
        if name.startswith(prefix):
            spellings += [short + name[len(prefix) :] for short in replacements]
    return spellings


@dataclass
class _Lookups:
    """Every list a row is checked against, read once per validation."""

    platforms: dict[str, str]
    terms: dict[str, dict[str, str]]
    provinces: dict[str, str]
    regencies: dict[str, dict[str, str]]  # province → spelling → code ("" if ambiguous)
    regency_province: dict[str, str]
    priorities: dict[str, str]
    zones: dict[str, str]  # province → its time zone
    regency_aliases: dict[str, str]  # alias key → regency code (region_alias)
    # The rows themselves, held so that clean_report's session.get() finds each of them
    # in the identity map instead of asking the database again for every row.
    held: list[Any]

    @classmethod
    def load(cls, session: Session) -> _Lookups:
        platforms = list(session.exec(select(Platform)))
        terms = list(session.exec(select(TaxonomyTerm)))
        regions = list(session.exec(select(Region)))
        platform_index: dict[str, str] = {}
        for platform in (p for p in platforms if p.active):
            platform_index[_key(platform.code)] = platform_index[_key(platform.name)] = (
                platform.code
            )
        for alias, code in PLATFORM_ALIASES.items():
            if code in platform_index.values():
                platform_index.setdefault(alias, code)
        term_index: dict[str, dict[str, str]] = {}
        for term in (t for t in terms if t.active):
            index = term_index.setdefault(term.kind, {})
            for spelling in (term.code, term.label_id, term.label_en):
                index.setdefault(_key(spelling), term.code)
        # The template's example uses the default labels: accept them even where an
        # admin has since renamed a term.
        for kind, rows in TAXONOMY.items():
            index = term_index.get(kind, {})
            for code, label_id, label_en, *_ in rows:
                if code in index.values():
                    index.setdefault(_key(label_id), code)
                    index.setdefault(_key(label_en), code)
        provinces: dict[str, str] = {}
        regencies: dict[str, dict[str, str]] = {}
        for region in regions:
            if region.level == "province":
                for spelling in (region.code, *_spellings(region.name)):
                    provinces.setdefault(_key(spelling), region.code)
                continue
            index = regencies.setdefault(region.province_code, {})
            index[_key(region.code)] = region.code
            for spelling in _spellings(region.name):
                known = index.get(_key(spelling))
                index[_key(spelling)] = region.code if known in (None, region.code) else AMBIGUOUS
        # Other names as data (region_alias): Jabar, DIY, ID-JB, Toba Samosir, Jaksel…
        regency_aliases: dict[str, str] = {}
        for key, code in alias_index(session).items():
            if "." in code:
                regency_aliases[_key(key)] = code
                province_index = regencies.setdefault(code.split(".")[0], {})
                province_index.setdefault(_key(key), code)
            else:
                provinces.setdefault(_key(key), code)
        _ = translator("id")
        priorities = {}
        for priority in Priority:
            for spelling in (
                priority.value,
                PRIORITY_LABELS[priority],
                _(PRIORITY_LABELS[priority]),
            ):
                priorities[_key(spelling)] = priority.value
        return cls(
            platforms=platform_index,
            terms=term_index,
            provinces=provinces,
            regencies=regencies,
            regency_province={r.code: r.province_code for r in regions if r.level == "regency"},
            priorities=priorities,
            zones={r.code: r.time_zone for r in regions if r.level == "province"},
            regency_aliases=regency_aliases,
            held=[*platforms, *terms, *regions],
        )

    def regency(self, province: str | None, value: str) -> str | None:
        code = _region_code(value)
        if province is None and code in self.regency_province:
            return code
        if province is None:
            return self.regency_aliases.get(_key(value))
        return self.regencies.get(province or "", {}).get(_key(code or value))


def _region_code(value: str) -> str | None:
    """`32.01`, `3201`, or `32.1` (Excel drops the trailing zero of a number) → `32.01`."""
    value = value.strip()
    if re.fullmatch(r"\d{2}\.\d{2}", value):
        return value
    if re.fullmatch(r"\d{4}", value):
        return f"{value[:2]}.{value[2:]}"
    if re.fullmatch(r"\d{2}\.\d", value):
        return f"{value}0"
    return None


# --- one row ------------------------------------------------------------------------------

# Invisible characters that can hide or reorder text: C0/C1 controls (tabs and line
# breaks aside), bidirectional overrides, embeddings and isolates, directional marks,
# zero-width spaces and stray byte-order marks.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_URL_SEPARATORS = re.compile(r"[\s;]+")
_DMY = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*")
# clean_report's field names → the import's columns.
_CLEAN_FIELDS = {
    "platform_code": "platform",
    "category_code": "category",
    "province_code": "province",
    "regency_code": "regency",
    "first_seen_at": "posted_at",
}


def _clean_text(raw: str, *, multiline: bool) -> tuple[str, bool]:
    if not raw:
        return "", False
    text, removed = _HIDDEN.subn("", raw)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    else:
        text = " ".join(text.split())
    return text.strip(), removed > 0


def _parse_time(text: str, zone: str) -> datetime | None:
    match = _DMY.fullmatch(text)
    try:
        if match:
            day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
            moment = datetime(year, month, day, hour, minute, second)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def _parse_reach(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if _THOUSANDS.fullmatch(text):  # 12.500 or 12,500 or 12 500
        return int(re.sub(r"\D", "", text))
    return None


def _person(name: str | None, contact: str | None) -> tuple[str, str]:
    """Who reported, as compared between rows and with earlier reports."""
    return (" ".join((name or "").casefold().split()), " ".join((contact or "").casefold().split()))


def _fallback_key(url: str) -> str:
    # A link whose content id cannot be read offline (a short link, another site) is
    # recognised on re-import by the link itself, as the form recognises it.
    return link_key(url)


@dataclass(slots=True)
class _Prepared:
    """A valid row, ready to be written: the cleaned case fields, its links
    (url, canonical key, platform, needs review), the content key and the reporter."""

    row: int
    values: dict[str, Any]
    urls: list[tuple[str, str | None, str | None, bool]]
    key: str
    reporter: tuple[str, str]


class _RowChecker:
    """Turns the cells of one row into a report, collecting every problem of the row."""

    def __init__(self, session: Session, actor: Actor, sheet: ParsedSheet, now: datetime):
        self.session, self.actor, self.sheet, self.now = session, actor, sheet, now
        self.lookups = _Lookups.load(session)

    def check(self, number: int, cells: tuple[str, ...]) -> tuple[_Prepared | None, list[Problem]]:
        notes: list[Problem] = []
        errors: dict[str, tuple[str, dict[str, Any]]] = {}
        text: dict[str, str] = {}
        for field_name, raw in zip(FIELDS, cells, strict=True):
            value, removed = _clean_text(raw, multiline=field_name in MULTILINE_FIELDS)
            if removed and field_name != "urls":
                notes.append(
                    Problem(number, self.sheet.column(field_name), HIDDEN_REMOVED, {}, False)
                )
            if len(value) > MAX_LENGTHS.get(field_name, MAX_CELL):
                errors[field_name] = (TOO_LONG, {})
            text[field_name] = value if field_name != "urls" else raw
        report = self._report(text, errors)
        try:
            cleaned, url_rows = clean_report(self.session, report, now=self.now)
        except ValidationError as error:
            for name, message in error.field_errors.items():
                errors.setdefault(_CLEAN_FIELDS.get(name, name), (message, {}))
            cleaned, url_rows = None, []
        if cleaned is not None and not errors:
            self._check_region(cleaned, errors)
        problems = notes + [
            Problem(number, self.sheet.column(f) if f in COLUMNS else None, message, params)
            for f, (message, params) in errors.items()
        ]
        if errors:
            return None, problems
        urls = [(r.url, r.canonical_key, r.platform_code, bool(r.needs_review)) for r in url_rows]
        key = next((u[1] for u in urls if u[1]), None) or _fallback_key(urls[0][0])
        prepared = _Prepared(
            number,
            cleaned,
            urls,
            key,
            _person(cleaned["reporter_name"], cleaned["reporter_contact"]),
        )
        return prepared, problems

    def _report(self, text: dict[str, str], errors: dict) -> ReportIn:
        lookups = self.lookups
        # clean_report reads and refuses the links; here they are only split, and the
        # first one names the platform when the cell is empty.
        links = [u for u in _URL_SEPARATORS.split(text["urls"]) if u]
        if not links:
            errors.setdefault("urls", (NO_LINK, {}))
        values: dict[str, Any] = {"title": text["title"], "description": text["description"]}
        values["urls"] = links
        values["account_handle"] = text["account_handle"] or None
        platform = text["platform"]
        if platform:
            values["platform_code"] = lookups.platforms.get(_key(platform), "")
            if not values["platform_code"]:
                errors.setdefault("platform", (UNKNOWN_PLATFORM, {"value": platform[:80]}))
        else:
            shown = analyse_url(links[0]).platform if links else None
            values["platform_code"] = shown if shown in lookups.platforms.values() else ""
        # (column, list, ReportIn field, value when the cell is empty or unknown)
        for field_name, kind, target, empty in (
            ("category", "category", "category_code", ""),
            ("source", "source", "source", "own_patrol"),
            ("account_class", "account_class", "account_class", None),
            ("content_type", "content_type", "content_type", None),
        ):
            given = text[field_name]
            code = lookups.terms.get(kind, {}).get(_key(given)) if given else None
            if given and code is None:
                errors.setdefault(field_name, (UNKNOWN_VALUE, {"value": given[:80]}))
            values[target] = code or empty

        self._region(text, values, errors)
        if text["posted_at"]:
            # A time without a zone is local time in the row's province (WIB, WITA, WIT).
            zone = lookups.zones.get(values.get("province_code") or "", self.actor.time_zone)
            values["posted_at"] = _parse_time(text["posted_at"], zone)
            if values["posted_at"] is None:
                errors.setdefault("posted_at", (BAD_TIME, {}))
        if text["reach"]:
            values["reach"] = _parse_reach(text["reach"])
            if values["reach"] is None:
                errors.setdefault("reach", (BAD_NUMBER, {}))
        if text["priority"]:
            values["priority"] = lookups.priorities.get(_key(text["priority"]))
            if values["priority"] is None:
                errors.setdefault("priority", (UNKNOWN_PRIORITY, {"value": text["priority"][:40]}))
        for name in ("legal_ground", "reporter_name", "reporter_contact"):
            values[name] = text[name] or None
        self._intake(text, values, errors)
        return ReportIn(**values)

    def _intake(self, text: dict[str, str], values: dict[str, Any], errors: dict) -> None:
        """The statutory intake columns (issue 17); clean_report holds them to the law."""
        kind = text["intake_type"].strip().casefold()
        if kind and kind not in ("temuan", "laporan"):
            errors.setdefault("intake_type", (UNKNOWN_VALUE, {"value": kind[:40]}))
        values["intake_type"] = kind if kind in ("temuan", "laporan") else None
        for name in ("terlapor_name", "terlapor_status", "incident_place", "oversight_source"):
            values[name] = text[name] or None
        zone = self.lookups.zones.get(values.get("province_code") or "", self.actor.time_zone)
        if text["incident_at"]:
            values["incident_at"] = _parse_time(text["incident_at"], zone)
            if values["incident_at"] is None:
                errors.setdefault("incident_at", (BAD_TIME, {}))
        if text["known_since"]:
            moment = _parse_time(text["known_since"], zone)
            if moment is None:
                errors.setdefault("known_since", (BAD_TIME, {}))
            else:
                values["known_since"] = moment.date()

    def _region(self, text: dict[str, str], values: dict[str, Any], errors: dict) -> None:
        lookups, office = self.lookups, self.actor.region_code
        province_text, regency_text = text["province"], text["regency"]
        province = None
        if province_text:
            province = lookups.provinces.get(_key(province_text))
            if province is None:
                errors.setdefault("province", (UNKNOWN_PROVINCE, {"value": province_text[:80]}))
                return
        regency = None
        if regency_text:
            regency = lookups.regency(province, regency_text)
            if regency == AMBIGUOUS:
                errors.setdefault("regency", (AMBIGUOUS_REGENCY, {}))
                return
            if regency is None:
                errors.setdefault("regency", (UNKNOWN_REGENCY, {"value": regency_text[:80]}))
                return
            province = province or lookups.regency_province.get(regency)
        if province is None and office:
            # A regional office's rows belong to its own area unless they say otherwise.
            province = office.split(".")[0]
            if "." in office and regency is None:
                regency = office
        values["province_code"], values["regency_code"] = province, regency

    def _check_region(self, cleaned: dict[str, Any], errors: dict) -> None:
        office = self.actor.region_code
        if not office:
            return
        inside = (
            cleaned.get("regency_code") == office
            if "." in office
            else cleaned.get("province_code") == office
        )
        if not inside:
            errors["province"] = (OUTSIDE_REGION, {})


# --- what each row becomes -----------------------------------------------------------------

NEW_CASE = "new_case"
ADDED_REPORT = "added_report"
UNCHANGED = "unchanged"
OUTCOME_LABELS = {
    NEW_CASE: N_("New case"),
    ADDED_REPORT: N_("Another report of a case"),
    UNCHANGED: N_("Already in Pantau"),
}
_CHUNK = 500


@dataclass(frozen=True)
class RowPlan:
    """What one valid row becomes. `reference` names the existing case it joins or is
    already part of; `same_as_row` the earlier row of the file whose new case it joins
    (or repeats, when unchanged)."""

    row: int
    outcome: str
    reference: str | None = None
    same_as_row: int | None = None
    case_id: int | None = None  # the existing case


@dataclass
class ImportPlan:
    """Every row checked, nothing written: the problems to show, and what each valid row
    would become. Made for one actor; only they can commit it."""

    file_name: str
    actor_id: int
    organisation_id: int
    total_rows: int
    rows: list[RowPlan]
    problems: list[Problem]
    invalid_rows: list[int]
    prepared: list[_Prepared] = field(repr=False, default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def new_cases(self) -> int:
        return self.count(NEW_CASE)

    @property
    def additional_reports(self) -> int:
        return self.count(ADDED_REPORT)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def invalid(self) -> int:
        return len(self.invalid_rows)

    @property
    def to_import(self) -> int:
        """Rows that would write a report (a new case's first, or another one)."""
        return self.new_cases + self.additional_reports

    @property
    def file_errors(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None and p.blocking]


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _classify(session: Session, office_id: int, prepared: list[_Prepared]) -> list[RowPlan]:
    """Decide each row's outcome against what the office already filed, and against the
    rows before it in the same file."""
    keys = list(dict.fromkeys(p.key for p in prepared))
    existing: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(keys):
        query = (
            select(Case.id, Case.content_key, Case.reference)
            .where(
                Case.content_key.in_(chunk),
                Case.reporting_organisation_id == office_id,
                Case.status != Status.MERGED,
            )
            .order_by(Case.id)  # the newest case of a key wins
        )
        for case_id, key, reference in session.execute(query):
            existing[key] = (case_id, reference)
    reported: set[tuple[int, tuple[str, str]]] = set()
    for chunk in _chunks(list({case_id for case_id, _ in existing.values()})):
        query = select(CaseReport.case_id, CaseReport.reporter_name, CaseReport.reporter_contact)
        query = query.where(
            CaseReport.case_id.in_(chunk), CaseReport.reporting_organisation_id == office_id
        )
        for case_id, name, contact in session.execute(query):
            reported.add((case_id, _person(name, contact)))

    plans: list[RowPlan] = []
    leaders: dict[str, int] = {}  # key → the row that creates its case
    reporters: dict[tuple[str, tuple[str, str]], int] = {}  # (key, reporter) → first row
    for item in prepared:
        first_row = reporters.setdefault((item.key, item.reporter), item.row)
        if item.key in existing:
            case_id, reference = existing[item.key]
            if (case_id, item.reporter) in reported or first_row != item.row:
                plans.append(RowPlan(item.row, UNCHANGED, reference, None, case_id))
            else:
                plans.append(RowPlan(item.row, ADDED_REPORT, reference, None, case_id))
        elif item.key in leaders:
            outcome = UNCHANGED if first_row != item.row else ADDED_REPORT
            plans.append(RowPlan(item.row, outcome, None, leaders[item.key]))
        else:
            leaders[item.key] = item.row
            plans.append(RowPlan(item.row, NEW_CASE))
    return plans


def _require_importer(actor: Actor, action: str) -> None:
    require(actor, works_cases, action)


def validate_rows(
    *, session: Session, actor: Actor, sheet: ParsedSheet, now: datetime | None = None
) -> ImportPlan:
    """Check every row of `sheet` and decide what each valid row would become, writing
    nothing. Officers and leads of the supervisory body only."""
    _require_importer(actor, "validate_import")
    now = now or utcnow()
    plan = ImportPlan(
        file_name=sheet.file_name,
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        total_rows=len(sheet.rows),
        rows=[],
        problems=[*sheet.errors, *sheet.warnings],
        invalid_rows=[],
    )
    if not sheet.ok:
        return plan
    checker = _RowChecker(session, actor, sheet, now)
    blocked = {p.row for p in sheet.row_problems}
    row_problems = list(sheet.row_problems)
    for number, cells in sheet.rows:
        if is_example_row(cells):
            # Left in the filled-in template: never a real report.
            row_problems.append(Problem(number, None, EXAMPLE_LEFT_OUT, {}, False))
            continue
        prepared, problems = checker.check(number, cells)
        row_problems += problems
        if prepared is None or number in blocked:
            plan.invalid_rows.append(number)
        else:
            plan.prepared.append(prepared)
    plan.rows = _classify(session, actor.organisation_id, plan.prepared)
    first_rows = {(p.key, p.reporter): p.row for p in reversed(plan.prepared)}
    for item in plan.prepared:
        first = first_rows[(item.key, item.reporter)]
        if first != item.row:
            row_problems.append(Problem(item.row, None, SAME_ROW, {"row": first}, False))
    row_problems.sort(key=lambda p: p.row or 0)
    plan.problems += row_problems
    # Nothing is written, but clean_report may have loaded rows: leave the session clean.
    session.rollback()
    return plan
