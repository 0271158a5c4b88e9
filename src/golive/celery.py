"""The Celery application of the production profile (``GOLIVE_BROKER_URL`` set).

Every task of ``golive.tasks`` (registered with ``@task``) is bound here under the same name, so the web
processes ``send_task`` by name and ``golive worker`` runs the same functions as single-node mode. Periodic work
(the sweep: SLA clocks, escalations, digests, reminders, stalled deliveries) is scheduled by Celery beat; each
job is idempotent and safe on several workers at once, so running beat beside more than one worker is harmless.
Without a broker none of this is imported: ``golive serve`` runs the same jobs on threads (``golive.jobs``).
"""

from __future__ import annotations

import os
import threading

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")

app = Celery("golive")
_configured: str | None = None
_lock = threading.Lock()


def configure(broker_url: str) -> Celery:
    """Point the app at the broker; results go to the same Redis so callers (and tests) can wait on them."""
    global _configured
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
        result_expires=3600,
    )
    bind_registered_tasks()
    _configured = broker_url
    return app


def bind_registered_tasks() -> None:
    """Make every ``golive.tasks`` task a Celery task of the same name (once)."""
    from golive.tasks import REGISTRY

    for name, func in REGISTRY.items():
        if name not in app.tasks:
            # Fire and forget: a delivery or an e-mail records its own outcome in the database, not in Redis.
            app.task(name=name, ignore_result=True)(func)


def app_for_settings() -> Celery:
    """The app configured for ``settings.BROKER_URL`` (configured on first use in a web process)."""
    from django.conf import settings

    if _configured != settings.BROKER_URL:
        with _lock:
            if _configured != settings.BROKER_URL:
                configure(settings.BROKER_URL)
    return app


def broker_ping(*, timeout: float = 1.0) -> None:
    """Raise unless the broker accepts a connection (and, for Redis, answers PING) within ``timeout`` seconds."""
    connection = app_for_settings().connection_for_write()
    try:
        connection.ensure_connection(max_retries=1, timeout=timeout, interval_start=0, interval_step=0)
        client = getattr(connection.default_channel, "client", None)
        if client is not None and hasattr(client, "ping"):
            client.ping()
    finally:
        connection.release()


@app.task(name="golive.sweep")
def sweep_task(as_of: str | None = None) -> dict:
    """The periodic sweep (``golive.jobs.sweep``); returns what it flagged and sent."""
    import datetime as dt

    from golive.jobs import sweep

    result = sweep(as_of=dt.datetime.fromisoformat(as_of) if as_of else None)
    return result


@app.task(name="golive.ping")
def ping() -> str:
    """A no-op to check that a worker is consuming the queue."""
    return "pong"
