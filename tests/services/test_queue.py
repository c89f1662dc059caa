"""The queue's service: every filter, full-text search (the same on SQLite and
PostgreSQL), built-in views per role, sorting and the capped count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework.desk import queries
from casework.desk.assignment import assign_case
from casework.desk.queries import CaseFilters, View, count_cases, list_cases
from casework.desk.workflow import Action
from casework.people.roles import Role
from tests.factories import CAMPAIGN_NOW, advance, make_actor, make_case

A = Action
H = timedelta(hours=1)


def _refs(session, actor, **filters) -> set[str]:
    page = list_cases(
        session=session,
        actor=actor,
        filters=CaseFilters(**filters),
        page_size=500,
        now=CAMPAIGN_NOW + 48 * H,
    )
    return {c.reference for c in page.rows}


def _case(session, desk, *actions, **overrides):
    case = make_case(session, actor=desk.officer, **overrides)
    return advance(session, desk, case, *actions) if actions else case


# --- full-text search ------------------------------------------------------------------

SEARCH_CASES = {
    "ballot": dict(
        title="Video hoaks surat suara tercoblos",
        description="Klaim palsu di Bogor",
        account_handle="@relawan.bogor",
        urls=["https://www.tiktok.com/@relawan.bogor/video/7312345678901234567"],
    ),
    "buzzer": dict(
        title="Serangan buzzer terhadap calon",
        description="Akun anonim menyebarkan fitnah tentang Café Merdeka",
        account_handle="@buzzer_99",
        urls=["https://www.tiktok.com/@buzzer_99/video/7399999999999999999"],
    ),
    "quiet": dict(
        title="Kampanye di masa tenang",
        description="Ajakan memilih pada 12 Februari",
        account_handle="@timses.resmi",
        urls=["https://www.tiktok.com/@timses.resmi/video/7300000000000000001"],
    ),
}


@pytest.fixture
def searchable(session, desk):
    """The cases of SEARCH_CASES, filed by the desk, by key."""
    return {key: _case(session, desk, **values) for key, values in SEARCH_CASES.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hoaks", {"ballot"}),
        ("HOAKS", {"ballot"}),
        ("hoa", {"ballot"}),  # a prefix matches
        ("surat suara", {"ballot"}),
        ("suara surat", {"ballot"}),  # order does not matter
        ("surat fitnah", set()),  # every word must match
        ("bogor", {"ballot"}),  # description and handle
        ("relawan.bogor", {"ballot"}),
        ("@buzzer_99", {"buzzer"}),
        ("cafe", {"buzzer"}),  # accents folded in the document
        ("café", {"buzzer"}),  # and in the query
        ("7399999999999999999", {"buzzer"}),  # a content id in a link
        ("tiktok", {"ballot", "buzzer", "quiet"}),
        ("https://www.tiktok.com", {"ballot", "buzzer", "quiet"}),
        ("12 februari", {"quiet"}),
        ("suar surat", {"ballot"}),  # every word may be unfinished
        ("hoa bogor", {"ballot"}),
        ("hoa buzz", set()),  # still every word must match
        ("surat sua", {"ballot"}),
        # A pasted link finds the cases holding the same content, whatever its form.
        ("https://m.tiktok.com/@x/video/7399999999999999999?is_from_webapp=1", {"buzzer"}),
        ("https://www.tiktok.com/@relawan.bogor/video/7300000000000000009", set()),
        ("tidakada", set()),
        # Search syntax is plain text: "or" is a word here, and no case holds it.
        ('"hoaks" OR *', set()),
        ("%", {"ballot", "buzzer", "quiet"}),  # no token: no text filter at all
    ],
)
def test_full_text_search_finds_the_same_cases_on_either_database(
    session, desk, searchable, query, expected
):
    found = _refs(session, desk.officer, text=query)
    assert found == {searchable[key].reference for key in expected}


def test_a_reference_finds_its_case_whole_or_by_serial(session, desk, searchable):
    case = searchable["quiet"]
    serial = case.reference.rsplit("-", 1)[-1]
    assert _refs(session, desk.officer, text=case.reference) == {case.reference}
    assert _refs(session, desk.officer, text=case.reference.lower()) == {case.reference}
    assert _refs(session, desk.officer, text=serial) == {case.reference}


def test_a_report_adding_a_link_makes_the_case_findable_by_it(session, desk, searchable):
    from casework.intake.duplicates import add_report_to_case as add_report
    from tests.factories import report

    case = searchable["quiet"]
    add_report(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        report=report(urls=["https://www.tiktok.com/@lain/video/7355555555555555555"]),
    )
    assert _refs(session, desk.officer, text="7355555555555555555") == {case.reference}


def test_search_never_reaches_outside_the_viewers_scope(session, desk, searchable):
    regional = make_actor(session, role=Role.OFFICER, region_code="35")
    assert _refs(session, regional, text="hoaks") == set()
    liaison = desk.liaison
    assert _refs(session, liaison, text="hoaks") == set()  # not referred yet
    advance(session, desk, searchable["ballot"], A.START_REVIEW, A.REFER_TO_PLATFORM)
    assert _refs(session, liaison, text="hoaks") == {searchable["ballot"].reference}


# --- filters ---------------------------------------------------------------------------


def test_each_filter_narrows_the_queue_to_the_matching_cases(session, desk):
    west = _case(session, desk, province_code="32", regency_code="32.01")
    east = _case(
        session, desk, province_code="35", regency_code="35.78", category_code="hate_speech"
    )
    urgent = _case(session, desk, priority="urgent")
    sent = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM)
    youtube = _case(
        session,
        desk,
        platform_code="youtube",
        urls=["https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
        account_handle=None,
    )
    officer = desk.officer
    everyone = {c.reference for c in (west, east, urgent, sent, youtube)}
    assert _refs(session, officer) == everyone
    assert _refs(session, officer, provinces=("35",)) == {east.reference}
    assert _refs(session, officer, regencies=("35.78",)) == {east.reference}
    assert _refs(session, officer, categories=("hate_speech",)) == {east.reference}
    assert _refs(session, officer, priorities=("urgent",)) == {urgent.reference}
    assert _refs(session, officer, statuses=("sent",)) == {sent.reference}
    assert _refs(session, officer, platforms=("youtube",)) == {youtube.reference}
    assert _refs(session, officer, phases=("campaign",)) == everyone
    assert _refs(session, officer, phases=("voting",)) == set()
    assert _refs(session, officer, elections=("pemilu2024",)) == everyone
    assert _refs(session, officer, referred_from=CAMPAIGN_NOW) == {sent.reference}
    assert _refs(session, officer, referred_to=CAMPAIGN_NOW) == set()
    assert _refs(session, officer, created_from=CAMPAIGN_NOW + H) == set()
    assert _refs(session, officer, created_to=CAMPAIGN_NOW + H) == everyone


def test_the_assignee_filter_knows_me_unassigned_and_a_colleague(session, desk):
    mine = _case(session, desk)
    theirs = _case(session, desk)
    loose = _case(session, desk)
    assign_case(
        session=session,
        actor=desk.lead,
        case_id=mine.id,
        version=mine.version,
        assignee_id=desk.officer.user_id,
    )
    assign_case(
        session=session,
        actor=desk.lead,
        case_id=theirs.id,
        version=theirs.version,
        assignee_id=desk.lead.user_id,
    )
    assert _refs(session, desk.officer, assignee="me") == {mine.reference}
    assert _refs(session, desk.officer, assignee="none") == {loose.reference}
    assert _refs(session, desk.officer, assignee=str(desk.lead.user_id)) == {theirs.reference}


def test_the_overdue_filter_holds_running_clocks_past_their_deadline_only(session, desk):
    late = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM, priority="urgent")
    paused = _case(
        session,
        desk,
        A.START_REVIEW,
        A.REFER_TO_PLATFORM,
        A.ACKNOWLEDGE,
        A.REQUEST_INFORMATION,
        priority="urgent",
    )
    decided = _case(
        session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM, A.RECORD_DECISION, priority="urgent"
    )
    _case(session, desk, A.START_REVIEW)
    found = _refs(session, desk.officer, overdue_only=True)
    assert found == {late.reference}
    assert paused.reference not in found and decided.reference not in found
    assert _refs(session, desk.officer, view=View.OVERDUE) == {late.reference}


# --- built-in views --------------------------------------------------------------------


def test_needs_my_action_differs_by_side_of_the_desk(session, desk):
    new = _case(session, desk)
    sent = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM)
    asked = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM, A.ACKNOWLEDGE)
    asked = advance(session, desk, asked, A.REQUEST_INFORMATION)
    decided = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM, A.RECORD_DECISION)
    closed = _case(session, desk, A.START_REVIEW, A.REJECT)
    officer_needs = _refs(session, desk.officer, view=View.NEEDS_ME)
    assert officer_needs == {new.reference, asked.reference, decided.reference}
    assert _refs(session, desk.liaison, view=View.NEEDS_ME) == {sent.reference}
    assert closed.reference not in officer_needs
    assert _refs(session, desk.officer, view=View.AWAITING_PLATFORM) == {sent.reference}
    assert _refs(session, desk.officer, view=View.INFO_REQUESTED) == {asked.reference}
    assert _refs(session, desk.officer, view=View.TO_VERIFY) == {decided.reference}


def test_a_case_assigned_to_a_colleague_leaves_my_needs_my_action(session, desk):
    case = _case(session, desk)
    assign_case(
        session=session,
        actor=desk.lead,
        case_id=case.id,
        version=case.version,
        assignee_id=desk.lead.user_id,
    )
    assert case.reference not in _refs(session, desk.officer, view=View.NEEDS_ME)
    assert case.reference in _refs(session, desk.lead, view=View.NEEDS_ME)


def test_a_liaison_sees_their_platform_only_nearest_deadline_first(session, desk):
    normal = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM)
    urgent = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM, priority="urgent")
    _case(
        session,
        desk,
        A.START_REVIEW,
        A.REFER_TO_PLATFORM,
        platform_code="youtube",
        urls=["https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
        account_handle=None,
    )
    sort, descending = queries.default_sort(desk.liaison, View.NEEDS_ME)
    page = list_cases(
        session=session,
        actor=desk.liaison,
        filters=CaseFilters(view=View.NEEDS_ME),
        sort=sort,
        descending=descending,
    )
    assert [c.reference for c in page.rows] == [urgent.reference, normal.reference]


# --- sorting, paging, counting ---------------------------------------------------------


def test_sorting_by_deadline_puts_cases_without_one_last_either_way(session, desk):
    no_deadline = _case(session, desk)
    early = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM, priority="urgent")
    late = _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM)
    for descending, order in ((False, [early, late]), (True, [late, early])):
        page = list_cases(
            session=session, actor=desk.officer, sort="sla_due_at", descending=descending
        )
        assert [c.reference for c in page.rows] == [c.reference for c in order] + [
            no_deadline.reference
        ]


def test_pages_split_the_matches_without_overlap(session, desk):
    made = {_case(session, desk).reference for _ in range(7)}
    seen: list[str] = []
    for number in (1, 2, 3):
        page = list_cases(session=session, actor=desk.officer, page=number, page_size=3)
        assert page.total == 7 and page.page_count == 3
        seen += [c.reference for c in page.rows]
    assert sorted(seen) == sorted(made)


def test_the_count_stops_past_its_cap_and_says_so(session, desk, monkeypatch):
    for _ in range(5):
        _case(session, desk)
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    page = list_cases(session=session, actor=desk.officer, page_size=2)
    assert page.total == 4 and page.capped
    assert page.page_count == 2
    assert count_cases(session=session, actor=desk.officer, filters=CaseFilters()) == 4


@pytest.mark.parametrize("descending", [True, False])
def test_pages_across_several_statuses_keep_one_order_by_last_change(session, desk, descending):
    made = [_case(session, desk) for _ in range(3)]
    made += [_case(session, desk, A.START_REVIEW) for _ in range(2)]
    made += [_case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM, A.RECORD_DECISION)]
    expected = sorted(made, key=lambda c: (c.updated_at, c.id), reverse=descending)
    seen = []
    for number in (1, 2, 3):
        page = list_cases(
            session=session,
            actor=desk.officer,
            filters=CaseFilters(view=View.NEEDS_ME),
            sort="updated_at",
            descending=descending,
            page=number,
            page_size=2,
        )
        seen += [c.reference for c in page.rows]
    assert seen == [c.reference for c in expected]


def test_a_search_with_more_matches_than_counted_shows_the_newest_filed_first(
    session, desk, monkeypatch
):
    made = [_case(session, desk) for _ in range(4)]  # all hold "hoaks"
    _case(session, desk, title="Lain sama sekali", description="", urls=[])
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    page = list_cases(session=session, actor=desk.officer, filters=CaseFilters(text="hoaks"))
    assert page.total == 3 and page.capped and page.extra["newest_first"]
    assert [c.reference for c in page.rows] == [c.reference for c in reversed(made)]
    second = list_cases(
        session=session, actor=desk.officer, filters=CaseFilters(text="hoaks"), page=2, page_size=1
    )
    assert [c.reference for c in second.rows] == [made[2].reference]


# --- "due soon" (issue 13) -------------------------------------------------------------


def test_due_soon_puts_what_can_still_be_answered_in_time_before_the_overdue(session, desk):
    urls = iter(f"https://www.tiktok.com/@a/video/73000000000000000{n:02d}" for n in range(10))
    overdue = [
        _case(session, desk, A.START_REVIEW, A.REFER_TO_PLATFORM, urls=[next(urls)])
        for _ in range(3)
    ]
    # Filed two days later, when the first three are long past their 24 hours.
    later = CAMPAIGN_NOW + 48 * H
    fresh_normal = advance(
        session,
        desk,
        make_case(session, actor=desk.officer, now=later, urls=[next(urls)]),
        A.START_REVIEW,
        A.REFER_TO_PLATFORM,
    )
    fresh_urgent = advance(
        session,
        desk,
        make_case(session, actor=desk.officer, now=later, priority="urgent", urls=[next(urls)]),
        A.START_REVIEW,
        A.REFER_TO_PLATFORM,
    )
    sort, descending = queries.default_sort(desk.liaison, View.NEEDS_ME)
    assert sort == "due_soon"
    page = list_cases(
        session=session,
        actor=desk.liaison,
        filters=CaseFilters(view=View.NEEDS_ME),
        sort=sort,
        descending=descending,
        now=later + H,
    )
    refs = [c.reference for c in page.rows]
    assert refs[:2] == [fresh_urgent.reference, fresh_normal.reference]
    assert set(refs[2:]) == {c.reference for c in overdue}


def test_the_overdue_view_sorts_by_deadline(desk):
    assert queries.default_sort(desk.liaison, View.OVERDUE) == ("sla_due_at", False)
