"""Query counts of the engagement lists and the status report do not grow with the data (STYLE.md 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from golive.tracker import services as tracker_services
from tests.engagement.builders import decision, feedback, meeting, requirement

BASE = "/api/v1/projects/ACME/"


def _get(api, user, django_assert_max_num_queries, bound, url, expected_count):
    client = api(user)
    with django_assert_max_num_queries(bound):
        response = client.get(url, {"page_size": 1000})
    assert response.status_code == 200
    assert response.json()["count"] == expected_count


@pytest.mark.parametrize("n", [3, 40])
def test_requirements_list(world, api, django_assert_max_num_queries, n):
    demo = meeting(world, "review", phase="alpha_review")
    for i in range(n):
        feedback(world, demo, requirement=requirement(world, f"R{i:02d}"))
    _get(api, world.customer_member, django_assert_max_num_queries, 4, BASE + "requirements/", n)


@pytest.mark.parametrize("n", [2, 20])
def test_meetings_list(world, api, django_assert_max_num_queries, n):
    for i in range(n):
        meeting(world, "review" if i % 2 else "status", attendees=[world.lead, world.customer_lead, world.consultant])
    _get(api, world.customer_member, django_assert_max_num_queries, 5, BASE + "meetings/", n)


@pytest.mark.parametrize("n", [3, 40])
def test_feedback_list(world, api, django_assert_max_num_queries, n):
    demo = meeting(world, "review", phase="alpha_review")
    exp = requirement(world, "EXP-1")
    for i in range(n):
        feedback(world, demo, f"item {i}", requirement=exp if i % 2 else None)
    _get(api, world.customer_member, django_assert_max_num_queries, 4, BASE + "feedback/", n)


@pytest.mark.parametrize("n", [2, 20])
def test_decisions_list(world, api, django_assert_max_num_queries, n):
    for i in range(n):
        decision(world, f"Decision {i}", stakeholders=[world.lead, world.customer_lead][: 1 + i % 2])
    _get(api, world.customer_member, django_assert_max_num_queries, 6, BASE + "decisions/", n)


@pytest.mark.parametrize("n", [2, 30])
def test_status_report(world, api, django_assert_max_num_queries, n):
    now = timezone.now()
    for i in range(n):
        at = now - dt.timedelta(minutes=10 + i)
        decision(world, f"Decision {i}", decided_at=at, stakeholders=[world.lead, world.customer_lead][: 1 + i % 2])
        issue = tracker_services.issue_create(
            actor=world.lead, project=world.project, title=f"Issue {i}", severity=f"P{1 + i % 4}", reported_at=at
        )
        if i % 3 == 0:
            tracker_services.issue_resolve(actor=world.lead, issue=issue)
        requirement(world, f"R{i:02d}", scope="built" if i % 2 else "in_progress")
    client = api(world.customer_member)
    with django_assert_max_num_queries(13):
        response = client.get(BASE + "status-report/")
    assert response.status_code == 200
    assert len(response.json()["decisions"]) == n
    assert response.json()["issues"]["opened"] == n
