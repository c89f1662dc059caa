"""Taxonomy, election calendar and SLA deadlines: edited by leads and admins."""

from __future__ import annotations

import streamlit as st

from casework.errors import DomainError
from casework.people.permissions import is_supervisory_admin
from casework.reference.elections import phase_labels
from casework.reference.reference_edits import save_platform, save_region
from casework.reference.seed_taxonomy import TAXONOMY
from casework.reference.taxonomy import (
    TAXONOMY_KIND_LABELS,
    all_phases,
    platforms,
    provinces,
    region_rows,
    terms,
    update_phase,
    update_platform_sla,
    update_term,
)
from pages import admin_law, calls, clock_rules_panel, ui
from pages.dsa_mapping_panel import render_dsa_mappings
from pages.statutory_admin import statutory_tab


def render() -> None:
    _ = ui.gettext()
    actor = ui.current_actor()
    st.title(_("Taxonomy and calendar"))
    ui.show_flash()
    tabs = st.tabs(
        [
            _("Lists"),
            _("Legal grounds"),
            _("Elections"),
            _("Election calendar"),
            _("Phase types"),
            _("Agreed deadlines"),
            _("Platforms"),
            _("Regions"),
            _("DSA mappings"),
            _("Deadline rules"),
            _("Holidays"),
            _("Violation handling"),
        ]
    )
    with tabs[0]:
        _lists(actor)
    with tabs[1]:
        admin_law.legal_grounds_tab(actor)
    with tabs[2]:
        admin_law.elections_tab(actor)
    with tabs[3]:
        _calendar(actor)
    with tabs[4]:
        admin_law.phase_types_tab(actor)
    with tabs[5]:
        _deadlines(actor)
    with tabs[6]:
        _platforms(actor)
    with tabs[7]:
        _regions(actor)
    with tabs[8]:
        render_dsa_mappings(actor)
    with tabs[9]:
        clock_rules_panel.rules_tab(actor)
    with tabs[10]:
        clock_rules_panel.holidays_tab(actor)
    with tabs[11]:
        statutory_tab(actor)


def _report(errors: list[str]) -> None:
    _ = ui.gettext()
    if errors:
        for message in errors:
            st.error(message)
    else:
        ui.flash(_("Saved."))
        st.rerun()


def _lists(actor) -> None:
    _ = ui.gettext()
    kind = st.selectbox(
        _("List"),
        list(TAXONOMY),
        format_func=lambda k: _(TAXONOMY_KIND_LABELS[k]),
        key="taxonomy_kind",
    )
    with calls.reading() as session:
        rows = terms(session, kind, active_only=False)
    original = {
        t.code: {
            "code": t.code,
            "label_id": t.label_id,
            "label_en": t.label_en,
            "active": t.active,
            "version": t.version,
            "change_note": "",
        }
        for t in rows
    }
    edited = st.data_editor(
        list(original.values()),
        num_rows="dynamic",
        key=f"taxonomy_editor_{kind}",
        width="stretch",
        column_config={
            "code": st.column_config.TextColumn(_("Code"), required=True, max_chars=64),
            "label_id": st.column_config.TextColumn(_("Label (Bahasa Indonesia)"), required=True),
            "label_en": st.column_config.TextColumn(_("Label (English)"), required=True),
            "active": st.column_config.CheckboxColumn(_("Active"), default=True),
            "version": st.column_config.NumberColumn(_("Version"), disabled=True),
            "change_note": st.column_config.TextColumn(_("Change note"), max_chars=500),
        },
    )
    st.caption(
        _("Terms are never deleted, so old cases keep their meaning: clear 'Active' instead.")
    )
    if st.button(_("Save changes"), key=f"taxonomy_save_{kind}"):
        errors: list[str] = []
        for row in edited:
            code = (row.get("code") or "").strip()
            before = original.get(code)
            values = {
                "label_id": row.get("label_id") or "",
                "label_en": row.get("label_en") or "",
                "active": bool(row.get("active")),
            }
            if before is not None and all(before[k] == values[k] for k in values):
                continue
            try:
                with calls.reading() as session:
                    update_term(
                        session=session,
                        actor=actor,
                        kind=kind,
                        code=code,
                        label_id=values["label_id"],
                        label_en=values["label_en"],
                        active=values["active"],
                        change_note=row.get("change_note") or "",
                    )
            except DomainError as error:
                detail = "; ".join(_(m) for m in getattr(error, "field_errors", {}).values())
                errors.append(f"{ui.plain(code) or '—'}: {error.translated(_)} {detail}")
        _report(errors)


def _calendar(actor) -> None:
    _ = ui.gettext()
    with calls.reading() as session:
        phases = all_phases(session)
        labels = phase_labels(session, ui.language())
    original = {p.id: p for p in phases}
    edited = st.data_editor(
        [
            {
                "id": p.id,
                "election": p.election_code,
                "phase": labels.get(p.phase, p.phase),
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
            }
            for p in phases
        ],
        disabled=["id", "election", "phase"],
        hide_index=True,
        key="taxonomy_calendar",
        width="stretch",
        column_config={
            "id": None,
            "election": st.column_config.TextColumn(_("Election")),
            "phase": st.column_config.TextColumn(_("Phase")),
            "starts_on": st.column_config.DateColumn(
                _("Starts on"), required=True, format="DD/MM/YYYY"
            ),
            "ends_on": st.column_config.DateColumn(
                _("Ends on"), required=True, format="DD/MM/YYYY"
            ),
        },
    )
    if st.button(_("Save calendar"), key="taxonomy_calendar_save"):
        errors = []
        for row in edited:
            phase = original[row["id"]]
            if (phase.starts_on, phase.ends_on) == (row["starts_on"], row["ends_on"]):
                continue
            try:
                with calls.reading() as session:
                    update_phase(
                        session=session,
                        actor=actor,
                        phase_id=phase.id,
                        starts_on=row["starts_on"],
                        ends_on=row["ends_on"],
                    )
            except DomainError as error:
                label = labels.get(phase.phase, phase.phase)
                errors.append(f"{phase.election_code} {label}: {error.translated(_)}")
        _report(errors)


def _deadlines(actor) -> None:
    _ = ui.gettext()
    with calls.reading() as session:
        rows = platforms(session, active_only=False)
    st.caption(
        _(
            "Hours from referral to decision, per platform agreement. The clock pauses while "
            "information is requested."
        )
    )
    edited = st.data_editor(
        [
            {
                "code": p.code,
                "name": p.name,
                "urgent": p.sla_urgent_hours,
                "normal": p.sla_normal_hours,
            }
            for p in rows
        ],
        disabled=["code", "name"] if is_supervisory_admin(actor) else True,
        hide_index=True,
        key="taxonomy_sla",
        width="stretch",
        column_config={
            "code": None,
            "name": st.column_config.TextColumn(_("Platform")),
            "urgent": st.column_config.NumberColumn(
                _("Urgent (hours)"), min_value=0.25, max_value=720
            ),
            "normal": st.column_config.NumberColumn(
                _("Normal (hours)"), min_value=0.25, max_value=720
            ),
        },
    )
    if not is_supervisory_admin(actor):
        st.caption(_("Only administrators change deadlines."))
        return
    if st.button(_("Save deadlines"), key="taxonomy_sla_save"):
        errors = []
        by_code = {p.code: p for p in rows}
        for row in edited:
            platform = by_code[row["code"]]
            if (platform.sla_urgent_hours, platform.sla_normal_hours) == (
                row["urgent"],
                row["normal"],
            ):
                continue
            try:
                with calls.reading() as session:
                    update_platform_sla(
                        session=session,
                        actor=actor,
                        platform_code=platform.code,
                        urgent_hours=float(row["urgent"] or 0),
                        normal_hours=float(row["normal"] or 0),
                    )
            except DomainError as error:
                errors.append(f"{platform.name}: {error.translated(_)}")
        _report(errors)


def _platforms(actor) -> None:
    _ = ui.gettext()
    if not is_supervisory_admin(actor):
        st.caption(_("Only administrators change platforms."))
        return
    with calls.reading() as session:
        rows = platforms(session, active_only=False)
    original = {p.code: (p.name, p.active) for p in rows}
    edited = st.data_editor(
        [{"code": p.code, "name": p.name, "active": p.active} for p in rows],
        num_rows="dynamic",
        hide_index=True,
        key="taxonomy_platforms",
        width="stretch",
        column_config={
            "code": st.column_config.TextColumn(_("Code"), required=True, max_chars=32),
            "name": st.column_config.TextColumn(_("Platform"), required=True, max_chars=100),
            "active": st.column_config.CheckboxColumn(_("Active"), default=True),
        },
    )
    st.caption(
        _("Platforms are never deleted, so old cases keep their meaning: clear 'Active' instead.")
    )
    if st.button(_("Save platforms"), key="taxonomy_platforms_save"):
        errors = []
        for row in edited:
            code = (row.get("code") or "").strip()
            values = ((row.get("name") or "").strip(), bool(row.get("active")))
            if original.get(code) == values:
                continue
            try:
                with calls.reading() as session:
                    save_platform(
                        session=session, actor=actor, code=code, name=values[0], active=values[1]
                    )
            except DomainError as error:
                errors.append(f"{ui.plain(code) or '—'}: {error.translated(_)}")
        _report(errors)


def _regions(actor) -> None:
    _ = ui.gettext()
    with calls.reading() as session:
        province_rows = provinces(session)
    names = {p.code: p.name for p in province_rows}
    province = st.selectbox(
        _("Province"), list(names), format_func=names.get, key="taxonomy_region_province"
    )
    with calls.reading() as session:
        rows = region_rows(session, province)
    if not is_supervisory_admin(actor):
        st.dataframe([{_("Code"): r.code, _("Name"): r.name} for r in rows], hide_index=True)
        st.caption(_("Only administrators change regions."))
        return
    original = {r.code: r.name for r in rows}
    edited = st.data_editor(
        [{"code": r.code, "name": r.name} for r in rows],
        num_rows="dynamic",
        hide_index=True,
        key=f"taxonomy_regions_{province}",
        width="stretch",
        column_config={
            "code": st.column_config.TextColumn(_("Code"), required=True, max_chars=16),
            "name": st.column_config.TextColumn(_("Name"), required=True, max_chars=120),
        },
    )
    st.caption(
        _("Kemendagri codes cannot change once cases use them; add a regency with its new code.")
    )
    if st.button(_("Save regions"), key="taxonomy_regions_save"):
        errors = []
        for row in edited:
            code = (row.get("code") or "").strip()
            name = (row.get("name") or "").strip()
            if original.get(code) == name:
                continue
            try:
                with calls.reading() as session:
                    save_region(
                        session=session, actor=actor, code=code, name=name, province_code=province
                    )
            except DomainError as error:
                errors.append(f"{ui.plain(code) or '—'}: {error.translated(_)}")
        _report(errors)
