"""Clock compliance on the dashboard and in the transparency report (issue 18, item 5),
against plain Python over the same table of clocks: every state (met in time, met late,
running, overdue, paused in time, paused after its deadline, no longer owed in time and
late), three owners, on generated cases of several platforms and provinces; for the
national office, a regional office, a liaison and an observer (aggregate only, small
counts held back); and the public report's suppression."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert
from sqlmodel import Session, select

from casework.analytics.clock_compliance import clock_compliance
from casework.analytics.filters import DashboardFilters
from casework.analytics.suppression import threshold
from casework.clocks import breach
from casework.demo import CaseGenerator, ensure_demo_accounts, write_plans
from casework.i18n import translator
from casework.people.actors import actor_for
from casework.records.report_render import cell, report_labels
from casework.records.transparency import INTERNAL, PUBLIC, SUPPRESSED, build_report
from db.engine import begin_write
from db.models import Case, CaseClock, User
from db.read_model import ReadModel
from tests.services.conftest import _reference_database
from tests.services.test_figures import cohort

NOW = datetime(2024, 3, 21, tzinfo=UTC)
H = timedelta(hours=1)
VIEWERS = ("demo.officer", "demo.officer.jabar", "demo.liaison.tiktok", "demo.observer")
THRESHOLD = threshold()  # PANTAU_REPORT_MIN_COUNT, 5 unless set

# (rule, kind, owner)
RULES = [
    ("agreed_platform", "agreed", "platform"),
    ("regulatory_order", "regulatory", "platform"),
    ("decision", "statutory", "supervisory"),
    ("gakkumdu_forwarding", "statutory", "gakkumdu"),
]
# Every state a clock can be in at NOW: (hours from start to due, paused after, stopped
# after, outcome), hours counted from the clock's start.
SHAPES = [
    (24, None, 5, "met"),  # met in time
    (24, None, 30, "met"),  # met late
    (24, None, None, None),  # running, due after NOW (start is recent)
    (4, None, None, None),  # running, overdue
    (24, 3, None, None),  # paused in time
    (4, 6, None, None),  # paused after its deadline
    (24, None, 2, "cancelled"),  # no longer owed, in time
    (4, None, 9, "cancelled"),  # no longer owed, late
]


@pytest.fixture(scope="module")
def clock_world(tmp_path_factory):
    """Generated cases with four clocks each, in every state; the read model; viewers."""
    with _reference_database(tmp_path_factory.mktemp("clock-figures")) as (url, engine):
        with Session(engine) as session:
            begin_write(session)
            cast = ensure_demo_accounts(session)
            session.commit()
            for chunk in CaseGenerator(session, cast, seed=18).plans(160, chunk_size=160):
                begin_write(session)
                write_plans(session, chunk)
                session.commit()
            session.execute(delete(CaseClock))
            rows = []
            ids = session.exec(select(Case.id).order_by(Case.id)).all()
            for n, case_id in enumerate(ids):
                for r, (rule, kind, owner) in enumerate(RULES):
                    due, paused, stopped, outcome = SHAPES[(n + 3 * r) % len(SHAPES)]
                    # Running clocks started two hours ago; the others long before.
                    start = NOW - (2 * H if (due, stopped, paused) == (24, None, None) else 40 * H)
                    start -= (n % 7) * timedelta(minutes=13)
                    rows.append(
                        dict(
                            case_id=case_id,
                            rule_code=rule,
                            rule_version=1,
                            kind=kind,
                            owner=owner,
                            unit="hours",
                            amount=due,
                            started_at=start,
                            due_at=start + due * H,
                            paused_since=None if paused is None else start + paused * H,
                            paused_seconds=0,
                            stopped_at=None if stopped is None else start + stopped * H,
                            outcome=outcome,
                        )
                    )
            session.execute(insert(CaseClock), rows)
            session.commit()
            actors = {
                name: actor_for(
                    session, session.exec(select(User.id).where(User.username == name)).one()
                )
                for name in VIEWERS
            }
            cases = {c.id: c for c in session.exec(select(Case))}
            clocks = list(session.exec(select(CaseClock)))
            session.expunge_all()
        model = ReadModel(url)
        model.refresh()
        yield engine, model, actors, cases, clocks
        model.close()


def expected(world, viewer: str, filters: DashboardFilters):
    """Per (rule, owner) and per owner: [on time, late, running, paused]; per (platform,
    kind) the hours of the met agreed and regulatory clocks: in plain Python."""
    _engine, _model, actors, cases, clocks = world
    actor = actors[viewer]
    wanted = {c.id for c in cohort(list(cases.values()), actor, filters)}
    by_rule: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_owner: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    hours: dict[tuple[str, str], list[float]] = defaultdict(list)
    for clock in clocks:
        if clock.case_id not in wanted:
            continue
        late = breach.is_breached(
            due=clock.due_at, stopped_at=clock.stopped_at, paused_since=clock.paused_since, now=NOW
        )
        if late:
            slot = 1
        elif clock.outcome == "met":
            slot = 0
        elif clock.stopped_at is None:
            slot = 3 if clock.paused_since else 2
        else:
            slot = None  # no longer owed, in time: counted nowhere
        if slot is not None:
            by_rule[(clock.rule_code, clock.owner)][slot] += 1
            by_owner[clock.owner][slot] += 1
        if clock.outcome == "met" and clock.kind in ("agreed", "regulatory"):
            platform = cases[clock.case_id].platform_code
            taken = (clock.stopped_at - clock.started_at).total_seconds() - clock.paused_seconds
            hours[(platform, clock.kind)].append(taken / 3600)
    return by_rule, by_owner, hours


def _hidden(value: int) -> int | None:
    """An aggregate-only reader's count: 1 to k-1 held back."""
    return None if 0 < value < THRESHOLD else value


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return (
        ordered[0]
        if len(ordered) == 1
        else statistics.quantiles(ordered, n=10, method="inclusive")[-1]
    )


FILTERS = {
    "everything": DashboardFilters(),
    "tiktok and youtube in the campaign": DashboardFilters(
        platforms=("tiktok", "youtube"), phases=("campaign",)
    ),
    "filed in January 2024": DashboardFilters(
        date_from=datetime(2024, 1, 1).date(), date_to=datetime(2024, 1, 31).date()
    ),
}


@pytest.mark.parametrize("filters", FILTERS.values(), ids=FILTERS.keys())
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_dashboards_clock_compliance_matches_plain_python(clock_world, viewer, filters):
    engine, model, actors, _cases, _clocks = clock_world
    by_rule, by_owner, hours = expected(clock_world, viewer, filters)
    aggregate_only = viewer == "demo.observer"
    shown = _hidden if aggregate_only else (lambda v: v)
    with Session(engine) as session:
        got = clock_compliance(
            session=session, actor=actors[viewer], filters=filters, now=NOW, model=model
        )

    assert {
        (r.rule_code, r.owner): [r.on_time, r.late, r.running, r.paused] for r in got.by_rule
    } == {key: [shown(v) for v in counts] for key, counts in by_rule.items()}
    assert {r.owner: [r.on_time, r.late, r.running, r.paused] for r in got.by_owner} == {
        owner: [shown(v) for v in counts] for owner, counts in by_owner.items()
    }
    durations = {(d.platform, d.kind): d for d in got.durations}
    assert set(durations) == set(hours)
    for key, values in hours.items():
        d = durations[key]
        enough = not aggregate_only or len(values) >= THRESHOLD
        assert d.measured == shown(len(values))
        assert d.median_hours == (pytest.approx(statistics.median(values)) if enough else None)
        assert d.p90_hours == (pytest.approx(_p90(values)) if enough else None)
    # The fixture holds every state: the figures are not trivially empty.
    if viewer == "demo.officer" and filters == DashboardFilters():
        assert all(all(v > 0 for v in counts) for counts in by_rule.values())
        assert {"platform", "supervisory", "gakkumdu"} == set(by_owner)


@pytest.mark.parametrize("viewer", ("demo.officer", "demo.officer.jabar"))
def test_the_reports_deadline_tables_match_plain_python(clock_world, viewer):
    engine, model, actors, _cases, _clocks = clock_world
    filters = DashboardFilters()
    by_rule, by_owner, hours = expected(clock_world, viewer, filters)
    with Session(engine) as session:
        clocks = clock_compliance(
            session=session, actor=actors[viewer], filters=filters, now=NOW, model=model
        )
    report = build_report(
        actor=actors[viewer],
        filters=filters,
        version=INTERNAL,
        now=NOW,
        threshold=THRESHOLD,
        model=model,
        clocks=clocks,
    )
    tables = {t.key: t for t in report.tables}

    rules = {(r["key"], r["owner"]): r for r in tables["clock_rules"].rows}
    assert set(rules) == set(by_rule)
    for key, (on_time, late, running, paused) in by_rule.items():
        row = rules[key]
        assert [row["on_time"], row["late"], row["running"], row["paused"]] == [
            on_time,
            late,
            running,
            paused,
        ]
        assert row["share"] == pytest.approx(on_time / (on_time + late))
    owners = {
        r["owner"]: [r["on_time"], r["late"], r["running"], r["paused"]]
        for r in tables["clock_owners"].rows
    }
    assert owners == {owner: counts for owner, counts in by_owner.items()}
    times = {(r["key"], r["kind"]): r for r in tables["clock_times"].rows}
    assert {k: r["measured"] for k, r in times.items()} == {k: len(v) for k, v in hours.items()}
    for key, values in hours.items():
        assert times[key]["median"] == pytest.approx(statistics.median(values))
        assert times[key]["p90"] == pytest.approx(_p90(values))


def test_the_public_report_says_which_deadlines_were_met_by_whom_holding_back_small_counts(
    clock_world,
):
    engine, model, actors, _cases, _clocks = clock_world
    filters = DashboardFilters(platforms=("tiktok",))
    by_rule, _by_owner, hours = expected(clock_world, "demo.observer", filters)
    with Session(engine) as session:
        clocks = clock_compliance(
            session=session, actor=actors["demo.observer"], filters=filters, now=NOW, model=model
        )
        report = build_report(
            actor=actors["demo.observer"],
            filters=filters,
            version=PUBLIC,
            now=NOW,
            threshold=THRESHOLD,
            model=model,
            clocks=clocks,
        )
        labels = report_labels(session, "id")
    table = next(t for t in report.tables if t.key == "clock_rules")
    rows = {(r["key"], r["owner"]): r for r in table.rows}
    assert set(rows) == set(by_rule)
    small_seen = False
    for key, counts in by_rule.items():
        for name, value in zip(("on_time", "late", "running", "paused"), counts, strict=True):
            small = 0 < value < THRESHOLD
            small_seen |= small
            assert rows[key][name] == (SUPPRESSED if small else value)
    assert small_seen, "the fixture should hold a small count under this filter"
    times = {
        (r["key"], r["kind"]): r
        for r in next(t for t in report.tables if t.key == "clock_times").rows
    }
    for key, values in hours.items():
        if len(values) < THRESHOLD:
            assert times[key]["median"] == SUPPRESSED and times[key]["p90"] == SUPPRESSED

    # Read in Bahasa Indonesia: the owner and the rule by name, a held-back cell in words.
    _ = translator("id")
    row = rows[("decision", "supervisory")]
    kw = {"gettext": _, "language": "id", "labels": labels}
    assert cell(report, table, row, "owner", "label", **kw) == "Bawaslu"
    assert cell(report, table, row, "key", "label", **kw) not in ("decision", "")
    held = next(
        (r, n)
        for r in table.rows
        for n in ("on_time", "late", "running", "paused")
        if r[n] == SUPPRESSED
    )
    assert cell(report, table, held[0], held[1], "count", **kw) == f"kurang dari {THRESHOLD}"


def test_the_reports_files_carry_the_deadline_tables_in_the_readers_language(clock_world):
    import csv
    import io
    import zipfile

    from pypdf import PdfReader

    from casework.records.report_render import report_csv_zip, report_html, report_pdf

    engine, model, actors, _cases, _clocks = clock_world
    observer = actors["demo.observer"]
    filters = DashboardFilters(platforms=("tiktok",))
    with Session(engine) as session:
        clocks = clock_compliance(
            session=session, actor=observer, filters=filters, now=NOW, model=model
        )
        report = build_report(
            actor=observer,
            filters=filters,
            version=PUBLIC,
            now=NOW,
            threshold=THRESHOLD,
            model=model,
            clocks=clocks,
        )
        labels = {language: report_labels(session, language) for language in ("id", "en")}
    files = {"gettext": translator("id"), "language": "id", "labels": labels["id"]}

    page = report_html(report, zone="Asia/Jakarta", **files).decode()
    assert "Tenggat yang terpenuhi, per aturan" in page
    assert "Tenggat yang terpenuhi, per penanggung jawab" in page
    assert "Terpenuhi tepat waktu" in page and "Sentra Gakkumdu" in page
    assert f"kurang dari {THRESHOLD}" in page

    english = {"gettext": translator("en"), "language": "en", "labels": labels["en"]}
    with zipfile.ZipFile(io.BytesIO(report_csv_zip(report, **english))) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("clock_owners.csv").decode("utf-8-sig"))))
    assert rows[0] == ["Owner", "Met in time", "Late", "Running", "Paused", "Share met in time"]
    assert {row[0] for row in rows[1:]} == {"Platform", "Bawaslu", "Sentra Gakkumdu"}

    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(report_pdf(report, zone="Asia/Jakarta", **files))).pages
    )
    assert "Tenggat yang terpenuhi" in " ".join(text.split())


@pytest.mark.parametrize("filters", FILTERS.values(), ids=FILTERS.keys())
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_read_models_clock_figures_equal_the_case_databases(clock_world, viewer, filters):
    """The dashboard counts in the read model; `casework.clocks.figures` counts the same
    over the case database: the two agree, count for count and hour for hour."""
    from casework.analytics import sql
    from casework.analytics.clock_compliance import (
        compliance_in_read_model,
        durations_in_read_model,
    )
    from casework.analytics.cohort import case_cohort
    from casework.clocks import figures as clock_figures

    engine, model, actors, _cases, _clocks = clock_world
    actor = actors[viewer]
    ctx = sql.context(actor, model)
    with Session(engine) as session:
        cases = case_cohort(actor, filters)
        in_sql = clock_figures.compliance(session=session, actor=actor, now=NOW, cases=cases)
        sql_hours = clock_figures.platform_durations(session=session, actor=actor, cases=cases)

    assert compliance_in_read_model(ctx, filters, NOW) == in_sql
    assert in_sql, "the fixture's cohort holds clocks"
    in_duck = durations_in_read_model(ctx, filters)
    assert [(d.platform, d.kind, d.measured) for d in in_duck] == [
        (d.platform, d.kind, d.measured) for d in sql_hours
    ]
    for duck, reference in zip(in_duck, sql_hours, strict=True):
        assert duck.median_hours == pytest.approx(reference.median_hours)
        assert duck.p90_hours == pytest.approx(reference.p90_hours)
