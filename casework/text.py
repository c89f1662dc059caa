"""Text as people typed it, without the characters they cannot see.

Control (Unicode category Cc) and format (Cf) characters render as nothing or reorder
what follows (a right-to-left override makes `exe.pdf` read `fdp.exe`); a CR or LF in a
name breaks an e-mail header. Single-line text loses them all; multi-line text keeps
only the newline and the tab."""

from __future__ import annotations

import unicodedata

_KEPT_IN_MULTI_LINE = frozenset("\n\t")


def _visible(ch: str) -> bool:
    return unicodedata.category(ch) not in ("Cc", "Cf")


def single_line(text: str | None) -> str:
    """`text` on one line: every Cc/Cf character dropped (a line break becomes a space
    first, so two words never run together), runs of spaces kept as typed."""
    if not text:
        return ""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return "".join(ch for ch in text if _visible(ch))


def multi_line(text: str | None) -> str:
    """`text` with its lines: Cc/Cf dropped except newline and tab (CR LF becomes LF)."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in _KEPT_IN_MULTI_LINE or _visible(ch))
