"""Templates are data: a project follows whatever phases and gates its template lists."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from golive.audit.models import AuditEvent
from golive.lifecycle.models import LifecycleTemplate

LIGHT = {
    "settings": {"go_live_phase": "run", "hypercare_days": 5},
    "phases": [
        {"key": "plan", "name": "Plan", "duration_days": 3, "gate": []},
        {"key": "build", "name": "Build", "duration_days": 4, "gate": []},
        {"key": "run", "name": "Run", "duration_days": 9, "gate": []},
    ],
}


@pytest.fixture
def light(db):
    # Administrators add templates as data; there is no service for it yet, so the test stores one directly.
    template = LifecycleTemplate(key="light", name="Light", definition=LIGHT)
    template.full_clean()
    template.save()
    return template


@pytest.fixture
def light_project(world, api, light):
    payload = {"key": "LITE", "name": "Light", "customer": "acme", "template": "light", "planned_go_live": "2027-05-10"}
    response = api(world.lead).post("/api/v1/projects/", payload, format="json")
    assert response.status_code == 201, response.json()
    member = {"user": "consultant", "role": "consultant"}
    assert api(world.lead).post("/api/v1/projects/LITE/members/", member, format="json").status_code == 201
    return response.json()


def test_template_list_shape(world, api, light):
    body = api(world.customer_member).get("/api/v1/templates/").json()
    assert body["count"] == 2
    standard = next(t for t in body["results"] if t["key"] == "saas-standard")
    assert standard["is_builtin"] is True
    assert [p["key"] for p in standard["phases"]] == [
        "kickoff",
        "alpha_review",
        "beta_review",
        "uat",
        "training",
        "deployment",
        "hypercare",
        "debrief",
    ]
    uat = next(p for p in standard["phases"] if p["key"] == "uat")
    assert {"signoff_approved", "uat_critical_scenarios_passed", "no_open_p1_p2"} <= set(uat["gate"])


def test_project_follows_its_template(light_project):
    assert [p["key"] for p in light_project["phases"]] == ["plan", "build", "run"]
    assert light_project["hypercare_days"] == 5
    run = light_project["phases"][2]
    assert (run["planned_start"], run["planned_end"]) == ("2027-05-10", "2027-05-14")  # the anchor lasts 5 days
    assert light_project["phases"][1]["planned_end"] == "2027-05-09"


def test_passing_gate_advances_without_override(world, api, light_project):
    gate = api(world.consultant).get("/api/v1/projects/LITE/gate/").json()
    assert gate == {"phase": "plan", "passed": True, "criteria": []}
    response = api(world.consultant).post("/api/v1/projects/LITE/advance/", {"comment": "planned"}, format="json")
    assert response.status_code == 200
    assert response.json()["current_phase"] == "build"
    event = AuditEvent.objects.get(project__key="LITE", action="phase.advanced")
    assert event.changes == {"from": "plan", "to": "build", "comment": "planned", "gate_passed": True}
    assert not AuditEvent.objects.filter(project__key="LITE", action="phase.overridden").exists()


def test_no_review_phase_means_no_review_round(world, api, light_project, nothing_written):
    with nothing_written():
        response = api(world.lead).post("/api/v1/projects/LITE/review-rounds/", {}, format="json")
    assert response.status_code == 409


def test_template_needs_distinct_phase_keys(db):
    template = LifecycleTemplate(key="bad", name="Bad", definition={"phases": [{"key": "a"}, {"key": "a"}]})
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    assert "definition" in exc.value.message_dict
    with pytest.raises(ValidationError):
        LifecycleTemplate(key="empty", name="Empty", definition={"phases": []}).full_clean()
