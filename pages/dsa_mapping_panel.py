"""The taxonomy page's DSA tab: how each code reads in a statement of reasons, which
codes have no mapping (their statements are held back), and the admin's edit form."""

from __future__ import annotations

import streamlit as st

from casework.errors import DomainError
from casework.people.permissions import is_supervisory_admin
from casework.records.dsa_mappings import mapping_rows, remove_dsa_mapping, save_dsa_mapping
from casework.records.dsa_values import ADDITIONS, MAPPABLE
from casework.reference.taxonomy import TAXONOMY_KIND_LABELS, term_label, terms
from pages import calls, ui


def render_dsa_mappings(actor) -> None:
    _ = ui.gettext()
    st.caption(
        _(
            "How each code reads in a statement of reasons for the EU's DSA Transparency "
            "Database. A code without a mapping holds its decisions back from the EU "
            "submission, with the reason in its report."
        )
    )
    kind = st.selectbox(
        _("List"),
        list(MAPPABLE),
        format_func=lambda k: _(TAXONOMY_KIND_LABELS[k]),
        key="taxonomy_dsa_kind",
    )
    with calls.reading() as session:
        codes = terms(session, kind, active_only=False)
        rows = {r.code: r for r in mapping_rows(session) if r.kind == kind}
    labels = {t.code: term_label(t, ui.language()) for t in codes}
    st.dataframe(
        [
            {
                _("Code"): code,
                _("Label"): label,
                _("DSA value"): rows[code].dsa_value if code in rows else _("(not mapped)"),
                _("Other text"): rows[code].other_text or "" if code in rows else "",
                _("Additions"): ", ".join(rows[code].additions) if code in rows else "",
            }
            for code, label in labels.items()
        ],
        hide_index=True,
        width="stretch",
    )
    if not is_supervisory_admin(actor):
        return
    code = st.selectbox(_("Code"), list(labels), format_func=labels.get, key="taxonomy_dsa_code")
    current = rows.get(code)
    values = list(MAPPABLE[kind])
    with st.form(f"taxonomy_dsa_form_{kind}_{code}"):
        value = st.selectbox(
            _("DSA value"),
            values,
            index=values.index(current.dsa_value) if current else 0,
        )
        other_text = st.text_input(
            _("Other text (for an OTHER value)"),
            value=current.other_text or "" if current else "",
            max_chars=500,
        )
        additions = st.multiselect(
            _("Keywords and further content types"),
            list(ADDITIONS.get(kind, ())),
            default=list(current.additions) if current else [],
        )
        buttons = st.columns(2)
        save = buttons[0].form_submit_button(_("Save mapping"))
        remove = buttons[1].form_submit_button(_("Remove mapping"), disabled=current is None)
    if save or remove:
        try:
            with calls.reading() as session:
                if save:
                    save_dsa_mapping(
                        session=session,
                        actor=actor,
                        kind=kind,
                        code=code,
                        dsa_value=value,
                        other_text=other_text,
                        additions=additions,
                    )
                else:
                    remove_dsa_mapping(session=session, actor=actor, kind=kind, code=code)
        except DomainError as error:
            ui.show_error(error)
            for message in ui.validation_errors(error).values():
                st.caption(f":red[{ui.plain(_(message))}]")
            return
        ui.flash(_("Saved."))
        st.rerun()
