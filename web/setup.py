"""`/setup`: the first-run page. While no administrator exists, whoever holds the
one-time code from the server's log creates the first one and is signed in as them
(casework.people.first_admin). Once an administrator exists it only leads to `/signin`."""

from __future__ import annotations

from functools import partial

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from casework.errors import DomainError, ValidationError
from casework.i18n import N_, translator
from casework.people.auth import MAX_PASSWORD, MAX_USERNAME, SESSION_COOKIE, open_session_for
from casework.people.first_admin import admin_exists, complete_first_run
from casework.settings import get_settings
from db.engine import session_scope
from db.types import utcnow
from web.forms import CSRF_FIELD, FormRejected, csrf_ok, csrf_token, is_https, read_form
from web.html import SECURITY_HEADERS, alert, document, esc, hidden
from web.html import language_links as _language_links
from web.signin import SIGN_IN_PATH, _language, _message_page, _never_crash, _respond

SETUP_PATH = "/setup"
PASSWORDS_DIFFER = N_("The two passwords differ.")

# (field, label, input type, autocomplete, max length)
_FIELDS = (
    ("code", N_("One-time set-up code"), "text", "one-time-code", 40),
    ("username", N_("User name"), "text", "username", MAX_USERNAME),
    ("display_name", N_("Name"), "text", "name", 200),
    ("email", N_("E-mail (optional)"), "text", "email", 254),
    ("password", N_("Password"), "password", "new-password", MAX_PASSWORD),
    ("password_again", N_("The same password again"), "password", "new-password", MAX_PASSWORD),
)


def _no_admin() -> bool:
    with session_scope() as session:
        return not admin_exists(session)


def _page(
    request: Request,
    *,
    lang: str,
    status: int = 200,
    values: dict[str, str] | None = None,
    error: str | None = None,
    field_errors: dict[str, str] | None = None,
    picked: str | None = None,
) -> Response:
    settings = get_settings()
    _ = translator(lang)
    token, new_csrf = csrf_token(request, settings.secret_key)
    values, field_errors = values or {}, field_errors or {}
    intro = esc(
        _(
            "Pantau has no administrator yet. Create the first one here. The one-time "
            "code is in the server's log, printed at start."
        )
    )
    inputs = []
    for name, label, kind, complete, limit in _FIELDS:
        value = "" if kind == "password" else values.get(name, "")
        required = "" if name == "email" else " required"
        inputs.append(
            f'<label for="{name}">{esc(_(label))}</label>'
            f'<input id="{name}" name="{name}" type="{kind}" autocomplete="{complete}"'
            f' maxlength="{limit}" value="{esc(value)}"{required}>'
        )
        if name in field_errors:
            inputs.append(f'<p class="alert" role="alert">{esc(field_errors[name])}</p>')
    form = (
        f'<p class="note">{intro}</p>'
        f'<form class="card" method="post" action="{SETUP_PATH}">'
        f"{hidden(CSRF_FIELD, token)}{hidden('lang', lang)}{''.join(inputs)}"
        f'<button type="submit">{esc(_("Create the administrator"))}</button></form>'
    )
    nav = _language_links(SETUP_PATH, lang, {}, _("Language"))
    content = document(lang=lang, title=_("First start"), body=alert(error) + form, nav=nav)
    return _respond(request, content, status=status, new_csrf=new_csrf, picked=picked)


@_never_crash
async def setup_form(request: Request) -> Response:
    if not await anyio.to_thread.run_sync(_no_admin):
        return RedirectResponse(SIGN_IN_PATH, status_code=303, headers=SECURITY_HEADERS)
    lang, picked = _language(request)
    return _page(request, lang=lang, picked=picked)


def _create(form: dict[str, str], request: Request):
    settings = get_settings()
    with session_scope() as session:
        outcome = complete_first_run(
            session=session,
            settings=settings,
            code=form.get("code", ""),
            username=form.get("username", ""),
            display_name=form.get("display_name", ""),
            email=form.get("email") or None,
            password=form.get("password", ""),
        )
    with session_scope() as session:
        return open_session_for(
            session=session,
            settings=settings,
            user_id=outcome.user_id,
            method="password",
            user_agent=(request.headers.get("user-agent") or "")[:300] or None,
            ip_address=request.client.host if request.client else None,
        )


@_never_crash
async def setup_submit(request: Request) -> Response:
    try:
        form = await read_form(request)
    except FormRejected as rejected:
        return _message_page(request, status=rejected.status)
    lang, _picked = _language(request, form)
    _ = translator(lang)
    retry = partial(_page, request, lang=lang, values=form)
    if not csrf_ok(request, form, get_settings().secret_key):
        return retry(status=400, error=_("This form has expired. Please try again."))
    if form.get("password", "") != form.get("password_again", ""):
        return retry(status=422, field_errors={"password_again": _(PASSWORDS_DIFFER)})
    try:
        created = await anyio.to_thread.run_sync(_create, form, request)
    except ValidationError as error:
        fields = {
            key: _(message).format(**error.params) for key, message in error.field_errors.items()
        }
        return retry(status=422, error=error.translated(_), field_errors=fields)
    except DomainError as error:
        return retry(status=403, error=error.translated(_))
    response = RedirectResponse("/", status_code=303, headers=SECURITY_HEADERS)
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


routes = [
    Route(SETUP_PATH, setup_form, methods=["GET"]),
    Route(SETUP_PATH, setup_submit, methods=["POST"]),
]
