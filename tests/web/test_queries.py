"""Pinned query counts (STYLE.md 8): the portfolio does not grow with the number of projects."""

from __future__ import annotations

import pytest
from django.urls import reverse

from golive.accounts import services as account_services
from golive.accounts.models import Role
from golive.lifecycle import services as lifecycle_services
from tests.factories import make_project

pytestmark = pytest.mark.django_db

# The kickoff gate's two criteria (meetings held, requirements captured) load one batch query each; the
# portfolio adds one query each for open issues, retro actions, the go-live calendar and the filter choices.
PORTFOLIO_MAX_QUERIES = 13
# + 1: open retro actions of the team's earlier projects (golive.debrief, shown on a running project).
PROJECT_MAX_QUERIES = 11


def _projects(world, count: int) -> None:
    """``count`` projects of ACME in all, with members and a sign-off, the consultant lead on each."""
    for number in range(count - 1):  # ACME itself is the first
        project = make_project(actor=world.lead, key=f"P{number:03d}", customer=world.acme)
        account_services.membership_add(
            actor=world.lead, project=project, user=world.customer_lead, role=Role.CUSTOMER_LEAD
        )
        lifecycle_services.signoff_record(
            actor=world.customer_lead, project=project, phase_key="kickoff", decision="approve"
        )


@pytest.mark.parametrize("count", [3, 30])
def test_portfolio_query_count_does_not_grow(client, world, django_assert_max_num_queries, count):
    _projects(world, count)
    client.force_login(world.lead)
    with django_assert_max_num_queries(PORTFOLIO_MAX_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/projects/') == count


def test_project_page_query_count(client, world, django_assert_max_num_queries):
    lifecycle_services.signoff_record(
        actor=world.customer_lead, project=world.project, phase_key="kickoff", decision="reject", comment="not yet"
    )
    client.force_login(world.lead)
    with django_assert_max_num_queries(PROJECT_MAX_QUERIES):
        response = client.get(reverse("web:project", args=["ACME"]))
    assert response.status_code == 200


def test_audit_page_query_count(client, world, django_assert_max_num_queries):
    client.force_login(world.lead)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("web:project-audit", args=["ACME"]))
    assert response.status_code == 200
