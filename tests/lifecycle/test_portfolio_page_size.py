"""The portfolio page's rows per page (``?page_size=``: 10, 25, 50 or 100, 50 unless chosen) and its go-live
calendar, which shows a few go-lives a week and counts the rest, so that the page does not grow with the
portfolio."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from golive.lifecycle import portfolio
from tests.lifecycle import portfolio_builders as build

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _get(client, user, **params):
    client.force_login(user)
    response = client.get("/", params)
    assert response.status_code == 200
    return response.content.decode()


def _row_keys(content: str) -> list[str]:
    return re.findall(r'<tr id="portfolio-row-(\w+)"', content)


def _projects(world, count: int, *, go_live_in: int = 120) -> None:
    """``count`` more projects of ACME's customer, ``Q000``.."""
    for n in range(count):
        build.project(world, f"Q{n:03d}", go_live_in=go_live_in)


def _next_link(content: str) -> str:
    found = re.search(r'<a href="([^"]*)" rel="next">', content)
    assert found, "no link to the next page"
    return found.group(1).replace("&amp;", "&")


@pytest.mark.parametrize(("page_size", "shown"), [(None, 50), ("10", 10), ("25", 25), ("50", 50), ("100", 60)])
def test_the_reader_chooses_how_many_rows_a_page_shows(client, world, page_size, shown):
    _projects(world, 59)  # 60 with ACME
    params = {"page_size": page_size} if page_size else {}
    content = _get(client, world.lead, **params)
    assert len(_row_keys(content)) == shown
    assert "60 projects" in content
    chosen = page_size or "50"
    assert f'<option value="{chosen}" selected>{chosen}</option>' in content
    assert 'id="portfolio-page-size"' in content and "Projects per page" in content


def test_the_links_to_other_pages_keep_the_page_size_and_the_filters(client, world):
    _projects(world, 24)  # 25 with ACME
    content = _get(client, world.lead, page_size="10", sort="-key")
    assert _row_keys(content)[:2] == ["Q023", "Q022"]
    link = _next_link(content)
    assert "page_size=10" in link and "sort=-key" in link and "page=2" in link
    second = client.get("/" + link if link.startswith("?") else link).content.decode()
    assert _row_keys(second) == [f"Q{n:03d}" for n in range(13, 3, -1)]
    assert "Page 2 of 3" in second


def test_htmx_filtering_keeps_the_page_size(client, world):
    _projects(world, 14)
    client.force_login(world.lead)
    content = client.get("/", {"page_size": "10", "phase": "kickoff"}, **HTMX).content.decode()
    assert "<html" not in content and len(_row_keys(content)) == 10
    assert "page_size=10" in _next_link(content)


@pytest.mark.parametrize("bad", ["7", "abc", "-10", "1000"])
def test_a_bad_page_size_is_named_and_the_default_used(client, world, bad):
    _projects(world, 54)
    content = _get(client, world.lead, page_size=bad)
    assert len(_row_keys(content)) == 50
    assert 'id="portfolio-page-size-error"' in content
    assert f"{bad} is not one of: 10, 25, 50, 100." in content
    assert 'aria-describedby="portfolio-page-size-error"' in content


def _queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_query_count_is_the_same_for_any_page_size_and_portfolio_size(client, world):
    client.force_login(world.lead)
    build.mixed_portfolio(world, 0, 9, issues=2)  # 10 projects
    urls = ["/?page_size=10", "/?page_size=100", "/?page_size=10&page=2"]
    small = [_queries(client, url) for url in urls] + [_queries(client, "/?page_size=10", **HTMX)]
    build.mixed_portfolio(world, 9, 59, issues=3)  # 60 projects
    large = [_queries(client, url) for url in urls] + [_queries(client, "/?page_size=10", **HTMX)]
    assert large == small
    assert len(set(small[:3])) == 1


def test_the_calendar_shows_five_go_lives_a_week_and_counts_the_rest(client, world):
    _projects(world, 8, go_live_in=10)
    content = _get(client, world.lead)
    calendar = content[content.index('class="golive-calendar"') : content.index('class="table-wrap"')]
    assert calendar.count('class="calendar-entry') == portfolio.CALENDAR_SHOWN_PER_WEEK
    assert "and 3 more" in calendar
    assert 'href="/?sort=go_live"' in calendar


def test_the_calendar_counts_the_overdue_go_lives_it_leaves_out():
    calendar = {
        "weeks": [{"week": "2026-W01", "go_lives": [{"key": f"K{n}"} for n in range(7)]}],
        "overdue": [{"key": f"O{n}"} for n in range(12)],
    }
    shown = portfolio.calendar_shown(calendar, per_week=5, overdue=10)
    assert [e["key"] for e in shown["weeks"][0]["go_lives"]] == ["K0", "K1", "K2", "K3", "K4"]
    assert shown["weeks"][0]["more"] == 2
    assert len(shown["overdue"]) == 10 and shown["overdue_more"] == 2
    assert calendar["overdue"][11] == {"key": "O11"}  # the calendar itself is left whole
    few = portfolio.calendar_shown({"weeks": [], "overdue": [{"key": "O"}]})
    assert few["overdue_more"] == 0
