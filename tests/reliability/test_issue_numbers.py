"""A go-live spike on the production profile: 100 issues reported at the same instant through gunicorn's four
worker processes on PostgreSQL are all accepted, numbered 1..100 without a gap or a repeat, and all stored."""

from __future__ import annotations

import http.client
import threading

import pytest

pytestmark = pytest.mark.reliability

CLIENTS = 100


def test_100_concurrent_reports_get_numbers_1_to_100(make_instance):
    instance = make_instance("postgres")
    token = instance.call("seed", key="SPIKE")["tokens"]["customer_member"]
    instance.start("gunicorn", workers=4)

    barrier = threading.Barrier(CLIENTS)
    outcomes: list = [None] * CLIENTS

    def report(index: int) -> None:
        barrier.wait(timeout=60)
        try:
            outcomes[index] = instance.request(
                "POST",
                "/api/v1/projects/SPIKE/issues/",
                {"title": f"Spike report {index}", "severity": "P3", "kind": "incident"},
                token=token,
            )
        except (OSError, http.client.HTTPException) as exc:  # refused or reset: the assertion below shows it
            outcomes[index] = (None, repr(exc))

    threads = [threading.Thread(target=report, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"

    failed = [(i, status, body) for i, (status, body) in enumerate(outcomes) if status != 201]
    assert not failed, f"{len(failed)} of {CLIENTS} reports not created: {failed[:5]}\n{instance.log()}"
    numbers = sorted(body["number"] for _, body in outcomes)
    assert numbers == list(range(1, CLIENTS + 1))
    acknowledged = {body["title"]: body["number"] for _, body in outcomes}

    stored = instance.call("issues", key="SPIKE")
    assert len(stored["issues"]) == CLIENTS
    assert {title: number for number, title in stored["issues"]} == acknowledged
    assert stored["sequence"] == CLIENTS
