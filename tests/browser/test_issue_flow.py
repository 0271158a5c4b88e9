"""End to end in headless Chromium: a customer member reports an issue on ACME, then a consultant triages it
from the issue desk with the row's quick action (htmx swaps the row in place)."""

from __future__ import annotations

import pytest

from golive.tracker.models import Issue
from tests.browser.support import BROWSER_MARKS, log_in, sync_api

pytestmark = BROWSER_MARKS


# serialized_rollback restores the migration-created lifecycle template after the flush that ends a
# transactional test, so tests running after this one still find it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_customer_reports_and_consultant_triages(live_server, world, browser):
    page = log_in(browser, live_server, "customer_member", world.password)
    page.get_by_role("link", name="ACME", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/")
    page.get_by_role("link", name="Issues", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/issues/")
    page.get_by_role("link", name="Report an issue").click()
    page.get_by_label("Title").fill("Invoices do not print")
    page.get_by_label("Description").fill("Clicking **Print** shows an empty page.")
    page.get_by_label("P2 - major").check()
    page.get_by_role("button", name="Report issue").click()

    page.wait_for_url(live_server.url + "/projects/ACME/issues/1/")
    sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Invoices do not print")
    sync_api.expect(page.locator("#issue-status")).to_have_text("New")
    sync_api.expect(page.locator(".markdown strong")).to_have_text("Print")
    issue = Issue.objects.get()
    assert (issue.number, issue.reporter, issue.severity) == (1, world.customer_member, "P2")

    page = log_in(browser, live_server, "consultant", world.password)
    page.goto(live_server.url + "/projects/ACME/issues/")
    row = page.locator("#issue-row-1")
    sync_api.expect(row).to_contain_text("Invoices do not print")
    sync_api.expect(row.locator(".issue-status")).to_have_text("New")
    assert page.evaluate("typeof window.htmx") == "object"
    row.get_by_role("button", name="Triage").click()

    # htmx swaps the row in place and focus stays in it, for keyboard users.
    sync_api.expect(page.locator("#issue-row-1 .issue-status")).to_have_text("Triaged")
    sync_api.expect(page.locator("#issue-row-1").get_by_role("button", name="Triage")).to_have_count(0)
    page.wait_for_function("() => document.getElementById('issue-row-1').contains(document.activeElement)")
    assert page.url == live_server.url + "/projects/ACME/issues/"
    issue.refresh_from_db()
    assert issue.status == "triaged" and issue.first_response_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hypercare_dashboard_draws_the_chart(live_server, world, browser):
    import datetime as dt

    from django.utils import timezone

    from golive.tracker import services as tracker_services
    from tests.web.test_desk_pages import into_hypercare

    into_hypercare(world, days_ago=5)
    start = timezone.now() - dt.timedelta(days=5)
    for day, count in enumerate([4, 2, 1, 1]):
        for n in range(count):
            at = start + dt.timedelta(days=day, minutes=5 + n)
            tracker_services.issue_create(actor=world.lead, project=world.project, title=f"d{day}", reported_at=at)

    page = log_in(browser, live_server, "customer_lead", world.password)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/projects/ACME/hypercare/")
    sync_api.expect(page.locator("#days-elapsed")).to_have_text("5")
    page.wait_for_function("() => window.Chart && window.Chart.getChart(document.getElementById('hypercare-chart'))")
    datasets = page.evaluate(
        "window.Chart.getChart(document.getElementById('hypercare-chart')).data.datasets.map(d => d.data.length)"
    )
    assert datasets[0] == datasets[1] >= 6  # bars and the fitted curve, one value per label
    assert errors == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_desk_filters_apply_on_change_without_script_errors(live_server, world, browser):
    """Choosing a filter re-renders the results in place (htmx, the URL follows) and the page's triggers parse."""
    from golive.tracker import services as tracker_services

    tracker_services.issue_create(actor=world.lead, project=world.project, title="Still open")
    done = tracker_services.issue_create(actor=world.lead, project=world.project, title="Already fixed")
    tracker_services.issue_set_status(actor=world.lead, issue=done, status="resolved", note="fixed")

    page = log_in(browser, live_server, "consultant", world.password)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(live_server.url + "/projects/ACME/issues/")
    sync_api.expect(page.locator("#issue-results")).to_contain_text("Already fixed")
    page.select_option("#issues-open", "true")
    page.wait_for_url("**/projects/ACME/issues/?*open=true*")
    sync_api.expect(page.locator("#issue-results")).not_to_contain_text("Already fixed")
    sync_api.expect(page.locator("#issue-results")).to_contain_text("Still open")
    assert problems == []
