"""The capture worker's throughput and Chromium's memory, against the loopback platform of
the tests (tests/capture/platform.py), on a temporary SQLite file (not part of the test
run).

    .venv/bin/python -m bench.capture                 # 100 captures
    .venv/bin/python -m bench.capture --captures 500
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.capture

Cases are filed through the real service (which queues one capture per link), then one
`CaptureWorker` runs them all with one Chromium: every capture is a fresh browser context,
a page load, the scroll for lazy media, a full-page screenshot, the WARC, its index, the
signed manifest and four evidence files in one transaction. The loopback platform is one
host, so the per-host pause is set to 0 here (with the default 2 s a worker could not
pass 30 captures a minute on one host; see docs/benchmarks.md).

Memory is Chromium's proportional set size (PSS, from /proc/<pid>/smaps_rollup, so pages
shared between its processes count once), summed over every Chromium process below this
one: idle between captures, and sampled every 50 ms during them. The baseline is the naive
worker: a new browser for every capture."""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import threading
import time
from pathlib import Path

from sqlmodel import Session, select

from casework.capture.fetch import Browser
from casework.capture.worker import CaptureWorker
from casework.desk.cases import file_report
from casework.reference.taxonomy import seed_reference_data
from casework.settings import Settings
from db.engine import build_engine
from db.migrate import upgrade_to_head
from db.models import Capture
from tests.capture import platform as site
from tests.factories import CAMPAIGN_NOW, make_actor, report

PAGES = [
    (site.TIKTOK_VIDEO, "tiktok"),
    (site.X_POST, "x"),
    (site.REPOST, "tiktok"),
    (site.OTHER_VIDEO, "tiktok"),
    (site.SHORT_LINK, "tiktok"),
    (site.LOGIN_WALL, "tiktok"),
    (site.MISSING, "tiktok"),
]


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(parent, []).append(int(entry))
    return tree


def chromium_pss_mb() -> float:
    """PSS of every Chromium process below this one, in MB."""
    tree, total = _children(), 0
    stack = list(tree.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, []))
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"chromium" not in handle.read().split(b"\0")[0]:
                    continue
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total / 1024


def own_rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """Chromium's PSS every 50 ms while captures run."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.05):
            self.samples.append(chromium_pss_mb())


def _settings(tmp: Path) -> Settings:
    return Settings(
        capture_host_interval_seconds=0,
        capture_timeout_seconds=15,
        capture_max_attempts=1,
        signing_key_file=None,
        signing_key=base64.b64encode(os.urandom(32)).decode(),
        signing_keyring_file=str(tmp / "keyring.json"),
    )


def _file(session: Session, platform, settings: Settings, count: int) -> None:
    officer = make_actor(session)
    for index in range(count):
        path, code = PAGES[index % len(PAGES)]
        # A query string makes every link its own job, as every case's link would be.
        file_report(
            session=session,
            actor=officer,
            report=report(
                urls=[platform.url(f"{path}?n={index}")], platform_code=code, account_handle=None
            ),
            now=CAMPAIGN_NOW,
            settings=settings,
        )


def measure_pantau(engine, platform, settings: Settings, count: int) -> dict:
    with Session(engine, expire_on_commit=False) as session:
        _file(session, platform, settings, count)
    with Browser(settings) as browser:
        idle_start = chromium_pss_mb()
        worker = CaptureWorker(engine, settings, browser=browser)
        sampler = Sampler()
        sampler.start()
        checkpoints = []
        started = time.perf_counter()
        done = 0
        while True:
            outcome = worker.run_one()
            if outcome is None:
                break
            done += 1
            if done % 50 == 0 or done == 1:
                checkpoints.append((done, chromium_pss_mb(), own_rss_mb()))
        elapsed = time.perf_counter() - started
        sampler.stopping.set()
        sampler.join()
        idle_end = chromium_pss_mb()
    with Session(engine) as session:
        kept = len(session.exec(select(Capture.id)).all())
    return {
        "captures": done,
        "kept": kept,
        "per_minute": done / elapsed * 60,
        "seconds_each": elapsed / done,
        "idle_start": idle_start,
        "idle_end": idle_end,
        "peak": max(sampler.samples),
        "median_busy": statistics.median(sampler.samples),
        "checkpoints": checkpoints,
    }


def measure_naive(platform, settings: Settings, count: int) -> dict:
    """A new browser per capture, fetch only (no archive, no database): the naive worker."""
    started = time.perf_counter()
    for index in range(count):
        path, _code = PAGES[index % len(PAGES)]
        with Browser(settings) as browser:
            browser.fetch(platform.url(f"{path}?naive={index}"))
    elapsed = time.perf_counter() - started
    return {"captures": count, "per_minute": count / elapsed * 60}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=100)
    parser.add_argument("--naive", type=int, default=10, help="captures for the baseline")
    arguments = parser.parse_args()
    tmp = Path(f"/tmp/pantau-bench-capture-{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'capture.sqlite'}"
    engine = build_engine(url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    settings = _settings(tmp)
    with site.FakePlatform() as platform:
        ours = measure_pantau(engine, platform, settings, arguments.captures)
        naive = measure_naive(platform, settings, arguments.naive)
    print(f"captures: {ours['captures']} run, {ours['kept']} kept")
    print(
        f"Pantau (one browser, context per capture): {ours['per_minute']:.1f} captures/min "
        f"({ours['seconds_each'] * 1000:.0f} ms each)"
    )
    print(f"naive (a browser per capture, fetch only): {naive['per_minute']:.1f} captures/min")
    print(f"ratio: {ours['per_minute'] / naive['per_minute']:.1f}x")
    print(
        f"Chromium PSS: idle {ours['idle_start']:.0f} MB at start, {ours['idle_end']:.0f} MB "
        f"at the end; during captures median {ours['median_busy']:.0f} MB, peak "
        f"{ours['peak']:.0f} MB (a context's share: peak minus idle = "
        f"{ours['peak'] - ours['idle_start']:.0f} MB)"
    )
    for done, pss, rss in ours["checkpoints"]:
        print(f"  after {done:>4} captures: Chromium PSS {pss:.0f} MB, worker RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
