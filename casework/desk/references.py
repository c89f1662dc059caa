"""Human case references such as `PAN-2024-000123`."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db.models import ReferenceCounter

PREFIX = "PAN"


def format_reference(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:06d}"


def next_reference(session: Session, year: int) -> str:
    """Take the next number of `year` inside the caller's transaction.

    The counter row is updated in place, which row-locks it on PostgreSQL and needs the
    write lock on SQLite, so two filers never draw the same number. A rolled-back filing
    gives its number back; a gap would be harmless (references need to be unique, not
    dense), and the unique index on `case_file.reference` is the last guard."""
    result = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + 1)
        .returning(ReferenceCounter.last_value)
    ).first()
    if result is None:
        try:
            with session.begin_nested():
                session.execute(insert(ReferenceCounter).values(year=year, last_value=1))
            return format_reference(year, 1)
        except IntegrityError:
            # Another transaction created the year's row first: take the next number.
            return next_reference(session, year)
    return format_reference(year, result[0])


def reserve_references(session: Session, year: int, count: int) -> list[str]:
    """Take `count` consecutive numbers of `year` with one counter update, inside the
    caller's transaction (a bulk import files thousands of cases at once). The same
    locking and rollback behaviour as `next_reference`."""
    if count <= 0:
        return []
    result = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + count)
        .returning(ReferenceCounter.last_value)
    ).first()
    if result is None:
        try:
            with session.begin_nested():
                session.execute(insert(ReferenceCounter).values(year=year, last_value=count))
            last = count
        except IntegrityError:
            return reserve_references(session, year, count)
    else:
        last = result[0]
    return [format_reference(year, number) for number in range(last - count + 1, last + 1)]
