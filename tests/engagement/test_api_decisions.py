"""API of the decision log: shape, the missing-stakeholder flag, refused input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from golive.audit.models import AuditEvent
from tests.engagement.builders import decision
from tests.factories import make_project

URL = "/api/v1/projects/ACME/decisions/"


def _record(api, user, url=URL, **payload):
    body = {"title": "No SSO in phase 1", "decision": "SSO moves to phase 2.", **payload}
    return api(user).post(url, body, format="json")


def test_create_returns_the_contract_shape(world, api):
    response = _record(
        api, world.customer_lead, decided_at="2026-11-02T10:00:00+00:00", stakeholders_present=["lead", "customer_lead"]
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["decision"]) == ("No SSO in phase 1", "SSO moves to phase 2.")
    assert parse_datetime(body["decided_at"]) == dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    assert body["stakeholders_present"] == ["customer_lead", "lead"]
    assert (body["missing_roles"], body["flagged"]) == ([], False)
    assert api(world.support).get(URL).json()["results"] == [body]
    assert AuditEvent.objects.get(action="decision.recorded").actor_name == "customer_lead"


def test_decided_at_defaults_to_now(world, api):
    before = timezone.now()
    body = _record(api, world.lead, stakeholders_present=["lead"]).json()
    assert before <= parse_datetime(body["decided_at"]) <= timezone.now()


def test_decision_without_the_customer_lead_is_flagged(world, api):
    body = _record(api, world.lead, stakeholders_present=["lead", "customer_member"]).json()
    assert (body["missing_roles"], body["flagged"]) == (["customer_lead"], True)
    listed = api(world.customer_member).get(URL).json()["results"][0]
    assert (listed["missing_roles"], listed["flagged"]) == (["customer_lead"], True)


def test_decision_without_anyone_misses_both_leads(world, api):
    body = _record(api, world.consultant, stakeholders_present=["consultant"]).json()
    assert sorted(body["missing_roles"]) == ["consultant_lead", "customer_lead"] and body["flagged"] is True


def test_project_without_a_customer_lead_does_not_flag_that_role(world, api):
    make_project(actor=world.lead, key="SOLO", customer=world.acme)
    body = _record(api, world.lead, "/api/v1/projects/SOLO/decisions/", stakeholders_present=["lead"]).json()
    assert (body["missing_roles"], body["flagged"]) == ([], False)


def test_list_is_newest_first_and_paginated(world, api):
    now = timezone.now()
    for days in (3, 1, 2):
        decision(world, f"{days} days ago", decided_at=now - dt.timedelta(days=days), stakeholders=[world.lead])
    page = api(world.lead).get(URL, {"page_size": 2}).json()
    assert page["count"] == 3 and page["next"]
    assert [d["title"] for d in page["results"]] == ["1 days ago", "2 days ago"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"stakeholders_present": ["lead", "outsider"]}, "stakeholders_present"),
        ({"stakeholders_present": ["other_customer"]}, "stakeholders_present"),
        ({"stakeholders_present": ["nobody"]}, "stakeholders_present"),
        ({"decided_at": "FUTURE"}, "decided_at"),
        ({"decided_at": "yesterday"}, "decided_at"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_400_naming_the_field(world, api, unchanged, payload, field):
    if payload.get("decided_at") == "FUTURE":
        payload = {"decided_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}
    with unchanged():
        response = _record(api, world.lead, **payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"] and response.json()["detail"].startswith(field)
