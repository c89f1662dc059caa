"""Domain errors. Each carries an untranslated message id and its parameters; the page
or API that catches it translates the message into the viewer's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from casework.i18n import N_, Translatable


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    msgid: str = N_("The action could not be completed.")

    def __init__(self, msgid: str | None = None, **params: Any) -> None:
        self.msgid = msgid or type(self).msgid
        self.params = params
        super().__init__(self.msgid.format(**params) if params else self.msgid)

    def translated(self, gettext) -> str:
        """The message in the language of `gettext`, its translatable parameters too."""
        text = gettext(self.msgid)
        if not self.params:
            return text
        params = {
            key: gettext(value) if isinstance(value, Translatable) else value
            for key, value in self.params.items()
        }
        return text.format(**params)


class PermissionDenied(DomainError):
    msgid = N_("You are not allowed to do this.")


class CaseNotFound(DomainError):
    """Raised alike for a missing case and a case outside the actor's scope, so that
    nobody can learn whether a case they may not see exists."""

    msgid = N_("No case with that reference is available to you.")


class InvalidTransition(DomainError):
    msgid = N_("This action is not possible while the case is {status}.")


class StaleVersion(DomainError):
    msgid = N_(
        "Someone else changed this case while you were working on it. "
        "The page now shows the current state; please check it and try again."
    )


class ValidationError(DomainError):
    """Bad input; `field_errors` maps each field to a message id."""

    msgid = N_("Please correct the highlighted fields.")

    def __init__(self, field_errors: dict[str, str], msgid: str | None = None, **params: Any):
        self.field_errors = field_errors
        super().__init__(msgid, **params)


# --- the database failing under the app (not a domain error: nothing the user did) -------

DATABASE_READ_ONLY = N_(
    "The database is read-only right now, so nothing was saved. Please tell the "
    "administrator; your change can be made again once it is writable."
)
DATABASE_FULL = N_(
    "The database has no space left, so nothing was saved. Please tell the "
    "administrator; your change can be made again once space is freed."
)
DATABASE_BUSY = N_(
    "The database is too busy to save this right now, so nothing was saved. "
    "Please try again in a moment."
)
DATABASE_UNREACHABLE = N_(
    "The database cannot be reached right now, so nothing was saved and nothing can be "
    "shown. Pantau reconnects by itself: try again in a minute."
)

# What the database driver raises when the database fails (pages catch this, not SQL types).
DatabaseFailure = DBAPIError

_DATABASE_FAILURES = (
    # SQLite's messages, then PostgreSQL's (SQLSTATE classes 53 and 25006 read the same).
    (("readonly database", "read-only transaction", "read only"), DATABASE_READ_ONLY),
    (("database or disk is full", "no space left", "disk full"), DATABASE_FULL),
    (
        ("database is locked", "deadlock detected", "lock timeout", "could not serialize"),
        DATABASE_BUSY,
    ),
)


def database_failure(error: BaseException) -> str | None:
    """The message id for a database that failed under the app — read-only, full, too
    busy or unreachable — or None when `error` is not such a failure. Every service writes in one
    transaction, so after any of these nothing of the attempted change is in the database."""
    if not isinstance(error, DBAPIError):
        return None
    text = str(getattr(error, "orig", error)).lower()
    for needles, message in _DATABASE_FAILURES:
        if any(needle in text for needle in needles):
            return message
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return DATABASE_UNREACHABLE
    return None
