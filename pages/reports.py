"""Transparency reports: filled by the accountability issue."""

from __future__ import annotations

from pages import ui


def render() -> None:
    _ = ui.gettext()
    ui.empty_state(
        _("Transparency reports"),
        _(
            "The joint transparency report for a period and election, with its public "
            "version, will be produced here."
        ),
    )
