"""The offline province map: a tile grid of Indonesia's 38 provinces (one square each,
placed roughly where the province lies, west to east and north to south), and the
optional polygons a deployer may supply as a GeoJSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from casework.i18n import N_

# Kemendagri code → (row, column, short label). Rows run north to south.
TILE_GRID: dict[str, tuple[int, int, str]] = {
    "11": (0, 0, "ACEH"),
    "65": (0, 6, "KALTARA"),
    "71": (0, 10, "SULUT"),
    "82": (0, 11, "MALUT"),
    "12": (1, 1, "SUMUT"),
    "21": (1, 3, "KEPRI"),
    "61": (1, 5, "KALBAR"),
    "64": (1, 6, "KALTIM"),
    "72": (1, 8, "SULTENG"),
    "75": (1, 9, "GORONTALO"),
    "96": (1, 12, "PBD"),
    "92": (1, 13, "PAPBAR"),
    "13": (2, 1, "SUMBAR"),
    "14": (2, 2, "RIAU"),
    "19": (2, 4, "BABEL"),
    "62": (2, 5, "KALTENG"),
    "63": (2, 6, "KALSEL"),
    "76": (2, 7, "SULBAR"),
    "73": (2, 8, "SULSEL"),
    "74": (2, 9, "SULTRA"),
    "81": (2, 11, "MALUKU"),
    "94": (2, 13, "PAPTENG"),
    "91": (2, 14, "PAPUA"),
    "17": (3, 1, "BENGKULU"),
    "15": (3, 2, "JAMBI"),
    "16": (3, 3, "SUMSEL"),
    "95": (3, 14, "PAPEG"),
    "18": (4, 2, "LAMPUNG"),
    "36": (4, 3, "BANTEN"),
    "31": (4, 4, "DKI"),
    "32": (4, 5, "JABAR"),
    "33": (4, 6, "JATENG"),
    "35": (4, 7, "JATIM"),
    "51": (4, 8, "BALI"),
    "52": (4, 9, "NTB"),
    "53": (4, 10, "NTT"),
    "93": (4, 13, "PAPSEL"),
    "34": (5, 6, "DIY"),
}

# Property names under which GeoJSON files of Indonesia commonly carry the code.
_CODE_PROPERTIES = ("code", "kode", "kode_prov", "KODE_PROV", "prov_code", "province_code")


# BPS numbers Papua's provinces differently (91 Papua Barat, 94 Papua, 97 Papua
# Pegunungan…). 97 exists only in BPS's system, so a file that uses it is BPS-coded and
# would draw Papua's provinces in the wrong places under Kemendagri codes.
BPS_ONLY_CODES = frozenset({"97"})
EXPECTED_PROVINCES = 38

BPS_CODED = N_(
    "The province outlines use BPS codes (code 97 found), not Kemendagri codes: Papua's "
    "provinces would be drawn in the wrong places, so the file is not used."
)
TOO_FEW = N_(
    "The province outlines hold {count} of the 38 provinces (an older file, before the "
    "2022 Papua provinces?): the others are not drawn."
)


@dataclass(frozen=True)
class ProvinceMap:
    """The polygons to draw (None: none usable) and what the deployer should know."""

    geojson: dict | None
    problem: str | None = None
    count: int = 0


def read_province_geojson(path: str | Path) -> ProvinceMap:
    """The deployer's province polygons with each feature's `id` set to its Kemendagri
    province code (taken from `id` or a property such as `KODE_PROV`). A BPS-coded file
    (code 97) is refused; fewer than 38 provinces is a warning."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ProvinceMap(None)
    features = []
    for feature in data.get("features", []) if isinstance(data, dict) else []:
        properties = feature.get("properties") or {}
        candidates = [
            str(c)
            for c in (feature.get("id"), *(properties.get(p) for p in _CODE_PROPERTIES))
            if c is not None
        ]
        if any(c in BPS_ONLY_CODES for c in candidates):
            return ProvinceMap(None, BPS_CODED)
        code = next((c for c in candidates if c in TILE_GRID), None)
        if code is not None:
            features.append({**feature, "id": code})
    if not features:
        return ProvinceMap(None)
    count = len({f["id"] for f in features})
    return ProvinceMap(
        {"type": "FeatureCollection", "features": features},
        TOO_FEW if count < EXPECTED_PROVINCES else None,
        count,
    )


def load_province_geojson(path: str | Path) -> dict | None:
    """The usable polygons of `read_province_geojson`, or None."""
    return read_province_geojson(path).geojson
