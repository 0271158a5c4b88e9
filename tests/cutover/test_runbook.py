"""The runbook: dependency validation, the step state machine, rollback and point of no return, the board
(critical path, ETA, T-minus starts), templates and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.cutover.models import STEP_TRANSITIONS, RunbookStep, RunbookTemplate, StepStatus
from golive.lifecycle import services as lifecycle_services
from tests.cutover.builders import run, runbook, step

STEPS = "/api/v1/projects/ACME/runbook/steps/"
BOARD = "/api/v1/projects/ACME/runbook/"


def _steps_snapshot():
    return list(RunbookStep.objects.order_by("id").values_list("ref", "status", "depends_on", "title"))


# -- Creating and changing steps ------------------------------------------------------------------------------


def test_create_steps_with_dependencies(world, api):
    client = api(world.lead)
    assert client.post(STEPS, {"ref": "A", "title": "Backup", "planned_minutes": 60}, format="json").status_code == 201
    response = client.post(
        STEPS,
        {"ref": "B", "title": "Load", "owner": "consultant", "depends_on": ["A"], "start_offset_minutes": -120},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["depends_on"] == ["A"] and body["owner"] == "consultant" and body["status"] == "pending"
    assert body["position"] == 2
    assert AuditEvent.objects.filter(action="runbook.step_created").count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ref": "B", "title": "Load", "depends_on": ["NOPE"]}, "depends_on"),
        ({"ref": "B", "title": "Load", "depends_on": ["B"]}, "depends_on"),
        ({"ref": "A", "title": "Duplicate ref"}, "ref"),
        ({"ref": "bad ref!", "title": "Spaces"}, "ref"),
        ({"ref": "B", "title": ""}, "title"),
        ({"ref": "B", "title": "Load", "planned_minutes": 0}, "planned_minutes"),
        ({"ref": "B", "title": "Load", "owner": "other_lead"}, "owner"),
        ({"ref": "B", "title": "Load", "owner": "nobody"}, "owner"),
        (
            {"ref": "B", "title": "Load", "start_offset_minutes": -60, "planned_start": "2026-12-01T08:00:00Z"},
            "planned_start",
        ),
        ({"ref": "B", "title": "Load", "status": "done"}, "status"),
    ],
)
def test_bad_step_is_400_naming_the_field_and_writes_nothing(world, api, nothing_written, payload, field):
    runbook(world, [("A", [])])
    before = _steps_snapshot()
    with nothing_written():
        response = api(world.lead).post(STEPS, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert _steps_snapshot() == before


def test_a_cycle_through_patch_is_400_naming_the_cycle(world, api, nothing_written):
    runbook(world, [("A", []), ("B", ["A"]), ("C", ["B"])])
    before = _steps_snapshot()
    with nothing_written():
        response = api(world.lead).patch(STEPS + "A/", {"depends_on": ["C"]}, format="json")
    assert response.status_code == 400
    message = response.json()["errors"]["depends_on"][0]
    assert "A -> B -> C -> A" in message
    assert _steps_snapshot() == before


def test_plan_of_a_started_step_cannot_change_but_its_title_can(world, api):
    runbook(world, [("A", [])])
    run(world, "A", "start")
    client = api(world.lead)
    assert client.patch(STEPS + "A/", {"planned_minutes": 90}, format="json").status_code == 409
    response = client.patch(STEPS + "A/", {"title": "Backup (slow disks)"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Backup (slow disks)"


def test_delete_only_pending_steps_nothing_depends_on(world, api):
    runbook(world, [("A", []), ("B", ["A"]), ("C", [])])
    client = api(world.lead)
    response = client.delete(STEPS + "A/")
    assert response.status_code == 409 and "B" in response.json()["detail"]
    run(world, "C", "start")
    assert client.delete(STEPS + "C/").status_code == 409
    assert client.delete(STEPS + "B/").status_code == 204
    assert client.delete(STEPS + "A/").status_code == 204
    assert list(RunbookStep.objects.values_list("ref", flat=True)) == ["C"]


def test_point_of_no_return_moves_to_the_newly_marked_step(world, api):
    client = api(world.lead)
    client.post(STEPS, {"ref": "A", "title": "Switch SSO", "point_of_no_return": True}, format="json")
    client.post(STEPS, {"ref": "B", "title": "Switch DNS", "point_of_no_return": True}, format="json")
    assert list(RunbookStep.objects.filter(point_of_no_return=True).values_list("ref", flat=True)) == ["B"]
    assert client.get(BOARD).json()["point_of_no_return"] == "B"


# -- The step state machine -----------------------------------------------------------------------------------

STATE_SETUP = {
    StepStatus.PENDING: (),
    StepStatus.IN_PROGRESS: ("start",),
    StepStatus.DONE: ("start", "complete"),
    StepStatus.FAILED: ("start", "fail"),
    StepStatus.SKIPPED: ("skip",),
}
EXPECTED = {
    # (from, action): the new status, or None for 409
    (StepStatus.PENDING, "start"): StepStatus.IN_PROGRESS,
    (StepStatus.PENDING, "complete"): None,
    (StepStatus.PENDING, "fail"): None,
    (StepStatus.PENDING, "skip"): StepStatus.SKIPPED,
    (StepStatus.IN_PROGRESS, "start"): None,
    (StepStatus.IN_PROGRESS, "complete"): StepStatus.DONE,
    (StepStatus.IN_PROGRESS, "fail"): StepStatus.FAILED,
    (StepStatus.IN_PROGRESS, "skip"): None,
    (StepStatus.DONE, "start"): None,
    (StepStatus.DONE, "complete"): None,
    (StepStatus.DONE, "fail"): None,
    (StepStatus.DONE, "skip"): None,
    (StepStatus.FAILED, "start"): StepStatus.IN_PROGRESS,
    (StepStatus.FAILED, "complete"): None,
    (StepStatus.FAILED, "fail"): None,
    (StepStatus.FAILED, "skip"): StepStatus.SKIPPED,
    (StepStatus.SKIPPED, "start"): None,
    (StepStatus.SKIPPED, "complete"): None,
    (StepStatus.SKIPPED, "fail"): None,
    (StepStatus.SKIPPED, "skip"): None,
}


def test_expected_table_matches_the_declared_transitions():
    for (source, action), target in EXPECTED.items():
        sources, declared = STEP_TRANSITIONS[action]
        assert (declared if source in sources else None) == target


@pytest.mark.parametrize(("source", "action"), list(EXPECTED))
def test_step_state_table(world, api, source, action):
    runbook(world, [("A", [])])
    run(world, "A", *STATE_SETUP[source])
    before = step(world, "A")
    response = api(world.consultant).post(f"{STEPS}A/{action}/", {"reason": "Not needed", "note": "x"}, format="json")
    target = EXPECTED[(source, action)]
    after = step(world, "A")
    if target is None:
        assert response.status_code == 409, response.content
        assert response.json()["detail"]
        assert (after.status, after.started_at, after.finished_at) == (
            before.status,
            before.started_at,
            before.finished_at,
        )
    else:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == target == after.status
        if action == "start":
            assert after.started_by == world.consultant and after.started_at and after.finished_at is None
        else:
            assert after.finished_by == world.consultant and after.finished_at


def test_start_waits_for_dependencies_done_or_skipped(world, api):
    runbook(world, [("A", []), ("B", []), ("C", ["A", "B"])])
    client = api(world.lead)
    response = client.post(f"{STEPS}C/start/", format="json")
    assert response.status_code == 409
    assert "A, B" in response.json()["detail"]
    run(world, "A", "start", "complete")
    response = client.post(f"{STEPS}C/start/", format="json")
    assert response.status_code == 409 and "B" in response.json()["detail"] and "A," not in response.json()["detail"]
    run(world, "B", "start", "fail")
    assert client.post(f"{STEPS}C/start/", format="json").status_code == 409
    run(world, "B", "skip")
    assert client.post(f"{STEPS}C/start/", format="json").status_code == 200


def test_skip_needs_a_reason(world, api, nothing_written):
    runbook(world, [("A", [])])
    with nothing_written():
        response = api(world.lead).post(f"{STEPS}A/skip/", {"reason": "  "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert step(world, "A").status == StepStatus.PENDING


def test_unknown_action_is_404(world, api):
    runbook(world, [("A", [])])
    assert api(world.lead).post(f"{STEPS}A/explode/", format="json").status_code == 404


def test_owner_runs_their_own_step_other_members_cannot(world, api):
    runbook(world, [("A", []), ("B", [])])
    from golive.cutover import services

    services.step_update(actor=world.lead, step=step(world, "A"), owner=world.customer_member)
    member = api(world.customer_member)
    assert member.post(f"{STEPS}A/start/", format="json").status_code == 200
    assert member.post(f"{STEPS}A/complete/", {"note": "Reconciled 1,204 accounts"}, format="json").status_code == 200
    assert member.post(f"{STEPS}B/start/", format="json").status_code == 403
    assert step(world, "A").note == "Reconciled 1,204 accounts"
    assert step(world, "B").status == StepStatus.PENDING


def test_rollback_opens_after_a_failure_and_closes_past_the_point_of_no_return(world, api):
    runbook(world, [("A", []), ("B", ["A"]), ("RB", [])], rollback=("RB",))
    client = api(world.lead)
    response = client.post(f"{STEPS}RB/start/", format="json")
    assert response.status_code == 409 and "failed" in response.json()["detail"]
    assert client.get(BOARD).json()["rollback_available"] is False
    run(world, "A", "start", "fail")
    assert client.get(BOARD).json()["rollback_available"] is True
    assert client.post(f"{STEPS}RB/start/", format="json").status_code == 200


def test_no_rollback_once_the_point_of_no_return_is_done(world, api):
    runbook(world, [("A", []), ("B", ["A"]), ("RB", [])], rollback=("RB",))
    from golive.cutover import services

    services.step_update(actor=world.lead, step=step(world, "A"), point_of_no_return=True)
    run(world, "A", "start", "complete")
    run(world, "B", "start", "fail")
    board = api(world.lead).get(BOARD).json()
    assert board["point_of_no_return_passed"] is True and board["rollback_available"] is False
    response = api(world.lead).post(f"{STEPS}RB/start/", format="json")
    assert response.status_code == 409 and "point of no return" in response.json()["detail"]


# -- The board ------------------------------------------------------------------------------------------------


def test_board_orders_steps_and_computes_critical_path_and_eta(world, api):
    # LOAD is written first but waits for the others: the board shows dependency order, not writing order.
    runbook(world, [("LOAD", []), ("FREEZE", []), ("EXTRACT", ["FREEZE"]), ("CONFIG", ["FREEZE"])])
    from golive.cutover import services

    services.step_update(actor=world.lead, step=step(world, "LOAD"), depends_on=["EXTRACT", "CONFIG"])
    services.step_update(actor=world.lead, step=step(world, "EXTRACT"), planned_minutes=120)
    board = api(world.customer_member).get(BOARD).json()
    assert [row["step"]["ref"] for row in board["steps"]] == ["FREEZE", "EXTRACT", "CONFIG", "LOAD"]
    assert board["critical_path"] == ["FREEZE", "EXTRACT", "LOAD"]
    assert board["remaining_minutes"] == 30 + 120 + 30
    eta = dt.datetime.fromisoformat(board["eta"])
    assert abs((eta - timezone.now()).total_seconds() - 180 * 60) < 60
    assert [row["can_start"] for row in board["steps"]] == [True, False, False, False]
    assert board["steps"][3]["waiting_for"] == ["EXTRACT", "CONFIG"]
    run(world, "FREEZE", "start", "complete")
    run(world, "EXTRACT", "start")
    board = api(world.lead).get(BOARD).json()
    assert board["running"] == ["EXTRACT"]
    assert board["critical_path"] == ["EXTRACT", "LOAD"]
    assert board["counts"]["done"] == 1 and board["percent_done"] == 25


def test_overrunning_step_is_flagged_and_keeps_a_minute_of_eta(world, api):
    runbook(world, [("A", [])], minutes=10)
    run(world, "A", "start")
    RunbookStep.objects.filter(ref="A").update(started_at=timezone.now() - dt.timedelta(minutes=45))
    board = api(world.lead).get(BOARD).json()
    assert board["steps"][0]["overrun"] is True
    assert board["remaining_minutes"] == 1


def test_t_minus_offsets_count_from_t0(world, api):
    lifecycle_services.project_update(actor=world.lead, project=world.project, planned_go_live=dt.date(2027, 3, 8))
    world.project.refresh_from_db()
    client = api(world.lead)
    client.post(STEPS, {"ref": "A", "title": "Freeze", "start_offset_minutes": -24 * 60}, format="json")
    client.post(STEPS, {"ref": "B", "title": "At a fixed time", "planned_start": "2027-03-06T10:00:00Z"}, format="json")
    board = client.get(BOARD).json()
    t0 = dt.datetime.fromisoformat(board["target_at"])
    # T-0 defaults to 09:00 on the planned go-live date in the project's time zone.
    assert t0.astimezone(ZoneInfo(world.project.timezone)).replace(tzinfo=None) == dt.datetime(2027, 3, 8, 9)
    rows = {row["step"]["ref"]: row for row in board["steps"]}
    assert dt.datetime.fromisoformat(rows["A"]["planned_start"]) == t0 - dt.timedelta(days=1)
    assert dt.datetime.fromisoformat(rows["B"]["planned_start"]) == dt.datetime(2027, 3, 6, 10, tzinfo=dt.UTC)
    response = client.patch(BOARD, {"target_at": "2027-03-07T22:00:00Z"}, format="json")
    assert response.status_code == 200
    rows = {row["step"]["ref"]: row for row in response.json()["steps"]}
    assert dt.datetime.fromisoformat(rows["A"]["planned_start"]) == dt.datetime(2027, 3, 6, 22, tzinfo=dt.UTC)


def test_board_of_a_project_without_runbook_is_empty(world, api):
    board = api(world.lead).get(BOARD).json()
    assert board["steps"] == [] and board["eta"] is None and board["remaining_minutes"] == 0


@pytest.mark.parametrize("size", [3, 30])
def test_board_and_step_list_queries_do_not_grow_with_steps(world, api, django_assert_max_num_queries, size):
    runbook(world, [(f"S{i}", [f"S{i - 1}"] if i else []) for i in range(size)])
    for i in range(size // 3):
        run(world, f"S{i}", "start", "complete")
    client = api(world.lead)
    client.get(BOARD)  # warm the caller's role cache like any later request of a session
    with django_assert_max_num_queries(3):
        assert client.get(BOARD).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(STEPS).status_code == 200


# -- Templates and export -------------------------------------------------------------------------------------


def test_clone_the_builtin_template_then_a_clash_is_400(world, api, nothing_written):
    template = RunbookTemplate.objects.get(name="SaaS standard cutover")
    client = api(world.lead)
    response = client.post(BOARD + "clone/", {"template": template.pk}, format="json")
    assert response.status_code == 201, response.content
    board = response.json()
    assert len(board["steps"]) == len(template.steps)
    assert board["point_of_no_return"] == "SWITCH"
    assert {row["step"]["ref"] for row in board["steps"] if row["step"]["rollback"]} == {"RB-ACCESS", "RB-INTEG"}
    before = _steps_snapshot()
    with nothing_written():
        response = client.post(BOARD + "clone/", {"template": template.pk}, format="json")
    assert response.status_code == 400 and "FREEZE" in response.json()["errors"]["template"][0]
    assert _steps_snapshot() == before


def test_save_as_template_keeps_the_plan_not_the_execution(world, api):
    runbook(world, [("A", []), ("B", ["A"])])
    run(world, "A", "start", "complete")
    response = api(world.consultant).post(BOARD + "templates/", {"name": "Retail cutover"}, format="json")
    assert response.status_code == 201
    saved = RunbookTemplate.objects.get(name="Retail cutover")
    assert [row["ref"] for row in saved.steps] == ["A", "B"]
    assert "status" not in saved.steps[0] and saved.steps[1]["depends_on"] == ["A"]
    assert (
        api(world.consultant).post(BOARD + "templates/", {"name": "Retail cutover"}, format="json").status_code == 400
    )
    listed = api(world.support).get(BOARD + "templates/").json()["results"]
    assert {row["name"] for row in listed} >= {"Retail cutover", "SaaS standard cutover"}


def test_csv_export_lists_steps_in_order_with_plan_and_execution(world, api):
    runbook(world, [("B", []), ("A", [])])
    from golive.cutover import services

    services.step_update(actor=world.lead, step=step(world, "B"), title="=HYPERLINK(evil)", depends_on=["A"])
    run(world, "A", "start", "complete")
    response = api(world.customer_lead).get(BOARD + "export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "ACME-runbook.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Ref", "Title", "Owner"]
    assert [row[0] for row in rows[1:]] == ["A", "B"]
    assert rows[1][6] == "done" and rows[1][7] and rows[1][9] == "0"
    assert rows[2][1] == "'=HYPERLINK(evil)"
