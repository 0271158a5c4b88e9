"""The project's ``calendar.ics``: RFC 5545 parsed back with icalendar."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.utils import timezone

from golive.cutover import services as cutover_services
from golive.engagement import services as engagement_services
from golive.training import services as training_services

URL = "/api/v1/projects/ACME/calendar.ics"
TRICKY = '교육, 주문; 출고\\반품 — Order to cash, part 1; "quoted"'


def _events(body: bytes) -> list:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def _session(world, title="Session", start=None, **fields):
    return training_services.session_create(
        actor=world.lead,
        project=world.project,
        kind=fields.pop("kind", "end_user"),
        title=title,
        starts_at=start or dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC),
        **fields,
    )


def test_calendar_of_training_and_planned_go_live(world, api):
    start = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    session = _session(
        world,
        TRICKY,
        start,
        duration_minutes=90,
        location="https://meet.example.com/a,b;c",
        trainer=world.consultant,
        notes="Line one\nLine two",
    )
    response = api(world.customer_member).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert b"\r\n" in body and body.count(b"\n") == body.count(b"\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    events = {str(e["UID"]): e for e in _events(body)}
    pk = world.project.pk
    assert set(events) == {f"training-{session.pk}@golive", f"golive-{pk}@golive", f"cutover-{pk}@golive"}
    training = events[f"training-{session.pk}@golive"]
    assert str(training["SUMMARY"]) == f"[ACME] {TRICKY}"
    assert str(training["LOCATION"]) == "https://meet.example.com/a,b;c"
    assert "Line one\nLine two" in str(training["DESCRIPTION"])
    assert training.decoded("DTSTART") == dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
    assert training.decoded("DTEND") == dt.datetime(2026, 12, 1, 2, 30, tzinfo=dt.UTC)
    assert b"DTSTART:20261201T010000Z" in body and b"DTEND:20261201T023000Z" in body
    assert "DTSTAMP" in training
    golive = events[f"golive-{world.project.pk}@golive"]
    assert golive.decoded("DTSTART") == world.project.planned_go_live
    assert golive.decoded("DTEND") == world.project.planned_go_live + dt.timedelta(days=1)
    deployment = world.project.phases.get(key="deployment")
    cutover = events[f"cutover-{pk}@golive"]
    assert cutover.decoded("DTSTART") == deployment.planned_start
    assert cutover.decoded("DTEND") == deployment.planned_end + dt.timedelta(days=1)


def test_uids_are_stable_across_fetches(world, api):
    for i in range(3):
        _session(world, f"S{i}")
    client = api(world.lead)
    first = [str(e["UID"]) for e in _events(client.get(URL).content)]
    second = [str(e["UID"]) for e in _events(client.get(URL).content)]
    assert first == second and len(first) == 5 and len(set(first)) == 5


def test_go_live_hypercare_and_meetings(world, api, advance_to):
    meeting = engagement_services.meeting_create(
        actor=world.lead,
        project=world.project,
        kind="status",
        title="Weekly status, week 49",
        starts_at=dt.datetime(2026, 12, 3, 0, 30, tzinfo=dt.UTC),
        duration_minutes=30,
        location="Room 4",
    )
    advance_to(world.project, "deployment", actor=world.lead)
    events = {str(e["UID"]): e for e in _events(api(world.lead).get(URL).content)}
    assert f"cutover-{world.project.pk}@golive" in events  # the deployment week, before go-live
    at = (timezone.now() - dt.timedelta(hours=2)).replace(microsecond=0)
    cutover_services.golive_record(actor=world.lead, project=world.project, at=at, override_reason="test")
    events = {str(e["UID"]): e for e in _events(api(world.lead).get(URL).content)}
    assert f"cutover-{world.project.pk}@golive" not in events
    golive = events[f"golive-{world.project.pk}@golive"]
    assert golive.decoded("DTSTART") == at.astimezone(dt.UTC)
    hypercare = events[f"hypercare-{world.project.pk}@golive"]
    assert hypercare.decoded("DTEND") - hypercare.decoded("DTSTART") == dt.timedelta(days=world.project.hypercare_days)
    staff_meeting = events[f"meeting-{meeting.pk}@golive"]
    assert str(staff_meeting["SUMMARY"]) == "[ACME] Weekly status, week 49"
    assert staff_meeting.decoded("DTEND") == dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)


def test_other_projects_events_are_not_in_the_calendar(world, api):
    training_services.session_create(
        actor=world.other_lead,
        project=world.other_project,
        kind="end_user",
        title="GLOBEX only",
        starts_at=timezone.now(),
    )
    summaries = [str(e["SUMMARY"]) for e in _events(api(world.lead).get(URL).content)]
    assert not any("GLOBEX" in s for s in summaries)
    assert api(world.other_customer).get(URL).status_code == 404


def test_token_authentication(world, api):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=world.customer_member)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(URL, HTTP_ACCEPT="text/calendar")
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize("count", [3, 30])
def test_calendar_queries_do_not_grow(world, api, django_assert_max_num_queries, count):
    for i in range(count):
        _session(world, f"S{i}", trainer=world.consultant)
        engagement_services.meeting_create(
            actor=world.lead, project=world.project, kind="other", title=f"M{i}", starts_at=timezone.now()
        )
    with django_assert_max_num_queries(7):  # project, roles, one per kind of event
        response = api(world.customer_member).get(URL)
    assert len(_events(response.content)) == 2 * count + 2
