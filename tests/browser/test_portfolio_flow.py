"""End to end in headless Chromium: the consultant lead's portfolio with health colours and hypercare
sparklines, filtered by health (htmx swaps the results), "what needs me today" loaded into its panel and
followed to the issue, and the cross-project charts drawn from the figures JSON."""

from __future__ import annotations

import pytest

from tests.browser.support import BROWSER_MARKS, log_in, sync_api
from tests.lifecycle import portfolio_builders as build

pytestmark = BROWSER_MARKS


# serialized_rollback restores the migration-created templates after the flush that ends a transactional test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_portfolio_filter_today_and_figures(live_server, world, browser):
    build.gone_live(world.project, actor=world.lead, days_ago=5.5)
    for days_ago in (5, 4, 4, 2):
        build.report(world.project, actor=world.lead, days_ago=days_ago, severity="P4")
    breach = build.report(world.project, actor=world.lead, days_ago=1, severity="P1", assignee=world.lead)
    build.project(world, "RED1", go_live_in=build.kickoff_due_in(-10), name="Slipping rollout")
    build.project(world, "CALM", name="Calm rollout")

    page = log_in(browser, live_server, "lead", world.password)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect = sync_api.expect

    rows = page.locator("tr.portfolio-row")
    expect(rows).to_have_count(3)
    acme = page.locator("#portfolio-row-ACME")
    expect(acme.locator("svg.sparkline")).to_have_count(1)
    expect(acme.locator("svg.sparkline polyline")).to_have_count(1)
    assert "New issues per day" in acme.locator("svg.sparkline").get_attribute("aria-label")
    expect(acme.locator(".rag")).to_have_text("Red")  # the breached P1
    expect(page.locator("#portfolio-row-RED1 .rag")).to_have_text("Red")
    expect(page.locator("#portfolio-row-CALM .rag")).to_have_text("Green")

    # Filter by health: htmx swaps the results in place and keeps the filter in the address.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Health").select_option("green")
    expect(rows).to_have_count(1)
    expect(page.locator("#portfolio-row-CALM")).to_be_visible()
    assert "health=green" in page.url
    assert page.evaluate("window.stillTheSamePage") is True
    page.get_by_label("Health").select_option("")
    expect(rows).to_have_count(3)

    # "What needs me today" arrives in its panel after the page; its link leads to the breached issue.
    panel = page.locator("#today-panel")
    link = panel.get_by_role("link", name=f"ACME · {breach.ref} {breach.title}")
    expect(link).to_be_visible()
    expect(panel).to_contain_text("SLA breach")
    link.click()
    page.wait_for_url(live_server.url + f"/projects/ACME/issues/{breach.number}/")

    # The figures section loads when scrolled into view and draws its charts from the JSON.
    page.goto(live_server.url + "/")
    page.locator("#figures-panel").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => window.Chart && document.getElementById('figures-chart-customer') "
        "&& window.Chart.getChart(document.getElementById('figures-chart-customer'))"
    )
    labels = page.evaluate("window.Chart.getChart(document.getElementById('figures-chart-customer')).data.labels")
    assert labels == ["Acme Corp"]
    expect(page.locator("#figures-by-customer")).to_contain_text("Acme Corp")
    assert errors == []
