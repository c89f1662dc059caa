"""What every page shares: the signed-in actor, the session's language, safe text,
and turning domain errors into translated messages."""

from __future__ import annotations

import re
from datetime import datetime

import streamlit as st

from casework import i18n
from casework.actors import Actor, actor_for
from casework.errors import DomainError, PermissionDenied, ValidationError
from db.config import get_settings
from db.engine import session_scope

USER_KEY = "pantau_user_id"
LANGUAGE_KEY = "pantau_language"
FLASH_KEY = "pantau_flash"
PENDING_LANGUAGE_KEY = "pantau_pending_language"


def language() -> str:
    # A language chosen elsewhere (sign-in, preferences) is applied here, at the top of
    # the next run, before the sidebar's language widget exists.
    if PENDING_LANGUAGE_KEY in st.session_state:
        st.session_state[LANGUAGE_KEY] = st.session_state.pop(PENDING_LANGUAGE_KEY)
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = get_settings().default_language
    return i18n.normalise_language(st.session_state[LANGUAGE_KEY])


def gettext() -> i18n.Translator:
    """The translation function of this session's language."""
    return i18n.translator(language())


def current_actor() -> Actor | None:
    """The signed-in actor, re-read from the database on every run so that a
    deactivated account or a changed role takes effect at once."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    try:
        with session_scope() as session:
            return actor_for(session, user_id)
    except PermissionDenied:
        st.session_state.pop(USER_KEY, None)
        return None


LANGUAGE_CHOSEN_KEY = "pantau_language_chosen"


def sign_in_as(actor: Actor) -> None:
    """Remember who signed in. Their saved language applies unless the visitor picked
    one on the sign-in page: what they just chose is what they expect to keep."""
    st.session_state[USER_KEY] = actor.user_id
    if not st.session_state.get(LANGUAGE_CHOSEN_KEY):
        use_language(actor.language)


def mark_language_chosen() -> None:
    st.session_state[LANGUAGE_CHOSEN_KEY] = True


def use_language(code: str) -> None:
    """Switch the session's language from the next run on."""
    st.session_state[PENDING_LANGUAGE_KEY] = code


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        if key != LANGUAGE_KEY:
            del st.session_state[key]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def plain(text: str | None) -> str:
    """User text made safe for a markdown label: every markdown character escaped, so
    it can never become a link, an image or formatting."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text or "")


def format_time(value: datetime | None, actor: Actor | None) -> str:
    zone = actor.time_zone if actor else get_settings().default_time_zone
    return i18n.format_datetime(value, language=language(), time_zone=zone)


def hours(value: float, *, decimals: int = 1) -> str:
    """A number of hours with the session language's separators."""
    return i18n.format_number(round(value, decimals), language=language(), decimals=decimals)


def number(value: int | float) -> str:
    return i18n.format_number(value, language=language())


def show_error(error: DomainError) -> None:
    _ = gettext()
    st.error(error.translated(_), icon=":material/error:")


def field_error(errors: dict[str, str] | None, field: str) -> None:
    """Show the translated message for `field` right under its widget."""
    if errors and field in errors:
        st.caption(f":red[{plain(gettext()(errors[field]))}]")


def validation_errors(error: DomainError) -> dict[str, str]:
    return error.field_errors if isinstance(error, ValidationError) else {}


def flash(message: str, kind: str = "success") -> None:
    """A message shown once on the next run (after st.rerun or switch_page)."""
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if message:
        getattr(st, kind)(message)


def empty_state(title: str, body: str) -> None:
    """An honest placeholder for a page a later release fills."""
    st.title(title)
    st.info(body, icon=":material/construction:")
