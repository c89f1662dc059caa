"""The joint transparency report: its figures against an independent computation over
the same database, suppression in the public version, and the files it produces (read
back from the files themselves)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from statistics import median

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from casework.analytics.filters import DashboardFilters
from casework.errors import PermissionDenied
from casework.i18n import format_number, translator
from casework.records.report_render import report_csv_zip, report_html, report_labels, report_pdf
from casework.records.transparency import INTERNAL, PLATFORM, PUBLIC, SUPPRESSED, build_report
from tests.services.test_figures import (
    NOW,
    actioned,
    cohort,
    hours,
    populations,
    quantile,
    world,  # noqa: F401 - the module fixture, shared
)

FILTERS = {
    "everything": DashboardFilters(),
    "the campaign of pemilu 2024": DashboardFilters(
        elections=("pemilu2024",), phases=("campaign",)
    ),
}
VIEWERS = ("demo.officer", "demo.officer.jabar")


def _report(world, viewer, filters, version=INTERNAL, threshold=5):  # noqa: F811
    model, actors, _cases, _latest = world
    return build_report(
        actor=actors[viewer],
        filters=filters,
        version=version,
        now=NOW,
        threshold=threshold,
        model=model,
    )


def _table(report, key):
    return next(t for t in report.tables if t.key == key)


def _close(a, b):
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("filter_name", list(FILTERS))
def test_the_platform_table_matches_an_independent_computation(world, viewer, filter_name):  # noqa: F811
    model, actors, cases, latest = world
    actor, f = actors[viewer], FILTERS[filter_name]
    report = _report(world, viewer, f)
    rows = {row["key"]: row for row in _table(report, "platforms").rows}
    groups = populations(cases, actor, f)
    assert set(rows) == {k for k, group in groups.items() if group}
    for key, group in groups.items():
        if not group:
            continue
        row = rows[key]
        decided = [c for c in group if actioned(c, latest) is not None]
        assert row["filed"] == len(group)
        assert row["referred"] == sum(c.referred_at is not None for c in group)
        assert row["decided"] == len(decided)
        share = sum(bool(actioned(c, latest)) for c in decided) / len(decided) if decided else None
        assert _close(row["share_actioned"], share)
        to_decision = [
            hours(c.decided_at, c.referred_at) for c in group if c.decided_at and c.referred_at
        ]
        to_ack = [
            hours(c.acknowledged_at, c.referred_at)
            for c in group
            if c.acknowledged_at and c.referred_at
        ]
        assert _close(row["decision_median"], median(to_decision) if to_decision else None)
        assert _close(row["decision_p90"], quantile(to_decision, 0.9) if to_decision else None)
        assert _close(row["ack_median"], median(to_ack) if to_ack else None)
        assert row["escalated"] == sum(c.escalated_at is not None for c in group)
        assert row["contested"] == sum(c.contest_count > 0 for c in group)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("by", ["category", "province", "source"])
def test_each_breakdown_counts_the_cases_of_its_key(world, viewer, by):  # noqa: F811
    _model, actors, cases, latest = world
    actor = actors[viewer]
    report = _report(world, viewer, FILTERS["everything"])
    attribute = {"category": "category_code", "province": "province_code", "source": "source"}[by]
    group = cohort(cases, actor, FILTERS["everything"])
    filed = Counter(getattr(c, attribute) for c in group)
    referred = Counter(getattr(c, attribute) for c in group if c.referred_at is not None)
    rows = {row["key"]: row for row in _table(report, by).rows}
    assert {k: r["filed"] for k, r in rows.items()} == dict(filed)
    assert {k: r["referred"] for k, r in rows.items()} == {k: referred.get(k, 0) for k in filed}


def test_the_headline_matches_the_totals_and_the_dashboard(world):  # noqa: F811
    _model, actors, cases, latest = world
    actor = actors["demo.officer"]
    report = _report(world, "demo.officer", FILTERS["everything"])
    values = {row["figure"]: row["value"] for row in report.headline.rows}
    group = cohort(cases, actor, FILTERS["everything"])
    assert values["Cases filed"] == len(group)
    assert values["Referred to a platform"] == sum(c.referred_at is not None for c in group)
    assert values["Escalated to the regulator"] == sum(c.escalated_at is not None for c in group)
    decided = [c for c in group if actioned(c, latest) is not None]
    assert values["Decided by a platform"] == len(decided)


def test_the_public_version_holds_back_small_counts_and_what_rests_on_them(world):  # noqa: F811
    threshold = 40
    internal = _report(world, "demo.officer", FILTERS["everything"], INTERNAL, threshold)
    public = _report(world, "demo.officer", FILTERS["everything"], PUBLIC, threshold)
    assert public.version == PUBLIC
    held_back = 0
    for table_internal, table_public in zip(internal.tables, public.tables, strict=True):
        bases = {c.key: c.kind for c in table_internal.columns}
        for before, after in zip(table_internal.rows, table_public.rows, strict=True):
            for key, kind in bases.items():
                value = before.get(key)
                if kind == "count" and isinstance(value, int) and 0 < value < threshold:
                    assert after[key] == SUPPRESSED
                    held_back += 1
                elif kind == "count":
                    assert after[key] == value
                if kind in ("share", "hours") and value is not None:
                    base = before["_base"][key]
                    assert (after[key] == SUPPRESSED) == (base < threshold)
    assert held_back > 0


def test_who_may_read_which_version(world):  # noqa: F811
    _model, actors, _cases, _latest = world
    _report(world, "demo.observer", FILTERS["everything"], PUBLIC)
    with pytest.raises(PermissionDenied):
        _report(world, "demo.observer", FILTERS["everything"], INTERNAL)
    with pytest.raises(PermissionDenied):
        _report(world, "demo.liaison.meta", FILTERS["everything"], PUBLIC)


def test_a_liaison_reads_the_report_of_their_own_platforms_and_no_other_version(world):  # noqa: F811
    _model, actors, cases, _latest = world
    liaison = actors["demo.liaison.meta"]
    report = _report(world, "demo.liaison.meta", FILTERS["everything"], PLATFORM)
    keys = {row["key"] for row in _table(report, "platforms").rows}
    assert keys and keys <= set(liaison.platform_codes)
    filed = next(r["value"] for r in report.headline.rows if r["figure"] == "Cases filed")
    assert filed == sum(
        c.platform_code in liaison.platform_codes and c.referred_at is not None for c in cases
    )
    for version in (INTERNAL, PUBLIC):
        with pytest.raises(PermissionDenied):
            _report(world, "demo.liaison.meta", FILTERS["everything"], version)
    with pytest.raises(PermissionDenied):
        _report(world, "demo.officer", FILTERS["everything"], PLATFORM)


@pytest.fixture(scope="module")
def labels(demo_cases_database):
    """The report's labels in each language."""
    _url, engine = demo_cases_database
    with Session(engine) as session:
        return {language: report_labels(session, language) for language in ("id", "en")}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_html_and_pdf_files_carry_the_headline_figures(world, labels, language):  # noqa: F811
    report = _report(world, "demo.officer", FILTERS["everything"])
    filed = next(r["value"] for r in report.headline.rows if r["figure"] == "Cases filed")
    shown = format_number(filed, language=language)
    _ = translator(language)
    kw = {"gettext": _, "language": language, "labels": labels[language]}
    page = report_html(report, zone="Asia/Jakarta", **kw).decode("utf-8")
    assert "<script" not in page and "http" not in page.split("</title>", 1)[1]
    text = re.sub(r"<[^>]+>", " ", page)
    assert _("Joint transparency report") in text
    assert _("Cases filed") in text and shown in text
    pdf = PdfReader(io.BytesIO(report_pdf(report, zone="Asia/Jakarta", **kw)))
    extracted = " ".join(page.extract_text() for page in pdf.pages)
    assert _("Joint transparency report") in extracted
    assert _("Cases filed") in extracted and shown in extracted


def test_the_csv_tables_come_zipped_with_numbers_as_numbers(world, labels):  # noqa: F811
    report = _report(world, "demo.officer", FILTERS["everything"])
    data = report_csv_zip(report, gettext=translator("en"), language="en", labels=labels["en"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        platforms = list(csv.reader(io.StringIO(archive.read("platforms.csv").decode("utf-8-sig"))))
    assert {"headline.csv", "platforms.csv", "category.csv", "province.csv"} <= names
    assert platforms[0][:2] == ["Platform", "Filed"]
    total = sum(int(row[1]) for row in platforms[1:])
    filed = next(r["value"] for r in report.headline.rows if r["figure"] == "Cases filed")
    assert total == filed


def test_every_format_prints_the_signed_checkpoint_of_the_audit_chain(world, labels, session):  # noqa: F811
    from casework.records.audit import checkpoint_statement
    from casework.records.signing import public_keyring, verify_bytes
    from casework.records.transparency import anchor_report
    from tests.factories import make_case

    make_case(session)
    report = anchor_report(
        _report(world, "demo.officer", FILTERS["everything"], PUBLIC), session=session, now=NOW
    )
    again = anchor_report(
        _report(world, "demo.officer", FILTERS["everything"], PUBLIC), session=session, now=NOW
    )
    checkpoint = report.checkpoint
    assert again.checkpoint.id == checkpoint.id  # no new events: the same checkpoint
    assert checkpoint.event_count == 1
    signed = checkpoint_statement(
        checkpoint_id=checkpoint.id,
        last_id=checkpoint.last_id,
        last_hash=checkpoint.last_hash,
        event_count=checkpoint.event_count,
        at=checkpoint.at,
    )
    assert verify_bytes(signed, checkpoint.as_dict()["signature"], public_keys=public_keyring())
    kw = {"gettext": translator("en"), "language": "en", "labels": labels["en"]}
    page = report_html(report, zone="Asia/Jakarta", **kw).decode("utf-8")
    pdf = PdfReader(io.BytesIO(report_pdf(report, zone="Asia/Jakarta", **kw)))
    pdf_text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "").replace(" ", "")
    with zipfile.ZipFile(io.BytesIO(report_csv_zip(report, **kw))) as archive:
        fields = dict(
            csv.reader(io.StringIO(archive.read("audit_checkpoint.csv").decode("utf-8-sig")))
        )
    for text in (page, pdf_text):
        assert checkpoint.last_hash in text and checkpoint.signature in text
    assert fields["last_hash"] == checkpoint.last_hash
    assert fields["signature"] == checkpoint.signature
    assert fields["signed_statement"] == signed.decode()
