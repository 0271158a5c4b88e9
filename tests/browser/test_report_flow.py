"""End to end in headless Chromium: on a project in its debrief, the consultant lead opens the retro board, adds
a note and votes for it (htmx swaps the board and the card in place), then opens the project report, sees the
phase timeline and the hypercare figures, and downloads the PDF."""

from __future__ import annotations

import pytest

from golive.debrief.models import RetroItem, RetroVote
from tests.browser.support import BROWSER_MARKS, log_in, sync_api
from tests.debrief.builders import full_project

pytestmark = BROWSER_MARKS


# serialized_rollback restores the migration-created lifecycle template after the flush that ends a transactional
# test, so tests running after this one still find it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lead_runs_the_retro_and_reads_the_report(live_server, world, browser):
    full_project(world)
    page = log_in(browser, live_server, "lead", world.password)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect = sync_api.expect

    page.goto(live_server.url + "/projects/ACME/")
    page.locator(".project-nav").get_by_role("link", name="Debrief", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/debrief/")
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.stillTheSamePage = true")
    expect(page.locator("#column-to_improve")).to_contain_text("Training came late")

    column = page.locator("#column-went_well")
    column.get_by_text("Add a note").click()
    column.get_by_label("New note").fill("The war room answered within minutes")
    column.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".alert-success")).to_have_text("Note added.")
    item = RetroItem.objects.get(text="The war room answered within minutes")
    card = page.locator(f"#item-{item.pk}")
    expect(card).to_contain_text("The war room answered within minutes")
    expect(page.locator(f"#item-{item.pk}-votes")).to_have_text("0")

    page.locator(f"#item-{item.pk}-vote").click()
    expect(page.locator(f"#item-{item.pk}-votes")).to_have_text("1")
    expect(page.locator(f"#item-{item.pk}-vote")).to_have_attribute("aria-pressed", "true")
    assert RetroVote.objects.filter(item=item, user=world.lead).exists()
    assert page.evaluate("window.stillTheSamePage") is True

    page.locator("#report-link").click()
    page.wait_for_url(live_server.url + "/projects/ACME/debrief/report/")
    expect(page.locator("svg.report-timeline")).to_be_visible()
    expect(page.locator("svg.report-timeline .bar-actual")).to_have_count(8)
    hypercare = page.locator("#report-hypercare")
    expect(hypercare).to_contain_text("Days to silence")
    expect(hypercare).to_contain_text("SSO login fails")  # the P1 that breached its SLA
    expect(page.locator("#report-retro")).to_contain_text("The war room answered within minutes")

    href = page.locator("#download-pdf").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    assert errors == []
