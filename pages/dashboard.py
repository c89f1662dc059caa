"""The shared trends dashboard. The DuckDB read model and charts arrive with the
dashboard issue; until then the page says so plainly."""

from __future__ import annotations

from pages import ui


def render() -> None:
    _ = ui.gettext()
    ui.empty_state(
        _("Dashboard"),
        _(
            "Trend charts shared by both parties will appear here: volume, backlog, "
            "time to decision and outcomes per platform, and a province map."
        ),
    )
