"""casework/ has rooms (issue 14, item 8): its modules are grouped by capability, each
package opens with a docstring saying what it holds, and the table below says which
rooms each may import. A new edge between rooms is a decision: make it here, on purpose,
with a reason in docs/decisions.md ("casework has rooms")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.unit.test_project_files import _imports

CASEWORK = Path(__file__).resolve().parents[2] / "casework"

# Modules that stay in casework/ itself: what every room stands on, and the start-up.
FOUNDATION = {"errors", "i18n", "settings", "text", "uow", "spreadsheet"}
START_UP = {"bootstrap", "demo", "demo_content"}

# Besides the foundation, which every room may import. Read a row as "imports from".
MAY_IMPORT: dict[str, set[str]] = {
    "admin": {"desk", "people", "records", "reference"},
    "analytics": {"capture", "clocks", "desk", "people", "reference"},
    "capture": {"desk", "intake", "people", "records"},
    "clocks": {"admin", "outbox", "people", "records"},
    "desk": {
        "capture",
        "clocks",
        "intake",
        "outbox",
        "people",
        "records",
        "reference",
        "statutory",
    },
    "intake": {"capture", "desk", "people", "records", "reference"},
    "outbox": {"admin", "clocks", "desk", "people", "records"},
    "people": {"admin", "desk", "outbox", "records", "reference"},
    "records": {"admin", "analytics", "clocks", "desk", "people", "reference"},
    "reference": {"capture", "clocks", "desk", "people", "records"},
    "statutory": {"desk", "outbox", "people", "records"},
}


def _room_of(path: Path) -> str:
    parts = path.relative_to(CASEWORK).parts
    return parts[0].removesuffix(".py")


def _imported_rooms(path: Path) -> set[str]:
    found = {name.split(".")[1] for name in _imports(path) if name.startswith("casework.")}
    return found - {_room_of(path)}


def _rooms() -> list[Path]:
    return sorted(p for p in CASEWORK.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def test_the_hall_holds_only_the_foundation_and_the_start_up():
    flat = {p.stem for p in CASEWORK.glob("*.py")} - {"__init__"}
    assert flat == FOUNDATION | START_UP


def test_every_room_is_in_the_table_of_what_it_may_import():
    assert {room.name for room in _rooms()} == set(MAY_IMPORT)


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_a_room_opens_with_a_docstring_saying_what_it_holds_and_what_it_may_import(room):
    docstring = ast.get_docstring(ast.parse((CASEWORK / room / "__init__.py").read_text()))
    assert docstring and len(docstring.split()) >= 8
    assert "may import" in docstring


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_a_room_imports_only_the_rooms_its_rule_allows(room):
    used: dict[str, set[str]] = {}
    for path in (CASEWORK / room).rglob("*.py"):
        for target in _imported_rooms(path) - FOUNDATION - MAY_IMPORT[room]:
            used.setdefault(target, set()).add(str(path.relative_to(CASEWORK)))
    assert used == {}


def test_the_foundation_imports_no_room_and_no_room_imports_the_start_up():
    for name in FOUNDATION:
        assert _imported_rooms(CASEWORK / f"{name}.py") <= FOUNDATION, name
    for path in CASEWORK.rglob("*.py"):
        if _room_of(path) not in START_UP:
            assert not _imported_rooms(path) & START_UP, path
