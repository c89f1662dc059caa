"""The case page's deadlines (issue 18): every clock side by side, with its owner, rule
and citation, due time in the case's zone (the viewer's beside it), time left or late,
and since when it is paused."""

from __future__ import annotations

import streamlit as st

from casework.clocks import engine
from casework.desk.case_view import CaseView
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
    """One line per clock, as text (not a canvas grid): a screen reader and the browser
    test read it."""
    _ = ui.gettext()
    if not view.clocks:
        return
    indonesian = ui.language() == "id"
    st.markdown("**" + _("Deadlines") + "**")
    for line in view.clocks:
        label = line.rule.label_id if indonesian else line.rule.label_en
        owner = _(engine.OWNER_LABELS[engine.Owner(line.rule.owner)])
        state = _(engine.STATE_LABELS[line.view.state])
        columns = st.columns([3, 2, 3, 2])
        columns[0].markdown(f"**{ui.plain(label)}**  \n{ui.plain(line.rule.citation)}")
        columns[1].markdown(f"{_('Owner')}: {owner}  \n{_('State')}: {state}")
        due = ui.format_case_time(line.view.due_at, view.time_zone, actor)
        columns[2].markdown(f"{_('Due')}: {ui.plain(due)}")
        text = _left(line.view)
        if line.row.paused_since and line.row.stopped_at is None:
            since = ui.format_case_time(line.row.paused_since, view.time_zone, actor)
            text += "  \n" + _("Paused since") + ": " + ui.plain(since)
        columns[3].markdown(f"{_('Time left')}: {text}")
