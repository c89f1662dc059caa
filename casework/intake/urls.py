"""Links to content: which platform a link points at, whose account it names, and a
canonical key for the content whatever shape the link takes (web, mobile, share, embed),
so that two reports of the same post meet. Pure functions and no network: a link whose
content id only a redirect would reveal (a short link) is kept as given and flagged."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from casework.i18n import N_

MAX_URL_LENGTH = 2048

NOT_A_WEB_ADDRESS = N_("Enter a web address starting with http:// or https://.")
TOO_LONG = N_("This is too long.")
HIDDEN_CHARACTERS = N_("A link cannot contain spaces, line breaks or invisible characters.")
CREDENTIALS = N_("A link cannot contain a user name or password.")

# Spaces, control characters and invisible formatting (right-to-left overrides, zero-width
# joiners): none belongs in a link, and the invisible ones are how a link is disguised.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"})
# Copying from chat apps often carries these at the edges; they are dropped there only.
_EDGE_INVISIBLES = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True)
class UrlInfo:
    """What one link says about the content it points at."""

    url: str  # as given, without surrounding whitespace
    platform: str | None = None  # a platform code, or None for any other site
    account_handle: str | None = None  # "@name" when the link carries it
    content_key: str | None = None  # e.g. "tiktok:video:7312345678901234567"
    needs_review: bool = False  # the content id is behind a redirect
    problem: str | None = None  # a message id when the link is refused

    @property
    def ok(self) -> bool:
        return self.problem is None


def analyse_url(raw: str) -> UrlInfo:
    """Check one link and read what it points at. Never raises, never goes online."""
    url = (raw or "").strip().strip(_EDGE_INVISIBLES).strip()
    problem = _problem(url)
    if problem is not None:
        return UrlInfo(url=url, problem=problem)
    parts = urlsplit(url)
    host = parts.hostname.rstrip(".")
    platform = _platform_of(host)
    if platform is None:
        return UrlInfo(url=url)
    handle, key, needs_review = _PARSERS[platform](_Link.of(host, parts))
    return UrlInfo(
        url=url,
        platform=platform,
        account_handle=handle,
        content_key=key,
        needs_review=needs_review,
    )


def platform_mismatch(info: UrlInfo, platform_code: str | None) -> bool:
    """True when the link is on a known platform other than the one chosen on the form."""
    return bool(platform_code) and info.platform is not None and info.platform != platform_code


# --- refusing ---------------------------------------------------------------------------


def _problem(url: str) -> str | None:
    if not url:
        return NOT_A_WEB_ADDRESS
    if len(url) > MAX_URL_LENGTH:
        return TOO_LONG
    if any(unicodedata.category(ch) in _HIDDEN_CATEGORIES for ch in url):
        return HIDDEN_CHARACTERS
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number in range
        host = parts.hostname
    except ValueError:
        return NOT_A_WEB_ADDRESS
    if parts.scheme not in ("http", "https") or not host:
        return NOT_A_WEB_ADDRESS
    # `https://www.tiktok.com@evil.example/` opens evil.example: refuse the disguise.
    if parts.username is not None or parts.password is not None:
        return CREDENTIALS
    if not _valid_host(host.rstrip(".")):
        return NOT_A_WEB_ADDRESS
    return None


_LABEL = re.compile(r"[\w-]+")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    return 0 < len(host) <= 253 and all(_LABEL.fullmatch(label) for label in host.split("."))


# --- which platform ---------------------------------------------------------------------

# Registrable domain → platform; every subdomain (www., m., mobile., web., vm.) counts.
PLATFORM_DOMAINS = {
    "tiktok.com": "tiktok",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.watch": "facebook",
    "fb.me": "facebook",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "youtube-nocookie.com": "youtube",
    "x.com": "x",
    "twitter.com": "x",
    "t.co": "x",
    "threads.net": "threads",
    "threads.com": "threads",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "telegram.dog": "telegram",
}

# Hosts that only redirect: the content id is known after following them, not before.
SHORT_LINK_HOSTS = frozenset({"vm.tiktok.com", "vt.tiktok.com", "fb.watch", "fb.me", "t.co"})


def _platform_of(host: str) -> str | None:
    labels = host.split(".")
    for start in range(len(labels) - 1):
        platform = PLATFORM_DOMAINS.get(".".join(labels[start:]))
        if platform is not None:
            return platform
    return None


@dataclass(frozen=True)
class _Link:
    host: str  # lower case, without "www."
    segments: tuple[str, ...]  # path segments, decoded, without empty ones
    lower: tuple[str, ...]  # the same, in lower case, for matching fixed words
    query: dict[str, str]  # the first value of each parameter

    @classmethod
    def of(cls, host: str, parts) -> _Link:
        path = parts.path
        # Old Twitter and Facebook links kept the path in the fragment: `/#!/user/status/1`.
        if path.strip("/") == "" and parts.fragment.startswith("!/"):
            path = parts.fragment[1:]
        segments = tuple(unquote(s) for s in path.split("/") if s)
        query: dict[str, str] = {}
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(name, value)
        return cls(
            host=host.removeprefix("www."),
            segments=segments,
            lower=tuple(s.lower() for s in segments),
            query=query,
        )

    def starts(self, *words: str) -> bool:
        return self.lower[: len(words)] == words


# (account handle, content key, needs review)
Reading = tuple[str | None, str | None, bool]
_NOTHING: Reading = (None, None, False)
_SHORT_LINK: Reading = (None, None, True)

_DIGITS = re.compile(r"\d{1,30}")
_CODE = re.compile(r"[A-Za-z0-9_-]{1,80}")  # Instagram and Threads shortcodes
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_CHANNEL = re.compile(r"UC[A-Za-z0-9_-]{22}")
_FACEBOOK_ID = re.compile(r"[A-Za-z0-9]{1,100}")  # numeric ids and the newer pfbid… ids


def _is(pattern: re.Pattern[str], value: str | None) -> bool:
    return value is not None and pattern.fullmatch(value) is not None


def _handle(name: str, pattern: re.Pattern[str]) -> str | None:
    name = name.removeprefix("@")
    return f"@{name}" if pattern.fullmatch(name) else None


def _account(platform: str, handle: str | None) -> Reading:
    if handle is None:
        return _NOTHING
    return handle, f"{platform}:account:{handle[1:].lower()}", False


# --- TikTok -----------------------------------------------------------------------------

_TIKTOK_NAME = re.compile(r"[A-Za-z0-9._]{1,64}")


def _tiktok(link: _Link) -> Reading:
    s = link.segments
    if link.host in SHORT_LINK_HOSTS or (link.starts("t") and len(s) >= 2):
        return _SHORT_LINK
    if s and s[0].startswith("@"):
        handle = _handle(s[0], _TIKTOK_NAME)
        # Photo posts are items like videos: the same id opens under /video/ too.
        if len(s) >= 3 and link.lower[1] in ("video", "photo") and _is(_DIGITS, s[2]):
            return handle, f"tiktok:video:{s[2]}", False
        if len(s) == 1 or link.lower[1:] == ("live",):
            return _account("tiktok", handle)
        return handle, None, False
    item = None
    if link.starts("embed") or link.starts("player") or link.starts("share", "video"):
        item = s[-1] if len(s) >= 2 else None
    elif link.starts("v") and len(s) >= 2:  # m.tiktok.com/v/<id>.html
        item = s[1].removesuffix(".html")
    if _is(_DIGITS, item):
        return None, f"tiktok:video:{item}", False
    return _NOTHING


# --- YouTube ----------------------------------------------------------------------------

_YOUTUBE_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")


def _youtube_video(video_id: str | None) -> Reading:
    if _is(_YOUTUBE_ID, video_id):
        return None, f"youtube:video:{video_id}", False
    return _NOTHING


def _youtube(link: _Link) -> Reading:
    s = link.segments
    if link.host == "youtu.be":
        return _youtube_video(s[0] if s else None)
    if link.starts("watch"):
        return _youtube_video(link.query.get("v"))
    if len(s) >= 2 and link.lower[0] in ("shorts", "live", "embed", "v", "e"):
        return _youtube_video(s[1])
    if s and s[0].startswith("@"):
        return _account("youtube", _handle(s[0], _YOUTUBE_NAME))
    if len(s) >= 2 and link.lower[0] == "channel" and _is(_YOUTUBE_CHANNEL, s[1]):
        return None, f"youtube:channel:{s[1]}", False
    if len(s) >= 2 and link.lower[0] in ("c", "user") and _is(_YOUTUBE_NAME, s[1]):
        return None, f"youtube:user:{s[1].lower()}", False
    if len(s) >= 2 and link.lower[0] in ("post", "clip") and _is(_CODE, s[1]):
        return None, f"youtube:{link.lower[0]}:{s[1]}", False
    if link.starts("playlist") and _is(_CODE, link.query.get("list")):
        return None, f"youtube:playlist:{link.query['list']}", False
    return _NOTHING


# --- X (Twitter) ------------------------------------------------------------------------

_X_NAME = re.compile(r"[A-Za-z0-9_]{1,50}")
_X_RESERVED = frozenset(
    {"home", "explore", "search", "i", "settings", "messages", "notifications", "hashtag"}
    | {"intent", "share", "login", "signup", "tos", "privacy", "compose", "account", "jobs"}
)
_X_PROFILE_TABS = frozenset({"with_replies", "media", "likes", "highlights", "articles"})


def _x(link: _Link) -> Reading:
    s, low = link.segments, link.lower
    if link.host in SHORT_LINK_HOSTS:
        return _SHORT_LINK
    if len(s) >= 4 and link.starts("i", "web", "status") and _is(_DIGITS, s[3]):
        return None, f"x:status:{s[3]}", False
    if len(s) >= 3 and link.starts("i", "status") and _is(_DIGITS, s[2]):
        return None, f"x:status:{s[2]}", False
    if len(s) >= 3 and low[0] == "i" and low[1] in ("spaces", "broadcasts") and _is(_CODE, s[2]):
        return None, f"x:{low[1].removesuffix('s')}:{s[2]}", False
    if not s or low[0] in _X_RESERVED:
        return _NOTHING
    handle = _handle(s[0], _X_NAME)
    if len(s) >= 3 and low[1] in ("status", "statuses") and _is(_DIGITS, s[2]):
        return handle, f"x:status:{s[2]}", False
    if len(s) == 1 or (len(s) == 2 and low[1] in _X_PROFILE_TABS):
        return _account("x", handle)
    return handle, None, False


# --- Instagram --------------------------------------------------------------------------

_INSTAGRAM_NAME = re.compile(r"[A-Za-z0-9._]{1,64}")
_INSTAGRAM_POSTS = frozenset({"p", "reel", "reels", "tv"})
_INSTAGRAM_RESERVED = _INSTAGRAM_POSTS | frozenset(
    {"stories", "explore", "accounts", "direct", "about", "developer", "legal", "web"}
    | {"share", "challenge", "emails", "session", "privacy", "terms", "api", "static", "ar"}
)
_INSTAGRAM_TABS = frozenset({"reels", "tagged", "live", "guides", "followers", "following"})


def _instagram(link: _Link) -> Reading:
    s, low = link.segments, link.lower
    if link.starts("share") and len(s) >= 2:  # /share/reel/<code>: an opaque share code
        return _SHORT_LINK
    if link.starts("stories") and len(s) >= 3:
        if low[1] == "highlights":
            return (None, f"instagram:highlight:{s[2]}", False) if _is(_DIGITS, s[2]) else _NOTHING
        handle = _handle(s[1], _INSTAGRAM_NAME)
        return (handle, f"instagram:story:{s[2]}", False) if _is(_DIGITS, s[2]) else _NOTHING
    if link.starts("stories") and len(s) == 2:
        return _account("instagram", _handle(s[1], _INSTAGRAM_NAME))
    if not s:
        return _NOTHING
    # Posts and reels share one shortcode space; newer links put the author first.
    owner = None if low[0] in _INSTAGRAM_RESERVED else _handle(s[0], _INSTAGRAM_NAME)
    at = 1 if owner and len(s) >= 3 else 0
    code = s[at + 1] if len(s) >= at + 2 and low[at] in _INSTAGRAM_POSTS else None
    if code is not None and low[at + 1] != "audio" and _is(_CODE, code):  # /reels/audio/<id>
        return owner, f"instagram:post:{code}", False
    if owner and (len(s) == 1 or (len(s) == 2 and low[1] in _INSTAGRAM_TABS)):
        return _account("instagram", owner)
    return owner, None, False


# --- Facebook ---------------------------------------------------------------------------

_FACEBOOK_NAME = re.compile(r"[A-Za-z0-9.\-]{1,100}")
_FACEBOOK_RESERVED = frozenset(
    {"watch", "groups", "share", "events", "marketplace", "pages", "photo", "reel", "reels"}
    | {"stories", "login", "help", "hashtag", "gaming", "sharer", "dialog", "plugins", "media"}
    | {"notes", "search", "friends", "messages", "notifications", "bookmarks", "settings"}
    | {"privacy", "policies", "ads", "business", "live", "people", "public", "l.php"}
    | {"permalink.php", "story.php", "photo.php", "video.php", "profile.php", "sharer.php"}
)


def _last_number(segments: tuple[str, ...]) -> str | None:
    return next((s for s in reversed(segments) if _is(_DIGITS, s)), None)


def _facebook(link: _Link) -> Reading:
    s, low, q = link.segments, link.lower, link.query
    if link.host in SHORT_LINK_HOSTS:
        return _SHORT_LINK
    if link.starts("share"):  # /share/p/<code>, /share/v/<code>, /share/r/<code>
        return _SHORT_LINK if len(s) >= 2 else _NOTHING
    if not s:
        return _NOTHING
    first = low[0]
    if first in ("permalink.php", "story.php"):
        story, owner = q.get("story_fbid"), q.get("id")
        if _is(_FACEBOOK_ID, story) and _is(_DIGITS, owner):
            return None, f"facebook:story:{story}:{owner}", False
        return _NOTHING
    if first in ("watch", "video.php") and _is(_DIGITS, q.get("v")):
        return None, f"facebook:video:{q['v']}", False
    # Reels are videos: /reel/<id> and /watch/?v=<id> open the same one.
    if first == "reel" and len(s) >= 2 and _is(_DIGITS, s[1]):
        return None, f"facebook:video:{s[1]}", False
    if first in ("photo", "photo.php") and _is(_DIGITS, q.get("fbid")):
        return None, f"facebook:photo:{q['fbid']}", False
    if first == "groups" and len(s) >= 4 and low[2] in ("posts", "permalink"):
        return (None, f"facebook:post:{s[3]}", False) if _is(_FACEBOOK_ID, s[3]) else _NOTHING
    if first == "events" and len(s) >= 2 and _is(_DIGITS, s[1]):
        return None, f"facebook:event:{s[1]}", False
    if first == "profile.php" and _is(_DIGITS, q.get("id")):
        return None, f"facebook:account:{q['id']}", False
    if first == "people" and len(s) >= 3 and _is(_DIGITS, s[2]):
        return None, f"facebook:account:{s[2]}", False
    if first in _FACEBOOK_RESERVED:
        return _NOTHING
    # A page or profile by name; numeric page ids are not handles.
    handle = None if s[0].isdigit() else _handle(s[0], _FACEBOOK_NAME)
    if len(s) >= 3 and low[1] == "posts" and _is(_FACEBOOK_ID, s[2]):
        return handle, f"facebook:post:{s[2]}", False
    if len(s) >= 3 and low[1] in ("videos", "photos"):
        number = _last_number(s[2:])
        kind = "video" if low[1] == "videos" else "photo"
        return handle, (f"facebook:{kind}:{number}" if number else None), False
    if len(s) == 1:
        return _account("facebook", handle)
    return handle, None, False


# --- Threads ----------------------------------------------------------------------------


def _threads(link: _Link) -> Reading:
    s = link.segments
    if s and s[0].startswith("@"):
        handle = _handle(s[0], _INSTAGRAM_NAME)  # Threads names are Instagram names
        if len(s) >= 3 and link.lower[1] == "post" and _is(_CODE, s[2]):
            return handle, f"threads:post:{s[2]}", False
        if len(s) == 1:
            return _account("threads", handle)
        return handle, None, False
    if link.starts("t") and len(s) >= 2 and _is(_CODE, s[1]):
        return None, f"threads:post:{s[1]}", False
    return _NOTHING


# --- Telegram ---------------------------------------------------------------------------

_TELEGRAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,63}")
_TELEGRAM_RESERVED = frozenset(
    {"joinchat", "addstickers", "addemoji", "addlist", "proxy", "socks", "share", "iv"}
    | {"login", "setlanguage", "bg", "addtheme", "boost", "confirmphone", "contact", "invoice"}
)


def _telegram(link: _Link) -> Reading:
    s = link.segments
    if s and (s[0].startswith("+") or link.lower[0] == "joinchat"):
        return _SHORT_LINK  # an invitation: the chat is known only by opening it
    if link.starts("s"):  # t.me/s/<channel>/<id>: the web preview of the same post
        s = s[1:]
    if len(s) >= 3 and s[0].lower() == "c" and all(_is(_DIGITS, p) for p in s[1:]):
        return None, f"telegram:c/{s[1]}/{s[-1]}", False  # a private channel, by number
    if not s or s[0].lower() in _TELEGRAM_RESERVED or not _is(_TELEGRAM_NAME, s[0]):
        return _NOTHING
    handle = f"@{s[0]}"
    # /<channel>/<id>, or /<group>/<topic>/<id>: message ids are unique per chat.
    if 2 <= len(s) <= 3 and all(_is(_DIGITS, p) for p in s[1:]):
        return handle, f"telegram:{s[0].lower()}/{s[-1]}", False
    if len(s) == 1:
        return handle, f"telegram:account:{s[0].lower()}", False
    return handle, None, False


_PARSERS: dict[str, Callable[[_Link], Reading]] = {
    "tiktok": _tiktok,
    "youtube": _youtube,
    "x": _x,
    "instagram": _instagram,
    "facebook": _facebook,
    "threads": _threads,
    "telegram": _telegram,
}


# Parameters that only say who shared a link or from where: two copies of one link
# differ in them, the content does not.
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|igshid|igsh|mibextid)$", re.I)


def normalised_url(url: str) -> str:
    """One spelling of a link: scheme and host in lower case, no fragment, no trailing
    slash, no tracking parameters. Two copies of the same link meet on it."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.port:
        host = f"{host}:{parts.port}"
    query = "&".join(
        f"{k}={v}" if v else k
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k)
    )
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{host}{path}" + (f"?{query}" if query else "")


def link_key(url: str) -> str:
    """The key of a case whose links carry no content id (a short link, another site):
    the normalised link itself, so the same short link filed twice is recognised."""
    key = f"url:{normalised_url(url)}"
    return key if len(key) <= 300 else "url:sha256:" + _sha256(normalised_url(url))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def case_key(links: list[tuple[str, str | None]]) -> str | None:
    """A case's content key from its (url, canonical key) links: the first content id
    that can be known, else the first link's own key; None without links."""
    known = next((key for _url, key in links if key), None)
    if known or not links:
        return known
    return link_key(links[0][0])


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


def links_in_text(text: str | None, *, limit: int = 20) -> list[str]:
    """The web addresses written in free text (a comment), in order, each once, without
    the punctuation that ends the sentence around them; only those analyse_url accepts."""
    found: list[str] = []
    for match in _URL_IN_TEXT.finditer(text or ""):
        url = match.group(0).rstrip(".,;:!?)]}'\"")
        if url not in found and analyse_url(url).ok:
            found.append(url)
        if len(found) == limit:
            break
    return found
