"""The queue, search and case page at scale (issue 5): not part of the test run.

    .venv/bin/python -m bench.queue            # 1,000,000 cases, 10,000,000 events
    .venv/bin/python -m bench.queue --cases 100000 --events 1000000 --db /tmp/q.sqlite
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.queue --cases 200000 --events 2000000

Builds the database once (a file already seeded to the asked scale is reused as is):
schema, reference data, demo accounts, cases with their full histories through
casework.demo (chained audit events), then extra audit events up to `--events` (comments
and assignments, skewed so a few cases carry thousands of events), then the search
documents through casework.desk.search.index_missing.

The extra events carry synthetic hashes (not a valid chain): they exist to give the
tables their size, and chain verification over this database reports them.

Then measures, for a national officer, a regional officer (Jawa Barat) and a TikTok
liaison, each figure next to a naive baseline on the same database in the same run:

1. the queue's first page (list_cases, with its capped count) over built-in views and
   filters, against the same query forced to scan (SQLite NOT INDEXED; PostgreSQL with
   index scans disabled) with an exact COUNT(*);
2. full-text search through list_cases(filters=CaseFilters(text=…)), against LIKE '%…%'
   over the case's text columns and its links;
3. the case page's data (load_case_view) for random cases and the cases with the most
   events, against ORM lazy loading (the case, then each related row one query at a
   time)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, func, or_, text
from sqlmodel import Session, select

from bench.run import percentile
from casework.demo import CaseGenerator, ensure_demo_accounts, write_plans
from casework.desk.case_view import load_case_view
from casework.desk.queries import SORTABLE, CaseFilters, View, _conditions, list_cases
from casework.desk.search import index_missing
from casework.people.actors import Actor, actor_for, case_scope
from casework.reference.taxonomy import seed_reference_data
from db.engine import begin_write, build_engine
from db.migrate import upgrade_to_head
from db.models import (
    AuditEvent,
    AuditHead,
    Case,
    CaseReport,
    CaseUrl,
    Comment,
    Decision,
    Evidence,
    Organisation,
    Platform,
    Region,
    TaxonomyTerm,
    User,
)

DEFAULT_SQLITE = "/tmp/pantau-queue-1m.sqlite"
TARGETS = {"queue": 150.0, "search": 300.0, "case": 100.0}

# Extra events per case for the busiest cases: (how many cases, events each). The rest
# of the extra events fall on cases drawn uniformly.
HOT_TIERS = [(10, 2000), (100, 500), (1000, 100), (10000, 20)]
FILLER_COMMENTS = [
    "Sudah dicek ulang, konten masih tayang.",
    "Mohon dipantau, akun ini mengunggah ulang.",
    "Tautan cadangan ditambahkan ke bukti.",
    "Platform meminta salinan surat tugas.",
    "Koordinasi dengan Bawaslu provinsi.",
]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


# -- seeding ---------------------------------------------------------------------------


def seed(engine, cases: int, events: int, chunk_size: int = 5000) -> dict:
    """Bring the database to `cases` cases and `events` audit events; returns timings."""
    timings: dict[str, float] = {}
    sqlite = engine.dialect.name == "sqlite"
    start = time.perf_counter()
    upgrade_to_head(engine)
    with Session(engine) as session:
        begin_write(session)
        seed_reference_data(session)
        cast = ensure_demo_accounts(session)
        session.commit()
    timings["schema and reference data"] = time.perf_counter() - start

    with Session(engine) as session:
        have = session.exec(select(func.count()).select_from(Case)).one()
    if have < cases:
        start = time.perf_counter()
        with Session(engine) as session:
            if sqlite:
                session.connection().exec_driver_sql("PRAGMA cache_size=-1000000")
            generator = CaseGenerator(session, cast, seed=2024 + have)
            done = 0
            for chunk in generator.plans(cases - have, chunk_size=chunk_size):
                begin_write(session)
                write_plans(session, chunk)
                session.commit()
                done += len(chunk)
                if done % 100_000 < chunk_size:
                    rate = done / (time.perf_counter() - start)
                    print(f"  cases: {have + done:,} ({rate:,.0f}/s, load {load_average()})")
        timings["cases with histories (casework.demo)"] = time.perf_counter() - start
    else:
        print(f"  reusing {have:,} cases")

    with Session(engine) as session:
        head = session.get(AuditHead, 1)
        have_events = head.last_id if head else 0
    if have_events < events:
        start = time.perf_counter()
        _top_up_events(engine, events - have_events)
        timings["extra events (synthetic hashes)"] = time.perf_counter() - start
    else:
        print(f"  reusing {have_events:,} events")

    start = time.perf_counter()
    with Session(engine) as session:
        indexed = index_missing(session)
    if indexed:
        timings["search documents (index_missing)"] = time.perf_counter() - start
    return timings


def _top_up_events(engine, extra: int, chunk: int = 200_000) -> None:
    """Append `extra` comment and assignment events (with the comment rows) to existing
    cases, a few cases receiving most of them."""
    sqlite = engine.dialect.name == "sqlite"
    with Session(engine) as session:
        created = dict(session.exec(select(Case.id, Case.created_at)).all())
        users = session.exec(
            text(
                "SELECT u.id, u.organisation_id FROM pantau_user u JOIN organisation o "
                "ON o.id = u.organisation_id WHERE o.kind = 'supervisory' "
                "AND u.role IN ('officer', 'lead')"
            )
        ).all()
        next_comment = (session.exec(select(func.max(Comment.id))).one() or 0) + 1
    ids = sorted(created)
    rng = random.Random(extra)
    scale = min(1.0, extra / (2 * sum(n * k for n, k in HOT_TIERS)))
    hot = rng.sample(ids, min(len(ids), sum(n for n, _ in HOT_TIERS)))
    targets: list[int] = []
    position = 0
    for count, each in HOT_TIERS:
        for case_id in hot[position : position + count]:
            targets.extend([case_id] * max(1, int(each * scale)))
        position += count
    targets = targets[:extra]
    targets.extend(rng.choice(ids) for _ in range(extra - len(targets)))
    rng.shuffle(targets)

    written = 0
    start = time.perf_counter()
    while written < extra:
        batch = targets[written : written + chunk]
        with Session(engine) as session:
            begin_write(session)
            head = session.get(AuditHead, 1)
            last_id, last_hash = head.last_id, head.last_hash
            event_rows, comment_rows = [], []
            for case_id in batch:
                user_id, org_id = rng.choice(users)
                at = created[case_id] + timedelta(seconds=rng.randint(60, 40 * 86400))
                last_id += 1
                if rng.random() < 0.5:
                    visibility = "internal" if rng.random() < 0.3 else "shared"
                    comment_rows.append(
                        (
                            next_comment,
                            case_id,
                            user_id,
                            org_id,
                            visibility,
                            rng.choice(FILLER_COMMENTS),
                            at,
                        )
                    )
                    action = "comment_added"
                    detail = {"comment_id": next_comment, "visibility": visibility}
                    next_comment += 1
                else:
                    action = "case_assigned"
                    detail = {"assignee_id": user_id, "previous_assignee_id": None}
                digest = hashlib.sha256(f"filler:{last_id}".encode()).hexdigest()
                event_rows.append(
                    (last_id, case_id, user_id, action, json.dumps(detail), at, last_hash, digest)
                )
                last_hash = digest
            _bulk_insert(session, sqlite, event_rows, comment_rows)
            head.last_id, head.last_hash = last_id, last_hash
            session.add(head)
            session.commit()
        written += len(batch)
        rate = written / (time.perf_counter() - start)
        print(f"  extra events: {written:,} of {extra:,} ({rate:,.0f}/s, load {load_average()})")
    if not sqlite:
        with Session(engine) as session:
            session.exec(
                text(
                    "SELECT setval(pg_get_serial_sequence('comment', 'id'), "
                    "(SELECT max(id) FROM comment))"
                )
            )
            session.commit()


def _stamp(at: datetime, sqlite: bool):
    # SQLAlchemy's SQLite DATETIME format, in UTC (db.types.UTCDateTime).
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else at


def _bulk_insert(session: Session, sqlite: bool, events: list, comments: list) -> None:
    event_columns = "id, case_id, actor_id, action, detail, created_at, prev_hash, hash"
    comment_columns = "id, case_id, author_id, organisation_id, visibility, body, created_at"
    raw = session.connection().connection.dbapi_connection
    if sqlite:
        raw.executemany(
            f"INSERT INTO audit_event ({event_columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row[:5], _stamp(row[5], True), *row[6:]) for row in events],
        )
        raw.executemany(
            f"INSERT INTO comment ({comment_columns}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*row[:6], _stamp(row[6], True)) for row in comments],
        )
        return
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY audit_event ({event_columns}) FROM STDIN") as copy:
            for row in events:
                copy.write_row(row)
        with cursor.copy(f"COPY comment ({comment_columns}) FROM STDIN") as copy:
            for row in comments:
                copy.write_row(row)


# -- measuring -------------------------------------------------------------------------


class QueryLog:
    """Counts and times the statements sent to the database while `on`, and rewrites
    them when `rewrite` is set (the baselines' NOT INDEXED)."""

    def __init__(self, engine) -> None:
        self.on = False
        self.rewrite = None
        self.statements: list[tuple[str, object, float]] = []
        event.listen(engine, "before_cursor_execute", self._before, retval=True)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.rewrite:
            statement = self.rewrite(statement)
        conn.info["bench_started"] = time.perf_counter()
        return statement, parameters

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.on:
            elapsed = (time.perf_counter() - conn.info.pop("bench_started", 0)) * 1000
            self.statements.append((statement, parameters, elapsed))


class Sample:
    """Times of one scenario, ours and baseline, with the statements of ours."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.ours: list[float] = []
        self.base: list[float] = []
        self.queries: list[int] = []
        self.cpu: list[float] = []  # this process's CPU time per call (ms)
        self.in_db: list[float] = []  # time inside cursor.execute per call (ms)
        self.slowest: tuple[float, list] = (0.0, [])


def run_one(log: QueryLog, sample: Sample, function, *arguments, baseline: bool = False) -> None:
    log.statements = []
    log.on = True
    cpu = time.process_time()
    start = time.perf_counter()
    function(*arguments)
    elapsed = (time.perf_counter() - start) * 1000
    cpu = (time.process_time() - cpu) * 1000
    log.on = False
    if baseline:
        sample.base.append(elapsed)
        return
    sample.ours.append(elapsed)
    sample.cpu.append(cpu)
    sample.queries.append(len(log.statements))
    sample.in_db.append(sum(row[2] for row in log.statements))
    if elapsed > sample.slowest[0]:
        sample.slowest = (elapsed, list(log.statements))


def p(values: list[float], share: float) -> float:
    return percentile(values, share) if values else float("nan")


def report(title: str, samples: list[Sample], target: float, results: dict) -> None:
    ours = [t for s in samples for t in s.ours]
    base = [t for s in samples for t in s.base]
    cpu = [t for s in samples for t in s.cpu]
    in_db = [t for s in samples for t in s.in_db]
    queries = [q for s in samples for q in s.queries]
    print(f"\n{title}")
    print(
        f"  {'scenario':<74} {'n':>3} {'p50':>7} {'p95':>7} {'max':>7} {'cpu50':>7} "
        f"{'db50':>7} {'q/call':>6} {'base n':>6} {'base p50':>9}"
    )
    for s in samples:
        print(
            f"  {s.label:<74} {len(s.ours):>3} {p(s.ours, 0.5):>7.1f} {p(s.ours, 0.95):>7.1f} "
            f"{max(s.ours):>7.1f} {p(s.cpu, 0.5):>7.1f} {p(s.in_db, 0.5):>7.1f} "
            f"{statistics.mean(s.queries):>6.1f} {len(s.base):>6} {p(s.base, 0.5):>9.1f}"
        )
    o50, o95, b50, b95 = p(ours, 0.5), p(ours, 0.95), p(base, 0.5), p(base, 0.95)
    met = "met" if o95 < target else "MISSED"
    print(
        f"  ALL: ours p50 {o50:.1f} ms, p95 {o95:.1f} ms (n={len(ours)}; CPU p50 "
        f"{p(cpu, 0.5):.1f}, p95 {p(cpu, 0.95):.1f}; in cursor.execute p50 {p(in_db, 0.5):.1f}; "
        f"{statistics.mean(queries):.1f} queries/call); baseline p50 {b50:.1f} ms, "
        f"p95 {b95:.1f} ms (n={len(base)}); ratio p50 {b50 / o50:.1f}x, p95 {b95 / o95:.1f}x; "
        f"target p95 < {target:.0f} ms: {met}"
    )
    results[title] = dict(
        ours_p50=o50,
        ours_p95=o95,
        cpu_p50=p(cpu, 0.5),
        cpu_p95=p(cpu, 0.95),
        base_p50=b50,
        base_p95=b95,
        n=len(ours),
        n_base=len(base),
        queries=statistics.mean(queries),
        met=met,
    )


def explain(engine, statement: str, parameters) -> list[str]:
    """The database's plan for one statement exactly as it was sent."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        if engine.dialect.name == "sqlite":
            rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            return [f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in rows]
        with raw.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
        raw.rollback()
        return lines


def show_slowest(engine, samples: list[Sample], how_many: int = 2) -> None:
    """For the slowest scenarios, the slowest statement of their slowest call and its plan."""
    for s in sorted(samples, key=lambda s: p(s.ours, 0.95), reverse=True)[:how_many]:
        elapsed, statements = s.slowest
        if not statements:
            continue
        statement, parameters, took = max(statements, key=lambda row: row[2])
        print(f"  slowest call of '{s.label}': {elapsed:.1f} ms, {len(statements)} statements;")
        print(f"    its slowest statement ({took:.1f} ms): {' '.join(statement.split())[:600]}")
        print(f"    parameters: {str(parameters)[:300]}")
        for row in explain(engine, statement, parameters):
            print(f"    plan: {row}")
        if len(statements) > 3:
            grouped: dict[str, list[float]] = {}
            for sql, _, took in statements:
                grouped.setdefault(" ".join(sql.split())[:110], []).append(took)
            print("    its statements, grouped (count, total ms, text):")
            for sql, times in sorted(grouped.items(), key=lambda item: -sum(item[1])):
                print(f"      {len(times):>4} {sum(times):>8.1f}  {sql}")


def not_indexed(statement: str) -> str:
    return statement.replace("FROM case_file ", "FROM case_file NOT INDEXED ")


def naive_session(engine, log: QueryLog) -> Session:
    """A session whose queries cannot use an index on case_file."""
    session = Session(engine)
    if engine.dialect.name == "sqlite":
        log.rewrite = not_indexed
    else:
        for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
            session.exec(text(f"SET LOCAL {setting} = off"))
    return session


def actors(engine) -> dict[str, Actor]:
    with Session(engine) as session:
        ids = dict(session.exec(select(User.username, User.id)).all())
        return {
            "national officer": actor_for(session, ids["demo.officer"]),
            "regional officer (32)": actor_for(session, ids["demo.officer.jabar"]),
            "TikTok liaison": actor_for(session, ids["demo.liaison.tiktok"]),
        }


QUEUE_SCENARIOS = [
    ("national officer", CaseFilters(view=View.NEEDS_ME), "updated_at", True),
    ("national officer", CaseFilters(view=View.AWAITING_PLATFORM), "sla_due_at", False),
    ("national officer", CaseFilters(view=View.OVERDUE), "sla_due_at", False),
    (
        "national officer",
        CaseFilters(statuses=("sent", "acknowledged"), platforms=("tiktok",), provinces=("31",)),
        "updated_at",
        True,
    ),
    ("national officer", CaseFilters(statuses=("closed",), platforms=("x",)), "updated_at", True),
    ("national officer", CaseFilters(statuses=("decided",)), "sla_due_at", False),
    ("regional officer (32)", CaseFilters(view=View.NEEDS_ME), "updated_at", True),
    (
        "regional officer (32)",
        CaseFilters(statuses=("sent", "acknowledged"), platforms=("facebook",)),
        "sla_due_at",
        False,
    ),
    ("TikTok liaison", CaseFilters(view=View.NEEDS_ME), "sla_due_at", False),
    ("TikTok liaison", CaseFilters(view=View.OVERDUE), "sla_due_at", False),
]


def describe(filters: CaseFilters) -> str:
    parts = [f"view={filters.view}"] if filters.view else []
    for name in ("statuses", "platforms", "provinces"):
        if getattr(filters, name):
            key = "status" if name == "statuses" else name[:-1]
            parts.append(f"{key}={'|'.join(getattr(filters, name))}")
    if filters.text:
        parts.append(f"text={filters.text!r}")
    return ",".join(parts)


def bench_queue(engine, log, cast, samples: int, base_samples: int, now, results) -> list:
    scenarios = []
    for who, filters, sort, descending in QUEUE_SCENARIOS:
        label = f"{who}: {describe(filters)} by {sort} {'desc' if descending else 'asc'}"
        scenarios.append((Sample(label), cast[who], filters, sort, descending))

    def ours(actor, filters, sort, descending):
        with Session(engine) as session:
            page = list_cases(
                session=session,
                actor=actor,
                filters=filters,
                sort=sort,
                descending=descending,
                page=1,
                page_size=50,
                now=now,
            )
            assert len(page.rows) <= 50

    def naive(actor, filters, sort, descending):
        # The same conditions, unable to use an index, with an exact count.
        with naive_session(engine, log) as session:
            try:
                conditions = _conditions(session, actor, filters, now)
                session.exec(select(func.count()).select_from(Case).where(*conditions)).one()
                column = SORTABLE[sort]
                order = column.desc().nulls_last() if descending else column.asc().nulls_last()
                session.exec(
                    select(Case)
                    .where(*conditions)
                    .order_by(order, Case.id.desc() if descending else Case.id.asc())
                    .limit(50)
                ).all()
            finally:
                log.rewrite = None

    run_scenarios(log, scenarios, ours, naive, samples, base_samples)
    report(
        "queue first page (list_cases, 50 rows, capped count)",
        [s[0] for s in scenarios],
        TARGETS["queue"],
        results,
    )
    return scenarios


def run_scenarios(log, scenarios, ours, naive, samples, base_samples) -> None:
    per = max(1, samples // len(scenarios))
    for _sample, *arguments in scenarios:  # warm-up
        ours(*arguments)
    for _ in range(per):
        for sample, *arguments in scenarios:
            run_one(log, sample, ours, *arguments)
    if base_samples:
        naive(*scenarios[0][1:])  # warm-up: the file in the page cache
    for index in range(base_samples):
        sample, *arguments = scenarios[index % len(scenarios)]
        run_one(log, sample, naive, *arguments, baseline=True)


def search_queries(engine, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Realistic queries drawn from the data: (kind, text)."""
    with Session(engine) as session:
        top = session.exec(select(func.max(Case.id))).one()
        picked = []
        while len(picked) < count:
            row = session.exec(
                select(Case.reference, Case.title, Case.account_handle, Case.content_key).where(
                    Case.id == rng.randint(1, top)
                )
            ).first()
            if row:
                picked.append(row)
        urls = dict(
            session.exec(
                text(
                    "SELECT c.reference, u.url FROM case_file c JOIN case_url u "
                    "ON u.case_id = c.id WHERE c.reference IN ("
                    + ",".join(f"'{r[0]}'" for r in picked)
                    + ")"
                )
            ).all()
        )
    kinds = ["title word", "account handle", "reference", "content id", "two words", "pasted link"]
    queries = []
    for index, (reference, title, handle, key) in enumerate(picked):
        kind = kinds[index % len(kinds)]
        words = [w for w in title.split() if len(w) >= 5 and w.isalpha()] or title.split()
        if kind == "title word":
            queries.append((kind, rng.choice(words).lower()))
        elif kind == "account handle":
            queries.append((kind, handle))
        elif kind == "reference":
            queries.append((kind, reference))
        elif kind == "content id":
            queries.append((kind, key.rsplit(":", 1)[-1].rsplit("/", 1)[-1]))
        elif kind == "two words":
            first, second = rng.sample(words, 2) if len(words) > 1 else (words[0], words[0])
            queries.append((kind, f"{first.lower()} {second.lower()}"))
        else:
            queries.append((kind, urls.get(reference, key)))
    return queries


def bench_search(engine, log, cast, samples: int, base_samples: int, now, results) -> list:
    rng = random.Random(11)
    queries = search_queries(engine, rng, max(samples, base_samples))
    who_by_index = ["national officer"] * 3 + ["regional officer (32)", "TikTok liaison"]
    by_kind: dict[str, Sample] = {}
    runs = []
    for index, (kind, query) in enumerate(queries):
        sample = by_kind.setdefault(kind, Sample(f"{kind}"))
        runs.append((sample, cast[who_by_index[index % 5]], query))

    def ours(actor, query):
        with Session(engine) as session:
            list_cases(
                session=session,
                actor=actor,
                filters=CaseFilters(text=query),
                sort="updated_at",
                page=1,
                page_size=50,
                now=now,
            )

    def naive(actor, query):
        # Every word somewhere in the text columns or a link, found with LIKE '%…%'.
        with Session(engine) as session:
            conditions = [case_scope(actor)]
            for word in query.split()[:8]:
                pattern = f"%{word}%"
                conditions.append(
                    or_(
                        Case.title.ilike(pattern),
                        Case.description.ilike(pattern),
                        Case.account_handle.ilike(pattern),
                        Case.reference.ilike(pattern),
                        Case.id.in_(select(CaseUrl.case_id).where(CaseUrl.url.ilike(pattern))),
                    )
                )
            session.exec(select(func.count()).select_from(Case).where(*conditions)).one()
            session.exec(
                select(Case)
                .where(*conditions)
                .order_by(Case.updated_at.desc(), Case.id.desc())
                .limit(50)
            ).all()

    for _sample, actor, query in runs[:5]:  # warm-up
        ours(actor, query)
    for sample, actor, query in runs[:samples]:
        run_one(log, sample, ours, actor, query)
    naive(*runs[0][1:])  # warm-up
    for sample, actor, query in runs[:base_samples]:
        run_one(log, sample, naive, actor, query, baseline=True)
    samples_ = list(by_kind.values())
    report(
        "full-text search (list_cases with CaseFilters(text=…), first page)",
        samples_,
        TARGETS["search"],
        results,
    )
    print("  example queries: " + "; ".join(f"{k}: {q!r}" for k, q in queries[:6]))
    return samples_


def case_ids(engine, rng: random.Random, cast: dict, hot: int) -> dict[str, list[int]]:
    with Session(engine) as session:
        top = session.exec(select(func.max(Case.id))).one()
        busiest = [
            row[0]
            for row in session.exec(
                text(
                    "SELECT case_id, count(*) AS n FROM audit_event WHERE case_id IS NOT NULL "
                    "GROUP BY case_id ORDER BY n DESC LIMIT :n"
                ).bindparams(n=hot)
            )
        ]

        def pick(actor, count):
            found = []
            while len(found) < count:
                ids = [rng.randint(1, top) for _ in range(200)]
                found.extend(
                    session.exec(select(Case.id).where(Case.id.in_(ids), case_scope(actor))).all()
                )
            rng.shuffle(found)
            return found[:count]

        return {
            "national officer": pick(cast["national officer"], 200),
            "regional officer (32)": pick(cast["regional officer (32)"], 200),
            "TikTok liaison": pick(cast["TikTok liaison"], 200),
            "busiest": busiest,
        }


def bench_case_page(engine, log, cast, samples: int, base_samples: int, now, results) -> list:
    rng = random.Random(5)
    ids = case_ids(engine, rng, cast, hot=max(10, samples // 5))
    with Session(engine) as session:
        counts = dict(
            session.exec(
                select(AuditEvent.case_id, func.count())
                .where(AuditEvent.case_id.in_(ids["busiest"]))
                .group_by(AuditEvent.case_id)
            ).all()
        )
    plan = [
        (Sample("national officer, random case"), "national officer", ids["national officer"], 0.5),
        (
            Sample("regional officer (32), random case in scope"),
            "regional officer (32)",
            ids["regional officer (32)"],
            0.15,
        ),
        (
            Sample("TikTok liaison, random referred TikTok case"),
            "TikTok liaison",
            ids["TikTok liaison"],
            0.15,
        ),
        (
            Sample(
                f"national officer, the {len(ids['busiest'])} cases with most events "
                f"({min(counts.values())}-{max(counts.values())} events)"
            ),
            "national officer",
            ids["busiest"],
            0.2,
        ),
    ]

    def ours(actor, case_id):
        with Session(engine) as session:
            view = load_case_view(session=session, actor=actor, case_id=case_id, now=now)
            assert view.case_id == case_id

    def naive(actor, case_id):
        # ORM lazy loading: the case, then every related row fetched one at a time, and
        # per event its actor and their organisation.
        with Session(engine) as session:
            case = session.get(Case, case_id)
            for code in (case.platform_code,):
                session.get(Platform, code)
            for kind, code in (
                ("category", case.category_code),
                ("source", case.source),
                ("account_class", case.account_class),
                ("content_type", case.content_type),
            ):
                if code:
                    session.get(TaxonomyTerm, (kind, code))
            for code in (case.province_code, case.regency_code):
                if code:
                    session.get(Region, code)
            if case.assignee_id:
                session.get(User, case.assignee_id)
            for model in (CaseUrl, Evidence, Decision, CaseReport, Comment, AuditEvent):
                for row_id in session.exec(select(model.id).where(model.case_id == case_id)).all():
                    row = session.get(model, row_id)
                    author = getattr(row, "actor_id", None) or getattr(row, "author_id", None)
                    if author:
                        user = session.get(User, author)
                        session.get(Organisation, user.organisation_id)

    for _sample, who, pool, _share in plan:
        ours(cast[who], pool[0])
    runs = []
    for sample, who, pool, share in plan:
        n = max(1, round(samples * share))
        runs.extend((sample, cast[who], pool[i % len(pool)]) for i in range(n))
    rng.shuffle(runs)
    for sample, actor, case_id in runs:
        run_one(log, sample, ours, actor, case_id)
    for index in range(base_samples):
        sample, actor, case_id = runs[index % len(runs)]
        run_one(log, sample, naive, actor, case_id, baseline=True)
    samples_ = [entry[0] for entry in plan]
    report("case page data (load_case_view)", samples_, TARGETS["case"], results)
    return samples_


def database_size(engine, path: str) -> str:
    if engine.dialect.name == "sqlite":
        size = sum(os.path.getsize(f) for f in (path, path + "-wal") if os.path.exists(f))
    else:
        with engine.connect() as connection:
            size = connection.exec_driver_sql(
                "SELECT pg_database_size(current_database())"
            ).scalar()
    return f"{size / 1e9:.2f} GB"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--db", default=DEFAULT_SQLITE, help="SQLite file (without DATABASE_URL)")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--baseline-samples", type=int, default=20)
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.db}"
    engine = build_engine(url)
    print(f"database: {engine.dialect.name} ({url.split('@')[-1]}); load {load_average()}")
    start = time.perf_counter()
    timings = seed(engine, args.cases, args.events)
    total = time.perf_counter() - start
    for step, seconds in timings.items():
        print(f"  seeding: {step}: {seconds:,.1f} s")
    print(f"seeding total: {total:,.1f} s; load {load_average()}")
    with Session(engine) as session:
        counts = {
            name: session.exec(text(f"SELECT count(*) FROM {name}")).one()[0]
            for name in ("case_file", "audit_event", "comment", "case_url", "case_search")
        }
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    print(f"database size: {database_size(engine, args.db)}")
    if args.seed_only:
        return

    log = QueryLog(engine)
    cast = actors(engine)
    # The demo's timeline ends on 2024-03-20; "now" is the day after, so deadlines fall
    # both sides of it as they would during the election.
    now = datetime(2024, 3, 21, 3, 0, tzinfo=UTC)
    results: dict = {}
    print(f"measuring; load {load_average()}")
    queue = bench_queue(engine, log, cast, args.samples, args.baseline_samples, now, results)
    show_slowest(engine, [s[0] for s in queue])
    print(f"  load {load_average()}")
    search = bench_search(engine, log, cast, args.samples, args.baseline_samples, now, results)
    show_slowest(engine, search)
    print(f"  load {load_average()}")
    pages = bench_case_page(engine, log, cast, args.samples, args.baseline_samples, now, results)
    show_slowest(engine, pages)
    print(f"  load {load_average()}")
    print("\nsummary (ms)")
    for title, r in results.items():
        print(
            f"  {title}: ours p50 {r['ours_p50']:.1f} p95 {r['ours_p95']:.1f} (CPU p50 "
            f"{r['cpu_p50']:.1f} p95 {r['cpu_p95']:.1f}) n={r['n']} | baseline n={r['n_base']} p50 "
            f"{r['base_p50']:.1f} p95 {r['base_p95']:.1f} | ratio p50 "
            f"{r['base_p50'] / r['ours_p50']:.1f}x p95 "
            f"{r['base_p95'] / r['ours_p95']:.1f}x | {r['queries']:.1f} queries/call | {r['met']}"
        )


if __name__ == "__main__":
    main()
