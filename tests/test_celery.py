"""Background work on Celery + Redis (the production profile): ``golive worker`` consumes the sweep and the
tasks of ``golive.tasks`` (webhook deliveries with their retries, e-mails).

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
        # The test's receiver listens on 127.0.0.1; retries come quickly.
        "GOLIVE_WEBHOOK_ALLOW_PRIVATE": "1",
        "GOLIVE_WEBHOOK_RETRY_SECONDS": "1",
        "GOLIVE_EMAIL_URL": "console",
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


def test_beat_schedules_the_sweep_and_the_worker_knows_every_task(broker_url):
    from golive.celery import configure
    from golive.tasks import REGISTRY

    app = configure(broker_url)
    assert {"notify.dispatch_event", "notify.deliver", "notify.send_email"} <= set(REGISTRY)
    assert set(REGISTRY) <= set(app.tasks)


def test_the_worker_delivers_a_webhook_and_retries_until_the_receiver_is_up(world, worker, settings):
    """publish (after commit) -> Redis -> worker: fan-out, signed POST, a failed attempt, a retry on Celery's
    countdown, delivered."""
    import hashlib
    import hmac

    from golive.notify import services as notify_services
    from golive.notify.models import Delivery, DeliveryStatus
    from tests.notify.receiver import Receiver

    settings.BROKER_URL = worker.conf.broker_url  # this process enqueues to Celery, as a web process would
    settings.GOLIVE_WEBHOOK_ALLOW_PRIVATE = True
    receiver = Receiver().up()
    try:
        webhook = notify_services.webhook_create(
            actor=world.lead,
            project=world.project,
            url=receiver.url,
            events=["issue.created"],
            secret="celery-secret",
        )
        receiver.down()
        issue = tracker_services.issue_create(
            actor=world.lead, project=world.project, title="Queue stuck", severity="P3"
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Delivery.objects.filter(webhook=webhook, attempts__gte=1).exists():
            time.sleep(0.1)
        assert Delivery.objects.get(webhook=webhook).status == DeliveryStatus.PENDING
        receiver.up()
        (request,) = receiver.wait_for(1, timeout=60)
        expected = "sha256=" + hmac.new(b"celery-secret", request.body, hashlib.sha256).hexdigest()
        assert request.headers["X-GoLive-Signature"] == expected
        assert request.json()["data"]["issue"]["ref"] == issue.ref
        while time.monotonic() < deadline:
            delivery = Delivery.objects.get(webhook=webhook)
            if delivery.status == DeliveryStatus.DELIVERED:
                break
            time.sleep(0.1)
        assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts >= 2
        assert delivery.attempt_log.order_by("-number").first().status_code == 200
    finally:
        receiver.down()
