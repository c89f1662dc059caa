"""Small, self-contained HTML pages for the routes in `web/` (sign-in, sign-out, errors).

No script, no external asset: the pages must work under a CSP that allows nothing but
inline styles. Every dynamic value goes through `esc` before it reaches the markup."""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import urlencode

from starlette.responses import HTMLResponse

from casework.i18n import LANGUAGE_NAMES, LANGUAGES

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#f4f6f8;color:#1d2733;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:58rem;margin:0 auto;padding:1.5rem 1rem 3rem}
header{display:flex;justify-content:space-between;align-items:center;margin-bottom:1.5rem}
.brand{font-weight:700;font-size:1.25rem;color:#0b4f8a;text-decoration:none}
nav a{margin-left:.75rem;color:#0b4f8a}
nav a[aria-current]{font-weight:700;text-decoration:none;color:#1d2733}
h1{font-size:1.6rem;margin:0 0 1rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem}
.card{background:#fff;border:1px solid #d6dde5;border-radius:.5rem;padding:1.25rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.55rem .65rem;font:inherit;
  border:1px solid #8b98a8;border-radius:.35rem}
input:focus,button:focus,a:focus{outline:3px solid #f2b705;outline-offset:1px}
button{margin-top:1rem;padding:.55rem 1.2rem;font:inherit;font-weight:600;color:#fff;
  background:#0b4f8a;border:0;border-radius:.35rem;cursor:pointer}
button.small{margin:0;white-space:nowrap;padding:.3rem .8rem;font-size:.9rem}
.alert{padding:.75rem 1rem;border-radius:.35rem;margin-bottom:1rem;
  background:#fdecea;border:1px solid #e0a39c;color:#7a1d12}
.note{color:#4a5867;font-size:.95rem}
code{white-space:nowrap;background:#e8edf2;padding:.1rem .35rem;border-radius:.25rem}
table{width:100%;border-collapse:collapse;background:#fff;font-size:.95rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e1e6ec;vertical-align:middle}
th{background:#e8edf2}
form.inline{margin:0}
"""


def esc(value: object) -> str:
    """`value` as text that can never become markup, in an element or an attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">'


def alert(message: str | None) -> str:
    return f'<p class="alert" role="alert">{esc(message)}</p>' if message else ""


def language_links(path: str, current: str, params: dict[str, str], label: str) -> str:
    """Links to the same page in each language; following one also remembers it."""
    links = []
    for code in LANGUAGES:
        query = urlencode({"set_language": code, **params})
        current_mark = ' aria-current="true"' if code == current else ""
        links.append(
            f'<a href="{esc(path)}?{esc(query)}" lang="{code}" hreflang="{code}"'
            f"{current_mark}>{esc(LANGUAGE_NAMES[code])}</a>"
        )
    return f'<nav aria-label="{esc(label)}">{"".join(links)}</nav>'


def document(*, lang: str, title: str, body: str, nav: str = "") -> str:
    """A whole page: `body` and `nav` are markup already escaped by the caller."""
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · Pantau</title><style>{STYLE}</style></head>"
        f'<body><main><header><a class="brand" href="/">Pantau</a>{nav}</header>'
        f"<h1>{esc(title)}</h1>{body}</main></body></html>"
    )


def table(headings: Iterable[str], rows: Iterable[Iterable[str]], caption: str) -> str:
    """A table; `rows` hold markup already escaped by the caller."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<table><caption class="note" style="text-align:left">{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def html_response(content: str, *, status: int = 200) -> HTMLResponse:
    """An HTML response with the security headers every page of ours carries."""
    return HTMLResponse(content, status_code=status, headers=SECURITY_HEADERS)
