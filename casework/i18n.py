"""Translations and locale-aware formatting, per session.

Catalogs are the `.po` files under `casework/locale`; they are compiled in memory on
first use, so there is no build step and no binary file in the repository. Never call
`gettext.install()`: sessions share one process and each has its own language."""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_format_decimal

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "pantau"
LANGUAGES = ("id", "en")
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
# Set by the sign-in page's language links; read by the app when a browser session starts.
LANGUAGE_COOKIE = "pantau_language"

# The zones an Indonesian viewer lives in, with the abbreviations people use.
TIME_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

Translator = Callable[[str], str]

# Indonesian writes hours and minutes with a period (PUEBI; Babel's `id` locale agrees).
DATETIME_PATTERNS = {"id": "d MMM y HH.mm", "en": "d MMM y HH:mm"}


def N_(message: str) -> str:
    """Marks a message for extraction without translating it (translated on display)."""
    return message


class Translatable(str):
    """A message id passed as a parameter of another message (a status label inside an
    error, say): translated along with the message it fills."""


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def _translations(language: str) -> _gettext.NullTranslations:
    path = po_path(language)
    if not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def normalise_language(language: str | None) -> str:
    return language if language in LANGUAGES else LANGUAGES[0]


def translator(language: str | None) -> Translator:
    """The `gettext` function of one language."""
    return _translations(normalise_language(language)).gettext


def ngettext_for(language: str | None) -> Callable[[str, str, int], str]:
    return _translations(normalise_language(language)).ngettext


def zone_abbreviation(time_zone: str) -> str:
    return TIME_ZONES.get(time_zone, time_zone)


def format_datetime(value: datetime | None, *, language: str, time_zone: str) -> str:
    """`value` (aware, any zone) shown in the viewer's zone, e.g. `14 Feb 2024 09.30 WIB`."""
    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo(time_zone))
    text = _babel_format_datetime(
        local, DATETIME_PATTERNS[normalise_language(language)], locale=Locale.parse(language)
    )
    return f"{text} {zone_abbreviation(time_zone)}"


def format_in_zones(
    value: datetime | None, *, language: str, own_zone: str, viewer_zone: str
) -> str:
    """A case's time in the case's own zone, with the viewer's beside it when it differs:
    `10 Feb 2024 23.30 WITA (10 Feb 2024 22.30 WIB)`."""
    own = format_datetime(value, language=language, time_zone=own_zone)
    if value is None or own_zone == viewer_zone:
        return own
    return f"{own} ({format_datetime(value, language=language, time_zone=viewer_zone)})"


def format_date(value: date | None, *, language: str) -> str:
    if value is None:
        return "—"
    return _babel_format_date(value, "medium", locale=Locale.parse(language))


def format_number(value: float | int, *, language: str, decimals: int | None = None) -> str:
    """`value` with the language's separators (`1.234,5` in Indonesian)."""
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return _babel_format_decimal(value, format=pattern, locale=Locale.parse(language))
