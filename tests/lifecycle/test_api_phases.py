"""API of phases: the ordered list, skipping a phase and adding review rounds."""

from __future__ import annotations

import datetime as dt

import pytest

from golive.audit.models import AuditEvent
from tests.lifecycle.test_api_projects import PHASE_FIELDS, PHASE_KEYS


def _phases(api, user):
    response = api(user).get("/api/v1/projects/ACME/phases/")
    assert response.status_code == 200
    return response.json()


def _advance(api, user, **payload):
    payload.setdefault("override_reason", "moving on")
    return api(user).post("/api/v1/projects/ACME/advance/", payload, format="json")


def test_phase_list_is_ordered_with_contract_fields(world, api):
    phases = _phases(api, world.customer_member)
    assert [p["key"] for p in phases] == PHASE_KEYS
    assert all(set(p) == PHASE_FIELDS for p in phases)
    assert phases[0]["name"] == "Kickoff" and phases[0]["status"] == "active"


def test_skip_future_phase_then_advance_jumps_over_it(world, api, advance_to):
    response = api(world.lead).post(
        "/api/v1/projects/ACME/phases/training/skip/", {"reason": "Customer trains its own staff"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["key"] == "training" and response.json()["status"] == "skipped"
    phases = {p["key"]: p for p in _phases(api, world.lead)}
    assert phases["training"]["status"] == "skipped"
    assert phases["training"]["planned_start"] is None and phases["training"]["planned_end"] is None
    # The plan closes the gap: uat now ends the day before deployment starts.
    uat_end = dt.date.fromisoformat(phases["uat"]["planned_end"])
    assert uat_end + dt.timedelta(days=1) == dt.date.fromisoformat(phases["deployment"]["planned_start"])
    event = AuditEvent.objects.get(project=world.project, action="phase.skipped")
    assert event.changes == {"phase": "training", "reason": "Customer trains its own staff"}

    advance_to(world.project, "uat", actor=world.lead)
    response = _advance(api, world.lead)
    assert response.status_code == 200
    assert response.json()["current_phase"] == "deployment"
    statuses = {p["key"]: p["status"] for p in _phases(api, world.lead)}
    assert statuses["training"] == "skipped" and statuses["uat"] == "done" and statuses["deployment"] == "active"


@pytest.mark.parametrize("phase", ["kickoff", "alpha_review"])
def test_skip_active_or_done_phase_is_409(world, api, advance_to, nothing_written, phase):
    advance_to(world.project, "alpha_review", actor=world.lead)  # kickoff done, alpha active
    with nothing_written():
        response = api(world.lead).post(f"/api/v1/projects/ACME/phases/{phase}/skip/", {"reason": "no"}, format="json")
    assert response.status_code == 409
    assert phase in response.json()["detail"]


def test_skip_twice_is_409(world, api):
    url = "/api/v1/projects/ACME/phases/training/skip/"
    assert api(world.lead).post(url, {"reason": "a"}, format="json").status_code == 200
    assert api(world.lead).post(url, {"reason": "b"}, format="json").status_code == 409


def test_skip_unknown_phase_is_404(world, api, nothing_written):
    with nothing_written():
        response = api(world.lead).post("/api/v1/projects/ACME/phases/nothing/skip/", {"reason": "x"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}])
def test_skip_needs_a_reason(world, api, nothing_written, payload):
    with nothing_written():
        response = api(world.lead).post("/api/v1/projects/ACME/phases/training/skip/", payload, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


@pytest.mark.parametrize("current", ["kickoff", "alpha_review", "beta_review"])
def test_review_round_inserted_after_beta_review(world, api, advance_to, current):
    advance_to(world.project, current, actor=world.lead)
    response = api(world.lead).post("/api/v1/projects/ACME/review-rounds/", {}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["key"], body["name"], body["status"]) == ("review_3", "Review 3", "not_started")
    phases = _phases(api, world.lead)
    keys = [p["key"] for p in phases]
    assert keys == [
        "kickoff",
        "alpha_review",
        "beta_review",
        "review_3",
        "uat",
        "training",
        "deployment",
        "hypercare",
        "debrief",
    ]
    by_key = {p["key"]: p for p in phases}
    review = by_key["review_3"]
    start, end = dt.date.fromisoformat(review["planned_start"]), dt.date.fromisoformat(review["planned_end"])
    assert (end - start).days + 1 == 14
    assert dt.date.fromisoformat(by_key["beta_review"]["planned_end"]) + dt.timedelta(days=1) == start
    assert end + dt.timedelta(days=1) == dt.date.fromisoformat(by_key["uat"]["planned_start"])
    # Go-live does not move: the phases before it start earlier.
    assert by_key["hypercare"]["planned_start"] == world.project.planned_go_live.isoformat()
    assert AuditEvent.objects.filter(project=world.project, action="phase.review_round_added").count() == 1


def test_review_rounds_number_on_and_advance_through_them(world, api, advance_to):
    client = api(world.lead)
    assert client.post("/api/v1/projects/ACME/review-rounds/", {}, format="json").json()["key"] == "review_3"
    fourth = client.post("/api/v1/projects/ACME/review-rounds/", {"name": "Final look"}, format="json").json()
    assert (fourth["key"], fourth["name"]) == ("review_4", "Final look")
    assert [p["key"] for p in _phases(api, world.lead)][2:6] == ["beta_review", "review_3", "review_4", "uat"]
    advance_to(world.project, "beta_review", actor=world.lead)
    assert _advance(api, world.lead).json()["current_phase"] == "review_3"
    assert _advance(api, world.lead).json()["current_phase"] == "review_4"
    assert _advance(api, world.lead).json()["current_phase"] == "uat"


@pytest.mark.parametrize("current", ["uat", "training", "hypercare"])
def test_review_round_after_uat_started_is_409(world, api, advance_to, nothing_written, current):
    advance_to(world.project, current, actor=world.lead)
    with nothing_written():
        response = api(world.lead).post("/api/v1/projects/ACME/review-rounds/", {}, format="json")
    assert response.status_code == 409
    assert "detail" in response.json()


def test_review_round_name_too_long_is_400(world, api, nothing_written):
    with nothing_written():
        response = api(world.lead).post("/api/v1/projects/ACME/review-rounds/", {"name": "x" * 101}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_review_round_can_follow_a_skipped_uat(world, api):
    """A skipped phase after the reviews has not started: the project is not past its reviews."""
    client = api(world.lead)
    assert client.post("/api/v1/projects/ACME/phases/uat/skip/", {"reason": "pilot"}, format="json").status_code == 200
    response = client.post("/api/v1/projects/ACME/review-rounds/", {}, format="json")
    assert response.status_code == 201, response.json()
    keys = [p["key"] for p in _phases(api, world.lead)]
    assert keys[2:5] == ["beta_review", "review_3", "uat"]
