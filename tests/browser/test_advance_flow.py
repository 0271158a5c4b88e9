"""End to end in headless Chromium: log in, open ACME from the portfolio, override the gate and advance."""

from __future__ import annotations

import pytest

from tests.browser.support import BROWSER_MARKS, sync_api

pytestmark = BROWSER_MARKS


# serialized_rollback restores the migration-created lifecycle template after the flush that ends a
# transactional test, so tests running after this one still find it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_consultant_lead_overrides_the_gate_and_advances(live_server, world, browser):
    page = browser.new_page(locale="en-US")
    page.set_default_timeout(15_000)

    page.goto(live_server.url + "/")
    assert "/login/" in page.url
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(world.password)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(live_server.url + "/")
    sync_api.expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    page.get_by_role("link", name="ACME", exact=True).click()

    page.wait_for_url(live_server.url + "/projects/ACME/")
    sync_api.expect(page.locator("#current-phase")).to_have_text("Kickoff")
    assert page.evaluate("typeof window.htmx") == "object"  # the vendored htmx is served and loaded
    page.get_by_label("Override reason").fill("Kickoff held in a workshop before GoLive was set up")
    page.get_by_role("button", name="Advance to next phase").click()

    # htmx swaps the project body in place; without JavaScript the form posts and redirects instead.
    sync_api.expect(page.locator("#current-phase")).to_have_text("Alpha review")
    sync_api.expect(page.get_by_role("status").filter(has_text="moved to its next phase")).to_be_visible()

    world.project.refresh_from_db()
    assert world.project.current_phase.key == "alpha_review"
