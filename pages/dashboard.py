"""The shared trends dashboard: one filter bar kept in the URL, headline numbers,
charts both parties read alike, an offline province map, click-through to the queue,
and exports. The figures come from `casework.analytics`; this page only draws them
(the filter bar in `pages.dashboard_filters`, the sections in `pages.dashboard_sections`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import streamlit as st

from casework.analytics import figures
from casework.analytics.clock_compliance import clock_compliance
from casework.analytics.options import dashboard_options
from casework.analytics.scope import dashboard_scope
from casework.analytics.verification import removal_checks
from casework.errors import DomainError
from casework.settings import get_settings
from db.types import utcnow
from pages import calls, dashboard_clocks, dashboard_filters, registry, ui
from pages import dashboard_sections as sections


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Dashboard"))
    try:
        scope = dashboard_scope(actor)
        with calls.reading() as session:
            options = dashboard_options(session=session, actor=actor, language=ui.language())
        if figures.read_model_ready():
            model = figures.shared_read_model()
        else:  # just after a start, while the figures are loaded in the background
            with st.spinner(_("Loading the figures for the first time since the server started…")):
                model = figures.shared_read_model()
        filters = dashboard_filters.filter_bar(
            options, lambda: figures.elections_with_cases(actor=actor, model=model)
        )
        # Figures are cached per data version and per `now`: to the minute, so that
        # every viewer in the same minute shares them (overdue counts move by the minute).
        now = utcnow().replace(second=0, microsecond=0)
        drill = "queue" in {spec.url_path for spec in registry.specs_for(actor.role)}
        today = now.astimezone(ZoneInfo(actor.time_zone)).date()
        sections.headline(
            figures.headline(actor=actor, filters=filters, now=now, model=model),
            filters,
            drill=drill,
            today=today,
        )
        with calls.reading() as session:
            removals = removal_checks(
                session=session, actor=actor, filters=filters, settings=get_settings()
            )
        sections.removal_checks(removals)
        tabs = st.tabs(
            [_("Volume"), _("Backlog"), _("Deadlines"), _("Outcomes"), _("Map"), _("Accounts")]
        )
        with tabs[0]:
            sections.volume(actor, filters, options, model, drill)
        with tabs[1]:
            sections.backlog(actor, filters, options, model, now)
        with tabs[2]:
            sections.deadlines(actor, filters, options, model, now)
            with calls.reading() as session:
                clocks = clock_compliance(
                    session=session,
                    actor=actor,
                    filters=filters,
                    now=now,
                    language=ui.language(),
                    model=model,
                )
            dashboard_clocks.clock_compliance(clocks, options.platforms)
        with tabs[3]:
            sections.outcomes(actor, filters, options, model)
        with tabs[4]:
            sections.province_map(actor, filters, options, model, now, drill)
        with tabs[5]:
            sections.accounts(actor, filters, options, model, scope.case_rows)
        if scope.case_rows:
            sections.case_exports(actor, filters, model)
    except DomainError as error:
        ui.show_error(error)
