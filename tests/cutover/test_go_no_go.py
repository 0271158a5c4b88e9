"""The go/no-go: the live checklist, votes (one per user, replaceable), the consultant lead's decision and
go-live after a go."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from golive.cutover import services
from golive.cutover.models import GoLive, GoNoGoDecision, GoNoGoVote
from golive.lifecycle.models import Project
from golive.tracker import services as tracker_services
from tests.cutover.builders import ready_for_go, run, runbook
from tests.tracker.helpers import to_phase

URL = "/api/v1/projects/ACME/go-no-go/"


def _criteria(body) -> dict[str, bool]:
    return {row["code"]: row["passed"] for row in body["checklist"]["criteria"]}


def test_checklist_outside_deployment_fails_every_default_criterion(world, api):
    body = api(world.customer_member).get(URL).json()
    assert body["in_deployment"] is False
    assert _criteria(body) == {
        "project_in_deployment": False,
        "runbook_complete": False,
        "latest_test_report_passed": False,
        "no_open_p1_p2": True,
    }
    assert body["checklist"]["passed"] is False
    assert all(
        row["blocking"] and row["evidence"].startswith("/projects/ACME/") for row in body["checklist"]["criteria"]
    )
    assert body["decision"] is None and body["votes"] == [] and body["tally"] == {"go": 0, "no_go": 0}


def test_each_criterion_follows_live_data(world, api):
    to_phase(world.project, "deployment", actor=world.lead)
    client = api(world.lead)
    runbook(world, [("A", []), ("B", ["A"]), ("RB", [])], rollback=("RB",))
    assert _criteria(client.get(URL).json())["runbook_complete"] is False
    run(world, "A", "start", "complete")
    run(world, "B", "skip")
    # Rollback steps that never ran do not hold the runbook open.
    criteria = client.get(URL).json()["checklist"]["criteria"]
    row = next(r for r in criteria if r["code"] == "runbook_complete")
    assert row["passed"] is True and "2" in row["detail"]

    services.test_report_manual(
        actor=world.lead, project=world.project, title="Smoke 1", items=[{"name": "Login", "status": "failed"}]
    )
    row = next(r for r in client.get(URL).json()["checklist"]["criteria"] if r["code"] == "latest_test_report_passed")
    assert row["passed"] is False and "Smoke 1" in row["detail"]
    services.test_report_manual(
        actor=world.lead, project=world.project, title="Smoke 2", items=[{"name": "Login", "status": "passed"}]
    )
    assert _criteria(client.get(URL).json())["latest_test_report_passed"] is True

    issue = tracker_services.issue_create(
        actor=world.customer_member, project=world.project, title="Down", severity="P1"
    )
    assert _criteria(client.get(URL).json())["no_open_p1_p2"] is False
    tracker_services.issue_set_status(actor=world.lead, issue=issue, status="resolved")
    body = client.get(URL).json()
    assert body["checklist"]["passed"] is True and body["in_deployment"] is True


def test_template_may_add_criteria(world, api):
    template = world.project.template
    template.definition = {
        **template.definition,
        "go_no_go": [{"code": "training_coverage_met", "label": "Training coverage met", "blocking": False}],
    }
    template.save()
    rows = api(world.lead).get(URL).json()["checklist"]["criteria"]
    assert rows[-1]["code"] == "training_coverage_met" and rows[-1]["blocking"] is False
    assert len(rows) == 5


def test_votes_are_one_per_user_and_replaceable(world, api):
    to_phase(world.project, "deployment", actor=world.lead)
    assert (
        api(world.customer_lead).post(URL + "votes/", {"vote": "no_go", "comment": "Data"}, format="json").status_code
        == 201
    )
    api(world.consultant).post(URL + "votes/", {"vote": "go"}, format="json")
    response = api(world.customer_lead).post(URL + "votes/", {"vote": "go", "comment": "Reconciled"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["tally"] == {"go": 2, "no_go": 0}
    votes = {v["voter"]: v for v in body["votes"]}
    assert votes["customer_lead"]["vote"] == "go" and votes["customer_lead"]["comment"] == "Reconciled"
    assert votes["customer_lead"]["role"] == "customer_lead"
    assert GoNoGoVote.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"vote": "maybe"}, "vote"), ({}, "vote"), ({"vote": "go", "weight": 2}, "weight")],
)
def test_bad_vote_is_400(world, api, nothing_written, payload, field):
    to_phase(world.project, "deployment", actor=world.lead)
    with nothing_written():
        response = api(world.consultant).post(URL + "votes/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert GoNoGoVote.objects.count() == 0


def test_votes_and_decisions_only_in_deployment(world, api):
    to_phase(world.project, "training", actor=world.lead)
    assert api(world.consultant).post(URL + "votes/", {"vote": "go"}, format="json").status_code == 409
    response = api(world.lead).post(
        URL + "decide/", {"decision": "no_go", "new_target_date": "2099-01-01"}, format="json"
    )
    assert response.status_code == 409 and "deployment" in response.json()["detail"]


def test_go_refused_while_a_blocking_criterion_fails(world, api, nothing_written):
    to_phase(world.project, "deployment", actor=world.lead)
    runbook(world, [("A", [])])
    with nothing_written():
        response = api(world.lead).post(URL + "decide/", {"decision": "go"}, format="json")
    assert response.status_code == 409
    body = response.json()
    failing = {c["code"] for c in body["criteria"] if not c["passed"]}
    assert failing == {"runbook_complete", "latest_test_report_passed"}
    assert GoNoGoDecision.objects.count() == 0


def test_go_records_votes_checklist_who_and_when_then_golive_needs_no_override(world, api):
    ready_for_go(world)
    api(world.customer_lead).post(URL + "votes/", {"vote": "go", "comment": "Ready"}, format="json")
    api(world.consultant).post(URL + "votes/", {"vote": "go"}, format="json")
    response = api(world.lead).post(URL + "decide/", {"decision": "go", "comment": "All green"}, format="json")
    assert response.status_code == 201, response.content
    decision = response.json()["decision"]
    assert decision["decision"] == "go" and decision["decided_by"] == "lead"
    assert {v["voter"] for v in decision["votes"]} == {"customer_lead", "consultant"}
    assert decision["checklist"]["passed"] is True
    assert abs(dt.datetime.fromisoformat(decision["decided_at"]) - timezone.now()) < dt.timedelta(minutes=1)
    # The decision closed the round: new votes start afresh.
    assert response.json()["votes"] == []

    # The snapshot stays as it was even when the evidence changes afterwards.
    tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Down", severity="P1")
    body = api(world.lead).get(URL).json()
    assert body["checklist"]["passed"] is False and body["decision"]["checklist"]["passed"] is True

    response = api(world.lead).post("/api/v1/projects/ACME/golive/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    golive = GoLive.objects.get(project=world.project)
    assert golive.override_reason == "" and golive.decision.decision == "go"
    assert Project.objects.get(key="ACME").current_phase.key == "hypercare"


def test_consultant_records_golive_after_go(world, api):
    ready_for_go(world)
    services.go_no_go_decide(actor=world.lead, project=world.project, decision="go")
    assert api(world.consultant).post("/api/v1/projects/ACME/golive/", {}, format="json").status_code == 200


def test_no_go_sets_a_new_target_and_blocks_golive(world, api):
    ready_for_go(world)
    new_date = timezone.localdate() + dt.timedelta(days=14)
    response = api(world.lead).post(
        URL + "decide/",
        {"decision": "no_go", "comment": "Payroll interface not ready", "new_target_date": new_date.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["decision"]["new_target_date"] == new_date.isoformat()
    assert Project.objects.get(key="ACME").planned_go_live == new_date
    response = api(world.consultant).post("/api/v1/projects/ACME/golive/", {}, format="json")
    assert response.status_code == 409
    assert "no go" in response.json()["criteria"][0]["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"decision": "no_go"}, "new_target_date"),
        ({"decision": "no_go", "new_target_date": "2000-01-01"}, "new_target_date"),
        ({"decision": "go", "new_target_date": "2099-01-01"}, "new_target_date"),
        ({"decision": "perhaps"}, "decision"),
        ({"decision": "no_go", "new_target_date": "2099-01-01", "meeting": 999999}, "meeting"),
    ],
)
def test_bad_decision_is_400(world, api, nothing_written, payload, field):
    ready_for_go(world)
    with nothing_written():
        response = api(world.lead).post(URL + "decide/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert GoNoGoDecision.objects.count() == 0


def test_decision_may_name_the_go_no_go_meeting(world, api):
    from golive.engagement import services as engagement_services

    ready_for_go(world)
    meeting = engagement_services.meeting_create(
        actor=world.lead, project=world.project, kind="go_no_go", title="Go/no-go", starts_at=timezone.now()
    )
    response = api(world.lead).post(URL + "decide/", {"decision": "go", "meeting": meeting.pk}, format="json")
    assert response.status_code == 201 and response.json()["decision"]["meeting"] == meeting.pk


def test_only_the_consultant_lead_decides(world, api):
    ready_for_go(world)
    for user in (world.consultant, world.customer_lead):
        assert api(user).post(URL + "decide/", {"decision": "go"}, format="json").status_code == 403
    assert GoNoGoDecision.objects.count() == 0


@pytest.mark.parametrize("votes", [1, 6])
def test_go_no_go_queries_do_not_grow_with_votes(world, api, django_assert_max_num_queries, votes):
    ready_for_go(world)
    voters = [world.lead, world.consultant, world.support, world.customer_lead, world.customer_member, world.lead]
    for voter in voters[:votes]:
        services.vote_cast(actor=voter, project=world.project, vote="go")
    services.go_no_go_decide(actor=world.lead, project=world.project, decision="go")
    for voter in voters[:votes]:
        services.vote_cast(actor=voter, project=world.project, vote="go")
    client = api(world.lead)
    client.get(URL)
    with django_assert_max_num_queries(9):
        assert client.get(URL).status_code == 200
