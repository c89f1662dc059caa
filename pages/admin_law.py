"""Elections, phase types and legal grounds, as tabs of the taxonomy page: data a lead
or administrator adds and edits, never code."""

from __future__ import annotations

import streamlit as st

from casework.errors import DomainError
from casework.i18n import format_date
from casework.reference.elections import (
    KIND_LABELS,
    LEGAL_REGIMES,
    REGIME_LABELS,
    PhaseIn,
    add_election,
    phase_types,
    save_phase_type,
)
from casework.reference.legal_grounds import REGIME_NAMES, grounds, save_legal_ground
from casework.reference.seed_taxonomy import ELECTION_KINDS, REGIMES
from casework.reference.taxonomy import elections, provinces, regencies, term_label, terms
from pages import calls, ui


def _errors(error: DomainError) -> list[str]:
    _ = ui.gettext()
    fields = getattr(error, "field_errors", {})
    return [error.translated(_), *(_(message) for message in fields.values())]


def _report(errors: list[str]) -> None:
    _ = ui.gettext()
    if errors:
        for message in errors:
            st.error(message)
    else:
        ui.flash(_("Saved."))
        st.rerun()


def elections_tab(actor) -> None:
    """The elections on record, and a form to add one with its regions and phases."""
    _ = ui.gettext()
    lang = ui.language()
    with calls.reading() as session:
        rows = elections(session)
        types = phase_types(session)
        region_names = {p.code: p.name for p in provinces(session)}
        for code in list(region_names):
            region_names.update({r.code: r.name for r in regencies(session, code)})
    st.dataframe(
        [
            {
                _("Code"): e.code,
                _("Name"): e.name,
                _("Kind"): _(KIND_LABELS.get(e.kind, e.kind)),
                _("Legal regime"): _(REGIME_LABELS.get(e.legal_regime, e.legal_regime)),
                _("Voting day"): format_date(e.voting_day, language=lang),
                _("Regions"): ", ".join(region_names.get(c, c) for c in e.region_codes)
                or _("Nationwide"),
            }
            for e in rows
        ],
        hide_index=True,
    )
    st.subheader(_("Add an election"))
    columns = st.columns(2)
    columns[0].text_input(_("Code"), key="election_code", max_chars=32, placeholder="psu2025_73")
    columns[1].text_input(_("Name"), key="election_name", max_chars=120)
    columns = st.columns(3)
    columns[0].selectbox(
        _("Kind"),
        list(ELECTION_KINDS),
        format_func=lambda k: _(KIND_LABELS[k]),
        key="election_kind",
    )
    columns[1].selectbox(
        _("Legal regime"),
        list(LEGAL_REGIMES),
        format_func=lambda r: _(REGIME_LABELS[r]),
        key="election_regime",
    )
    columns[2].date_input(
        _("Voting day"), value=None, key="election_voting_day", format="DD/MM/YYYY"
    )
    st.multiselect(
        _("Regions"),
        list(region_names),
        format_func=lambda c: f"{region_names[c]} ({c})",
        key="election_regions",
        placeholder=_("Nationwide"),
        help=_("Leave empty for a nationwide election; a province includes its regencies."),
    )
    st.caption(_("Phases: give both dates of each phase the election has; leave the others empty."))
    for phase_type in types:
        columns = st.columns([2, 1, 1])
        label = phase_type.label_en if lang == "en" else phase_type.label_id
        columns[0].markdown(ui.plain(label))
        columns[1].date_input(
            _("Starts on"), value=None, key=f"election_start_{phase_type.code}", format="DD/MM/YYYY"
        )
        columns[2].date_input(
            _("Ends on"), value=None, key=f"election_end_{phase_type.code}", format="DD/MM/YYYY"
        )
    if st.button(_("Add election"), key="election_add", type="primary"):
        state = st.session_state
        phases = [
            PhaseIn(
                t.code, state.get(f"election_start_{t.code}"), state.get(f"election_end_{t.code}")
            )
            for t in types
            if state.get(f"election_start_{t.code}") or state.get(f"election_end_{t.code}")
        ]
        try:
            with calls.reading() as session:
                add_election(
                    session=session,
                    actor=actor,
                    code=state.get("election_code") or "",
                    name=state.get("election_name") or "",
                    kind=state.get("election_kind") or "",
                    legal_regime=state.get("election_regime") or "",
                    voting_day=state.get("election_voting_day"),
                    region_codes=list(state.get("election_regions") or []),
                    phases=phases,
                )
        except DomainError as error:
            _report(_errors(error))
            return
        _report([])


def phase_types_tab(actor) -> None:
    _ = ui.gettext()
    with calls.reading() as session:
        rows = phase_types(session)
    original = {t.code: (t.label_id, t.label_en, t.urgent) for t in rows}
    edited = st.data_editor(
        [
            {"code": t.code, "label_id": t.label_id, "label_en": t.label_en, "urgent": t.urgent}
            for t in rows
        ],
        num_rows="dynamic",
        hide_index=True,
        key="phase_types_editor",
        width="stretch",
        column_config={
            "code": st.column_config.TextColumn(_("Code"), required=True, max_chars=32),
            "label_id": st.column_config.TextColumn(_("Label (Bahasa Indonesia)"), required=True),
            "label_en": st.column_config.TextColumn(_("Label (English)"), required=True),
            "urgent": st.column_config.CheckboxColumn(_("Urgent"), default=False),
        },
    )
    st.caption(_("Content posted in an urgent phase is urgent by default."))
    if st.button(_("Save phase types"), key="phase_types_save"):
        errors: list[str] = []
        for row in edited:
            code = (row.get("code") or "").strip()
            values = (row.get("label_id") or "", row.get("label_en") or "", bool(row.get("urgent")))
            if original.get(code) == values:
                continue
            try:
                with calls.reading() as session:
                    save_phase_type(
                        session=session,
                        actor=actor,
                        code=code,
                        label_id=values[0],
                        label_en=values[1],
                        urgent=values[2],
                    )
            except DomainError as error:
                errors.append(f"{ui.plain(code) or '—'}: " + " ".join(_errors(error)))
        _report(errors)


_FIELDS = ("regime", "citation", "classes", "takedown", "to_verify", "note", "active")


def legal_grounds_tab(actor) -> None:
    """The grounds of one category: per regime, the account classes they bind, whether
    they are the takedown ground, and a note. Each change needs a note and bumps the version."""
    _ = ui.gettext()
    lang = ui.language()
    with calls.reading() as session:
        categories = {t.code: term_label(t, lang) for t in terms(session, "category")}
        classes = {t.code: term_label(t, lang) for t in terms(session, "account_class")}
        rows = grounds(session, active_only=False)
    category = st.selectbox(
        _("Category"), list(categories), format_func=categories.get, key="grounds_category"
    )
    rows = [g for g in rows if g.category_code == category]
    original = {
        g.id: {
            "id": g.id,
            "regime": g.regime,
            "citation": g.citation,
            "classes": ", ".join(g.account_classes),
            "takedown": g.takedown,
            "to_verify": g.to_verify,
            "note": g.note,
            "active": g.active,
            "version": g.version,
            "change_note": "",
        }
        for g in rows
    }
    edited = st.data_editor(
        list(original.values()),
        num_rows="dynamic",
        hide_index=True,
        key=f"grounds_editor_{category}",
        width="stretch",
        disabled=["id", "version"],
        column_config={
            "id": None,
            "regime": st.column_config.SelectboxColumn(
                _("Legal regime"), options=list(REGIMES), required=True, default="other"
            ),
            "citation": st.column_config.TextColumn(_("Citation"), required=True, max_chars=300),
            "classes": st.column_config.TextColumn(
                _("Account owner kinds (codes, separated by commas; empty: all)")
            ),
            "takedown": st.column_config.CheckboxColumn(_("Takedown ground (Komdigi)")),
            "to_verify": st.column_config.CheckboxColumn(_("To verify")),
            "note": st.column_config.TextColumn(_("Note"), max_chars=500),
            "active": st.column_config.CheckboxColumn(_("Active"), default=True),
            "version": st.column_config.NumberColumn(_("Version")),
            "change_note": st.column_config.TextColumn(_("Change note"), max_chars=500),
        },
    )
    st.caption(
        _("Regimes: {regimes}. Account owner kinds: {classes}.").format(
            regimes=", ".join(f"{r} = {_(REGIME_NAMES[r])}" for r in REGIMES),
            classes=", ".join(f"{c} = {label}" for c, label in classes.items()),
        )
    )
    if st.button(_("Save legal grounds"), key="grounds_save"):
        errors: list[str] = []
        for row in edited:
            before = original.get(row.get("id"))
            if before is not None and all(before[k] == row.get(k) for k in _FIELDS):
                continue
            try:
                with calls.reading() as session:
                    save_legal_ground(
                        session=session,
                        actor=actor,
                        ground_id=row.get("id"),
                        category_code=category,
                        regime=row.get("regime") or "",
                        citation=row.get("citation") or "",
                        account_classes=[
                            c.strip() for c in (row.get("classes") or "").split(",") if c.strip()
                        ],
                        takedown=bool(row.get("takedown")),
                        to_verify=bool(row.get("to_verify")),
                        note=row.get("note") or "",
                        active=bool(row.get("active", True)),
                        change_note=row.get("change_note") or "",
                    )
            except DomainError as error:
                label = ui.plain(row.get("citation") or "") or "—"
                errors.append(f"{label}: " + " ".join(_errors(error)))
        _report(errors)
