"""Secret per-user calendar feeds: create, list, fetch without signing in, revoke."""

from __future__ import annotations

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from golive.accounts import services as account_services
from golive.audit.models import AuditEvent
from golive.calendars.models import CalendarFeed
from golive.training import services as training_services
from tests.factories import make_project

FEEDS = "/api/v1/calendar-feeds/"


def _session(actor, project, title):
    return training_services.session_create(
        actor=actor, project=project, kind="end_user", title=title, starts_at=timezone.now()
    )


def _summaries(body: bytes) -> set[str]:
    return {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_create_list_and_fetch_without_login(world, api):
    _session(world.lead, world.project, "ACME training")
    _session(world.other_lead, world.other_project, "GLOBEX training")
    response = api(world.customer_member).post(FEEDS)
    assert response.status_code == 201
    body = response.json()
    assert body["active"] is True and body["url"].startswith("http://testserver/calendar/")
    assert body["url"].endswith(".ics")
    feed = CalendarFeed.objects.get(pk=body["id"])
    assert len(feed.token) >= 43 and feed.user == world.customer_member
    assert AuditEvent.objects.filter(action="calendar_feed.created", object_id=str(feed.pk)).exists()

    api(world.lead).post(FEEDS)
    listed = api(world.customer_member).get(FEEDS).json()
    assert [f["id"] for f in listed["results"]] == [feed.pk]

    fetched = Client().get(_path(body["url"]))  # no session, no token header
    assert fetched.status_code == 200
    assert fetched["Content-Type"] == "text/calendar; charset=utf-8"
    summaries = _summaries(fetched.content)
    assert "[ACME] ACME training" in summaries
    assert not any("GLOBEX" in s for s in summaries)


def test_feed_follows_what_the_user_may_see_now(world, api):
    url = _path(api(world.outsider).post(FEEDS).json()["url"])
    _session(world.lead, world.project, "ACME training")
    assert not any("ACME" in s for s in _summaries(Client().get(url).content))
    account_services.membership_add(actor=world.lead, project=world.project, user=world.outsider, role="consultant")
    assert "[ACME] ACME training" in _summaries(Client().get(url).content)


def test_revoked_and_unknown_tokens_are_404(world, api):
    client = api(world.customer_member)
    created = client.post(FEEDS).json()
    url = _path(created["url"])
    assert Client().get(url).status_code == 200
    revoked = client.post(f"{FEEDS}{created['id']}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["active"] is False and revoked.json()["revoked_at"]
    assert Client().get(url).status_code == 404
    assert Client().get("/calendar/not-a-token.ics").status_code == 404
    again = client.post(f"{FEEDS}{created['id']}/revoke/")
    assert again.status_code == 409


def test_feed_of_a_deactivated_user_is_404(world, api):
    url = _path(api(world.customer_member).post(FEEDS).json()["url"])
    world.customer_member.is_active = False
    world.customer_member.save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404


def test_cannot_revoke_someone_elses_feed(world, api):
    created = api(world.customer_member).post(FEEDS).json()
    response = api(world.lead).post(f"{FEEDS}{created['id']}/revoke/")
    assert response.status_code == 404
    assert CalendarFeed.objects.get(pk=created["id"]).revoked_at is None


def test_feed_needs_a_signed_in_caller_to_manage(world, api):
    assert api().get(FEEDS).status_code == 401
    assert api().post(FEEDS).status_code == 401
    assert not CalendarFeed.objects.exists()


def test_only_get_is_served(world, api):
    url = _path(api(world.customer_member).post(FEEDS).json()["url"])
    assert Client().post(url).status_code == 405


@pytest.mark.parametrize("count", [2, 8])
def test_feed_queries_do_not_grow_with_projects(world, api, django_assert_max_num_queries, count):
    for i in range(count):
        project = make_project(actor=world.lead, key=f"P{i}", customer=world.acme)
        for j in range(3):
            _session(world.lead, project, f"S{j}")
    url = _path(api(world.admin).post(FEEDS).json()["url"])
    with django_assert_max_num_queries(7):  # feed, projects, one per kind of event
        response = Client().get(url)
    # Admin sees every project: per project a planned go-live, a cutover week and its sessions.
    summaries = _summaries(response.content)
    assert sum(s.endswith("S0") for s in summaries) == count
