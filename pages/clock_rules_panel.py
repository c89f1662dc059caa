"""Taxonomy page tabs for the deadline rules and the holiday calendar (issue 18):
administrators change them; every change of a rule is a new version, and running clocks
move onto it only when asked."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from casework.clocks import admin as clock_admin
from casework.errors import DomainError
from casework.people.permissions import is_supervisory_admin
from pages import calls, ui

RULE_FIELDS = ("amount", "urgent_amount", "citation", "label_id", "label_en", "active")


def _report(errors: list[str]) -> None:
    _ = ui.gettext()
    if errors:
        for message in errors:
            st.error(message)
    else:
        ui.flash(_("Saved."))
        st.rerun()


def rules_tab(actor) -> None:
    _ = ui.gettext()
    with calls.reading() as session:
        rules = clock_admin.list_rules(session)
    st.caption(
        _(
            "Each deadline with its owner, length and legal basis. A change is a new version: "
            "clocks already running keep theirs unless you move them below."
        )
    )
    edited = st.data_editor(
        [
            {
                "code": r.code,
                "version": r.version,
                "owner": r.owner,
                "unit": r.unit,
                **{name: getattr(r, name) for name in RULE_FIELDS},
            }
            for r in rules
        ],
        disabled=["code", "version", "owner", "unit"] if is_supervisory_admin(actor) else True,
        hide_index=True,
        key="clock_rules",
        width="stretch",
        column_config={
            "code": st.column_config.TextColumn(_("Code")),
            "version": st.column_config.NumberColumn(_("Version")),
            "owner": st.column_config.TextColumn(_("Owner")),
            "unit": st.column_config.TextColumn(_("Unit")),
            "amount": st.column_config.NumberColumn(_("Length"), min_value=0.25),
            "urgent_amount": st.column_config.NumberColumn(_("Length when urgent")),
            "citation": st.column_config.TextColumn(_("Legal basis")),
            "label_id": st.column_config.TextColumn(_("Label (Bahasa Indonesia)")),
            "label_en": st.column_config.TextColumn(_("Label (English)")),
            "active": st.column_config.CheckboxColumn(_("Active")),
        },
    )
    if not is_supervisory_admin(actor):
        st.caption(_("Only administrators change deadlines."))
        return
    note = st.text_input(_("Reason for the change"), key="clock_rules_note", max_chars=500)
    if st.button(_("Save deadline rules"), key="clock_rules_save"):
        errors = []
        by_code = {r.code: r for r in rules}
        for row in edited:
            rule = by_code[row["code"]]
            changes = {name: row[name] for name in RULE_FIELDS if row[name] != getattr(rule, name)}
            if not changes:
                continue
            try:
                with calls.in_unit() as session:
                    clock_admin.save_rule(
                        session=session, actor=actor, code=rule.code, note=note, **changes
                    )
            except DomainError as error:
                errors.append(f"{rule.code}: {error.translated(_)}")
        _report(errors)
    codes = [r.code for r in rules]
    chosen = st.selectbox(_("Move running clocks onto the current version of"), codes)
    if st.button(_("Move running clocks"), key="clock_rules_recompute") and chosen:
        try:
            with calls.in_unit() as session:
                moved = clock_admin.recompute(session=session, actor=actor, code=chosen)
            ui.flash(_("{count} clocks moved.").format(count=moved))
            st.rerun()
        except DomainError as error:
            st.error(error.translated(_))


def holidays_tab(actor) -> None:
    _ = ui.gettext()
    year = st.number_input(
        _("Year"), min_value=2020, max_value=2100, value=dt.date.today().year, step=1
    )
    with calls.reading() as session:
        days = clock_admin.list_holidays(session, int(year))
    st.caption(
        _(
            "National holidays and cuti bersama: working-day deadlines skip them. "
            "Marked rows are to be checked against the joint ministerial decree (SKB)."
        )
    )
    kinds = {"national": _("National holiday"), "cuti_bersama": _("Cuti bersama")}
    edited = st.data_editor(
        [
            {
                "day": h.day,
                "kind": h.kind,
                "label_id": h.label_id,
                "label_en": h.label_en,
                "to_verify": h.to_verify,
            }
            for h in days
        ],
        num_rows="dynamic" if is_supervisory_admin(actor) else "fixed",
        disabled=not is_supervisory_admin(actor),
        hide_index=True,
        key=f"holidays_{year}",
        width="stretch",
        column_config={
            "day": st.column_config.DateColumn(_("Date"), required=True),
            "kind": st.column_config.SelectboxColumn(_("Kind"), options=list(kinds), required=True),
            "label_id": st.column_config.TextColumn(_("Label (Bahasa Indonesia)")),
            "label_en": st.column_config.TextColumn(_("Label (English)")),
            "to_verify": st.column_config.CheckboxColumn(_("To verify")),
        },
    )
    if not is_supervisory_admin(actor) or not st.button(_("Save holidays"), key="holidays_save"):
        return
    errors = []
    before = {h.day: h for h in days}
    kept = set()
    for row in edited:
        day = row.get("day")
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        if day is None:
            continue
        kept.add(day)
        old = before.get(day)
        if old is not None and (old.kind, old.label_id, old.label_en, old.to_verify) == (
            row["kind"],
            row["label_id"],
            row["label_en"],
            row["to_verify"],
        ):
            continue
        try:
            with calls.in_unit() as session:
                clock_admin.save_holiday(
                    session=session,
                    actor=actor,
                    day=day,
                    kind=row.get("kind") or "",
                    label_id=row.get("label_id") or "",
                    label_en=row.get("label_en") or "",
                    to_verify=bool(row.get("to_verify")),
                )
        except DomainError as error:
            errors.append(f"{day}: {error.translated(_)}")
    for day in set(before) - kept:
        with calls.in_unit() as session:
            clock_admin.remove_holiday(session=session, actor=actor, day=day)
    _report(errors)
