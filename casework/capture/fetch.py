"""One page in headless Chromium through Playwright: its traffic, its metadata, a
full-page screenshot. Debian's Chromium, launched by path (never `playwright install`).
One browser serves many fetches; each fetch gets a fresh context (no cookies, no cache,
no storage carried from one case's link to the next), closed afterwards."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from casework.capture.archive import Exchange, Traffic
from casework.settings import Settings
from db.types import utcnow

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}
MAX_EXCHANGES = 400
MAX_ARCHIVED_BYTES = 60 * 1024 * 1024
MAX_TEXT = 20_000
# Lazy media: scroll a screen at a time (at most this many) so that it loads.
SCROLL_STEPS = 12
SETTLE_MS = 1500

_HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]{2,30})\b")
_PAGE_FACTS = """(maxText) => {
  const meta = {};
  const wanted = 'meta[property^="og:"], meta[name^="og:"], meta[name^="twitter:"], '
    + 'meta[property^="article:"], meta[name="author"], meta[name="description"]';
  for (const m of document.querySelectorAll(wanted)) {
    const key = m.getAttribute('property') || m.getAttribute('name');
    if (key && !(key in meta)) meta[key] = (m.getAttribute('content') || '').slice(0, 1000);
  }
  const canonical = document.querySelector('link[rel="canonical"]');
  const authorSelectors = ['[data-e2e="browse-username"]', '[data-e2e="video-author-uniqueid"]',
    '[data-testid="User-Name"]', 'a[rel="author"]', '[itemprop="author"]', '.author-handle'];
  let author = null;
  for (const s of authorSelectors) {
    const el = document.querySelector(s);
    if (el && el.innerText && el.innerText.trim()) { author = el.innerText.trim(); break; }
  }
  return {
    title: document.title || null,
    canonical: canonical ? canonical.href : null,
    meta, author,
    text: document.body ? document.body.innerText.slice(0, maxText) : '',
  };
}"""
_MEDIA_LOADED = """() => Array.from(document.images).every(i => i.complete)
  && Array.from(document.querySelectorAll('video')).every(v => v.readyState >= 2 || !v.src)"""
_SCROLL = """async (steps) => {
  for (let i = 0; i < steps; i++) {
    window.scrollBy(0, window.innerHeight);
    await new Promise(r => setTimeout(r, 80));
    if (window.scrollY + window.innerHeight >= document.documentElement.scrollHeight) break;
  }
  window.scrollTo(0, 0);
}"""


@dataclass
class PageResult:
    """What one fetch saw. `failure` is `timeout` or `error` when no page was read."""

    url: str
    captured_at: datetime
    user_agent: str
    proxy: str | None
    http_status: int | None = None
    final_url: str | None = None
    redirects: list[str] = field(default_factory=list)
    title: str | None = None
    canonical_url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    author_handle: str | None = None
    text: str = ""
    screenshot: bytes | None = None
    traffic: Traffic = field(default_factory=Traffic)
    failure: str | None = None
    error: str | None = None


def author_handle(author: str | None, metadata: dict[str, Any], text: str) -> str | None:
    """The account the page shows as its author: a named element, the `twitter:creator`
    tag, or the first @handle in the visible text."""
    for candidate in (author, metadata.get("twitter:creator")):
        if candidate:
            found = _HANDLE.search(candidate) or _HANDLE.search("@" + candidate.lstrip("@"))
            if found:
                return "@" + found.group(1)
    found = _HANDLE.search(text or "")
    return "@" + found.group(1) if found else None


class Browser:
    """One headless Chromium for many fetches. Use as a context manager."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._playwright = None
        self._browser = None

    def __enter__(self) -> Browser:
        self._playwright = sync_playwright().start()
        launch: dict[str, Any] = {
            "executable_path": self.settings.chromium_path,
            "args": CHROMIUM_ARGS,
            "headless": True,
        }
        if self.settings.capture_proxy:
            launch["proxy"] = {"server": self.settings.capture_proxy}
        self._browser = self._playwright.chromium.launch(**launch)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._playwright is not None:
                self._playwright.stop()
            self._browser = self._playwright = None

    @property
    def connected(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    def fetch(self, url: str, settings: Settings | None = None) -> PageResult:
        """Load `url` in a fresh context, scroll it so lazy media loads, and read it
        (timeouts and user agent from `settings`, by default the browser's)."""
        settings = settings or self.settings
        result = PageResult(
            url=url,
            captured_at=utcnow(),
            user_agent=settings.capture_user_agent,
            proxy=settings.capture_proxy,
        )
        timeout_ms = settings.capture_timeout_seconds * 1000
        context = self._browser.new_context(
            user_agent=settings.capture_user_agent,
            viewport=VIEWPORT,
            service_workers="block",
            locale="id-ID",
            timezone_id="Asia/Jakarta",
        )
        responses = []
        context.on("response", lambda response: responses.append((response, utcnow())))
        try:
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            try:
                response = page.goto(url, wait_until="load", timeout=timeout_ms)
            except PlaywrightTimeout:
                result.failure, result.error = "timeout", "the page did not load in time"
                return result
            except PlaywrightError as error:
                result.failure, result.error = "error", str(error).splitlines()[0][:300]
                return result
            if response is not None:
                result.http_status = response.status
                chain, request = [], response.request.redirected_from
                while request is not None:
                    chain.append(request.url)
                    request = request.redirected_from
                result.redirects = list(reversed(chain))
            page.evaluate(_SCROLL, SCROLL_STEPS)
            try:
                # The media the scroll started loading, not "network idle": a page that
                # keeps polling is never idle, and the idle wait alone costs 500 ms.
                page.wait_for_function(_MEDIA_LOADED, timeout=SETTLE_MS)
            except PlaywrightTimeout:
                pass  # what loaded in time is what the capture shows
            result.final_url = page.url
            facts = page.evaluate(_PAGE_FACTS, MAX_TEXT)
            result.title = (facts.get("title") or None) and facts["title"][:300]
            result.canonical_url = facts.get("canonical")
            result.metadata = facts.get("meta") or {}
            result.text = facts.get("text") or ""
            result.author_handle = author_handle(facts.get("author"), result.metadata, result.text)
            result.screenshot = page.screenshot(full_page=True, type="png", timeout=timeout_ms)
            result.traffic = _traffic(responses)
        except PlaywrightTimeout:
            result.failure, result.error = "timeout", "the page did not finish in time"
        except PlaywrightError as error:
            result.failure, result.error = "error", str(error).splitlines()[0][:300]
        finally:
            context.close()
        return result


def _traffic(responses) -> Traffic:
    """The exchanges of a fetch, bodies included, as far as the limits allow."""
    traffic, archived = Traffic(), 0
    for response, at in responses[:MAX_EXCHANGES]:
        if response.url.startswith(("data:", "blob:")):
            continue
        body = b""
        if not 300 <= response.status < 400 and archived < MAX_ARCHIVED_BYTES:
            try:
                body = response.body()
            except PlaywrightError:
                body = b""  # evicted or never delivered: the headers are still kept
            archived += len(body)
        request = response.request
        try:
            request_headers = list(request.headers_array())
            response_headers = list(response.headers_array())
        except PlaywrightError:
            request_headers, response_headers = [], []
        traffic.exchanges.append(
            Exchange(
                url=response.url,
                method=request.method,
                request_headers=[(h["name"], h["value"]) for h in request_headers],
                status=response.status,
                reason=response.status_text,
                response_headers=[(h["name"], h["value"]) for h in response_headers],
                body=body,
                at=at,
            )
        )
    return traffic
