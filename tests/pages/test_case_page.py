"""The case page: shows what the viewer may see and runs the actions they may take."""

from __future__ import annotations

from sqlmodel import Session, select

from db import engine as engine_module
from db.models import Case, Platform, User
from tests.pages.conftest import app_as, open_page


def _case(**where) -> Case:
    with Session(engine_module.get_engine()) as session:
        query = select(Case)
        for field, value in where.items():
            query = query.where(getattr(Case, field) == value)
        return session.exec(query.order_by(Case.id)).first()


def _open_case(username: str, case_id: int):
    at = app_as(username).run()
    at.query_params["id"] = str(case_id)
    return open_page(at, "case")


def test_an_officer_sees_the_case_record_and_its_timeline(demo_database):
    case = _case(status="closed")
    at = _open_case("demo.officer", case.id)
    assert not at.exception
    assert at.title[0].value == case.reference
    assert "Timeline" in [m.value.strip("*") for m in at.markdown]


def test_a_liaison_cannot_open_another_platforms_case_by_id(demo_database):
    with Session(engine_module.get_engine()) as session:
        case = session.exec(
            select(Case).where(Case.platform_code != "tiktok", Case.referred_at.is_not(None))
        ).first()
    at = _open_case("demo.liaison.tiktok", case.id)
    assert not at.exception
    assert [e.value for e in at.error] == ["No case with that reference is available to you."]
    assert case.reference not in [t.value for t in at.title]


def test_an_officer_starts_the_review_of_a_new_case_from_the_page(demo_database):
    case = _case(status="new")
    at = _open_case("demo.officer", case.id)
    at.button(key="case_action_start_review").click().run()
    assert not at.exception
    assert _case(id=case.id).status == "in_review"
    assert _case(id=case.id).version == case.version + 1


def test_a_rejection_without_a_reason_is_refused_and_nothing_changes(demo_database):
    case = _case(status="in_review")
    at = _open_case("demo.officer", case.id)
    form_submit = next(b for b in at.button if b.label == "Reject")
    form_submit.click().run()
    assert not at.exception
    assert any("required" in c.value for c in at.caption)
    assert _case(id=case.id).status == "in_review"


def test_a_stale_page_is_refused_with_a_message_and_shows_the_current_state(demo_database):
    case = _case(status="new")
    at = _open_case("demo.officer", case.id)
    # Someone else acts on the case after this page was drawn.
    other = _open_case("demo.lead", case.id)
    other.button(key="case_action_start_review").click().run()
    at.button(key="case_action_start_review").click().run()
    assert not at.exception
    assert any("changed this case" in w.value for w in at.warning)
    assert _case(id=case.id).version == case.version + 1


def test_comments_are_rendered_as_text_never_as_markdown(demo_database):
    case = _case(status="acknowledged")
    at = _open_case("demo.officer", case.id)
    at.text_area(key="case_comment_body").input("![x](http://127.0.0.1:9/beacon.png) **bold**")
    next(b for b in at.button if b.label == "Post comment").click().run()
    assert not at.exception, at.exception
    texts = [t.value for t in at.text]
    assert "![x](http://127.0.0.1:9/beacon.png) **bold**" in texts
    assert not any("beacon.png" in m.value for m in at.markdown)


def test_attached_evidence_shows_its_thumbnail_hash_and_who_uploaded_it(demo_database):
    import io

    from PIL import Image

    from casework import settings as config
    from casework.intake.evidence import add_evidence
    from casework.people.actors import actor_for

    case = _case(status="acknowledged")
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(buffer, format="PNG")
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        liaison_id = session.exec(
            select(User.id)
            .join(Platform, Platform.operator_id == User.organisation_id)
            .where(Platform.code == case.platform_code, User.role == "liaison")
        ).first()
        evidence = add_evidence(
            session=session,
            actor=actor_for(session, liaison_id),
            case_id=case.id,
            file_name="<b>bukti</b>.png",
            data=buffer.getvalue(),
            settings=config.get_settings(),
        )
    at = _open_case("demo.officer", case.id)
    assert not at.exception
    assert len(at.get("image")) >= 1
    assert any(evidence.sha256 in c.value for c in at.code)
    assert any("uploaded by the platform" in c.value for c in at.caption)


PAYLOAD = "<img src=x onerror=alert(1)>![t](http://127.0.0.1:9/t.png)[k](javascript:alert(1))**b**"


def test_hostile_text_in_every_field_stays_inert_on_the_case_page_and_in_the_queue(
    demo_database,
):
    from casework.desk.cases import file_report
    from casework.desk.schemas import ReportIn
    from casework.people.actors import actor_for

    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        officer_id = session.exec(select(User.id).where(User.username == "demo.officer")).one()
        case = file_report(
            session=session,
            actor=actor_for(session, officer_id),
            report=ReportIn(
                title=PAYLOAD,
                description=PAYLOAD,
                platform_code="x",
                urls=["https://x.com/akun/status/1757000000000000001"],
                account_handle=PAYLOAD[:150],
                category_code="hoax",
                source="public_complaint",
                reporter_name=PAYLOAD[:150],
                reporter_contact=PAYLOAD[:150],
                legal_ground=PAYLOAD,
                province_code="31",
            ),
        )
    at = _open_case("demo.officer", case.id)
    assert not at.exception
    # Shown as plain text (st.text, dataframes) or escaped in markdown labels: never a
    # live image, link or HTML element.
    rendered_markdown = " ".join(m.value for m in at.markdown)
    assert "<img" not in rendered_markdown and "](http" not in rendered_markdown
    assert "](javascript" not in rendered_markdown
    assert PAYLOAD in [t.value for t in at.text]
    assert at.get("html") == [] or all("<img" not in h.proto.body for h in at.get("html"))
    queue = open_page(app_as("demo.officer").run(), "queue")
    assert not queue.exception
    assert "<img" not in " ".join(m.value for m in queue.markdown)


def test_a_decision_signed_by_the_platform_says_so_on_the_case_page(demo_database):
    from casework.records.signing import SigningKey
    from db.models import Decision, Organisation, PlatformKey

    key = SigningKey.generate()
    with Session(engine_module.get_engine()) as session:
        decision = session.exec(select(Decision).order_by(Decision.id)).first()
        case = session.get(Case, decision.case_id)
        operator = session.exec(
            select(Organisation)
            .join(Platform, Platform.operator_id == Organisation.id)
            .where(Platform.code == case.platform_code)
        ).one()
        # The columns a verified signature fills (the API round trip is tested in
        # tests/api/test_signed_decisions.py); here only what the page shows.
        session.add(
            PlatformKey(organisation_id=operator.id, key_id=key.key_id, public_key="x" * 44)
        )
        decision.signed_key_id, decision.signature = key.key_id, "c2lnbmF0dXJl"
        session.add(decision)
        session.commit()
        operator_name, case_id = operator.name, case.id
    at = _open_case("demo.officer", case_id)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert f"Signed by {operator_name}" in captions and key.key_id in captions


def _html(at) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def test_every_link_opens_in_a_new_tab_beside_its_platform_account_and_key(demo_database):
    from casework.desk.cases import add_comment, file_report
    from casework.people.actors import actor_for
    from tests.factories import report

    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        officer = actor_for(
            session,
            session.exec(select(User.id).where(User.username == "demo.officer")).one(),
        )
        case = file_report(
            session=session,
            actor=officer,
            report=report(
                urls=[
                    "https://www.tiktok.com/@akun.contoh/video/7312345678901234999",
                    "https://vm.tiktok.com/ZSLxShort1/",
                ],
                province_code="31",
                regency_code=None,
            ),
        )
        add_comment(
            session=session,
            actor=officer,
            case_id=case.id,
            body='Lihat juga https://berita.example.id/a?b=1&c="><img src=x> ya.',
            visibility="shared",
        )
    at = _open_case("demo.officer", case.id)
    assert not at.exception, at.exception
    page = _html(at)
    assert (
        '<a href="https://www.tiktok.com/@akun.contoh/video/7312345678901234999"' in page
        and 'target="_blank" rel="noopener noreferrer"' in page
    )
    assert "tiktok:video:7312345678901234999" in page and "@akun.contoh" in page
    assert "Short link: the content is known only by opening it" in page
    # The link in the comment is openable; the markup after it stays text.
    assert '<a href="https://berita.example.id/a?b=1&amp;c=" ' in page
    assert "<img" not in page


def test_the_case_page_shows_no_raw_codes(demo_database):
    case = _case(status="new", source="own_patrol")
    at = _open_case("demo.officer", case.id)
    assert not at.exception, at.exception
    shown = [t.value for t in at.text] + [m.value for m in at.markdown]
    shown += [c.value for c in at.caption]
    for frame in at.dataframe:
        shown += [str(v) for v in frame.value.to_numpy().ravel()]
    codes = {"own_patrol", "public_complaint", "new", "in_review", "urgent", "normal"}
    assert not codes & set(shown)
    assert not any(code in text for text in shown for code in ("own_patrol", "in_review"))


def test_a_makassar_cases_timeline_reads_in_wita_with_the_viewers_wib_beside_it(demo_database):
    # demo.officer reads in WIB; a case of South Sulawesi (73) lives in WITA.
    case = _case(province_code="73")
    assert case is not None, "the demo seeds cases in South Sulawesi"
    at = _open_case("demo.officer", case.id)
    assert not at.exception, at.exception
    shown = " ".join(c.value for c in at.caption)
    assert "WITA (" in shown and "WIB)" in shown


def test_the_case_page_shows_every_running_clock_in_bahasa_indonesia(demo_database):
    """Issue 18: the agreed deadline and a statutory one side by side, with owner, legal
    basis and due time in the case's zone."""
    from datetime import timedelta

    from casework.clocks import service
    from casework.desk.cases import refer_to_platform
    from casework.people.actors import actor_for
    from db.types import utcnow

    case = _case(status="in_review")
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        officer_id = session.exec(select(User.id).where(User.username == "demo.officer")).one()
        officer = actor_for(session, officer_id)
        now = utcnow()
        case = refer_to_platform(
            session=session, actor=officer, case_id=case.id, version=case.version, now=now
        )
        service.drive(session, case, "register_laporan", now - timedelta(hours=1))
        session.commit()

    at = app_as("demo.officer", language="id").run()
    at.query_params["id"] = str(case.id)
    at = open_page(at, "case")

    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "**Tenggat**" in text
    assert "Tenggat kesepakatan" in text
    assert "Putusan \\(7 hari, dapat diperpanjang hingga 14 hari kerja\\)" in text
    assert "UU 7/2017 Pasal 454 ayat \\(7\\) dan \\(8\\)" in text
    assert "Penanggung jawab: Platform" in text and "Penanggung jawab: Bawaslu" in text
    assert text.count("Keadaan: Berjalan") == 2
