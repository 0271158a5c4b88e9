"""Recording the go-live: only from deployment, only with a go decision or the consultant lead's override."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.cutover.models import GoLive
from golive.hypercare.models import HypercareWindow
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import Phase, Project
from tests.tracker.helpers import to_phase

URL = "/api/v1/projects/ACME/golive/"


def _unchanged():
    return (
        GoLive.objects.count(),
        HypercareWindow.objects.count(),
        list(Phase.objects.filter(project__key="ACME").order_by("order").values_list("key", "status")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("phase", ["kickoff", "uat", "training"])
def test_golive_outside_deployment_is_409(world, api, phase):
    to_phase(world.project, phase, actor=world.lead)
    before = _unchanged()
    response = api(world.lead).post(URL, {"override_reason": "We are live"}, format="json")
    assert response.status_code == 409
    assert phase in response.json()["detail"]
    assert _unchanged() == before


def test_golive_without_go_decision_is_409_naming_the_criterion(world, api):
    to_phase(world.project, "deployment", actor=world.lead)
    before = _unchanged()
    for user in (world.lead, world.consultant, world.admin):
        response = api(user).post(URL, {}, format="json")
        assert response.status_code == 409
        body = response.json()
        assert [c["code"] for c in body["criteria"]] == ["go_decision_recorded"]
        assert body["criteria"][0]["passed"] is False and {"label", "detail"} <= set(body["criteria"][0])
    assert _unchanged() == before


@pytest.mark.parametrize("user", ["consultant", "admin"])
def test_override_by_anyone_but_the_consultant_lead_is_403(world, api, user):
    to_phase(world.project, "deployment", actor=world.lead)
    before = _unchanged()
    response = api(getattr(world, user)).post(URL, {"override_reason": "Go by phone"}, format="json")
    assert response.status_code == 403
    assert _unchanged() == before


@pytest.mark.parametrize("user", ["customer_lead", "support"])
def test_non_consultants_are_403(world, api, user):
    to_phase(world.project, "deployment", actor=world.lead)
    before = _unchanged()
    assert api(getattr(world, user)).post(URL, {"override_reason": "x"}, format="json").status_code == 403
    assert _unchanged() == before


def test_lead_override_opens_hypercare_at_the_given_instant(world, api):
    to_phase(world.project, "deployment", actor=world.lead)
    at = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)
    response = api(world.lead).post(URL, {"at": at.isoformat(), "override_reason": "Go by phone"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "active"
    assert dt.datetime.fromisoformat(body["starts_at"]) == at
    assert dt.datetime.fromisoformat(body["planned_end"]) == at + dt.timedelta(days=14)
    assert body["days_elapsed"] == 2
    project = Project.objects.get(key="ACME")
    assert project.current_phase.key == "hypercare"
    phases = dict(Phase.objects.filter(project=project).values_list("key", "status"))
    assert phases["deployment"] == "done" and phases["hypercare"] == "active"
    assert Phase.objects.get(project=project, key="hypercare").actual_start == at
    golive = GoLive.objects.get(project=project)
    assert (golive.at, golive.recorded_by, golive.override_reason) == (at, world.lead, "Go by phone")
    audit = AuditEvent.objects.get(project=project, action="golive.recorded")
    assert audit.actor == world.lead and audit.changes["override_reason"] == "Go by phone"
    # Once recorded, never again.
    again = api(world.lead).post(URL, {"override_reason": "again"}, format="json")
    assert again.status_code == 409
    assert GoLive.objects.count() == 1


def test_planned_end_follows_hypercare_days(world, api):
    lifecycle_services.project_update(actor=world.lead, project=world.project, hypercare_days=30)
    to_phase(world.project, "deployment", actor=world.lead)
    body = api(world.lead).post(URL, {"override_reason": "go"}, format="json").json()
    starts = dt.datetime.fromisoformat(body["starts_at"])
    assert dt.datetime.fromisoformat(body["planned_end"]) - starts == dt.timedelta(days=30)


def test_golive_in_the_future_is_400(world, api):
    to_phase(world.project, "deployment", actor=world.lead)
    before = _unchanged()
    at = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api(world.lead).post(URL, {"at": at, "override_reason": "go"}, format="json")
    assert response.status_code == 400
    assert "at" in response.json()["errors"]
    assert _unchanged() == before
