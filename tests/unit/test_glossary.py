"""The Indonesian words follow ../shared/GLOSSARY.md (docs/glossary in decisions): a term
the glossary says to avoid fails here, in the catalog's Indonesian translations and in
the Indonesian labels of the seeded lists."""

from __future__ import annotations

import re

import pytest

from casework.reference import catalogs
from casework.reference.seed_taxonomy import PHASE_TYPES, TAXONOMY

# Avoided term → the glossary's word for it.
FORBIDDEN = {
    r"\b(pengaduan|aduan|pengadu)\b": "laporan / pelapor (pengaduan is DKPP's word)",
    r"\b(di|me)?rujuk\b": "meneruskan / diteruskan (rujukan only for legal references)",
    r"\breferensi\b": "Nomor kasus",
    r"\bpenghubung\b": "narahubung",
    r"\bpengamat\b": "pemantau",
    r"\bdiputus\b": "diputuskan / diturunkan",
    r"\bdibantah\b": "keberatan",
    r"\b(kelas|golongan) akun\b": "jenis pemilik akun",
    r"\b(badan|kantor) pengawas\b": "pengawas pemilu / kantor Bawaslu",
    r"\bSLA\b": "tenggat",
    r"\badmin\b": "administrator",
    r"\bketua\b": "koordinator",
    r"\bregulator\b(?! \(Komdigi\))": "Komdigi",
    r"\btunggakan\b": "kasus belum selesai",
    r"\bgalat\b": "kesalahan",
}


def _offences(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for pattern, use in FORBIDDEN.items():
            if re.search(pattern, text, flags=re.IGNORECASE):
                found.append(f"{text!r}: use {use}")
    return found


def test_no_indonesian_translation_uses_a_term_the_glossary_forbids():
    texts = [
        m.string
        for m in catalogs.read_catalog("id")
        if m.id and isinstance(m.string, str) and m.string
    ]

    offences = _offences(texts)

    assert not offences, "\n".join(offences)


def test_no_seeded_indonesian_label_uses_a_term_the_glossary_forbids():
    labels = [row[1] for rows in TAXONOMY.values() for row in rows]
    labels += [label for _, label, _, _ in PHASE_TYPES]

    assert not _offences(labels)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Kasus dirujuk ke platform", True),
        ("Penghubung platform", True),
        ("Tenggat SLA", True),
        ("Hanya admin yang dapat mengubah", True),
        ("Eskalasi ke regulator", True),
        ("Rujukan hukum", False),
        ("Narahubung Komdigi", False),
        ("organisasi regulator (Komdigi)", False),
        ("Diputuskan oleh platform", False),
        ("Hanya administrator yang dapat mengubah", False),
    ],
)
def test_the_check_flags_avoided_terms_and_passes_the_glossarys_own(text, flagged):
    assert bool(_offences([text])) is flagged
