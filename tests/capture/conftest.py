"""Fixtures for the capture tests: the loopback platform, one Chromium for the whole
module (starting a browser is the slow part), settings that keep every wait short, and a
helper that files a case through the real service and runs the worker until idle."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from casework.capture.fetch import Browser
from casework.capture.worker import CaptureWorker
from casework.desk.cases import file_report
from casework.settings import Settings
from tests.capture.platform import FakePlatform
from tests.factories import CAMPAIGN_NOW, make_actor, report

SEED = base64.b64encode(os.urandom(32)).decode("ascii")


def capture_settings(tmp_path, **overrides) -> Settings:
    """Settings for a test: short timeouts, no pacing, one attempt, no delay before a
    verification, a signing key of the test's own."""
    values = dict(
        capture_timeout_seconds=10,
        capture_host_interval_seconds=0,
        capture_max_attempts=1,
        capture_verify_delay_hours=0,
        signing_key_file=None,
        signing_key=SEED,
        signing_keyring_file=str(tmp_path / "keyring.json"),
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="module")
def platform() -> Iterator[FakePlatform]:
    """The loopback platform, for the whole module."""
    with FakePlatform() as server:
        yield server


@pytest.fixture(autouse=True)
def _pages_restored(request):
    """Every test starts with every page of the platform served."""
    yield
    if "platform" in request.fixturenames:
        request.getfixturevalue("platform").removed.clear()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Browser]:
    """One headless Chromium shared by every test of a module."""
    settings = capture_settings(tmp_path_factory.mktemp("browser"))
    if not Path(settings.chromium_path).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed; .ci/run installs it")
        pytest.skip("capture tests need Debian's chromium (apt-get install chromium)")
    with Browser(settings) as started:
        yield started


@pytest.fixture
def settings(tmp_path) -> Settings:
    return capture_settings(tmp_path)


def file_case(session: Session, settings: Settings, *urls: str, actor=None, **overrides):
    """A case filed by a national officer with `urls`, through the real service (which
    queues their captures)."""
    actor = actor or make_actor(session)
    case = file_report(
        session=session,
        actor=actor,
        report=report(urls=list(urls), account_handle=None, **overrides),
        now=CAMPAIGN_NOW,
        settings=settings,
    )
    return case


def run_worker(session: Session, browser: Browser, settings: Settings, **kwargs) -> int:
    """Run a capture worker on the test's database until no job is due."""
    session.commit()  # the worker's session may share the test's connection (SQLite)
    worker = CaptureWorker(session.get_bind(), settings, browser=browser, **kwargs)
    with worker:
        done = worker.run(until_idle=True)
    session.expire_all()
    return done
