"""Pinned query counts of the cutover board, its htmx refresh and action, the test evidence pages and the go/no-go
page (STYLE.md 8): the same bound for a few and for many steps, reports, votes and decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from golive.accounts import services as account_services
from golive.accounts.models import Role
from golive.cutover import services
from golive.cutover.models import RunbookStep
from golive.cutover.selectors import BOARD_PAGE_SIZE
from tests.cutover.builders import run
from tests.factories import UserFactory
from tests.tracker.helpers import to_phase

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# The board: session and user, project and roles, the runbook, the plan columns of every step (the counts come
# from them too: no aggregate query of their own) and the full rows on show; the consultant's page also loads the
# members (owner choices) and the templates (clone choices). The same number for 5 steps and for 200.
BOARD_MAX_QUERIES = 9
BOARD_FRAGMENT_MAX_QUERIES = 7
STEP_ACTION_MAX_QUERIES = 20
REPORTS_MAX_QUERIES = 7
REPORT_MAX_QUERIES = 7
GO_NO_GO_MAX_QUERIES = 14


def _runbook(world, count: int) -> None:
    """``count`` steps in chains of five, owned by members, some done, one running, one rollback step."""
    owners = [world.consultant, world.customer_member, None]
    for n in range(count):
        services.step_create(
            actor=world.lead,
            project=world.project,
            ref=f"S{n}",
            title=f"Step {n}",
            owner=owners[n % 3],
            planned_minutes=10 + n % 7,
            depends_on=[f"S{n - 1}"] if n % 5 else [],
            start_offset_minutes=-n * 10 if n % 2 else None,
        )
    services.step_create(actor=world.lead, project=world.project, ref="RB", title="Roll back", rollback=True)
    for n in range(0, count, 5):
        run(world, f"S{n}", "start", "complete")
    run(world, "S1", "start")


def _board_queries(client, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:cutover-board", args=["ACME"]), **headers)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


@pytest.mark.parametrize("username", ["lead", "customer_member"])
def test_board_query_count_does_not_grow(client, world, django_assert_max_num_queries, username):
    client.force_login(getattr(world, username))
    counts = {}
    for count in (5, 200):
        RunbookStep.objects.filter(runbook__project=world.project).delete()
        _runbook(world, count)
        with django_assert_max_num_queries(BOARD_MAX_QUERIES):
            page_queries, content = _board_queries(client)
        # A window of the runbook: one page of the forward steps and the rollback step, never all of them.
        assert content.count('class="step-row') == min(count, BOARD_PAGE_SIZE) + 1
        with django_assert_max_num_queries(BOARD_FRAGMENT_MAX_QUERIES):
            fragment_queries, _content = _board_queries(client, **HTMX)
        counts[count] = (page_queries, fragment_queries)
    assert counts[5] == counts[200]


@pytest.mark.parametrize("count", [5, 200])
def test_step_action_query_count_does_not_grow(client, world, django_assert_max_num_queries, count):
    _runbook(world, count)
    client.force_login(world.consultant)
    with django_assert_max_num_queries(STEP_ACTION_MAX_QUERIES):
        response = client.post(reverse("web:cutover-step-action", args=["ACME", "S1", "complete"]), **HTMX)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 60])
def test_test_evidence_query_count_does_not_grow(client, world, django_assert_max_num_queries, count):
    for n in range(count):
        report = services.test_report_manual(
            actor=world.lead if n % 2 else world.support,
            project=world.project,
            title=f"Smoke {n}",
            items=[{"name": f"Check {i}", "status": "failed" if i % 3 == 0 else "passed"} for i in range(count)],
        )
    client.force_login(world.customer_member)
    with django_assert_max_num_queries(REPORTS_MAX_QUERIES):
        response = client.get(reverse("web:test-reports", args=["ACME"]))
    assert response.status_code == 200
    assert response.content.decode().count('class="report-row"') == min(count, 50)
    with django_assert_max_num_queries(REPORT_MAX_QUERIES):
        response = client.get(reverse("web:test-report", args=["ACME", report.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="failing-case"') == len(range(0, count, 3))


@pytest.mark.parametrize("count", [2, 30])
@pytest.mark.parametrize("username", ["lead", "customer_lead"])
def test_go_no_go_query_count_does_not_grow(client, world, django_assert_max_num_queries, count, username):
    from golive.engagement import services as engagement_services

    to_phase(world.project, "deployment", actor=world.lead)
    engagement_services.meeting_create(
        actor=world.lead, project=world.project, kind="go_no_go", title="Go/no-go", starts_at=timezone.now()
    )
    voters = [UserFactory(username=f"voter{n}", organization=world.acme) for n in range(count)]
    for voter in voters:
        account_services.membership_add(actor=world.lead, project=world.project, user=voter, role=Role.CUSTOMER_MEMBER)
    later = timezone.localdate() + dt.timedelta(days=30)
    # Two decided rounds of ``count`` votes each, then an open round of ``count`` votes.
    for round_ in range(3):
        for n, voter in enumerate(voters):
            services.vote_cast(
                actor=voter, project=world.project, vote="go" if n % 2 else "no_go", comment=f"r{round_}"
            )
        if round_ < 2:
            services.go_no_go_decide(
                actor=world.lead, project=world.project, decision="no_go", new_target_date=later, comment="Not yet"
            )
    client.force_login(getattr(world, username))
    with django_assert_max_num_queries(GO_NO_GO_MAX_QUERIES):
        response = client.get(reverse("web:go-no-go", args=["ACME"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="vote-row"') == count
    assert content.count('class="decision"') == 2
