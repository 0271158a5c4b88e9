"""Generated permission table of the debrief HTML routes (STYLE.md 6): every route, every role of ACME
(allowed -> 200/302, denied -> 403), other tenants -> 404, anonymous -> 302 to the login page.

Each row is (route name, method, data, allowed roles, state). ``state`` builds what the route needs through the
services: ``board`` (a note by the customer member, with an action owned by the consultant), ``done`` (that
action done), ``published`` (a published report).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from golive.api import ANY_MEMBER, CONSULTANTS, LEADS
from golive.debrief import services
from tests.web.html_permissions import html_permission_tests

AUTHOR_OR_LEAD = LEADS | {"customer_member"}
OWNER_OR_LEAD = LEADS | {"consultant"}

ROUTES = [
    ("web:retro", "get", None, ANY_MEMBER, "board"),
    ("web:retro-more", "get", {"column": "went_well", "offset": "1"}, ANY_MEMBER, "board"),
    ("web:retro-actions-more", "get", {"offset": "1"}, ANY_MEMBER, "board"),
    ("web:retro-item-add", "post", {"column": "went_well", "text": "Quick answers"}, ANY_MEMBER, "board"),
    (
        "web:retro-item-add",
        "post",
        {"column": "action", "text": "Book trainers", "owner": "consultant", "due_date": "2030-01-31"},
        ANY_MEMBER,
        "board",
    ),
    ("web:retro-item-vote", "post", {}, ANY_MEMBER, "board"),
    ("web:retro-item-edit", "post", {"text": "Changed", "group": "Speed"}, AUTHOR_OR_LEAD, "board"),
    ("web:retro-item-delete", "post", {}, AUTHOR_OR_LEAD, "board"),
    ("web:retro-group", "post", {"group": "Speed"}, CONSULTANTS, "board"),
    ("web:retro-action-complete", "post", {}, OWNER_OR_LEAD, "board"),
    ("web:retro-action-reopen", "post", {}, OWNER_OR_LEAD, "done"),
    ("web:report", "get", None, ANY_MEMBER, "board"),
    ("web:report-download", "get", {"format": "md"}, ANY_MEMBER, "board"),
    ("web:report-download", "get", {"format": "pdf"}, ANY_MEMBER, "board"),
    ("web:report-publish", "post", {}, LEADS, "board"),
    ("web:report-published", "get", {"format": "json"}, ANY_MEMBER, "published"),
]


@pytest.fixture
def build(world):
    def make(state: str) -> dict:
        item = services.retro_item_create(
            actor=world.customer_member, project=world.project, column="went_well", text="Fast answers"
        )
        action = services.retro_action_create(
            actor=world.lead, project=world.project, title="Share the SLA", owner=world.consultant
        )
        if state == "done":
            services.retro_action_complete(actor=world.consultant, action=action)
        if state == "published":
            services.report_publish(actor=world.lead, project=world.project)
        return {"item": item, "action": action}

    return make


def _args(name: str, built: dict) -> list:
    if name.startswith("web:retro-item-") and name != "web:retro-item-add":
        return ["ACME", built["item"].pk]
    if name.startswith("web:retro-action-"):
        return ["ACME", built["action"].pk]
    if name == "web:report-published":
        return ["ACME", 1]
    return ["ACME"]


def _call(client, name, method, data, built):
    url = reverse(name, args=_args(name, built))
    if method == "get":
        return client.get(url, data or {})
    if name == "web:retro-group":
        data = {**data, "items": [built["item"].pk]}
    return client.post(url, data)


test_role, test_other_tenant_is_404, test_anonymous_goes_to_login = html_permission_tests(ROUTES, _call)


def test_html_roles_mirror_the_api():
    from golive.debrief.api import (
        ReportPublishView,
        ReportView,
        RetroActionCompleteView,
        RetroGroupView,
        RetroItemListView,
        RetroVoteView,
    )

    assert RetroItemListView.roles == {"GET": ANY_MEMBER, "POST": ANY_MEMBER}
    assert RetroVoteView.roles["POST"] == RetroActionCompleteView.roles["POST"] == ANY_MEMBER
    assert RetroGroupView.roles["POST"] == CONSULTANTS
    assert ReportPublishView.roles["POST"] == LEADS
    assert ReportView.roles["GET"] == ANY_MEMBER
