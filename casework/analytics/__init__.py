"""The shared dashboard's figures, computed in the DuckDB read model (`db.read_model`).

Pure data, no plotting: the dashboard draws them and the transparency report reuses them.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
