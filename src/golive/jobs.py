"""Periodic jobs and the single-node scheduler.

Every job is idempotent and safe to run on several workers at once. In single-node mode (no
``GOLIVE_BROKER_URL``) ``golive serve`` runs them on a daemon thread; with a broker, Celery beat will
schedule the same functions (that wiring comes with the notifications feature).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.db import close_old_connections

logger = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 60


def sweep(*, as_of: dt.datetime | None = None) -> dict:
    """Evaluate SLA clocks (flag breaches once) and the hypercare exit criteria of open windows."""
    from golive.hypercare.selectors import windows_ready_to_exit
    from golive.tracker.services import sweep_breaches

    breaches = sweep_breaches(as_of=as_of)
    ready = windows_ready_to_exit(as_of=as_of)
    return {
        "response_breaches": breaches["response"],
        "resolution_breaches": breaches["resolution"],
        "hypercare_ready_to_exit": ready,
    }


def start_single_node_scheduler(stop: threading.Event | None = None) -> threading.Thread:
    """Run :func:`sweep` every minute on a daemon thread of the server process."""
    stop = stop or threading.Event()

    def loop():
        while not stop.wait(SWEEP_INTERVAL_SECONDS):
            try:
                result = sweep()
                if any(result[k] for k in ("response_breaches", "resolution_breaches")):
                    logger.info("sweep: %s", result)
            except Exception:  # keep the scheduler alive; the next run retries
                logger.exception("sweep failed")
            finally:
                close_old_connections()

    thread = threading.Thread(target=loop, name="golive-scheduler", daemon=True)
    thread.start()
    return thread
