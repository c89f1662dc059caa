"""Attacks of the security audit (issue 15) on cases, replayed through the services."""

from __future__ import annotations

import pytest

from casework.desk.cases import add_comment, case_comments, merge_case
from casework.desk.workflow import Action
from casework.errors import ValidationError
from casework.people.roles import Role
from tests.factories import advance, make_actor, make_case, make_desk, reload

INSTAGRAM_URL = "https://www.instagram.com/p/C2xYzAbCdEf/"
TIKTOK_URL = "https://www.tiktok.com/@akun.contoh/video/7312345678901234567"


def test_a_merge_across_platforms_is_refused_so_tiktok_never_reads_metas_conversation(session):
    meta = make_desk(session, platform_code="instagram")
    tiktok_liaison = make_actor(session, role=Role.LIAISON, platform_code="tiktok")
    meta_case = make_case(
        session, actor=meta.officer, platform_code="instagram", urls=[INSTAGRAM_URL]
    )
    meta_case = advance(session, meta, meta_case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    add_comment(
        session=session,
        actor=meta.liaison,
        case_id=meta_case.id,
        body="Meta: akun ini sudah kami tandai.",
        visibility="shared",
    )
    meta_case = reload(session, meta_case)
    tiktok_case = make_case(session, actor=meta.officer, platform_code="tiktok", urls=[TIKTOK_URL])
    tiktok_case = advance(session, meta, tiktok_case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    meta_case = advance(session, meta, meta_case, Action.RECORD_DECISION, Action.CLOSE)
    meta_case = advance(session, meta, meta_case, Action.REOPEN, Action.RESUME_REVIEW)

    with pytest.raises(ValidationError) as refused:
        merge_case(
            session=session,
            actor=meta.lead,
            case_id=meta_case.id,
            version=meta_case.version,
            into_case_id=tiktok_case.id,
        )

    assert "into_case_id" in refused.value.field_errors
    assert reload(session, meta_case).status == "in_review"
    seen = case_comments(session=session, actor=tiktok_liaison, case_id=tiktok_case.id)
    assert seen == []
