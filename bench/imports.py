"""Bulk import benchmark (not part of the test run).

    .venv/bin/python -m bench.imports                     # 10,000 and 100,000 rows
    .venv/bin/python -m bench.imports --rows 10000        # one size
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.imports

For each size: a generated patrol spreadsheet (CSV; one row in ten is another report of
an earlier row's content) is read, validated and committed through `casework.intake.imports`
on a fresh database, timed; the same steps run again on another fresh database under
tracemalloc for the peak memory of each step (tracing slows Python down, so it is never
timed). Next to it, in the same run, the same rows are filed one by one through
`casework.desk.cases.file_report`: every row for 10,000 or fewer, else a sample of 2,000
whose rate is extrapolated (the table says so)."""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, select

from casework.desk.cases import file_report
from casework.desk.schemas import ReportIn
from casework.intake.imports import FIELDS, commit_import, header, parse_upload, validate_rows
from casework.people.actors import Actor, actor_for
from casework.people.roles import OrgKind, Role
from casework.records.audit import verify_chain
from casework.reference.taxonomy import seed_reference_data
from casework.settings import get_settings
from db.engine import build_engine
from db.migrate import upgrade_to_head
from db.models import Case, CaseReport, Organisation, User

NOW = datetime(2024, 1, 20, 3, 0, tzinfo=UTC)
ONE_BY_ONE_SAMPLE = 2000
CATEGORIES = ["hoax", "hate_speech", "black_campaign", "vote_buying", "neutrality_breach"]
PROVINCES = [("31", "31.71"), ("32", "32.01"), ("33", "33.74"), ("35", "35.78"), ("73", "73.71")]


def _link(platform: str, number: int) -> str:
    if platform == "tiktok":
        return f"https://www.tiktok.com/@akun.{number % 997}/video/{7300000000000000000 + number}"
    if platform == "youtube":
        return f"https://www.youtube.com/watch?v=bench{number:06d}&t=3s"
    if platform == "x":
        return f"https://x.com/akun_{number % 991}/status/{1740000000000000000 + number}"
    if platform == "instagram":
        return f"https://www.instagram.com/p/Bench{number:07d}/"
    return f"https://www.facebook.com/halaman.{number % 983}/posts/{900000000 + number}"


def generate_rows(count: int, *, seed: int = 11) -> list[dict[str, Any]]:
    """`count` patrol rows (field → value); one in ten reports an earlier row's content
    again, from another reporter."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        content = rng.randrange(index) if index > 10 and rng.random() < 0.1 else index
        platform = ("tiktok", "youtube", "x", "instagram", "facebook")[content % 5]
        province, regency = PROVINCES[content % 5]
        posted = NOW - timedelta(hours=rng.randint(2, 24 * 30))
        rows.append(
            {
                "title": f"Konten patroli nomor {content}",
                "description": "Temuan patroli siber: klaim palsu tentang surat suara.",
                "platform": platform,
                "urls": _link(platform, content),
                "account_handle": "",
                "account_class": "ordinary",
                "content_type": "video",
                "posted_at": posted.isoformat(timespec="seconds"),
                "reach": str(rng.randint(0, 500_000)),
                "category": CATEGORIES[content % 5],
                "legal_ground": "",
                "source": "public_complaint",
                "reporter_name": f"Pelapor {index}",
                "reporter_contact": f"pelapor{index}@example.org",
                "province": province,
                "regency": regency,
                "priority": "",
            }
        )
    return rows


def rows_csv(rows: list[dict[str, Any]], language: str = "id") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header(name, language) for name in FIELDS])
    # Columns a generated row leaves out (the statutory intake's, issue 17) stay empty.
    writer.writerows([row.get(name, "") for name in FIELDS] for row in rows)
    return buffer.getvalue().encode("utf-8")


def report_of(row: dict[str, Any]) -> ReportIn:
    return ReportIn(
        title=row["title"],
        description=row["description"],
        platform_code=row["platform"],
        urls=[row["urls"]],
        account_class=row["account_class"],
        content_type=row["content_type"],
        posted_at=datetime.fromisoformat(row["posted_at"]),
        reach=int(row["reach"]),
        category_code=row["category"],
        source=row["source"],
        reporter_name=row["reporter_name"],
        reporter_contact=row["reporter_contact"],
        province_code=row["province"],
        regency_code=row["regency"],
    )


@contextmanager
def fresh_database(directory: str) -> Iterator[Engine]:
    """A migrated, seeded database: an SQLite file in `directory`, or a new schema on the
    PostgreSQL server of DATABASE_URL (dropped afterwards)."""
    configured = get_settings().database_url
    if not configured.startswith(("postgresql", "postgres:")):
        engine = build_engine(f"sqlite:///{directory}/bench-{uuid.uuid4().hex[:8]}.db")
        schema = None
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = build_engine(configured)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(admin.url)
        engine = build_engine(
            url.set(query={**url.query, "options": f"-csearch_path={schema}"}).render_as_string(
                hide_password=False
            )
        )
    try:
        upgrade_to_head(engine)
        with Session(engine) as session:
            seed_reference_data(session)
            session.commit()
        yield engine
    finally:
        engine.dispose()
        if schema:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


def national_officer(engine: Engine) -> int:
    with Session(engine) as session:
        office = Organisation(name="Bawaslu RI (bench)", kind=OrgKind.SUPERVISORY)
        session.add(office)
        session.flush()
        user = User(
            username="bench.officer",
            display_name="Bench officer",
            role=Role.OFFICER,
            organisation_id=office.id,
        )
        session.add(user)
        session.commit()
        return user.id


def import_steps(engine: Engine, data: bytes, measure: Callable) -> dict[str, Any]:
    """Parse, validate and commit `data` as one officer, each step through `measure`."""
    user_id = national_officer(engine)
    with Session(engine, expire_on_commit=False) as session:
        actor: Actor = actor_for(session, user_id)
        sheet = measure("parse", lambda: parse_upload("bench.csv", data, max_rows=200_000))
        plan = measure(
            "validate",
            lambda: validate_rows(session=session, actor=actor, sheet=sheet, now=NOW),
        )
        assert not plan.invalid_rows, plan.problems[:5]
        result = measure(
            "commit",
            lambda: commit_import(
                session=session,
                actor=actor,
                plan=plan,
                file_name="bench.csv",
                file_sha256=sheet.sha256,
                now=NOW,
            ),
        )
        cases = session.exec(select(func.count()).select_from(Case)).one()
        reports = session.exec(select(func.count()).select_from(CaseReport)).one()
        assert cases == result.cases_created, (cases, result)
        assert reports == result.cases_created + result.reports_added, (reports, result)
        assert verify_chain(session).intact
    return {"plan": plan, "result": result}


def timed_import(engine: Engine, data: bytes) -> tuple[dict[str, tuple], dict[str, Any]]:
    """(wall seconds, CPU seconds) per step, and the outcome."""
    seconds: dict[str, tuple[float, float]] = {}

    def measure(step: str, call: Callable):
        wall, cpu = time.perf_counter(), time.process_time()
        value = call()
        seconds[step] = (time.perf_counter() - wall, time.process_time() - cpu)
        return value

    return seconds, import_steps(engine, data, measure)


def traced_import(engine: Engine, data: bytes) -> dict[str, float]:
    peaks: dict[str, float] = {}

    def measure(step: str, call: Callable):
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        value = call()
        peaks[step] = (tracemalloc.get_traced_memory()[1] - before) / 2**20
        return value

    tracemalloc.start()
    try:
        import_steps(engine, data, measure)
    finally:
        tracemalloc.stop()
    return peaks


def one_by_one(engine: Engine, rows: list[dict[str, Any]]) -> tuple[float, float]:
    """(wall, CPU) seconds to file `rows` through file_report, one transaction each."""
    user_id = national_officer(engine)
    with Session(engine, expire_on_commit=False) as session:
        actor = actor_for(session, user_id)
        wall, cpu = time.perf_counter(), time.process_time()
        for row in rows:
            file_report(session=session, actor=actor, report=report_of(row), now=NOW)
        return time.perf_counter() - wall, time.process_time() - cpu


def _line(label: str, count: int, wall: float, cpu: float, peak: str = "") -> None:
    rates = f"{count / wall:>10,.0f} {count / cpu:>10,.0f}"
    print(f"{label:<44} {wall:>9.2f} {cpu:>9.2f} {rates} {peak:>8}")


def bench(count: int, directory: str) -> None:
    rows = generate_rows(count)
    data = rows_csv(rows)
    with fresh_database(directory) as engine:
        seconds, outcome = timed_import(engine, data)
    with fresh_database(directory) as engine:
        peaks = traced_import(engine, data)
    sample = rows if count <= 10_000 else rows[:ONE_BY_ONE_SAMPLE]
    with fresh_database(directory) as engine:
        wall, cpu = one_by_one(engine, sample)
    scale = count / len(sample)
    result, plan = outcome["result"], outcome["plan"]
    print(
        f"\n{count:,} rows ({len(data) / 2**20:.1f} MB CSV): {result.cases_created:,} new cases, "
        f"{result.reports_added:,} further reports, {plan.unchanged:,} repeated rows; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'step':<44} {'wall s':>9} {'CPU s':>9} {'rows/s':>10} {'rows/CPU s':>10} {'peak MB':>8}"
    )
    for step in ("parse", "validate", "commit"):
        _line(step, count, *seconds[step], f"{peaks[step]:.1f}")
    total = [seconds["validate"][i] + seconds["commit"][i] for i in (0, 1)]
    _line("validate + commit", count, *total)
    label = "one by one (file_report)"
    if scale > 1:
        label += f", {len(sample):,} extrapolated"
    _line(label, count, wall * scale, cpu * scale)
    print(f"{'ratio, validate + commit vs one by one':<44} {wall * scale / total[0]:>9.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    backend = make_url(get_settings().database_url).get_backend_name()
    print(f"bulk import on {backend}")
    with tempfile.TemporaryDirectory() as directory:
        for count in args.rows:
            bench(count, directory)


if __name__ == "__main__":
    main()
