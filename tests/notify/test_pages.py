"""The integrations pages: add a webhook (its secret shown once), send a test event with htmx, read the delivery
log, import a Jira CSV with its row errors, request a sign-off; bounded queries whatever the data."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from golive.notify import services
from golive.notify.models import Webhook
from golive.tracker.models import Issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(client, world):
    client.force_login(world.lead)
    return client


def test_the_project_nav_links_integrations_for_vendor_staff_only(client, world):
    client.force_login(world.support)
    assert (
        reverse("web:integrations", args=["ACME"]) in client.get(reverse("web:issues", args=["ACME"])).content.decode()
    )
    client.force_login(world.customer_lead)
    assert (
        reverse("web:integrations", args=["ACME"])
        not in client.get(reverse("web:issues", args=["ACME"])).content.decode()
    )


def test_adding_a_webhook_shows_its_secret_once(lead_client, world, receiver):
    response = lead_client.post(
        reverse("web:webhook-create", args=["ACME"]),
        {"url": receiver.url, "events": ["issue.created", "golive"], "format": "teams", "language": "ko"},
    )
    assert response.status_code == 200
    webhook = Webhook.objects.get()
    page = response.content.decode()
    assert webhook.secret in page and 'id="webhook-secret"' in page
    again = lead_client.get(reverse("web:webhook", args=["ACME", webhook.pk])).content.decode()
    assert webhook.secret not in again and webhook.secret_hint in again
    assert (webhook.format, webhook.language, webhook.events) == ("teams", "ko", ["issue.created", "golive"])


def test_a_bad_webhook_form_is_400_with_the_reason(lead_client, settings):
    settings.GOLIVE_WEBHOOK_ALLOW_PRIVATE = False
    response = lead_client.post(
        reverse("web:webhook-create", args=["ACME"]),
        {"url": "http://192.168.1.20/hook", "events": ["golive"], "format": "golive", "language": "en"},
    )
    assert response.status_code == 400
    assert "private" in response.content.decode()
    assert not Webhook.objects.exists()


def test_send_test_event_with_htmx_returns_the_refreshed_log(
    lead_client, world, webhook, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(reverse("web:webhook-test", args=["ACME", webhook.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" aria-labelledby="deliveries-title" id="deliveries">')
    assert "Test event sent." in html and "<td>test</td>" in html
    assert len(receiver.requests) == 1  # sent once the request's transaction committed


def test_a_failed_delivery_can_be_sent_again_from_the_log(lead_client, world, webhook, receiver):
    receiver.statuses = [500] * 4
    delivery = services.webhook_test(actor=world.lead, webhook=webhook)
    for _ in range(4):
        delivery.refresh_from_db()
        services.delivery_attempt(delivery_id=delivery.pk, now=delivery.next_attempt_at)
    page = lead_client.get(reverse("web:webhook", args=["ACME", webhook.pk])).content.decode()
    assert "Failed" in page and "HTTP 500: receiver says no" in page and "Send again" in page
    response = lead_client.post(reverse("web:webhook-redeliver", args=["ACME", webhook.pk, delivery.pk]))
    assert response.status_code == 302
    assert webhook.deliveries.count() == 2


def test_jira_import_errors_are_listed_and_nothing_is_created(lead_client):
    data = b"Summary,Priority\r\nGood,High\r\nBad,Catastrophic\r\n"
    response = lead_client.post(
        reverse("web:jira-import", args=["ACME"]),
        {"file": SimpleUploadedFile("jira.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-errors"' in html and "Catastrophic" in html and "Nothing was imported." in html
    assert not Issue.objects.exists()
    ok = lead_client.post(
        reverse("web:jira-import", args=["ACME"]),
        {"file": SimpleUploadedFile("jira.csv", b"Summary,Priority\r\nGood,High\r\n", content_type="text/csv")},
    )
    assert ok.status_code == 302
    assert Issue.objects.get().severity == "P2"


def test_signoff_request_from_the_page(lead_client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(reverse("web:signoff-request", args=["ACME"]), {"message": "Ready"}, follow=True)
    assert "Sign-off request sent to customer_lead." in response.content.decode()
    assert len(mailoutbox) == 1


def test_pages_read_in_bounded_queries(lead_client, world, receiver, django_assert_max_num_queries):
    from golive.notify.services import signoff_request

    webhook = services.webhook_create(actor=world.lead, project=world.project, url=receiver.url, events=["golive"])
    services.delivery_attempt(delivery_id=services.webhook_test(actor=world.lead, webhook=webhook).pk)
    signoff_request(actor=world.lead, project=world.project)
    lead_client.get(reverse("web:integrations", args=["ACME"]))

    def count(url) -> int:
        with django_assert_max_num_queries(20) as captured:
            assert lead_client.get(url).status_code == 200
        return len(captured)

    pages = [reverse("web:integrations", args=["ACME"]), reverse("web:webhook", args=["ACME", webhook.pk])]
    before = [count(url) for url in pages]
    for _ in range(10):
        services.webhook_create(actor=world.lead, project=world.project, url=receiver.url, events=["golive"])
        delivery = services.webhook_test(actor=world.lead, webhook=webhook)
        services.delivery_attempt(delivery_id=delivery.pk)
        signoff_request(actor=world.lead, project=world.project)
    assert [count(url) for url in pages] == before
