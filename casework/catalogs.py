"""The message catalogs kept in step with the source.

    python -m casework.catalogs update   # merge new message ids into every `.po` file
    python -m casework.catalogs check    # list untranslated ids; exit 1 if there are any
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.pofile import read_po, write_po

from casework.i18n import DOMAIN, LANGUAGES, po_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("casework", "pages", "web")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
IGNORED_DIRS = {"tests", "bench", "__pycache__"}
IGNORED_PATHS = ("db/migrations",)


def _extract_python(fileobj, keywords, comment_tags, options):
    """Babel's Python extractor, plus the calls inside f-strings (`f"**{_('Links')}**"`),
    which its tokenizer cannot see before Python 3.12. Duplicates merge in the catalog."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read())
    for fstring in (node for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)):
        for call in ast.walk(fstring):
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) in keywords:
                args = tuple(
                    a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                    for a in call.args
                )
                if args and args[0]:
                    yield call.lineno, call.func.id, args, []


METHOD_MAP = [(f"{folder}/**.py", _extract_python) for folder in SOURCE_DIRS]
METHOD_MAP.append(("app.py", _extract_python))


def _walks_into(path: str) -> bool:
    relative = Path(path).relative_to(PROJECT_ROOT)
    parts = relative.parts
    if parts[0] not in SOURCE_DIRS or relative.as_posix().startswith(IGNORED_PATHS):
        return False
    return not any(part in IGNORED_DIRS or part.startswith(".") for part in parts)


def extract_messages() -> Catalog:
    """Every message id marked in the source (`_`, `N_`, `gettext`, `ngettext`), in
    source order, as a template catalog without translations."""
    template = Catalog(project="Pantau", domain=DOMAIN, charset="UTF-8", fuzzy=False)
    found = extract_from_dir(
        PROJECT_ROOT,
        method_map=METHOD_MAP,
        keywords=KEYWORDS,
        directory_filter=_walks_into,
    )
    for filename, lineno, message, comments, context in found:
        location = (Path(filename).as_posix(), lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def _is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return not message.fuzzy and all(strings)


def _singular(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple | list) else message_id


def read_catalog(language: str) -> Catalog:
    """The `.po` catalog of `language`, or an empty one when the file does not exist."""
    path = po_path(language)
    if not path.exists():
        return Catalog(
            locale=language,
            domain=DOMAIN,
            header_comment=f"# {language} translations for Pantau.\n#",
            project="Pantau",
            charset="UTF-8",
            fuzzy=False,
        )
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalog(language: str, catalog: Catalog) -> Path:
    """Write `catalog` as the `.po` file of `language`; returns its path."""
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        # Locations without line numbers: every edit elsewhere in a file would otherwise
        # rewrite the catalogs, and several people change the source at once.
        write_po(handle, catalog, ignore_obsolete=True, include_lineno=False, width=90)
    return path


def missing_translations(language: str, template: Catalog | None = None) -> list[str]:
    """Message ids found in the source that `language` does not translate yet: absent
    from its catalog, translated as an empty string, or marked fuzzy."""
    template = template if template is not None else extract_messages()
    catalog = read_catalog(language)
    missing = []
    for message in template:
        if not message.id:  # the header
            continue
        translation = catalog.get(message.id, message.context)
        if translation is None or not _is_translated(translation):
            missing.append(_singular(message.id))
    return missing


def update(language: str, template: Catalog | None = None) -> Path:
    """Merge the source's message ids into the catalog of `language`: new ids are added
    untranslated (or with a fuzzy guess from a similar old one), existing translations are
    kept, ids no longer in the source are dropped. Returns the path written."""
    template = template if template is not None else extract_messages()
    catalog = read_catalog(language)
    # A catalog whose ids did not change stays byte for byte the same.
    catalog.update(template, update_creation_date=False)
    return write_catalog(language, catalog)


def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:]) or ["check"]
    template = extract_messages()
    if command == ["update"]:
        for language in LANGUAGES:
            path = update(language, template)
            print(f"{language}: {len(template)} message ids -> {path.relative_to(PROJECT_ROOT)}")
        return 0
    if command == ["check"]:
        status = 0
        for language in LANGUAGES:
            missing = missing_translations(language, template)
            print(f"{language}: {len(missing)} of {len(template)} message ids untranslated")
            for message_id in missing:
                print(f"  {message_id!r}")
            status = 1 if missing else status
        return status
    print("usage: python -m casework.catalogs [update|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
