"""What is kept and shown outside: the audit chain and its signed checkpoints,
signatures, evidence bundles, exports, the transparency report and the DSA statements
of reasons.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
