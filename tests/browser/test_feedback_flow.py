"""End to end in headless Chromium: during a review demo the consultant lead types three remarks into the live
feedback capture box of ACME's review meeting (Enter, Enter, then the Add button); each appears at the top of
the list without a page reload, focus goes back to the text box, and one is marked done from its triage
buttons."""

from __future__ import annotations

import pytest
from django.utils import timezone

from golive.engagement import services
from golive.engagement.models import Feedback
from tests.browser.support import BROWSER_MARKS, log_in, sync_api

pytestmark = BROWSER_MARKS


# serialized_rollback restores the migration-created lifecycle template after the flush that ends a
# transactional test, so tests running after this one still find it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_consultant_lead_captures_feedback_live_and_marks_one_done(live_server, world, browser):
    meeting = services.meeting_create(
        actor=world.lead,
        project=world.project,
        kind="review",
        title="Alpha review demo",
        starts_at=timezone.now(),
        attendees=[world.customer_lead],
    )
    page = log_in(browser, live_server, "lead", world.password)
    page.goto(live_server.url + "/projects/ACME/")
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/meetings/")
    page.get_by_role("link", name="Alpha review demo").click()
    meeting_url = f"{live_server.url}/projects/ACME/meetings/{meeting.pk}/"
    page.wait_for_url(meeting_url)
    assert page.evaluate("typeof window.htmx") == "object"
    # A marker on the window: a page reload would drop it.
    page.evaluate("window.__noReload = true")

    box = page.get_by_label("What did the customer say?")
    remarks = ["Show the order total on top", "Rename 'Vendor' to 'Supplier'", "Approval needs two steps"]
    for n, text in enumerate(remarks):
        box.fill(text)
        if n < 2:
            box.press("Enter")
        else:
            page.get_by_role("button", name="Add", exact=True).click()
        sync_api.expect(page.locator("#feedback-list > li")).to_have_count(n + 1)
        sync_api.expect(page.locator("#feedback-list > li").first).to_contain_text(text)
        sync_api.expect(box).to_have_value("")
        sync_api.expect(box).to_be_focused()

    # Newest first, in the order they were said.
    texts = page.locator("#feedback-list .feedback-text").all_inner_texts()
    assert texts == list(reversed(remarks))
    assert page.evaluate("window.__noReload") is True
    assert page.url == meeting_url
    assert list(Feedback.objects.order_by("id").values_list("text", flat=True)) == remarks

    first = Feedback.objects.get(text=remarks[0])
    item = page.locator(f"#feedback-{first.pk}")
    item.get_by_role("button", name="Done").click()
    sync_api.expect(page.locator(f"#feedback-{first.pk} .feedback-status")).to_have_text("Done")
    sync_api.expect(page.locator(f"#feedback-{first.pk}").get_by_role("button", name="Done")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    first.refresh_from_db()
    assert first.status == "done"
