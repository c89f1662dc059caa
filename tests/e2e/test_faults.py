"""Faults around a running server: killed with SIGKILL and started again, PostgreSQL
restarted under it, and a flood of sign-in attempts from one address."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from casework.demo import DEMO_ACCOUNTS
from casework.errors import DATABASE_UNREACHABLE
from casework.i18n import translator
from casework.records.backup import check_database
from tests.conftest import ON_POSTGRES, fresh_database_url
from tests.e2e.conftest import free_port, start_server, stop_server

pytestmark = pytest.mark.browser

WAIT = 30_000
_ = translator("en")
OFFICER = next(name for username, name, _r, _o in DEMO_ACCOUNTS if username == "demo.officer")
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))


def _wait_for_health(base: str, status: int, *, within: float = 60) -> None:
    """Poll /healthz until it answers `status` (a bounded wait, not a timed assertion)."""
    deadline = time.monotonic() + within
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=10).status_code == status:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"/healthz never answered {status}")
        time.sleep(0.5)


def test_a_server_killed_with_sigkill_starts_again_on_a_sound_database(tmp_path):
    with fresh_database_url(tmp_path) as url:
        process, base = start_server(
            url, log_path=tmp_path / "first.log", PANTAU_DEMO_CASE_COUNT="40"
        )
        # The 2024 history plus the current demo election's cases.
        seeded = check_database(url).counts["case_file"]
        assert seeded > 40
        process.kill()  # SIGKILL: no shutdown hooks, connections dropped mid-flight
        process.wait(timeout=30)
        assert check_database(url).ok
        process, base = start_server(url, log_path=tmp_path / "second.log")
        try:
            assert httpx.get(f"{base}/healthz", timeout=10).json()["database"] == "up"
            soundness = check_database(url)
            assert soundness.ok
            assert soundness.counts["case_file"] == seeded  # the demo is not seeded twice
        finally:
            stop_server(process)


# --- PostgreSQL restarted under a running app ------------------------------------------


def _as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@pytest.fixture
def private_postgres() -> Iterator[tuple[str, callable]]:
    """A PostgreSQL server of this test's own (initdb into a temporary folder, on a free
    loopback port), so that stopping it disturbs no other test running in parallel on
    the shared cluster. Yields its URL and `pg_ctl` (stop/start); removed afterwards."""
    if not ON_POSTGRES:
        pytest.skip("needs PostgreSQL (runs in the PostgreSQL pass of .ci/run)")
    if not PG_BIN:
        pytest.fail("PostgreSQL's server binaries are not installed")
    bin_dir = PG_BIN[-1]
    folder = Path(tempfile.mkdtemp(prefix="pantau-pg-"))
    data = folder / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    _as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust")
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"

    def pg_ctl(action: str) -> None:
        extra = ["-o", options, "-l", str(folder / "server.log")] if action != "stop" else []
        _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", *extra, action)

    pg_ctl("start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", pg_ctl
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(bin_dir / "pg_ctl"), "-D", str(data),
             "-m", "immediate", "stop"],
            capture_output=True, check=False, timeout=60,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def test_the_app_reports_a_postgres_outage_and_recovers_without_a_restart(
    private_postgres, page, tmp_path
):
    url, pg_ctl = private_postgres
    process, base = start_server(url, log_path=tmp_path / "server.log", PANTAU_DEMO_CASE_COUNT="30")
    try:
        page.set_default_timeout(WAIT)
        page.goto(f"{base}/signin?set_language=en")
        page.get_by_role("button", name=_("Sign in as {name}").format(name=OFFICER)).click()
        expect(page.get_by_role("heading", name=_("Case queue"))).to_be_visible(timeout=WAIT)

        pg_ctl("stop")
        _wait_for_health(base, 503)
        page.reload()
        expect(page.get_by_text(_(DATABASE_UNREACHABLE))).to_be_visible(timeout=WAIT)
        expect(page.get_by_text(re.compile("Traceback|OperationalError"))).to_have_count(0)

        pg_ctl("start")
        _wait_for_health(base, 200)
        page.reload()
        expect(page.get_by_role("heading", name=_("Case queue"))).to_be_visible(timeout=WAIT)
        assert process.poll() is None  # the same server process throughout
        assert check_database(url).ok
    finally:
        stop_server(process)


# --- a flood of sign-in attempts -------------------------------------------------------

FLOODED = "Terlalu banyak percobaan masuk yang gagal dari jaringan Anda"


def test_a_flood_of_failed_sign_ins_from_one_address_is_refused_before_any_password_check(
    server,
):
    client = httpx.Client(base_url=server, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
    statuses = []
    for attempt in range(40):  # a different user name each time: no lockout applies
        form = {"csrf_token": token, "username": f"tebakan.{attempt}", "password": "salah"}
        statuses.append(client.post("/signin", data=form).status_code)
    assert statuses[:30] == [401] * 30
    assert statuses[30:] == [429] * 10
    # The right password is refused too while the window lasts: nothing is checked.
    right = {"csrf_token": token, "username": "demo.officer", "password": "pantau-demo-2024"}
    response = client.post("/signin", data=right)
    assert response.status_code == 429
    assert FLOODED in response.text
    assert "pantau_session" not in response.headers.get("set-cookie", "")
