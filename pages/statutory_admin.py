"""The administrator's settings of the statutory track (issue 17): the rules the law
leaves open, the letter templates, and each office's letter numbering."""

from __future__ import annotations

import json

import streamlit as st

from casework.people.permissions import is_supervisory_admin
from casework.statutory.letters import (
    KIND_LABELS,
    LANGUAGES,
    office_settings,
    replace_template,
    set_numbering,
    template_text,
)
from casework.statutory.rules import all_rules, set_rule
from pages import calls, forms, ui

PAGE = "statutory_admin"


def _save(form: str, work, done: str) -> None:
    """Run `work(session)` in one unit of work through the page seam (pages/calls.py);
    a refusal's field messages show under the form (`_errors`)."""
    forms.attempt(PAGE, form, work, done)


def _errors(form: str) -> None:
    for field in forms.errors(PAGE, form):
        forms.field_error(PAGE, form, field)


def statutory_tab(actor) -> None:
    _ = ui.gettext()
    if not is_supervisory_admin(actor):
        st.caption(_("Only an administrator changes these settings."))
        return
    with calls.reading() as session:
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
            _errors(f"rule_{key}")
            if st.form_submit_button(_("Save")):
                _save(
                    f"rule_{key}",
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
    with calls.reading() as session:
        current = template_text(session, kind, language)
    with st.form(f"statutory_template_{kind}_{language}"):
        body = st.text_area(_("Template"), value=current, height=400, max_chars=20_000)
        _errors("template")
        if st.form_submit_button(_("Save")):
            _save(
                "template",
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
            _errors(f"numbering_{office['organisation_id']}")
            if st.form_submit_button(_("Save")):
                _save(
                    f"numbering_{office['organisation_id']}",
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
