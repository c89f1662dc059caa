"""Refusals, logged in one place. Every denied attempt is logged (who, what, which
object) before the caller raises the same error a missing object would give."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("casework.desk.access")


def log_denied(actor: Any, action: str, **target: Any) -> None:
    """Record a refused attempt by `actor` (an Actor, or None when nobody is signed in)."""
    log.warning(
        "denied %s by user %s (%s)%s",
        action,
        getattr(actor, "user_id", None),
        getattr(actor, "role", None),
        "".join(f" {key}={value}" for key, value in sorted(target.items())),
    )
