"""``POST /api/v1/auth/token/rotate/``: a new API token for the caller; the old one stops working at once."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from golive.accounts import services
from golive.audit.models import AuditEvent
from tests.factories import PASSWORD

URL = "/api/v1/auth/token/rotate/"


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_rotation_with_the_token_replaces_it_at_once(world):
    old = services.token_get_or_create(user=world.customer_lead).key
    response = _client(old).post(URL)
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    new = response.json()["token"]
    assert new != old
    assert _client(old).get("/api/v1/me/").status_code == 401
    assert _client(new).get("/api/v1/me/").json()["username"] == "customer_lead"
    assert Token.objects.get(user=world.customer_lead).key == new
    event = AuditEvent.objects.get(action="token.rotated")
    assert (event.actor, event.project) == (world.customer_lead, None)
    # The token exchange now hands out the new key.
    exchanged = APIClient().post("/api/v1/auth/token/", {"username": "customer_lead", "password": PASSWORD})
    assert exchanged.json()["token"] == new


def test_rotation_in_a_browser_session_needs_the_csrf_token(world):
    old = services.token_get_or_create(user=world.lead).key
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="lead", password=PASSWORD)
    assert client.post(URL).status_code == 403  # no CSRF token: a forged cross-site post changes nothing
    assert Token.objects.get(user=world.lead).key == old
    client.get("/login/")  # sets the CSRF cookie
    response = client.post(URL, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 200
    assert response.json()["token"] != old
    assert _client(old).get("/api/v1/me/").status_code == 401


def test_rotation_without_a_previous_token_creates_one(world, api):
    response = api(world.consultant).post(URL)
    assert response.status_code == 200
    assert Token.objects.get(user=world.consultant).key == response.json()["token"]


def test_anonymous_rotation_is_401_and_changes_nothing(world, nothing_written):
    services.token_get_or_create(user=world.lead)
    with nothing_written():
        response = APIClient().post(URL)
    assert response.status_code == 401
    assert Token.objects.count() == 1


def test_a_wrong_token_cannot_rotate(world):
    assert _client("not-a-real-token").post(URL).status_code == 401
