"""One case's round trip between the two parties, in Debian's Chromium: the national
officer files a report and refers it to TikTok, TikTok's liaison acknowledges it and asks
a question, the officer answers, the liaison records a removal, the officer closes the
case. After every move both parties see the new status and timeline entry, and the case
waits in the "Needs my action" queue of the party whose move is next."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from casework.demo import DEMO_ACCOUNTS
from casework.desk.timeline import event_label
from casework.desk.workflow import ACTION_LABELS, STATUS_LABELS, Action, Status
from casework.i18n import translator
from casework.reference.seed_taxonomy import CATEGORIES, DECISION_TYPES
from tests.e2e.conftest import ARTIFACTS, settle

pytestmark = pytest.mark.browser

# English, picked on the sign-in page, must hold through every page change of the round
# trip (it once fell back to Bahasa Indonesia at the first st.switch_page). Every label
# below comes from the catalogs, so the test reads the same in either language.
LANGUAGE = "en"
_ = translator(LANGUAGE)
LABEL = 1 if LANGUAGE == "id" else 2  # column of the seeded taxonomy's label
WAIT = 20_000  # ms; a rerun on a loaded CI machine can take seconds
NAMES = {username: name for username, name, _role, _org in DEMO_ACCOUNTS}
OFFICER = NAMES["demo.officer"]
LIAISON = NAMES["demo.liaison.tiktok"]
HOAX = next(row[LABEL] for row in CATEGORIES if row[0] == "hoax")
REMOVED = next(row[LABEL] for row in DECISION_TYPES if row[0] == "removed")
SEARCH = "Search reference, title, description, account or link"
# Glide data grid: one header row and one data row of equal height; left to right the
# row markers (caseworkers only), the pinned reference and the pinned title.
TITLE_X = 320


@pytest.fixture
def liaison_page(chromium, request):
    """The liaison's own browser context, beside the officer's `page`; a screenshot is
    kept when the test fails."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-liaison.png"), full_page=True)
    context.close()


def sign_in(page: Page, base: str, name: str) -> None:
    """Sign in with the demo account's button; lands on the queue."""
    page.goto(f"{base}/signin?set_language={LANGUAGE}")
    page.get_by_role("button", name=_("Sign in as {name}").format(name=name)).click()
    expect(page.get_by_role("heading", name=_("Case queue"))).to_be_visible(timeout=WAIT)


def file_report(page: Page) -> str:
    """File a TikTok video through the "New report" form; returns the new reference."""
    page.get_by_role("link", name=_("New report"), exact=True).click()
    # Required fields carry a mark after their label ("Title *").
    page.get_by_label(_("Title")).fill("Video klaim surat suara sudah dicoblos")
    page.get_by_label(_("Description"), exact=True).fill(
        "The video claims ballots in one district were marked before voting day."
    )
    video = f"https://www.tiktok.com/@akun.uji/video/7{uuid.uuid4().int % 10**18:018d}"
    page.get_by_label(_("Links to the content (one per line)")).fill(video)
    # The platform follows the link once the field is left.
    page.get_by_label(_("Description"), exact=True).click()
    expect(page.get_by_role("combobox", name=_("Platform"))).to_have_value("TikTok", timeout=WAIT)
    page.get_by_role("combobox", name=_("Category")).click()
    page.get_by_role("option", name=HOAX, exact=True).click()
    expect(page.get_by_role("combobox", name=_("Category"))).to_have_value(HOAX)
    heading = page.get_by_role("heading", level=1)
    filed = re.compile(r"^PAN-\d{4}-\d{6}$")
    # A click that lands while the last field's rerun is still drawing is lost: once the
    # run has ended, click again if the form is still there.
    for attempt in range(3):
        settle(page)
        if filed.match(heading.inner_text()):
            break
        page.get_by_role("button", name=_("File report")).click()
        try:
            expect(heading).to_have_text(filed, timeout=WAIT // 3)
            break
        except AssertionError:
            if attempt == 2:
                raise
    return heading.inner_text()


def open_action(page: Page, action: Action):
    """Where `action` is offered on the open case: the "Needs your action" panel at the
    top when it is the viewer's next step, else its expander, opened (it may be open
    already: the expander in the same place before the last move keeps its state)."""
    label = _(ACTION_LABELS[action])
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=WAIT)
    panel = page.locator(".st-key-case_action_panel")
    expect(panel).to_be_visible(timeout=WAIT)
    if panel.get_by_role("button", name=label, exact=True).count():
        return panel
    expander = page.get_by_test_id("stExpander").filter(
        has=page.locator("summary").get_by_text(label, exact=True)
    )
    if expander.locator("details").get_attribute("open") is None:
        expander.locator("summary").click()
    expect(expander.get_by_role("button", name=label, exact=True)).to_be_visible(timeout=WAIT)
    return expander


def send_action(page: Page, expander, action: Action) -> None:
    """Click the expander's submit button and wait for the confirmation."""
    label = _(ACTION_LABELS[action])
    # A click on a page still being redrawn can land on an element about to be
    # replaced, and be lost: wait for Streamlit's run to end first.
    settle(page, timeout=WAIT)
    expander.get_by_role("button", name=label, exact=True).click()
    done = _("Done: {action}.").format(action=label)
    expect(page.get_by_text(done, exact=True)).to_be_visible(timeout=WAIT)


def act(page: Page, action: Action, text: str | None = None, field: str = "") -> None:
    """Take `action` on the open case, writing `text` into its text area (labelled
    with the message id `field`) when it asks for one."""
    expander = open_action(page, action)
    if text is not None:
        expander.get_by_label(_(field)).fill(text)
    send_action(page, expander, action)


def record_removal(page: Page, explanation: str) -> None:
    """The liaison's statement of reasons: removed, under the terms of service."""
    expander = open_action(page, Action.RECORD_DECISION)
    expander.get_by_role("combobox", name=_("Decision")).click()
    page.get_by_role("option", name=REMOVED, exact=True).click()
    expander.get_by_label(_("Policy reference"), exact=True).fill("Community Guidelines: Integrity")
    expander.get_by_label(_("Explanation"), exact=True).fill(explanation)
    send_action(page, expander, Action.RECORD_DECISION)


def expect_case(page: Page, reference: str, status: Status, event: str) -> None:
    """The case page shows `reference` in `status`, and the newest lifecycle entry of
    its timeline is `event` (an audit action) leading to that status."""
    status_label = _(STATUS_LABELS[status])
    expect(page.get_by_role("heading", level=1)).to_have_text(reference, timeout=WAIT)
    cell = page.locator(".st-key-case_header_status strong")
    expect(cell).to_have_text(status_label, timeout=WAIT)
    # Lifecycle entries read "**<event>** → <status>", newest first; comments have no arrow.
    entries = page.get_by_test_id("stMarkdownContainer").filter(has=page.locator("strong"))
    expect(entries.filter(has_text="→").first).to_have_text(
        f"{_(event_label(event))} → {status_label}", timeout=WAIT
    )


def search_queue(page: Page, reference: str) -> None:
    """Go to the queue, in its "Needs my action" view, and search for `reference`."""
    page.get_by_role("link", name=_("Case queue"), exact=True).click()
    views = page.get_by_test_id("stButtonGroup")
    expect(views.locator("button[data-selected]")).to_have_text(_("Needs my action"), timeout=WAIT)
    search = page.get_by_label(_(SEARCH), exact=True)
    search.fill(reference)
    search.press("Enter")


def expect_in_queue(page: Page, reference: str, status: Status) -> None:
    """The queue, searched for `reference`, lists it as its only row, in `status`."""
    search_queue(page, reference)
    expect(page.get_by_text(_("{count} cases").format(count=1), exact=True)).to_be_visible(
        timeout=WAIT
    )
    grid = page.get_by_test_id("stDataFrame")
    rows = grid.locator("table[role=grid] tbody tr")
    # The grid is drawn on a canvas; its accessible table holds the visible cells.
    # The caption can arrive before the grid's new rows, so wait on the rows too.
    expect(rows).to_have_count(1, timeout=WAIT)
    scroller = grid.locator(".dvn-scroller")
    scroller.evaluate("e => { e.scrollLeft = 0 }")
    expect(_cell(grid, rows, _("Reference"))).to_have_text(reference, timeout=WAIT)
    # Status sits to the right of what 1400 px show: scroll the grid to it.
    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth }")
    expect(_cell(grid, rows, _("Status"))).to_have_text(_(STATUS_LABELS[status]), timeout=WAIT)
    scroller.evaluate("e => { e.scrollLeft = 0 }")


def _cell(grid, rows, column: str):
    header = grid.locator("table[role=grid] th").filter(
        has_text=re.compile(f"^{re.escape(column)}$")
    )
    expect(header).to_have_count(1, timeout=WAIT)
    index = header.get_attribute("aria-colindex")
    return rows.first.locator(f"td[aria-colindex='{index}']")


def expect_not_in_queue(page: Page, reference: str) -> None:
    """The "Needs my action" view, searched for `reference`, has nothing."""
    search_queue(page, reference)
    expect(page.get_by_text(_("No cases match these filters."))).to_be_visible(timeout=WAIT)


def open_only_row(page: Page) -> None:
    """One click on the queue's single case (its title, right of the pinned reference)
    opens it."""
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=WAIT)
    scroller = page.get_by_test_id("stDataFrame").locator(".dvn-scroller")
    box = scroller.bounding_box()
    scroller.click(position={"x": TITLE_X, "y": box["height"] * 3 / 4})


def test_a_case_goes_from_referral_to_closure_between_officer_and_liaison(
    server, page, liaison_page
):
    officer, liaison = page, liaison_page

    # 1. The officer files a report, takes it into review and refers it to TikTok.
    sign_in(officer, server, OFFICER)
    reference = file_report(officer)
    expect_case(officer, reference, Status.NEW, "case_filed")
    act(officer, Action.START_REVIEW)
    expect_case(officer, reference, Status.IN_REVIEW, Action.START_REVIEW)
    note = "Mohon diturunkan: hoaks tentang surat suara."
    act(officer, Action.REFER_TO_PLATFORM, note, "Note to the platform (optional)")
    expect_case(officer, reference, Status.SENT, Action.REFER_TO_PLATFORM)
    expect_not_in_queue(officer, reference)

    sign_in(liaison, server, LIAISON)
    expect_in_queue(liaison, reference, Status.SENT)
    open_only_row(liaison)
    expect_case(liaison, reference, Status.SENT, Action.REFER_TO_PLATFORM)
    expect(liaison.get_by_text(note, exact=True)).to_be_visible()
    case_link = liaison.url

    # 2. The liaison acknowledges the case, then asks the officer a question.
    act(liaison, Action.ACKNOWLEDGE)
    expect_case(liaison, reference, Status.ACKNOWLEDGED, Action.ACKNOWLEDGE)
    question = "Apakah ada tangkapan layar dari unggahan aslinya?"
    act(liaison, Action.REQUEST_INFORMATION, question, "Your question to the officer")
    expect_case(liaison, reference, Status.INFO_REQUESTED, Action.REQUEST_INFORMATION)
    expect_not_in_queue(liaison, reference)

    expect_in_queue(officer, reference, Status.INFO_REQUESTED)
    open_only_row(officer)
    expect_case(officer, reference, Status.INFO_REQUESTED, Action.REQUEST_INFORMATION)
    # In the "Needs your action" panel, and as a comment in the timeline.
    expect(officer.get_by_text(question, exact=True).first).to_be_visible()

    # 3. The officer answers.
    answer = "Ya, tangkapan layar sudah dilampirkan sebagai bukti."
    act(officer, Action.PROVIDE_INFORMATION, answer, "Your answer to the platform")
    expect_case(officer, reference, Status.ACKNOWLEDGED, Action.PROVIDE_INFORMATION)
    expect_not_in_queue(officer, reference)

    expect_in_queue(liaison, reference, Status.ACKNOWLEDGED)
    open_only_row(liaison)
    expect_case(liaison, reference, Status.ACKNOWLEDGED, Action.PROVIDE_INFORMATION)
    expect(liaison.get_by_text(answer, exact=True)).to_be_visible()

    # 4. The liaison records the removal.
    explanation = "Video diturunkan karena melanggar kebijakan integritas pemilu."
    record_removal(liaison, explanation)
    expect_case(liaison, reference, Status.DECIDED, Action.RECORD_DECISION)
    expect_not_in_queue(liaison, reference)

    expect_in_queue(officer, reference, Status.DECIDED)
    open_only_row(officer)
    expect_case(officer, reference, Status.DECIDED, Action.RECORD_DECISION)
    # The decision heads the "Needs your action" panel, and has its own section.
    panel = officer.locator(".st-key-case_action_panel")
    expect(panel.get_by_text(REMOVED, exact=True)).to_be_visible()
    expect(panel.get_by_text(explanation, exact=True)).to_be_visible()

    # 5. The officer closes the case; it waits in nobody's queue.
    act(officer, Action.CLOSE, "Konten sudah tidak tersedia.", "Closing note (optional)")
    expect_case(officer, reference, Status.CLOSED, Action.CLOSE)
    expect_not_in_queue(officer, reference)

    liaison.goto(case_link)
    expect_case(liaison, reference, Status.CLOSED, Action.CLOSE)
