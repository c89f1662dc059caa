"""Issue 17's journey, in Debian's Chromium and in Bahasa Indonesia: an officer files a
laporan from the public; the kajian awal registers it; the kajian concludes *memenuhi
unsur*; the lead approves it; the officer forwards it to Komdigi with a numbered letter;
Komdigi's liaison records the order; TikTok's liaison records the takedown; the officer
verifies it, closes the case and concludes the handling; the status announcement then
says so. Every label is looked up through the translation, never typed in English. A
screenshot of every step is kept in test-artifacts/ when the journey fails."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pypdf import PdfReader

from casework.desk.workflow import ACTION_LABELS, STATUS_LABELS, Action, Status
from casework.i18n import translator
from casework.reference.seed_taxonomy import CATEGORIES, DECISION_TYPES, SOURCES
from casework.statutory.forwarding import BODY_LABELS, DEFAULT_ADDRESSEES, RESPONSE_LABELS
from casework.statutory.intake import TERLAPOR_STATUS_LABELS
from casework.statutory.kajian import CONCLUSION_LABELS, VIOLATION_KIND_LABELS
from casework.statutory.stages import INTAKE_TYPE_LABELS, STAGE_LABELS, Stage
from tests.e2e.test_journeys import WAIT, Desk, Journey, settle

pytestmark = pytest.mark.browser

_ = translator("id")
PELAPOR, CONTACT = "Siti Aminah", "siti.aminah@example.org"
TERLAPOR = "Budi Santoso"
ORDER_NUMBER = "B-1234/DJAI/PI.02.03/12/2026"
# A letter's download button, "Surat <number> (DOCX)": the number as the page shows it.
LETTER = re.compile(
    r"^"
    + re.escape(_("Letter {number} ({format})"))
    .replace(re.escape("{number}"), r"(\S+)")
    .replace(re.escape("{format}"), "DOCX")
    + r"$"
)


@pytest.fixture
def journey(request):
    """The journey's steps, their screenshots written to test-artifacts/ if it fails."""
    steps = Journey(request.node.name)
    yield steps
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        steps.keep()


@pytest.fixture
def person(chromium):
    """A browser of its own for each person of the journey (each signs in once)."""
    contexts = []

    def open_browser() -> Page:
        context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        return page

    yield open_browser
    for context in contexts:
        context.close()


def _label(rows, code: str) -> str:
    """The Indonesian label (column 1) of a seeded taxonomy row."""
    return next(row[1] for row in rows if row[0] == code)


def _field(scope: Page | Locator, label: str) -> Locator:
    """The field labelled `label`, whether or not it carries the required mark (its
    accessible name is then the label's source, "Title :red[*]")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( :red\[\*\])?$"))


def _choose(page: Page, scope: Page | Locator, label: str, option: str) -> None:
    """Pick `option` of a select box. A rerun that starts just after the click (the
    previous field's) can close the list again: then open it once more."""
    combobox = scope.get_by_role("combobox", name=label)
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        settle(page)
        combobox.click()
        try:
            choice.click(timeout=WAIT // 3)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    expect(combobox).to_have_value(option)


def _type_segments(page: Page, scope: Page | Locator, label: str, digits: str) -> None:
    """Streamlit's date and time fields are segmented (dd / mm / yyyy, HH . mm): a
    person clicks the first segment and types the digits; each segment moves on."""
    settle(page)
    field = scope.get_by_role("group", name=label, exact=True)
    field.get_by_role("spinbutton").first.click()
    page.keyboard.type(digits)
    page.keyboard.press("Tab")
    expect(field).to_have_text(re.compile(r"\D*".join(digits)), timeout=WAIT)


def _type_date(page: Page, scope: Page | Locator, label: str, day: date) -> None:
    _type_segments(page, scope, label, day.strftime("%d%m%Y"))


def _stage(page: Page, stage: Stage) -> None:
    """The statutory panel's caption: intake type · stage."""
    caption = f"{_(INTAKE_TYPE_LABELS['laporan'])} · {_(STAGE_LABELS[stage])}"
    expect(page.get_by_text(caption, exact=True)).to_be_visible(timeout=WAIT)


def _expander(page: Page, title: str) -> Locator:
    settle(page)
    expander = page.get_by_test_id("stExpander").filter(
        has=page.locator("summary").get_by_text(title, exact=True)
    )
    if expander.locator("details").get_attribute("open") is None:
        expander.locator("summary").click()
    return expander


def _submit(page: Page, expander: Locator, button: str, done: str) -> None:
    settle(page)
    expander.get_by_role("button", name=button, exact=True).click()
    message = _("Done: {action}.").format(action=done)
    expect(page.get_by_text(message, exact=True)).to_be_visible(timeout=WAIT)


def file_laporan(page: Page) -> str:
    """The officer files a laporan from the public, with all the law asks of it."""
    yesterday = date.today() - timedelta(days=1)
    page.get_by_role("link", name=_("New report"), exact=True).click()
    expect(page.get_by_role("heading", name=_("New report"))).to_be_visible(timeout=WAIT)
    _field(page, _("Title")).fill("Video klaim surat suara sudah tercoblos")
    _field(page, _("Description")).fill(
        "Pelapor melihat video yang menyebut surat suara di TPS 12 sudah tercoblos."
    )
    video = f"https://www.tiktok.com/@akun.uji/video/7{uuid.uuid4().int % 10**18:018d}"
    _field(page, _("Links to the content (one per line)")).fill(video)
    _choose(page, page, _("Platform"), "TikTok")
    _choose(page, page, _("Category"), _label(CATEGORIES, "hoax"))
    _choose(page, page, _("Source"), _label(SOURCES, "public_complaint"))
    _field(page, _("Reporter name (internal)")).fill(PELAPOR)
    _field(page, _("Reporter contact (internal)")).fill(CONTACT)
    settle(page)
    page.get_by_test_id("stRadio").filter(has_text=_("Intake type")).get_by_text(
        _(INTAKE_TYPE_LABELS["laporan"]), exact=True
    ).click()
    # The laporan's own fields appear once the type is chosen.
    terlapor = _field(page, _("Reported party"))
    expect(terlapor).to_be_visible(timeout=WAIT)
    _type_date(page, page, _("Known since"), yesterday)
    terlapor.fill(TERLAPOR)
    _choose(page, page, _("Reported party's status"), _(TERLAPOR_STATUS_LABELS["tim_kampanye"]))
    _type_date(page, page, _("Date of the incident"), yesterday)
    _type_segments(page, page, _("Time of the incident"), "0800")
    _field(page, _("Place")).fill("TPS 12, Kelurahan Menteng, Jakarta Pusat")
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


def letter_number(page: Page) -> str:
    """The number of the case's (one) letter, as its download button names it."""
    button = page.get_by_role("button", name=LETTER)
    expect(button).to_have_count(1, timeout=WAIT)
    return LETTER.match(button.inner_text().strip()).group(1)


def download(page: Page, label: str) -> bytes:
    settle(page)
    with page.expect_download(timeout=WAIT) as pending:
        page.get_by_role("button", name=label, exact=True).click()
    return pending.value.path().read_bytes()


def test_a_laporan_goes_through_the_kajian_to_komdigi_the_takedown_and_its_announcement(
    server, person, journey
):
    desk = Desk(server, "id")
    officer, lead, komdigi, tiktok = person(), person(), person(), person()

    with journey.step("officer-files-a-laporan", officer):
        desk.sign_in(officer, "demo.officer")
        reference = file_laporan(officer)
        desk.expect_status(officer, reference, Status.NEW)
        expect(officer.get_by_text(_("Violation handling"), exact=True)).to_be_visible()
        _stage(officer, Stage.AWAITING_REGISTRATION)
        status = _(TERLAPOR_STATUS_LABELS["tim_kampanye"])
        reported = f"{_('Reported party')}: {TERLAPOR} ({status})"
        expect(officer.get_by_text(reported, exact=True)).to_be_visible()
        case_url = officer.url

    with journey.step("kajian-awal-registers-it", officer):
        # The officer follows the statutory panel alone: the takedown track is still new.
        desk.act(
            officer,
            Action.REGISTER_LAPORAN,
            "Syarat formal dan materiel terpenuhi.",
            "Note (optional)",
        )
        _stage(officer, Stage.IN_KAJIAN)
        expect(officer.get_by_text(_("Registered (diregistrasi)"), exact=True)).to_be_visible()
        desk.expect_status(officer, reference, Status.NEW)

    with journey.step("kajian-concludes-memenuhi-unsur", officer):
        title = _(ACTION_LABELS[Action.DRAFT_KAJIAN])
        form = _expander(officer, title)
        _field(form, _("Facts")).fill("Video diunggah akun @akun.uji dan ditonton 120.000 kali.")
        _field(form, _("Analysis")).fill("Konten memuat berita bohong tentang pemungutan suara.")
        _choose(officer, form, _("Conclusion"), _(CONCLUSION_LABELS["memenuhi"]))
        _choose(officer, form, _("Kind of violation"), _(VIOLATION_KIND_LABELS["lainnya"]))
        _field(form, _("Recommendation")).fill("Diteruskan kepada Komdigi untuk pemutusan akses.")
        _submit(officer, form, title, title)
        _stage(officer, Stage.KAJIAN_DRAFTED)

    with journey.step("lead-approves", lead):
        desk.sign_in(lead, "demo.lead")
        lead.goto(case_url)
        _stage(lead, Stage.KAJIAN_DRAFTED)
        title = _(ACTION_LABELS[Action.APPROVE_KAJIAN])
        _submit(lead, _expander(lead, title), title, title)
        _stage(lead, Stage.KAJIAN_APPROVED)

    with journey.step("officer-forwards-to-komdigi", officer):
        officer.reload()
        _stage(officer, Stage.KAJIAN_APPROVED)
        title = _(ACTION_LABELS[Action.FORWARD_CASE])
        form = _expander(officer, title)
        # Other laws, online content: the form suggests Komdigi.
        expect(form.get_by_role("combobox", name=_("Forward to"))).to_have_value(
            _(BODY_LABELS["komdigi"])
        )
        _field(form, _("Recommendation")).fill("Mohon pemutusan akses atas konten tersebut.")
        _submit(officer, form, title, title)
        _stage(officer, Stage.FORWARDED)
        desk.expect_status(officer, reference, Status.ESCALATED)
        number = letter_number(officer)
        assert re.fullmatch(r"\d{4}/PM\.00\.02/.+/\d{1,2}/\d{4}", number), number
        pending = (
            f"{_(BODY_LABELS['komdigi'])} · {DEFAULT_ADDRESSEES['komdigi']} · "
            f"{_(RESPONSE_LABELS['pending'])}"
        )
        expect(officer.get_by_text(pending, exact=True)).to_be_visible()

    with journey.step("komdigi-records-the-order", komdigi):
        desk.sign_in(komdigi, "demo.regulator")
        desk.open_from_queue(komdigi, reference)
        desk.expect_status(komdigi, reference, Status.ESCALATED)
        # Komdigi reads the request under the same letter number, and never the pelapor.
        assert letter_number(komdigi) == number
        expect(komdigi.get_by_text(CONTACT)).to_have_count(0)
        # One way to record the order: on the request, with its number, date, mendesak.
        record = _(ACTION_LABELS[Action.RECORD_REGULATOR_ORDER])
        order_form = _("Order issued: letter number and date")
        expect(komdigi.locator("summary").get_by_text(record, exact=True)).to_have_count(0)
        form = _expander(komdigi, order_form)
        _field(form, _("Letter number")).fill(ORDER_NUMBER)
        form.get_by_text(_("Urgent (mendesak)"), exact=True).click()
        _submit(komdigi, form, record, record)
        expect(komdigi.locator("summary").get_by_text(order_form, exact=True)).to_have_count(0)
        issued = (
            f"{_(BODY_LABELS['komdigi'])} · {DEFAULT_ADDRESSEES['komdigi']} · "
            f"{_(RESPONSE_LABELS['order_issued'])}"
        )
        expect(komdigi.get_by_text(issued, exact=True)).to_be_visible(timeout=WAIT)

    with journey.step("tiktok-records-the-takedown", tiktok):
        desk.sign_in(tiktok, "demo.liaison.tiktok")
        desk.open_from_queue(tiktok, reference)
        desk.expect_status(tiktok, reference, Status.ESCALATED)
        expect(tiktok.get_by_text(ORDER_NUMBER).first).to_be_visible()
        expect(tiktok.get_by_text(_("Violation handling"), exact=True)).to_have_count(0)
        desk.act(tiktok, Action.RECORD_DECISION)
        desk.expect_status(tiktok, reference, Status.DECIDED)

    removed = _label(DECISION_TYPES, "removed")
    with journey.step("officer-verifies-and-closes", officer):
        officer.reload()
        desk.expect_status(officer, reference, Status.DECIDED)
        expect(officer.get_by_text(removed).first).to_be_visible()
        desk.act(
            officer, Action.CLOSE, "Konten sudah tidak dapat diakses.", "Closing note (optional)"
        )
        desk.expect_status(officer, reference, Status.CLOSED)
        desk.act(officer, Action.CONCLUDE_HANDLING, "Selesai.", "Note (optional)")
        _stage(officer, Stage.CONCLUDED)

    with journey.step("the-status-announcement-shows-it", officer):
        rows = dict(
            csv.reader(
                io.StringIO(download(officer, _("Status announcement (CSV)")).decode("utf-8-sig"))
            )
        )
        assert rows[_("Case number")] == reference
        assert rows[_("Intake type")] == _(INTAKE_TYPE_LABELS["laporan"])
        assert rows[_("Reporter")] == PELAPOR
        assert rows[_("Reported party")] == TERLAPOR
        assert rows[_("Registration")] == _("Registered (diregistrasi)")
        assert rows[_("Handling stage")] == _(STAGE_LABELS[Stage.CONCLUDED])
        assert rows[_("Conclusion")] == _(CONCLUSION_LABELS["memenuhi"])
        assert rows[_("Kind of violation")] == _(VIOLATION_KIND_LABELS["lainnya"])
        assert rows[_("Forwarded to")] == (
            f"{_(BODY_LABELS['komdigi'])} ({_(RESPONSE_LABELS['order_issued'])})"
        )
        assert rows[_("Content action")] == _(STATUS_LABELS[Status.CLOSED])
        assert CONTACT not in "".join(rows.values())
        pdf = PdfReader(io.BytesIO(download(officer, _("Status announcement (PDF)"))))
        text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
        title = _("Status announcement of report {reference}").format(reference=reference)
        assert title in text
        assert f"{_('Handling stage')}: {_(STAGE_LABELS[Stage.CONCLUDED])}" in text
        assert f"{_('Reporter')}: {PELAPOR}" in text and CONTACT not in text
