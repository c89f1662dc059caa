"""A loopback "platform": a small HTTP server serving pages shaped like TikTok's and X's
(open-graph tags, a canonical link, the author's handle, lazy-loaded media), a login
wall, a region block, the platform's own "unavailable" page, a redirect chain, a 404, a
410 and a slow page. A test removes a page (`remove`) to see a verification flip."""

from __future__ import annotations

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw

TIKTOK_VIDEO = "/@kandidat.satu/video/7312345678901234567"
X_POST = "/kandidat_dua/status/1750000000000000001"
REPOST = "/@akun.lain/video/7312345678901239999"
OTHER_VIDEO = "/@akun.ketiga/video/7312345678901230000"
LOGIN_WALL = "/@kandidat.satu/video/7312345678901200001"
REGION_BLOCK = "/kandidat_dua/status/1750000000000000451"
UNAVAILABLE = "/@kandidat.satu/video/7312345678901200404"
SHORT_LINK = "/t/ZSabc123"
MISSING = "/@hilang/video/7312345678901200000"
GONE = "/kandidat_dua/status/1750000000000000410"
SLOW = "/@lambat/video/7312345678901200003"
SLOW_SECONDS = 4


def frame(kind: str) -> bytes:
    """A video frame as PNG: `a` (the reposted video: stripes and a disc) or `b` (a
    different video: a grid of squares)."""
    image = Image.new("RGB", (720, 960), "white")
    draw = ImageDraw.Draw(image)
    if kind == "a":
        for y in range(0, 960, 120):
            draw.rectangle((0, y, 720, y + 60), fill=(200, 30, 30))
        draw.ellipse((160, 280, 560, 680), fill=(20, 20, 120))
    else:
        for x in range(0, 720, 90):
            for y in range(0, 960, 90):
                if (x // 90 + y // 90) % 2:
                    draw.rectangle((x, y, x + 90, y + 90), fill=(10, 140, 60))
        draw.line((0, 960, 720, 0), fill=(0, 0, 0), width=40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _tiktok_page(handle: str, video_id: str, caption: str, media: str) -> str:
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>{caption} | TikTok</title>
<link rel="canonical" href="https://www.tiktok.com/{handle}/video/{video_id}">
<meta property="og:title" content="{caption}">
<meta property="og:type" content="video.other">
<meta property="og:image" content="/media/{media}.png">
<meta property="og:url" content="https://www.tiktok.com/{handle}/video/{video_id}">
<style>body{{margin:0;font-family:sans-serif}} .feed{{height:1400px}}
img{{display:block;width:720px;height:960px}}</style></head>
<body><div class="feed">
<h1 data-e2e="browse-username">{handle}</h1><p>{caption}</p></div>
<img data-src="/media/{media}.png" alt="" id="lazy">
<script>
const img = document.getElementById('lazy');
new IntersectionObserver((entries, seen) => {{
  for (const e of entries) if (e.isIntersecting) {{ img.src = img.dataset.src; seen.disconnect(); }}
}}).observe(img);
</script></body></html>"""


def _x_page(handle: str, text: str) -> str:
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>{handle} di X: "{text}" / X</title>
<link rel="canonical" href="https://x.com/{handle}/status/1750000000000000001">
<meta property="og:title" content="{handle} di X">
<meta property="og:description" content="{text}">
<meta name="twitter:creator" content="@{handle}">
</head><body><article><div data-testid="User-Name">Kandidat Dua @{handle}</div>
<p>{text}</p><img src="/media/a.png" width="360" height="480" alt=""></article></body></html>"""


def _plain(title: str, body: str) -> str:
    return f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"


class FakePlatform:
    """The server, on 127.0.0.1 and a free port; `url(path)` gives a full link."""

    def __init__(self):
        self.removed: set[str] = set()
        self.requests: list[str] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):  # noqa: N802 - the http.server API
                platform.requests.append(self.path)
                status, headers, body = platform.respond(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakePlatform:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def remove(self, path: str) -> None:
        self.removed.add(path)

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        path = path.split("?")[0]
        if path in self.removed:
            return 404, html, _plain("Page not found", "<h1>Not found</h1>").encode()
        if path.startswith("/media/"):
            kind = path.removeprefix("/media/").removesuffix(".png")
            return 200, {"Content-Type": "image/png"}, frame("a" if kind == "a" else "b")
        pages = {
            TIKTOK_VIDEO: _tiktok_page(
                "@kandidat.satu", "7312345678901234567", "Surat suara sudah dicoblos!", "a"
            ),
            REPOST: _tiktok_page(
                "@akun.lain", "7312345678901239999", "Lihat ini: surat suara dicoblos", "a"
            ),
            OTHER_VIDEO: _tiktok_page(
                "@akun.ketiga", "7312345678901230000", "Kampanye di pasar", "b"
            ),
            X_POST: _x_page("kandidat_dua", "Hasil pemilu sudah diatur."),
            LOGIN_WALL: _plain("TikTok", "<h2>Log in to TikTok</h2><p>Manage your account.</p>"),
            REGION_BLOCK: _plain(
                "X", "<p>This post from @kandidat_dua has been withheld in Indonesia.</p>"
            ),
            UNAVAILABLE: _plain("TikTok", "<h2>Video currently unavailable</h2>"),
        }
        if path in pages:
            return 200, html, pages[path].encode()
        if path == SHORT_LINK:
            return 301, {"Location": "/redirect/step-two"}, b""
        if path == "/redirect/step-two":
            return 302, {"Location": TIKTOK_VIDEO}, b""
        if path == GONE:
            return 410, html, _plain("Gone", "<p>Gone</p>").encode()
        if path == SLOW:
            time.sleep(SLOW_SECONDS)
            return 200, html, _plain("Lambat", "<p>lambat</p>").encode()
        return 404, html, _plain("Page not found", "<h1>Not found</h1>").encode()
