"""The case desk: reading a case in scope, the lifecycle table and the action specs,
filing, assignment, lists and search of cases, the agreed deadline.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
