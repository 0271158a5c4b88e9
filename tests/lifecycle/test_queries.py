"""Query counts of lists and the project page do not grow with the data (STYLE.md 8)."""

from __future__ import annotations

import pytest

from golive.lifecycle import services
from tests.factories import make_project

# Pinned bounds: a list or page costs at most this many queries, whatever the number of rows.
# The portfolio evaluates every current gate: each registered criterion may add one batch query, so it gets room
# for the criteria that feature apps register; none of it may grow with the number of projects.
BOUNDS = {"/api/v1/projects/": 5, "/api/v1/portfolio/": 14}
DETAIL_QUERIES = 6


def _projects(world, advance_to, count):
    for n in range(count):
        project = make_project(actor=world.lead, key=f"Q{n}", customer=world.acme)
        if n % 3 == 1:
            advance_to(project, "uat", actor=world.lead)  # the uat gate loads sign-offs
        if n % 3 == 2:
            services.review_round_add(actor=world.lead, project=project)


@pytest.mark.parametrize("count", [3, 40])
@pytest.mark.parametrize("url", ["/api/v1/projects/", "/api/v1/portfolio/"])
@pytest.mark.parametrize("user", ["admin", "lead"])
def test_lists_stay_under_the_bound(world, api, advance_to, django_assert_max_num_queries, count, url, user):
    _projects(world, advance_to, count)
    client = api(getattr(world, user))
    with django_assert_max_num_queries(BOUNDS[url]):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= count
    assert len(response.json()["results"]) >= count


@pytest.mark.parametrize("rounds", [0, 3])
def test_project_detail_stays_under_the_bound(world, api, django_assert_max_num_queries, rounds):
    for _ in range(rounds):
        services.review_round_add(actor=world.lead, project=world.project)
    client = api(world.customer_member)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get("/api/v1/projects/ACME/")
    assert len(response.json()["phases"]) == 8 + rounds
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get("/api/v1/projects/ACME/phases/")
    assert len(response.json()) == 8 + rounds


@pytest.mark.parametrize("url", ["members/", "signoffs/", "audit/", "gate/"])
def test_project_subroutes_stay_under_the_bound(world, api, django_assert_max_num_queries, url):
    client = api(world.lead)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(f"/api/v1/projects/ACME/{url}").status_code == 200
