"""The default taxonomy and election calendar, seeded once and then edited by admins.
Labels are data in both languages (admins edit them), not gettext messages."""

from __future__ import annotations

from datetime import date

# (code, Bahasa Indonesia, English, legal grounds suggested for the category)
CATEGORIES = [
    (
        "hoax",
        "Hoaks/disinformasi pemilu",
        "Election hoax / disinformation",
        ["UU 7/2017 Pasal 280 ayat (1) huruf d", "UU 1/2024 (ITE) Pasal 28 ayat (3)"],
    ),
    (
        "hate_speech",
        "Ujaran kebencian",
        "Hate speech",
        ["UU 7/2017 Pasal 280 ayat (1) huruf c", "UU 1/2024 (ITE) Pasal 28 ayat (2)"],
    ),
    (
        "sara",
        "Politisasi SARA",
        "SARA politicisation",
        ["UU 7/2017 Pasal 280 ayat (1) huruf c", "UU 1/2024 (ITE) Pasal 28 ayat (2)"],
    ),
    (
        "black_campaign",
        "Kampanye hitam/pencemaran nama baik",
        "Black campaign / defamation",
        ["UU 7/2017 Pasal 280 ayat (1) huruf c", "UU 1/2024 (ITE) Pasal 27A"],
    ),
    (
        "paid_political_ad",
        "Iklan politik berbayar / konten bermerek berbayar",
        "Paid political ad / paid branded content",
        ["UU 7/2017 Pasal 276 ayat (2)", "PKPU 15/2023 Pasal 37"],
    ),
    (
        "vote_buying",
        "Politik uang",
        "Vote buying",
        ["UU 7/2017 Pasal 280 ayat (1) huruf j", "UU 7/2017 Pasal 523"],
    ),
    (
        "neutrality_breach",
        "Pelanggaran netralitas ASN/TNI/Polri/kepala desa",
        "Neutrality breach by civil servants, military, police or village heads",
        ["UU 7/2017 Pasal 280 ayat (3)", "UU 7/2017 Pasal 282", "UU 20/2023 (ASN) Pasal 24"],
    ),
    (
        "out_of_schedule",
        "Kampanye di luar jadwal atau di masa tenang",
        "Campaigning outside the schedule or in the quiet period",
        ["UU 7/2017 Pasal 276 ayat (1)", "UU 7/2017 Pasal 278 ayat (2)", "UU 7/2017 Pasal 492"],
    ),
    (
        "synthetic_media",
        "Media sintetis/manipulasi",
        "Synthetic or manipulated media",
        ["UU 1/2024 (ITE) Pasal 35", "PKPU 15/2023 Pasal 72"],
    ),
    (
        "impersonation",
        "Peniruan identitas / perilaku tidak autentik terkoordinasi",
        "Impersonation or coordinated inauthentic behaviour",
        ["UU 1/2024 (ITE) Pasal 35", "UU 27/2022 (PDP) Pasal 66"],
    ),
    (
        "threat_officials",
        "Ancaman terhadap penyelenggara pemilu",
        "Threats against election officials",
        ["UU 7/2017 Pasal 280 ayat (1) huruf f", "UU 1/2024 (ITE) Pasal 29"],
    ),
    ("other", "Lainnya", "Other", []),
]

CONTENT_TYPES = [
    ("video", "Video", "Video"),
    ("live", "Siaran langsung", "Live stream"),
    ("image", "Gambar", "Image"),
    ("text", "Teks", "Text"),
    ("comment", "Komentar", "Comment"),
    ("ad", "Iklan", "Ad"),
    ("profile", "Profil/akun", "Profile"),
]

ACCOUNT_CLASSES = [
    ("candidate", "Kandidat", "Candidate"),
    ("party", "Partai politik", "Political party"),
    ("official", "Pejabat pemerintah", "Government official"),
    ("state_apparatus", "ASN/TNI/Polri", "Civil servant, military or police"),
    ("buzzer", "Pendengung (buzzer)", "Buzzer"),
    ("media", "Media", "Media"),
    ("ordinary", "Pengguna biasa", "Ordinary user"),
]

SOURCES = [
    ("own_patrol", "Patroli siber sendiri", "Own patrol"),
    ("public_complaint", "Pengaduan masyarakat", "Public complaint"),
    ("partner", "Mitra/organisasi masyarakat sipil", "Partner / CSO"),
    ("platform_detection", "Deteksi platform", "Platform detection"),
    ("regulator", "Regulator", "Regulator"),
]

DECISION_TYPES = [
    ("removed", "Diturunkan", "Removed"),
    ("geo_blocked", "Diblokir di Indonesia", "Geo-blocked in the country"),
    ("visibility_reduced", "Jangkauan dikurangi", "Visibility reduced"),
    ("age_restricted", "Dibatasi usia", "Age-restricted"),
    ("labelled", "Diberi label", "Labelled"),
    ("account_suspended", "Akun ditangguhkan", "Account suspended"),
    ("account_terminated", "Akun dihentikan", "Account terminated"),
    ("monetisation_restricted", "Monetisasi dibatasi", "Monetisation restricted"),
    ("no_action", "Tidak ada tindakan", "No action"),
]

TAXONOMY = {
    "category": CATEGORIES,
    "content_type": CONTENT_TYPES,
    "account_class": ACCOUNT_CLASSES,
    "source": SOURCES,
    "decision_type": DECISION_TYPES,
}

# (code, name, operator organisation name)
PLATFORMS = [
    ("tiktok", "TikTok", "TikTok Indonesia"),
    ("facebook", "Facebook", "Meta"),
    ("instagram", "Instagram", "Meta"),
    ("threads", "Threads", "Meta"),
    ("youtube", "YouTube", "Google (YouTube)"),
    ("x", "X", "X Corp."),
    ("telegram", "Telegram", "Telegram"),
]

# Province code prefix → the zone its people live in.
WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}


def province_time_zone(province_code: str) -> str:
    if province_code in WIT_PROVINCES:
        return "Asia/Jayapura"
    if province_code in WITA_PROVINCES:
        return "Asia/Makassar"
    return "Asia/Jakarta"


ELECTIONS = [
    (
        "pemilu2024",
        "Pemilu 2024",
        date(2024, 2, 14),
        [
            ("campaign", date(2023, 11, 28), date(2024, 2, 10)),
            ("quiet_period", date(2024, 2, 11), date(2024, 2, 13)),
            ("voting", date(2024, 2, 14), date(2024, 2, 14)),
            ("recapitulation", date(2024, 2, 15), date(2024, 3, 20)),
        ],
    ),
    (
        "pilkada2024",
        "Pilkada 2024",
        date(2024, 11, 27),
        [
            ("campaign", date(2024, 9, 25), date(2024, 11, 23)),
            ("quiet_period", date(2024, 11, 24), date(2024, 11, 26)),
            ("voting", date(2024, 11, 27), date(2024, 11, 27)),
            # Not in the design notes: KPU's schedule ran recapitulation to mid-December.
            ("recapitulation", date(2024, 11, 28), date(2024, 12, 16)),
        ],
    ),
]
