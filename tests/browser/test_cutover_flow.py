"""End to end in headless Chromium: the consultant lead runs ACME's cutover board step by step (htmx swaps the
board in place, progress and ETA follow), votes go, decides go, records the go-live and lands on hypercare."""

from __future__ import annotations

import pytest

from golive.cutover import services as cutover_services
from golive.cutover.models import GoLive, GoNoGoDecision, RunbookStep
from golive.lifecycle.models import Project
from tests.browser.support import BROWSER_MARKS, log_in, sync_api
from tests.tracker.helpers import to_phase

pytestmark = BROWSER_MARKS

STEPS = [("FREEZE", "Freeze the legacy system", 20, []), ("LOAD", "Load the data", 30, ["FREEZE"])]
STEPS += [("SWITCH", "Switch users", 10, ["LOAD"])]


# serialized_rollback restores the migration-created lifecycle and runbook templates after the flush that ends a
# transactional test, so tests running after this one still find them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_consultant_lead_runs_the_cutover_to_go_live(live_server, world, browser):
    to_phase(world.project, "deployment", actor=world.lead)
    for ref, title, minutes, depends_on in STEPS:
        cutover_services.step_create(
            actor=world.lead,
            project=world.project,
            ref=ref,
            title=title,
            planned_minutes=minutes,
            depends_on=depends_on,
            owner=world.consultant,
        )
    cutover_services.test_report_manual(
        actor=world.lead,
        project=world.project,
        title="Smoke test",
        items=[{"name": "Log in", "status": "passed"}, {"name": "Print an invoice", "status": "passed"}],
    )

    page = log_in(browser, live_server, "lead", world.password)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.get_by_role("link", name="ACME", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/")
    page.get_by_role("link", name="Cutover", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/cutover/")
    expect = sync_api.expect
    expect(page.locator("#cutover-percent")).to_have_text("0%")
    expect(page.locator("#cutover-remaining")).to_have_text("1 h 00 min")
    assert page.evaluate("typeof window.htmx") == "object"
    # A marker on the window survives htmx swaps and would vanish with a page load.
    page.evaluate("window.stillTheSamePage = true")

    remaining = {"FREEZE": "40 min", "LOAD": "10 min", "SWITCH": "0 min"}
    percent = {"FREEZE": "33%", "LOAD": "67%", "SWITCH": "100%"}
    for ref, _title, _minutes, _depends_on in STEPS:
        row = page.locator(f"#step-{ref}")
        expect(row.locator(".step-status .badge")).to_have_text("Pending")
        page.locator(f"#step-{ref}-start").click()
        expect(page.locator(f"#step-{ref} .step-status .badge")).to_have_text("In progress")
        expect(page.locator(f"#step-{ref}")).to_have_class(lambda_class("is-running"))
        expect(page.locator("#cutover-running")).to_contain_text(ref)
        page.locator(f"#step-{ref}-complete").click()
        expect(page.locator(f"#step-{ref} .step-status .badge")).to_have_text("Done")
        expect(page.locator("#cutover-percent")).to_have_text(percent[ref])
        expect(page.locator("#cutover-remaining")).to_have_text(remaining[ref])
        # Focus comes back into the row that was acted on.
        page.wait_for_function(f"() => document.getElementById('step-{ref}').contains(document.activeElement)")
    expect(page.locator("#cutover-eta")).to_have_text("Finished")
    expect(page.locator("#cutover-done")).to_have_text("3 / 3")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.url == live_server.url + "/projects/ACME/cutover/"
    assert set(RunbookStep.objects.values_list("status", flat=True)) == {"done"}

    page.get_by_role("link", name="Go/no-go", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/cutover/go-no-go/")
    expect(page.locator("#checklist-status")).to_have_text("Ready")
    vote_form = page.locator("#vote-form")
    vote_form.get_by_label("Go", exact=True).check()
    vote_form.get_by_label("Comment").fill("Runbook done, smoke test green")
    vote_form.get_by_role("button", name="Vote").click()
    expect(page.locator("#tally-go")).to_have_text("1")
    expect(page.locator("#vote-lead")).to_contain_text("Runbook done, smoke test green")

    decide_form = page.locator("#decide-form")
    decide_form.get_by_label("Go", exact=True).check()
    decide_form.get_by_label("Comment").fill("Go for Monday")
    decide_form.get_by_role("button", name="Record decision").click()
    expect(page.locator(".alert-success")).to_have_text("Decision recorded.")
    expect(page.locator("#decisions .decision")).to_have_count(1)
    assert GoNoGoDecision.objects.get().decision == "go"

    page.locator("#golive-button").click()
    page.wait_for_url(live_server.url + "/projects/ACME/hypercare/")
    expect(page.locator("#hypercare-status")).to_have_text("Active")
    expect(page.locator(".messages")).to_contain_text("Go-live recorded.")
    assert GoLive.objects.get().recorded_by == world.lead
    assert Project.objects.get(key="ACME").current_phase.key == "hypercare"
    assert errors == []


def lambda_class(name: str):
    """A pattern matching a class attribute that holds ``name`` among other classes."""
    import re

    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_board_refresh_pauses_while_a_form_is_open(live_server, world, browser):
    """The 30-second refresh is cancelled (by cutover.js, not an evaluated hx-trigger filter, which the
    Content-Security-Policy refuses) while a fail or skip form is open, and goes ahead otherwise."""
    to_phase(world.project, "deployment", actor=world.lead)
    cutover_services.step_create(
        actor=world.lead, project=world.project, ref="FREEZE", title="Freeze", owner=world.lead
    )
    page = log_in(browser, live_server, "lead", world.password)
    page.goto(live_server.url + "/projects/ACME/cutover/")
    refresh = """() => {
      const board = document.getElementById("cutover-board");
      const event = new CustomEvent("htmx:beforeRequest", {bubbles: true, cancelable: true, detail: {elt: board}});
      return board.dispatchEvent(event);
    }"""
    assert page.evaluate(refresh) is True  # nothing open: the refresh goes ahead
    page.evaluate("() => { document.querySelector('#cutover-board details').open = true; }")
    assert page.evaluate(refresh) is False  # a form is open: cancelled
