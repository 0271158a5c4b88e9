"""The issue status machine, exhaustively: every (from, to) pair of ``ISSUE_TRANSITIONS`` through PATCH."""

from __future__ import annotations

import pytest

from golive.audit.models import AuditEvent
from golive.tracker import services
from golive.tracker.models import ISSUE_TRANSITIONS, Issue, IssueEvent, IssueStatus
from tests.tracker.helpers import issue_in

URL = "/api/v1/projects/ACME/issues/1/"
PAIRS = [(a, b) for a in IssueStatus.values for b in IssueStatus.values if a != b]


def _snapshot():
    issue = Issue.objects.get(number=1)
    return (
        issue.status,
        issue.resolved_at,
        issue.closed_at,
        issue.waiting_since,
        issue.pauses,
        IssueEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_table_is_the_contracts():
    assert {k: set(v) for k, v in ISSUE_TRANSITIONS.items()} == {
        "new": {"triaged", "in_progress", "waiting_on_customer", "resolved"},
        "triaged": {"in_progress", "waiting_on_customer", "resolved"},
        "in_progress": {"waiting_on_customer", "resolved"},
        "waiting_on_customer": {"in_progress", "resolved"},
        "resolved": {"closed", "in_progress"},
        "closed": set(),
    }


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_move(world, api, source, target):
    issue_in(world, source)
    if target in ISSUE_TRANSITIONS[source]:
        response = api(world.consultant).patch(URL, {"status": target, "note": "why"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == target
        issue = Issue.objects.get(number=1)
        assert issue.status == target
        assert IssueEvent.objects.filter(issue=issue, kind="status").last().data == {
            "from": source,
            "to": target,
            "note": "why",
        }
        assert (issue.resolved_at is not None) == (target in ("resolved", "closed"))
        assert (issue.closed_at is not None) == (target == "closed")
        assert (issue.waiting_since is not None) == (target == "waiting_on_customer")
    else:
        before = _snapshot()
        response = api(world.consultant).patch(URL, {"status": target}, format="json")
        assert response.status_code == 409, response.content
        assert response.json()["detail"]
        assert _snapshot() == before


@pytest.mark.parametrize("target", [s for s in IssueStatus.values if s != "closed"])
def test_closed_is_final_for_everyone(world, api, target):
    issue_in(world, "closed")
    for user, refusal in ((world.admin, {409}), (world.lead, {409}), (world.customer_lead, {403, 409})):
        before = _snapshot()
        assert api(user).patch(URL, {"status": target}, format="json").status_code in refusal
        assert _snapshot() == before
    with pytest.raises(Exception, match="cannot move"):
        services.issue_set_status(actor=world.lead, issue=Issue.objects.get(number=1), status=target)


def test_refused_field_edit_on_closed_issue_is_409(world, api):
    issue_in(world, "closed")
    before = _snapshot()
    response = api(world.lead).patch(URL, {"severity": "P1"}, format="json")
    assert response.status_code == 409
    assert _snapshot() == before and Issue.objects.get().severity == "P3"


@pytest.mark.parametrize("user", ["customer_lead", "customer_member"])
@pytest.mark.parametrize("target", ["closed", "in_progress"])
def test_customer_may_close_or_reopen_a_resolved_issue(world, api, user, target):
    issue_in(world, "resolved")
    response = api(getattr(world, user)).patch(URL, {"status": target}, format="json")
    assert response.status_code == 200, response.content
    issue = Issue.objects.get()
    assert issue.status == target
    assert issue.resolved_at is None if target == "in_progress" else issue.closed_at is not None


@pytest.mark.parametrize("user", ["customer_lead", "customer_member"])
@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("new", "triaged"),
        ("new", "in_progress"),
        ("new", "waiting_on_customer"),
        ("new", "resolved"),
        ("triaged", "resolved"),
        ("in_progress", "resolved"),
        ("waiting_on_customer", "in_progress"),
    ],
)
def test_customer_cannot_triage_start_or_resolve(world, api, user, source, target):
    issue_in(world, source)
    before = _snapshot()
    response = api(getattr(world, user)).patch(URL, {"status": target}, format="json")
    assert response.status_code == 403
    assert _snapshot() == before


def test_same_status_is_a_no_op(world, api):
    issue_in(world, "triaged")
    before = _snapshot()
    response = api(world.lead).patch(URL, {"status": "triaged"}, format="json")
    assert response.status_code == 200
    assert _snapshot() == before


def test_refused_move_leaves_the_field_edits_of_the_same_request_undone(world, api):
    issue_in(world, "new", title="Old title")
    before = _snapshot()
    response = api(world.lead).patch(URL, {"title": "New title", "severity": "P1", "status": "closed"}, format="json")
    assert response.status_code == 409
    assert _snapshot() == before
    issue = Issue.objects.get()
    assert (issue.title, issue.severity) == ("Old title", "P3")


def test_field_edit_and_allowed_move_in_one_request(world, api):
    issue_in(world, "new")
    response = api(world.lead).patch(URL, {"severity": "P2", "status": "in_progress"}, format="json")
    assert response.status_code == 200
    assert (response.json()["severity"], response.json()["status"]) == ("P2", "in_progress")
