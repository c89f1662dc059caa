"""The dashboard's clock compliance (issue 18): per deadline rule and per owner, the
clocks met in time, late, running and paused; per platform the median and p90 hours of
the agreed and of the regulatory deadline. The figures come from
`casework.analytics.clock_compliance`; this module only draws them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from casework.analytics.clock_compliance import ClockCompliance
from casework.clocks import engine
from pages import ui


def _count(value) -> str:
    # None: a count of 1 to k-1 an aggregate-only reader does not see.
    return "—" if value is None else ui.number(value)


def _hours(value) -> str:
    return "—" if value is None else ui.hours(value)


def _owner(code: str) -> str:
    _ = ui.gettext()
    label = engine.OWNER_LABELS.get(code)
    return _(label) if label else code


def _kind(code: str) -> str:
    _ = ui.gettext()
    label = engine.KIND_LABELS.get(code)
    return _(label) if label else code


def _counts(row, _) -> dict:
    return {
        _("Met in time"): _count(row.on_time),
        _("Late"): _count(row.late),
        _("Running"): _count(row.running),
        _("Paused"): _count(row.paused),
    }


def clock_compliance(figures: ClockCompliance, platforms: dict[str, str]) -> None:
    """The three tables, under one heading."""
    _ = ui.gettext()
    st.subheader(_("Deadlines met, per rule and per owner"))
    if not figures.by_rule:
        st.info(_("No deadline has started on these cases."))
        return
    st.caption(
        _(
            "Late: the deadline passed before its owner acted (or it still waits). Running "
            "and paused: not yet due."
        )
    )
    by_rule = pd.DataFrame(
        [
            {
                _("Deadline"): figures.rule_labels.get(r.rule_code, r.rule_code),
                _("Owner"): _owner(r.owner),
                **_counts(r, _),
            }
            for r in figures.by_rule
        ]
    )
    st.dataframe(by_rule, hide_index=True)
    by_owner = pd.DataFrame(
        [{_("Owner"): _owner(r.owner), **_counts(r, _)} for r in figures.by_owner]
    )
    st.dataframe(by_owner, hide_index=True)
    st.subheader(_("Hours to the platform's decision, agreed and regulatory deadline"))
    if not figures.durations:
        st.info(_("No platform has met an agreed or regulatory deadline on these cases yet."))
        return
    durations = pd.DataFrame(
        [
            {
                _("Platform"): platforms.get(d.platform, d.platform),
                _("Deadline"): _kind(d.kind),
                _("Deadlines met"): _count(d.measured),
                _("Median hours"): _hours(d.median_hours),
                _("90th percentile hours"): _hours(d.p90_hours),
            }
            for d in figures.durations
        ]
    )
    st.dataframe(durations, hide_index=True)
