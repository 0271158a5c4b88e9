from django.contrib import admin

from golive.admin_mixins import ReadOnlyAdmin
from golive.notify.models import Delivery, DeliveryAttempt, DigestRun, Escalation, Notification, Webhook


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    list_display = ["project", "url", "format", "active", "created_at"]
    list_filter = ["format", "active"]
    search_fields = ["url", "description"]
    list_select_related = ["project"]
    exclude = ["secret"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["webhook", "event", "status", "attempts", "last_status_code", "created_at", "delivered_at"]
    list_filter = ["status", "event"]
    list_select_related = ["webhook"]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["delivery", "number", "at", "status_code", "latency_ms", "error"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["project", "recipient", "kind", "status", "subject", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["project", "recipient"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["issue", "metric", "level", "at"]


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnlyAdmin):
    list_display = ["project", "day", "at"]
