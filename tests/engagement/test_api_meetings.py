"""API of meetings: shape, filters, pagination, edits and refused input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from golive.audit.models import AuditEvent
from golive.engagement.models import Meeting
from tests.engagement.builders import meeting

URL = "/api/v1/projects/ACME/meetings/"


def _payload(**overrides) -> dict:
    return {
        "kind": "kickoff",
        "title": "Kickoff with Acme",
        "starts_at": "2026-11-02T09:30:00+09:00",
        "duration_minutes": 90,
        "attendees": ["lead", "customer_lead", "customer_member"],
        "notes": "Agreed the **scope**",
        **overrides,
    }


def test_create_returns_the_contract_shape(world, api):
    response = api(world.consultant).post(URL, _payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "kickoff" and body["title"] == "Kickoff with Acme"
    assert parse_datetime(body["starts_at"]) == dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)
    assert body["duration_minutes"] == 90
    assert body["attendees"] == ["customer_lead", "customer_member", "lead"]
    assert body["notes"] == "Agreed the **scope**" and "<strong>scope</strong>" in body["notes_html"]
    assert api(world.customer_member).get(f"{URL}{body['id']}/").json() == body
    assert AuditEvent.objects.get(action="meeting.created").changes["kind"] == "kickoff"


def test_review_meeting_belongs_to_the_current_phase_unless_named(world, api):
    current = api(world.lead).post(URL, _payload(kind="review", title="Demo"), format="json").json()
    named = api(world.lead).post(URL, _payload(kind="review", title="Alpha", phase="alpha_review"), format="json")
    assert current["phase"] == "kickoff"
    assert named.json()["phase"] == "alpha_review"


def test_patch_notes_and_attendees(world, api):
    held = meeting(world, attendees=[world.lead])
    response = api(world.lead).patch(
        f"{URL}{held.pk}/", {"notes": "Decided: no SSO", "attendees": ["lead", "customer_lead"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["notes"] == "Decided: no SSO"
    assert response.json()["attendees"] == ["customer_lead", "lead"]
    event = AuditEvent.objects.get(action="meeting.updated")
    assert event.changes["attendees"] == [["lead"], ["customer_lead", "lead"]]


def test_meeting_of_another_project_is_404(world, api):
    theirs = meeting(world, project=world.other_project, actor=world.other_lead)
    assert api(world.lead).get(f"{URL}{theirs.pk}/").status_code == 404
    assert api(world.lead).patch(f"{URL}{theirs.pk}/", {"notes": "x"}, format="json").status_code == 404


@pytest.fixture
def meetings(world):
    now = timezone.now()
    meeting(world, "kickoff", title="Kickoff", starts_at=now - dt.timedelta(days=9))
    meeting(world, "review", title="Alpha demo", phase="alpha_review", starts_at=now - dt.timedelta(days=5))
    meeting(world, "review", title="Beta demo", phase="beta_review", starts_at=now - dt.timedelta(days=3))
    meeting(world, "status", title="Weekly", starts_at=now - dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Kickoff", "Alpha demo", "Beta demo", "Weekly"]),
        ({"kind": "review"}, ["Alpha demo", "Beta demo"]),
        ({"kind": "kickoff,status"}, ["Kickoff", "Weekly"]),
        ({"phase": "beta_review"}, ["Beta demo"]),
        ({"kind": "status", "phase": "alpha_review"}, []),
    ],
)
def test_filters(world, api, meetings, query, expected):
    response = api(world.customer_member).get(URL, query)
    assert response.status_code == 200
    assert [m["title"] for m in response.json()["results"]] == expected


def test_pagination(world, api, meetings):
    page = api(world.lead).get(URL, {"page_size": 3, "page": 2}).json()
    assert page["count"] == 4 and [m["title"] for m in page["results"]] == ["Weekly"]
    assert page["previous"] and page["next"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"attendees": ["lead", "outsider"]}, "attendees"),
        ({"attendees": ["other_customer"]}, "attendees"),
        ({"attendees": ["nobody"]}, "attendees"),
        ({"guests": ["Jane <jane@@acme>"]}, "guests"),
        ({"phase": "gamma_review"}, "phase"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"kind": "party"}, "kind"),
        ({"starts_at": "next tuesday"}, "starts_at"),
    ],
)
def test_bad_input_is_400_naming_the_field(world, api, unchanged, overrides, field):
    with unchanged():
        response = api(world.lead).post(URL, _payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"] and response.json()["detail"].startswith(field)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "status"}, "kind"),
        ({"phase": "beta_review"}, "phase"),
        ({"attendees": ["outsider"]}, "attendees"),
        ({"duration_minutes": 0}, "duration_minutes"),
    ],
)
def test_patch_refusals(world, api, unchanged, payload, field):
    held = meeting(world, attendees=[world.lead], notes="Original")
    with unchanged():
        response = api(world.lead).patch(f"{URL}{held.pk}/", {"notes": "Changed", **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    held.refresh_from_db()
    assert held.notes == "Original" and list(held.attendees.values_list("username", flat=True)) == ["lead"]
    assert Meeting.objects.get(pk=held.pk).kind == "status"
