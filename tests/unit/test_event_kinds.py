"""Every kind of audit event has a label in both languages, and details read as words."""

from __future__ import annotations

import re
from pathlib import Path

from casework.desk.event_kinds import DETAIL_LABELS, EVENT_LABELS, HIDDEN_DETAILS, describe
from casework.desk.workflow import Action
from casework.i18n import translator

ROOT = Path(__file__).resolve().parents[2]
# `action="kind"` (also `action="a" if x else "b"`), `"action": "kind"`, and the bulk
# writers' `_event(case, …, "kind", …)`.
_RECORDED = (
    re.compile(r'action=\s*"([a-z_]+)"(?:\s+if [^\n]+? else\s+"([a-z_]+)")?'),
    re.compile(r'"action":\s*"([a-z_]+)"'),
    re.compile(r'_event\(\s*(?:[^()"]{0,60},\s*){1,3}"([a-z_]+)"', re.S),
)


def recorded_kinds() -> set[str]:
    kinds: set[str] = set()
    for path in (ROOT / "casework").rglob("*.py"):
        # argparse's `action="store_true"` is not an event kind.
        text = re.sub(r"add_argument\((?:[^()]|\([^()]*\))*\)", "", path.read_text())
        for pattern in _RECORDED:
            for match in pattern.finditer(text):
                kinds.update(group for group in match.groups() if group)
    return kinds


def test_every_event_kind_a_service_records_has_a_label():
    kinds = recorded_kinds()
    # The scan sees the kinds written in each of its three ways.
    assert {"signed_in", "organisation_changed", "case_filed", "reports_imported"} <= kinds
    unlabelled = kinds - set(EVENT_LABELS) - {str(a) for a in Action}
    assert unlabelled == set()


def test_event_details_read_as_indonesian_words_not_codes():
    text = describe(
        {"priority": "urgent", "method": "password", "locked": True, "user_id": 7},
        gettext=translator("id"),
        language="id",
    )
    assert text == "Prioritas: Mendesak; Cara masuk: kata sandi; Akun terkunci: Ya"


def test_every_detail_label_and_event_label_is_translated_into_indonesian():
    _ = translator("id")
    for label in [*EVENT_LABELS.values(), *DETAIL_LABELS.values()]:
        assert _(label) != label or label in {"Platform", "Webhook registered"}, label
    assert not HIDDEN_DETAILS & set(DETAIL_LABELS)


def test_the_details_of_statutory_and_clock_events_read_as_indonesian_words():
    text = describe(
        {
            "from_stage": "kajian_approved",
            "to_stage": "forwarded",
            "body": "gakkumdu",
            "forwarding_id": 4,
            "clocks": [
                {
                    "rule": "gakkumdu_forwarding",
                    "version": 1,
                    "change": "stopped",
                    "due_at": "2024-02-01T00:00:00+00:00",
                }
            ],
        },
        gettext=translator("id"),
        language="id",
        labels={("rule", "gakkumdu_forwarding"): "Penerusan ke Gakkumdu"},
        time_zone="Asia/Jayapura",
    )
    assert "rule" not in text and "due_at" not in text and "forwarding" not in text
    assert text.startswith("Tahap sebelumnya: Kajian disetujui; Tahap sesudahnya: Diteruskan")
    assert "Diteruskan kepada: Sentra Gakkumdu" in text
    assert "Aturan tenggat: Penerusan ke Gakkumdu" in text
    assert "Perubahan tenggat: Tenggat berhenti karena tindakan penanggung jawab" in text
    assert "Jatuh tempo: 1 Feb 2024 09.00 WIT" in text  # in the case's zone
