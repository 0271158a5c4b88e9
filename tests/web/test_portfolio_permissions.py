"""Permission table of the portfolio's HTML pages (STYLE.md 6). They are not project routes: every signed-in
user gets 200 and sees only the projects they may see (another tenant's never appear), and an anonymous
visitor is sent to the login page. Add every new portfolio page here.

Each row is (route name, htmx fragment or not). The state: ACME and GLOBEX both in deployment, with a
planned go-live inside the calendar, a breached issue each and an open retro action each, so that every
panel of the pages has something of both tenants to show or to hide. "What needs me today" lists only the
caller's own items, so the administrator (a member of neither project) sees neither there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from golive.debrief import services as debrief_services
from golive.lifecycle import services as lifecycle_services
from tests.lifecycle import portfolio_builders as build
from tests.tracker.helpers import to_phase

ROUTES = [
    ("web:portfolio", False),
    ("web:portfolio", True),
    ("web:today", False),
    ("web:today", True),
    ("web:portfolio-figures", False),
    ("web:portfolio-figures", True),
]
USERS = [
    "admin",
    "lead",
    "consultant",
    "support",
    "customer_lead",
    "customer_member",
    "outsider",
    "other_lead",
    "other_customer",
]
# Who sees ACME's name on the pages; GLOBEX is seen by its own members and the administrator.
SEES_ACME = {"admin", "lead", "consultant", "support", "customer_lead", "customer_member"}
SEES_GLOBEX = {"admin", "other_lead", "other_customer"}


@pytest.fixture
def state(world):
    for project, lead, owner in (
        (world.project, world.lead, world.customer_lead),
        (world.other_project, world.other_lead, world.other_customer),
    ):
        lifecycle_services.project_update(
            actor=lead, project=project, planned_go_live=build.today() + dt.timedelta(days=10)
        )
        to_phase(project, "deployment", actor=lead)
        build.report(project, actor=lead, days_ago=6, severity="P1", assignee=lead)
        debrief_services.retro_action_create(actor=lead, project=project, title=f"Action of {project.key}", owner=owner)


def _get(client, name: str, fragment: bool):
    headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
    return client.get(reverse(name), **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "fragment"), ROUTES)
@pytest.mark.parametrize("user", USERS)
def test_every_signed_in_user_gets_the_page_with_only_their_projects(client, world, state, name, fragment, user):
    client.force_login(getattr(world, user))
    response = _get(client, name, fragment)
    assert response.status_code == 200
    content = response.content.decode()
    sees_acme, sees_globex = SEES_ACME, SEES_GLOBEX
    if name == "web:today":  # only the caller's own items: the administrator is a member of neither project
        sees_acme, sees_globex = SEES_ACME - {"admin"}, SEES_GLOBEX - {"admin"}
    assert ("ACME" in content or "Acme" in content) == (user in sees_acme)
    assert ("GLOBEX" in content or "Globex" in content) == (user in sees_globex)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "fragment"), ROUTES)
def test_anonymous_goes_to_login(client, world, name, fragment):
    response = _get(client, name, fragment)
    if fragment:  # htmx is told to load the login page instead of swapping it into the panel
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(reverse("web:login") + "?next=")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["web:portfolio", "web:today", "web:portfolio-figures"])
def test_only_get(client, world, name):
    client.force_login(world.lead)
    assert client.post(reverse(name)).status_code == 405
