"""URL intelligence: one table of real-shaped links, valid and refused, on every platform
and every common shape, and the promise behind it: two shapes of one post, one key."""

# The table keeps one link per line so that it reads as a table.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from casework.intake.urls import (
    CREDENTIALS,
    HIDDEN_CHARACTERS,
    MAX_URL_LENGTH,
    NOT_A_WEB_ADDRESS,
    TOO_LONG,
    UrlInfo,
    analyse_url,
    platform_mismatch,
)

TT = "7312345678901234567"
TWEET = "1757000000000000000"
YT = "dQw4w9WgXcQ"
IG = "C1a2B3c4D5e"
REVIEW = "review"  # marks a link whose content id is behind a redirect

# (url, platform, account handle, content key, needs review or problem message)
# fmt: off
LINKS = [
    # --- TikTok
    (f"https://www.tiktok.com/@akun.contoh/video/{TT}", "tiktok", "@akun.contoh", f"tiktok:video:{TT}", None),
    (f"https://www.tiktok.com/@akun.contoh/video/{TT}?is_from_webapp=1&sender_device=pc&web_id=1", "tiktok", "@akun.contoh", f"tiktok:video:{TT}", None),
    (f"https://m.tiktok.com/@akun.contoh/video/{TT}/?_r=1&_t=8abc", "tiktok", "@akun.contoh", f"tiktok:video:{TT}", None),
    (f"HTTPS://WWW.TIKTOK.COM/@akun.contoh/video/{TT}", "tiktok", "@akun.contoh", f"tiktok:video:{TT}", None),
    (f"https://www.tiktok.com/@akun_2024/photo/{TT}?lang=id-ID", "tiktok", "@akun_2024", f"tiktok:video:{TT}", None),
    (f"https://www.tiktok.com/embed/v2/{TT}", "tiktok", None, f"tiktok:video:{TT}", None),
    (f"https://m.tiktok.com/v/{TT}.html", "tiktok", None, f"tiktok:video:{TT}", None),
    ("https://www.tiktok.com/@akun.contoh", "tiktok", "@akun.contoh", "tiktok:account:akun.contoh", None),
    ("https://www.tiktok.com/@Akun.Contoh/live", "tiktok", "@Akun.Contoh", "tiktok:account:akun.contoh", None),
    ("https://vm.tiktok.com/ZSLxAbc12/", "tiktok", None, None, REVIEW),
    ("https://vt.tiktok.com/ZS8kLmNoP/", "tiktok", None, None, REVIEW),
    ("https://www.tiktok.com/t/ZT8abcdEf/", "tiktok", None, None, REVIEW),
    ("https://www.tiktok.com/tag/pemilu2024", "tiktok", None, None, None),
    # --- YouTube
    (f"https://www.youtube.com/watch?v={YT}", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://www.youtube.com/watch?v={YT}&t=42s&list=PL123&feature=share", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://m.youtube.com/watch?feature=youtu.be&v={YT}", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://youtu.be/{YT}", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://youtu.be/{YT}?si=Xy12AbCdEfGh&t=10", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://www.youtube.com/shorts/{YT}?feature=share", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://youtube.com/live/{YT}?si=abc", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://www.youtube.com/embed/{YT}?autoplay=1", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://www.youtube-nocookie.com/embed/{YT}", "youtube", None, f"youtube:video:{YT}", None),
    (f"https://music.youtube.com/watch?v={YT}&si=q", "youtube", None, f"youtube:video:{YT}", None),
    ("https://www.youtube.com/@KanalContoh", "youtube", "@KanalContoh", "youtube:account:kanalcontoh", None),
    ("https://www.youtube.com/@KanalContoh/videos", "youtube", "@KanalContoh", "youtube:account:kanalcontoh", None),
    ("https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv", "youtube", None, "youtube:channel:UCabcdefghijklmnopqrstuv", None),
    ("https://www.youtube.com/watch?v=short", "youtube", None, None, None),
    ("https://www.youtube.com/results?search_query=pemilu", "youtube", None, None, None),
    # --- X / Twitter
    (f"https://x.com/akun_contoh/status/{TWEET}", "x", "@akun_contoh", f"x:status:{TWEET}", None),
    (f"https://twitter.com/akun_contoh/status/{TWEET}?s=20&t=AbCdEf", "x", "@akun_contoh", f"x:status:{TWEET}", None),
    (f"https://mobile.twitter.com/akun_contoh/status/{TWEET}", "x", "@akun_contoh", f"x:status:{TWEET}", None),
    (f"https://mobile.x.com/akun_contoh/status/{TWEET}/photo/1", "x", "@akun_contoh", f"x:status:{TWEET}", None),
    (f"https://twitter.com/akun_contoh/statuses/{TWEET}", "x", "@akun_contoh", f"x:status:{TWEET}", None),
    (f"https://x.com/i/web/status/{TWEET}", "x", None, f"x:status:{TWEET}", None),
    (f"https://twitter.com/#!/akun_contoh/status/{TWEET}", "x", "@akun_contoh", f"x:status:{TWEET}", None),
    ("https://x.com/Akun_Contoh", "x", "@Akun_Contoh", "x:account:akun_contoh", None),
    ("https://x.com/i/spaces/1YqGoDkzyXoJv", "x", None, "x:space:1YqGoDkzyXoJv", None),
    ("https://t.co/AbC123xYz", "x", None, None, REVIEW),
    ("https://x.com/search?q=pemilu&src=typed_query", "x", None, None, None),
    ("https://x.com/home", "x", None, None, None),
    # --- Instagram
    (f"https://www.instagram.com/p/{IG}/", "instagram", None, f"instagram:post:{IG}", None),
    (f"https://www.instagram.com/p/{IG}/?igsh=MWZ0cXl4eGJm&utm_source=ig_web_copy_link", "instagram", None, f"instagram:post:{IG}", None),
    (f"https://www.instagram.com/reel/{IG}/?igshid=YmMyMTA2M2Y=", "instagram", None, f"instagram:post:{IG}", None),
    (f"https://instagram.com/reels/{IG}", "instagram", None, f"instagram:post:{IG}", None),
    (f"https://www.instagram.com/tv/{IG}", "instagram", None, f"instagram:post:{IG}", None),
    (f"https://m.instagram.com/p/{IG}/", "instagram", None, f"instagram:post:{IG}", None),
    (f"https://www.instagram.com/akun.contoh/p/{IG}/", "instagram", "@akun.contoh", f"instagram:post:{IG}", None),
    (f"https://instagr.am/p/{IG}", "instagram", None, f"instagram:post:{IG}", None),
    ("https://www.instagram.com/akun.contoh/", "instagram", "@akun.contoh", "instagram:account:akun.contoh", None),
    ("https://www.instagram.com/akun.contoh/reels/", "instagram", "@akun.contoh", "instagram:account:akun.contoh", None),
    ("https://www.instagram.com/stories/akun.contoh/3291234567890123456/", "instagram", "@akun.contoh", "instagram:story:3291234567890123456", None),
    ("https://www.instagram.com/share/reel/BAOkXyZ123", "instagram", None, None, REVIEW),
    ("https://www.instagram.com/explore/tags/pemilu/", "instagram", None, None, None),
    ("https://www.instagram.com/reels/audio/1234567890123456/", "instagram", None, None, None),
    # --- Facebook
    ("https://www.facebook.com/akun.contoh/posts/1234567890123456", "facebook", "@akun.contoh", "facebook:post:1234567890123456", None),
    ("https://m.facebook.com/akun.contoh/posts/pfbid02Ab3Cd4Ef5Gh6?mibextid=Nif5oz", "facebook", "@akun.contoh", "facebook:post:pfbid02Ab3Cd4Ef5Gh6", None),
    ("https://web.facebook.com/akun.contoh/posts/1234567890123456/?_rdc=1&_rdr", "facebook", "@akun.contoh", "facebook:post:1234567890123456", None),
    ("https://www.facebook.com/permalink.php?story_fbid=1234567890&id=100064123456789", "facebook", None, "facebook:story:1234567890:100064123456789", None),
    ("https://m.facebook.com/story.php?id=100064123456789&story_fbid=pfbid0Xy9&fbclid=IwAR0abc", "facebook", None, "facebook:story:pfbid0Xy9:100064123456789", None),
    ("https://www.facebook.com/watch/?v=987654321098765", "facebook", None, "facebook:video:987654321098765", None),
    ("https://www.facebook.com/watch?v=987654321098765&ref=sharing", "facebook", None, "facebook:video:987654321098765", None),
    ("https://www.facebook.com/akun.contoh/videos/987654321098765/", "facebook", "@akun.contoh", "facebook:video:987654321098765", None),
    ("https://www.facebook.com/reel/987654321098765?s=yWDuG2&fs=e", "facebook", None, "facebook:video:987654321098765", None),
    ("https://www.facebook.com/groups/relawan.contoh/posts/1122334455667788/", "facebook", None, "facebook:post:1122334455667788", None),
    ("https://www.facebook.com/photo/?fbid=556677889900&set=a.112233", "facebook", None, "facebook:photo:556677889900", None),
    ("https://www.facebook.com/profile.php?id=100064123456789", "facebook", None, "facebook:account:100064123456789", None),
    ("https://www.facebook.com/akun.contoh", "facebook", "@akun.contoh", "facebook:account:akun.contoh", None),
    ("https://www.facebook.com/share/p/1AbCdEfGhJ/", "facebook", None, None, REVIEW),
    ("https://www.facebook.com/share/v/15xYzAbCd/?mibextid=qi2Omg", "facebook", None, None, REVIEW),
    ("https://fb.watch/pQr5StUvW/", "facebook", None, None, REVIEW),
    ("https://fb.me/e/3abcXyz", "facebook", None, None, REVIEW),
    # --- Threads
    (f"https://www.threads.net/@akun.contoh/post/{IG}", "threads", "@akun.contoh", f"threads:post:{IG}", None),
    (f"https://www.threads.com/@akun.contoh/post/{IG}?xmt=AQGz", "threads", "@akun.contoh", f"threads:post:{IG}", None),
    ("https://www.threads.net/@akun.contoh", "threads", "@akun.contoh", "threads:account:akun.contoh", None),
    # --- Telegram
    ("https://t.me/KanalContoh/1234", "telegram", "@KanalContoh", "telegram:kanalcontoh/1234", None),
    ("https://t.me/s/KanalContoh/1234", "telegram", "@KanalContoh", "telegram:kanalcontoh/1234", None),
    ("https://telegram.me/KanalContoh/1234?single", "telegram", "@KanalContoh", "telegram:kanalcontoh/1234", None),
    ("https://t.me/c/1234567890/55", "telegram", None, "telegram:c/1234567890/55", None),
    ("https://t.me/KanalContoh", "telegram", "@KanalContoh", "telegram:account:kanalcontoh", None),
    ("https://t.me/+AbCdEfGh123", "telegram", None, None, REVIEW),
    ("https://t.me/joinchat/AbCdEfGh123", "telegram", None, None, REVIEW),
    # --- other sites: valid, nothing known
    ("https://news.example.co.id/politik/2024/01/hoaks-surat-suara", None, None, None, None),
    ("http://203.0.113.7/video.mp4", None, None, None, None),
    ("https://[2001:db8::1]/konten", None, None, None, None),
    ("https://nottiktok.com/@akun/video/1", None, None, None, None),
    ("https://tiktok.com.example.net/@akun/video/1", None, None, None, None),
    # --- refused
    ("javascript:alert(1)", None, None, None, NOT_A_WEB_ADDRESS),
    ("JaVaScRiPt:alert(document.cookie)", None, None, None, NOT_A_WEB_ADDRESS),
    ("data:text/html,<script>alert(1)</script>", None, None, None, NOT_A_WEB_ADDRESS),
    ("ftp://example.com/video.mp4", None, None, None, NOT_A_WEB_ADDRESS),
    ("file:///etc/passwd", None, None, None, NOT_A_WEB_ADDRESS),
    ("mailto:pelapor@example.com", None, None, None, NOT_A_WEB_ADDRESS),
    ("tiktok.com/@akun/video/1", None, None, None, NOT_A_WEB_ADDRESS),
    ("https://", None, None, None, NOT_A_WEB_ADDRESS),
    ("http:///video/1", None, None, None, NOT_A_WEB_ADDRESS),
    ("", None, None, None, NOT_A_WEB_ADDRESS),
    ("https://www.tiktok.com:99999/@akun", None, None, None, NOT_A_WEB_ADDRESS),
    ("https://<script>.example/", None, None, None, NOT_A_WEB_ADDRESS),
    ("https://www.tiktok.com/@akun contoh/video/1", None, None, None, HIDDEN_CHARACTERS),
    ("https://www.tiktok.com/@akun\tcontoh/video/1", None, None, None, HIDDEN_CHARACTERS),
    ("https://www.tiktok.com/@akun\ncontoh", None, None, None, HIDDEN_CHARACTERS),
    ("https://x.com/akun\x00/status/1", None, None, None, HIDDEN_CHARACTERS),
    ("https://www.tiktok.com/@akun\u202e4pm.exe/video/1", None, None, None, HIDDEN_CHARACTERS),
    ("https://exa\u202emple.com/", None, None, None, HIDDEN_CHARACTERS),
    ("https://x.com/akun\u200b_contoh", None, None, None, HIDDEN_CHARACTERS),
    ("https://user:rahasia@www.tiktok.com/@akun", None, None, None, CREDENTIALS),
    ("https://www.tiktok.com@evil.example/@akun/video/1", None, None, None, CREDENTIALS),
    ("https://example.com/" + "a" * MAX_URL_LENGTH, None, None, None, TOO_LONG),
]
# fmt: on


def _expected(url, platform, handle, key, last) -> UrlInfo:
    return UrlInfo(
        url=url.strip(),
        platform=platform,
        account_handle=handle,
        content_key=key,
        needs_review=last == REVIEW,
        problem=None if last in (None, REVIEW) else last,
    )


def _id(row) -> str:
    return row[0][:70].encode("unicode_escape").decode() or "empty"


@pytest.mark.parametrize("row", LINKS, ids=[_id(row) for row in LINKS])
def test_each_link_is_read_or_refused_as_the_table_says(row):
    assert analyse_url(row[0]) == _expected(*row)


def test_the_table_covers_every_platform_and_enough_shapes():
    assert len(LINKS) >= 80
    platforms = {row[1] for row in LINKS}
    assert platforms == {"tiktok", "youtube", "x", "instagram", "facebook", "threads", None} | {
        "telegram"
    }


@pytest.mark.parametrize(
    "shapes",
    [
        [
            f"https://www.youtube.com/watch?v={YT}",
            f"https://youtu.be/{YT}?si=AbC",
            f"https://m.youtube.com/shorts/{YT}",
            f"https://www.youtube.com/embed/{YT}",
            f"https://youtube.com/live/{YT}?feature=share",
        ],
        [
            f"https://twitter.com/akun/status/{TWEET}",
            f"https://x.com/akun/status/{TWEET}?s=46&t=xyz",
            f"https://mobile.twitter.com/akun/status/{TWEET}/",
            f"https://x.com/i/web/status/{TWEET}",
        ],
        [
            f"https://www.instagram.com/p/{IG}/",
            f"https://www.instagram.com/reel/{IG}/?igsh=MWZ0cXl4",
            f"https://instagram.com/reels/{IG}?utm_source=ig_web_copy_link",
            f"https://www.instagram.com/akun.contoh/reel/{IG}/",
        ],
        [
            f"https://www.tiktok.com/@akun.contoh/video/{TT}",
            f"https://m.tiktok.com/v/{TT}.html?_r=1",
            f"https://www.tiktok.com/@akun.contoh/video/{TT}/?is_from_webapp=1&sender_device=pc",
        ],
        [
            "https://www.facebook.com/watch/?v=987654321098765",
            "https://web.facebook.com/akun.contoh/videos/987654321098765/?fbclid=IwAR",
            "https://m.facebook.com/reel/987654321098765",
        ],
        [
            "https://t.me/KanalContoh/1234",
            "https://t.me/s/kanalcontoh/1234",
            "https://telegram.me/KANALCONTOH/1234/",
        ],
    ],
    ids=["youtube", "x", "instagram", "tiktok", "facebook", "telegram"],
)
def test_every_shape_of_one_post_gives_the_same_key(shapes):
    keys = {analyse_url(url).content_key for url in shapes}
    assert len(keys) == 1 and None not in keys


def test_tracking_parameters_host_case_and_trailing_slashes_never_change_the_key():
    plain = analyse_url(f"https://www.tiktok.com/@akun.contoh/video/{TT}").content_key
    noisy = analyse_url(
        f"  HTTPS://WWW.TikTok.COM/@akun.contoh/video/{TT}//?utm_source=copy&utm_medium=android"
        "&_r=1&is_from_webapp=1&sender_device=pc&refer=embed#comments  "
    ).content_key
    assert plain == noisy == f"tiktok:video:{TT}"


def test_different_posts_never_share_a_key():
    one = analyse_url(f"https://www.instagram.com/p/{IG}/").content_key
    other = analyse_url(f"https://www.instagram.com/p/{IG.lower()}/").content_key
    assert one != other  # shortcodes are case-sensitive


def test_surrounding_whitespace_and_zero_width_marks_are_dropped_from_the_kept_link():
    info = analyse_url(f"\ufeff  https://youtu.be/{YT}\u200b\n")
    assert (info.url, info.problem) == (f"https://youtu.be/{YT}", None)


def test_a_link_of_exactly_the_limit_is_accepted():
    url = "https://example.com/"
    url += "a" * (MAX_URL_LENGTH - len(url))
    assert analyse_url(url).problem is None


@pytest.mark.parametrize(
    ("url", "chosen", "mismatch"),
    [
        (f"https://www.tiktok.com/@a/video/{TT}", "tiktok", False),
        (f"https://www.tiktok.com/@a/video/{TT}", "youtube", True),
        (f"https://www.instagram.com/p/{IG}/", "facebook", True),
        ("https://vm.tiktok.com/ZSLxAbc12/", "tiktok", False),
        ("https://news.example.id/berita", "x", False),
        (f"https://x.com/a/status/{TWEET}", "", False),
        (f"https://x.com/a/status/{TWEET}", None, False),
    ],
)
def test_a_link_mismatches_only_a_different_known_platform(url, chosen, mismatch):
    assert platform_mismatch(analyse_url(url), chosen) is mismatch


# --- links in free text and normalised links (issue 13) --------------------------------


def test_links_in_a_comment_are_found_without_the_sentence_around_them():
    from casework.intake.urls import links_in_text

    text = (
        "Lihat (https://vm.tiktok.com/ZSLx1/), lalu https://x.com/a/status/1. javascript:alert(1)"
    )
    assert links_in_text(text) == ["https://vm.tiktok.com/ZSLx1/", "https://x.com/a/status/1"]


def test_two_copies_of_one_link_normalise_alike():
    from casework.intake.urls import link_key, normalised_url

    assert normalised_url("HTTPS://VM.TikTok.com/ZSLx1/?utm_source=wa#x") == (
        "https://vm.tiktok.com/ZSLx1"
    )
    assert link_key("https://vm.tiktok.com/ZSLx1/") == link_key("https://vm.tiktok.com/ZSLx1")
    assert link_key("https://vm.tiktok.com/ZSLx1") != link_key("https://vm.tiktok.com/ZSLx2")
