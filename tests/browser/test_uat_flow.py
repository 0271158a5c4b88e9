"""End to end in headless Chromium: ACME is in UAT with three scenarios assigned to the customer member. The customer
member opens "My scenarios", marks one passed, and fails another with a screenshot, raising its defect in the same
step (htmx swaps each card in place, no page load). The customer lead then looks at the board (the burn-up is
drawn), opens the sign-off page, sees the failing criteria and the evidence, records an approval, and sees the
sign-off criterion pass with the recorded snapshot."""

from __future__ import annotations

import re

import pytest

from golive.lifecycle.models import SignOff
from golive.tracker.models import Issue
from golive.uat import services
from golive.uat.models import Run
from tests.browser.support import BROWSER_MARKS, log_in, sync_api
from tests.tracker.helpers import to_phase

pytestmark = BROWSER_MARKS

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SCENARIOS = [
    ("S-1", "Create a sales order", "critical", "1. Open Orders\n2. Press New\n3. Save", "The order gets a number"),
    ("S-2", "Print the invoice", "high", "1. Open an order\n2. Press Print", "A PDF opens"),
    ("S-3", "Cancel an order", "medium", "1. Open an order\n2. Press Cancel", "The order is cancelled"),
]


# serialized_rollback restores the migration-created lifecycle template after the flush that ends a transactional
# test, so tests running after this one still find it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_customer_member_runs_scenarios_and_the_customer_lead_signs_off(
    live_server, world, browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    to_phase(world.project, "uat", actor=world.lead)
    for ref, title, priority, steps, expected in SCENARIOS:
        services.scenario_create(
            actor=world.lead,
            project=world.project,
            ref=ref,
            title=title,
            priority=priority,
            steps=steps,
            expected_result=expected,
        )
    cycle = services.cycle_create(actor=world.lead, project=world.project)
    services.assignments_set(
        actor=world.lead,
        cycle=cycle,
        assignments=[{"scenario": ref, "tester": "customer_member"} for ref, *_rest in SCENARIOS],
    )
    expect = sync_api.expect

    page = log_in(browser, live_server, "customer_member", world.password)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.get_by_role("link", name="ACME", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/")
    page.get_by_role("link", name="UAT", exact=True).click()
    page.wait_for_url(live_server.url + "/projects/ACME/uat/mine/")
    expect(page.locator("#my-progress-text")).to_have_text("You have tested 0 of 3 scenarios.")
    first = page.locator("#scenario-S-1")
    expect(first).to_contain_text("Press New")
    expect(first).to_contain_text("The order gets a number")
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.stillTheSamePage = true")

    # Passed: one click after saying what happened.
    first.get_by_label("What happened?").fill("Order 1001 was created")
    page.locator("#run-S-1-passed").click()
    expect(page.locator("#scenario-S-1-state")).to_have_text("Passed")
    expect(page.locator("#scenario-S-1-saved")).to_contain_text("Saved: S-1 passed.")
    expect(page.locator("#my-progress-text")).to_have_text("You have tested 1 of 3 scenarios.")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'scenario-S-1-saved'")

    # Failed, and the defect raised in the same step.
    second = page.locator("#scenario-S-2")
    second.get_by_label("What happened?").fill("Print shows an empty page")
    expect(second.get_by_label("When I press Failed, report the problem to the project team")).to_be_checked()
    second.get_by_label("Problem title").fill("Invoice prints an empty page")
    second.locator("#run-S-2-severity-P2").check()
    second.get_by_label("Screenshot or file").set_input_files(
        files=[{"name": "empty-page.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("#run-S-2-failed").click()
    expect(page.locator("#scenario-S-2-state")).to_have_text("Failed")
    expect(page.locator("#scenario-S-2-saved")).to_contain_text("Problem ACME-1 was reported to the project team.")
    expect(page.locator("#scenario-S-2").get_by_role("link", name="ACME-1")).to_have_count(1)
    expect(page.locator("#scenario-S-2").get_by_role("link", name="empty-page.png")).to_be_visible()
    expect(page.locator("#my-progress-text")).to_have_text("You have tested 2 of 3 scenarios.")
    expect(page.locator("#my-count-failed")).to_have_text("1")
    assert page.evaluate("window.stillTheSamePage") is True  # no full page load
    assert page.url == live_server.url + "/projects/ACME/uat/mine/"
    defect = Issue.objects.get()
    assert (defect.kind, defect.severity, defect.title) == ("defect", "P2", "Invoice prints an empty page")
    failed = Run.objects.get(scenario__ref="S-2")
    assert failed.defect == defect and [e.name for e in failed.evidence.all()] == ["empty-page.png"]
    assert Run.objects.get(scenario__ref="S-1").status == "passed"

    # The customer lead starts on the board, then signs off.
    lead = log_in(browser, live_server, "customer_lead", world.password)
    lead.on("pageerror", lambda error: errors.append(str(error)))
    lead.goto(live_server.url + "/projects/ACME/")
    lead.get_by_role("link", name="UAT", exact=True).click()
    lead.wait_for_url(live_server.url + "/projects/ACME/uat/board/")
    expect(lead.locator("#uat-pass-rate")).to_have_text("33.3%")
    expect(lead.locator("#failing-S-2")).to_contain_text("ACME-1")
    lead.wait_for_function("() => window.Chart && window.Chart.getChart(document.getElementById('uat-burnup-chart'))")
    lead.get_by_role("link", name="Sign-off", exact=True).click()
    lead.wait_for_url(live_server.url + "/projects/ACME/uat/signoff/")
    expect(lead.locator("#uat-gate-status")).to_have_text("Blocked")
    expect(lead.locator("#criterion-uat_critical_scenarios_passed .badge")).to_have_text("Passed")
    expect(lead.locator("#criterion-no_open_p1_p2 .badge")).to_have_text("Failed")
    expect(lead.locator("#criterion-signoff_approved .badge")).to_have_text("Failed")
    expect(lead.locator("#criterion-signoff_approved")).to_contain_text("No sign-off by the customer_lead yet.")
    expect(lead.locator("#signoff-pass-rate")).to_have_text("33.3%")
    expect(lead.locator("#signoff-defects-P2")).to_have_text("1")
    expect(lead.locator("#critical-S-1")).to_contain_text("Passed")
    lead.evaluate("window.stillTheSamePage = true")

    form = lead.locator("#signoff-form")
    form.get_by_label("Approve").check()
    form.get_by_label("Comment").fill("Accepted; ACME-1 is fixed before training")
    form.get_by_role("button", name="Record sign-off").click()
    expect(lead.locator("#uat-signoff-body .alert-success")).to_contain_text("Sign-off recorded")
    expect(lead.locator("#criterion-signoff_approved .badge")).to_have_text("Passed")
    expect(lead.locator("#criterion-signoff_approved")).to_contain_text("Approved by customer_lead")
    record = lead.locator("#uat-signoffs .uat-record")
    expect(record).to_have_count(1)
    expect(record).to_contain_text("Accepted; ACME-1 is fixed before training")
    expect(record.locator(".signed-pass-rate")).to_have_text("33.3%")
    expect(record.locator("#signed-attention-" + str(SignOff.objects.get().pk))).to_contain_text("Print the invoice")
    assert lead.evaluate("window.stillTheSamePage") is True
    signoff = SignOff.objects.get()
    assert (signoff.role, signoff.decision, signoff.phase.key) == ("customer_lead", "approve", "uat")
    assert signoff.gate_snapshot["evidence"]["uat"]["summary"]["pass_rate"] == 33.3
    assert re.search("ACME-1", str(signoff.gate_snapshot["evidence"]["uat"]["scenarios"]))
    assert errors == []
