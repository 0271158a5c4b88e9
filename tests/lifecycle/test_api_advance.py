"""API of the gate, the phase advance (with its override) and sign-offs."""

from __future__ import annotations

import pytest

from golive.audit.models import AuditEvent
from golive.lifecycle.models import Phase, PhaseStatus, Project, SignOff
from tests.lifecycle.test_api_projects import PHASE_KEYS

CRITERION_FIELDS = {"code", "label", "passed", "detail"}


def _advance(api, user, **payload):
    return api(user).post("/api/v1/projects/ACME/advance/", payload, format="json")


def _gate(api, user):
    response = api(user).get("/api/v1/projects/ACME/gate/")
    assert response.status_code == 200
    return response.json()


def _signoff(api, user, phase, decision, comment=""):
    return api(user).post(
        "/api/v1/projects/ACME/signoffs/", {"phase": phase, "decision": decision, "comment": comment}, format="json"
    )


def _criterion(gate, code):
    return next(c for c in gate["criteria"] if c["code"] == code)


def test_gate_shape(world, api):
    gate = _gate(api, world.customer_member)
    assert set(gate) == {"phase", "passed", "criteria"}
    assert gate["phase"] == "kickoff"
    assert {c["code"] for c in gate["criteria"]} == {"kickoff_meeting_held", "requirements_captured"}
    for criterion in gate["criteria"]:
        assert set(criterion) >= CRITERION_FIELDS
        assert isinstance(criterion["passed"], bool) and criterion["detail"]


def test_advance_on_failing_gate_is_409_with_criteria(world, api, nothing_written):
    gate = _gate(api, world.lead)
    assert gate["passed"] is False
    with nothing_written():
        response = _advance(api, world.consultant, comment="ready?")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    failing = [c for c in body["criteria"] if not c["passed"]]
    assert {c["code"] for c in failing} == {c["code"] for c in gate["criteria"] if not c["passed"]}
    assert all(set(c) >= CRITERION_FIELDS for c in body["criteria"])


def test_override_by_consultant_lead_advances_and_is_audited(world, api):
    response = _advance(api, world.lead, comment="kickoff done", override_reason="Meeting held off-line")
    assert response.status_code == 200
    body = response.json()
    assert body["current_phase"] == "alpha_review"
    statuses = {p["key"]: p for p in body["phases"]}
    assert statuses["kickoff"]["status"] == "done" and statuses["kickoff"]["actual_end"]
    assert statuses["alpha_review"]["status"] == "active" and statuses["alpha_review"]["actual_start"]
    event = AuditEvent.objects.get(project=world.project, action="phase.overridden")
    assert event.actor == world.lead
    assert event.changes["override_reason"] == "Meeting held off-line"
    assert event.changes["from"] == "kickoff" and event.changes["to"] == "alpha_review"
    assert set(event.changes["failing_criteria"]) == {"kickoff_meeting_held", "requirements_captured"}
    assert event.changes["comment"] == "kickoff done"
    # Also visible through the audit API.
    audit = api(world.support).get("/api/v1/projects/ACME/audit/", {"action": "phase.overridden"}).json()
    assert audit["results"][0]["changes"]["override_reason"] == "Meeting held off-line"


@pytest.mark.parametrize("user", ["consultant", "admin"])
def test_override_without_consultant_lead_role_is_403(world, api, nothing_written, user):
    with nothing_written():
        response = _advance(api, getattr(world, user), override_reason="I say so")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_blank_override_reason_is_no_override(world, api, nothing_written):
    with nothing_written():
        response = _advance(api, world.lead, override_reason="   ")
    assert response.status_code == 409


def test_advancing_out_of_debrief_closes_the_project(world, api, advance_to):
    advance_to(world.project, "debrief", actor=world.lead)
    response = _advance(api, world.lead, override_reason="Report sent by mail")
    assert response.status_code == 200
    body = response.json()
    assert body["current_phase"] is None
    assert body["status"] == "closed"
    assert all(p["status"] == "done" for p in body["phases"])
    assert _gate(api, world.lead) == {"phase": None, "passed": True, "criteria": []}
    response = _advance(api, world.lead, override_reason="again")
    assert response.status_code == 409
    assert Project.objects.get(key="ACME").status == Project.Status.CLOSED
    portfolio = api(world.lead).get("/api/v1/portfolio/").json()["results"]
    assert portfolio[0]["health"] == "closed" and portfolio[0]["phase"] is None


def test_advance_walks_every_phase_in_order(world, api):
    seen = ["kickoff"]
    for _ in range(len(PHASE_KEYS)):
        seen.append(_advance(api, world.lead, override_reason="walk").json()["current_phase"])
    assert seen == PHASE_KEYS + [None]


def _uat_project(world, advance_to):
    advance_to(world.project, "uat", actor=world.lead)


def test_signoff_approve_passes_signoff_criterion_in_uat(world, api, advance_to):
    _uat_project(world, advance_to)
    before = _gate(api, world.lead)
    assert before["phase"] == "uat"
    assert _criterion(before, "signoff_approved")["passed"] is False

    response = _signoff(api, world.customer_lead, "uat", "approve", "All good")
    assert response.status_code == 201
    body = response.json()
    assert (body["phase"], body["decision"], body["signed_by"], body["role"], body["comment"]) == (
        "uat",
        "approve",
        "customer_lead",
        "customer_lead",
        "All good",
    )
    assert body["signed_at"]
    # The snapshot is the gate as it stood when signing.
    assert body["gate_snapshot"]["phase"] == "uat"
    assert _criterion(body["gate_snapshot"], "signoff_approved")["passed"] is False
    assert SignOff.objects.get().gate_snapshot == body["gate_snapshot"]

    after = _gate(api, world.lead)
    approved = _criterion(after, "signoff_approved")
    assert approved["passed"] is True and "customer_lead" in approved["detail"]
    event = AuditEvent.objects.get(project=world.project, action="signoff.recorded")
    assert event.changes["decision"] == "approve" and event.actor == world.customer_lead


def test_signoff_reject_fails_the_criterion(world, api, advance_to):
    _uat_project(world, advance_to)
    _signoff(api, world.customer_lead, "uat", "approve")
    assert _signoff(api, world.customer_lead, "uat", "reject", "Scenario 4 broken").status_code == 201
    rejected = _criterion(_gate(api, world.lead), "signoff_approved")
    assert rejected["passed"] is False and "Rejected by customer_lead" in rejected["detail"]


def test_consultant_lead_signoff_does_not_stand_in_for_customer_lead(world, api, advance_to):
    _uat_project(world, advance_to)
    response = _signoff(api, world.lead, "uat", "approve")
    assert response.status_code == 201 and response.json()["role"] == "consultant_lead"
    assert _criterion(_gate(api, world.lead), "signoff_approved")["passed"] is False


def test_signoff_list_and_phase_filter(world, api, advance_to):
    _signoff(api, world.customer_lead, "kickoff", "approve")
    advance_to(world.project, "alpha_review", actor=world.lead)
    _signoff(api, world.customer_lead, "alpha_review", "reject")
    body = api(world.customer_member).get("/api/v1/projects/ACME/signoffs/").json()
    assert body["count"] == 2
    assert [s["phase"] for s in body["results"]] == ["alpha_review", "kickoff"]  # newest first
    only = api(world.customer_member).get("/api/v1/projects/ACME/signoffs/", {"phase": "kickoff"}).json()
    assert [s["decision"] for s in only["results"]] == ["approve"]


@pytest.mark.parametrize("phase", ["uat", "debrief"])
def test_signoff_for_non_current_phase_is_409(world, api, nothing_written, phase):
    with nothing_written():
        response = _signoff(api, world.customer_lead, phase, "approve")
    assert response.status_code == 409
    assert "kickoff" in response.json()["detail"]


def test_signoff_for_past_phase_is_409(world, api, advance_to, nothing_written):
    advance_to(world.project, "alpha_review", actor=world.lead)
    with nothing_written():
        assert _signoff(api, world.customer_lead, "kickoff", "approve").status_code == 409


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phase": "kickoff", "decision": "maybe"}, "decision"),
        ({"phase": "kickoff"}, "decision"),
        ({"phase": "nothing", "decision": "approve"}, "phase"),
        ({"decision": "approve"}, "phase"),
    ],
)
def test_signoff_bad_input(world, api, nothing_written, payload, field):
    with nothing_written():
        response = api(world.customer_lead).post("/api/v1/projects/ACME/signoffs/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(f"{field}:")


def test_statuses_stay_consistent_after_a_walk(world, advance_to):
    advance_to(world.project, "training", actor=world.lead)
    statuses = list(Phase.objects.filter(project=world.project).order_by("order").values_list("status", flat=True))
    assert statuses == [PhaseStatus.DONE] * 4 + [PhaseStatus.ACTIVE] + [PhaseStatus.NOT_STARTED] * 3
