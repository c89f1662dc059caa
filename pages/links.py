"""Links to reported content, drawn so that they can be opened and can do nothing else:
anchors built here from escaped text, opened in a new tab without access to this one
(noopener, noreferrer), beside what the link says about the content (platform,
account, content key) and a visible flag on a short link. User text never goes through
markdown here."""

from __future__ import annotations

import html
from dataclasses import dataclass

import streamlit as st

from casework.intake.urls import analyse_url
from pages import ui

_DISPLAY = 70  # characters of a long link shown; the whole link is its target and title


@dataclass(frozen=True)
class LinkRow:
    url: str
    platform: str | None = None
    account: str | None = None
    content_key: str | None = None
    short: bool = False


def anchor(url: str) -> str:
    """An anchor to `url` (http or https only; anything else is shown as text)."""
    shown = url if len(url) <= _DISPLAY else url[: _DISPLAY - 1] + "…"
    if not url.lower().startswith(("https://", "http://")):
        return html.escape(shown)
    return (
        f'<a href="{html.escape(url, quote=True)}" title="{html.escape(url, quote=True)}" '
        f'target="_blank" rel="noopener noreferrer">{html.escape(shown)}</a>'
    )


def row_for(url: str, platform_names: dict[str, str] | None = None, **known) -> LinkRow:
    """What a link says about its content, read from the link itself unless given."""
    info = analyse_url(url)
    platform = known.get("platform") or info.platform
    return LinkRow(
        url=url,
        platform=(platform_names or {}).get(platform or "", platform),
        account=known.get("account") or info.account_handle or known.get("fallback_account"),
        content_key=known.get("content_key") or info.content_key,
        short=known.get("short", info.needs_review),
    )


def link_table(rows: list[LinkRow], *, key: str) -> None:
    """The links as a small table: the link (opens in a new tab), platform, account,
    content key, and a flag on a short link."""
    if not rows:
        return
    _ = ui.gettext()
    short_flag = html.escape(_("Short link: the content is known only by opening it"))
    head = "".join(
        f"<th style='text-align:left;padding:.2rem .5rem'>{html.escape(h)}</th>"
        for h in (_("Link"), _("Platform"), _("Account"), _("Content key"))
    )
    body = []
    for row in rows:
        flag = (
            f" <span style='background:#fff3cd;color:#664d03;border-radius:.3rem;"
            f"padding:0 .3rem;font-size:.8em'>{short_flag}</span>"
            if row.short
            else ""
        )
        cells = [
            anchor(row.url) + flag,
            html.escape(row.platform or "—"),
            html.escape(row.account or "—"),
            f"<code>{html.escape(row.content_key)}</code>" if row.content_key else "—",
        ]
        body.append(
            "<tr>"
            + "".join(
                f"<td style='padding:.2rem .5rem;word-break:break-all'>{c}</td>" for c in cells
            )
            + "</tr>"
        )
    st.html(
        f"<table class='pantau-links' data-key='{html.escape(key, quote=True)}' "
        f"style='width:100%;border-collapse:collapse;font-size:.9rem'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def link_line(urls: list[str]) -> None:
    """Links found in free text (a comment), each openable, in one line."""
    if urls:
        st.html(
            "<div class='pantau-comment-links' style='font-size:.9rem'>"
            + " · ".join(anchor(u) for u in urls)
            + "</div>"
        )
