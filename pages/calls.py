"""The one seam between the pages and the services.

Pages never open a database session themselves: they read through `reading()` and
write through `in_unit()` / `attempt` / `act_on_case`, which open a session on the
process engine and run the call inside a unit of work (casework/uow.py): it commits
when the call returns and rolls back when it raises. Refusals are answered here, once:
a stale version reloads the case with a warning, any other `DomainError` shows its
message and each field's.

Actions on a case run in the widget's `on_click`/`on_submit` callback, before
Streamlit draws the page, so one click is one script run: the run that follows the
callback already reads the new state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from casework.errors import DomainError, StaleVersion
from casework.uow import unit_of_work
from db.engine import session_scope
from pages import ui

# Where a refused case action leaves its field messages for the run that follows.
CASE_ERRORS = "case_action_errors"


@contextmanager
def reading() -> Iterator:
    """A session for the page's reads, closed at the end. A writing service called on
    it runs in a unit of work of its own; use `in_unit` to make several one."""
    with session_scope() as session:
        yield session


@contextmanager
def in_unit() -> Iterator:
    """A session inside one unit of work: everything in the block commits together
    when it ends, or nothing does."""
    with session_scope() as session, unit_of_work(session):
        yield session


def _errors_key(page: str) -> str:
    return f"{page}_errors"


def attempt(
    page: str, form: str, call: Callable, success: str, *, clear: str | None = None
) -> None:
    """Run `call(session)` in one unit of work. On success flash `success` (markdown:
    user text in it must go through ui.plain), forget the widgets whose keys start with
    `clear`, and start a clean run. On a refusal flash the translated error and keep
    the field messages (pages/forms.py shows them under their widgets)."""
    _ = ui.gettext()
    try:
        with in_unit() as session:
            call(session)
    except DomainError as error:
        st.session_state[_errors_key(page)] = {
            form: {"fields": ui.validation_errors(error), "params": dict(error.params)}
        }
        ui.flash(error.translated(_), "error")
        st.rerun()
    st.session_state.pop(_errors_key(page), None)
    if clear:
        for key in [k for k in st.session_state.keys() if str(k).startswith(clear)]:
            del st.session_state[key]
    ui.flash(success)
    st.rerun()


def act_on_case(case_id: int, work: Callable[..., None], *, done: str) -> None:
    """Run `work` (service calls on one case) in one unit of work, from a widget's
    callback. A stale version forgets the state the page was drawn from and warns;
    any other refusal keeps its message and each field's for the page to show
    (`show_case_errors`); success flashes `done`. No rerun is needed: the script run
    that follows the callback draws the result."""
    _ = ui.gettext()
    st.session_state.pop(CASE_ERRORS, None)
    try:
        with in_unit() as session:
            work(session)
    except StaleVersion as error:
        st.session_state.pop(f"case_seen_{case_id}", None)
        ui.flash(error.translated(_), "warning")
        return
    except DomainError as error:
        st.session_state[CASE_ERRORS] = {
            "message": error.translated(_),
            "fields": [_(m) for m in ui.validation_errors(error).values()],
        }
        return
    st.session_state.pop(f"case_seen_{case_id}", None)
    ui.flash(done)


def show_case_errors() -> None:
    """The refusal of the last case action, once, where the action was taken."""
    refused = st.session_state.pop(CASE_ERRORS, None)
    if not refused:
        return
    st.error(ui.plain(refused["message"]), icon=":material/error:")
    for message in refused["fields"]:
        st.caption(f":red[{ui.plain(message)}]")
