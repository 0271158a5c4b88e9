"""kill -9 of every server process in the middle of a spike loses no acknowledged issue.

Clients report issues without pause; every 201 answer is an acknowledgement the reporter relies on (number and
title). Mid-spike the whole server (waitress with its in-process background work on SQLite; gunicorn's master and
workers on PostgreSQL) is SIGKILLed at once. A new server on the same database must still hold every acknowledged
issue under the same number, keep numbers unique, and go on numbering after the highest one.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time

import pytest

pytestmark = pytest.mark.reliability

CLIENTS = 10
ACKNOWLEDGED_BEFORE_KILL = 40


@pytest.mark.parametrize(("engine", "server"), [("sqlite", "waitress"), ("postgres", "gunicorn")])
def test_kill_9_mid_spike_loses_no_acknowledged_issue(make_instance, engine, server):
    instance = make_instance(engine)
    token = instance.call("seed", key="CRASH")["tokens"]["customer_member"]
    instance.start(server, workers=4)

    acknowledged: dict[str, int] = {}  # title -> number, from 201 answers only
    lock = threading.Lock()
    stop = threading.Event()
    sequence = itertools.count()
    server_errors: list = []

    def client() -> None:
        while not stop.is_set():
            title = f"Crash report {next(sequence)}"
            try:
                status, body = instance.request(
                    "POST",
                    "/api/v1/projects/CRASH/issues/",
                    {"title": title, "severity": "P2"},
                    token=token,
                    timeout=30,
                )
            except (OSError, http.client.HTTPException):  # the server is gone: this report was never acknowledged
                time.sleep(0.05)
                continue
            if status == 201:
                with lock:
                    acknowledged[title] = body["number"]
            elif status >= 500:
                server_errors.append((status, body))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, f"the spike never got going:\n{instance.log()}"
    instance.kill()  # mid-spike: the clients are still sending
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not server_errors, server_errors[:5]

    integrity = instance.call("integrity")["result"]
    assert integrity == ["ok"]
    instance.start(server, workers=4)
    stored = instance.call("issues", key="CRASH")["issues"]
    numbers = [number for number, _ in stored]
    assert len(numbers) == len(set(numbers)), "a number was given twice"
    by_title = {title: number for number, title in stored}
    lost = {title: number for title, number in acknowledged.items() if by_title.get(title) != number}
    assert not lost, f"{len(lost)} acknowledged issues lost or renumbered: {list(lost.items())[:5]}"

    # The restarted server takes new reports and numbers them after everything stored, without a repeat.
    after = []
    for n in range(5):
        status, body = instance.request(
            "POST", "/api/v1/projects/CRASH/issues/", {"title": f"After restart {n}"}, token=token
        )
        assert status == 201, (status, body)
        after.append(body["number"])
    assert min(after) > max(numbers)
    assert len(set(after)) == len(after)
    final = [number for number, _ in instance.call("issues", key="CRASH")["issues"]]
    assert len(final) == len(set(final)) == len(stored) + 5
