"""The HTTP API's latency and throughput, from a second process on loopback, next to the
same queries through the service layer directly (not part of the test run).

    .venv/bin/python -m bench.api                  # 100,000 cases on a temporary SQLite file
    .venv/bin/python -m bench.api --cases 20000
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.api

The API is served by uvicorn in its own process (`web.api:create_api`, one worker); this
process is the client. As a TikTok liaison's token it measures p50/p95 of listing a page
of 50 cases (first page and a page reached by cursor) and of reading one case, then
requests per second with several client threads. The direct figures call
`cases_changed_since` and `load_case_record` in this process on the same database."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlmodel import Session, select

from bench.run import percentile
from casework.demo import CaseGenerator, ensure_demo_accounts, write_plans
from casework.desk.case_view import load_case_record
from casework.desk.queries import cases_changed_since
from casework.outbox.api_tokens import Scope, create_api_token
from casework.people.actors import actor_for
from casework.reference.taxonomy import seed_reference_data
from db.engine import begin_write, build_engine
from db.migrate import upgrade_to_head
from db.models import Case, Organisation, Platform, User

ROOT = Path(__file__).resolve().parent.parent


def seeded_url(cases: int, url: str | None) -> str:
    """The database to measure: `url`, or an SQLite file under /tmp seeded once."""
    if url:
        return url
    path = Path(f"/tmp/pantau-bench-api-{cases // 1000}k.sqlite")
    url = f"sqlite:///{path}"
    engine = build_engine(url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        existing = session.exec(text("SELECT count(*) FROM case_file")).one()[0]
        if existing < cases:
            begin_write(session)
            seed_reference_data(session)
            cast = ensure_demo_accounts(session)
            session.commit()
            print(f"seeding {cases - existing:,} cases into {path} (once)…", flush=True)
            generator = CaseGenerator(session, cast, seed=7)
            for chunk in generator.plans(cases - existing, chunk_size=5000):
                begin_write(session)
                write_plans(session, chunk)
                session.commit()
    engine.dispose()
    return url


def platform_token(engine) -> tuple[str, object, list[str]]:
    """A new TikTok token, its actor, and the references it may read."""
    with Session(engine, expire_on_commit=False) as session:
        admin = session.exec(select(User.id).where(User.username == "demo.admin")).one()
        operator = session.exec(
            select(Organisation.id)
            .join(Platform, Platform.operator_id == Organisation.id)
            .where(Platform.code == "tiktok")
        ).one()
        row, token = create_api_token(
            session=session,
            actor=actor_for(session, admin),
            organisation_id=operator,
            name="bench",
            scopes=[Scope.READ_CASES],
        )
        actor = actor_for(session, row.user_id)
        references = session.exec(
            select(Case.reference, Case.id)
            .where(Case.platform_code == "tiktok", Case.referred_at.is_not(None))
            .limit(5000)
        ).all()
    return token, actor, references


def start_api(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PANTAU_API_RATE_PER_MINUTE": "100000000",
        "PANTAU_API_RATE_BURST": "100000000",
    }
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "web.api:create_api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
            return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the API did not start")


def sample(call, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def throughput(call, threads: int, seconds: float) -> float:
    done = [0] * threads
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        while time.monotonic() < stop:
            call()
            done[index] += 1

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(done) / seconds


def line(label: str, api: list[float], direct: list[float]) -> None:
    a50, a95 = percentile(api, 0.5), percentile(api, 0.95)
    d50, d95 = percentile(direct, 0.5), percentile(direct, 0.95)
    print(
        f"{label:<34} API p50 {a50:7.2f} ms  p95 {a95:7.2f} ms │ "
        f"service p50 {d50:7.2f} ms  p95 {d95:7.2f} ms │ p95 ×{a95 / d95:4.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    url = seeded_url(args.cases, os.environ.get("DATABASE_URL"))
    engine = build_engine(url)
    token, actor, references = platform_token(engine)
    print(
        f"reads drawn from {len(references):,} TikTok cases the token sees ({args.cases:,} in all)"
    )
    server = start_api(url, args.port)
    try:
        client = httpx.Client(
            base_url=f"http://127.0.0.1:{args.port}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        first = client.get("/cases", params={"limit": 50}).json()
        cursor = first["next_cursor"]
        for _ in range(20):  # warm both sides
            client.get("/cases", params={"limit": 50})
        rng = random.Random(5)

        def api_list() -> None:
            assert client.get("/cases", params={"limit": 50}).status_code == 200

        def api_page() -> None:
            answer = client.get("/cases", params={"limit": 50, "cursor": cursor})
            assert answer.status_code == 200

        def api_read() -> None:
            reference = rng.choice(references)[0]
            assert client.get(f"/cases/{reference}").status_code == 200

        after = None
        with Session(engine) as session:
            after = cases_changed_since(session=session, actor=actor, limit=50).next_after

            def direct_list() -> None:
                cases_changed_since(session=session, actor=actor, limit=50)
                session.rollback()

            def direct_page() -> None:
                cases_changed_since(session=session, actor=actor, limit=50, after=after)
                session.rollback()

            def direct_read() -> None:
                load_case_record(session=session, actor=actor, case_id=rng.choice(references)[1])
                session.rollback()

            for call in (direct_list, direct_page, direct_read):
                sample(call, 10)
            line(
                "list 50 cases (first page)",
                sample(api_list, args.samples),
                sample(direct_list, args.samples),
            )
            line(
                "list 50 cases (page by cursor)",
                sample(api_page, args.samples),
                sample(direct_page, args.samples),
            )
            line("read one case", sample(api_read, args.samples), sample(direct_read, args.samples))
            seconds = 5.0
            direct_rate = throughput(direct_list, 1, seconds)
        local = threading.local()

        def threaded_client() -> httpx.Client:
            if not hasattr(local, "client"):
                local.client = httpx.Client(
                    base_url=f"http://127.0.0.1:{args.port}",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=30,
                )
            return local.client

        list_rate = throughput(
            lambda: threaded_client().get("/cases", params={"limit": 50}), args.threads, seconds
        )
        read_rate = throughput(
            lambda: threaded_client().get(f"/cases/{rng.choice(references)[0]}"),
            args.threads,
            seconds,
        )
        print(
            f"requests/s with {args.threads} client threads, one server process: "
            f"list {list_rate:,.0f}, read {read_rate:,.0f} "
            f"(service layer, one thread, list: {direct_rate:,.0f} calls/s)"
        )
    finally:
        server.terminate()
        server.wait(timeout=15)
        engine.dispose()


if __name__ == "__main__":
    main()
