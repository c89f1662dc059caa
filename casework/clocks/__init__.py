"""Deadlines on a case (issue 18): any number of clocks per case, each from a rule kept as
data (statutory, agreed, regulatory), with an owner, a unit and start/stop/pause events.

- `engine`: the pure rules (no database): due times in the case's zone, working days over
  a holiday calendar, pause and resume, a clock's state.
- `breach`: the one definition of "breached", with its SQLAlchemy and DuckDB renderings.
- `calendar`: the holiday calendar (national holidays and cuti bersama) as plain data.
- `seed`: the rules and holidays a new database starts with.
- `service`: the database side: rules and calendar loaded, clocks driven by actions.

May import `casework.i18n`, `casework.records.audit`, `db`; pages and `web` import from here.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
