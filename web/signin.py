"""`/signin` and `/signout`: the password form and sign-out.

They are plain HTTP routes rather than Streamlit pages because only a route can set an
HttpOnly cookie. The session cookie carries a random token; the session row behind it
(casework.people.auth) is what makes it valid, so sign-out and expiry end it on the server."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from functools import partial, wraps

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from casework.demo import DEMO_ACCOUNTS
from casework.i18n import LANGUAGE_COOKIE, LANGUAGES, N_, translator
from casework.people.accounts import save_language
from casework.people.auth import (
    MAX_PASSWORD,
    MAX_USERNAME,
    SESSION_COOKIE,
    NewSession,
    SignInFailed,
    SignInLocked,
    resolve_session,
    sign_in_with_password,
    sign_out,
)
from casework.people.first_admin import admin_exists
from casework.people.roles import ROLE_LABELS
from casework.settings import Settings, get_settings
from db.engine import session_scope
from db.types import utcnow
from web.forms import (
    CSRF_FIELD,
    FormRejected,
    csrf_ok,
    csrf_token,
    is_https,
    read_form,
    safe_next,
    set_csrf_cookie,
)
from web.html import SECURITY_HEADERS, alert, document, esc, hidden, html_response, table
from web.html import language_links as _language_links

log = logging.getLogger(__name__)

SIGN_IN_PATH = "/signin"
SIGN_OUT_PATH = "/signout"
# Someone who must change their password gets only the account page, which the router
# then serves at the app's root (Streamlit serves the default page there, and answers
# "page not found" for its own path). So they go to `/`, whatever `next` said.
FORCED_CHANGE_PATH = "/"
# Streamlit's st.login cookies (streamlit/web/server/starlette/starlette_server_config.py);
# a large one is split into `<name>_1`, `<name>_2`, ….
STREAMLIT_AUTH_COOKIES = ("_streamlit_user", "_streamlit_user_tokens")
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
FLOODED = N_("Too many failed sign-ins from your network. Please wait a minute and try again.")


class FailureWindow:
    """Failed sign-ins per client address over the last `seconds`, in this process.

    The per-user-name lockout (in the database) stops guessing one account's password; a
    flood across many user names would still cost an argon2 hash per attempt. Past
    `limit` failures from one address, further attempts are refused before the form is
    read or any password hashed. At most `max_addresses` are remembered, the least
    recently failing forgotten first, so the window itself cannot be flooded."""

    def __init__(self, limit: int = 30, seconds: float = 60, max_addresses: int = 10_000):
        self.limit, self.seconds, self.max_addresses = limit, seconds, max_addresses
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float] | None:
        times = self._failures.get(address)
        while times and times[0] <= now - self.seconds:
            times.popleft()
        return times

    def flooded(self, address: str) -> bool:
        with self._lock:
            times = self._recent(address, time.monotonic())
            return times is not None and len(times) >= self.limit

    def failed(self, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            times = self._recent(address, now)
            if times is None:
                times = self._failures[address] = deque(maxlen=self.limit)
            times.append(now)
            self._failures.move_to_end(address)
            while len(self._failures) > self.max_addresses:
                self._failures.popitem(last=False)


sign_in_failures = FailureWindow()


def _address(request: Request) -> str:
    return request.client.host if request.client else "-"


def _language(request: Request, form: dict[str, str] | None = None) -> tuple[str, str | None]:
    """The page's language, and the language the visitor just picked (if they did):
    a language link, else the form's or the URL's `lang`, else the cookie, else the
    server's default."""
    picked = request.query_params.get("set_language")
    if picked in LANGUAGES:
        return picked, picked
    candidates = (
        (form or {}).get("lang"),
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
    )
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate, None
    return get_settings().default_language, None


def _respond(
    request: Request,
    content: str,
    *,
    status: int,
    new_csrf: str | None,
    picked: str | None = None,
) -> Response:
    response = html_response(content, status=status)
    secure = is_https(request)
    if new_csrf:
        set_csrf_cookie(response, new_csrf, secure=secure)
    if picked:
        # Read by the app when a browser session starts, so it opens in this language.
        response.set_cookie(
            LANGUAGE_COOKIE,
            picked,
            max_age=LANGUAGE_COOKIE_SECONDS,
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
        )
    return response


def _demo_accounts(_, form_fields: str, password: str) -> str:
    rows = []
    for username, name, role, organisation in DEMO_ACCOUNTS:
        label = _("Sign in as {name}").format(name=name)
        button = (
            f'<form class="inline" method="post" action="{SIGN_IN_PATH}">{form_fields}'
            f"{hidden('username', username)}{hidden('password', password)}"
            f'<button class="small" type="submit" aria-label="{esc(label)}">'
            f"{esc(_('Sign in'))}</button></form>"
        )
        role_label, code = esc(_(ROLE_LABELS[role])), f"<code>{esc(username)}</code>"
        rows.append((esc(name), esc(organisation), role_label, code, button))
    headings = (_("Name"), _("Organisation"), _("Role"), _("User name"), "")
    note = esc(_("This server runs in demo mode. Every demo account uses the password {password}."))
    return (
        f"<h2>{esc(_('Demo accounts'))}</h2>"
        f'<p class="note">{note.format(password=f"<code>{esc(password)}</code>")}</p>'
        + table(headings, rows, _("One account for each role."))
    )


def _first_run() -> bool:
    with session_scope() as session:
        return not admin_exists(session)


def _sign_in_page(
    request: Request,
    *,
    lang: str,
    next_path: str,
    status: int = 200,
    username: str = "",
    error: str | None = None,
    picked: str | None = None,
    chose: bool = False,
) -> Response:
    settings = get_settings()
    _ = translator(lang)
    token, new_csrf = csrf_token(request, settings.secret_key)
    fields = hidden(CSRF_FIELD, token) + hidden("next", next_path) + hidden("lang", lang)
    if picked or chose:  # a language chosen on the way here is saved at sign-in
        fields += hidden("chose_language", "1")
    username = username[:MAX_USERNAME]
    focus_user, focus_password = ("", " autofocus") if username else (" autofocus", "")
    form = (
        f'<form class="card" method="post" action="{SIGN_IN_PATH}">{fields}'
        f'<label for="username">{esc(_("User name"))}</label>'
        f'<input id="username" name="username" type="text" autocomplete="username" required'
        f' maxlength="{MAX_USERNAME}" value="{esc(username)}"{focus_user}>'
        f'<label for="password">{esc(_("Password"))}</label>'
        f'<input id="password" name="password" type="password" autocomplete="current-password"'
        f' required maxlength="{MAX_PASSWORD}"{focus_password}>'
        f'<button type="submit">{esc(_("Sign in"))}</button></form>'
    )
    body = alert(error) + form
    if not settings.demo_mode and _first_run():
        note = esc(_("Pantau has no administrator yet."))
        link = esc(_("Create the first administrator"))
        body = f'<p class="note">{note} <a href="/setup">{link}</a></p>' + body
    if settings.demo_mode:  # never list accounts, or show a password, outside demo mode
        body += _demo_accounts(_, fields, settings.demo_password)
    params = {"next": next_path} if next_path != "/" else {}
    nav = _language_links(SIGN_IN_PATH, lang, params, _("Language"))
    content = document(lang=lang, title=_("Sign in"), body=body, nav=nav)
    return _respond(request, content, status=status, new_csrf=new_csrf, picked=picked)


def _sign_out_page(
    request: Request, *, lang: str, status: int = 200, error: str | None = None, picked=None
) -> Response:
    _ = translator(lang)
    token, new_csrf = csrf_token(request, get_settings().secret_key)
    body = alert(error) + (
        f'<form class="card" method="post" action="{SIGN_OUT_PATH}">'
        f"{hidden(CSRF_FIELD, token)}{hidden('lang', lang)}"
        f"<p>{esc(_('Sign out of Pantau in this browser?'))}</p>"
        f'<button type="submit">{esc(_("Sign out"))}</button></form>'
        f'<p><a href="/">{esc(_("Back to Pantau"))}</a></p>'
    )
    nav = _language_links(SIGN_OUT_PATH, lang, {}, _("Language"))
    content = document(lang=lang, title=_("Sign out"), body=body, nav=nav)
    return _respond(request, content, status=status, new_csrf=new_csrf, picked=picked)


def _message_page(request: Request, *, status: int, lang: str | None = None) -> Response:
    """A plain page for a request we cannot serve; never the cause's details."""
    lang = lang or _language(request)[0]
    _ = translator(lang)
    if status == 413:
        title, message = _("The form was too large"), _("Please go back and try again.")
    elif status >= 500:
        title = _("Something went wrong")
        message = _("The server could not complete this request. Please try again later.")
    else:
        title, message = _("The form could not be read"), _("Please go back and try again.")
    back = request.url.path if request.url.path in (SIGN_IN_PATH, SIGN_OUT_PATH) else "/"
    body = f'<p>{esc(message)}</p><p><a href="{esc(back)}">{esc(_("Try again"))}</a></p>'
    return html_response(document(lang=lang, title=title, body=body), status=status)


def _never_crash(
    route: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    @wraps(route)
    async def guarded(request: Request) -> Response:
        try:
            return await route(request)
        except Exception:  # the visitor sees a plain 500 page; the details go to the log
            log.exception("%s %s failed", request.method, request.url.path)
            try:
                return _message_page(request, status=500)
            except Exception:
                log.exception("the error page failed too")
                return Response("500", status_code=500, headers=SECURITY_HEADERS)

    return guarded


def _printable(text: str | None, limit: int) -> str | None:
    return "".join(ch for ch in (text or "") if ch.isprintable())[:limit] or None


def _open_session(settings: Settings, username: str, password: str, request: Request) -> NewSession:
    with session_scope() as session:
        return sign_in_with_password(
            session=session,
            settings=settings,
            username=username,
            password=password,
            user_agent=_printable(request.headers.get("user-agent"), 300),
            ip_address=_printable(request.client.host if request.client else None, 64),
        )


@_never_crash
async def sign_in_form(request: Request) -> Response:
    lang, picked = _language(request)
    next_path = safe_next(request.query_params.get("next"))
    return _sign_in_page(request, lang=lang, next_path=next_path, picked=picked)


@_never_crash
async def sign_in_submit(request: Request) -> Response:
    settings = get_settings()
    if sign_in_failures.flooded(_address(request)):
        lang, _picked = _language(request)
        next_path = safe_next(request.query_params.get("next"))
        error = translator(lang)(FLOODED)
        return _sign_in_page(request, lang=lang, next_path=next_path, status=429, error=error)
    try:
        form = await read_form(request)
    except FormRejected as rejected:
        return _message_page(request, status=rejected.status)
    lang, _picked = _language(request, form)
    _ = translator(lang)
    next_path = safe_next(form.get("next"))
    username = form.get("username", "")
    chose = form.get("chose_language") == "1"
    retry = partial(
        _sign_in_page, request, lang=lang, next_path=next_path, username=username, chose=chose
    )
    if not csrf_ok(request, form, settings.secret_key):
        return retry(status=400, error=_("This form has expired. Please try again."))
    try:
        created = await anyio.to_thread.run_sync(
            _open_session, settings, username, form.get("password", ""), request
        )
    except SignInLocked as error:
        sign_in_failures.failed(_address(request))
        return retry(status=429, error=error.translated(_))
    except SignInFailed as error:
        sign_in_failures.failed(_address(request))
        return retry(status=401, error=error.translated(_))
    if chose:
        await anyio.to_thread.run_sync(_save_language, created.user_id, lang)
    target = FORCED_CHANGE_PATH if created.must_change_password else next_path
    response = RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
    lifetime = int((created.expires_at - utcnow()).total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        created.token,
        max_age=max(lifetime, 0),
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )
    return response


def _save_language(user_id: int, language: str) -> None:
    with session_scope() as session:
        save_language(session=session, user_id=user_id, language=language)


def _account_language(token: str | None) -> str | None:
    """The signed-in account's saved language, for the sign-out page."""
    if not token:
        return None
    with session_scope() as session:
        actor = resolve_session(session=session, settings=get_settings(), token=token)
    return actor.language if actor is not None else None


@_never_crash
async def sign_out_form(request: Request) -> Response:
    lang, picked = _language(request)
    explicit = picked or request.query_params.get("lang") in LANGUAGES
    if not explicit:
        saved = await anyio.to_thread.run_sync(
            _account_language, request.cookies.get(SESSION_COOKIE)
        )
        lang = saved if saved in LANGUAGES else lang
    return _sign_out_page(request, lang=lang, picked=picked)


def _end_session(token: str | None) -> None:
    with session_scope() as session:
        sign_out(session=session, token=token)


@_never_crash
async def sign_out_submit(request: Request) -> Response:
    try:
        form = await read_form(request)
    except FormRejected as rejected:
        return _message_page(request, status=rejected.status)
    lang, _picked = _language(request, form)
    if not csrf_ok(request, form, get_settings().secret_key):
        error = translator(lang)("This form has expired. Please try again.")
        return _sign_out_page(request, lang=lang, status=400, error=error)
    await anyio.to_thread.run_sync(_end_session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(SIGN_IN_PATH, status_code=303, headers=SECURITY_HEADERS)
    secure = is_https(request)
    # The sign-in page that follows speaks the language the account had chosen.
    response.set_cookie(
        LANGUAGE_COOKIE,
        lang,
        max_age=LANGUAGE_COOKIE_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
    # Someone who signed in through an identity provider (st.login) is signed out too.
    for name in request.cookies:
        base, _sep, chunk = name.rpartition("_")
        if name in STREAMLIT_AUTH_COOKIES or (base in STREAMLIT_AUTH_COOKIES and chunk.isdigit()):
            response.delete_cookie(name, path="/", httponly=True, samesite="lax")
    return response


routes = [
    Route(SIGN_IN_PATH, sign_in_form, methods=["GET"]),
    Route(SIGN_IN_PATH, sign_in_submit, methods=["POST"]),
    Route(SIGN_OUT_PATH, sign_out_form, methods=["GET"]),
    Route(SIGN_OUT_PATH, sign_out_submit, methods=["POST"]),
]
