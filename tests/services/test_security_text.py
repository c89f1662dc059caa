"""Finding 17 of the security audit (issue 15): invisible characters in what people
type, and throttle rows that pile up."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from casework.desk.cases import add_comment, case_comments
from casework.people.auth import purge_sign_in_throttles
from db.models import SignInThrottle
from tests.factories import CAMPAIGN_NOW, make_actor, make_case

RLO, ZWSP, BELL = "\u202e", "\u200b", "\x07"


def test_a_bidi_override_or_control_character_in_a_title_is_stripped(session):
    case = make_case(
        session,
        title=f"Video hoaks{RLO}4pm.exe{ZWSP}\r\nbaris{BELL} kedua",
        account_handle=f"@akun{RLO}.contoh",
    )

    assert case.title == "Video hoaks4pm.exe baris kedua"
    assert case.account_handle == "@akun.contoh"


def test_a_comment_keeps_its_lines_and_tabs_but_loses_invisible_characters(session):
    officer = make_actor(session)
    case = make_case(session, actor=officer)

    add_comment(
        session=session,
        actor=officer,
        case_id=case.id,
        body=f"Baris satu{RLO}\r\n\tbaris dua{ZWSP}{BELL}",
    )

    [comment] = case_comments(session=session, actor=officer, case_id=case.id)
    assert comment.body == "Baris satu\n\tbaris dua"


def test_throttle_rows_of_a_name_spray_are_purged_once_they_lock_no_one(session):
    day = timedelta(hours=24)
    session.add_all(
        [
            SignInThrottle(
                username_key="tebak-lama", failures=2, last_failure_at=CAMPAIGN_NOW - 2 * day
            ),
            SignInThrottle(username_key="tebak-baru", failures=2, last_failure_at=CAMPAIGN_NOW),
            SignInThrottle(
                username_key="terkunci",
                failures=0,
                last_failure_at=CAMPAIGN_NOW - 2 * day,
                locked_until=CAMPAIGN_NOW + timedelta(minutes=5),
            ),
        ]
    )
    session.commit()

    assert purge_sign_in_throttles(session=session, now=CAMPAIGN_NOW) == 1

    kept = session.exec(select(SignInThrottle.username_key)).all()
    assert sorted(kept) == ["tebak-baru", "terkunci"]
