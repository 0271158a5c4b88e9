"""The Celery application of the production profile (``GOLIVE_BROKER_URL`` set).

Periodic work (the SLA and hypercare sweep) is scheduled by Celery beat and runs on the workers; each job is
idempotent and safe on several workers at once, so running beat beside more than one worker is harmless.
Without a broker none of this is imported: ``golive serve`` runs the same jobs on a thread (``golive.jobs``).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")

app = Celery("golive")


def configure(broker_url: str) -> Celery:
    """Point the app at the broker; results go to the same Redis so callers (and tests) can wait on them."""
    from golive.jobs import SWEEP_INTERVAL_SECONDS

    app.conf.update(
        broker_url=broker_url,
        result_backend=broker_url if broker_url.startswith(("redis://", "rediss://")) else None,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        beat_schedule={"sweep": {"task": "golive.sweep", "schedule": float(SWEEP_INTERVAL_SECONDS)}},
        timezone="UTC",
    )
    return app


@app.task(name="golive.sweep")
def sweep_task(as_of: str | None = None) -> dict:
    """The periodic sweep (``golive.jobs.sweep``); returns the counts it flagged."""
    import datetime as dt

    from golive.jobs import sweep

    result = sweep(as_of=dt.datetime.fromisoformat(as_of) if as_of else None)
    return result


@app.task(name="golive.ping")
def ping() -> str:
    """A no-op to check that a worker is consuming the queue."""
    return "pong"
