"""Browser tests: the real server (`streamlit run app.py`) on a loopback port, driven
by Playwright in Debian's Chromium. Never `playwright install`: this machine has no
internet, and Debian's build is the one CI installs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    database_url: str, *, log_path: Path, port: int | None = None, **env_overrides: str
):
    """Start `streamlit run app.py` on `port` (default: a free loopback port); returns
    (process, base URL) once /healthz answers 200."""
    port = port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PANTAU_DEMO_MODE": "true",
        "PANTAU_DEMO_CASE_COUNT": "200",
        **env_overrides,
    }
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log_path.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"server did not become healthy:\n{log_path.read_text(errors='replace')}")


def stop_server(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass(frozen=True)
class RunningServer:
    base: str  # http://127.0.0.1:<port>
    database_url: str  # the server's database, for tests that arrange data directly


def settle(page, *, timeout: int = 30_000) -> None:
    """Wait until Streamlit has finished its current run: a click on a page that is
    still being redrawn can land on an element about to be replaced, and be lost."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=timeout)


@pytest.fixture(scope="module")
def running_server(tmp_path_factory) -> Iterator[RunningServer]:
    """A freshly started Pantau on a new database, in demo mode."""
    directory = tmp_path_factory.mktemp("server")
    with fresh_database_url(directory) as url:
        process, base = start_server(url, log_path=directory / "server.log")
        yield RunningServer(base, url)
        stop_server(process)


@pytest.fixture(scope="module")
def server(running_server) -> str:
    """The base URL of the module's freshly started demo server."""
    return running_server.base


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright, once per run (skipped where it is missing, a
    failure on CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed; .ci/run installs it")
        pytest.skip("browser tests need Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    """A fresh browser context and page; a screenshot is kept when the test fails."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
