"""Pantau's own log shows INFO by default (start-up, refusals, warnings sent)."""

from __future__ import annotations

import logging

from casework.settings import Settings


def test_pantau_logs_at_info_by_default(monkeypatch):
    import app

    monkeypatch.delenv("PANTAU_LOG_LEVEL", raising=False)
    level = Settings(_env_file=None).log_level
    assert level == "INFO"
    saved = {name: logging.getLogger(name).level for name in app.OWN_LOGGERS}
    try:
        app.configure_logging(level)
        logger = logging.getLogger("casework.bootstrap")
        assert logger.isEnabledFor(logging.INFO)
        assert any(getattr(h, "pantau", False) for h in logging.getLogger("casework").handlers)
        app.configure_logging(level)  # twice: still one handler
        assert len(logging.getLogger("casework").handlers) == 1
    finally:
        for name, value in saved.items():
            logging.getLogger(name).setLevel(value)
            logging.getLogger(name).propagate = True
            for handler in [h for h in logging.getLogger(name).handlers if getattr(h, "pantau", 0)]:
                logging.getLogger(name).removeHandler(handler)
