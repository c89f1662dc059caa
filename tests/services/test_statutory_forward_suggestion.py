"""The addressee the forwarding form suggests from an approved kajian: the violation kind
decides (administratif → KPU, kode etik → DKPP, pidana pemilu → Sentra Gakkumdu, other
laws → Komdigi), a civil servant's breach of other laws goes to BKN, and the rule is
data an administrator changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework.people.roles import OrgKind, Role
from casework.statutory.forwarding import suggested_body
from casework.statutory.kajian import approve_kajian, draft_kajian, register_laporan
from casework.statutory.rules import DEFAULTS, set_rule
from casework.statutory.view import statutory_view
from tests.factories import (
    CAMPAIGN_NOW,
    make_actor,
    make_case,
    make_desk,
    make_organisation,
    reload,
)


@pytest.mark.parametrize(
    ("violation_kind", "terlapor_status", "body"),
    [
        ("administratif", "peserta", "kpu"),
        ("administratif", "asn", "kpu"),
        ("kode_etik", "penyelenggara", "dkpp"),
        ("pidana_pemilu", "tim_kampanye", "gakkumdu"),
        ("pidana_pemilu", "asn", "gakkumdu"),
        ("lainnya", "tim_kampanye", "komdigi"),
        ("lainnya", None, "komdigi"),
        ("lainnya", "asn", "bkn"),
        ("bukan", "peserta", None),
        (None, "asn", None),
    ],
)
def test_the_violation_kind_and_the_terlapor_status_suggest_the_addressee(
    session, violation_kind, terlapor_status, body
):
    assert (
        suggested_body(session, violation_kind=violation_kind, terlapor_status=terlapor_status)
        == body
    )


def _admin(session):
    office = make_organisation(session, kind=OrgKind.SUPERVISORY)
    return make_actor(session, role=Role.ADMIN, organisation=office)


def test_an_administrator_changes_the_suggestion_and_an_unknown_body_suggests_nothing(session):
    admin = _admin(session)
    mapping = {**DEFAULTS["forward_body_for_kind"], "administratif/asn": "bkn", "kode_etik": "x"}
    set_rule(session=session, actor=admin, key="forward_body_for_kind", value=mapping)
    session.commit()
    assert suggested_body(session, violation_kind="administratif", terlapor_status="asn") == "bkn"
    assert suggested_body(session, violation_kind="administratif", terlapor_status="peserta") == (
        "kpu"
    )
    assert suggested_body(session, violation_kind="kode_etik", terlapor_status="peserta") is None


def test_the_case_view_suggests_an_addressee_only_once_the_kajian_is_approved(session):
    desk = make_desk(session)
    case = make_case(
        session,
        actor=desk.officer,
        intake_type="laporan",
        source="public_complaint",
        reporter_name="Siti Aminah",
        reporter_contact="siti@example.org",
        terlapor_name="Andi Camat",
        terlapor_status="asn",
        incident_at=CAMPAIGN_NOW - timedelta(days=1),
        incident_place="Kabupaten Bogor",
    )
    case = register_laporan(
        session=session, actor=desk.officer, case_id=case.id, version=case.version
    )
    draft_kajian(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=reload(session, case).version,
        facts="Camat mengajak memilih calon tertentu di media sosial.",
        analysis="Melanggar netralitas ASN.",
        conclusion="memenuhi",
        violation_kind="lainnya",
    )
    view = statutory_view(session=session, actor=desk.officer, case_id=case.id)
    assert view.suggested_body is None
    approve_kajian(
        session=session, actor=desk.lead, case_id=case.id, version=reload(session, case).version
    )
    view = statutory_view(session=session, actor=desk.officer, case_id=case.id)
    assert view.suggested_body == "bkn"
