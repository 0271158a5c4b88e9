"""The sweep on two workers at once over one PostgreSQL database: two ``golive sweep`` processes started together
(single-node mode, each with its in-process task worker), and two Celery workers on Redis consuming sweep tasks.
Each breach is flagged once, with one timeline event, and each escalation step, escalation e-mail and webhook
delivery exists exactly once (the receiver gets each ``issue.sla_breached`` POST once)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time

import pytest

from tests.notify.receiver import Receiver
from tests.reliability.servers import spawn, stop_group

pytestmark = pytest.mark.reliability

BREACHED = 10  # P1 issues; both clocks of each breached: 20 breaches
WORKER_ENV = {
    "GOLIVE_WEBHOOK_ALLOW_PRIVATE": "1",  # the receiver listens on 127.0.0.1
    "GOLIVE_WEBHOOK_RETRY_SECONDS": "1",
    "GOLIVE_ESCALATION_LEAD_MINUTES": "60",
}


@pytest.fixture
def receiver():
    receiver = Receiver().up()
    yield receiver
    receiver.down()


def _sweeps_at_once(instance, as_of: str, count: int = 2) -> list[str]:
    """Start ``count`` ``golive sweep --as-of`` processes together; their outputs once all have finished."""
    env = instance.env()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "golive", "sweep", "--as-of", as_of],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]
    outputs = [process.communicate(timeout=240)[0] for process in processes]
    assert [process.returncode for process in processes] == [0] * count, outputs
    return outputs


def _flagged(outputs: list[str], metric: str) -> int:
    return sum(int(re.search(rf"{metric} breaches flagged: (\d+)", output).group(1)) for output in outputs)


def _assert_each_step_once(outcome: dict, levels: tuple[int, ...]) -> None:
    issues = outcome["issues"]
    assert len(issues) == BREACHED
    assert all(i["response_breached"] and i["resolution_breached"] for i in issues)
    expected_events = {f"{i['pk']}:sla_breach_{m}" for i in issues for m in ("response", "resolution")}
    assert outcome["events"] == dict.fromkeys(expected_events, 1), "a breach was flagged twice or not at all"
    expected_steps = {f"{i['pk']}:{m}:{lv}" for i in issues for m in ("response", "resolution") for lv in levels}
    assert outcome["escalations"] == dict.fromkeys(expected_steps, 1)
    assert set(outcome["emails"].values()) == {1}, "an escalation e-mail was queued twice"
    assert outcome["deliveries"] == dict.fromkeys(outcome["deliveries"], 1)
    assert len(outcome["deliveries"]) == 2 * BREACHED, "one issue.sla_breached delivery per breach"


def test_two_sweep_processes_at_once_send_each_escalation_once(make_instance, receiver):
    instance = make_instance("postgres", **WORKER_ENV)
    instance.call("seed", key="SWEEP")
    as_of = instance.call("seed_breaches", key="SWEEP", count=BREACHED, webhook_url=receiver.url)["as_of"]

    outputs = _sweeps_at_once(instance, as_of)
    assert _flagged(outputs, "response") == BREACHED, outputs
    assert _flagged(outputs, "resolution") == BREACHED, outputs
    outcome = instance.call("sweep_outcome", key="SWEEP")
    _assert_each_step_once(outcome, levels=(1,))
    # Level 1 goes to the assignee (half the issues), else to the consultant lead: one e-mail per breach.
    assert len(outcome["emails"]) == 2 * BREACHED
    assert outcome["email_status"] == {"sent": 2 * BREACHED}
    assert outcome["delivery_status"] == {"delivered": 2 * BREACHED}
    bodies = [r.body for r in receiver.requests]
    assert len(bodies) == len(set(bodies)) == 2 * BREACHED, "the receiver got a delivery twice"

    # An hour later, still unanswered: the consultant lead is told once (level 2), nothing else is repeated.
    later = (dt.datetime.fromisoformat(as_of) + dt.timedelta(minutes=61)).isoformat()
    outputs = _sweeps_at_once(instance, later)
    assert _flagged(outputs, "response") == _flagged(outputs, "resolution") == 0
    outcome = instance.call("sweep_outcome", key="SWEEP")
    _assert_each_step_once(outcome, levels=(1, 2))
    # Level 2 skips the leads level 1 already told: only the assigned issues' breaches reach the lead again.
    assert len(outcome["emails"]) == 2 * BREACHED + BREACHED
    assert len(receiver.requests) == 2 * BREACHED


def test_two_celery_workers_sweeping_at_once_send_each_escalation_once(make_instance, receiver, redis_url, tmp_path):
    import redis

    from golive.celery import configure

    instance = make_instance("postgres", **WORKER_ENV)
    instance.call("seed", key="CELERY")
    as_of = instance.call("seed_breaches", key="CELERY", count=BREACHED, webhook_url=receiver.url)["as_of"]
    redis.Redis.from_url(redis_url).flushdb()
    env = instance.env(GOLIVE_BROKER_URL=redis_url)
    workers = [
        spawn(
            [sys.executable, "-m", "golive", "worker", "--no-beat", "--concurrency", "2", "--loglevel", "WARNING"],
            env=env,
            log=tmp_path / f"worker{n}.log",
        )
        for n in range(2)
    ]
    app = configure(redis_url)
    try:
        deadline = time.monotonic() + 90
        replies = []
        while len(replies) < 2 and time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0)
        assert len(replies) == 2, f"both workers must be consuming: {replies}"

        results = [app.send_task("golive.sweep", kwargs={"as_of": as_of}) for _ in range(4)]
        counts = [result.get(timeout=120) for result in results]
        assert sum(c["response_breaches"] for c in counts) == BREACHED, counts
        assert sum(c["resolution_breaches"] for c in counts) == BREACHED, counts
        assert sum(c["escalations"] for c in counts) == 2 * BREACHED, counts

        # The e-mails and deliveries the sweeps queued run as their own tasks: wait until the workers are done.
        deadline = time.monotonic() + 90
        outcome = instance.call("sweep_outcome", key="CELERY")
        while time.monotonic() < deadline and (
            outcome["delivery_status"] != {"delivered": 2 * BREACHED}
            or outcome["email_status"] != {"sent": 2 * BREACHED}
        ):
            time.sleep(1)
            outcome = instance.call("sweep_outcome", key="CELERY")
        _assert_each_step_once(outcome, levels=(1,))
        assert outcome["email_status"] == {"sent": 2 * BREACHED}
        assert outcome["delivery_status"] == {"delivered": 2 * BREACHED}
        bodies = [r.body for r in receiver.requests]
        assert len(bodies) == len(set(bodies)) == 2 * BREACHED, "the receiver got a delivery twice"
        assert all(worker.poll() is None for worker in workers), "a worker died"
    finally:
        for worker in workers:
            stop_group(worker)
