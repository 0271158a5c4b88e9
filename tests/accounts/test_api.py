"""API of accounts: token exchange, organizations, users and ``me``."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from golive.accounts.models import Organization, User
from golive.audit.models import AuditEvent
from tests.factories import PASSWORD, OrganizationFactory


def _token(username, password=PASSWORD):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_token_exchange_then_token_authentication(world):
    response = _token("customer_lead")
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {"username": "customer_lead", "organization": "acme", "is_admin": False}
    assert client.get("/api/v1/projects/ACME/").json()["key"] == "ACME"
    # The same token on the second exchange.
    assert _token("customer_lead").json()["token"] == token


def test_token_creation_is_audited_once(world):
    _token("customer_lead")
    _token("customer_lead")
    assert AuditEvent.objects.filter(action="token.created", actor=world.customer_lead).count() == 1


def test_wrong_password_is_400_and_creates_no_token(world, nothing_written):
    with nothing_written():
        response = _token("customer_lead", "wrong-password")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert response.json()["detail"].startswith("password")


def test_token_missing_fields_is_400(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "lead"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_bad_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/me/").status_code == 401


def test_anonymous_gets_401_with_challenge(world):
    response = APIClient().get("/api/v1/projects/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_organization_list_shape_and_kind_filter(world, api):
    response = api(world.lead).get("/api/v1/organizations/")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    acme = next(o for o in body["results"] if o["slug"] == "acme")
    assert acme == {"slug": "acme", "name": "Acme Corp", "kind": "customer", "timezone": "Asia/Seoul"}
    customers = api(world.lead).get("/api/v1/organizations/", {"kind": "customer"}).json()["results"]
    assert {o["slug"] for o in customers} == {"acme", "globex"}


def test_organization_create(world, api):
    payload = {"slug": "initech", "name": "Initech", "kind": "customer", "timezone": "Europe/Berlin"}
    response = api(world.admin).post("/api/v1/organizations/", payload, format="json")
    assert response.status_code == 201
    assert response.json() == payload
    assert Organization.objects.get(slug="initech").timezone == "Europe/Berlin"
    event = AuditEvent.objects.get(action="organization.created", actor=world.admin)
    assert event.changes["slug"] == "initech"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "partner"}, "kind"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"slug": "acme"}, "slug"),
        ({"slug": "not a slug"}, "slug"),
        ({"name": ""}, "name"),
    ],
)
def test_organization_bad_input(world, api, nothing_written, change, field):
    payload = {"slug": "initech", "name": "Initech", "kind": "customer", "timezone": "UTC", **change}
    with nothing_written():
        response = api(world.admin).post("/api/v1/organizations/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(f"{field}:")


def test_user_list_shape_and_organization_filter(world, api):
    body = api(world.admin).get("/api/v1/users/", {"organization": "acme"}).json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first == {
        "username": "customer_lead",
        "email": "customer_lead@example.com",
        "first_name": "",
        "last_name": "",
        "organization": "acme",
        "is_admin": False,
        "language": "",
    }
    assert "password" not in first


def test_user_create_and_sign_in(world, api):
    payload = {"username": "newbie", "password": "long-enough-1", "email": "n@example.com", "organization": "acme"}
    response = api(world.admin).post("/api/v1/users/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["organization"] == "acme"
    assert "password" not in response.json()
    assert User.objects.get(username="newbie").check_password("long-enough-1")
    assert _token("newbie", "long-enough-1").status_code == 200
    assert AuditEvent.objects.filter(action="user.created", object_repr="newbie", actor=world.admin).exists()


def test_user_create_admin_flag(world, api):
    payload = {"username": "boss", "password": "long-enough-1", "organization": "vendor", "is_admin": True}
    assert api(world.admin).post("/api/v1/users/", payload, format="json").status_code == 201
    boss = User.objects.get(username="boss")
    assert boss.is_admin and boss.is_vendor_side


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "short"}, "password"),
        ({"username": "lead"}, "username"),
        ({"organization": "nowhere"}, "organization"),
        ({"email": "not-an-email"}, "email"),
        ({"language": "xx"}, "language"),
    ],
)
def test_user_bad_input(world, api, nothing_written, change, field):
    payload = {"username": "newbie", "password": "long-enough-1", "organization": "acme", **change}
    with nothing_written():
        response = api(world.admin).post("/api/v1/users/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(f"{field}:")


def test_lists_paginate(world, api):
    for n in range(5):
        OrganizationFactory(slug=f"extra{n}")
    body = api(world.admin).get("/api/v1/organizations/", {"page_size": 3}).json()
    assert body["count"] == 8
    assert len(body["results"]) == 3
    assert body["previous"] is None and "page=2" in body["next"]
    last = api(world.admin).get("/api/v1/organizations/", {"page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 2 and last["next"] is None
