"""The UAT pages: the tester's "My scenarios" (pass, fail with a defect in one step, a screenshot, htmx card
swaps, refusals shown in the card), the board (figures, testers, failing scenarios with defects, chart data,
rounds), the scenario list (filters, pages, bulk assignment, create, edit, retire, import errors, files) and the
sign-off page (the live gate and evidence, the customer lead's approval, a snapshot that stays as signed)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import SignOff
from golive.tracker.models import Issue
from golive.uat import services
from golive.uat.models import Assignment, Cycle, Run, RunEvidence, Scenario
from tests.tracker.helpers import to_phase
from tests.uat.builders import HEADER, csv_text, csv_upload, run, scenario, uat_counts, xlsx_upload

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MINE = reverse("web:uat-mine", args=["ACME"])
BOARD = reverse("web:uat-board", args=["ACME"])
SCENARIOS = reverse("web:uat-scenarios", args=["ACME"])
SIGNOFF = reverse("web:uat-signoff", args=["ACME"])


def run_url(ref: str) -> str:
    return reverse("web:uat-run", args=["ACME", ref])


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def card(content: str, ref: str) -> str:
    match = re.search(
        rf'<article class="card uat-card[^"]*" id="scenario-{re.escape(ref)}".*?</article>', content, re.S
    )
    assert match, f"no card for {ref}"
    return match.group(0)


def assign(world, pairs: list[tuple[str, str]], *, cycle: Cycle | None = None) -> Cycle:
    cycle = cycle or Cycle.objects.filter(project=world.project).order_by("-number").first()
    if cycle is None:
        cycle = services.cycle_create(actor=world.lead, project=world.project)
    services.assignments_set(
        actor=world.lead, cycle=cycle, assignments=[{"scenario": ref, "tester": tester} for ref, tester in pairs]
    )
    return cycle


def script(world):
    """Three scenarios: S-1 (critical) and S-3 assigned to the customer member, S-2 to the customer lead, S-4
    assigned to nobody."""
    scenario(world, "S-1", title="Create a sales order", priority="critical", steps="1. Open Orders\n2. Press New")
    services.scenario_update(actor=world.lead, scenario=Scenario.objects.get(ref="S-1"), expected_result="Saved")
    scenario(world, "S-2", title="Cancel an order", priority="high")
    scenario(world, "S-3", title="Print the invoice")
    scenario(world, "S-4", title="Credit note", module="Billing")
    return assign(world, [("S-1", "customer_member"), ("S-3", "customer_member"), ("S-2", "customer_lead")])


# ---------------------------------------------------------------------------------------------------------------
# Landing and the tester's list


def test_uat_menu_lands_customer_members_on_their_scenarios_and_others_on_the_board(client, world):
    url = reverse("web:uat", args=["ACME"])
    for user, target in [
        (world.customer_member, MINE),
        (world.customer_lead, BOARD),
        (world.consultant, BOARD),
        (world.support, BOARD),
        (world.admin, BOARD),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == target, user
    content = page(client, reverse("web:project", args=["ACME"]))
    assert f'href="{url}"' in content  # the project menu links UAT


def test_my_scenarios_lists_mine_and_unassigned_with_steps_and_expected_result(client, world):
    script(world)
    client.force_login(world.customer_member)
    content = page(client, MINE)
    assert 'aria-current="page">UAT' in content and 'aria-current="page">My scenarios' in content
    assert re.findall(r'id="scenario-(S-\d)"', content) == ["S-1", "S-3", "S-4"]
    first = card(content, "S-1")
    assert "1. Open Orders<br>2. Press New" in first and "Saved" in first
    assert "Assigned to you" in first and "Not tested yet" in first and "Critical" in first
    assert "Not assigned: anyone may test it" in card(content, "S-4")
    assert "You have tested 0 of 3 scenarios." in content
    # A customer member records their own runs: no tester to choose.
    assert 'name="tester"' not in content
    assert re.findall(r'id="scenario-(S-\d)"', page(client, MINE, everyone="1")) == [
        "S-1",
        "S-2",
        "S-3",
        "S-4",
    ]


def test_filters_of_the_tester_list(client, world):
    script(world)
    run(world, "S-1", "passed")
    run(world, "S-3", "failed", actual_result="Blank page")
    client.force_login(world.customer_member)
    assert re.findall(r'id="scenario-(S-\d)"', page(client, MINE, show="todo")) == ["S-4"]
    assert re.findall(r'id="scenario-(S-\d)"', page(client, MINE, show="problems")) == ["S-3"]
    assert re.findall(r'id="scenario-(S-\d)"', page(client, MINE, show="passed")) == ["S-1"]
    content = page(client, MINE)
    assert "You have tested 2 of 3 scenarios." in content
    # A tested scenario keeps its form folded under "Test it again"; its last result is shown.
    third = card(content, "S-3")
    assert "Test it again" in third and "Blank page" in third and "Last result in round 1" in third


# ---------------------------------------------------------------------------------------------------------------
# Recording results


def test_tester_marks_a_scenario_passed_without_javascript(client, world):
    script(world)
    client.force_login(world.customer_member)
    response = client.post(run_url("S-1"), {"status": "passed", "actual_result": "Order 1001 saved"})
    assert response.status_code == 302
    assert response["Location"] == f"{MINE}?saved=S-1#scenario-S-1"
    saved = Run.objects.get()
    assert (saved.status, saved.tester, saved.cycle.number, saved.defect) == ("passed", world.customer_member, 1, None)
    content = page(client, MINE, saved="S-1")
    assert "Saved: S-1 passed. Thank you!" in content  # the notice at the top
    first = card(content, "S-1")
    assert "Your result is saved." in first and 'class="badge badge-passed uat-state"' in first
    assert "You have tested 1 of 3 scenarios." in content


def test_tester_fails_a_scenario_and_raises_the_defect_in_one_step_with_htmx(client, world):
    script(world)
    client.force_login(world.customer_member)
    response = client.post(
        run_url("S-1"),
        {
            "status": "failed",
            "actual_result": "Error 500 when saving",
            "raise_defect": "on",
            "defect_title": "S-1: order cannot be saved",
            "severity": "P2",
        },
        **HTMX,
    )
    assert response.status_code == 200, response.content[:800]
    content = response.content.decode()
    # Only the card and the progress (out of band) come back, not a whole page.
    assert "<html" not in content and content.count('class="card uat-card') == 1
    assert 'id="my-progress" aria-labelledby="my-progress-title" hx-swap-oob="true"' in content
    assert "You have tested 1 of 3 scenarios." in content
    failed = Run.objects.get()
    issue = failed.defect
    assert (issue.kind, issue.severity, issue.title, issue.reporter) == (
        "defect",
        "P2",
        "S-1: order cannot be saved",
        world.customer_member,
    )
    assert "1. Open Orders" in issue.description and "Error 500 when saving" in issue.description
    assert f"Saved: S-1 failed. Problem {issue.ref} was reported to the project team." in content
    assert reverse("web:issue", args=["ACME", issue.number]) in content
    assert 'class="badge badge-failed uat-state"' in content
    # The defect is linked: the next form does not offer to report it again by default.
    assert 'name="raise_defect" id="run-S-1-raise_defect" checked' not in content
    assert f"Already reported and still open: {issue.ref}" in content


def test_failed_without_the_defect_box_raises_none(client, world):
    script(world)
    client.force_login(world.customer_member)
    response = client.post(run_url("S-3"), {"status": "failed", "actual_result": "Wrong total"}, **HTMX)
    assert response.status_code == 200
    assert Run.objects.get().defect is None and not Issue.objects.exists()
    content = response.content.decode()
    assert "Report this problem to the project team" in content  # offered afterwards


def test_failure_needs_what_happened_and_nothing_is_written(client, world):
    script(world)
    client.force_login(world.customer_member)
    before = uat_counts()
    response = client.post(run_url("S-1"), {"status": "failed", "raise_defect": "on", "severity": "P1"}, **HTMX)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Describe what happened, so that the team can fix it." in content
    assert 'role="alert"' in content and "Not saved" in content
    assert uat_counts() == before
    # Without JavaScript the whole page comes back, the card's form still filled in.
    response = client.post(run_url("S-1"), {"status": "blocked", "defect_title": "kept"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "<html" in content and 'value="kept"' in card(content, "S-1")
    assert uat_counts() == before


def test_screenshot_attached_in_the_same_step_and_downloadable(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    script(world)
    client.force_login(world.customer_member)
    shot = SimpleUploadedFile("화면.png", PNG, content_type="image/png")
    response = client.post(
        run_url("S-1"), {"status": "passed", "actual_result": "Saved", "evidence": shot}, format="multipart", **HTMX
    )
    assert response.status_code == 200, response.content[:800]
    evidence = RunEvidence.objects.get()
    assert (evidence.name, evidence.run.status, evidence.uploaded_by) == ("화면.png", "passed", world.customer_member)
    content = response.content.decode()
    url = reverse("web:uat-evidence", args=["ACME", evidence.run_id, evidence.pk])
    assert url in content and "Your file is attached." in content
    client.force_login(world.support)
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert "attachment" in download["Content-Disposition"] and download["X-Content-Type-Options"] == "nosniff"


def test_refused_file_leaves_no_run_and_no_defect(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    script(world)
    client.force_login(world.customer_member)
    before = uat_counts()
    bad = SimpleUploadedFile("run.exe", b"MZ binary", content_type="application/octet-stream")
    response = client.post(
        run_url("S-1"),
        {"status": "failed", "actual_result": "Crash", "raise_defect": "on", "severity": "P2", "evidence": bad},
        **HTMX,
    )
    assert response.status_code == 400
    assert "Files of type .exe are not accepted." in response.content.decode()
    assert uat_counts() == before
    assert not any(tmp_path.rglob("*.exe"))


def test_customer_member_cannot_record_as_someone_else(client, world):
    script(world)
    client.force_login(world.customer_member)
    before = uat_counts()
    response = client.post(run_url("S-1"), {"status": "passed", "tester": "customer_lead"}, **HTMX)
    assert response.status_code == 400
    assert "A customer member records their own runs only." in response.content.decode()
    assert uat_counts() == before


def test_consultant_records_for_the_assigned_tester(client, world):
    script(world)
    client.force_login(world.consultant)
    content = page(client, MINE, everyone="1")
    form = card(content, "S-1")
    assert 'name="tester"' in form and '<option value="customer_member" selected>' in form
    response = client.post(run_url("S-1"), {"status": "passed", "tester": "customer_member"})
    assert response.status_code == 302
    saved = Run.objects.get()
    assert (saved.tester, saved.recorded_by) == (world.customer_member, world.consultant)


def test_retired_scenario_is_refused_in_the_card(client, world):
    script(world)
    services.scenario_retire(actor=world.lead, scenario=Scenario.objects.get(ref="S-3"))
    client.force_login(world.customer_member)
    assert "scenario-S-3" not in page(client, MINE)
    before = uat_counts()
    response = client.post(run_url("S-3"), {"status": "passed"}, **HTMX)
    assert response.status_code == 400
    content = response.content.decode()
    assert "S-3 is retired; it is no longer run." in content
    assert "This scenario is retired: it is no longer tested." in content and 'name="status"' not in content
    assert uat_counts() == before


def test_unknown_scenario_is_404(client, world):
    client.force_login(world.customer_member)
    assert client.post(run_url("NOPE"), {"status": "passed"}).status_code == 404


def test_results_go_to_the_latest_round(client, world):
    script(world)
    run(world, "S-1", "failed", actual_result="Error")
    services.cycle_create(actor=world.lead, project=world.project, name="After fixes")
    client.force_login(world.customer_member)
    content = page(client, MINE)
    assert "Round 2: After fixes" in content
    assert "Not tested yet" in card(content, "S-1")  # a new round starts every scenario again
    client.post(run_url("S-1"), {"status": "passed"})
    assert Run.objects.order_by("-pk").first().cycle.number == 2


def test_raise_the_defect_later_and_add_a_file_to_the_last_result(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    script(world)
    failed = run(world, "S-3", "blocked", actual_result="No access")
    client.force_login(world.customer_member)
    content = card(page(client, MINE), "S-3")
    assert reverse("web:uat-run-defect", args=["ACME", failed.pk]) in content
    url = reverse("web:uat-run-defect", args=["ACME", failed.pk])
    response = client.post(url, {"title": "", "severity": "P3"}, **HTMX)
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.defect.title == "S-3: Print the invoice" and failed.defect.severity == "P3"
    assert f"Problem {failed.defect.ref} was reported to the project team." in response.content.decode()
    # A second defect is refused (409), shown in the card.
    response = client.post(url, {"severity": "P2"}, **HTMX)
    assert response.status_code == 409 and "This run already has a defect." in response.content.decode()
    evidence_url = reverse("web:uat-run-evidence", args=["ACME", failed.pk])
    response = client.post(evidence_url, {"file": SimpleUploadedFile("log.txt", b"denied")}, **HTMX)
    assert response.status_code == 200 and "log.txt attached." in response.content.decode()
    assert failed.evidence.count() == 1
    response = client.post(evidence_url, {})
    assert response.status_code == 400  # no file: the page with the error


def test_a_passed_run_raises_no_defect(client, world):
    script(world)
    passed = run(world, "S-1", "passed")
    client.force_login(world.customer_member)
    assert "Report this problem" not in card(page(client, MINE), "S-1")
    response = client.post(reverse("web:uat-run-defect", args=["ACME", passed.pk]), {"severity": "P2"}, **HTMX)
    assert response.status_code == 409 and "A passed run raises no defect." in response.content.decode()
    assert not Issue.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# The board


def test_board_shows_figures_testers_failing_scenarios_and_defects(client, world):
    script(world)
    run(world, "S-1", "failed", actual_result="Error 500")
    issue = services.run_defect_create(
        actor=world.customer_member, run=Run.objects.get(scenario__ref="S-1"), severity="P1"
    )
    run(world, "S-3", "passed")
    run(world, "S-2", "blocked", actor=world.customer_lead, actual_result="No data")
    run(world, "S-4", "passed", actor=world.consultant, tester="customer_member")
    client.force_login(world.consultant)
    content = page(client, BOARD)
    assert 'aria-current="page">Board' in content
    assert re.search(r'id="uat-pass-rate">50.0%<', content)  # 2 of 4
    assert re.search(r'id="uat-cycle">1<', content) and re.search(r'id="uat-active">4<', content)
    for state, count in {"passed": 2, "failed": 1, "blocked": 1, "not_run": 0}.items():
        assert re.search(rf'id="count-{state}">{count}<', content), state
    critical = re.search(r'<tr id="priority-critical">.*?</tr>', content, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', critical) == ["1", "0", "1", "0", "0"]
    member = re.search(r'<tr class="tester-row" id="tester-customer_member">.*?</tr>', content, re.S).group(0)
    # Assigned 2 (S-1, S-3), run 3 (S-4 too), passed 2, failed 1, blocked 0, waiting 0.
    assert re.findall(r'<td class="num">(\d+)</td>', member) == ["2", "3", "2", "1", "0", "0"]
    failing = content[content.index('id="uat-failing"') :]
    assert 'id="failing-S-1"' in failing and 'id="failing-S-2"' in failing and 'id="failing-S-3"' not in failing
    assert reverse("web:issue", args=["ACME", issue.number]) in failing and "Error 500" in failing
    assert re.search(r'id="defects-P1">1<', content) and re.search(r'id="uat-open-defects">1<', content)
    assert reverse("web:uat-chart", args=["ACME"]) in content and "chart-4.6.1.umd.min.js" in content
    assert 'id="cycle-form"' in content  # planners start rounds
    client.force_login(world.customer_member)
    content = page(client, BOARD)
    assert 'id="cycle-form"' not in content and 'id="uat-failing"' in content


def test_board_chart_data_is_the_burn_up_of_the_latest_round(client, world):
    script(world)
    run(world, "S-1", "passed")
    run(world, "S-3", "failed", actual_result="x")
    client.force_login(world.customer_member)
    data = client.get(reverse("web:uat-chart", args=["ACME"])).json()
    assert data["cycle"] == 1 and data["active"] == 4
    assert len(data["labels"]) == len(data["passed"]) == len(data["executed"]) >= 1
    assert (data["passed"][-1], data["executed"][-1]) == (1, 2)


def test_board_of_a_project_without_scenarios(client, world):
    client.force_login(world.lead)
    content = page(client, BOARD)
    assert 'id="uat-no-scenarios"' in content and re.search(r'id="uat-pass-rate">—<', content)
    assert client.get(reverse("web:uat-chart", args=["ACME"])).json() == {
        "cycle": None,
        "active": 0,
        "labels": [],
        "passed": [],
        "executed": [],
    }


def test_planner_starts_a_new_round(client, world):
    script(world)
    client.force_login(world.customer_lead)
    response = client.post(reverse("web:uat-cycle-create", args=["ACME"]), {"name": "Round after fixes"})
    assert response.status_code == 302 and response["Location"] == BOARD
    assert list(Cycle.objects.values_list("number", "name")) == [(1, ""), (2, "Round after fixes")]
    assert "Round 2 started." in page(client, BOARD)
    response = client.post(reverse("web:uat-cycle-create", args=["ACME"]), {"name": "x" * 101})
    assert response.status_code == 400 and Cycle.objects.count() == 2


# ---------------------------------------------------------------------------------------------------------------
# The scenario list


def test_scenario_list_filters_and_pages(client, world):
    script(world)
    run(world, "S-1", "failed", actual_result="x")
    for n in range(60):
        scenario(world, f"B-{n:02d}", module="Bulk")
    client.force_login(world.customer_member)
    content = page(client, SCENARIOS)
    assert "64 scenarios" in content and content.count('class="scenario-row') == 50
    assert "Page 1 of 2" in content and 'id="assign-form"' not in content  # members only read
    content = page(client, SCENARIOS, page="2")
    assert content.count('class="scenario-row') == 14
    assert re.findall(r'id="row-(S-\d)"', page(client, SCENARIOS, priority="critical")) == ["S-1"]
    assert re.findall(r'id="row-(S-\d)"', page(client, SCENARIOS, status="failed")) == ["S-1"]
    assert re.findall(r'id="row-(S-\d)"', page(client, SCENARIOS, assigned_to="customer_lead")) == ["S-2"]
    assert page(client, SCENARIOS, module="Bulk").count('class="scenario-row') == 50
    assert re.findall(r'id="row-(S-\d)"', page(client, SCENARIOS, module="Billing")) == ["S-4"]
    assert re.findall(r'id="row-(S-\d)"', page(client, SCENARIOS, q="invoice")) == ["S-3"]
    # An unknown filter value is dropped, not an error.
    assert "64 scenarios" in page(client, SCENARIOS, priority="urgent")


def test_bulk_assignment_of_ticked_scenarios(client, world):
    scenario(world, "S-1")
    scenario(world, "S-2")
    scenario(world, "S-3")
    client.force_login(world.consultant)
    content = page(client, SCENARIOS)
    assert 'id="assign-form"' in content and "Assigning opens round 1." in content
    response = client.post(
        reverse("web:uat-assign", args=["ACME"]),
        {"scenarios": ["S-1", "S-2"], "tester": "customer_member", "return_query": "module=&page=1"},
    )
    assert response.status_code == 302 and response["Location"] == f"{SCENARIOS}?module=&page=1"
    assert sorted(Assignment.objects.values_list("scenario__ref", "tester__username", "cycle__number")) == [
        ("S-1", "customer_member", 1),
        ("S-2", "customer_member", 1),
    ]
    assert "2 scenario(s) assigned to customer_member in round 1." in page(client, SCENARIOS)
    # A scenario moves to the new tester; a retired one is refused, naming it, and nothing changes.
    services.scenario_retire(actor=world.lead, scenario=Scenario.objects.get(ref="S-3"))
    response = client.post(
        reverse("web:uat-assign", args=["ACME"]), {"scenarios": ["S-2", "S-3"], "tester": "customer_lead"}
    )
    assert response.status_code == 400 and "Item 2: S-3 is retired." in response.content.decode()
    assert Assignment.objects.get(scenario__ref="S-2").tester == world.customer_member
    response = client.post(reverse("web:uat-assign", args=["ACME"]), {"scenarios": ["S-2"], "tester": "customer_lead"})
    assert response.status_code == 302
    assert Assignment.objects.get(scenario__ref="S-2").tester == world.customer_lead
    response = client.post(reverse("web:uat-assign", args=["ACME"]), {"tester": "customer_lead"})
    assert response.status_code == 400 and "Tick at least one scenario." in response.content.decode()
    # Only the planner's own list comes back, never another address.
    response = client.post(
        reverse("web:uat-assign", args=["ACME"]),
        {"scenarios": ["S-1"], "tester": "customer_lead", "return_query": "https://evil.example/"},
    )
    assert response["Location"].startswith(SCENARIOS + "?")


def test_create_edit_and_retire_a_scenario(client, world):
    client.force_login(world.customer_lead)
    response = client.post(
        SCENARIOS,
        {"ref": "UAT-9", "title": "수주 등록", "module": "O2C", "priority": "high", "steps": "1. Open", "order": ""},
    )
    assert response.status_code == 302
    created = Scenario.objects.get(ref="UAT-9")
    assert (created.title, created.priority, created.created_by) == ("수주 등록", "high", world.customer_lead)
    response = client.post(SCENARIOS, {"ref": "UAT-9", "title": "Again", "priority": "low"})
    assert response.status_code == 400
    assert "The project already has a scenario UAT-9." in response.content.decode()
    url = reverse("web:uat-scenario", args=["ACME", "UAT-9"])
    content = page(client, url)
    assert 'id="scenario-edit-form"' in content and "Not run yet." in content
    response = client.post(
        url, {"title": "수주 등록 (edited)", "priority": "critical", "order": "3", "requirements": "REQ-404"}
    )
    assert response.status_code == 400 and "Unknown requirement(s): REQ-404." in response.content.decode()
    response = client.post(url, {"title": "수주 등록 (edited)", "priority": "critical", "order": "3"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.title, created.priority, created.order) == ("수주 등록 (edited)", "critical", 3)
    response = client.post(reverse("web:uat-scenario-retire", args=["ACME", "UAT-9"]))
    assert response.status_code == 302
    content = page(client, url)
    assert 'id="scenario-retired"' in content and "its results stay on record" in content
    response = client.post(reverse("web:uat-scenario-retire", args=["ACME", "UAT-9"]))
    assert response.status_code == 409 and "UAT-9 is already retired." in response.content.decode()


def test_scenario_page_lists_runs_with_evidence_and_defects(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    script(world)
    failed = run(world, "S-1", "failed", actual_result="Error 500")
    issue = services.run_defect_create(actor=world.customer_member, run=failed, severity="P2")
    services.evidence_add(actor=world.customer_member, run=failed, upload=SimpleUploadedFile("a.png", PNG))
    run(world, "S-1", "passed")
    client.force_login(world.support)
    content = page(client, reverse("web:uat-scenario", args=["ACME", "S-1"]))
    assert content.count('class="run-row"') == 2 and "Error 500" in content
    assert reverse("web:issue", args=["ACME", issue.number]) in content and "a.png" in content
    assert 'id="scenario-edit-form"' not in content  # support reads only


def test_import_refused_lists_every_bad_row_and_creates_nothing(client, world):
    scenario(world, "UAT-1")
    client.force_login(world.lead)
    rows = [HEADER, ["UAT-1", "Taken", "", "", "", "high"], ["UAT-2", "", "", "", "", "urgent"]]
    before = uat_counts()
    response = client.post(reverse("web:uat-import", args=["ACME"]), {"file": csv_upload(csv_text(rows), bom=True)})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="import-errors"' in content and "nothing was imported" in content
    table = re.search(r'<table id="import-errors-table">.*?</table>', content, re.S).group(0)
    cells = re.findall(r'<tr class="import-error"><td class="num">(.*?)</td><td>(.*?)</td>', table)
    assert ("2", "ref") in cells and ("3", "title") in cells and ("3", "priority") in cells
    assert uat_counts() == before
    response = client.post(reverse("web:uat-import", args=["ACME"]), {})
    assert response.status_code == 400 and "Choose a CSV or XLSX file." in response.content.decode()


def test_import_xlsx_creates_the_scenarios(client, world):
    client.force_login(world.consultant)
    rows = [HEADER, ["UAT-001", "수주 등록", "O2C", "1. Open\n2. New", "Saved", "critical"], ["UAT-002", "Cancel"]]
    response = client.post(reverse("web:uat-import", args=["ACME"]), {"file": xlsx_upload(rows)})
    assert response.status_code == 302
    assert list(Scenario.objects.order_by("order").values_list("ref", "priority")) == [
        ("UAT-001", "critical"),
        ("UAT-002", "medium"),
    ]
    assert "2 scenario(s) imported." in page(client, SCENARIOS)


def test_template_and_export_downloads(client, world):
    script(world)
    run(world, "S-1", "failed", actual_result="x")
    client.force_login(world.customer_member)
    content = page(client, BOARD)
    assert reverse("web:uat-export", args=["ACME"]) + "?format=xlsx" in content
    response = client.get(reverse("web:uat-template", args=["ACME"]), {"format": "csv"})
    assert response.status_code == 200 and response.content.decode("utf-8-sig").startswith("ref,title,module")
    response = client.get(reverse("web:uat-template", args=["ACME"]), {"format": "xlsx"})
    assert response.content[:2] == b"PK" and "uat-scenarios-template.xlsx" in response["Content-Disposition"]
    response = client.get(reverse("web:uat-export", args=["ACME"]))
    text = response.content.decode("utf-8-sig")
    assert "ACME-uat-scenarios.csv" in response["Content-Disposition"]
    assert text.splitlines()[0].endswith("status,cycle 1,defects") and "S-1,Create a sales order" in text
    response = client.get(reverse("web:uat-export", args=["ACME"]), {"format": "xlsx"})
    assert response.content[:2] == b"PK"


# ---------------------------------------------------------------------------------------------------------------
# Sign-off


@pytest.fixture
def in_uat(world, advance_to):
    advance_to(world.project, "uat", actor=world.lead)
    world.project.refresh_from_db()
    return world


def test_signoff_page_shows_the_live_gate_and_the_evidence(client, in_uat):
    world = in_uat
    script(world)
    failed = run(world, "S-1", "failed", actual_result="Error")
    issue = services.run_defect_create(actor=world.customer_member, run=failed, severity="P2")
    run(world, "S-3", "passed")
    client.force_login(world.customer_member)
    content = page(client, SIGNOFF)
    assert 'aria-current="page">Sign-off' in content and 'id="uat-gate-status">Blocked<' in content
    critical = re.search(r'<li class="criterion" id="criterion-uat_critical_scenarios_passed">.*?</li>', content, re.S)
    assert "badge-failed" in critical.group(0) and "S-1 (failed)" in critical.group(0)
    signoff = re.search(r'<li class="criterion" id="criterion-signoff_approved">.*?</li>', content, re.S).group(0)
    assert "badge-failed" in signoff and "No sign-off by the customer_lead yet." in signoff
    assert re.search(r'id="signoff-pass-rate">25.0%<', content)
    assert re.search(r'id="signoff-defects-P2">1<', content) and issue.ref not in content  # counts only
    assert re.search(r'<tr class="critical-row" id="critical-S-1">.*?badge-failed', content, re.S)
    assert 'id="signoff-form"' not in content  # members read, the customer lead signs
    assert "No UAT sign-off yet." in content


def test_customer_lead_approves_and_the_snapshot_stays_after_later_runs(client, in_uat):
    world = in_uat
    script(world)
    failed = run(world, "S-1", "failed", actual_result="Error")
    services.run_defect_create(actor=world.customer_member, run=failed, severity="P3")
    run(world, "S-3", "passed")
    client.force_login(world.customer_lead)
    content = page(client, SIGNOFF)
    assert 'id="signoff-form"' in content and 'id="signoff-not-counted"' not in content
    response = client.post(SIGNOFF, {"decision": "approve", "comment": "Accepted with ACME-1 open"}, **HTMX)
    assert response.status_code == 200, response.content[:800]
    content = response.content.decode()
    assert "<html" not in content and 'id="uat-signoff-body"' in content
    assert "Sign-off recorded, with the evidence below." in content
    recorded = SignOff.objects.get()
    assert (recorded.role, recorded.decision, recorded.phase.key) == ("customer_lead", "approve", "uat")
    assert recorded.gate_snapshot["evidence"]["uat"]["summary"]["pass_rate"] == 25.0
    approved = re.search(r'<li class="criterion" id="criterion-signoff_approved">.*?</li>', content, re.S).group(0)
    assert "badge-passed" in approved and "Approved by customer_lead" in approved
    record = re.search(rf'<li class="uat-record" id="signoff-{recorded.pk}">.*?</li>\s*</ol>', content, re.S).group(0)
    assert "Accepted with ACME-1 open" in record and 'class="signed-pass-rate">25.0%<' in record
    assert 'class="signed-failed">1<' in record and "S-1 Create a sales order" in record
    # Everything moves on afterwards; the signed record does not.
    run(world, "S-1", "passed")
    run(world, "S-4", "passed")
    services.cycle_create(actor=world.lead, project=world.project)
    content = page(client, SIGNOFF)
    record = re.search(rf'<li class="uat-record" id="signoff-{recorded.pk}">.*?</li>\s*</ol>', content, re.S).group(0)
    assert 'class="signed-pass-rate">25.0%<' in record and 'class="signed-failed">1<' in record
    assert re.search(r'id="signoff-pass-rate">0.0%<', content)  # the live figures: a new round, nothing run
    snapshot = client.get(reverse("web:uat-signoff-snapshot", args=["ACME", recorded.pk]))
    assert snapshot.status_code == 200 and "attachment" in snapshot["Content-Disposition"]
    assert json.loads(snapshot.content) == SignOff.objects.get().gate_snapshot


def test_consultant_lead_signs_but_the_gate_waits_for_the_customer_lead(client, in_uat):
    world = in_uat
    script(world)
    client.force_login(world.lead)
    content = page(client, SIGNOFF)
    assert 'id="signoff-not-counted"' in content
    response = client.post(SIGNOFF, {"decision": "approve"})
    assert response.status_code == 302
    content = page(client, SIGNOFF)
    assert "The gate counts the customer lead&#x27;s approval." in content
    signoff = re.search(r'<li class="criterion" id="criterion-signoff_approved">.*?</li>', content, re.S).group(0)
    assert "badge-failed" in signoff
    assert SignOff.objects.get().role == "consultant_lead"


def test_signoff_needs_a_decision_and_the_project_in_uat(client, world, in_uat):
    client.force_login(world.customer_lead)
    response = client.post(SIGNOFF, {"comment": "?"}, **HTMX)
    assert response.status_code == 400 and not SignOff.objects.exists()
    to_phase(world.project, "training", actor=world.lead)
    content = page(client, SIGNOFF)
    assert 'id="not-in-uat"' in content and 'id="signoff-form"' not in content
    response = client.post(SIGNOFF, {"decision": "approve"})
    assert response.status_code == 409
    assert "Sign-offs are recorded for the current phase" in response.content.decode()
    assert not SignOff.objects.exists()


def test_snapshot_of_another_phase_or_project_is_404(client, world):
    kickoff = lifecycle_services.signoff_record(
        actor=world.customer_lead, project=world.project, phase_key="kickoff", decision="approve"
    )
    client.force_login(world.customer_lead)
    assert client.get(reverse("web:uat-signoff-snapshot", args=["ACME", kickoff.pk])).status_code == 404
    assert client.get(reverse("web:uat-signoff-snapshot", args=["ACME", 9999])).status_code == 404
