"""Every page in Indonesian: no widget shows English text, neither ours (a label left
untranslated) nor Streamlit's own placeholders ("Choose options")."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from sqlmodel import Session, select

from casework.i18n import po_path
from casework.people.roles import Role
from db import engine as engine_module
from db.models import Case
from pages import registry
from tests.pages.conftest import app_as, open_page
from tests.pages.test_pages_smoke import DEMO_USER_BY_ROLE

# What Streamlit writes when a widget is given no placeholder of ours.
STREAMLIT_ENGLISH = {"Choose options", "Choose an option", "Select...", "Select an option"}
WIDGETS = (
    "multiselect",
    "selectbox",
    "text_input",
    "text_area",
    "date_input",
    "radio",
    "checkbox",
    "toggle",
    "number_input",
    "button",
    "segmented_control",
    "time_input",
)


def _english_only() -> set[str]:
    """Catalog texts whose Indonesian differs from the English (so English on screen is
    a missing translation)."""
    with po_path("id").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    return {
        m.id for m in catalog if isinstance(m.id, str) and m.id and m.string and m.string != m.id
    }


ENGLISH = _english_only()

# Each page once, for the first role that has it.
PAGES = {}
for role in Role:
    for spec in registry.specs_for(role):
        if not spec.hidden:
            PAGES.setdefault(spec.url_path, role)


def _texts(at) -> list[str]:
    texts = []
    for kind in WIDGETS:
        for widget in at.get(kind):
            proto = widget.proto
            for field in ("label", "placeholder", "help"):
                value = getattr(proto, field, "")
                if value:
                    texts.append(value)
            texts += [str(o) for o in getattr(proto, "options", [])]
    return texts


def _check(at) -> None:
    assert not at.exception, at.exception
    texts = _texts(at)
    assert texts
    assert not STREAMLIT_ENGLISH & set(texts)
    assert not ENGLISH & set(texts)
    # Without a placeholder of ours, Streamlit's browser code writes its English one.
    for widget in at.get("multiselect"):
        assert widget.proto.placeholder, widget.proto.label
    for widget in at.get("selectbox"):
        if not widget.proto.HasField("default"):  # nothing chosen: the placeholder shows
            assert widget.proto.placeholder, widget.proto.label


@pytest.mark.parametrize(("url_path", "role"), list(PAGES.items()), ids=list(PAGES))
def test_every_page_in_indonesian_shows_no_english_widget_text(demo_database, url_path, role):
    at = app_as(DEMO_USER_BY_ROLE[role], language="id").run()
    _check(open_page(at, url_path))


def test_the_case_page_in_indonesian_shows_no_english_widget_text(demo_database):
    with Session(engine_module.get_engine()) as session:
        case = session.exec(select(Case).where(Case.status == "in_review")).first()
    at = app_as("demo.lead", language="id").run()
    at.query_params["id"] = str(case.id)
    _check(open_page(at, "case"))
