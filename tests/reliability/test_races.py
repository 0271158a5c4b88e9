"""Races on one project through gunicorn's four worker processes on PostgreSQL: phase advances, sign-offs and
edits of one issue sent at the same instant. Whatever the interleaving, each accepted change happens once and is
recorded once, each refused one changes nothing, and no change is lost."""

from __future__ import annotations

import http.client
import threading

import pytest

pytestmark = pytest.mark.reliability


def race(instance, requests: list[tuple[str, str, dict, str]]) -> list[tuple[int, dict]]:
    """Send ``(method, path, body, token)`` requests from one thread each, released together."""
    barrier = threading.Barrier(len(requests))
    outcomes: list = [None] * len(requests)

    def send(index, method, path, body, token):
        barrier.wait(timeout=60)
        try:
            outcomes[index] = instance.request(method, path, body, token=token)
        except (OSError, http.client.HTTPException) as exc:
            outcomes[index] = (None, repr(exc))

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert all(status is not None and status < 500 for status, _ in outcomes), f"{outcomes}\n{instance.log()}"
    return outcomes


@pytest.fixture(scope="module")
def seeded(gunicorn_instance):
    return {key: gunicorn_instance.call("seed", key=key, kickoff_ready=True) for key in ("ADVANCE", "SIGN", "EDIT")}


def test_parallel_advances_move_the_project_exactly_once(gunicorn_instance, seeded):
    tokens = seeded["ADVANCE"]["tokens"]
    # The kickoff gate passes (kickoff held, a requirement captured); the alpha review gate does not.
    outcomes = race(
        gunicorn_instance,
        [
            ("POST", "/api/v1/projects/ADVANCE/advance/", {"comment": f"go {i}"}, tokens["consultant_lead"])
            for i in range(8)
        ],
    )
    statuses = sorted(status for status, _ in outcomes)
    assert statuses == [200] + [409] * 7, outcomes
    refused = [body for status, body in outcomes if status == 409]
    assert all(any(c["code"] == "review_feedback_triaged" for c in body["criteria"]) for body in refused)

    state = gunicorn_instance.call("project_state", key="ADVANCE")
    assert state["current_phase"] == "alpha_review"
    assert state["phases"][:3] == [["kickoff", "done"], ["alpha_review", "active"], ["beta_review", "not_started"]]
    moves = [(a["changes"]["from"], a["changes"]["to"]) for a in state["audit"] if a["action"].startswith("phase.")]
    assert moves == [("kickoff", "alpha_review")]


def test_parallel_signoffs_are_each_recorded_once_and_a_late_one_changes_nothing(gunicorn_instance, seeded):
    tokens = seeded["SIGN"]["tokens"]
    signoffs = [
        (
            "POST",
            "/api/v1/projects/SIGN/signoffs/",
            {"phase": "kickoff", "decision": "approve" if i % 2 else "reject", "comment": f"signoff {i}"},
            tokens["customer_lead" if i % 3 else "consultant_lead"],
        )
        for i in range(10)
    ]
    advance = ("POST", "/api/v1/projects/SIGN/advance/", {"comment": "move on"}, tokens["consultant_lead"])
    outcomes = race(gunicorn_instance, [*signoffs, advance])

    assert outcomes[-1][0] == 200, outcomes[-1]
    recorded = {body["comment"] for status, body in outcomes[:-1] if status == 201}
    refused = {signoffs[i][2]["comment"] for i, (status, _) in enumerate(outcomes[:-1]) if status != 201}
    # A sign-off that arrived after the move is refused: the kickoff is no longer the current phase.
    assert all(status in (201, 409) for status, _ in outcomes[:-1]), outcomes

    state = gunicorn_instance.call("project_state", key="SIGN")
    stored = [s["comment"] for s in state["signoffs"]]
    assert sorted(stored) == sorted(recorded), "a sign-off was lost, doubled or written despite its refusal"
    assert not refused & set(stored)
    assert all(s["phase__key"] == "kickoff" for s in state["signoffs"])
    audited = [a["changes"]["comment"] for a in state["audit"] if a["action"] == "signoff.recorded"]
    assert sorted(audited) == sorted(recorded)
    assert state["current_phase"] == "alpha_review"
    assert [a["action"] for a in state["audit"] if a["action"].startswith("phase.")] == ["phase.advanced"]


def test_parallel_edits_of_one_issue_are_all_kept(gunicorn_instance, seeded):
    tokens = seeded["EDIT"]["tokens"]
    consultant = seeded["EDIT"]["usernames"]["consultant"]
    status, issue = gunicorn_instance.request(
        "POST", "/api/v1/projects/EDIT/issues/", {"title": "Invoices stuck", "severity": "P3"}, token=tokens["admin"]
    )
    assert status == 201
    path = f"/api/v1/projects/EDIT/issues/{issue['number']}/"
    changes = {
        "title": "Invoices stuck in the queue",
        "description": "Since the 9:00 batch.",
        "severity": "P2",
        "kind": "defect",
        "category": "integration",
        "assignee": consultant,
    }
    outcomes = race(
        gunicorn_instance,
        [("PATCH", path, {field: value}, tokens["consultant_lead"]) for field, value in changes.items()],
    )
    assert [status for status, _ in outcomes] == [200] * len(changes), outcomes

    history = gunicorn_instance.call("issue_history", key="EDIT", number=issue["number"])
    assert {field: history["issue"][field] for field in changes} == changes, "an edit was lost"
    updates = [e["data"] for e in history["events"] if e["kind"] == "updated"]
    assert sorted(field for data in updates for field in data) == sorted(changes)
    assert len([a for a in history["audit"] if a["action"] == "issue.updated"]) == len(changes)


def test_parallel_status_moves_of_one_issue_form_one_unbroken_timeline(gunicorn_instance, seeded):
    tokens = seeded["EDIT"]["tokens"]
    status, issue = gunicorn_instance.request(
        "POST", "/api/v1/projects/EDIT/issues/", {"title": "Login loop", "severity": "P2"}, token=tokens["admin"]
    )
    assert status == 201
    path = f"/api/v1/projects/EDIT/issues/{issue['number']}/"
    targets = ["triaged", "in_progress", "waiting_on_customer", "resolved", "triaged", "in_progress"] * 2
    outcomes = race(
        gunicorn_instance,
        [
            ("PATCH", path, {"status": target, "note": f"move {i}"}, tokens["consultant_lead"])
            for i, target in enumerate(targets)
        ],
    )
    assert all(status in (200, 409) for status, _ in outcomes), outcomes
    accepted = [target for target, (status, _) in zip(targets, outcomes, strict=True) if status == 200]
    assert accepted, outcomes

    history = gunicorn_instance.call("issue_history", key="EDIT", number=issue["number"])
    moves = [(e["data"]["from"], e["data"]["to"]) for e in history["events"] if e["kind"] == "status"]
    # Each move starts where the previous one ended: no move was made from a stale status.
    chain = ["new", *(to for _, to in moves)]
    assert [source for source, _ in moves] == chain[:-1]
    assert history["issue"]["status"] == chain[-1]
    # Every accepted move is on the timeline (a 200 for the status the issue already had changed nothing),
    # and every timeline move was an accepted request, audited once.
    assert set(accepted) <= {to for _, to in moves}
    assert len(moves) <= len(accepted)
    audited = [a["changes"]["status"] for a in history["audit"] if a["action"] == "issue.status_changed"]
    assert [tuple(pair) for pair in audited] == moves
