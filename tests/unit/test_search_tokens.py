"""How text becomes search tokens: the same for documents and queries, on any database."""

from __future__ import annotations

import pytest

from casework.desk.search import document_for, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoaks Surat Suara", ["hoaks", "surat", "suara"]),
        ("Kampanye   di   masa tenang!", ["kampanye", "di", "masa", "tenang"]),
        ("Pemilu pemilu PEMILU", ["pemilu"]),
        ("Café àkun", ["cafe", "akun"]),
        ("@akun.contoh", ["akun", "contoh"]),
        ("PAN-2024-000123", ["pan2024000123"]),
        ("see pan-2024-000123 now", ["see", "pan2024000123", "now"]),
        ("https://www.tiktok.com/@a/video/73", ["tiktok", "video", "73"]),  # one letter: nothing
        ("Pasal 28 ayat (2)", ["pasal", "28", "ayat"]),
        ("snake_case_words", ["snake", "case", "words"]),
        ("", []),
        (None, []),
        ("%_*\"'", []),
    ],
)
def test_text_splits_into_lowercase_tokens_without_accents_noise_or_repeats(text, expected):
    assert tokens(text) == expected


def test_a_document_holds_the_reference_its_serial_and_every_field():
    document = document_for(
        reference="PAN-2024-000123",
        title="Video hoaks",
        description="Klaim palsu",
        account_handle="@akun.contoh",
        urls=["https://www.tiktok.com/@akun.contoh/video/7312345678901234567"],
    ).split()
    assert document[:2] == ["pan2024000123", "000123"]
    for token in ("video", "hoaks", "klaim", "palsu", "akun", "contoh", "7312345678901234567"):
        assert token in document
    assert len(document) == len(set(document))


def test_a_query_with_quotes_or_search_syntax_yields_only_plain_tokens():
    # The tokens are put into FTS5 and tsquery expressions; nothing else may get there.
    assert tokens('"hoaks" OR NEAR(ab cd) & !xy:*') == ["hoaks", "or", "near", "ab", "cd", "xy"]
    assert all(t.isalnum() for t in tokens("a'b\"c;d--e/*f*/"))
