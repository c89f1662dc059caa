"""Every page runs for every role that has it, and for nobody else."""

from __future__ import annotations

import pytest

from casework.i18n import translator
from casework.people.roles import Role
from pages import registry, ui
from tests.pages.conftest import app_as, open_page

DEMO_USER_BY_ROLE = {
    Role.OFFICER: "demo.officer",
    Role.LEAD: "demo.lead",
    Role.LIAISON: "demo.liaison.tiktok",
    Role.ADMIN: "demo.admin",
    Role.OBSERVER: "demo.observer",
    Role.REGULATOR: "demo.regulator",
}

VISIBLE_PAGES = [
    (role, spec) for role in Role for spec in registry.specs_for(role) if not spec.hidden
]


def test_every_role_has_at_least_one_page():
    for role in Role:
        assert [s for s in registry.specs_for(role) if not s.hidden], role


@pytest.mark.parametrize(
    ("role", "title"),
    [(Role.ADMIN, "Users"), (Role.REGULATOR, "Case queue"), (Role.OBSERVER, "Dashboard")],
)
def test_each_role_lands_on_a_page_with_work_or_figures(demo_database, role, title):
    at = app_as(DEMO_USER_BY_ROLE[role]).run()
    assert not at.exception, at.exception
    assert title in [t.value for t in at.title]


def test_every_page_module_defines_render():
    import importlib

    for spec in (*registry.PAGES, registry.SIGN_IN):
        assert callable(importlib.import_module(spec.module).render), spec.module


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    ("role", "spec"), VISIBLE_PAGES, ids=[f"{r}-{s.url_path}" for r, s in VISIBLE_PAGES]
)
def test_page_renders_its_title_for_a_role_that_has_it(demo_database, role, spec, language):
    at = app_as(DEMO_USER_BY_ROLE[role], language=language).run()
    at = open_page(at, spec.url_path)
    assert not at.exception, at.exception
    titles = [t.value for t in at.title]
    assert translator(language)(spec.title) in titles


def test_signed_out_visitor_sees_only_the_sign_in_page(demo_database):
    at = app_as(None).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Pantau"]
    [link] = at.get("html")
    assert link.proto.body.startswith('<a href="/signin?lang=en"')


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda s: s.url_path)
def test_a_deep_link_signed_out_shows_the_sign_in_page_instead(demo_database, spec):
    at = app_as(None).run()
    at = open_page(at, spec.url_path)
    assert not at.exception
    assert [t.value for t in at.title] == ["Pantau"]


@pytest.mark.parametrize(
    ("role", "spec"),
    [(r, s) for r in Role for s in registry.PAGES if r not in s.roles],
    ids=lambda v: str(v) if isinstance(v, str) else v.url_path,
)
def test_a_deep_link_to_a_page_outside_the_role_never_renders_it(demo_database, role, spec):
    at = app_as(DEMO_USER_BY_ROLE[role]).run()
    at = open_page(at, spec.url_path)
    assert not at.exception
    assert translator("en")(spec.title) not in [t.value for t in at.title]


def test_a_signed_in_user_without_a_chosen_language_gets_their_saved_one(demo_database):
    at = app_as("demo.officer")
    del at.session_state[ui.LANGUAGE_KEY]
    at.run()
    assert not at.exception
    # The demo officer's saved language is Bahasa Indonesia.
    assert translator("id")("Case queue") in [t.value for t in at.title]


def test_switching_the_language_translates_the_page(demo_database):
    at = app_as("demo.officer", language="en").run()
    assert "Case queue" in [t.value for t in at.title]
    at.selectbox(key="pantau_language_choice").set_value("id").run()
    assert translator("id")("Case queue") in [t.value for t in at.title]


def test_the_chosen_language_survives_a_change_of_page(demo_database):
    at = app_as("demo.officer", language="id").run()
    at.selectbox(key="pantau_language_choice").set_value("en").run()
    at = open_page(at, "new-report")
    assert not at.exception, at.exception
    assert "New report" in [t.value for t in at.title]
    at = open_page(at, "queue")
    assert "Case queue" in [t.value for t in at.title]
    assert at.selectbox(key="pantau_language_choice").value == "en"
