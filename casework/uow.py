"""The unit of work: who owns the transaction.

A service receives a session and never commits. The unit around it begins the write,
commits when the block ends and rolls back when it raises. Units nest: a service that
calls another service (filing and linking a duplicate, say) runs inside the caller's
unit, so the whole use case is one transaction. A service called with no unit around
it (a script, a test, a route) opens its own; the `@service` decorator does that."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from casework.errors import StaleVersion
from db.engine import begin_write

_OPEN = "pantau_unit_of_work"


def in_unit(session: Session) -> bool:
    """Whether `session` is already inside a unit of work."""
    return bool(session.info.get(_OPEN))


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Begin a write on `session`, commit at the end, roll back on any error. Inside
    another unit this is a no-op: the outer unit commits or rolls back."""
    if in_unit(session):
        yield session
        return
    session.info[_OPEN] = True
    try:
        begin_write(session)
        yield session
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_OPEN, None)


def service(function):
    """Run a writing service inside a unit of work: its own, or its caller's."""

    @wraps(function)
    def wrapper(*, session: Session, **kwargs):
        with unit_of_work(session):
            return function(session=session, **kwargs)

    return wrapper
