"""`python -m casework.capture`: run a capture worker against the configured database
(DATABASE_URL) until interrupted. `--until-idle` stops once no job is due."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from casework.capture.worker import CaptureWorker
from casework.settings import get_settings
from db.engine import get_engine
from db.migrate import upgrade_to_head


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casework.capture", description=__doc__)
    parser.add_argument("--until-idle", action="store_true", help="stop when no job is due")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = get_settings()
    if not settings.capture_enabled:
        print("capture is turned off (PANTAU_CAPTURE_ENABLED=false)", file=sys.stderr)
        return 0
    engine = get_engine()
    upgrade_to_head(engine)
    with CaptureWorker(engine, settings) as worker:
        signal.signal(signal.SIGTERM, lambda *_: worker.stopping.set())
        try:
            done = worker.run(until_idle=arguments.until_idle)
        except KeyboardInterrupt:
            done = 0
    logging.getLogger(__name__).info("capture worker stopped after %s jobs", done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
