"""Background tasks of notifications (``golive.tasks``): each loads its rows by id and calls a service."""

from __future__ import annotations

from golive.tasks import DISPATCH_EVENT, task


@task(DISPATCH_EVENT)
def dispatch_event(*, event: str, project_id: int, occurred_at: str, actor_id: int | None = None, ids: dict) -> dict:
    """Fan a published domain event out to webhooks and e-mails."""
    from golive.notify.services import event_dispatch

    return event_dispatch(event=event, project_id=project_id, occurred_at=occurred_at, actor_id=actor_id, ids=ids)


@task("notify.deliver")
def deliver(*, delivery_id: int) -> str | None:
    """One attempt of a webhook delivery; schedules the next on failure."""
    from golive.notify.services import delivery_attempt

    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery is not None else None


@task("notify.send_email")
def send_email(*, notification_id: int) -> str | None:
    """Render and send one e-mail."""
    from golive.notify.services import notification_send

    notification = notification_send(notification_id=notification_id)
    return notification.status if notification is not None else None
