"""Forms of the admin pages: one service call per submit. A refused submission keeps
what was typed and shows each field's message under its widget."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from casework.i18n import Translatable
from pages import calls, ui


def _key(page: str) -> str:
    return f"{page}_errors"


def errors(page: str, form: str) -> dict[str, str]:
    """The field messages (message ids) of `form`'s last refused submission."""
    return st.session_state.get(_key(page), {}).get(form, {}).get("fields", {})


def field_error(page: str, form: str, field: str) -> None:
    """The translated message for `field` of `form`, under its widget. Unlike
    ui.field_error it fills in the error's parameters ("at least {count} characters")."""
    refused = st.session_state.get(_key(page), {}).get(form, {})
    message = refused.get("fields", {}).get(field)
    if not message:
        return
    _ = ui.gettext()
    params = {
        name: _(value) if isinstance(value, Translatable) else value
        for name, value in refused.get("params", {}).items()
    }
    try:
        text = _(message).format(**params)
    except (KeyError, IndexError, ValueError):
        text = _(message)
    st.caption(f":red[{ui.plain(text)}]")


def attempt(
    page: str, form: str, call: Callable, success: str, *, clear: str | None = None
) -> None:
    """Run `call(session)` in one unit of work through the seam (pages/calls.py)."""
    calls.attempt(page, form, call, success, clear=clear)
