"""The portfolio home page, "what needs me today" and the cross-project figures pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.lifecycle import portfolio_builders as build

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _page(client, user, url="/", **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _row_keys(content: str) -> list[str]:
    return re.findall(r'<tr id="portfolio-row-(\w+)"', content)


def test_rows_show_health_go_live_sla_and_a_hypercare_sparkline(client, world):
    build.gone_live(world.project, actor=world.lead, days_ago=3.5)
    build.report(world.project, actor=world.lead, days_ago=1.2, severity="P2")
    content = _page(client, world.customer_lead)
    row = content[content.index('id="portfolio-row-ACME"') :]
    row = row[: row.index("</tr>")]
    assert 'class="badge rag rag-' in row
    assert '<svg class="sparkline"' in row and 'role="img"' in row
    days = (build.today() - world.project.golive.at.astimezone(build.ZONE).date()).days + 1
    assert f'aria-label="New issues per day, last {days} days: ' in row
    assert "1 day since the last P1/P2" in row
    assert "Actual" in row


def test_no_sparkline_before_go_live(client, world):
    content = _page(client, world.lead)
    assert "<svg" not in content


def test_filters_by_health_phase_and_customer(client, world, advance_to):
    build.project(world, "RED1", go_live_in=build.kickoff_due_in(-10))
    advance_to(build.project(world, "UATX"), "uat", actor=world.lead)
    assert _row_keys(_page(client, world.lead)) == ["ACME", "RED1", "UATX"]
    assert _row_keys(_page(client, world.lead, health="red")) == ["RED1"]
    assert _row_keys(_page(client, world.lead, health="green", phase="kickoff")) == ["ACME"]
    assert _row_keys(_page(client, world.lead, sort="-key")) == ["UATX", "RED1", "ACME"]
    assert _row_keys(_page(client, world.lead, customer="globex")) == []
    content = _page(client, world.lead, health="red")
    assert '<option value="red" selected>' in content


def test_a_bad_filter_value_is_named_and_left_out(client, world):
    content = _page(client, world.lead, health="purple", sort="nonsense")
    assert _row_keys(content) == ["ACME"]
    assert 'id="portfolio-health-error"' in content and "purple is not one of" in content
    assert 'id="portfolio-sort-error"' in content
    assert 'aria-invalid="true"' in content


def test_htmx_filtering_returns_the_results_with_the_calendar(client, world):
    client.force_login(world.lead)
    response = client.get("/", {"health": "green"}, **HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="portfolio-results"')
    assert 'class="golive-calendar"' in content and "<html" not in content


def test_the_calendar_shows_upcoming_go_lives_by_week(client, world, advance_to):
    build.project(world, "SOON", go_live_in=9, name="Seoul rollout")
    advance_to(build.project(world, "OVER", go_live_in=-3), "deployment", actor=world.lead)
    content = _page(client, world.lead)
    calendar = content[content.index('class="golive-calendar"') : content.index('class="table-wrap"')]
    assert len(re.findall(r'<li class="calendar-week[ "]', calendar)) == 8
    assert '<a href="/projects/SOON/">SOON: Seoul rollout</a>' in calendar
    assert "Go-live overdue:" in calendar and "/projects/OVER/" in calendar


def test_the_panels_load_after_the_page_and_work_without_javascript(client, world):
    content = _page(client, world.lead)
    assert 'hx-get="/today/" hx-trigger="load"' in content
    assert '<a href="/today/">' in content
    assert 'hx-get="/portfolio/figures/" hx-trigger="revealed"' in content
    assert "chart-4.6.1.umd.min.js" in content and "portfolio-figures.js" in content


class TestToday:
    def test_the_page_lists_my_items_with_links(self, client, world):
        issue = build.report(world.project, actor=world.lead, days_ago=6, severity="P2", assignee=world.consultant)
        content = _page(client, world.consultant, reverse("web:today"))
        assert "What needs me today" in content
        assert f'href="/projects/ACME/issues/{issue.number}/"' in content
        assert 'id="today-count-sla_breach">1<' in content

    def test_the_panel_is_a_fragment(self, client, world, advance_to):
        advance_to(world.project, "deployment", actor=world.lead)
        client.force_login(world.customer_member)
        content = client.get(reverse("web:today"), **HTMX).content.decode()
        assert content.lstrip().startswith('<section id="today-panel"')
        assert 'href="/projects/ACME/cutover/go-no-go/"' in content
        assert "<html" not in content

    def test_nothing_to_do(self, client, world):
        client.force_login(world.support)
        assert "Nothing needs you today." in client.get(reverse("web:today"), **HTMX).content.decode()

    def test_a_bad_horizon_is_named(self, client, world):
        content = _page(client, world.lead, reverse("web:today"), hours="soon")
        assert 'id="today-hours-error"' in content


class TestFigures:
    def test_the_page_has_tables_and_charts_fed_by_the_api(self, client, world):
        build.gone_live(world.project, actor=world.lead, days_ago=6.5)
        build.report(world.project, actor=world.lead, days_ago=6, severity="P3")
        content = _page(client, world.lead, reverse("web:portfolio-figures"))
        assert 'id="figures-by-customer"' in content and 'id="figures-by-template"' in content
        assert "Acme Corp" in content and "SaaS standard" in content
        assert 'data-figures-url="/api/v1/portfolio/figures/?quiet_days=3"' in content
        assert 'id="figures-median-issues">1.0<' in content

    def test_the_section_is_a_fragment(self, client, world):
        client.force_login(world.lead)
        content = client.get(reverse("web:portfolio-figures"), **HTMX).content.decode()
        assert content.lstrip().startswith('<section id="figures-panel"') and "<html" not in content

    def test_a_customer_sees_only_its_figures(self, client, world):
        content = _page(client, world.other_customer, reverse("web:portfolio-figures"))
        assert "Globex" in content and "Acme" not in content
        content = _page(client, world.customer_member, reverse("web:portfolio-figures"))
        assert "Acme Corp" in content and "Globex" not in content

    def test_a_bad_quiet_days_is_named(self, client, world):
        content = _page(client, world.lead, reverse("web:portfolio-figures"), quiet_days="99")
        assert 'id="figures-quiet-days-error"' in content


def test_the_pages_in_korean(client, world):
    client.force_login(world.lead)
    for url in ("/", reverse("web:today"), reverse("web:portfolio-figures")):
        content = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        assert '<html lang="ko">' in content
