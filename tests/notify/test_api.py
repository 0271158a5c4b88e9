"""The webhooks API: the contract's input, a write-only secret, bad input answered 400 with nothing written, the
delivery log, test events, sign-off requests, the e-mail log and preferences."""

from __future__ import annotations

import pytest

from golive.notify import services
from golive.notify.models import Delivery, DeliveryStatus, Notification, Webhook
from golive.tracker import services as tracker_services

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/ACME/webhooks/"


def _walk(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


def test_create_with_the_contract_input_returns_the_secret_once(world, api, receiver):
    client = api(world.lead)
    response = client.post(
        URL, {"url": receiver.url, "events": ["issue.created", "golive"], "secret": "my-own-secret"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["secret"] == "my-own-secret"
    assert body["events"] == ["issue.created", "golive"] and body["format"] == "golive" and body["active"] is True
    assert body["secret_hint"] == "…cret"
    listed = client.get(URL).json()
    detail = client.get(f"{URL}{body['id']}/").json()
    for shown in (listed, detail):
        assert "secret" not in set(_walk(shown))
        assert "my-own-secret" not in str(shown)
    assert listed["results"][0]["deliveries"] == {"pending": 0, "delivered": 0, "failed": 0}


def test_a_secret_is_generated_when_none_is_given(world, api, receiver):
    response = api(world.lead).post(URL, {"url": receiver.url, "events": ["golive"]}, format="json")
    secret = response.json()["secret"]
    assert len(secret) == 64 and int(secret, 16) >= 0
    assert Webhook.objects.get().secret == secret


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "ftp://files.example.com/hook", "events": ["golive"]}, "url"),
        ({"url": "javascript:alert(1)", "events": ["golive"]}, "url"),
        ({"url": "https://user:pw@hooks.example.com/", "events": ["golive"]}, "url"),
        ({"url": "not a url", "events": ["golive"]}, "url"),
        ({"url": "https://hooks.example.com/", "events": ["issue.deleted"]}, "events"),
        ({"url": "https://hooks.example.com/", "events": []}, "events"),
        ({"url": "https://hooks.example.com/", "events": ["golive"], "secret": "short"}, "secret"),
        ({"url": "https://hooks.example.com/", "events": ["golive"], "format": "discord"}, "format"),
        ({"url": "https://hooks.example.com/", "events": ["golive"], "colour": "red"}, "colour"),
        ({"events": ["golive"]}, "url"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(world, api, payload, field):
    response = api(world.lead).post(URL, payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(field)
    assert Webhook.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_private_targets_are_refused_unless_the_administrator_allows_them(world, api, settings, url):
    settings.GOLIVE_WEBHOOK_ALLOW_PRIVATE = False
    response = api(world.lead).post(URL, {"url": url, "events": ["golive"]}, format="json")
    assert response.status_code == 400
    assert "private" in response.json()["errors"]["url"][0]
    settings.GOLIVE_WEBHOOK_ALLOW_PRIVATE = True
    assert api(world.lead).post(URL, {"url": url, "events": ["golive"]}, format="json").status_code == 201


def test_a_name_resolving_to_a_private_address_is_refused(world, api, settings, monkeypatch):
    import socket

    settings.GOLIVE_WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: [(2, 1, 6, "", ("93.184.216.34", 0)), (2, 1, 6, "", ("10.0.0.7", 0))],
    )
    response = api(world.lead).post(URL, {"url": "https://rebind.example.com/", "events": ["golive"]}, format="json")
    assert response.status_code == 400 and "private" in response.json()["errors"]["url"][0]


def test_patch_changes_and_rotates_without_showing_the_secret(world, api, webhook):
    client = api(world.lead)
    response = client.patch(
        f"{URL}{webhook.pk}/", {"events": ["golive"], "active": False, "secret": "rotated-secret"}, format="json"
    )
    assert response.status_code == 200
    assert "rotated-secret" not in str(response.json())
    webhook.refresh_from_db()
    assert (webhook.events, webhook.active, webhook.secret) == (["golive"], False, "rotated-secret")
    bad = client.patch(f"{URL}{webhook.pk}/", {"events": ["nope"]}, format="json")
    assert bad.status_code == 400 and "events" in bad.json()["errors"]
    from golive.audit.models import AuditEvent

    rotation = AuditEvent.objects.filter(action="webhook.updated").get()
    assert rotation.changes["secret"] == "rotated"


def test_delete_removes_the_webhook_and_its_log(world, api, webhook):
    services.webhook_test(actor=world.lead, webhook=webhook)
    assert api(world.lead).delete(f"{URL}{webhook.pk}/").status_code == 204
    assert not Webhook.objects.exists() and not Delivery.objects.exists()


def test_another_projects_webhook_is_404(world, api, receiver):
    other = services.webhook_create(
        actor=world.other_lead, project=world.other_project, url=receiver.url, events=["golive"]
    )
    assert api(world.lead).get(f"{URL}{other.pk}/").status_code == 404
    assert api(world.admin).get(f"/api/v1/projects/GLOBEX/webhooks/{other.pk}/").status_code == 200


def test_send_test_event_and_read_the_log(world, api, webhook, receiver, django_capture_on_commit_callbacks):
    client = api(world.lead)
    receiver.statuses = [502]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{webhook.pk}/test/")
    assert response.status_code == 201
    assert response.json()["event"] == "test"
    log = client.get(f"{URL}{webhook.pk}/deliveries/").json()
    (delivery,) = log["results"]
    assert delivery["status"] == "pending" and delivery["attempts"] == 1 and delivery["last_status_code"] == 502
    assert delivery["attempt_log"][0]["status_code"] == 502
    assert set(delivery["attempt_log"][0]) == {"number", "at", "status_code", "latency_ms", "error"}
    assert client.get(f"{URL}{webhook.pk}/deliveries/?status=failed").json()["count"] == 0
    listed = client.get(URL).json()["results"][0]
    assert listed["deliveries"]["pending"] == 1 and listed["last_delivery_at"]


def test_redeliver_refuses_a_delivery_that_did_not_fail(world, api, webhook):
    delivery = services.webhook_test(actor=world.lead, webhook=webhook)
    response = api(world.lead).post(f"{URL}{webhook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 409


def test_the_delivery_log_reads_in_constant_queries(world, api, webhook, django_assert_max_num_queries):
    client = api(world.lead)

    def read():
        with django_assert_max_num_queries(8) as captured:
            assert client.get(f"{URL}{webhook.pk}/deliveries/").status_code == 200
        return len(captured)

    services.webhook_test(actor=world.lead, webhook=webhook)
    read()  # warm: the caller's roles are cached on the user after the first request
    few = read()
    for _ in range(15):
        delivery = services.webhook_test(actor=world.lead, webhook=webhook)
        services.delivery_attempt(delivery_id=delivery.pk)
    assert read() == few


def test_signoff_request_emails_the_customer_lead(world, api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.lead).post(
            "/api/v1/projects/ACME/signoff-requests/", {"message": "Kickoff notes are in."}, format="json"
        )
    assert response.status_code == 201
    assert response.json() == {"phase": "kickoff", "recipients": ["customer_lead"]}
    (mail,) = mailoutbox
    assert mail.to == [world.customer_lead.email]
    assert "Kickoff notes are in." in mail.body
    assert "sign off" in mail.subject
    wrong = api(world.lead).post("/api/v1/projects/ACME/signoff-requests/", {"phase": "uat"}, format="json")
    assert wrong.status_code == 400 and "phase" in wrong.json()["errors"]


def test_signoff_request_without_a_customer_lead_is_409(world, api):
    response = api(world.other_lead).post("/api/v1/projects/GLOBEX/signoff-requests/", {}, format="json")
    assert response.status_code == 201  # GLOBEX has its customer lead
    from golive.accounts.models import Membership

    Membership.objects.filter(project=world.other_project, role="customer_lead").delete()
    response = api(world.other_lead).post("/api/v1/projects/GLOBEX/signoff-requests/", {}, format="json")
    assert response.status_code == 409


def test_the_email_log_lists_what_was_sent(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Down", severity="P1")
    log = api(world.support).get("/api/v1/projects/ACME/notifications/").json()
    assert {row["recipient"] for row in log["results"]} == {"lead", "consultant"}
    assert {row["status"] for row in log["results"]} == {"sent"}
    assert all(row["subject"].startswith("[ACME] New P1 issue") for row in log["results"])
    assert api(world.support).get("/api/v1/projects/ACME/notifications/?recipient=lead").json()["count"] == 1


def test_preferences_mute_kinds(world, api):
    client = api(world.consultant)
    body = client.get("/api/v1/me/notification-preferences/").json()
    assert body["muted"] == [] and {k["kind"] for k in body["kinds"]} >= {"issue_new", "sla_breach"}
    response = client.put("/api/v1/me/notification-preferences/", {"muted": ["issue_new"]}, format="json")
    assert response.status_code == 200 and response.json()["muted"] == ["issue_new"]
    bad = client.put("/api/v1/me/notification-preferences/", {"muted": ["everything"]}, format="json")
    assert bad.status_code == 400 and "muted" in bad.json()["errors"]
    assert Notification.objects.count() == 0
    assert list(world.consultant.notification_mutes.values_list("kind", flat=True)) == ["issue_new"]


def test_preferences_with_a_bad_item_in_the_list_is_400_naming_the_field(world, api):
    """Found by the schema fuzzer: errors of a list item are keyed by its index, which the error format used to
    choke on (a 500)."""
    client = api(world.consultant)
    response = client.put("/api/v1/me/notification-preferences/", {"muted": ["issue_new", ""]}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("muted: ")
    assert "muted" in response.json()["errors"]
    assert not world.consultant.notification_mutes.exists()


def test_deliveries_of_a_deleted_issue_still_render(world, webhook, receiver):
    """Ids only: a task that finds its row gone sends what it can instead of failing."""
    from golive.notify.services import event_dispatch

    result = event_dispatch(
        event="issue.created",
        project_id=world.project.pk,
        occurred_at="2026-11-25T09:00:00+00:00",
        actor_id=None,
        ids={"issue": 999999},
    )
    assert result["deliveries"] == 1
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
