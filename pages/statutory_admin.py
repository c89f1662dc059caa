"""The administrator's settings of the statutory track (issue 17): the rules the law
leaves open, the letter templates, and each office's letter numbering."""

from __future__ import annotations

import json

import streamlit as st

from casework.errors import DomainError
from casework.statutory.letters import (
    KIND_LABELS,
    LANGUAGES,
    office_settings,
    replace_template,
    set_numbering,
    template_text,
)
from casework.statutory.rules import all_rules, set_rule
from db.engine import session_scope
from pages import ui


def _save(work, done: str) -> None:
    _ = ui.gettext()
    try:
        with session_scope() as session:
            work(session)
            session.commit()
    except DomainError as error:
        ui.show_error(error)
        for message in ui.validation_errors(error).values():
            st.caption(f":red[{ui.plain(_(message))}]")
        return
    ui.flash(done)
    st.rerun()


def statutory_tab(actor) -> None:
    _ = ui.gettext()
    if actor.role != "admin":
        st.caption(_("Only an administrator changes these settings."))
        return
    with session_scope() as session:
        rules = all_rules(session)
        offices = office_settings(session)
    st.markdown(f"**{_('Rules')}**")
    for key, value in rules.items():
        with st.form(f"statutory_rule_{key}"):
            if isinstance(value, bool):
                new = st.checkbox(key, value=value)
            elif isinstance(value, int):
                new = int(st.number_input(key, value=value, min_value=0, step=1))
            else:
                text = st.text_area(key, value=json.dumps(value, indent=1))
                try:
                    new = json.loads(text)
                except ValueError:
                    new = None
            note = st.text_input(_("Change note"), max_chars=500)
            if st.form_submit_button(_("Save")):
                _save(
                    lambda s, k=key, v=new, n=note: set_rule(
                        session=s, actor=actor, key=k, value=v, note=n
                    ),
                    _("Saved."),
                )
    st.markdown(f"**{_('Letter templates')}**")
    kind = st.selectbox(
        _("Letter"), list(KIND_LABELS), format_func=lambda k: _(KIND_LABELS[k]), key="tpl_kind"
    )
    language = st.selectbox(_("Language"), list(LANGUAGES), key="tpl_language")
    with session_scope() as session:
        current = template_text(session, kind, language)
    with st.form(f"statutory_template_{kind}_{language}"):
        body = st.text_area(_("Template"), value=current, height=400, max_chars=20_000)
        if st.form_submit_button(_("Save")):
            _save(
                lambda s: replace_template(
                    session=s, actor=actor, kind=kind, language=language, body=body
                ),
                _("Saved."),
            )
    st.markdown(f"**{_('Letter numbering')}**")
    for office in offices:
        with st.form(f"statutory_numbering_{office['organisation_id']}"):
            st.text(office["office"])
            pattern = st.text_input(_("Numbering scheme"), value=office["pattern"], max_chars=200)
            code = st.text_input(_("Office code"), value=office["office_code"], max_chars=40)
            signatory = st.text_input(_("Signatory"), value=office["signatory"], max_chars=300)
            if st.form_submit_button(_("Save")):
                _save(
                    lambda s, o=office["organisation_id"], p=pattern, c=code, g=signatory: (
                        set_numbering(
                            session=s,
                            actor=actor,
                            organisation_id=o,
                            pattern=p,
                            office_code=c,
                            signatory=g,
                        )
                    ),
                    _("Saved."),
                )
