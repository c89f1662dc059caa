"""The message catalogs kept in step with the source: `python -m casework.reference.catalogs update`
merges new message ids into every `.po` file; `... check` lists the untranslated ids and
exits 1 if there are any."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.pofile import read_po, write_po

from casework.i18n import DOMAIN, LANGUAGES, po_path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("casework", "pages", "web")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
IGNORED_DIRS = {"tests", "bench", "__pycache__"}
IGNORED_PATHS = ("db/migrations",)


def _extract_python(fileobj, keywords, comment_tags, options):
    # Babel's tokenizer cannot see calls inside f-strings (`f"**{_('Links')}**"`) before
    # Python 3.12, so those are found in the syntax tree too; duplicates merge.
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    fstrings = [n for n in ast.walk(ast.parse(fileobj.read())) if isinstance(n, ast.JoinedStr)]
    for call in (node for fstring in fstrings for node in ast.walk(fstring)):
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) in keywords:
            args = tuple(a.value if isinstance(a, ast.Constant) else None for a in call.args)
            if args and isinstance(args[0], str):
                yield call.lineno, call.func.id, args, []


METHOD_MAP = [(f"{folder}/**.py", _extract_python) for folder in SOURCE_DIRS]
METHOD_MAP.append(("app.py", _extract_python))


def _walks_into(path: str) -> bool:
    relative = Path(path).relative_to(PROJECT_ROOT)
    if relative.parts[0] not in SOURCE_DIRS or relative.as_posix().startswith(IGNORED_PATHS):
        return False
    return not any(part in IGNORED_DIRS or part.startswith(".") for part in relative.parts)


def extract_messages() -> Catalog:
    """Every message id marked in the source (`_`, `N_`, `gettext`, `ngettext`), in
    source order, as a template catalog without translations."""
    template = Catalog(project="Pantau", domain=DOMAIN, charset="UTF-8", fuzzy=False)
    found = extract_from_dir(
        PROJECT_ROOT, METHOD_MAP, keywords=KEYWORDS, directory_filter=_walks_into
    )
    for filename, lineno, message, comments, context in found:
        location = (Path(filename).as_posix(), lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def read_catalog(language: str) -> Catalog:
    """The `.po` catalog of `language`, or an empty one when the file does not exist."""
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="Pantau", charset="UTF-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalog(language: str, catalog: Catalog) -> Path:
    """Write `catalog` as the `.po` file of `language`; returns its path."""
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.charset = "UTF-8"  # read_po lowercases it; keep the spelling gettext documents
    with path.open("wb") as handle:
        # No line numbers: an edit anywhere in a source file would otherwise rewrite the
        # catalogs, and several people change the source at once.
        write_po(handle, catalog, ignore_obsolete=True, include_lineno=False, width=90)
    return path


def _is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)


def missing_translations(language: str, template: Catalog | None = None) -> list[str]:
    """Message ids found in the source that `language` does not translate yet: absent
    from its catalog, translated as an empty string, or marked fuzzy."""
    template = template if template is not None else extract_messages()
    catalog = read_catalog(language)
    missing = []
    for message in template:
        if not message.id:  # the header
            continue
        found = catalog.get(message.id, message.context)
        if found is None or not _is_translated(found):
            missing.append(message.id[0] if isinstance(message.id, tuple) else message.id)
    return missing


def update(language: str, template: Catalog | None = None) -> Path:
    """Merge the source's message ids into the catalog of `language`: new ids are added
    untranslated (or with a fuzzy guess from a similar old one), existing translations are
    kept, ids no longer in the source are dropped. Returns the path written."""
    template = template if template is not None else extract_messages()
    catalog = read_catalog(language)
    # Keeping the creation date leaves a catalog whose ids did not change byte-identical.
    catalog.update(template, update_creation_date=False)
    if language == SOURCE_LANGUAGE:
        # Message ids are English: the English catalog is the ids themselves.
        for message in catalog:
            if message.id and (not message.string or message.fuzzy):
                message.string = message.id
                message.flags.discard("fuzzy")
    return write_catalog(language, catalog)


SOURCE_LANGUAGE = "en"


def translate(language: str, translations: dict[str, str]) -> Path:
    """Set the translations of some message ids of `language` (for scripts and reviews)."""
    catalog = read_catalog(language)
    for message_id, text in translations.items():
        message = catalog.get(message_id)
        if message is None:
            raise KeyError(message_id)
        message.string = text
        message.flags.discard("fuzzy")
    return write_catalog(language, catalog)


def main(argv: list[str]) -> int:
    template = extract_messages()
    if argv == ["update"]:
        for language in LANGUAGES:
            path = update(language, template)
            print(f"{language}: {len(template)} message ids in {path.relative_to(PROJECT_ROOT)}")
        return 0
    if argv == ["check"]:
        status = 0
        for language in LANGUAGES:
            missing = missing_translations(language, template)
            print(f"{language}: {len(missing)} of {len(template)} message ids untranslated")
            print("".join(f"  {message_id!r}\n" for message_id in missing), end="")
            status = 1 if missing else status
        return status
    print("usage: python -m casework.reference.catalogs update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
