"""Words the demo is made of: realistic titles, handles and weights. Data, not logic."""

from __future__ import annotations

# Platform shares, roughly as Bawaslu's 2024 referrals were spread.
PLATFORM_WEIGHTS = {
    "tiktok": 34,
    "facebook": 22,
    "instagram": 12,
    "youtube": 11,
    "x": 12,
    "threads": 3,
    "telegram": 6,
}

CATEGORY_WEIGHTS = {
    "hoax": 30,
    "hate_speech": 10,
    "sara": 9,
    "black_campaign": 14,
    "paid_political_ad": 6,
    "vote_buying": 5,
    "neutrality_breach": 8,
    "out_of_schedule": 5,
    "synthetic_media": 5,
    "impersonation": 4,
    "threat_officials": 2,
    "other": 2,
}

# Province code → weight (population-heavy Java, and the large outer provinces).
PROVINCE_WEIGHTS = {
    "11": 2,
    "12": 5,
    "13": 2,
    "14": 2,
    "15": 1,
    "16": 3,
    "17": 1,
    "18": 3,
    "19": 1,
    "21": 1,
    "31": 9,
    "32": 14,
    "33": 10,
    "34": 2,
    "35": 12,
    "36": 4,
    "51": 2,
    "52": 2,
    "53": 2,
    "61": 2,
    "62": 1,
    "63": 1,
    "64": 2,
    "65": 1,
    "71": 1,
    "72": 1,
    "73": 4,
    "74": 1,
    "75": 1,
    "76": 1,
    "81": 1,
    "82": 1,
    "91": 1,
    "92": 1,
    "93": 1,
    "94": 1,
    "95": 1,
    "96": 1,
}

SOURCE_WEIGHTS = {
    "own_patrol": 55,
    "public_complaint": 25,
    "partner": 12,
    "platform_detection": 5,
    "regulator": 3,
}

ACCOUNT_CLASS_WEIGHTS = {
    "ordinary": 40,
    "buzzer": 22,
    "candidate": 10,
    "party": 6,
    "official": 6,
    "state_apparatus": 8,
    "media": 8,
}

CONTENT_TYPE_BY_PLATFORM = {
    "tiktok": ["video", "video", "video", "live", "comment", "ad"],
    "facebook": ["text", "image", "video", "ad", "comment", "profile"],
    "instagram": ["image", "video", "ad", "comment"],
    "threads": ["text", "image"],
    "youtube": ["video", "video", "live", "comment"],
    "x": ["text", "text", "image", "video"],
    "telegram": ["text", "image", "video"],
}

TITLES = {
    "hoax": [
        "Video hoaks surat suara sudah tercoblos di {place}",
        "Klaim palsu KPU memindahkan TPS di {place}",
        "Narasi bohong server KPU diretas jelang rekapitulasi",
        "Hoaks tinta pemilu mengandung zat berbahaya",
        "Informasi palsu jadwal pemungutan suara diundur di {place}",
    ],
    "hate_speech": [
        "Ujaran kebencian terhadap pendukung paslon di {place}",
        "Konten menghasut permusuhan antarpendukung",
    ],
    "sara": [
        "Politisasi agama untuk menyerang calon di {place}",
        "Konten bernuansa SARA menjelang hari pemungutan suara",
    ],
    "black_campaign": [
        "Kampanye hitam menuduh calon terlibat korupsi tanpa bukti",
        "Fitnah terhadap calon legislatif dapil {place}",
    ],
    "paid_political_ad": [
        "Iklan politik berbayar di luar ketentuan di {place}",
        "Konten bermerek berbayar dari pendengung untuk paslon",
    ],
    "vote_buying": [
        "Ajakan menerima uang untuk memilih calon di {place}",
        "Unggahan pembagian sembako bersimbol partai",
    ],
    "neutrality_breach": [
        "ASN di {place} mengunggah dukungan kepada calon",
        "Kepala desa mengajak warga memilih paslon tertentu",
        "Anggota TNI/Polri tampil dalam konten kampanye",
    ],
    "out_of_schedule": [
        "Kampanye di masa tenang oleh akun tim pemenangan",
        "Konten kampanye sebelum jadwal di {place}",
    ],
    "synthetic_media": [
        "Video deepfake calon presiden berbahasa asing",
        "Audio hasil rekayasa AI menirukan suara calon",
    ],
    "impersonation": [
        "Akun palsu mengatasnamakan Bawaslu {place}",
        "Jaringan akun terkoordinasi menyebarkan narasi serupa",
    ],
    "threat_officials": [
        "Ancaman terhadap anggota KPPS di {place}",
        "Ajakan mengepung kantor penyelenggara pemilu",
    ],
    "other": ["Konten pemilu lain yang perlu ditinjau"],
}

HANDLE_STEMS = [
    "suara.rakyat",
    "info.pemilu",
    "berita.kilat",
    "relawan.nusantara",
    "kabar.daerah",
    "warga.peduli",
    "fakta.politik",
    "pantau.tps",
    "jurnal.rakyat",
    "gerakan.muda",
    "ruang.publik",
    "dukung.paslon",
    "netizen.merdeka",
    "cek.ricek",
    "kawal.suara",
    "sahabat.caleg",
    "corong.kampanye",
    "lensa.politik",
    "panggung.demokrasi",
    "akar.rumput",
]

COMMENT_QUESTIONS = [
    "Mohon kirimkan tangkapan layar lengkap beserta waktu unggah.",
    "Apakah konten ini juga dilaporkan ke KPU? Mohon nomor suratnya.",
    "Mohon jelaskan dasar hukum yang dilanggar secara spesifik.",
]
COMMENT_ANSWERS = [
    "Tangkapan layar dan waktu unggah sudah kami lampirkan.",
    "Dasar hukum: UU 7/2017 Pasal 280 ayat (1); kajian terlampir.",
    "Konten masih dapat diakses per hari ini; mohon ditindaklanjuti.",
]
CONTEST_REASONS = [
    "Konten serupa masih beredar di akun yang sama.",
    "Keputusan tidak sesuai dengan kesepakatan kerja sama; mohon ditinjau ulang.",
]
POLICY_REFERENCES = {
    "tiktok": "Community Guidelines: Civic and Election Integrity",
    "facebook": "Community Standards: Misinformation",
    "instagram": "Community Guidelines: Misinformation",
    "threads": "Community Guidelines: Misinformation",
    "youtube": "Elections misinformation policy",
    "x": "Civic integrity policy",
    "telegram": "Terms of Service",
}
