"""The deployment-week pages: the cutover board (order, highlights, buttons, htmx actions and their refusals,
planning forms, CSV), the test evidence (upload, failing cases, manual smoke test) and the go/no-go page (votes,
decision, refused go with its criteria, go-live)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from golive.cutover import services
from golive.cutover.models import GoLive, GoNoGoDecision, GoNoGoVote, RunbookStep, RunbookTemplate, TestReport
from golive.lifecycle.models import Project
from golive.tracker import services as tracker_services
from tests.cutover.builders import ready_for_go, run, runbook, step
from tests.tracker.helpers import to_phase

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BOARD = reverse("web:cutover-board", args=["ACME"])
REPORTS = reverse("web:test-reports", args=["ACME"])
MANUAL = reverse("web:test-report-manual", args=["ACME"])
GO_NO_GO = reverse("web:go-no-go", args=["ACME"])


def action_url(ref: str, action: str) -> str:
    return reverse("web:cutover-step-action", args=["ACME", ref, action])


def small_runbook(world):
    """S1 -> (S2 30 min, S3 10 min) -> S4 (the point of no return), and the rollback step RB1."""
    runbook(world, [("S1", []), ("S2", ["S1"]), ("S3", ["S1"])], minutes=30)
    services.step_update(actor=world.lead, step=step(world, "S3"), planned_minutes=10)
    services.step_create(
        actor=world.lead, project=world.project, ref="S4", title="Switch users", depends_on=["S2", "S3"]
    )
    services.step_update(actor=world.lead, step=step(world, "S4"), point_of_no_return=True)
    services.step_create(
        actor=world.lead, project=world.project, ref="RB1", title="Restore legacy access", rollback=True
    )


def row_of(content: str, ref: str) -> str:
    match = re.search(rf'<tr id="step-{re.escape(ref)}".*?</tr>', content, re.S)
    assert match, f"no row for {ref}"
    return match.group(0)


def page(client, url=BOARD, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# The board


def test_board_lists_steps_in_dependency_order_not_creation_order(client, world):
    runbook(world, [("A", []), ("B", []), ("C", [])])
    # A now waits for C: B and C come first, then A.
    services.step_update(actor=world.lead, step=step(world, "A"), depends_on=["C"])
    for user in (world.lead, world.customer_member, world.admin):
        client.force_login(user)
        content = page(client)
        positions = [content.index(f'id="step-{ref}"') for ref in ("B", "C", "A")]
        assert positions == sorted(positions), user
        assert 'aria-current="page">Cutover' in content  # the project sub-navigation
        assert 'aria-current="page">Runbook' in content


def test_empty_board_invites_consultants_to_plan(client, world):
    client.force_login(world.consultant)
    content = page(client)
    assert "The runbook has no steps yet." in content and 'id="step-add-form"' in content
    assert 'id="clone-form"' in content  # the built-in template is there to clone
    client.force_login(world.customer_member)
    content = page(client)
    assert "The runbook has no steps yet." in content and 'id="step-add-form"' not in content


def test_board_marks_running_step_critical_path_and_point_of_no_return(client, world):
    small_runbook(world)
    run(world, "S1", "start")
    client.force_login(world.customer_lead)
    content = page(client)
    s1 = row_of(content, "S1")
    assert "is-running" in s1 and "In progress" in s1
    assert "is-running" not in row_of(content, "S2")
    # S1 -> S2 (30) -> S4 is the longest chain; S3 (10 min) is not on it.
    assert "Critical path" in row_of(content, "S2") and "Critical path" not in row_of(content, "S3")
    assert "Point of no return" in row_of(content, "S4") and "is-ponr" in row_of(content, "S4")
    assert 'id="cutover-running"' in content and "S1" in content
    # The rollback step is listed apart, and closed while nothing failed.
    rollback = content[content.index('id="rollback-plan"') :]
    assert 'id="step-RB1"' in rollback and "Not available" in rollback
    assert 'id="step-RB1"' not in content[: content.index('id="rollback-plan"')]
    assert 'hx-trigger="every 30s' in content


def test_overrun_step_is_flagged(client, world):
    small_runbook(world)
    run(world, "S1", "start")
    RunbookStep.objects.filter(ref="S1").update(started_at=timezone.now() - dt.timedelta(minutes=45))
    client.force_login(world.lead)
    s1 = row_of(page(client), "S1")
    assert "is-overrun" in s1 and "Overrun" in s1


def test_header_shows_progress_remaining_eta_and_t0(client, world):
    small_runbook(world)
    services.runbook_update(
        actor=world.lead, project=world.project, target_at=timezone.now().replace(microsecond=0) + dt.timedelta(hours=3)
    )
    services.step_update(actor=world.lead, step=step(world, "S4"), start_offset_minutes=-30)
    client.force_login(world.lead)
    content = page(client)
    assert re.search(r'id="cutover-percent">0%<', content)
    assert re.search(r'id="cutover-done">0 / 5<', content)
    assert re.search(r'id="cutover-remaining">1 h 15 min<', content)  # S1 30 + S2 30 + S4 15
    assert '<dd id="cutover-eta"><time' in content and '<dd id="cutover-t0"><time' in content
    assert "T-0:30" in row_of(content, "S4")
    run(world, "S1", "start", "complete")
    run(world, "S2", "skip")
    content = page(client)
    assert re.search(r'id="cutover-percent">50%<', content)  # 2 of the 4 forward steps
    assert re.search(r'id="cutover-remaining">25 min<', content)  # S3 10 + S4 15


def test_buttons_only_where_the_viewer_may_act(client, world):
    small_runbook(world)
    services.step_update(actor=world.lead, step=step(world, "S3"), owner=world.customer_member)
    client.force_login(world.consultant)
    content = page(client)
    assert 'id="step-S1-start"' in content and 'id="step-S1-skip-open"' in content
    assert 'id="step-S2-start"' not in content and "Waits for S1" in row_of(content, "S2")
    assert 'id="step-S1-complete"' not in content and 'id="step-S1-fail-open"' not in content
    assert re.search(r'<button type="button" class="button-inline" id="step-RB1-start" disabled', content)

    run(world, "S1", "start")
    content = page(client)
    assert 'id="step-S1-complete"' in content and 'id="step-S1-fail-open"' in content
    assert 'id="step-S1-start"' not in content and 'id="step-S1-skip-open"' not in content

    # A customer member runs only the step they own.
    client.force_login(world.customer_member)
    content = page(client)
    assert 'id="step-S1-complete"' not in content and 'id="step-S2-skip-open"' not in content
    assert 'id="step-S3-skip-open"' in content and 'id="step-RB1-start"' not in content
    assert 'id="step-add-form"' not in content and 'id="runbook-plan"' not in content


def test_start_with_htmx_answers_the_board_fragment_with_the_new_status(client, world):
    small_runbook(world)
    client.force_login(world.consultant)
    response = client.post(action_url("S1", "start"), **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="cutover-board"') and "<html" not in content
    assert "S1 started." in content
    s1 = row_of(content, "S1")
    assert "In progress" in s1 and "is-running" in s1 and 'id="step-S1-complete"' in s1
    assert step(world, "S1").status == "in_progress" and step(world, "S1").started_by == world.consultant
    # The next ones open as their dependency completes.
    content = client.post(action_url("S1", "complete"), **HTMX).content.decode()
    assert "Done" in row_of(content, "S1") and 'id="step-S2-start"' in content and 'id="step-S3-start"' in content


def test_start_without_javascript_redirects_to_the_board(client, world):
    small_runbook(world)
    client.force_login(world.lead)
    response = client.post(action_url("S1", "start"))
    assert response.status_code == 302 and response["Location"] == BOARD
    content = client.get(BOARD).content.decode()
    assert "S1 started." in content and "is-running" in row_of(content, "S1")


def test_refused_start_shows_the_reason(client, world):
    small_runbook(world)
    client.force_login(world.lead)
    response = client.post(action_url("S2", "start"), **HTMX)
    assert response.status_code == 409
    content = response.content.decode()
    assert 'id="action-error"' in content and "Step S2 waits for S1 to be done or skipped." in content
    assert content.lstrip().startswith('<div id="cutover-board"')
    assert step(world, "S2").status == "pending"
    # Without JavaScript the whole page carries the reason.
    response = client.post(action_url("S2", "start"))
    assert response.status_code == 409
    assert "<html" in response.content.decode() and "waits for S1" in response.content.decode()
    # A move the state table refuses.
    response = client.post(action_url("S1", "complete"), **HTMX)
    assert response.status_code == 409
    assert "Step S1 is Pending: “Complete” is not possible." in response.content.decode()


def test_member_who_does_not_own_the_step_is_refused_with_the_message(client, world):
    small_runbook(world)
    client.force_login(world.customer_lead)
    response = client.post(action_url("S1", "start"), **HTMX)
    assert response.status_code == 403
    assert "Only consultants or the step&#x27;s owner run a runbook step." in response.content.decode()
    assert step(world, "S1").status == "pending"


def test_unknown_step_or_action_is_404(client, world):
    small_runbook(world)
    client.force_login(world.lead)
    assert client.post(action_url("S9", "start")).status_code == 404
    assert client.post(action_url("S1", "explode")).status_code == 404


def test_fail_opens_the_rollback_and_skip_needs_a_reason(client, world):
    small_runbook(world)
    run(world, "S1", "start")
    client.force_login(world.lead)
    response = client.post(action_url("S1", "fail"), {"note": "Backup job crashed"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Failed" in row_of(content, "S1") and "Backup job crashed" in row_of(content, "S1")
    assert 'id="rollback-open"' in content and 'id="step-RB1-start"' in content
    assert "disabled" not in re.search(r'<button[^>]*id="step-RB1-start"[^>]*>', content).group(0)
    assert step(world, "S1").note == "Backup job crashed"

    response = client.post(action_url("S2", "skip"), {"reason": " "}, **HTMX)
    assert response.status_code == 400 and "Say why the step is skipped." in response.content.decode()
    response = client.post(action_url("S2", "skip"), {"reason": "Not needed this time"}, **HTMX)
    assert response.status_code == 200 and "Skipped" in row_of(response.content.decode(), "S2")


def test_point_of_no_return_passed_shows_the_banner_and_closes_the_rollback(client, world):
    small_runbook(world)
    for ref in ("S1", "S2", "S3", "S4"):
        run(world, ref, "start", "complete")
    client.force_login(world.lead)
    content = page(client)
    assert 'id="ponr-passed"' in content and "The point of no return (S4) is passed" in content
    assert re.search(r'id="cutover-eta">Finished<', content)
    assert re.search(r'id="step-RB1-start" disabled', row_of(content, "RB1"))


def test_board_fragment_for_the_auto_refresh(client, world):
    small_runbook(world)
    client.force_login(world.customer_member)
    content = page(client, **HTMX)
    assert content.lstrip().startswith('<div id="cutover-board"') and "<html" not in content
    assert 'hx-trigger="every 30s"' in content
    # The refresh pauses while a fail or skip form is open: cutover.js cancels the board's request then (an
    # hx-trigger filter would be code evaluated by htmx, which the Content-Security-Policy refuses).
    assert "golive/cutover.js" in page(client)
    script = (Path(__file__).resolve().parents[2] / "src/golive/web/static/golive/cutover.js").read_text()
    assert "#cutover-board details[open]" in script and "event.preventDefault()" in script


def test_csv_export_is_the_api_file(client, world, api):
    small_runbook(world)
    run(world, "S1", "start", "complete")
    client.force_login(world.customer_member)
    response = client.get(reverse("web:cutover-runbook-csv", args=["ACME"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ACME-runbook.csv"'
    body = response.content.decode("utf-8")
    assert body == api(world.customer_member).get("/api/v1/projects/ACME/runbook/export/").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Ref", "Title", "Owner"]
    assert [row[0] for row in rows[1:]] == ["S1", "S2", "S3", "S4", "RB1"]
    assert rows[1][6] == "done"
    assert 'href="/projects/ACME/cutover/runbook.csv"' in page(client)


def test_board_has_a_print_stylesheet(client, world):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("golive/golive.css")).read_text(encoding="utf-8")
    assert "@media print" in css and "A4 landscape" in css
    client.force_login(world.lead)
    assert 'class="button-row no-print"' in page(client)


# ---------------------------------------------------------------------------------------------------------------
# Planning the runbook (consultants)


def test_consultant_adds_a_step_from_the_page(client, world):
    small_runbook(world)
    client.force_login(world.consultant)
    url = reverse("web:cutover-step-add", args=["ACME"])
    data = {
        "ref": "S5",
        "title": "Announce go-live",
        "owner": "customer_lead",
        "planned_minutes": "15",
        "depends_on": ["S4"],
        "start_offset_minutes": "0",
        "description": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == BOARD
    added = step(world, "S5")
    assert (added.owner, added.depends_on, added.start_offset_minutes) == (world.customer_lead, ["S4"], 0)

    # A clash is 400 with the field's message, in the page, and nothing is written.
    response = client.post(url, {**data, "depends_on": []})
    assert response.status_code == 400
    assert "The runbook already has a step S5." in response.content.decode()
    response = client.post(url, {**data, "ref": "S6", "depends_on": ["NOPE"]})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert RunbookStep.objects.filter(runbook__project=world.project).count() == 6


def test_consultant_clones_saves_a_template_and_sets_t0(client, world):
    client.force_login(world.consultant)
    builtin = RunbookTemplate.objects.get(name="SaaS standard cutover")
    response = client.post(reverse("web:cutover-clone", args=["ACME"]), {"template": builtin.pk})
    assert response.status_code == 302
    assert RunbookStep.objects.filter(runbook__project=world.project).count() == len(builtin.steps)
    # Cloning twice clashes on every ref: 400 with the reason.
    response = client.post(reverse("web:cutover-clone", args=["ACME"]), {"template": builtin.pk})
    assert response.status_code == 400 and "The runbook already has steps" in response.content.decode()

    response = client.post(reverse("web:cutover-template-save", args=["ACME"]), {"name": "ACME plan"})
    assert response.status_code == 302
    assert len(RunbookTemplate.objects.get(name="ACME plan").steps) == len(builtin.steps)

    response = client.post(reverse("web:cutover-target", args=["ACME"]), {"target_at": "2030-05-04T09:00"})
    assert response.status_code == 302
    world.project.runbook.refresh_from_db()
    assert world.project.runbook.target_at is not None
    content = page(client)
    assert '05-04 08:30</time> <span class="muted t-label">T-0:30<' in row_of(content, "SWITCH")
    assert '05-04 09:00</time> <span class="muted t-label">T-0<' in row_of(content, "ANNOUNCE")
    assert '05-02 09:00</time> <span class="muted t-label">T-48:00<' in row_of(content, "FREEZE")


# ---------------------------------------------------------------------------------------------------------------
# Test evidence

JUNIT = b"""<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="billing" tests="3" failures="1" errors="0" skipped="1" time="1.5">
  <testcase classname="billing.InvoiceTest" name="test_total" time="0.1"/>
  <testcase classname="billing.InvoiceTest" name="test_vat" time="0.2">
    <failure message="expected 10 but was 12">Traceback:
  assert 12 == 10</failure>
  </testcase>
  <testcase classname="billing.InvoiceTest" name="test_later"><skipped/></testcase>
</testsuite>
"""


def test_upload_from_the_page_then_the_failing_cases(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.support)
    upload = SimpleUploadedFile("billing.xml", JUNIT, content_type="application/xml")
    response = client.post(REPORTS, {"file": upload, "environment": "production", "title": ""})
    report = TestReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:test-report", args=["ACME", report.pk])
    assert (report.tests, report.failures, report.skipped, report.environment) == (3, 1, 1, "production")

    content = page(client, response["Location"])
    assert "Test report uploaded." in content
    assert re.search(r'id="report-failures">1<', content) and "Failing" in content
    case = re.search(r'<li class="failing-case".*?</li>', content, re.S).group(0)
    assert "<details>" in case and "test_vat" in case and "expected 10 but was 12" in case
    assert '<pre class="case-detail">Traceback:\n  assert 12 == 10</pre>' in case

    client.force_login(world.customer_member)
    content = page(client, REPORTS)
    row = re.search(r'<tr class="report-row".*?</tr>', content, re.S).group(0)
    assert "billing.xml" in row and "Production" in row and "Failing" in row and "support" in row
    assert 'id="upload-form"' not in content  # customers do not upload


def test_hostile_upload_is_400_with_the_reason(client, world):
    client.force_login(world.consultant)
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><testsuite><testcase name="&lol;"/></testsuite>'
    upload = SimpleUploadedFile("bomb.xml", bomb, content_type="application/xml")
    response = client.post(REPORTS, {"file": upload, "environment": "sandbox"})
    assert response.status_code == 400
    errors = re.findall(r'class="field-error">(.*?)<', response.content.decode())
    assert len(errors) == 1 and "DOCTYPE" in errors[0]
    assert TestReport.objects.count() == 0


def test_manual_smoke_test_checklist(client, world):
    client.force_login(world.customer_member)
    content = page(client, MANUAL)
    assert content.count('class="manual-row"') == 5 + 1  # the rows and the template of a new one
    assert page(client, MANUAL + "?rows=8").count('class="manual-row"') == 8 + 1
    data = {
        "title": "Smoke after go-live",
        "environment": "production",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-name": "Log in",
        "items-0-status": "passed",
        "items-1-name": "Print an invoice",
        "items-1-status": "failed",
        "items-1-note": "Blank page",
        "items-2-name": "",
        "items-2-status": "passed",
    }
    response = client.post(MANUAL, data)
    assert response.status_code == 302
    report = TestReport.objects.get()
    assert (report.kind, report.tests, report.passed, report.failures) == ("manual", 2, 1, 1)
    content = page(client, response["Location"])
    assert content.count('class="check-row"') == 2 and "Blank page" in content and "Print an invoice" in content

    # Nothing filled in: 400 with the service's message.
    empty = {**data, "items-0-name": "", "items-1-name": "", "items-1-note": "", "items-1-status": "passed"}
    response = client.post(MANUAL, empty)
    assert response.status_code == 400 and "A smoke test needs at least one item." in response.content.decode()
    # A note without a name: the row's field error.
    response = client.post(MANUAL, {**empty, "items-1-note": "?"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert TestReport.objects.count() == 1


# ---------------------------------------------------------------------------------------------------------------
# Go/no-go


def test_go_no_go_page_shows_the_checklist_with_evidence_links(client, world):
    to_phase(world.project, "deployment", actor=world.lead)
    client.force_login(world.customer_member)
    content = page(client, GO_NO_GO)
    assert 'id="checklist-status">Blocked' in content
    checklist = content[content.index('id="checklist"') : content.index('id="votes"')]
    assert checklist.count('class="criterion"') == 4
    assert 'href="/projects/ACME/cutover/"' in checklist and 'href="/projects/ACME/cutover/tests/"' in checklist
    assert "The runbook has no steps." in checklist
    assert 'id="vote-form"' in content and 'id="decide-form"' not in content


def test_vote_and_change_it_with_htmx(client, world):
    to_phase(world.project, "deployment", actor=world.lead)
    client.force_login(world.customer_lead)
    url = reverse("web:go-no-go-vote", args=["ACME"])
    response = client.post(url, {"vote": "no_go", "comment": "Data not reconciled"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="go-no-go-body"') and "Vote cast." in content
    assert 'id="vote-customer_lead"' in content and "Data not reconciled" in content
    assert re.search(r'id="tally-no_go">1<', content)
    content = client.post(url, {"vote": "go", "comment": ""}, **HTMX).content.decode()
    assert re.search(r'id="tally-go">1<', content) and re.search(r'id="tally-no_go">0<', content)
    assert "Change your vote" in content
    assert GoNoGoVote.objects.get().vote == "go"

    # A bad vote is 400; an administrator who is no member is refused by the service with its message.
    assert client.post(url, {"vote": "maybe"}, **HTMX).status_code == 400
    client.force_login(world.admin)
    response = client.post(url, {"vote": "go"}, **HTMX)
    assert response.status_code == 403 and "Only members of the project vote." in response.content.decode()


def test_go_refused_shows_the_failing_criteria(client, world):
    to_phase(world.project, "deployment", actor=world.lead)
    tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Payroll", severity="P1")
    client.force_login(world.lead)
    content = page(client, GO_NO_GO)
    assert 'id="decide-form"' in content and 'id="golive-form"' not in content
    response = client.post(reverse("web:go-no-go-decide", args=["ACME"]), {"decision": "go"}, **HTMX)
    assert response.status_code == 409
    content = response.content.decode()
    error = content[content.index('id="action-error"') : content.index("</div>", content.index('id="action-error"'))]
    assert "Go is refused while a blocking go/no-go criterion fails." in error and "Failing criteria:" in error
    assert "The runbook has no steps." in error and "No test report has been uploaded." in error
    assert "The project is in deployment" not in error  # that one passes
    assert GoNoGoDecision.objects.count() == 0


def test_no_go_needs_a_new_date_and_goes_in_the_history(client, world):
    to_phase(world.project, "deployment", actor=world.lead)
    services.vote_cast(actor=world.customer_lead, project=world.project, vote="no_go", comment="Not yet")
    client.force_login(world.lead)
    url = reverse("web:go-no-go-decide", args=["ACME"])
    response = client.post(url, {"decision": "no_go", "comment": "Data"})
    assert response.status_code == 400
    assert "A no-go decision sets the new target go-live date." in response.content.decode()
    later = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(url, {"decision": "no_go", "comment": "Data", "new_target_date": later.isoformat()})
    assert response.status_code == 302 and response["Location"] == GO_NO_GO
    assert Project.objects.get(key="ACME").planned_go_live == later
    content = page(client, GO_NO_GO)
    history = content[content.index('id="decisions"') :]
    assert "No go" in history and "by lead on" in history and later.isoformat() in history
    assert "customer_lead" in history and "Not yet" in history and history.count('class="criterion"') == 4
    assert "No vote since the last decision." in content  # the decision closed the round


def test_decision_with_the_go_no_go_meeting(client, world):
    from golive.engagement import services as engagement_services

    ready_for_go(world)
    meeting = engagement_services.meeting_create(
        actor=world.lead,
        project=world.project,
        kind="go_no_go",
        title="Go/no-go call",
        starts_at=timezone.now(),
    )
    client.force_login(world.lead)
    assert "Go/no-go call" in page(client, GO_NO_GO)
    response = client.post(
        reverse("web:go-no-go-decide", args=["ACME"]), {"decision": "go", "meeting": str(meeting.pk)}, **HTMX
    )
    assert response.status_code == 200
    assert GoNoGoDecision.objects.get().meeting == meeting


def test_go_then_record_go_live_lands_on_hypercare(client, world):
    ready_for_go(world)
    services.vote_cast(actor=world.customer_lead, project=world.project, vote="go")
    client.force_login(world.lead)
    response = client.post(reverse("web:go-no-go-decide", args=["ACME"]), {"decision": "go"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Decision recorded." in content and 'id="golive-button"' in content
    # The consultant records it from the page.
    client.force_login(world.consultant)
    assert 'id="golive-button"' in page(client, GO_NO_GO)
    response = client.post(reverse("web:cutover-golive", args=["ACME"]), {"at": ""})
    assert response.status_code == 302 and response["Location"] == reverse("web:hypercare", args=["ACME"])
    assert GoLive.objects.get().recorded_by == world.consultant
    assert Project.objects.get(key="ACME").current_phase.key == "hypercare"
    content = page(client, GO_NO_GO)
    assert 'id="golive-recorded"' in content and 'id="golive-button"' not in content and 'id="vote-form"' not in content


def test_go_live_without_a_go_decision_is_refused_in_the_page(client, world):
    to_phase(world.project, "deployment", actor=world.lead)
    client.force_login(world.lead)
    response = client.post(reverse("web:cutover-golive", args=["ACME"]), {"at": ""})
    assert response.status_code == 409
    content = response.content.decode()
    assert "Go-live needs a recorded go decision." in content and "No go/no-go decision has been recorded." in content
    assert GoLive.objects.count() == 0
