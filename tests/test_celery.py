"""Background work on Celery + Redis (the production profile): ``golive worker`` consumes the sweep.

Run by ``make test-celery`` (CI), which sets ``GOLIVE_TEST_BROKER_URL``; excluded from ``make test`` because it
needs a Redis server.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from golive.tracker import services as tracker_services
from golive.tracker.models import Issue, IssueEvent

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def broker_url():
    url = os.environ.get("GOLIVE_TEST_BROKER_URL")
    if not url:
        pytest.fail("GOLIVE_TEST_BROKER_URL is not set: run these tests with `make test-celery`")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def worker(broker_url, tmp_path):
    """``golive worker`` on the test database (a SQLite file the worker process opens too)."""
    if connection.vendor != "sqlite":
        pytest.fail("the Celery tests run on the embedded SQLite default")
    env = {
        **os.environ,
        "GOLIVE_DATA_DIR": str(tmp_path),
        "GOLIVE_BROKER_URL": broker_url,
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "golive", "worker", "--concurrency", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from golive.celery import configure

    app = configure(broker_url)
    try:
        app.send_task("golive.ping").get(timeout=60)
        yield app
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_beat_schedules_the_sweep_every_minute(broker_url):
    from golive.celery import configure

    schedule = configure(broker_url).conf.beat_schedule
    assert schedule["sweep"]["task"] == "golive.sweep"
    assert schedule["sweep"]["schedule"] == 60.0


def test_the_worker_flags_an_overdue_issue_once(world, worker):
    overdue = tracker_services.issue_create(
        actor=world.lead,
        project=world.project,
        title="Orders stuck",
        severity="P1",
        reported_at=timezone.now() - dt.timedelta(days=2),
    )
    first = worker.send_task("golive.sweep").get(timeout=60)
    assert first["response_breaches"] == 1 and first["resolution_breaches"] == 1
    overdue.refresh_from_db()
    assert overdue.response_breached and overdue.resolution_breached
    second = worker.send_task("golive.sweep").get(timeout=60)
    assert (second["response_breaches"], second["resolution_breaches"]) == (0, 0)
    assert IssueEvent.objects.filter(issue=overdue, kind__startswith="sla_breach").count() == 2


def test_two_sweeps_at_once_on_the_worker_flag_each_breach_once(world, worker):
    for n in range(5):
        tracker_services.issue_create(
            actor=world.lead,
            project=world.project,
            title=f"Late {n}",
            severity="P2",
            reported_at=timezone.now() - dt.timedelta(days=5),
        )
    results = [worker.send_task("golive.sweep") for _ in range(2)]
    deadline = time.monotonic() + 60
    counts = [r.get(timeout=max(1, deadline - time.monotonic())) for r in results]
    assert sum(c["response_breaches"] for c in counts) == 5
    assert Issue.objects.filter(response_breached=True).count() == 5
    assert IssueEvent.objects.filter(kind="sla_breach_response").count() == 5
