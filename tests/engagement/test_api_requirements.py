"""API of the requirements register: shape, filters, pagination, updates and refused input."""

from __future__ import annotations

import pytest

from golive.audit.models import AuditEvent
from golive.engagement.models import Requirement
from tests.engagement.builders import requirement

URL = "/api/v1/projects/ACME/requirements/"
CONTRACT_FIELDS = {"ref", "title", "description", "source", "priority", "scope", "change_request"}


def test_create_returns_the_contract_shape_and_is_audited(world, api):
    payload = {
        "ref": "REQ-1",
        "title": "Export invoices to CSV",
        "description": "Monthly, for the accountants",
        "source": "email",
        "priority": "must",
        "scope": "in_progress",
        "change_request": True,
    }
    response = api(world.customer_lead).post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in CONTRACT_FIELDS} == payload
    detail = api(world.customer_member).get(URL + "REQ-1/").json()
    assert {k: detail[k] for k in CONTRACT_FIELDS} == payload
    event = AuditEvent.objects.get(action="requirement.created")
    assert event.actor_name == "customer_lead" and event.changes["ref"] == "REQ-1"


def test_create_defaults(world, api):
    response = api(world.lead).post(URL, {"ref": "REQ-2", "title": "Single sign-on"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["source"], body["priority"], body["scope"], body["change_request"]) == (
        "kickoff",
        "should",
        "not_started",
        False,
    )


def test_patch_changes_scope_and_is_audited(world, api):
    requirement(world, "REQ-1")
    response = api(world.consultant).patch(URL + "REQ-1/", {"scope": "built", "gap": "No PDF yet"}, format="json")
    assert response.status_code == 200
    assert response.json()["scope"] == "built" and response.json()["gap"] == "No PDF yet"
    assert Requirement.objects.get(ref="REQ-1").scope == "built"
    event = AuditEvent.objects.get(action="requirement.updated")
    assert event.changes["scope"] == ["not_started", "built"]


def test_unknown_ref_and_other_projects_requirement_are_404(world, api):
    requirement(world, "GLX-1", project=world.other_project, actor=world.other_lead)
    assert api(world.lead).get(URL + "NOPE/").status_code == 404
    assert api(world.lead).get(URL + "GLX-1/").status_code == 404


@pytest.fixture
def register(world):
    requirement(world, "LOGIN-1", title="Login page", source="kickoff", priority="must", scope="built")
    requirement(
        world,
        "EXP-2",
        title="Export to Excel",
        source="email",
        priority="should",
        scope="in_progress",
        change_request=True,
    )
    requirement(world, "SSO-3", title="Single sign-on", source="uat", priority="wont", scope="deferred")
    requirement(world, "REP-4", title="Login report", source="alpha_review", priority="could", scope="not_started")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["EXP-2", "LOGIN-1", "REP-4", "SSO-3"]),
        ({"source": "email"}, ["EXP-2"]),
        ({"source": "kickoff,uat"}, ["LOGIN-1", "SSO-3"]),
        ({"priority": "must"}, ["LOGIN-1"]),
        ({"priority": "wont"}, ["SSO-3"]),
        ({"scope": "not_started"}, ["REP-4"]),
        ({"scope": "built,deferred"}, ["LOGIN-1", "SSO-3"]),
        ({"change_request": "true"}, ["EXP-2"]),
        ({"change_request": "false"}, ["LOGIN-1", "REP-4", "SSO-3"]),
        ({"q": "login"}, ["LOGIN-1", "REP-4"]),
        ({"q": "sso"}, ["SSO-3"]),
        ({"source": "kickoff", "priority": "could"}, []),
    ],
)
def test_filters(world, api, register, query, expected):
    response = api(world.customer_member).get(URL, query)
    assert response.status_code == 200
    assert [r["ref"] for r in response.json()["results"]] == expected


def test_pagination(world, api):
    for n in range(5):
        requirement(world, f"R-{n}")
    first = api(world.support).get(URL, {"page_size": 2}).json()
    assert first["count"] == 5 and [r["ref"] for r in first["results"]] == ["R-0", "R-1"]
    assert first["next"] and first["previous"] is None
    last = api(world.support).get(URL, {"page_size": 2, "page": 3}).json()
    assert [r["ref"] for r in last["results"]] == ["R-4"] and last["next"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ref": "REQ 1", "title": "Spaces"}, "ref"),
        ({"ref": "R" * 33, "title": "Too long"}, "ref"),
        ({"ref": "-R1", "title": "Leading dash"}, "ref"),
        ({"ref": "REQ-1", "title": "Duplicate"}, "ref"),
        ({"ref": "REQ-5", "title": "Bad source", "source": "phone"}, "source"),
        ({"ref": "REQ-5", "title": "Bad priority", "priority": "urgent"}, "priority"),
        ({"ref": "REQ-5", "title": "Bad scope", "scope": "done"}, "scope"),
        ({"ref": "REQ-5"}, "title"),
    ],
)
def test_bad_input_is_400_naming_the_field(world, api, unchanged, payload, field):
    requirement(world, "REQ-1")
    with unchanged():
        response = api(world.lead).post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"].startswith(field)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ref": "REQ-2"}, "ref"),
        ({"project": "GLOBEX"}, "project"),
        ({"scope": "finished"}, "scope"),
        ({"created_by": "admin"}, "created_by"),
    ],
)
def test_patch_refuses_unknown_fields_and_values(world, api, unchanged, payload, field):
    requirement(world, "REQ-1", title="Original")
    with unchanged():
        response = api(world.lead).patch(URL + "REQ-1/", {"title": "Changed", **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Requirement.objects.get(ref="REQ-1").title == "Original"
