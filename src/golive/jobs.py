"""Periodic jobs and the single-node scheduler.

``sweep`` is the one periodic job: it flags SLA breaches, evaluates hypercare exit criteria, and sends what is
due (breach escalations, hypercare digests, UAT and training reminders, webhook deliveries and e-mails whose
task was lost). Every part is idempotent and safe to run on several workers at once: breaches are flagged once
by a unique index, and every notification that must go out once claims a unique row first.

In single-node mode (no ``GOLIVE_BROKER_URL``) ``golive serve`` runs it every minute on a daemon thread, beside
the in-process task worker (``golive.tasks``); with a broker, Celery beat schedules it (``golive.celery``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.db import close_old_connections

logger = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 60


def sweep(*, as_of: dt.datetime | None = None) -> dict:
    """Evaluate SLA clocks (flag breaches once) and the hypercare exit criteria of open windows, then send what
    is due at ``as_of`` (default now)."""
    from golive.hypercare.selectors import windows_ready_to_exit
    from golive.notify.services import notifications_due
    from golive.tracker.services import sweep_breaches

    breaches = sweep_breaches(as_of=as_of)
    ready = windows_ready_to_exit(as_of=as_of)
    sent = notifications_due(as_of=as_of)
    return {
        "response_breaches": breaches["response"],
        "resolution_breaches": breaches["resolution"],
        "hypercare_ready_to_exit": ready,
        **sent,
    }


def start_single_node_scheduler(stop: threading.Event | None = None) -> threading.Thread:
    """Run :func:`sweep` every minute on a daemon thread of the server process."""
    stop = stop or threading.Event()

    def loop():
        while not stop.wait(SWEEP_INTERVAL_SECONDS):
            try:
                result = sweep()
                if any(value for key, value in result.items() if key != "hypercare_ready_to_exit"):
                    logger.info("sweep: %s", result)
            except Exception:  # keep the scheduler alive; the next run retries
                logger.exception("sweep failed")
            finally:
                close_old_connections()

    thread = threading.Thread(target=loop, name="golive-scheduler", daemon=True)
    thread.start()
    return thread
