"""Fixtures of the notification tests: a real local receiver, private targets allowed (it is on 127.0.0.1), and
helpers that build webhooks and run published events."""

from __future__ import annotations

import pytest

from tests.notify.receiver import Receiver


@pytest.fixture(autouse=True)
def _notify_settings(settings):
    settings.GOLIVE_WEBHOOK_ALLOW_PRIVATE = True
    settings.GOLIVE_WEBHOOK_RETRY_SECONDS = 30
    settings.GOLIVE_WEBHOOK_MAX_ATTEMPTS = 4
    settings.GOLIVE_WEBHOOK_TIMEOUT_SECONDS = 5
    settings.BROKER_URL = None
    settings.GOLIVE_BASE_URL = "https://golive.example.com"


@pytest.fixture
def receiver():
    server = Receiver().up()
    yield server
    server.down()


@pytest.fixture
def webhook(world, receiver):
    """A webhook of ACME on the local receiver, subscribed to every event."""
    from golive.notify import services
    from golive.notify.models import EVENTS

    return services.webhook_create(
        actor=world.lead, project=world.project, url=receiver.url, events=list(EVENTS), secret="s3cret-for-tests"
    )
