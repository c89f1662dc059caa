"""Who acts: accounts, sign-in (password and providers), identities, actors, roles and
the named permission predicates.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
