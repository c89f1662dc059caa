"""The rules and the holiday calendar a new database starts with (issue 18). Data, not
code: after the first start an administrator changes them on the taxonomy page, and a
change is a new version of the rule. Citations marked `to_verify` are the law review's
[L]/[U] points (docs/decisions.md, issue 18)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from db.models import ClockRule, Holiday

SEED_DIR = Path(__file__).resolve().parents[2] / "db" / "seed_data"

# The takedown track's actions (casework.desk.workflow.Action values) and the statutory
# track's (issue 17); `action:qualifier` is the action with a detail value, e.g.
# `forward_case:gakkumdu`, `approve_kajian:pidana`. `temuan_discovered`, `laporan_known`
# and `laporan_received` are emitted at intake with the moment the intake gives.
_AGREED_EVENTS = {
    "start_on": ["refer_to_platform"],
    "restart_on": ["contest_decision"],
    "stop_on": ["record_decision"],
    "cancel_on": [
        "escalate_to_regulator",
        "request_komdigi",
        "close_case",
        "reject_case",
        "merge_case",
    ],
    "pause_on": ["request_information"],
    "resume_on": ["provide_information"],
}

RULES: list[dict] = [
    dict(
        code="agreed_platform",
        kind="agreed",
        owner="platform",
        unit="hours",
        amount=24,
        urgent_amount=4,
        events=_AGREED_EVENTS,
        citation="Kesepakatan kerja sama Bawaslu dan platform (tenggat per platform)",
        label_id="Tenggat kesepakatan",
        label_en="Agreed deadline",
    ),
    dict(
        code="regulatory_order",
        kind="regulatory",
        owner="platform",
        unit="hours",
        amount=24,
        urgent_amount=4,
        events={
            "start_on": ["record_regulator_order"],
            "stop_on": ["record_decision"],
            "cancel_on": ["close_case"],
        },
        citation="PP 71/2019 jo. Permenkominfo 5/2020 Pasal 14-15 (1x24 jam; 4 jam bila "
        "mendesak, Pasal 14 ayat (3))",
        label_id="Tenggat perintah pemutusan akses Komdigi",
        label_en="Komdigi's access-blocking order",
        to_verify=True,
    ),
    dict(
        code="temuan",
        kind="statutory",
        owner="supervisory",
        unit="calendar_days",
        amount=7,
        regime="pemilu",
        events={"start_on": ["temuan_discovered"], "stop_on": ["temuan_set"]},
        citation="UU 7/2017 Pasal 454 ayat (5)",
        label_id="Penetapan temuan (7 hari sejak ditemukan)",
        label_en="Finding set (7 days from discovery)",
    ),
    dict(
        code="laporan",
        kind="statutory",
        owner="supervisory",
        unit="calendar_days",
        amount=7,
        regime="pemilu",
        events={"start_on": ["laporan_known"], "stop_on": ["laporan_received"]},
        citation="UU 7/2017 Pasal 454 ayat (6); Perbawaslu 7/2022 Pasal 8 ayat (3)",
        label_id="Penyampaian laporan (7 hari sejak diketahui)",
        label_en="Report filed (7 days from knowing)",
    ),
    dict(
        code="kajian_awal",
        kind="statutory",
        owner="supervisory",
        unit="calendar_days",
        amount=2,
        events={
            "start_on": ["laporan_received"],
            "stop_on": ["register_laporan", "decline_registration"],
        },
        citation="Perbawaslu 7/2022 Pasal 15",
        label_id="Kajian awal (2 hari)",
        label_en="Preliminary review (2 days)",
        to_verify=True,
    ),
    dict(
        code="decision",
        kind="statutory",
        owner="supervisory",
        unit="calendar_days",
        amount=7,
        extended_amount=14,
        extended_unit="working_days",
        regime="pemilu",
        events={
            "start_on": ["register_laporan", "temuan_set"],
            "stop_on": ["approve_kajian"],
            "cancel_on": ["decline_registration"],
            "extend_on": ["decision_extended"],
        },
        citation="UU 7/2017 Pasal 454 ayat (7) dan (8)",
        label_id="Putusan (7 hari, dapat diperpanjang hingga 14 hari kerja)",
        label_en="Decision (7 days, up to 14 working days with more information)",
    ),
    dict(
        code="gakkumdu_forwarding",
        kind="statutory",
        owner="gakkumdu",
        unit="hours",
        amount=24,
        events={"start_on": ["approve_kajian:pidana"], "stop_on": ["forward_case:gakkumdu"]},
        citation="UU 7/2017 Pasal 476 ayat (1)",
        label_id="Penerusan ke penyidik Sentra Gakkumdu (1x24 jam)",
        label_en="Forwarding to Sentra Gakkumdu's investigators (1x24 hours)",
    ),
    # Pilkada: UU 1/2015 jo. UU 10/2016.
    dict(
        code="temuan_pilkada",
        kind="statutory",
        owner="supervisory",
        unit="calendar_days",
        amount=7,
        regime="pilkada",
        events={"start_on": ["temuan_discovered"], "stop_on": ["temuan_set"]},
        citation="UU 1/2015 jo. UU 10/2016 Pasal 134 ayat (4)",
        label_id="Penetapan temuan Pilkada (7 hari)",
        label_en="Finding set, regional election (7 days)",
        to_verify=True,
    ),
    dict(
        code="laporan_pilkada",
        kind="statutory",
        owner="supervisory",
        unit="calendar_days",
        amount=7,
        regime="pilkada",
        events={"start_on": ["laporan_known"], "stop_on": ["laporan_received"]},
        citation="UU 1/2015 jo. UU 10/2016 Pasal 134 ayat (4)",
        label_id="Penyampaian laporan Pilkada (7 hari)",
        label_en="Report filed, regional election (7 days)",
        to_verify=True,
    ),
    dict(
        code="decision_pilkada",
        kind="statutory",
        owner="supervisory",
        unit="calendar_days",
        amount=3,
        extended_amount=5,
        extended_unit="calendar_days",
        regime="pilkada",
        events={
            "start_on": ["register_laporan", "temuan_set"],
            "stop_on": ["approve_kajian"],
            "cancel_on": ["decline_registration"],
            "extend_on": ["decision_extended"],
        },
        citation="UU 1/2015 jo. UU 10/2016 Pasal 134 ayat (5) dan (6)",
        label_id="Putusan Pilkada (3 hari, dapat diperpanjang hingga 5 hari)",
        label_en="Decision, regional election (3 days, up to 5 with more information)",
        to_verify=True,
    ),
    dict(
        code="gakkumdu_forwarding_pilkada",
        kind="statutory",
        owner="gakkumdu",
        unit="hours",
        amount=24,
        regime="pilkada",
        events={"start_on": ["approve_kajian:pidana"], "stop_on": ["forward_case:gakkumdu"]},
        citation="UU 1/2015 jo. UU 10/2016 Pasal 146 dan 152",
        label_id="Penerusan Pilkada ke Sentra Gakkumdu (1x24 jam)",
        label_en="Forwarding to Sentra Gakkumdu, regional election (1x24 hours)",
        to_verify=True,
    ),
]


def seed_clock_rules(session: Session) -> None:
    """Insert the rules and holidays that are missing; edited rows are left alone."""
    known = set(session.exec(select(ClockRule.code)))
    for row in RULES:
        if row["code"] not in known:
            session.add(ClockRule(version=1, **row))
    if session.exec(select(Holiday.day).limit(1)).first() is None:
        with (SEED_DIR / "holidays.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                session.add(
                    Holiday(
                        day=date.fromisoformat(row["day"]),
                        kind=row["kind"],
                        label_id=row["label_id"],
                        label_en=row["label_en"],
                        to_verify=row["to_verify"] == "1",
                    )
                )
    session.flush()
