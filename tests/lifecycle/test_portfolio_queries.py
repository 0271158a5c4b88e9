"""Query counts of the portfolio API routes do not grow with projects or issues (STYLE.md 8).

Each test measures the same requests on a small portfolio, grows it tenfold (projects and issues), and
measures again: the counts must be equal, and under the pinned bound.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.lifecycle import portfolio_builders as build

pytestmark = pytest.mark.django_db

# Pinned bounds (measured for a consultant lead: 16, 16, 16, 1, 2, 5, 2 and 15). Gates are evaluated in
# batches, where each registered criterion may load one query: two of room for criteria that feature apps add.
# A page: the projects with their phases, the gates, then one query each for open issues, hypercare arrivals
# and retro actions. A health filter or sort first ranks every matching project from one query of plain values
# (schedule, go-live, window, SLA breaches); only the projects those figures leave green with a gate due or an
# open hypercare window get the full health (their gates due soon, open issues, arrivals); then the full rows
# of the page. The calendar is one query of plain values (plus the ranks when filtered by health); the figures
# read the projects, their customers and templates, one SLA aggregate and the arrivals.
BOUNDS = {
    "/api/v1/portfolio/": 18,
    "/api/v1/portfolio/?health=red": 18,
    "/api/v1/portfolio/?sort=health": 18,
    "/api/v1/portfolio/calendar/": 1,
    "/api/v1/portfolio/calendar/?health=red": 4,
    "/api/v1/portfolio/figures/": 5,
    "/api/v1/portfolio/figures/?health=amber&customer=acme": 17,
    "/api/v1/me/today/": 16,
}


def _counts(api, user) -> dict[str, int]:
    client = api(user)
    found = {}
    for url in BOUNDS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        found[url] = len(queries.captured_queries)
    return found


@pytest.mark.parametrize("user", ["lead", "customer_lead", "admin"])
def test_counts_do_not_grow_with_projects_or_issues(world, api, user):
    build.mixed_portfolio(world, 0, 4, issues=1)
    small = _counts(api, getattr(world, user))
    build.mixed_portfolio(world, 4, 40, issues=12)
    large = _counts(api, getattr(world, user))
    assert large == small
    for url, count in large.items():
        assert count <= BOUNDS[url], (url, count)


def test_the_large_portfolio_has_what_was_measured(world, api):
    build.mixed_portfolio(world, 0, 8, issues=4)
    body = api(world.lead).get("/api/v1/portfolio/", {"page_size": 100}).json()
    assert body["count"] == 9  # ACME and eight more
    rags = {row["rag"] for row in body["results"]}
    assert {"red", "green"} <= rags  # ACME is green; breached P1s make the others red
    assert any(row["hypercare_state"]["sparkline"] for row in body["results"])
    today = api(world.customer_lead).get("/api/v1/me/today/").json()["counts"]
    assert today["go_no_go_vote"] == 2 and today["retro_action"] == 8
