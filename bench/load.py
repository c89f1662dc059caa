"""Concurrent users against the real server: N simultaneous sessions, each a headless
Streamlit client (bench/streamlit_client.py) doing a realistic mix with think time.

    python -m bench.load                       # N = 10, 30, 60 on a temporary SQLite file
    python -m bench.load --sessions 30 --seconds 90
    DATABASE_URL=postgresql://… python -m bench.load

The mix, per interaction: browse the queue (a view, then a search), open a case, act
on a case (a comment), file a report, view the dashboard. Officers and leads do all of
it; liaisons browse their queue and the dashboard. Every interaction is timed from the
request for a script run to the end of that run (what a person waits for). An error is
an exception drawn on the page, a run that never finishes, or a missing outcome (no
case after filing, no "Done" after a comment).

Memory per session is the server's resident memory with N sessions connected, less its
memory with one warm session, divided by N - 1.

The load generator runs on the same 2 cores as the server (this is the only machine),
so figures include its cost; the load average is printed with each figure."""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.streamlit_client import RunFailed, StreamlitSession, sign_in

PASSWORD = "pantau-demo-2024"
CASE_COUNT = 2400
REFERENCE = re.compile(r"^PAN-\d{4}-\d{6}$")
SEARCH_WORDS = ["hoaks", "surat suara", "kampanye", "tiktok", "politik uang", "netralitas"]
MIX = {  # interaction → weight, for the supervisory side
    "queue": 30,
    "search": 10,
    "case": 30,
    "comment": 10,
    "file": 5,
    "dashboard": 15,
}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def _rss_mb(pid: int) -> float:
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total = int(line.split()[1])
    return total / 1024


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _user(number: int) -> tuple[str, bool]:
    """Every fifth session a liaison; the rest officers and leads."""
    if number % 5 == 4:
        return "demo.liaison.tiktok", False
    return ("demo.officer" if number % 2 else "demo.lead"), True


def _session_loop(number: int, base: str, stop_at: float, tally: Tally, ready, hold) -> None:
    rng = random.Random(number)
    username, supervisory = _user(number)
    kinds = list(MIX) if supervisory else ["queue", "search", "dashboard"]
    weights = [MIX[k] for k in kinds]
    try:
        tab = StreamlitSession(base, sign_in(base, username, PASSWORD), language="en")
        first = tab.open()
    except Exception as error:  # noqa: BLE001 - counted, not raised
        tally.error(f"session {number} could not start: {error}")
        ready.release()
        return
    tally.add("queue", first.seconds)
    ready.release()
    try:
        while time.monotonic() < stop_at:
            time.sleep(rng.uniform(1.0, 4.0))  # think time
            kind = rng.choices(kinds, weights)[0]
            try:
                run = _interact(tab, kind, rng)
            except RunFailed as error:
                tally.error(f"{kind}: {error}")
                continue
            if run is None:
                continue
            seconds, problem = run
            tally.add(kind, seconds)
            if problem:
                tally.error(f"{kind}: {problem}")
        hold.wait()  # stay connected until memory has been measured
    finally:
        tab.close()


def _interact(tab: StreamlitSession, kind: str, rng: random.Random):
    if kind == "queue":
        run = tab.open()
        return run.seconds, run.exception
    if kind == "search":
        run = tab.open()
        box = run.widget("Search reference, title, description, account or link")
        if box is None:
            return run.seconds, "no search box"
        after = tab.rerun_with({box.id: rng.choice(SEARCH_WORDS)})
        return after.seconds, after.exception
    if kind == "dashboard":
        run = tab.open("dashboard")
        return run.seconds, run.exception or (None if run.metrics else "no figures")
    case_id = rng.randint(1, CASE_COUNT)
    run = tab.open("case", f"id={case_id}")
    if kind == "case" or run.exception:
        return run.seconds, run.exception
    if kind == "comment":
        box, send = run.widget("Comment", "text_area"), run.widget("Post comment", "button")
        if box is None or send is None:
            return run.seconds, "no comment form"
        after = tab.click(send, {box.id: f"Catatan beban {uuid.uuid4().hex[:8]}"})
        done = after.shows("Comment posted") or after.shows("Done")
        return after.seconds, after.exception or (None if done else "comment not confirmed")
    # file a report
    form = tab.open("new-report")
    fields = {
        "Title": "Klaim palsu kotak suara (uji beban)",
        "Description": "Temuan patroli saat uji beban.",
        "Links to the content (one per line)": (
            f"https://www.tiktok.com/@akun.beban/video/7{uuid.uuid4().int % 10**18:018d}"
        ),
        "Platform": "TikTok",
        "Category": "Election hoax / disinformation",
    }
    values = {}
    for label, value in fields.items():
        widget = form.widget(label)
        if widget is None:
            return form.seconds, f"no field {label!r}"
        values[widget.id] = value
    submit = form.widget("File report", "button")
    after = tab.click(submit, values)
    filed = any(REFERENCE.match(text) for text in after.texts)
    problem = None if filed else f"no case filed: {[t[:80] for t in after.texts[-4:]]}"
    return after.seconds, after.exception or problem


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_load(bases: list[str], pids: list[int], sessions: int, seconds: float) -> dict:
    """`sessions` sessions spread over the replicas at `bases` (each session sticks to
    one, as behind a proxy with sticky sessions)."""
    tally = Tally()
    base = bases[0]
    # Memory with one warm session (every page visited once), before the others join.
    warm = StreamlitSession(base, sign_in(base, "demo.officer", PASSWORD), language="en")
    for page in ("", "dashboard", "new-report"):
        warm.open(page)
    warm.open("case", "id=1")
    base_rss = sum(_rss_mb(p) for p in pids)
    ready, hold = threading.Semaphore(0), threading.Event()
    stop_at = time.monotonic() + seconds + 30  # sessions start over up to ~30 s
    threads = [
        threading.Thread(
            target=_session_loop,
            args=(n, bases[(n + 1) % len(bases)], stop_at, tally, ready, hold),
        )
        for n in range(sessions - 1)
    ]
    for thread in threads:
        thread.start()
        time.sleep(30 / sessions)  # a ramp, not a thundering herd of sign-ins
    for _ in threads:
        ready.acquire()
    while any(t.is_alive() for t in threads) and time.monotonic() < stop_at:
        time.sleep(1)
    load = _load()
    rss = sum(_rss_mb(p) for p in pids)
    hold.set()
    for thread in threads:
        thread.join(timeout=120)
    warm.close()
    everything = [s for values in tally.latencies.values() for s in values]
    return {
        "sessions": sessions,
        "interactions": len(everything),
        "p50": statistics.median(everything) if everything else float("nan"),
        "p95": percentile(everything, 0.95) if everything else float("nan"),
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "rss_mb": rss,
        "mb_per_session": (rss - base_rss) / max(sessions - 1, 1),
        "load": load,
        "by_kind": {
            kind: (len(v), statistics.median(v), percentile(v, 0.95))
            for kind, v in sorted(tally.latencies.items())
        },
    }


def main() -> None:
    from tests.conftest import fresh_database_url
    from tests.e2e.conftest import start_server, stop_server

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="*", default=[10, 30, 60])
    parser.add_argument("--seconds", type=float, default=60, help="steady time per run")
    parser.add_argument("--replicas", type=int, default=1, help="server processes")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, fresh_database_url(directory) as url:
        servers = []
        for number in range(arguments.replicas):
            servers.append(
                start_server(
                    url,
                    log_path=Path(directory) / f"server-{number}.log",
                    PANTAU_DEMO_CASE_COUNT=str(CASE_COUNT),
                    PANTAU_SLA_CHECK_SECONDS="0",
                )
            )
        process, base = servers[0]
        bases, pids = [b for _p, b in servers], [p.pid for p, _b in servers]
        try:
            print(
                f"server {base} (pid {process.pid}) on {url.split('@')[-1]}; "
                f"load average {_load()}",
                flush=True,
            )
            for sessions in arguments.sessions:
                result = run_load(bases, pids, sessions, arguments.seconds)
                print(
                    f"replicas={len(bases)} N={result['sessions']:>3}  "
                    f"interactions {result['interactions']:>5}  "
                    f"p50 {result['p50']:.3f} s  p95 {result['p95']:.3f} s  "
                    f"errors {result['errors']}  server RSS {result['rss_mb']:.0f} MB  "
                    f"≈{result['mb_per_session']:.2f} MB/session  load average {result['load']}"
                )
                for kind, (count, p50, p95) in result["by_kind"].items():
                    print(f"        {kind:<10} n={count:<5} p50 {p50:.3f} s  p95 {p95:.3f} s")
                for sample in result["error_samples"]:
                    print(f"        error: {sample}")
        finally:
            for server, _base in servers:
                stop_server(server)


if __name__ == "__main__":
    main()
