"""SLA clocks on issues: first response, due instants under the project's policy, pauses, and the policy API."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.tracker import businesstime, services
from golive.tracker.models import Issue, SlaPolicy
from tests.tracker.helpers import LA, MONDAY_9_LA, report

POLICY_URL = "/api/v1/projects/ACME/sla-policy/"


def _expected_dues(issue: Issue, policy=None, pauses=()):
    policy = policy or businesstime.DEFAULT_POLICY
    calendar = businesstime.Calendar.from_dict(policy["calendar"])
    return businesstime.due_at(policy["targets"][issue.severity], calendar, issue.reported_at, list(pauses))


@pytest.mark.parametrize("severity", ["P1", "P2", "P3", "P4"])
def test_dues_follow_the_default_policy(world, severity):
    issue = report(world, severity=severity, at=MONDAY_9_LA)
    assert (issue.response_due_at, issue.resolution_due_at) == _expected_dues(issue)


def test_due_times_on_the_calendar(world):
    p1 = report(world, severity="P1", at=MONDAY_9_LA)
    p2 = report(world, severity="P2", at=MONDAY_9_LA)
    p4 = report(world, severity="P4", at=MONDAY_9_LA)
    assert p1.response_due_at == MONDAY_9_LA + dt.timedelta(minutes=30)
    assert p1.resolution_due_at == MONDAY_9_LA + dt.timedelta(hours=4)
    assert p2.response_due_at == MONDAY_9_LA.replace(hour=11)
    assert p2.resolution_due_at == MONDAY_9_LA.replace(hour=18)  # 540 minutes fill the day: due at closing
    assert p4.resolution_due_at is None
    friday_evening = dt.datetime(2026, 10, 23, 20, 0, tzinfo=LA)
    late = report(world, severity="P2", at=friday_evening)
    assert late.response_due_at == dt.datetime(2026, 10, 26, 11, 0, tzinfo=LA)  # counts from Monday's opening


def test_first_response_is_the_first_public_vendor_comment(world):
    issue = report(world, actor=world.customer_member, severity="P2")
    services.comment_add(actor=world.customer_lead, issue=issue, body="Any news?")
    services.comment_add(actor=world.consultant, issue=issue, body="internal note", public=False)
    issue.refresh_from_db()
    assert issue.first_response_at is None
    comment = services.comment_add(actor=world.support, issue=issue, body="We are on it")
    services.comment_add(actor=world.lead, issue=issue, body="Later reply")
    issue.refresh_from_db()
    assert issue.first_response_at == comment.created_at


def test_first_response_is_a_vendor_status_change(world):
    issue = report(world, severity="P2", at=MONDAY_9_LA)
    issue = services.issue_triage(actor=world.consultant, issue=issue, at=MONDAY_9_LA + dt.timedelta(minutes=20))
    assert issue.first_response_at == MONDAY_9_LA + dt.timedelta(minutes=20)
    assert issue.response_breached is False


def test_late_first_response_is_breached(world):
    issue = report(world, severity="P2", at=MONDAY_9_LA)
    late = MONDAY_9_LA.replace(hour=13)
    services.comment_add(actor=world.consultant, issue=issue, body="Sorry", at=late)
    issue.refresh_from_db()
    assert issue.first_response_at == late and issue.response_breached is True


def test_customer_status_change_is_no_first_response(world):
    # A customer only moves a resolved issue, which a vendor already answered; make that answer invisible by
    # clearing the first response the way no service can, then let the customer reopen and close.
    issue = services.issue_resolve(actor=world.lead, issue=report(world, actor=world.customer_member))
    Issue.objects.filter(pk=issue.pk).update(first_response_at=None)
    issue = services.issue_reopen(actor=world.customer_member, issue=issue)
    assert issue.first_response_at is None
    issue = services.issue_resolve(actor=world.support, issue=issue)
    assert issue.first_response_at == issue.resolved_at


def test_waiting_on_customer_pushes_resolution_out_by_the_paused_business_minutes(world):
    issue = report(world, severity="P2", at=MONDAY_9_LA)
    assert issue.resolution_due_at == MONDAY_9_LA.replace(hour=18)
    waiting = MONDAY_9_LA.replace(hour=10)
    resumed = MONDAY_9_LA.replace(hour=12)
    issue = services.issue_wait_on_customer(actor=world.consultant, issue=issue, at=waiting)
    assert issue.resolution_due_at is None  # stopped while waiting
    assert issue.response_due_at == MONDAY_9_LA.replace(hour=11)  # the response clock never pauses
    issue = services.issue_start(actor=world.consultant, issue=issue, at=resumed)
    assert issue.resolution_due_at == dt.datetime(2026, 10, 20, 11, 0, tzinfo=LA)  # two hours later, next day
    assert (issue.response_due_at, issue.resolution_due_at) == _expected_dues(issue, pauses=[(waiting, resumed)])
    issue.refresh_from_db()
    assert issue.resolution_due_at == dt.datetime(2026, 10, 20, 11, 0, tzinfo=LA)


def test_waiting_outside_business_hours_pauses_nothing(world):
    issue = report(world, severity="P2", at=MONDAY_9_LA)
    evening = MONDAY_9_LA.replace(hour=19)
    issue = services.issue_wait_on_customer(actor=world.consultant, issue=issue, at=evening)
    issue = services.issue_start(actor=world.consultant, issue=issue, at=evening + dt.timedelta(hours=12))
    assert issue.resolution_due_at == MONDAY_9_LA.replace(hour=18)


def test_severity_change_recomputes_dues(world, api):
    issue = report(world, severity="P3", at=MONDAY_9_LA)
    body = api(world.lead).patch("/api/v1/projects/ACME/issues/1/", {"severity": "P1"}, format="json").json()
    issue.refresh_from_db()
    assert issue.response_due_at == MONDAY_9_LA + dt.timedelta(minutes=30)
    assert dt.datetime.fromisoformat(body["resolution_due_at"]) == MONDAY_9_LA + dt.timedelta(hours=4)


def _policy(**targets) -> dict:
    policy = copy.deepcopy(businesstime.DEFAULT_POLICY)
    policy["calendar"]["timezone"] = "Europe/Berlin"
    policy["calendar"]["holidays_country"] = "DE"
    for severity, target in targets.items():
        policy["targets"][severity].update(target)
    return policy


def test_policy_get_returns_the_default(world, api):
    assert api(world.customer_member).get(POLICY_URL).json() == businesstime.DEFAULT_POLICY


def test_policy_put_stores_it_and_recomputes_open_issues(world, api):
    open_issue = report(world, severity="P3", at=MONDAY_9_LA)
    done = report(world, severity="P3", at=MONDAY_9_LA)
    done = services.issue_resolve(actor=world.lead, issue=done, at=MONDAY_9_LA + dt.timedelta(hours=1))
    done_dues = (done.response_due_at, done.resolution_due_at)
    policy = _policy(P3={"response_minutes": 60, "resolution_minutes": 120, "clock": "24x7"})
    response = api(world.lead).put(POLICY_URL, policy, format="json")
    assert response.status_code == 200, response.content
    assert api(world.customer_lead).get(POLICY_URL).json() == response.json()
    assert response.json()["calendar"]["timezone"] == "Europe/Berlin"
    assert response.json()["targets"]["P3"]["response_minutes"] == 60
    open_issue.refresh_from_db()
    assert open_issue.response_due_at == MONDAY_9_LA + dt.timedelta(minutes=60)
    assert open_issue.resolution_due_at == MONDAY_9_LA + dt.timedelta(minutes=120)
    done.refresh_from_db()
    assert (done.response_due_at, done.resolution_due_at) == done_dues
    # New issues follow the stored policy too.
    fresh = report(world, severity="P3")
    assert fresh.response_due_at == fresh.reported_at + dt.timedelta(minutes=60)
    assert AuditEvent.objects.filter(project=world.project, action="sla_policy.updated").count() == 1


def _broken(path: str, value):
    policy = copy.deepcopy(businesstime.DEFAULT_POLICY)
    *parents, last = path.split(".")
    node = policy
    for part in parents:
        node = node[part]
    node[last] = value
    return policy


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("calendar.end", "08:00"),
        ("calendar.holidays_country", "XX"),
        ("calendar.timezone", "Mars/Olympus"),
        ("calendar.workdays", [7]),
        ("targets.P2.response_minutes", -5),
        ("targets.P1.clock", "lunar"),
        ("calendar.start", "9am"),
        ("calendar.end", "09:00"),
        ("targets.P1.response_minutes", 1.5),
        ("targets.P4.resolution_minutes", 10**12),
    ],
)
def test_invalid_policy_is_400_with_dotted_field_and_changes_nothing(world, api, path, value):
    issue = report(world, severity="P2", at=MONDAY_9_LA)
    audits = AuditEvent.objects.count()
    response = api(world.lead).put(POLICY_URL, _broken(path, value), format="json")
    assert response.status_code == 400, response.content
    assert path in response.json()["errors"], response.json()
    assert response.json()["detail"].startswith(path)
    assert not SlaPolicy.objects.exists()
    assert AuditEvent.objects.count() == audits
    issue.refresh_from_db()
    assert issue.response_due_at == MONDAY_9_LA.replace(hour=11)


def test_policy_put_that_is_not_an_object_is_400(world, api):
    response = api(world.lead).put(POLICY_URL, ["P1"], format="json")
    assert response.status_code == 400
    assert not SlaPolicy.objects.exists()


def test_resolution_after_due_is_breached_at_once(world):
    issue = report(world, severity="P1", at=timezone.now() - dt.timedelta(hours=6))
    issue = services.issue_resolve(actor=world.lead, issue=issue)
    assert issue.resolution_breached is True
