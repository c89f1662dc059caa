"""Checking a refusal: what the caller is told, that nothing changed, that it was logged."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from sqlmodel import Session, SQLModel, select

from casework.errors import CaseNotFound, PermissionDenied, ValidationError
from casework.people.actors import Actor

ACCESS_LOG = "casework.desk.access"


def database_rows(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table, in key order: what a refusal must leave untouched.
    Ends the read, so the service under test starts its own transaction."""
    rows = {
        table.name: [
            tuple(row)
            for row in session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in SQLModel.metadata.sorted_tables
    }
    session.rollback()
    return rows


def refusal(call: Callable[[], object]) -> tuple:
    """What a refused call tells its caller: the error's type, text, message id and
    parameters. Two refusals that compare equal are indistinguishable."""
    with pytest.raises((PermissionDenied, CaseNotFound, ValidationError)) as refused:
        call()
    error = refused.value
    return type(error), str(error), error.msgid, error.params


def assert_logged(caplog, actor: Actor, names: set[str]) -> None:
    """A WARNING on `casework.desk.access` naming the actor's user id and one of `names`
    (what the attempt may be called)."""
    messages = [
        record.getMessage()
        for record in caplog.records
        if record.name == ACCESS_LOG and record.levelno == logging.WARNING
    ]
    user = re.compile(rf"\buser(?:_id=| ){actor.user_id}\b")
    action = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names))) + r")\b")
    assert any(user.search(m) and action.search(m) for m in messages), messages
