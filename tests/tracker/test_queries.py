"""Query counts of the desk's lists and pages do not grow with the data (STYLE.md 8)."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from golive.accounts.models import User
from golive.tracker import services
from tests.tracker.helpers import report


def _client(api, user):
    """A client for a freshly loaded user, as each real request has: nothing cached from earlier requests."""
    return api(User.objects.get(pk=user.pk))


# Pinned bounds: whatever the number of rows, a request costs at most this many queries.
ISSUE_LIST = 5
ISSUE_DETAIL = 4
COMMENT_LIST = 6
TIMELINE = 6


@pytest.mark.parametrize("count", [5, 80])
@pytest.mark.parametrize("user", ["lead", "customer_member"])
def test_issue_list(world, api, django_assert_max_num_queries, count, user):
    for n in range(count):
        report(world, title=f"Issue {n}", assignee=world.support if n % 2 else None, severity=f"P{n % 4 + 1}")
    client = _client(api, getattr(world, user))
    with django_assert_max_num_queries(ISSUE_LIST):
        response = client.get("/api/v1/projects/ACME/issues/", {"page_size": 1000, "sort": "severity"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [2, 40])
def test_issue_detail_comments_and_timeline(world, api, django_assert_max_num_queries, count):
    issue = report(world, assignee=world.consultant)
    for n in range(count):
        author = (world.customer_member, world.consultant, world.support)[n % 3]
        services.comment_add(actor=author, issue=issue, body=f"comment {n}", public=author != world.support)
    base = "/api/v1/projects/ACME/issues/1/"
    client = _client(api, world.customer_lead)
    with django_assert_max_num_queries(ISSUE_DETAIL):
        assert client.get(base).status_code == 200
    client = _client(api, world.customer_lead)
    with django_assert_max_num_queries(COMMENT_LIST):
        comments = client.get(base + "comments/", {"page_size": 1000})
    assert comments.status_code == 200 and comments.json()["count"] == count - count // 3
    client = _client(api, world.customer_lead)
    with django_assert_max_num_queries(TIMELINE):
        assert client.get(base + "timeline/", {"page_size": 1000}).status_code == 200


# The intake is the hottest write of a go-live spike: the project with the caller's role (1); on PostgreSQL the
# number, the issue, its "created" event and its audit row in one statement, which also asks whether any webhook
# listens to the event (1); elsewhere the number (1), the three rows (3) and the webhooks (1). A quiet event is
# then not enqueued at all (no query after commit). The writes are wrapped in a savepoint in the test's
# transaction (2 more), and elsewhere than on PostgreSQL in a transaction of their own when a server runs them
# (BEGIN and COMMIT: 2 more).
INTAKE = {"postgresql": 2}.get(connection.vendor, 6)
INTAKE_AUTOCOMMIT = {"postgresql": INTAKE}.get(connection.vendor, INTAKE + 2)


def _intake(api, world, existing: int, queries: int, django_assert_num_queries) -> None:
    for n in range(existing):
        report(world, title=f"Issue {n}")
    # As token authentication loads it: the user with the organization (tenancy reads it).
    client = api(User.objects.select_related("organization").get(pk=world.customer_member.pk))
    with django_assert_num_queries(queries):
        response = client.post(
            "/api/v1/projects/ACME/issues/", {"title": "Checkout fails", "severity": "P3"}, format="json"
        )
    assert response.status_code == 201 and response.json()["number"] == existing + 1


@pytest.mark.parametrize("existing", [1, 60])
def test_issue_intake_costs_a_fixed_number_of_queries(world, api, django_assert_num_queries, existing):
    _intake(api, world, existing, INTAKE + 2, django_assert_num_queries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("existing", [0, 3])
def test_issue_intake_outside_a_transaction(world, api, django_assert_num_queries, existing):
    """As a server runs it (autocommit): on PostgreSQL no transaction is opened at all, the one statement is
    atomic by itself. The first issue of a project (no sequence row yet) costs the same."""
    _intake(api, world, existing, INTAKE_AUTOCOMMIT, django_assert_num_queries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issue_intake_with_an_api_token(world, client, django_assert_num_queries):
    """As an integration calls it: the token's query also reads the project (ProjectScopedView.token_read), so
    the token costs no query of its own."""
    token = Token.objects.create(user=world.customer_member).key
    report(world)
    with django_assert_num_queries(INTAKE_AUTOCOMMIT):
        response = client.post(
            "/api/v1/projects/ACME/issues/",
            {"title": "Checkout fails", "severity": "P3"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
    assert response.status_code == 201 and response.json()["number"] == 2


def test_the_event_of_a_quiet_issue_costs_two_reads_and_writes_nothing(world, django_assert_num_queries):
    """A P3 issue in a project without webhooks triggers no delivery and no e-mail: the dispatch finds that out
    with two reads (webhooks, the issue's severity) instead of loading the project and opening a transaction."""
    from golive.notify.models import Delivery, Notification
    from golive.notify.services import event_dispatch

    issue = report(world, severity="P3")
    with django_assert_num_queries(2):
        result = event_dispatch(
            event="issue.created",
            project_id=world.project.pk,
            occurred_at="2026-11-27T00:00:00+00:00",
            actor_id=world.customer_member.pk,
            ids={"issue": issue.pk},
        )
    assert result == {"deliveries": 0, "emails": 0}
    assert not Delivery.objects.exists() and not Notification.objects.exists()
