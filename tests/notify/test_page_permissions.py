"""Generated permission table of the integrations pages (STYLE.md 6): every route, every role of ACME (allowed ->
200/302, denied -> 403), other tenants -> 404, anonymous -> 302 to the login page.

Each row is (route name, method, data, allowed roles, state). ``state`` builds what the route needs through the
services: ``webhook`` (a webhook of ACME), ``failed`` (plus a failed delivery).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from golive.api import CONSULTANTS, VENDOR_STAFF
from golive.notify import services
from tests.web.html_permissions import html_permission_tests

HOOK = "https://hooks.example.invalid/golive"


def _jira_file():
    return {"file": SimpleUploadedFile("jira.csv", b"Summary,Priority\r\nBroken,High\r\n", content_type="text/csv")}


ROUTES = [
    ("web:integrations", "get", None, VENDOR_STAFF, "webhook"),
    (
        "web:webhook-create",
        "post",
        {"url": HOOK, "events": ["golive"], "format": "golive", "language": "en"},
        CONSULTANTS,
        "webhook",
    ),
    ("web:webhook", "get", None, VENDOR_STAFF, "webhook"),
    (
        "web:webhook-edit",
        "post",
        {"url": HOOK, "events": ["golive"], "format": "slack", "language": "ko", "active": "on"},
        CONSULTANTS,
        "webhook",
    ),
    ("web:webhook-test", "post", {}, CONSULTANTS, "webhook"),
    ("web:webhook-delete", "post", {}, CONSULTANTS, "webhook"),
    ("web:webhook-redeliver", "post", {}, CONSULTANTS, "failed"),
    ("web:jira-import", "post", _jira_file, CONSULTANTS, "webhook"),
    ("web:signoff-request", "post", {"message": "Please"}, CONSULTANTS, "webhook"),
]


def _args(name: str, built: dict) -> list:
    if name in ("web:webhook", "web:webhook-edit", "web:webhook-test", "web:webhook-delete"):
        return ["ACME", built["webhook"].pk]
    if name == "web:webhook-redeliver":
        return ["ACME", built["webhook"].pk, built["delivery"].pk]
    return ["ACME"]


@pytest.fixture
def build(world):
    def make(state: str) -> dict:
        webhook = services.webhook_create(actor=world.lead, project=world.project, url=HOOK, events=["issue.created"])
        built = {"webhook": webhook}
        if state == "failed":
            delivery = services.webhook_test(actor=world.lead, webhook=webhook)
            services.webhook_update(actor=world.lead, webhook=webhook, active=False)
            services.delivery_attempt(delivery_id=delivery.pk)
            built["delivery"] = delivery
        return built

    return make


def _call(client, name, method, data, built):
    url = reverse(name, args=_args(name, built))
    if method == "get":
        return client.get(url)
    return client.post(url, data() if callable(data) else data)


test_role, test_other_tenant_is_404, test_anonymous_goes_to_login = html_permission_tests(
    ROUTES, _call, success=(200, 302)
)


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["admin", "lead", "customer_member", "other_customer", "outsider"])
def test_everyone_signed_in_sets_their_own_preferences(client, world, user):
    client.force_login(getattr(world, user))
    assert client.get(reverse("web:notification-preferences")).status_code == 200
    response = client.post(reverse("web:notification-preferences"), {"muted": ["hypercare_digest"]})
    assert response.status_code == 302
    assert list(getattr(world, user).notification_mutes.values_list("kind", flat=True)) == ["hypercare_digest"]


@pytest.mark.django_db
def test_preferences_need_a_login(client):
    response = client.get(reverse("web:notification-preferences"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
