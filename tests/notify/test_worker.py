"""The task interface: single-node mode runs tasks on the in-process worker (threads, a timer heap for delayed
retries) without any broker; with no worker running they run inline; arguments are JSON like Celery's."""

from __future__ import annotations

import threading
import time

import pytest

from golive import tasks
from golive.notify import services
from golive.notify.models import Delivery, DeliveryStatus
from golive.tracker import services as tracker_services


@pytest.fixture
def local_worker():
    worker = tasks.start_local_worker(threads=2)
    yield worker
    tasks.stop_local_worker()


def test_delayed_tasks_wait_their_turn_and_drain_waits_for_due_ones():
    calls = []
    worker = tasks.LocalWorker(threads=2).start()
    tasks.REGISTRY["tests.record"] = lambda *, value: calls.append((value, time.monotonic()))
    try:
        started = time.monotonic()
        worker.submit("tests.record", {"value": "later"}, countdown=0.3)
        worker.submit("tests.record", {"value": "now"})
        assert worker.drain(timeout=5)  # only the due task
        assert [c[0] for c in calls] == ["now"]
        assert worker.pending(due_within=1) == 1
        assert worker.drain(timeout=5, due_within=1)
        assert [c[0] for c in calls] == ["now", "later"]
        assert calls[1][1] - started >= 0.3
    finally:
        worker.stop()
        del tasks.REGISTRY["tests.record"]


def test_a_failing_task_does_not_kill_the_worker():
    worker = tasks.LocalWorker(threads=1).start()
    done = threading.Event()

    def boom():
        raise RuntimeError("broken task")

    tasks.REGISTRY["tests.boom"] = lambda: boom()
    tasks.REGISTRY["tests.done"] = lambda: done.set()
    try:
        worker.submit("tests.boom", {})
        worker.submit("tests.done", {})
        assert done.wait(5)
    finally:
        worker.stop()
        del tasks.REGISTRY["tests.boom"], tasks.REGISTRY["tests.done"]


def test_task_arguments_must_be_json():
    with pytest.raises(TypeError, match="JSON"):
        tasks.enqueue("notify.deliver", delivery_id=object())
    with pytest.raises(LookupError):
        tasks.enqueue("no.such.task")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_single_node_worker_delivers_after_the_receiver_comes_back(world, receiver, local_worker, settings):
    """The whole single-node path with committed transactions: publish -> dispatch -> delivery -> retry on the
    worker's timer -> delivered, while the request that caused it returned at once."""
    settings.GOLIVE_WEBHOOK_RETRY_SECONDS = 1
    webhook = services.webhook_create(
        actor=world.lead, project=world.project, url=receiver.url, events=["issue.created"], secret="local-secret"
    )
    receiver.down()
    issue = tracker_services.issue_create(actor=world.lead, project=world.project, title="Printer on fire")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not Delivery.objects.filter(webhook=webhook, attempts__gte=1).exists():
        time.sleep(0.05)
    delivery = Delivery.objects.get(webhook=webhook)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    receiver.up()
    (request,) = receiver.wait_for(1, timeout=15)
    assert request.json()["data"]["issue"]["ref"] == issue.ref
    assert local_worker.drain(timeout=10)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sweep_resumes_a_delivery_whose_task_was_lost(world, receiver, settings):
    """A single-node server restarted between attempts: the queue is gone, the row is not."""
    import datetime as dt

    from django.utils import timezone

    from golive.jobs import sweep

    webhook = services.webhook_create(actor=world.lead, project=world.project, url=receiver.url, events=["golive"])
    delivery = services._delivery(webhook, "test", world.project, timezone.now().isoformat(), {}, timezone.now())
    delivery.save()  # as if its task had been lost in a restart
    assert sweep()["resumed"] == 0  # not stalled yet: its task may still be queued
    assert sweep(as_of=timezone.now() + dt.timedelta(minutes=6))["resumed"] == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 1
