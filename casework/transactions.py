"""How services end: a refused or failed call leaves nothing half-done."""

from __future__ import annotations

from functools import wraps

from sqlmodel import Session


def rolls_back(service):
    """Roll the session back when `service` raises, then re-raise."""

    @wraps(service)
    def wrapper(*, session: Session, **kwargs):
        try:
            return service(session=session, **kwargs)
        except Exception:
            session.rollback()
            raise

    return wrapper
