"""What every page shares: the signed-in actor, the session's language, safe text,
and turning domain errors into translated messages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime

import streamlit as st

from casework import i18n
from casework.desk import sla
from casework.errors import DomainError, PermissionDenied, ValidationError
from casework.outbox.notifications import unread_count
from casework.people.accounts import save_language
from casework.people.actors import Actor
from casework.people.auth import SESSION_COOKIE, end_provider_sign_ins, resolve_session
from casework.people.identities import resolve_identity
from casework.records.exports import ExportFile, export
from casework.settings import get_settings
from db.engine import session_scope

ACTOR_KEY = "pantau_actor"
PENDING_IDENTITY_KEY = "pantau_pending_identity"
LANGUAGE_KEY = "pantau_language"
LANGUAGE_WIDGET_KEY = "pantau_language_choice"
FLASH_KEY = "pantau_flash"
PENDING_LANGUAGE_KEY = "pantau_pending_language"
LANGUAGE_PICKED_KEY = "pantau_language_picked"


def language() -> str:
    # A language chosen elsewhere (sign-in, preferences) is applied here, at the top of
    # the next run, before the sidebar's language widget exists.
    if PENDING_LANGUAGE_KEY in st.session_state:
        st.session_state[LANGUAGE_KEY] = st.session_state.pop(PENDING_LANGUAGE_KEY)
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = get_settings().default_language
    return i18n.normalise_language(st.session_state[LANGUAGE_KEY])


def gettext() -> i18n.Translator:
    """The translation function of this session's language."""
    return i18n.translator(language())


def resolve_actor() -> Actor | None:
    """Who this browser is, checked against the database on every run: the session
    cookie set by the sign-in route, else an identity provider's sign-in (st.user).
    A revoked session, a deactivated account or an unapproved identity gets None."""
    settings = get_settings()
    st.session_state.pop(PENDING_IDENTITY_KEY, None)
    token = st.context.cookies.get(SESSION_COOKIE)
    with session_scope() as session:
        actor = resolve_session(session=session, settings=settings, token=token)
    if actor is not None:
        return actor
    if not provider_signed_in():
        return None
    claims = st.user.to_dict()
    provider = str(claims.get("provider") or "oidc")
    try:
        with session_scope() as session:
            outcome = resolve_identity(session=session, provider=provider, claims=claims)
    except PermissionDenied:
        return None
    if outcome.pending:
        st.session_state[PENDING_IDENTITY_KEY] = outcome.user_id
    return outcome.actor


def end_provider_sign_in(actor: Actor) -> None:
    """Sign-out of a provider sign-in: every st.login cookie of the user issued until
    now stops signing in (casework.people.auth.end_provider_sign_ins)."""
    with session_scope() as session:
        end_provider_sign_ins(session=session, user_id=actor.user_id)


def provider_signed_in() -> bool:
    """Whether an identity provider (st.login) signed this browser in. Without an
    `[auth]` section in secrets.toml, st.user has no `is_logged_in` key at all."""
    return bool(st.user.get("is_logged_in", False))


def current_actor() -> Actor | None:
    """The actor the router resolved at the start of this run."""
    return st.session_state.get(ACTOR_KEY)


def pending_identity() -> int | None:
    """The user id of an identity that signed in but waits for an admin, if any."""
    return st.session_state.get(PENDING_IDENTITY_KEY)


def language_chosen() -> None:
    """The sidebar's selector changed: the session's language follows it, and it is
    saved as the account's one choice (a reload or a new tab opens in it). Signed out,
    the sign-in link carries it to the sign-in page, which keeps it in a cookie."""
    chosen = i18n.normalise_language(st.session_state.get(LANGUAGE_WIDGET_KEY))
    st.session_state[LANGUAGE_KEY] = chosen
    actor = current_actor()
    if actor is None:
        st.session_state[LANGUAGE_PICKED_KEY] = True
        return
    with session_scope() as session:
        save_language(session=session, user_id=actor.user_id, language=chosen)


def language_picked() -> bool:
    """Whether this signed-out browser session chose a language in the sidebar."""
    return bool(st.session_state.get(LANGUAGE_PICKED_KEY))


def use_language(code: str) -> None:
    """Switch the session's language from the next run on."""
    st.session_state[PENDING_LANGUAGE_KEY] = code


LANGUAGE_COOKIE = i18n.LANGUAGE_COOKIE


def start_language(actor: Actor | None) -> None:
    """The language of a new browser session: signed in, the account's saved choice;
    signed out, the one picked before sign-in (a cookie); else the server default."""
    if LANGUAGE_KEY in st.session_state or PENDING_LANGUAGE_KEY in st.session_state:
        return
    picked = st.context.cookies.get(LANGUAGE_COOKIE)
    if actor is not None:
        st.session_state[LANGUAGE_KEY] = i18n.normalise_language(actor.language)
    elif picked in i18n.LANGUAGES:
        st.session_state[LANGUAGE_KEY] = picked


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def plain(text: str | None) -> str:
    """User text made safe for a markdown label: every markdown character escaped, so
    it can never become a link, an image or formatting."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text or "")


def evidence_upload_mb() -> int:
    """Pantau's evidence limit (PANTAU_EVIDENCE_MAX_BYTES) in whole megabytes, for
    Streamlit's uploader: the widget says and checks the same limit the service does.
    (The server-wide server.maxUploadSize in .streamlit/config.toml caps every upload,
    the import's 50 MB being the largest.)"""
    return max(1, -(-get_settings().evidence_max_bytes // (1024 * 1024)))


def choose() -> str:
    """The placeholder of an empty choice widget, in the session's language (instead
    of Streamlit's own "Choose options")."""
    return gettext()("Choose…")


def required(label: str) -> str:
    """A widget label marked as required (a red asterisk); the label is ours, not
    user text."""
    return f"{label} :red[*]"


def format_time(value: datetime | None, actor: Actor | None) -> str:
    zone = actor.time_zone if actor else get_settings().default_time_zone
    return i18n.format_datetime(value, language=language(), time_zone=zone)


def format_case_time(value: datetime | None, case_zone: str, actor: Actor | None) -> str:
    """A case's time in its own zone (WITA for Makassar), the viewer's beside it."""
    viewer = actor.time_zone if actor else get_settings().default_time_zone
    return i18n.format_in_zones(value, language=language(), own_zone=case_zone, viewer_zone=viewer)


def hours(value: float, *, decimals: int = 1) -> str:
    """A number of hours with the session language's separators."""
    return i18n.format_number(round(value, decimals), language=language(), decimals=decimals)


def time_left(clock) -> str | None:
    """A clock's time left or lateness in words ("sisa 3,5 jam", "terlambat 4 hari"),
    in days above 48 hours; None for a clock that is not counting (not started, or
    decided: a decided case shows its outcome, never time left)."""
    if clock.remaining is None or clock.state not in (
        sla.ClockState.RUNNING,
        sla.ClockState.BREACHED,
        sla.ClockState.PAUSED,
    ):
        return None
    _ = gettext()
    amount, unit = sla.in_days_or_hours(clock.remaining)
    late = clock.remaining.total_seconds() < 0
    if unit == "days":
        text = _("{days} d late") if late else _("{days} d left")
        return text.format(days=number(int(amount)))
    text = _("{hours} h late") if late else _("{hours} h left")
    return text.format(hours=hours(amount))


def number(value: int | float) -> str:
    return i18n.format_number(value, language=language())


def show_error(error: DomainError) -> None:
    _ = gettext()
    st.error(error.translated(_), icon=":material/error:")


def field_error(errors: dict[str, str] | None, field: str) -> None:
    """Show the translated message for `field` right under its widget."""
    if errors and field in errors:
        st.caption(f":red[{plain(gettext()(errors[field]))}]")


def validation_errors(error: DomainError) -> dict[str, str]:
    return error.field_errors if isinstance(error, ValidationError) else {}


def flash(message: str, kind: str = "success") -> None:
    """A message shown once on the next run (after st.rerun or switch_page)."""
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if message:
        getattr(st, kind)(message)


def empty_state(title: str, body: str) -> None:
    """An honest placeholder for a page a later release fills."""
    st.title(title)
    st.info(body, icon=":material/construction:")


_LINK_STYLE = (
    "display:inline-block;padding:.45rem .9rem;border-radius:.5rem;text-decoration:none;"
    "font-weight:600;"
)


def same_tab_link(label: str, href: str, *, primary: bool = True) -> None:
    """A button-like link to one of our own routes, opened in this tab (st.link_button
    always opens a new one). `href` is ours; the label is escaped."""
    colours = "background:#0b5394;color:#fff" if primary else "border:1px solid #ccc;color:inherit"
    st.html(
        f'<a href="{html.escape(href)}" style="{_LINK_STYLE}{colours}">{html.escape(label)}</a>'
    )


def deferred_export(
    actor: Actor,
    kind: str,
    build: Callable[..., ExportFile],  # (session, fresh actor) → the file
    *,
    filters=None,
    case_id: int | None = None,
) -> Callable[[], bytes]:
    """A download button's deferred builder. Streamlit calls it when the button is
    clicked, perhaps long after the page was drawn with `actor`: the service resolves
    the actor again, refuses a deactivated or re-scoped one, builds with the fresh
    actor and records the export in the audit trail. Use it for every download of
    case data."""

    def build_now() -> bytes:
        with session_scope() as session:
            return export(
                session=session,
                actor=actor,
                kind=kind,
                build=build,
                filters=filters,
                case_id=case_id,
            )

    return build_now


def unread_badge(actor: Actor | None) -> str | None:
    """The unread notification count for the navigation ("99+" past 99), or None."""
    if actor is None:
        return None
    with session_scope() as session:
        count = unread_count(session=session, user_id=actor.user_id)
    if not count:
        return None
    return "99+" if count > 99 else number(count)
