"""API of projects: create, list, detail, edit, with the contract's shapes and errors."""

from __future__ import annotations

import datetime as dt

import pytest

from golive.accounts.models import Membership, Role
from golive.audit.models import AuditEvent
from golive.lifecycle.models import Phase, Project
from tests.factories import make_project

PHASE_KEYS = ["kickoff", "alpha_review", "beta_review", "uat", "training", "deployment", "hypercare", "debrief"]
PHASE_FIELDS = {"key", "name", "status", "planned_start", "planned_end", "actual_start", "actual_end"}
PROJECT_FIELDS = {
    "key",
    "name",
    "customer",
    "template",
    "planned_go_live",
    "timezone",
    "hypercare_days",
    "current_phase",
    "phases",
}


def _create(api, user, **fields):
    payload = {"key": "NEWP", "name": "New project", "customer": "acme", **fields}
    return api(user).post("/api/v1/projects/", payload, format="json")


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def test_create_project_with_defaults(world, api):
    response = _create(api, world.consultant, planned_go_live="2027-06-01")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= PROJECT_FIELDS
    assert body["key"] == "NEWP"
    assert body["customer"] == "acme"
    assert body["template"] == "saas-standard"
    assert body["planned_go_live"] == "2027-06-01"
    assert body["timezone"] == "Asia/Seoul"  # the customer's
    assert body["hypercare_days"] == 14
    assert body["current_phase"] == "kickoff"
    assert [p["key"] for p in body["phases"]] == PHASE_KEYS
    assert all(set(p) == PHASE_FIELDS for p in body["phases"])
    assert [p["status"] for p in body["phases"]] == ["active"] + ["not_started"] * 7
    kickoff = body["phases"][0]
    assert kickoff["actual_start"] is not None and kickoff["actual_end"] is None
    # ISO 8601 with an offset.
    assert dt.datetime.fromisoformat(kickoff["actual_start"].replace("Z", "+00:00")).tzinfo is not None


def test_creator_becomes_consultant_lead_and_creation_is_audited(world, api):
    _create(api, world.consultant)
    project = Project.objects.get(key="NEWP")
    assert Membership.objects.get(project=project, user=world.consultant).role == Role.CONSULTANT_LEAD
    event = AuditEvent.objects.get(project=project, action="project.created")
    assert event.actor == world.consultant and event.changes["customer"] == "acme"


def test_admin_creating_a_project_is_not_made_a_member(world, api):
    assert _create(api, world.admin).status_code == 201
    assert not Membership.objects.filter(project__key="NEWP").exists()


def test_create_with_all_fields(world, api):
    response = _create(
        api,
        world.lead,
        template="saas-standard",
        planned_go_live="2027-01-10",
        timezone="America/Los_Angeles",
        hypercare_days=30,
        description="Big one",
    )
    body = response.json()
    assert (body["timezone"], body["hypercare_days"], body["description"]) == ("America/Los_Angeles", 30, "Big one")
    hypercare = next(p for p in body["phases"] if p["key"] == "hypercare")
    assert (hypercare["planned_start"], hypercare["planned_end"]) == ("2027-01-10", "2027-02-08")


def test_without_go_live_nothing_is_planned(world, api):
    body = _create(api, world.lead).json()
    assert body["planned_go_live"] is None
    assert all(p["planned_start"] is None and p["planned_end"] is None for p in body["phases"])


BAD_CREATE = [
    ({"key": "newp"}, "key"),
    ({"key": "ABCDEFGHIJK"}, "key"),
    ({"key": "A"}, "key"),
    ({"key": "1ABC"}, "key"),
    ({"key": "ACME"}, "key"),
    ({"customer": "nowhere"}, "customer"),
    ({"customer": "vendor"}, "customer"),
    ({"template": "waterfall"}, "template"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"hypercare_days": 0}, "hypercare_days"),
    ({"hypercare_days": 366}, "hypercare_days"),
    ({"planned_go_live": "next week"}, "planned_go_live"),
    ({"name": ""}, "name"),
]


@pytest.mark.parametrize(("change", "field"), BAD_CREATE, ids=[f"{f}={c[f]!r}" for c, f in BAD_CREATE])
def test_create_bad_input(world, api, nothing_written, change, field):
    with nothing_written():
        response = _create(api, world.lead, **change)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["errors"]
    assert body["detail"].startswith(f"{field}:")


def test_create_missing_required_fields(world, api, nothing_written):
    with nothing_written():
        response = api(world.lead).post("/api/v1/projects/", {}, format="json")
    assert response.status_code == 400
    assert {"key", "name", "customer"} <= set(response.json()["errors"])


def test_detail_shape(world, api):
    body = api(world.customer_member).get("/api/v1/projects/ACME/").json()
    assert set(body) >= PROJECT_FIELDS
    assert (body["key"], body["customer"], body["current_phase"]) == ("ACME", "acme", "kickoff")


def test_unknown_project_is_404(world, api):
    response = api(world.admin).get("/api/v1/projects/NOSUCH/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_list_filters(world, api, advance_to):
    make_project(actor=world.lead, key="BETA", customer=world.acme, name="Second rollout")
    advance_to(Project.objects.get(key="BETA"), "uat", actor=world.lead)
    client = api(world.admin)

    def keys(**params):
        return [p["key"] for p in client.get("/api/v1/projects/", params).json()["results"]]

    assert keys() == ["ACME", "BETA", "GLOBEX"]
    assert keys(customer="acme") == ["ACME", "BETA"]
    assert keys(current_phase="uat") == ["BETA"]
    assert keys(search="rollout") == ["BETA"]
    assert keys(status="closed") == []


def test_list_pagination(world, api):
    for n in range(5):
        make_project(actor=world.lead, key=f"P{n}", customer=world.acme)
    client = api(world.lead)
    body = client.get("/api/v1/projects/", {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 6 and len(body["results"]) == 2 and body["previous"] is None
    page3 = client.get("/api/v1/projects/", {"page_size": 2, "page": 3}).json()
    assert len(page3["results"]) == 2 and page3["next"] is None and page3["previous"]
    seen = [
        p["key"]
        for n in (1, 2, 3)
        for p in client.get("/api/v1/projects/", {"page_size": 2, "page": n}).json()["results"]
    ]
    assert sorted(seen) == ["ACME", "P0", "P1", "P2", "P3", "P4"]
    assert client.get("/api/v1/projects/", {"page": 9}).status_code == 404


def test_page_size_is_capped_at_1000(world, api, monkeypatch):
    from golive.api import Pagination

    assert Pagination.max_page_size == 1000
    monkeypatch.setattr(Pagination, "max_page_size", 2)  # same rule, small numbers
    for n in range(3):
        make_project(actor=world.lead, key=f"P{n}", customer=world.acme)
    body = api(world.lead).get("/api/v1/projects/", {"page_size": 5000}).json()
    assert body["count"] == 4 and len(body["results"]) == 2


def test_patch_name_and_audit(world, api):
    response = api(world.lead).patch("/api/v1/projects/ACME/", {"name": "Acme rollout"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Acme rollout"
    event = AuditEvent.objects.get(project=world.project, action="project.updated")
    assert event.changes == {"name": ["Project ACME", "Acme rollout"]}


def test_patch_without_change_records_nothing(world, api, nothing_written):
    with nothing_written():
        response = api(world.lead).patch("/api/v1/projects/ACME/", {"name": "Project ACME"}, format="json")
    assert response.status_code == 200


def _phases(api, user):
    return {p["key"]: p for p in api(user).get("/api/v1/projects/ACME/phases/").json()}


def test_patch_go_live_replans_every_phase(world, api):
    response = api(world.lead).patch("/api/v1/projects/ACME/", {"planned_go_live": "2027-09-01"}, format="json")
    assert response.status_code == 200
    phases = {p["key"]: p for p in response.json()["phases"]}
    assert phases["deployment"]["planned_end"] == "2027-08-31"
    assert phases["hypercare"]["planned_start"] == "2027-09-01"
    assert phases["hypercare"]["planned_end"] == "2027-09-14"  # 14 days, inclusive
    assert phases["debrief"]["planned_start"] == "2027-09-15"
    # Back to back before go-live, each as long as its duration.
    ordered = [phases[k] for k in PHASE_KEYS]
    for before, after in zip(ordered, ordered[1:], strict=False):
        assert _date(before["planned_end"]) + dt.timedelta(days=1) == _date(after["planned_start"])
    durations = {p.key: p.duration_days for p in Phase.objects.filter(project=world.project)}
    for key in PHASE_KEYS:
        if key != "hypercare":
            span = _date(phases[key]["planned_end"]) - _date(phases[key]["planned_start"])
            assert span.days + 1 == durations[key]
    assert _phases(api, world.customer_member) == phases


def test_patch_hypercare_days_stretches_hypercare(world, api):
    api(world.lead).patch("/api/v1/projects/ACME/", {"planned_go_live": "2027-09-01"}, format="json")
    response = api(world.lead).patch("/api/v1/projects/ACME/", {"hypercare_days": 30}, format="json")
    phases = {p["key"]: p for p in response.json()["phases"]}
    assert (phases["hypercare"]["planned_start"], phases["hypercare"]["planned_end"]) == ("2027-09-01", "2027-09-30")
    assert phases["debrief"]["planned_start"] == "2027-10-01"


def test_patch_clearing_go_live_clears_plan(world, api):
    response = api(world.lead).patch("/api/v1/projects/ACME/", {"planned_go_live": None}, format="json")
    assert all(p["planned_start"] is None for p in response.json()["phases"])


BAD_PATCH = [
    ({"key": "OTHER"}, "key"),
    ({"customer": "globex"}, "customer"),
    ({"colour": "red"}, "colour"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"hypercare_days": 0}, "hypercare_days"),
    ({"planned_go_live": "soon"}, "planned_go_live"),
    ({"name": ""}, "name"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_PATCH, ids=[f for _, f in BAD_PATCH])
def test_patch_bad_input(world, api, nothing_written, payload, field):
    with nothing_written():
        response = api(world.lead).patch(
            "/api/v1/projects/ACME/", {**payload, "name": payload.get("name", "X")}, format="json"
        )
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert field in response.json()["detail"]
