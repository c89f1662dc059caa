"""One guard against ZIP bombs, for every ZIP Pantau is handed (evidence documents,
spreadsheets to import). It reads the central directory only: no entry is
decompressed, and Python's zip reader later stops each entry at its declared size, so
the declared sizes bound what can be unpacked. Each caller states its limits."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

# Tiny entries compress absurdly well (a run of spaces in an XML part) and are harmless.
RATIO_CHECK_FLOOR = 64 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int
    max_unpacked: int  # bytes, all entries together
    max_ratio: int  # unpacked : packed
    # Whether the ratio is checked per entry (a document: one bomb entry among normal
    # ones) or for the archive as a whole (a workbook).
    ratio_per_entry: bool = True


class NotAnArchive(Exception):
    """The bytes are not a ZIP archive Python can read."""


def entries_of(data: bytes) -> list[zipfile.ZipInfo]:
    """The archive's central directory; NotAnArchive when there is none."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.infolist()
    except Exception as error:  # damaged, truncated, not a ZIP at all
        raise NotAnArchive() from error


def unpacks_too_much(
    data: bytes, limits: ArchiveLimits, entries: list[zipfile.ZipInfo] | None = None
) -> bool:
    """Whether the archive would unpack to more than `limits` allow."""
    entries = entries_of(data) if entries is None else entries
    if len(entries) > limits.max_entries:
        return True
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked:
        return True
    if not limits.ratio_per_entry:
        return unpacked > limits.max_ratio * len(data)
    return any(
        entry.file_size > RATIO_CHECK_FLOOR
        and entry.file_size > limits.max_ratio * max(entry.compress_size, 1)
        for entry in entries
    )
