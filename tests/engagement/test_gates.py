"""Gate criteria owned by the engagement: kickoff held, requirements captured, review held and triaged."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.engagement import services
from golive.lifecycle.gates import evaluate_gate
from tests.engagement.builders import feedback, meeting, requirement


def _gate(api, user):
    response = api(user).get("/api/v1/projects/ACME/gate/")
    assert response.status_code == 200
    return response.json()


def _passed(gate) -> dict[str, bool]:
    return {c["code"]: c["passed"] for c in gate["criteria"]}


def test_kickoff_gate_follows_meetings_and_requirements(world, api):
    assert _passed(_gate(api, world.lead)) == {"kickoff_meeting_held": False, "requirements_captured": False}
    meeting(world, "kickoff", starts_at=timezone.now() + dt.timedelta(days=2))
    meeting(world, "status", starts_at=timezone.now() - dt.timedelta(days=2))
    assert _passed(_gate(api, world.lead))["kickoff_meeting_held"] is False
    assert api(world.consultant).post("/api/v1/projects/ACME/advance/", {}, format="json").status_code == 409

    meeting(world, "kickoff", starts_at=timezone.now() - dt.timedelta(hours=2))
    gate = _gate(api, world.lead)
    assert _passed(gate) == {"kickoff_meeting_held": True, "requirements_captured": False}
    assert gate["passed"] is False

    requirement(world, "REQ-1")
    gate = _gate(api, world.lead)
    assert gate["passed"] is True and all(_passed(gate).values())

    response = api(world.consultant).post("/api/v1/projects/ACME/advance/", {"comment": "Kicked off"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["current_phase"] == "alpha_review"
    event = AuditEvent.objects.get(action="phase.advanced")
    assert event.changes["from"] == "kickoff" and event.changes["gate_passed"] is True
    assert not AuditEvent.objects.filter(action="phase.overridden").exists()


def _review_criterion(api, world):
    gate = _gate(api, world.lead)
    assert gate["phase"] == "alpha_review"
    return next(c for c in gate["criteria"] if c["code"] == "review_feedback_triaged")


def test_alpha_review_gate_needs_the_review_held_and_feedback_triaged(world, api, advance_to):
    advance_to(world.project, "alpha_review", actor=world.lead)
    world.project.refresh_from_db()
    criterion = _review_criterion(api, world)
    assert criterion["passed"] is False and "not been held" in criterion["detail"]

    meeting(world, "review", starts_at=timezone.now() + dt.timedelta(days=1))
    assert _review_criterion(api, world)["passed"] is False

    demo = meeting(world, "review", starts_at=timezone.now() - dt.timedelta(hours=3))
    assert demo.phase.key == "alpha_review"
    assert _review_criterion(api, world)["passed"] is True

    items = [feedback(world, demo, text) for text in ("one", "two", "three")]
    criterion = _review_criterion(api, world)
    assert criterion["passed"] is False and "3" in criterion["detail"]

    services.feedback_accept(actor=world.lead, feedback=items[0])
    services.feedback_reject(actor=world.lead, feedback=items[1], note="Out of scope")
    criterion = _review_criterion(api, world)
    assert criterion["passed"] is False and "1" in criterion["detail"]

    services.feedback_done(actor=world.lead, feedback=items[2])
    assert _review_criterion(api, world)["passed"] is True
    assert _gate(api, world.lead)["passed"] is True


def test_feedback_of_another_phase_does_not_block(world, api, advance_to):
    advance_to(world.project, "alpha_review", actor=world.lead)
    world.project.refresh_from_db()
    meeting(world, "review")
    feedback(world, meeting(world, "review", phase="beta_review"), "for beta")
    assert _review_criterion(api, world)["passed"] is True


def test_gate_at_a_past_instant_counts_feedback_triaged_later_as_open(world, advance_to):
    project = advance_to(world.project, "alpha_review", actor=world.lead)
    world.project.refresh_from_db()
    demo = meeting(world, "review", starts_at=timezone.now() - dt.timedelta(days=1))
    item = feedback(world, demo)
    before_triage = timezone.now()
    services.feedback_accept(actor=world.lead, feedback=item)
    phase = project.current_phase
    phase.project = project

    then = evaluate_gate(phase, as_of=before_triage)
    assert then.passed is False
    assert "1" in then.failing[0]["detail"]
    assert evaluate_gate(phase).passed is True
    # Before the review meeting took place, it had not been held.
    earlier = evaluate_gate(phase, as_of=demo.starts_at - dt.timedelta(minutes=1))
    assert "not been held" in earlier.failing[0]["detail"]
