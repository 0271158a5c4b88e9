"""Query count of the hypercare view does not grow with the issues of the window (STYLE.md 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from golive.accounts.models import User
from golive.tracker import services
from tests.tracker.helpers import go_live, report

# Pinned bound: the window, extensions, the exit gate (one batch per criterion) and the figures.
HYPERCARE = 15


def _client(api, user):
    return api(User.objects.get(pk=user.pk))


@pytest.mark.parametrize("count", [5, 300])
def test_hypercare(world, api, django_assert_max_num_queries, count):
    golive = timezone.now() - dt.timedelta(days=12)
    go_live(world, at=golive)
    for n in range(count):
        at = golive + dt.timedelta(minutes=(12 * 24 * 60 - 60) * n // count)
        issue = report(world, severity=f"P{n % 4 + 1}", at=at, title=f"Issue {n}")
        if n % 5 == 0:
            services.issue_resolve(actor=world.lead, issue=issue, at=at)
    services.comment_add(actor=world.lead, issue=issue, body="x")
    client = _client(api, world.customer_member)
    with django_assert_max_num_queries(HYPERCARE):
        response = client.get("/api/v1/projects/ACME/hypercare/")
    assert response.status_code == 200
    assert response.json()["issues_in_window"] == count
    client = _client(api, world.customer_member)
    with django_assert_max_num_queries(HYPERCARE):
        assert (
            client.get("/api/v1/projects/ACME/hypercare/", {"as_of": golive + dt.timedelta(days=3)}).status_code == 200
        )
