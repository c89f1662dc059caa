"""A capture worker that stops in the middle of keeping a capture — every row of the
evidence, the capture and its events sent to the database, the commit not yet — and
says so on stdout, so that a test can SIGKILL it exactly there.

    python -m tests.capture.crash_capture DATABASE_URL

It runs the worker's own code; settings come from the environment (PANTAU_…)."""

from __future__ import annotations

import sys
import time

MID_WRITE = "MID-WRITE"


def main(url: str) -> None:
    from casework.capture import worker as worker_module
    from casework.settings import Settings
    from db.engine import build_engine

    original = worker_module.record_capture

    def record_then_pause(session, **kwargs):
        def flush_and_pause():
            session.flush()
            print(MID_WRITE, flush=True)
            time.sleep(600)

        session.commit = flush_and_pause
        return original(session, **kwargs)

    worker_module.record_capture = record_then_pause
    settings = Settings()
    with worker_module.CaptureWorker(build_engine(url), settings) as worker:
        worker.run_one()


if __name__ == "__main__":
    main(sys.argv[1])
