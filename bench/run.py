"""Pantau's performance harness (not part of the test run).

    .venv/bin/python -m bench.run                 # 100,000 cases on a temporary SQLite file
    .venv/bin/python -m bench.run --cases 1000000 # the design's target scale
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.run --cases 100000

Prints, each next to a naive baseline measured in the same run on the same database:
seeding rate (cases/s), filing one case through the service (p50/p95 ms), and
listing a filtered, sorted page of 50 cases (p50/p95 ms)."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, select

from casework.demo import CaseGenerator, ensure_demo_accounts, write_plans
from casework.desk.cases import file_report
from casework.desk.queries import CaseFilters, list_cases
from casework.desk.schemas import ReportIn
from casework.people.actors import actor_for
from casework.reference.taxonomy import seed_reference_data
from db.engine import begin_write, build_engine
from db.migrate import upgrade_to_head
from db.models import Case, User

PLATFORMS = ["tiktok", "facebook", "instagram", "youtube", "x"]


def bench_url(platform: str, index: int) -> str:
    """A link of the report's own platform (a link of another is refused)."""
    n = 7300000000000000000 + index
    return {
        "tiktok": f"https://www.tiktok.com/@bench/video/{n}",
        "facebook": f"https://www.facebook.com/bench/posts/{n}",
        "instagram": f"https://www.instagram.com/p/B{index:010d}/",
        "youtube": f"https://youtu.be/Y{index:010d}",
        "x": f"https://x.com/bench/status/{n}",
    }[platform]


CATEGORIES = ["hoax", "hate_speech", "black_campaign", "vote_buying", "neutrality_breach"]
PROVINCES = ["31", "32", "33", "35", "73"]
STATUSES = [("sent", "acknowledged"), ("closed",), ("new", "in_review"), ("decided",)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, samples: int) -> list[float]:
    times = []
    for index in range(samples):
        start = time.perf_counter()
        function(index)
        times.append((time.perf_counter() - start) * 1000)
    return times


def line(label: str, ours: str, baseline: str, ratio: float) -> None:
    print(f"{label:<44} {ours:>22}   baseline {baseline:>22}   ratio {ratio:8.1f}x")


def bench_seeding(engine, cases: int) -> None:
    with Session(engine) as session:
        begin_write(session)
        cast = ensure_demo_accounts(session)
        session.commit()
        generator = CaseGenerator(session, cast, seed=7)
        start = time.perf_counter()
        for chunk in generator.plans(cases, chunk_size=5000):
            begin_write(session)
            write_plans(session, chunk)
            session.commit()
        seconds = time.perf_counter() - start
    rate = cases / seconds

    # Baseline: the obvious ORM loop, one row and one commit per case.
    sample = min(1000, max(100, cases // 100))
    with Session(engine) as session:
        generator = CaseGenerator(session, cast, seed=8)
        plans = next(generator.plans(sample, chunk_size=sample))
        start = time.perf_counter()
        for plan in plans:
            row = dict(plan.case)
            row.pop("id")
            row["reference"] = f"BASE-{uuid.uuid4().hex[:12]}"
            session.add(Case(**row))
            session.commit()
        baseline = sample / (time.perf_counter() - start)
    print(
        f"seeded {cases:,} cases (with URLs, comments, decisions, chained events) "
        f"in {seconds:.1f} s"
    )
    line("seeding rate (cases/s)", f"{rate:,.0f}", f"{baseline:,.0f}", rate / baseline)


def bench_filing(engine, samples: int) -> None:
    with Session(engine) as session:
        officer_id = session.exec(select(User.id).where(User.username == "demo.officer")).one()
    now = datetime(2024, 2, 1, 3, 0, tzinfo=UTC)

    def file_one(index: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            actor = actor_for(session, officer_id)
            file_report(
                session=session,
                actor=actor,
                now=now,
                report=ReportIn(
                    title=f"Benchmark report {index}",
                    platform_code=PLATFORMS[index % 5],
                    category_code=CATEGORIES[index % 5],
                    source="own_patrol",
                    province_code=PROVINCES[index % 5],
                    urls=[bench_url(PLATFORMS[index % 5], index)],
                    posted_at=now - timedelta(hours=2),
                ),
            )

    def insert_one(index: int) -> None:
        # Baseline: one plain INSERT and commit, no checks, no reference, no audit.
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO case_file (reference, version, status, title, description, "
                    "source, reporting_organisation_id, report_count, platform_code, "
                    "category_code, priority, created_at, updated_at, sla_paused_seconds, "
                    "contest_count) VALUES (:r, 1, 'new', :t, '', 'own_patrol', 1, 1, 'tiktok', "
                    "'hoax', 'normal', :now, :now, 0, 0)"
                ),
                {
                    "r": f"NAIVE-{uuid.uuid4().hex[:12]}",
                    "t": f"naive {index}",
                    "now": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now,
                },
            )

    ours = timed(file_one, samples)
    base = timed(insert_one, samples)
    line(
        "file one case through the service p50 (ms)",
        f"{statistics.median(ours):.2f}",
        f"{statistics.median(base):.2f}",
        statistics.median(ours) / statistics.median(base),
    )
    line(
        "file one case through the service p95 (ms)",
        f"{percentile(ours, 0.95):.2f}",
        f"{percentile(base, 0.95):.2f}",
        percentile(ours, 0.95) / percentile(base, 0.95),
    )


def bench_listing(engine, samples: int) -> None:
    rng = random.Random(3)
    with Session(engine) as session:
        officer_id = session.exec(select(User.id).where(User.username == "demo.officer")).one()
        actor = actor_for(session, officer_id)
    filters = [
        CaseFilters(
            statuses=rng.choice(STATUSES),
            platforms=(rng.choice(PLATFORMS),),
            provinces=(rng.choice(PROVINCES),) if rng.random() < 0.5 else (),
        )
        for _ in range(samples)
    ]
    sorts = ["updated_at", "created_at", "sla_due_at"]

    def ours(index: int) -> None:
        with Session(engine) as session:
            page = list_cases(
                session=session,
                actor=actor,
                filters=filters[index],
                sort=sorts[index % 3],
                page=1 + index % 3,
                page_size=50,
            )
            assert len(page.rows) <= 50

    def naive(index: int) -> None:
        # Baseline: load every case, filter, sort and page in Python.
        f = filters[index]
        with Session(engine) as session:
            rows = session.exec(select(Case)).all()
            kept = [
                c
                for c in rows
                if c.status in f.statuses
                and c.platform_code in f.platforms
                and (not f.provinces or c.province_code in f.provinces)
            ]
            key = sorts[index % 3]
            kept.sort(
                key=lambda c: getattr(c, key) or datetime.min.replace(tzinfo=UTC), reverse=True
            )
            page = 1 + index % 3
            _ = kept[(page - 1) * 50 : page * 50]

    ours_times = timed(ours, samples)
    naive_times = timed(naive, max(3, samples // 20))
    line(
        "list a filtered, sorted page of 50 p50 (ms)",
        f"{statistics.median(ours_times):.2f}",
        f"{statistics.median(naive_times):.2f}",
        statistics.median(naive_times) / statistics.median(ours_times),
    )
    line(
        "list a filtered, sorted page of 50 p95 (ms)",
        f"{percentile(ours_times, 0.95):.2f}",
        f"{percentile(naive_times, 0.95):.2f}",
        percentile(naive_times, 0.95) / percentile(ours_times, 0.95),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--database-url", default=None, help="default: a new SQLite file in a temporary folder"
    )
    args = parser.parse_args()
    import os

    url = args.database_url or os.environ.get("DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="pantau-bench-")
    url = url or f"sqlite:///{folder}/bench.db"
    engine = build_engine(url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        begin_write(session)
        seed_reference_data(session)
        session.commit()
    print(
        f"database: {engine.dialect.name}; ratios > 1 mean the baseline is that many "
        "times slower (listing, seeding) or ours costs that many times more (filing)"
    )
    bench_seeding(engine, args.cases)
    bench_filing(engine, args.samples)
    bench_listing(engine, args.samples)


if __name__ == "__main__":
    main()
