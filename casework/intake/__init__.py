"""What comes in: links and their analysis, evidence files, duplicates, spreadsheet
imports, and the one guard on archives.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
