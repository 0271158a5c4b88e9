"""Reads of notifications and integrations, scoped by the project the caller already reached (``golive.api``,
``golive.web.access``): webhooks with their delivery counts, delivery logs with their attempts, the e-mail log,
and a user's mute preferences."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404

from golive.notify.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    NotificationKind,
    NotificationMute,
    Webhook,
)


def webhook_list(*, project) -> QuerySet[Webhook]:
    """The project's webhooks with how many deliveries are pending, delivered and failed, and the last one's time."""
    return (
        Webhook.objects.filter(project=project)
        .select_related("created_by")
        .annotate(
            pending_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
            delivered_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            last_delivery_at=Max("deliveries__created_at"),
        )
        .order_by("id")
    )


def webhook_get(*, project, webhook_id) -> Webhook:
    """One webhook of the project (404 for a missing one or another project's)."""
    webhook = webhook_list(project=project).filter(pk=webhook_id).first()
    if webhook is None:
        raise Http404("No such webhook.")
    webhook.project = project
    return webhook


def delivery_list(*, webhook, filters=None) -> QuerySet[Delivery]:
    """A webhook's deliveries, newest first, each with its attempts; ``status`` and ``event`` filter."""
    filters = filters or {}
    qs = Delivery.objects.filter(webhook=webhook).prefetch_related(
        Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number"))
    )
    if filters.get("status"):
        qs = qs.filter(status__in=str(filters["status"]).split(","))
    if filters.get("event"):
        qs = qs.filter(event__in=str(filters["event"]).split(","))
    return qs.order_by("-created_at", "-id")


def delivery_get(*, webhook, delivery_id) -> Delivery:
    delivery = Delivery.objects.filter(webhook=webhook, pk=delivery_id).select_related("webhook", "project").first()
    if delivery is None:
        raise Http404("No such delivery.")
    return delivery


def notification_list(*, project, filters=None) -> QuerySet[Notification]:
    """E-mails queued and sent for the project, newest first; ``kind``, ``status`` and ``recipient`` filter."""
    filters = filters or {}
    qs = Notification.objects.filter(project=project).select_related("recipient")
    if filters.get("kind"):
        qs = qs.filter(kind__in=str(filters["kind"]).split(","))
    if filters.get("status"):
        qs = qs.filter(status__in=str(filters["status"]).split(","))
    if filters.get("recipient"):
        qs = qs.filter(recipient__username=filters["recipient"])
    return qs.order_by("-created_at", "-id")


def muted_kinds(*, user) -> list[str]:
    return sorted(NotificationMute.objects.filter(user=user).values_list("kind", flat=True))


def notification_kinds() -> list[tuple[str, str]]:
    return list(NotificationKind.choices)
