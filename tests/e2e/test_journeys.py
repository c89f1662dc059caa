"""The journey of a report on the worst day, in Debian's Chromium, in both languages:
an officer files a report with evidence and refers it to TikTok; TikTok's liaison
acknowledges it and records a removal; the dashboard and the transparency report then
count the new case. A screenshot of every step is kept in test-artifacts/ when the
journey fails, so the failing step and the ones before it can be seen."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from casework.demo import DEMO_ACCOUNTS
from casework.desk.workflow import ACTION_LABELS, STATUS_LABELS, Action, Status
from casework.i18n import translator
from casework.reference.seed_taxonomy import CATEGORIES, DECISION_TYPES
from tests.e2e.conftest import ARTIFACTS, settle

pytestmark = pytest.mark.browser

WAIT = 30_000  # ms; a rerun on a loaded CI machine can take seconds
NAMES = {username: name for username, name, _role, _org in DEMO_ACCOUNTS}
TITLE_X = 320  # the title cell, right of the pinned reference: one click opens


class Journey:
    """The steps of one journey, each with a screenshot taken when it ends (or fails);
    all of them are written to test-artifacts/ if the test fails."""

    def __init__(self, name: str):
        self.name, self.shots = name, []

    @contextmanager
    def step(self, title: str, *pages: Page):
        try:
            yield
        finally:
            for index, page in enumerate(pages):
                try:
                    self.shots.append((f"{title}-{index}", page.screenshot(full_page=True)))
                except Exception:  # noqa: BLE001 - a screenshot must not hide the failure
                    pass

    def keep(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        for number, (title, data) in enumerate(self.shots, start=1):
            (ARTIFACTS / f"{self.name}-{number:02d}-{title}.png").write_bytes(data)


@pytest.fixture
def journey(request):
    """The steps of this journey; their screenshots are kept when the test fails."""
    steps = Journey(request.node.name.replace("[", "-").rstrip("]"))
    yield steps
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        steps.keep()


@pytest.fixture
def liaison_page(chromium):
    """A second browser page, in Indonesian, for the platform's liaison."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    yield page
    context.close()


def _evidence(tmp_path) -> tuple[str, str]:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 30, 30)).save(buffer, "PNG")
    path = tmp_path / "tangkapan-layar.png"
    path.write_bytes(buffer.getvalue())
    return str(path), hashlib.sha256(buffer.getvalue()).hexdigest()


class Desk:
    """The pages of one language, as a person reads them."""

    def __init__(self, base: str, language: str):
        self.base, self.language = base, language
        self._ = translator(language)
        self.label = 1 if language == "id" else 2  # the seeded taxonomy's label column

    def sign_in(self, page: Page, username: str) -> None:
        _ = self._
        page.goto(f"{self.base}/signin?set_language={self.language}")
        name = NAMES[username]
        page.get_by_role("button", name=_("Sign in as {name}").format(name=name)).click()
        expect(page.get_by_role("heading", name=_("Case queue"))).to_be_visible(timeout=WAIT)

    def file_report(self, page: Page, evidence: str) -> str:
        _ = self._
        hoax = next(row[self.label] for row in CATEGORIES if row[0] == "hoax")
        page.get_by_role("link", name=_("New report"), exact=True).click()
        expect(page.get_by_role("heading", name=_("New report"))).to_be_visible(timeout=WAIT)
        # The evidence first, as a person picks it, before other fields' reruns.
        uploader = page.get_by_role(
            "region", name=_("Evidence (screenshots, recordings, documents)")
        )
        with page.expect_file_chooser() as chooser:
            uploader.get_by_test_id("stBaseButton-secondary").click()
        chooser.value.set_files(evidence)
        expect(page.get_by_text("tangkapan-layar.png")).to_be_visible(timeout=WAIT)
        # Required fields carry a mark after their label ("Title *").
        page.get_by_label(_("Title")).fill("Video klaim kotak suara dibakar")
        page.get_by_label(_("Description"), exact=True).fill("Klaim palsu pada hari pemungutan.")
        video = f"https://www.tiktok.com/@akun.uji/video/7{uuid.uuid4().int % 10**18:018d}"
        page.get_by_label(_("Links to the content (one per line)")).fill(video)
        # The platform follows the link once the field is left.
        page.get_by_label(_("Description"), exact=True).click()
        expect(page.get_by_role("combobox", name=_("Platform"))).to_have_value(
            "TikTok", timeout=WAIT
        )
        page.get_by_role("combobox", name=_("Category")).click()
        page.get_by_role("option", name=hoax, exact=True).click()
        expect(page.get_by_role("combobox", name=_("Category"))).to_have_value(hoax)
        heading = page.get_by_role("heading", level=1)
        filed = re.compile(r"^PAN-\d{4}-\d{6}$")
        # A click that lands while the upload's own rerun is running is dropped by the
        # browser's Streamlit client; the form is still there, so click again.
        for attempt in range(3):
            button = page.get_by_role("button", name=_("File report"))
            if button.count():
                button.click()
            try:
                expect(heading).to_have_text(filed, timeout=WAIT // 3)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        return heading.inner_text()

    def expect_status(self, page: Page, reference: str, status: Status) -> None:
        _ = self._
        expect(page.get_by_role("heading", level=1)).to_have_text(reference, timeout=WAIT)
        cell = page.locator(".st-key-case_header_status strong")
        expect(cell).to_have_text(_(STATUS_LABELS[status]), timeout=WAIT)

    def act(self, page: Page, action: Action, text: str | None = None, field: str = "") -> None:
        _ = self._
        label = _(ACTION_LABELS[action])
        settle(page)
        # The viewer's next step sits in the "Needs your action" panel; others in
        # expanders.
        expander = page.locator(".st-key-case_action_panel")
        expect(expander).to_be_visible(timeout=WAIT)
        if not expander.get_by_role("button", name=label, exact=True).count():
            expander = page.get_by_test_id("stExpander").filter(
                has=page.locator("summary").get_by_text(label, exact=True)
            )
            if expander.locator("details").get_attribute("open") is None:
                expander.locator("summary").click()
        if action == Action.RECORD_DECISION:
            removed = next(row[self.label] for row in DECISION_TYPES if row[0] == "removed")
            expander.get_by_role("combobox", name=_("Decision")).click()
            page.get_by_role("option", name=removed, exact=True).click()
            expander.get_by_label(_("Policy reference"), exact=True).fill("Integrity policy")
            expander.get_by_label(_("Explanation"), exact=True).fill("Diturunkan.")
        elif text is not None:
            expander.get_by_label(_(field)).fill(text)
        settle(page)
        expander.get_by_role("button", name=label, exact=True).click()
        done = _("Done: {action}.").format(action=label)
        expect(page.get_by_text(done, exact=True)).to_be_visible(timeout=WAIT)

    def open_from_queue(self, page: Page, reference: str) -> None:
        """The queue, searched for `reference`; one click on its row opens it."""
        _ = self._
        page.get_by_role("link", name=_("Case queue"), exact=True).click()
        search = page.get_by_label(
            _("Search reference, title, description, account or link"), exact=True
        )
        search.fill(reference)
        search.press("Enter")
        expect(page.get_by_text(_("{count} cases").format(count=1), exact=True)).to_be_visible(
            timeout=WAIT
        )
        grid = page.get_by_test_id("stDataFrame")
        expect(grid.locator("table[role=grid] tbody tr")).to_have_count(1, timeout=WAIT)
        scroller = grid.locator(".dvn-scroller")
        box = scroller.bounding_box()
        settle(page)
        scroller.click(position={"x": TITLE_X, "y": box["height"] * 3 / 4})

    def referred_this_week(self, page: Page) -> int:
        """The dashboard's "referred this week", filtered to the days around today."""
        _ = self._
        today = date.today()
        span = f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}"
        page.goto(f"{self.base}/dashboard?{span}")
        metric = page.get_by_test_id("stMetric").filter(has_text=_("Referred this week"))
        value = metric.get_by_test_id("stMetricValue")
        expect(value).to_have_text(re.compile(r"^\d+$"), timeout=WAIT)
        return int(value.inner_text())

    def report_figure(self, page: Page, figure: str) -> int:
        """A headline figure of the internal transparency report over all time."""
        _ = self._
        page.get_by_role("link", name=_("Transparency reports"), exact=True).click()
        grid = page.get_by_test_id("stDataFrame").first
        row = grid.locator("table[role=grid] tbody tr").filter(
            has=page.get_by_text(_(figure), exact=True)
        )
        expect(row).to_have_count(1, timeout=WAIT)
        value = row.locator("td").last
        expect(value).to_have_text(re.compile(r"^[\d.,]+$"), timeout=WAIT)
        return int(re.sub(r"\D", "", value.inner_text()))


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_report_with_evidence_reaches_the_platform_the_dashboard_and_the_report(
    server, page, liaison_page, journey, language, tmp_path
):
    desk = Desk(server, language)
    officer, liaison = page, liaison_page
    evidence, sha256 = _evidence(tmp_path)

    with journey.step("officer-before", officer):
        desk.sign_in(officer, "demo.officer")
        referred_before = desk.referred_this_week(officer)
        filed_before = desk.report_figure(officer, "Cases filed")
        decided_before = desk.report_figure(officer, "Decided by a platform")

    with journey.step("officer-files-with-evidence", officer):
        reference = desk.file_report(officer, evidence)
        desk.expect_status(officer, reference, Status.NEW)
        expect(officer.get_by_text(f"SHA-256 {sha256}")).to_be_visible(timeout=WAIT)

    with journey.step("officer-refers", officer):
        desk.act(officer, Action.START_REVIEW)
        desk.act(
            officer, Action.REFER_TO_PLATFORM, "Mohon ditindak.", "Note to the platform (optional)"
        )
        desk.expect_status(officer, reference, Status.SENT)

    with journey.step("liaison-responds", liaison):
        desk.sign_in(liaison, "demo.liaison.tiktok")
        desk.open_from_queue(liaison, reference)
        desk.expect_status(liaison, reference, Status.SENT)
        expect(liaison.get_by_text(f"SHA-256 {sha256}")).to_be_visible(timeout=WAIT)
        desk.act(liaison, Action.ACKNOWLEDGE)
        desk.act(liaison, Action.RECORD_DECISION)
        desk.expect_status(liaison, reference, Status.DECIDED)

    with journey.step("dashboard-counts-it", officer):
        # The read model refreshes within seconds of a change; reload until it has.
        for _attempt in range(20):
            if desk.referred_this_week(officer) == referred_before + 1:
                break
            officer.wait_for_timeout(1_000)
        assert desk.referred_this_week(officer) == referred_before + 1

    with journey.step("report-counts-it", officer):
        assert desk.report_figure(officer, "Cases filed") == filed_before + 1
        assert desk.report_figure(officer, "Decided by a platform") == decided_before + 1
