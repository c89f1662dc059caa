"""Other names of regions, as data (`region_alias`): abbreviations (Jabar, DIY), former
names (Toba Samosir), short forms of Jakarta's administrative cities (Jakarta Selatan)
and ISO 3166-2 codes (ID-JB). The import, the API and the dashboard's URL filters all
resolve a region through `resolve_region`."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from sqlmodel import Session, select

from db.models import Region, RegionAlias

ALIAS_FILE = Path(__file__).resolve().parents[2] / "db" / "seed_data" / "region_aliases.csv"


def place_key(text: str) -> str:
    """Case, accents, spaces and punctuation do not matter: `Bau-Bau` = `baubau`."""
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKD", text).casefold())


def seed_region_aliases(session: Session) -> None:
    """The default aliases, where the table is empty (an admin's rows are kept)."""
    if session.exec(select(RegionAlias.key).limit(1)).first() is not None:
        return
    known = set(session.exec(select(Region.code)))
    seen: set[str] = set()
    with ALIAS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = place_key(row["alias"])
            if row["region_code"] not in known or key in seen:
                continue
            seen.add(key)
            session.add(
                RegionAlias(
                    key=key, alias=row["alias"], region_code=row["region_code"], kind=row["kind"]
                )
            )


def alias_index(session: Session) -> dict[str, str]:
    """Alias key → region code."""
    return dict(session.exec(select(RegionAlias.key, RegionAlias.region_code)).all())


def resolve_region(session: Session, text: str, *, level: str | None = None) -> str | None:
    """The region code that `text` names: a code, an official name (with or without
    "Kabupaten"/"Kota"), or an alias. None when nothing or more than one region matches."""
    text = (text or "").strip()
    if not text:
        return None
    query = select(Region.code, Region.name, Region.level)
    rows = list(session.exec(query).all())
    if level:
        rows = [r for r in rows if r[2] == level]
    codes = {r[0] for r in rows}
    if text in codes:
        return text
    key = place_key(text)
    alias = session.get(RegionAlias, key)
    if alias is not None and alias.region_code in codes:
        return alias.region_code
    found = {code for code, name, _ in rows if key in name_keys(name)}
    return found.pop() if len(found) == 1 else None


_PREFIXES = (
    "Kota Administrasi ",
    "Kabupaten Administrasi ",
    "Daerah Khusus Ibukota ",
    "Daerah Istimewa ",
    "Kabupaten ",
    "Kota ",
)


def name_keys(name: str) -> set[str]:
    """The keys a region's official name is known by: itself and without its prefix."""
    keys = {place_key(name)}
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            keys.add(place_key(name[len(prefix) :]))
    return keys


def office_time_zone(session: Session, region_code: str | None) -> str:
    """The zone a new account of an office in `region_code` starts with: its region's
    (WITA for Bawaslu Sulawesi Selatan); WIB for the national office and non-regional
    organisations."""
    region = session.get(Region, region_code.split(".")[0]) if region_code else None
    return region.time_zone if region is not None else "Asia/Jakarta"
