"""Pinned query counts of the issue desk and the hypercare dashboard (STYLE.md 8): the same bound for a few
and for many rows, so the count does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from golive.hypercare import services as hypercare_services
from golive.tracker import services as tracker_services
from tests.web.test_desk_pages import into_hypercare

pytestmark = pytest.mark.django_db

DESK_MAX_QUERIES = 9
ISSUE_MAX_QUERIES = 11
HYPERCARE_MAX_QUERIES = 18
CHART_MAX_QUERIES = 17


def _issues(world, count: int, *, start: dt.datetime | None = None) -> list:
    """``count`` issues of every severity, some assigned and triaged; spread over the days since ``start``."""
    issues = []
    for n in range(count):
        at = start + dt.timedelta(hours=n % 60, minutes=n) if start else None
        issue = tracker_services.issue_create(
            actor=world.lead,
            project=world.project,
            title=f"Issue {n}",
            severity=f"P{n % 4 + 1}",
            assignee=world.consultant if n % 2 else None,
            reported_at=at,
        )
        if n % 3 == 0:
            tracker_services.issue_triage(actor=world.consultant, issue=issue)
        issues.append(issue)
    return issues


@pytest.mark.parametrize("count", [5, 60])
@pytest.mark.parametrize("username", ["lead", "customer_member"])
def test_issue_desk_query_count_does_not_grow(client, world, django_assert_max_num_queries, count, username):
    _issues(world, count)
    client.force_login(getattr(world, username))
    with django_assert_max_num_queries(DESK_MAX_QUERIES):
        response = client.get(reverse("web:issues", args=["ACME"]))
    assert response.status_code == 200
    assert response.content.decode().count('class="issue-row') == min(count, 50)


@pytest.mark.parametrize("count", [2, 30])
def test_issue_page_query_count_does_not_grow(client, world, django_assert_max_num_queries, settings, tmp_path, count):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    (issue,) = _issues(world, 1)
    for n in range(count):
        tracker_services.comment_add(actor=world.customer_member, issue=issue, body=f"comment {n}")
        tracker_services.comment_add(actor=world.support, issue=issue, body=f"note {n}", public=n % 2 == 0)
        tracker_services.issue_update(actor=world.consultant, issue=issue, severity=f"P{n % 4 + 1}")
    for n in range(min(count, 5)):
        upload = SimpleUploadedFile(f"f{n}.txt", b"x", content_type="text/plain")
        tracker_services.attachment_add(actor=world.customer_member, issue=issue, upload=upload)
    for user in (world.lead, world.customer_member):
        client.force_login(user)
        with django_assert_max_num_queries(ISSUE_MAX_QUERIES):
            response = client.get(reverse("web:issue", args=["ACME", issue.number]))
        assert response.status_code == 200
        assert response.content.decode().count('class="comment') >= count


@pytest.mark.parametrize("count", [5, 200])
def test_hypercare_dashboard_query_count_does_not_grow(client, world, django_assert_max_num_queries, count):
    into_hypercare(world, days_ago=6)
    _issues(world, count, start=timezone.now() - dt.timedelta(days=5))
    hypercare_services.hypercare_extend(actor=world.lead, project=world.project, days=2, reason="month end")
    client.force_login(world.customer_lead)
    with django_assert_max_num_queries(HYPERCARE_MAX_QUERIES):
        response = client.get(reverse("web:hypercare", args=["ACME"]))
    assert response.status_code == 200
    assert b"month end" in response.content
    with django_assert_max_num_queries(CHART_MAX_QUERIES):
        response = client.get(reverse("web:hypercare-chart", args=["ACME"]))
    assert sum(c for c in response.json()["counts"] if c) == count
