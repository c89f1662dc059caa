"""Reference data that admins edit: the taxonomy, regions and places, elections and
phases, legal grounds, catalogs.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
