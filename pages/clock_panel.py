"""The case page's deadlines (issue 18): every clock side by side, with its owner, rule
and citation, due time in the case's zone (the viewer's beside it), time left or late,
and since when it is paused."""

from __future__ import annotations

import streamlit as st

from casework.case_view import CaseView
from casework.clocks import engine
from pages import ui


def _left(view: engine.View) -> str:
    _ = ui.gettext()
    hours = view.remaining.total_seconds() / 3600
    if view.state in (engine.State.MET, engine.State.LATE, engine.State.CANCELLED):
        return "—"
    if hours >= 0:
        return _("{hours} h left").format(hours=ui.hours(hours))
    return _("{hours} h late").format(hours=ui.hours(-hours))


def render_clocks(view: CaseView, actor) -> None:
    _ = ui.gettext()
    if not view.clocks:
        return
    indonesian = ui.language() == "id"
    rows = []
    for line in view.clocks:
        rows.append(
            {
                _("Deadline"): line.rule.label_id if indonesian else line.rule.label_en,
                _("Owner"): _(engine.OWNER_LABELS[engine.Owner(line.rule.owner)]),
                _("Legal basis"): line.rule.citation,
                _("Due"): ui.format_case_time(line.view.due_at, view.time_zone, actor),
                _("State"): _(engine.STATE_LABELS[line.view.state]),
                _("Time left"): _left(line.view),
                _("Paused since"): ui.format_case_time(line.row.paused_since, view.time_zone, actor)
                if line.row.paused_since and line.row.stopped_at is None
                else "",
            }
        )
    st.markdown("**" + _("Deadlines") + "**")
    st.dataframe(rows, hide_index=True, width="stretch")
