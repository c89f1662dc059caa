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

# How Pantau's codes read in a DSA statement of reasons, after the Commission's guidance
# on the Transparency Database: (kind, code, DSA value, its "other" text, additions).
# A code missing here (the category "other", the decision "no action") holds its
# statements back from the EU submission; an admin adds a row to change that.
_CIVIC = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
_NATIONAL_LAW = "KEYWORD_VIOLATION_NATIONAL_LAW"
_MISINFORMATION = "KEYWORD_MISINFORMATION_DISINFORMATION"
DSA_MAPPINGS = [
    ("category", "hoax", _CIVIC, None, [_MISINFORMATION]),
    (
        "category",
        "hate_speech",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        None,
        ["KEYWORD_HATE_SPEECH"],
    ),
    (
        "category",
        "sara",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        None,
        ["KEYWORD_HATE_SPEECH"],
    ),
    (
        "category",
        "black_campaign",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        None,
        ["KEYWORD_DEFAMATION"],
    ),
    ("category", "paid_political_ad", _CIVIC, None, [_NATIONAL_LAW]),
    ("category", "vote_buying", _CIVIC, None, [_NATIONAL_LAW]),
    ("category", "neutrality_breach", _CIVIC, None, [_NATIONAL_LAW]),
    ("category", "out_of_schedule", _CIVIC, None, [_NATIONAL_LAW]),
    (
        "category",
        "synthetic_media",
        _CIVIC,
        None,
        [_MISINFORMATION, "CONTENT_TYPE_SYNTHETIC_MEDIA"],
    ),
    (
        "category",
        "impersonation",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        None,
        ["KEYWORD_INAUTHENTIC_ACCOUNTS", "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING"],
    ),
    (
        "category",
        "threat_officials",
        "STATEMENT_CATEGORY_VIOLENCE",
        None,
        ["KEYWORD_INCITEMENT_VIOLENCE_HATRED"],
    ),
    ("decision_type", "removed", "DECISION_VISIBILITY_CONTENT_REMOVED", None, []),
    ("decision_type", "geo_blocked", "DECISION_VISIBILITY_CONTENT_DISABLED", None, []),
    ("decision_type", "visibility_reduced", "DECISION_VISIBILITY_CONTENT_DEMOTED", None, []),
    ("decision_type", "age_restricted", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", None, []),
    ("decision_type", "labelled", "DECISION_VISIBILITY_CONTENT_LABELLED", None, []),
    ("decision_type", "account_suspended", "DECISION_ACCOUNT_SUSPENDED", None, []),
    ("decision_type", "account_terminated", "DECISION_ACCOUNT_TERMINATED", None, []),
    # Demonetising content is not a suspension of payments to the account holder.
    (
        "decision_type",
        "monetisation_restricted",
        "DECISION_MONETARY_OTHER",
        "Demonetisation of the content",
        [],
    ),
    ("content_type", "video", "CONTENT_TYPE_VIDEO", None, []),
    ("content_type", "live", "CONTENT_TYPE_VIDEO", None, []),
    ("content_type", "image", "CONTENT_TYPE_IMAGE", None, []),
    ("content_type", "text", "CONTENT_TYPE_TEXT", None, []),
    ("content_type", "comment", "CONTENT_TYPE_TEXT", None, []),
    ("content_type", "ad", "CONTENT_TYPE_OTHER", "Advertisement", []),
    ("content_type", "profile", "CONTENT_TYPE_OTHER", "Account profile", []),
    # An election supervisory body's referral, like a regulator's order, is an authority's
    # notice outside Article 9: "other type of notification", not a trusted flagger.
    ("source", "own_patrol", "SOURCE_TYPE_OTHER_NOTIFICATION", None, []),
    ("source", "public_complaint", "SOURCE_TYPE_OTHER_NOTIFICATION", None, []),
    ("source", "partner", "SOURCE_TYPE_OTHER_NOTIFICATION", None, []),
    ("source", "regulator", "SOURCE_TYPE_OTHER_NOTIFICATION", None, []),
    ("source", "platform_detection", "SOURCE_VOLUNTARY", None, []),
]
