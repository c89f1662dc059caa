"""The default taxonomy and election calendar, seeded once and then edited by admins.
Labels are data in both languages (admins edit them), not gettext messages."""

from __future__ import annotations

from datetime import date

# (code, Bahasa Indonesia, English). Legal grounds are in LEGAL_GROUNDS below.
CATEGORIES = [
    ("hoax", "Hoaks/disinformasi pemilu", "Election hoax / disinformation"),
    ("hate_speech", "Ujaran kebencian", "Hate speech"),
    ("sara", "Politisasi SARA", "SARA politicisation"),
    ("black_campaign", "Kampanye hitam (fitnah/penghinaan)", "Black campaign (slander/insult)"),
    (
        "paid_political_ad",
        "Iklan kampanye berbayar / konten endorse berbayar di luar ketentuan",
        "Paid campaign ad / paid endorsement outside the rules",
    ),
    ("vote_buying", "Politik uang", "Vote buying"),
    (
        "neutrality_breach",
        "Pelanggaran netralitas ASN/TNI/Polri/kepala desa",
        "Neutrality breach by civil servants, military, police or village heads",
    ),
    (
        "out_of_schedule",
        "Kampanye di luar jadwal atau di masa tenang",
        "Campaigning outside the schedule or in the quiet period",
    ),
    (
        "synthetic_media",
        "Konten rekayasa/manipulasi (termasuk deepfake/AI)",
        "Fabricated or manipulated content (deepfake/AI included)",
    ),
    (
        "impersonation",
        "Akun palsu/peniruan identitas; jaringan akun terkoordinasi",
        "Fake account or impersonation; coordinated account network",
    ),
    (
        "threat_officials",
        "Ancaman terhadap penyelenggara pemilu",
        "Threats against election officials",
    ),
    (
        "campaign_account",
        "Akun kampanye tidak terdaftar / melebihi batas / tidak dinonaktifkan",
        "Campaign account unregistered, over the limit or not deactivated",
    ),
    (
        "survey_publication",
        "Publikasi survei/hitung cepat di masa terlarang",
        "Survey or quick count published in the forbidden window",
    ),
    (
        "official_partisanship",
        "Ketidaknetralan penyelenggara pemilu",
        "Partisanship by election officials",
    ),
    (
        "children_in_campaign",
        "Pelibatan anak / WNI tanpa hak pilih dalam konten kampanye",
        "Children or citizens without a vote in campaign content",
    ),
    (
        "forbidden_places",
        "Kampanye di tempat ibadah, tempat pendidikan atau fasilitas pemerintah",
        "Campaigning in places of worship, schools or government buildings",
    ),
    ("other", "Lainnya", "Other"),
]

# Legal regimes: the law an election runs under, and the laws that apply under either.
REGIMES = ("pemilu", "pilkada", "other")

# Who UU 7/2017 Pasal 280 ayat (1) and UU 1/2015 Pasal 69 bind: pelaksana, peserta and
# tim kampanye. Buzzers and ordinary users fall under the other laws only.
CAMPAIGN_ACTORS = ("candidate", "party", "campaign_team")
_STATE = ("official", "state_apparatus", "village_head")
_ALL: tuple[str, ...] = ()
_TAKEDOWN = "Pasal 9 ayat (4) Permenkominfo 5/2020 jo. Pasal 96 PP 71/2019"
_TAKEDOWN_B = "Pasal 9 ayat (4) huruf b Permenkominfo 5/2020 jo. Pasal 96 PP 71/2019"

# (category, regime, citation in Bawaslu's style, account classes it binds (empty: every
# class), takedown ground, to verify (the law review marked it [L] or [U]), note).
# The seed of an admin-edited, versioned table: see docs/decisions.md, issue 19.
LEGAL_GROUNDS = [
    (
        "hoax",
        "pemilu",
        "Pasal 280 ayat (1) huruf c dan d jo. Pasal 521 UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    ("hoax", "pilkada", "Pasal 69 huruf c UU 1/2015", CAMPAIGN_ACTORS, False, False, ""),
    (
        "hoax",
        "other",
        "Pasal 28 ayat (3) jo. Pasal 45A ayat (3) UU ITE",
        _ALL,
        False,
        True,
        "Kerusuhan dibaca sebagai kerusuhan fisik (Putusan MK 105/PUU-XXII/2024).",
    ),
    ("hoax", "other", _TAKEDOWN_B, _ALL, True, True, ""),
    (
        "hate_speech",
        "pemilu",
        "Pasal 280 ayat (1) huruf c dan d jo. Pasal 521 UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    (
        "hate_speech",
        "pilkada",
        "Pasal 69 huruf b dan c UU 1/2015",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    (
        "hate_speech",
        "other",
        "Pasal 28 ayat (2) jo. Pasal 45A ayat (2) UU ITE",
        _ALL,
        False,
        False,
        "",
    ),
    ("hate_speech", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "sara",
        "pemilu",
        "Pasal 280 ayat (1) huruf c jo. Pasal 521 UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    ("sara", "pilkada", "Pasal 69 huruf b UU 1/2015", CAMPAIGN_ACTORS, False, False, ""),
    ("sara", "other", "Pasal 28 ayat (2) jo. Pasal 45A ayat (2) UU ITE", _ALL, False, False, ""),
    (
        "sara",
        "other",
        "Pasal 156a KUHP",
        _ALL,
        False,
        True,
        "Penodaan agama, bila relevan; periksa pasal KUHP baru (UU 1/2023).",
    ),
    ("sara", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "black_campaign",
        "pemilu",
        "Pasal 280 ayat (1) huruf c dan d jo. Pasal 521 UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    ("black_campaign", "pilkada", "Pasal 69 huruf c UU 1/2015", CAMPAIGN_ACTORS, False, False, ""),
    (
        "black_campaign",
        "other",
        "Pasal 27A UU ITE",
        _ALL,
        False,
        True,
        "Delik aduan (Pasal 45 ayat (5) UU ITE): hanya orang yang dicemarkan yang dapat "
        "mengadu. Kampanye negatif berbasis fakta tidak dilarang.",
    ),
    ("black_campaign", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "paid_political_ad",
        "pemilu",
        "Pasal 275 ayat (1) huruf f dan Pasal 276 ayat (2) jo. Pasal 492 UU 7/2017",
        (*CAMPAIGN_ACTORS, "media"),
        False,
        False,
        "Iklan kampanye hanya 21 hari sebelum masa tenang.",
    ),
    (
        "paid_political_ad",
        "pemilu",
        "Pasal 26 ayat (1) huruf f, Pasal 27 ayat (2) dan Pasal 39-45 PKPU 15/2023",
        (*CAMPAIGN_ACTORS, "media"),
        False,
        True,
        "",
    ),
    (
        "paid_political_ad",
        "pilkada",
        "PKPU 13/2024 (iklan kampanye)",
        (*CAMPAIGN_ACTORS, "media"),
        False,
        True,
        "14 hari sebelum masa tenang.",
    ),
    ("paid_political_ad", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "vote_buying",
        "pemilu",
        "Pasal 280 ayat (1) huruf j jo. Pasal 523 ayat (1) UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    (
        "vote_buying",
        "pemilu",
        "Pasal 278 ayat (2) jo. Pasal 523 ayat (2) UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "Masa tenang.",
    ),
    (
        "vote_buying",
        "pemilu",
        "Pasal 515 UU 7/2017",
        _ALL,
        False,
        False,
        "Hari pemungutan suara; berlaku bagi setiap orang.",
    ),
    (
        "vote_buying",
        "pilkada",
        "Pasal 73 jo. Pasal 187A UU 1/2015",
        _ALL,
        False,
        False,
        "Berlaku bagi setiap orang.",
    ),
    ("vote_buying", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "neutrality_breach",
        "pemilu",
        "Pasal 280 ayat (3) jo. Pasal 494 UU 7/2017",
        ("official", "state_apparatus"),
        False,
        False,
        "",
    ),
    ("neutrality_breach", "pemilu", "Pasal 282 UU 7/2017", _STATE, False, False, ""),
    (
        "neutrality_breach",
        "pemilu",
        "Pasal 283 UU 7/2017",
        ("official", "state_apparatus"),
        False,
        False,
        "Pasal utama untuk unggahan ASN.",
    ),
    (
        "neutrality_breach",
        "pemilu",
        "Pasal 282 jo. Pasal 490 UU 7/2017",
        ("village_head",),
        False,
        False,
        "",
    ),
    (
        "neutrality_breach",
        "pilkada",
        "Pasal 70 dan Pasal 71 jo. Pasal 188 UU 1/2015",
        _STATE,
        False,
        False,
        "",
    ),
    (
        "neutrality_breach",
        "other",
        "Pasal 9 ayat (2) dan Pasal 24 ayat (1) huruf d UU 20/2023",
        ("state_apparatus",),
        False,
        False,
        "Diteruskan ke BKN.",
    ),
    (
        "neutrality_breach",
        "other",
        "Pasal 5 huruf n PP 94/2021",
        ("state_apparatus",),
        False,
        False,
        "",
    ),
    (
        "neutrality_breach",
        "other",
        "Pasal 39 UU 34/2004",
        ("state_apparatus",),
        False,
        True,
        "TNI.",
    ),
    (
        "neutrality_breach",
        "other",
        "Pasal 28 ayat (1) UU 2/2002",
        ("state_apparatus",),
        False,
        False,
        "Polri.",
    ),
    (
        "neutrality_breach",
        "other",
        "Pasal 29 huruf j UU 6/2014",
        ("village_head",),
        False,
        True,
        "",
    ),
    (
        "out_of_schedule",
        "pemilu",
        "Pasal 276 ayat (1) dan (2) jo. Pasal 492 UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    (
        "out_of_schedule",
        "pemilu",
        "Pasal 278 ayat (1) UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "Masa tenang tiga hari.",
    ),
    (
        "out_of_schedule",
        "pemilu",
        "Pasal 287 ayat (5) UU 7/2017",
        _ALL,
        False,
        False,
        "Media sosial dan media daring tidak memuat berita, iklan atau rekam jejak kampanye "
        "di masa tenang.",
    ),
    (
        "out_of_schedule",
        "pemilu",
        "PKPU 15/2023 (penutupan akun resmi kampanye)",
        CAMPAIGN_ACTORS,
        False,
        True,
        "",
    ),
    (
        "out_of_schedule",
        "pilkada",
        "Pasal 69 huruf k jo. Pasal 187 ayat (1) UU 1/2015",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    ("out_of_schedule", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "synthetic_media",
        "pemilu",
        "Pasal 280 ayat (1) huruf c dan d jo. Pasal 521 UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    ("synthetic_media", "pilkada", "Pasal 69 huruf c UU 1/2015", CAMPAIGN_ACTORS, False, True, ""),
    ("synthetic_media", "other", "Pasal 35 jo. Pasal 51 ayat (1) UU ITE", _ALL, False, False, ""),
    ("synthetic_media", "other", _TAKEDOWN, _ALL, True, True, ""),
    ("impersonation", "other", "Pasal 35 jo. Pasal 51 ayat (1) UU ITE", _ALL, False, False, ""),
    (
        "impersonation",
        "other",
        "Pasal 66 jo. Pasal 68 UU 27/2022",
        _ALL,
        False,
        False,
        "UU Pelindungan Data Pribadi.",
    ),
    ("impersonation", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "threat_officials",
        "pemilu",
        "Pasal 280 ayat (1) huruf f jo. Pasal 521 UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    (
        "threat_officials",
        "pemilu",
        "Pasal 531 UU 7/2017",
        _ALL,
        False,
        True,
        "Ajakan mengganggu pemungutan suara.",
    ),
    (
        "threat_officials",
        "other",
        "Pasal 29 UU ITE",
        _ALL,
        False,
        False,
        "Hanya bila ancaman dikirim langsung kepada korban.",
    ),
    ("threat_officials", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "campaign_account",
        "pemilu",
        "Pasal 37 PKPU 15/2023 sebagaimana diubah PKPU 20/2023",
        CAMPAIGN_ACTORS,
        False,
        False,
        "Paling banyak 20 akun per platform, didaftarkan ke KPU (tembusan Bawaslu) paling "
        "lambat 3 hari sebelum masa kampanye.",
    ),
    (
        "campaign_account",
        "pilkada",
        "PKPU 13/2024 (akun resmi kampanye)",
        CAMPAIGN_ACTORS,
        False,
        True,
        "20 akun; dinonaktifkan sebelum masa tenang.",
    ),
    ("campaign_account", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "survey_publication",
        "pemilu",
        "Pasal 449 ayat (2) dan (5) jo. Pasal 509 dan Pasal 540 UU 7/2017",
        _ALL,
        False,
        True,
        "Masa tenang; hasil hitung cepat paling cepat 2 jam setelah pemungutan suara selesai "
        "di wilayah WIB.",
    ),
    ("survey_publication", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "official_partisanship",
        "other",
        "Peraturan DKPP 2/2017 (Kode Etik dan Pedoman Perilaku Penyelenggara Pemilu)",
        ("election_official",),
        False,
        True,
        "Diteruskan ke DKPP, bukan ke platform.",
    ),
    (
        "children_in_campaign",
        "pemilu",
        "Pasal 280 ayat (2) huruf k UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        True,
        "",
    ),
    (
        "children_in_campaign",
        "other",
        "Pasal 15 UU 35/2014",
        _ALL,
        False,
        True,
        "Perlindungan Anak.",
    ),
    ("children_in_campaign", "other", _TAKEDOWN, _ALL, True, True, ""),
    (
        "forbidden_places",
        "pemilu",
        "Pasal 280 ayat (1) huruf h jo. Pasal 521 UU 7/2017",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
    (
        "forbidden_places",
        "pilkada",
        "Pasal 69 huruf h dan i UU 1/2015",
        CAMPAIGN_ACTORS,
        False,
        False,
        "",
    ),
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
    ("candidate", "Peserta pemilu/calon", "Election participant / candidate"),
    ("party", "Partai politik", "Political party"),
    ("campaign_team", "Tim kampanye/relawan", "Campaign team / volunteer"),
    ("official", "Pejabat negara/daerah", "State or regional official"),
    ("state_apparatus", "ASN/TNI/Polri", "Civil servant, military or police"),
    ("village_head", "Kepala desa/perangkat desa", "Village head / village staff"),
    (
        "election_official",
        "Penyelenggara pemilu (KPU/Bawaslu/ad hoc)",
        "Election official (KPU/Bawaslu/ad hoc)",
    ),
    ("buzzer", "Pendengung (buzzer)", "Buzzer"),
    ("media", "Media", "Media"),
    ("ordinary", "Pengguna biasa", "Ordinary user"),
]

SOURCES = [
    ("own_patrol", "Temuan patroli siber", "Own patrol"),
    ("public_complaint", "Laporan masyarakat", "Public report"),
    ("partner", "Mitra/organisasi masyarakat sipil", "Partner / CSO"),
    ("platform_detection", "Deteksi platform", "Platform detection"),
    ("regulator", "Komdigi", "Komdigi (regulator)"),
]

DECISION_TYPES = [
    ("removed", "Diturunkan (take down)", "Removed"),
    ("geo_blocked", "Diblokir di Indonesia", "Geo-blocked in the country"),
    ("visibility_reduced", "Jangkauan dikurangi", "Visibility reduced"),
    ("age_restricted", "Dibatasi usia", "Age-restricted"),
    ("labelled", "Diberi label", "Labelled"),
    ("account_suspended", "Akun ditangguhkan", "Account suspended"),
    ("account_terminated", "Akun ditutup permanen", "Account terminated"),
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


# (code, Bahasa Indonesia, English, urgent): content posted in an urgent phase is urgent
# by default (Pantau's policy, not Permenkominfo 5/2020's; see docs/decisions.md).
PHASE_TYPES = [
    ("campaign", "Masa kampanye", "Campaign", False),
    ("campaign_ads", "Masa iklan kampanye", "Campaign advertising window", False),
    ("quiet_period", "Masa tenang", "Quiet period", True),
    ("voting", "Hari pemungutan suara", "Voting day", True),
    ("recapitulation", "Rekapitulasi", "Recapitulation", False),
    ("revote", "Pemungutan suara ulang (PSU)", "Re-vote", True),
]

ELECTION_KINDS = ("pemilu", "pilkada", "psu", "second_round")

# code → (kind, legal regime, region codes; empty: nationwide). Elections not listed
# here are Pemilu, nationwide.
ELECTION_SCOPES = {
    "pemilu2024": ("pemilu", "pemilu", []),
    "pilkada2024": ("pilkada", "pilkada", []),
}

ELECTIONS = [
    (
        "pemilu2024",
        "Pemilu 2024",
        date(2024, 2, 14),
        [
            ("campaign", date(2023, 11, 28), date(2024, 2, 10)),
            # UU 7/2017 Pasal 276 ayat (2): ads in the 21 days before the quiet period.
            ("campaign_ads", date(2024, 1, 21), date(2024, 2, 10)),
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
            ("campaign_ads", date(2024, 11, 10), date(2024, 11, 23)),
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
