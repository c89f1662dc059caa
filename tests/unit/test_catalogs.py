"""The message catalogs: every id in the source is translated, translations keep their
placeholders, and each session's language is independent of the others."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from babel.messages.catalog import Catalog

from casework.errors import DomainError, StaleVersion
from casework.i18n import LANGUAGES, translator
from casework.reference import catalogs

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def placeholders(text: str | tuple[str, ...]) -> set[str]:
    """Each `{name:spec}` in a message, or in any form of a plural message."""
    return {
        match
        for part in (text if isinstance(text, tuple) else (text,))
        for match in PLACEHOLDER.findall(part)
    }


@pytest.fixture(scope="module")
def template() -> Catalog:
    """The message ids extracted from the source, once for the whole module."""
    return catalogs.extract_messages()


def test_extraction_finds_error_classes_pages_and_calls_inside_f_strings(template):
    ids = {message.id for message in template}
    assert DomainError.msgid in ids
    assert StaleVersion.msgid in ids  # a class attribute built from two literals
    assert "Case queue" in ids  # N_ in pages/registry.py
    assert "Timeline" in ids  # f"**{_('Timeline')}**" in pages/case_detail.py


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_id_is_translated(language, template):
    missing = catalogs.missing_translations(language, template)
    assert not missing, f"{len(missing)} ids untranslated in {language}:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_message_id(language):
    broken = [
        f"{message.id!r} -> {message.string!r}"
        for message in catalogs.read_catalog(language)
        if message.id and message.string
        if placeholders(message.id) != placeholders(message.string)
    ]
    assert not broken, "placeholders changed:\n" + "\n".join(broken)


def test_english_translations_equal_their_message_ids():
    differing = [m.id for m in catalogs.read_catalog("en") if m.id and m.string != m.id]
    assert not differing


def test_indonesian_translates_a_known_message():
    assert translator("id")("Case queue") == "Antrean kasus"
    assert translator("en")("Case queue") == "Case queue"


@pytest.mark.parametrize("language", ["fr", "", None, "ID"])
def test_an_unknown_language_falls_back_to_indonesian(language):
    assert translator(language)("Case queue") == translator("id")("Case queue")


def test_languages_are_independent_within_one_process():
    english, indonesian = translator("en"), translator("id")
    assert (english("Sign out"), indonesian("Sign out")) == ("Sign out", "Keluar")
    # Sessions run on threads of one server process; none may see another's language.
    languages = ["id", "en"] * 50
    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(lambda code: translator(code)("Case queue"), languages))
    expected = ["Antrean kasus" if code == "id" else "Case queue" for code in languages]
    assert seen == expected


def test_update_keeps_translations_adds_new_ids_and_drops_obsolete_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogs, "po_path", lambda language: tmp_path / f"{language}.po")
    old = Catalog(locale="id", domain="pantau")
    old.add("Case queue", "Antrean kasus")
    old.add("A message no longer in the source", "Pesan lama")
    catalogs.write_catalog("id", old)
    template = Catalog(domain="pantau")
    template.add("Case queue")
    template.add("Sign out")

    catalogs.update("id", template)

    updated = catalogs.read_catalog("id")
    assert updated.get("Case queue").string == "Antrean kasus"
    assert updated.get("Sign out") is not None
    assert updated.get("A message no longer in the source") is None
    assert catalogs.missing_translations("id", template) == ["Sign out"]
