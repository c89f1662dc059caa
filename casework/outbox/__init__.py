"""What goes out: notifications, webhooks and their sender, e-mail, and the API tokens
of the integrations that receive them.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
