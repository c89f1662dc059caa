"""Domain errors. Each carries an untranslated message id and its parameters; the page
or API that catches it translates the message into the viewer's language."""

from __future__ import annotations

from typing import Any

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
