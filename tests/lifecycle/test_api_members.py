"""API of project members."""

from __future__ import annotations

import pytest

from golive.accounts.models import Membership
from golive.audit.models import AuditEvent
from tests.factories import UserFactory


def test_member_list_shape(world, api):
    body = api(world.customer_member).get("/api/v1/projects/ACME/members/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    rows = {m["user"]: m for m in body["results"]}
    assert {u: m["role"] for u, m in rows.items()} == {
        "lead": "consultant_lead",
        "consultant": "consultant",
        "support": "support",
        "customer_lead": "customer_lead",
        "customer_member": "customer_member",
    }
    assert rows["customer_lead"]["organization"] == "acme"
    assert set(rows["lead"]) >= {"user", "role", "organization", "name"}


def test_member_list_role_filter(world, api):
    body = api(world.lead).get("/api/v1/projects/ACME/members/", {"role": "customer_lead"}).json()
    assert [m["user"] for m in body["results"]] == ["customer_lead"]


def test_add_member_gives_access(world, api):
    response = api(world.lead).post(
        "/api/v1/projects/ACME/members/", {"user": "outsider", "role": "consultant"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["user"] == "outsider" and response.json()["role"] == "consultant"
    # A fresh client: the outsider now sees the project.
    assert api(type(world.outsider).objects.get(pk=world.outsider.pk)).get("/api/v1/projects/ACME/").status_code == 200
    event = AuditEvent.objects.get(project=world.project, action="membership.added", changes__user="outsider")
    assert event.actor == world.lead


def test_add_existing_member_changes_role(world, api):
    response = api(world.admin).post(
        "/api/v1/projects/ACME/members/", {"user": "consultant", "role": "support"}, format="json"
    )
    assert response.status_code == 201
    assert Membership.objects.get(project=world.project, user=world.consultant).role == "support"
    assert Membership.objects.filter(project=world.project, user=world.consultant).count() == 1
    event = AuditEvent.objects.get(project=world.project, action="membership.changed")
    assert event.changes == {"role": ["consultant", "support"]}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"user": "nobody", "role": "consultant"}, "user"),
        ({"user": "outsider", "role": "boss"}, "role"),
        ({"user": "customer_member", "role": "consultant"}, "role"),
        ({"user": "customer_member", "role": "support"}, "role"),
        ({"user": "other_customer", "role": "customer_member"}, "user"),
        ({"user": "outsider", "role": "customer_lead"}, "role"),
        ({"role": "consultant"}, "user"),
    ],
)
def test_add_member_bad_input(world, api, nothing_written, payload, field):
    with nothing_written():
        response = api(world.lead).post("/api/v1/projects/ACME/members/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(f"{field}:")


def test_user_without_organization_cannot_join(world, api, nothing_written):
    UserFactory(username="floating")
    with nothing_written():
        response = api(world.lead).post(
            "/api/v1/projects/ACME/members/", {"user": "floating", "role": "consultant"}, format="json"
        )
    assert response.status_code == 400
    assert "user" in response.json()["errors"]


def test_add_member_with_a_nul_character_in_the_user_name_is_400(world, api, nothing_written):
    """Found by the schema fuzzer: PostgreSQL refuses a NUL in a text, which the lookup of ``user`` used to turn
    into a 500."""
    with nothing_written():
        response = api(world.lead).post(
            "/api/v1/projects/ACME/members/", {"user": "out\x00sider", "role": "consultant"}, format="json"
        )
    assert response.status_code == 400
    assert response.json()["detail"]
