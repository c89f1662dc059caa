"""Pantau's main script: who is signed in → their role → their pages → run the one
asked for. A page not built here for this user does not exist for them, whatever URL
they open; services check permissions again on every call."""

from __future__ import annotations

import sys
from pathlib import Path

# The project root, for `streamlit run pages/router.py` and AppTest without an install.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import logging  # noqa: E402

import streamlit as st  # noqa: E402

from casework.errors import DatabaseFailure, database_failure  # noqa: E402
from casework.i18n import LANGUAGE_NAMES, LANGUAGES  # noqa: E402
from casework.people.roles import ROLE_LABELS  # noqa: E402
from pages import registry, ui  # noqa: E402

FAVICON = Path(__file__).resolve().parent / "assets" / "pantau-icon.png"


def _sidebar(actor) -> None:
    _ = ui.gettext()
    with st.sidebar:
        # The language lives under its own key, not the widget's: Streamlit forgets a
        # widget's value set from code when the page changes (st.switch_page), and the
        # selector would fall back to its first option.
        st.session_state[ui.LANGUAGE_WIDGET_KEY] = ui.language()
        st.selectbox(
            _("Language"),
            LANGUAGES,
            format_func=LANGUAGE_NAMES.get,
            key=ui.LANGUAGE_WIDGET_KEY,
            on_change=ui.language_chosen,
        )
        if actor is None:
            return
        st.caption(
            f"{ui.plain(actor.display_name)} · {_(ROLE_LABELS[actor.role])}  \n"
            f"{ui.plain(actor.organisation_name)}"
        )
        if ui.provider_signed_in() and not st.context.cookies.get(ui.SESSION_COOKIE):
            if st.button(_("Sign out"), icon=":material/logout:", key="router_sign_out"):
                # The cookie st.logout clears would still sign in if copied: end it on
                # the server first.
                ui.end_provider_sign_in(actor)
                st.logout()
        else:
            # The sign-out route revokes the session on the server, then clears the cookie.
            ui.same_tab_link(_("Sign out"), "/signout", primary=False)


def main() -> None:
    # The icon ships with the app: a material-icon favicon is fetched from an online
    # font service, which fails offline.
    st.set_page_config(page_title="Pantau", page_icon=FAVICON, layout="wide")
    actor = ui.resolve_actor()
    st.session_state[ui.ACTOR_KEY] = actor
    ui.start_language(actor)
    _ = ui.gettext()
    if actor is None and ui.pending_identity() is not None:
        specs = [registry.WAITING]
    elif actor is not None and actor.must_change_password:
        specs = [registry.BY_PATH["account"]]
    else:
        specs = registry.specs_for(actor.role if actor else None)
    if actor is None and specs == [registry.SIGN_IN]:
        navigation = st.navigation(registry.signed_out_pages(_))
        _sidebar(actor)
        navigation.run()
        return
    unread = ui.unread_badge(actor)
    sections: dict[str, list] = {}
    home = registry.landing(actor.role if actor else None, specs)
    for spec in specs:
        title = _(spec.section) if spec.section else ""
        badge = unread if spec.url_path == "notifications" else None
        sections.setdefault(title, []).append(
            registry.st_page(spec, _, default=spec is home, badge=badge)
        )
    navigation = st.navigation(sections)
    _sidebar(actor)
    navigation.run()


def _run() -> None:
    try:
        main()
    except DatabaseFailure as error:
        # The database went away, filled up or turned read-only under us: say so plainly
        # instead of a stack trace. The pool reconnects by itself (pre-ping), so the next
        # rerun after the outage works without a restart.
        message = database_failure(error)
        if message is None:
            raise
        logging.getLogger("pantau").warning("database failure shown to a user: %s", error)
        ui.start_language(None)  # the language picked at sign-in (a cookie), no database
        st.error(ui.gettext()(message), icon=":material/cloud_off:")


_run()
