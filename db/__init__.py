"""Data layer: settings, engine, SQLModel tables, migrations, seed data."""
