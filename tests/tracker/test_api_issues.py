"""The issues API: creation, validation, filters and sort, pagination, rendering, comments and the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.tracker import services
from golive.tracker.models import Comment, Issue, IssueEvent
from tests.tracker.helpers import issue_in, report, to_phase

URL = "/api/v1/projects/ACME/issues/"
CONTRACT_FIELDS = {
    "number",
    "ref",
    "title",
    "description",
    "kind",
    "severity",
    "category",
    "status",
    "reporter",
    "assignee",
    "reported_at",
    "first_response_at",
    "resolved_at",
    "response_due_at",
    "resolution_due_at",
    "response_breached",
    "resolution_breached",
    "phase",
}


def _counts():
    return (Issue.objects.count(), IssueEvent.objects.count(), AuditEvent.objects.count(), Comment.objects.count())


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def test_create_numbers_per_project_with_ref_and_every_field(world, api):
    client = api(world.customer_member)
    first = client.post(URL, {"title": "Login fails", "severity": "P2", "kind": "defect"}, format="json")
    second = client.post(URL, {"title": "Export hangs"}, format="json")
    other = api(world.other_customer).post("/api/v1/projects/GLOBEX/issues/", {"title": "x"}, format="json")
    assert (first.status_code, second.status_code, other.status_code) == (201, 201, 201)
    body = first.json()
    assert set(body) >= CONTRACT_FIELDS
    assert (body["number"], body["ref"], second.json()["number"], second.json()["ref"]) == (1, "ACME-1", 2, "ACME-2")
    assert other.json()["ref"] == "GLOBEX-1"  # numbering is per project
    assert body["reporter"] == "customer_member"
    assert (body["status"], body["severity"], body["kind"], body["category"]) == ("new", "P2", "defect", None)
    assert body["phase"] == "kickoff"
    assert body["first_response_at"] is None and body["resolved_at"] is None
    assert body["response_due_at"] and body["resolution_due_at"]
    assert abs(_parse(body["reported_at"]) - timezone.now()) < dt.timedelta(minutes=1)
    # The detail answers the same.
    assert api(world.lead).get(URL + "1/").json()["ref"] == "ACME-1"


def test_phase_is_the_project_phase_when_reported(world, api):
    to_phase(world.project, "uat", actor=world.lead)
    body = api(world.customer_lead).post(URL, {"title": "UAT defect"}, format="json").json()
    assert body["phase"] == "uat"
    to_phase(world.project, "training", actor=world.lead)
    assert api(world.lead).get(URL + "1/").json()["phase"] == "uat"


def test_staff_back_fill_reported_at(world, api):
    when = timezone.now() - dt.timedelta(days=3)
    response = api(world.consultant).post(URL, {"title": "Phoned in", "reported_at": when.isoformat()}, format="json")
    assert response.status_code == 201
    assert _parse(response.json()["reported_at"]) == when
    assert Issue.objects.get().reported_at == when


def test_customer_cannot_back_fill_reported_at(world, api):
    before = _counts()
    when = (timezone.now() - dt.timedelta(days=3)).isoformat()
    response = api(world.customer_lead).post(URL, {"title": "Old", "reported_at": when}, format="json")
    assert response.status_code == 400
    assert "reported_at" in response.json()["errors"]
    assert _counts() == before


def test_reported_at_in_the_future_is_refused(world, api):
    before = _counts()
    when = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    response = api(world.lead).post(URL, {"title": "Tomorrow", "reported_at": when}, format="json")
    assert response.status_code == 400
    assert "reported_at" in response.json()["errors"]
    assert _counts() == before


@pytest.mark.parametrize(
    ("field", "value"), [("severity", "P0"), ("kind", "bug_report"), ("category", "weather"), ("title", "")]
)
def test_create_with_bad_value_is_400_naming_the_field(world, api, field, value):
    before = _counts()
    payload = {"title": "Valid title", field: value}
    response = api(world.lead).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(field)
    assert _counts() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("severity", "P0"), ("kind", "bug_report"), ("category", "weather"), ("status", "done"), ("title", "")],
)
def test_patch_with_bad_value_is_400_naming_the_field(world, api, field, value):
    report(world, title="Keep me")
    before = _counts()
    response = api(world.lead).patch(URL + "1/", {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _counts() == before
    issue = Issue.objects.get()
    assert (issue.title, issue.status, issue.severity) == ("Keep me", "new", "P3")


@pytest.mark.parametrize("field", ["number", "reporter", "reported_at", "resolution_breached", "colour"])
def test_patch_unknown_or_read_only_field_is_400(world, api, field):
    report(world)
    before = _counts()
    response = api(world.lead).patch(URL + "1/", {field: "x", "title": "Renamed"}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _counts() == before
    assert Issue.objects.get().title == "Something broke"


@pytest.mark.parametrize("assignee", ["customer_lead", "outsider", "other_lead", "nobody"])
def test_assignee_must_be_vendor_side_member(world, api, assignee):
    report(world)
    before = _counts()
    response = api(world.lead).patch(URL + "1/", {"assignee": assignee}, format="json")
    assert response.status_code == 400
    assert "assignee" in response.json()["errors"]
    create = api(world.lead).post(URL, {"title": "New", "assignee": assignee}, format="json")
    assert create.status_code == 400
    assert "assignee" in create.json()["errors"]
    assert _counts() == before
    assert Issue.objects.get().assignee is None


def test_assign_to_vendor_member_and_unassign(world, api):
    report(world)
    client = api(world.lead)
    assert client.patch(URL + "1/", {"assignee": "support"}, format="json").json()["assignee"] == "support"
    assert client.patch(URL + "1/", {"assignee": None}, format="json").json()["assignee"] is None


def test_customer_field_edit_is_403_and_changes_nothing(world, api):
    report(world, actor=world.customer_member, title="Mine")
    before = _counts()
    response = api(world.customer_member).patch(URL + "1/", {"title": "Renamed", "severity": "P1"}, format="json")
    assert response.status_code == 403
    assert _counts() == before
    assert (Issue.objects.get().title, Issue.objects.get().severity) == ("Mine", "P3")


def _numbers(client, **params) -> list[int]:
    response = client.get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def spread(world):
    """Six issues that differ in every filtered field."""
    at = timezone.now() - dt.timedelta(days=10)
    one = report(world, title="Payroll export empty", severity="P1", kind="defect", category="bug", at=at)
    two = report(
        world, title="Cannot login", description="SSO loops", severity="P2", kind="incident", category="access"
    )
    three = report(world, title="How to add a user", severity="P3", kind="question", assignee=world.consultant)
    to_phase(world.project, "uat", actor=world.lead)
    four = report(world, title="Wish: dark mode", severity="P4", kind="change_request", category="enhancement")
    five = issue_in(world, "in_progress", title="Import drops rows", category="data", assignee=world.support)
    six = issue_in(world, "closed", title="Typo on login page", severity="P4", category="bug")
    services.sweep_breaches(as_of=timezone.now())  # only issue 1, reported ten days ago, is overdue
    return [one, two, three, four, five, six]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [6, 5, 4, 3, 2, 1]),
        ({"status": "in_progress"}, [5]),
        ({"status": "new,closed"}, [6, 4, 3, 2, 1]),
        ({"severity": "P1"}, [1]),
        ({"severity": "P2,P4"}, [6, 4, 2]),
        ({"category": "bug"}, [6, 1]),
        ({"category": "access,data"}, [5, 2]),
        ({"kind": "question"}, [3]),
        ({"kind": "change_request,defect"}, [4, 1]),
        ({"assignee": "consultant"}, [3]),
        ({"assignee": "none"}, [6, 4, 2, 1]),
        ({"breached": "true"}, [1]),
        ({"breached": "false"}, [6, 5, 4, 3, 2]),
        ({"phase": "kickoff"}, [3, 2, 1]),
        ({"phase": "uat"}, [6, 5, 4]),
        ({"open": "true"}, [5, 4, 3, 2, 1]),
        ({"open": "false"}, [6]),
        ({"q": "login"}, [6, 2]),
        ({"q": "sso"}, [2]),
        ({"severity": "P4", "open": "true"}, [4]),
    ],
)
def test_filters(world, api, spread, params, expected):
    assert _numbers(api(world.customer_member), **params) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("number", [1, 2, 3, 4, 5, 6]),
        ("-number", [6, 5, 4, 3, 2, 1]),
        ("severity", [1, 2, 5, 3, 6, 4]),  # ties broken by the newest number first
        ("-severity", [6, 4, 5, 3, 2, 1]),
        ("reported_at", [1, 2, 3, 4, 5, 6]),
        ("status", [6, 5, 4, 3, 2, 1]),  # closed < in_progress < new
        ("nonsense", [6, 5, 4, 3, 2, 1]),
    ],
)
def test_sort(world, api, spread, sort, expected):
    assert _numbers(api(world.lead), sort=sort) == expected


def test_sort_by_resolution_due_puts_the_most_urgent_first(world, api, spread):
    numbers = _numbers(api(world.lead), sort="resolution_due_at", open="true")
    dues = {i.number: i.resolution_due_at for i in Issue.objects.all()}
    with_due = [n for n in numbers if dues[n] is not None]
    assert with_due == sorted(with_due, key=lambda n: dues[n])
    assert with_due[0] == 1  # the P1 reported ten days ago


def test_pagination(world, api):
    for n in range(7):
        report(world, title=f"Issue {n}")
    client = api(world.lead)
    page1 = client.get(URL, {"page_size": 3}).json()
    page3 = client.get(URL, {"page_size": 3, "page": 3}).json()
    assert page1["count"] == 7 and page1["previous"] is None and "page=2" in page1["next"]
    assert [r["number"] for r in page1["results"]] == [7, 6, 5]
    assert [r["number"] for r in page3["results"]] == [1] and page3["next"] is None
    assert len(client.get(URL).json()["results"]) == 7  # default page size 50
    assert client.get(URL, {"page_size": 3, "page": 4}).status_code == 404


def test_description_html_is_rendered_and_sanitised(world, api):
    description = "**Steps**\n\n1. open\n\n<script>alert('x')</script><img src=x onerror=alert(1)>"
    body = api(world.customer_member).post(URL, {"title": "XSS", "description": description}, format="json").json()
    html = body["description_html"]
    assert "<strong>Steps</strong>" in html
    assert "<li>" in html
    assert "<script" not in html and "onerror" not in html
    assert body["description"] == description  # the source is kept as written


def test_customers_do_not_see_internal_comments(world, api):
    report(world, actor=world.customer_member)
    staff = api(world.consultant)
    assert staff.post(URL + "1/comments/", {"body": "Looking", "public": True}, format="json").status_code == 201
    internal = staff.post(URL + "1/comments/", {"body": "Blame the **DBA**", "public": False}, format="json")
    assert internal.status_code == 201
    assert internal.json()["public"] is False and "<strong>DBA</strong>" in internal.json()["body_html"]
    for user in (world.customer_member, world.customer_lead):
        bodies = [c["body"] for c in api(user).get(URL + "1/comments/").json()["results"]]
        assert bodies == ["Looking"]
        kinds = [(e["kind"], e["data"].get("public")) for e in api(user).get(URL + "1/timeline/").json()["results"]]
        assert ("comment", False) not in kinds and ("comment", True) in kinds
    for user in (world.support, world.admin):
        bodies = [c["body"] for c in api(user).get(URL + "1/comments/").json()["results"]]
        assert bodies == ["Looking", "Blame the **DBA**"]


def test_customers_cannot_post_internal_comments(world, api):
    report(world, actor=world.customer_member)
    before = _counts()
    response = api(world.customer_lead).post(URL + "1/comments/", {"body": "psst", "public": False}, format="json")
    assert response.status_code == 400
    assert "public" in response.json()["errors"]
    assert _counts() == before


def test_blank_comment_is_400(world, api):
    report(world)
    before = _counts()
    response = api(world.lead).post(URL + "1/comments/", {"body": "   "}, format="json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert _counts() == before


def test_timeline_records_who_did_what_and_when(world, api):
    start = timezone.now()
    report(world, actor=world.customer_member, title="Login fails")
    api(world.consultant).patch(URL + "1/", {"status": "triaged", "note": "reproduced"}, format="json")
    api(world.customer_member).post(URL + "1/comments/", {"body": "Still failing"}, format="json")
    api(world.lead).patch(URL + "1/", {"severity": "P2", "assignee": "consultant"}, format="json")
    events = api(world.customer_member).get(URL + "1/timeline/").json()["results"]
    assert [(e["kind"], e["actor"]) for e in events] == [
        ("created", "customer_member"),
        ("status", "consultant"),
        ("comment", "customer_member"),
        ("updated", "lead"),
    ]
    assert events[1]["data"] == {"from": "new", "to": "triaged", "note": "reproduced"}
    assert events[3]["data"]["severity"] == ["P3", "P2"]
    assert events[3]["data"]["assignee"] == [None, "consultant"]
    times = [_parse(e["at"]) for e in events]
    assert times == sorted(times) and start <= times[0] and times[-1] <= timezone.now()


def test_unknown_issue_and_other_project_issue_are_404(world, api):
    tracker_issue = services.issue_create(actor=world.other_customer, project=world.other_project, title="Globex")
    assert tracker_issue.number == 1
    assert api(world.lead).get(URL + "1/").status_code == 404
    assert api(world.lead).get(URL + "99/comments/").status_code == 404


def test_a_username_of_another_customer_is_answered_like_a_name_that_does_not_exist(world, api):
    """Naming a user in a request (the assignee here; owners, attendees and facilitators alike) never reveals that
    a username exists at another customer: the 400 is the same as for a made-up name, and nothing is written."""
    from golive.tracker.models import Issue

    client = api(world.customer_member)
    answers = {}
    for name in ("other_customer", "nobody_by_this_name"):
        response = client.post("/api/v1/projects/ACME/issues/", {"title": "Broken", "assignee": name}, format="json")
        assert response.status_code == 400
        answers[name] = response.json()["errors"]["assignee"][0].replace(name, "NAME")
    assert answers["other_customer"] == answers["nobody_by_this_name"]
    assert not Issue.objects.filter(project=world.project).exists()
    # Vendor staff see every user: the rule that applies is the project's own (a vendor-side member).
    response = api(world.lead).post(
        "/api/v1/projects/ACME/issues/", {"title": "Broken", "assignee": "other_customer"}, format="json"
    )
    assert response.status_code == 400 and "vendor-side member" in response.json()["errors"]["assignee"][0]
