"""Every page, who may open it, and under which heading. The router builds the
navigation from here; a page that is not listed for a role does not exist for them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import streamlit as st

from casework.i18n import N_
from casework.people.roles import Role

ALL = frozenset(Role)
CASEWORK = frozenset({Role.OFFICER, Role.LEAD})
CASE_READERS = frozenset({Role.OFFICER, Role.LEAD, Role.LIAISON, Role.REGULATOR})


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    module: str
    title: str  # message id
    icon: str
    roles: frozenset[Role]
    section: str  # message id
    hidden: bool = False  # reachable by link only (the case page)


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "queue", "pages.case_queue", N_("Case queue"), ":material/inbox:", CASE_READERS, N_("Cases")
    ),
    PageSpec(
        "case",
        "pages.case_detail",
        N_("Case"),
        ":material/description:",
        CASE_READERS,
        N_("Cases"),
        hidden=True,
    ),
    PageSpec(
        "new-report",
        "pages.new_report",
        N_("New report"),
        ":material/add_circle:",
        CASEWORK,
        N_("Cases"),
    ),
    PageSpec(
        "dashboard",
        "pages.dashboard",
        N_("Dashboard"),
        ":material/monitoring:",
        ALL,
        N_("Insight"),
    ),
    PageSpec(
        "reports",
        "pages.reports",
        N_("Transparency reports"),
        ":material/summarize:",
        frozenset({Role.OFFICER, Role.LEAD, Role.LIAISON, Role.OBSERVER, Role.ADMIN}),
        N_("Insight"),
    ),
    PageSpec(
        "audit",
        "pages.audit_log",
        N_("Audit log"),
        ":material/fact_check:",
        frozenset({Role.LEAD, Role.ADMIN}),
        N_("Insight"),
    ),
    PageSpec(
        "taxonomy",
        "pages.admin_taxonomy",
        N_("Taxonomy and calendar"),
        ":material/category:",
        frozenset({Role.LEAD, Role.ADMIN}),
        N_("Administration"),
    ),
    PageSpec(
        "users",
        "pages.admin_users",
        N_("Users"),
        ":material/group:",
        frozenset({Role.ADMIN}),
        N_("Administration"),
    ),
    PageSpec(
        "organisations",
        "pages.admin_organisations",
        N_("Organisations"),
        ":material/corporate_fare:",
        frozenset({Role.ADMIN}),
        N_("Administration"),
    ),
    PageSpec(
        "access",
        "pages.admin_access",
        N_("Sign-in and sessions"),
        ":material/key:",
        frozenset({Role.ADMIN}),
        N_("Administration"),
    ),
    PageSpec(
        "integrations",
        "pages.admin_integrations",
        N_("Integrations"),
        ":material/webhook:",
        frozenset({Role.ADMIN}),
        N_("Administration"),
    ),
    PageSpec(
        "notifications",
        "pages.notifications",
        N_("Notifications"),
        ":material/notifications:",
        ALL,
        N_("Account"),
    ),
    PageSpec("account", "pages.account", N_("My account"), ":material/person:", ALL, N_("Account")),
    PageSpec(
        "import",
        "pages.import_reports",
        N_("Import reports"),
        ":material/upload_file:",
        CASEWORK,
        N_("Cases"),
    ),
)

SIGN_IN = PageSpec("sign-in", "pages.sign_in", N_("Sign in"), ":material/login:", ALL, "")
WAITING = PageSpec(
    "waiting", "pages.waiting", N_("Waiting for approval"), ":material/hourglass_empty:", ALL, ""
)

BY_PATH = {spec.url_path: spec for spec in PAGES}


# Where a role lands when it opens Pantau, when not its first page: an administrator
# on the users page, whose first tab is the queue of accounts waiting for approval.
LANDING = {Role.ADMIN: "users"}


def landing(role: Role | None, specs: list[PageSpec]) -> PageSpec:
    """The page `role` opens on, among the `specs` it may open."""
    wanted = LANDING.get(role) if role else None
    return next((spec for spec in specs if spec.url_path == wanted), specs[0])


def specs_for(role: Role | None) -> list[PageSpec]:
    """The pages `role` may open; signed out (None) that is only the sign-in page."""
    if role is None:
        return [SIGN_IN]
    return [spec for spec in PAGES if role in spec.roles]


def st_page(spec: PageSpec, gettext, *, default: bool = False, badge: str | None = None) -> st.Page:
    module = importlib.import_module(spec.module)
    title = gettext(spec.title)
    return st.Page(
        module.render,
        title=f"{title} ({badge})" if badge else title,
        icon=spec.icon,
        url_path=spec.url_path,
        default=default,
        visibility="hidden" if spec.hidden else "visible",
    )


def signed_out_pages(gettext) -> list[st.Page]:
    """Signed out: the sign-in page, and the same page hidden under every other page's
    path. A deep link (a case link in an e-mail, opened after the idle timeout) then
    stays on its URL instead of Streamlit's "page not found", and the sign-in link
    carries it through sign-in as `next`."""
    from pages import sign_in

    pages = [st_page(SIGN_IN, gettext, default=True)]
    for spec in PAGES:
        pages.append(
            st.Page(
                sign_in.render_for(spec.url_path),
                title=gettext(SIGN_IN.title),
                icon=SIGN_IN.icon,
                url_path=spec.url_path,
                visibility="hidden",
            )
        )
    return pages


def page(url_path: str) -> st.Page:
    """A page object for links and switch_page (the same page the router registered)."""
    from pages.ui import gettext

    return st_page(BY_PATH[url_path], gettext())
