"""Notifications and integrations: webhook subscriptions and their delivery log, e-mails sent to users, users'
mute preferences, and the rows that make once-only notifications happen once (escalations, digests, reminders).

A delivery moves only along ``DELIVERY_TRANSITIONS``: ``pending`` until the receiver answers 2xx
(``delivered``) or the attempts run out (``failed``); a failed one can be sent again by hand (``pending``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Events of CONTRACT.md a webhook subscribes to, and what each means.
EVENTS: dict[str, str] = {
    "issue.created": _("An issue is reported"),
    "issue.updated": _("An issue is edited or changes status"),
    "issue.sla_breached": _("An SLA clock of an issue is breached"),
    "phase.advanced": _("The project moves to its next phase"),
    "signoff.recorded": _("A sign-off is recorded"),
    "golive": _("Go-live is recorded"),
    "hypercare.exited": _("Hypercare ends"),
}
# Sent by "send test event" only; not subscribable.
TEST_EVENT = "test"


class WebhookFormat(models.TextChoices):
    GOLIVE = "golive", _("GoLive JSON")
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")


class Webhook(models.Model):
    """A project's subscription: events POSTed to ``url`` as signed JSON (or a Slack or Teams message)."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    # Kept to sign each body (HMAC-SHA256); never shown again after creation.
    secret = models.CharField(max_length=200)
    format = models.CharField(max_length=10, choices=WebhookFormat.choices, default=WebhookFormat.GOLIVE)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "id"]
        indexes = [models.Index(fields=["project", "active"], name="webhook_project_active")]

    def __str__(self) -> str:
        return f"webhook {self.pk} of project {self.project_id}"

    @property
    def secret_hint(self) -> str:
        """The last characters of the secret, enough to tell two secrets apart."""
        return "…" + self.secret[-4:] if self.secret else ""


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryStatus.PENDING: frozenset({DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED}),
    DeliveryStatus.DELIVERED: frozenset(),
    DeliveryStatus.FAILED: frozenset({DeliveryStatus.PENDING}),
}


class Delivery(models.Model):
    """One event sent to one webhook: the exact body (every attempt sends the same bytes and signature), its
    state, and when the next attempt is due. A worker claims it for an attempt with ``lease_until``."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_created"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to webhook {self.webhook_id}: {self.status}"

    def can_move_to(self, status: str) -> bool:
        return status in DELIVERY_TRANSITIONS[self.status]


class DeliveryAttempt(models.Model):
    """One POST of a delivery: when, the receiver's status code, how long it took, and what went wrong."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="delivery_attempt_unique_number")]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"


class NotificationKind(models.TextChoices):
    ISSUE_NEW = "issue_new", _("New P1 or P2 issue")
    SLA_BREACH = "sla_breach", _("SLA breach escalation")
    SIGNOFF_REQUEST = "signoff_request", _("Sign-off request")
    HYPERCARE_DIGEST = "hypercare_digest", _("Hypercare daily digest")
    UAT_REMINDER = "uat_reminder", _("UAT reminder")
    TRAINING_REMINDER = "training_reminder", _("Training reminder")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """An e-mail to one user. ``context`` holds ids only; the e-mail is rendered when sent, in the recipient's
    language. Kept as the log of what was sent to whom."""

    project = models.ForeignKey(
        "lifecycle.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    subject = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-created_at"], name="notification_project_created"),
            models.Index(fields=["status", "created_at"], name="notification_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}: {self.status}"


class NotificationMute(models.Model):
    """A user's choice not to receive one kind of e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_mutes")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_mute_unique_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} mutes {self.kind}"


class Escalation(models.Model):
    """One step of a breached clock's escalation (level 1: the assignee, level 2: the consultant lead). The unique
    row is claimed before anything is sent, so each step goes out once per issue and metric, whatever the number
    of sweeps and workers."""

    class Metric(models.TextChoices):
        RESPONSE = "response", _("Response")
        RESOLUTION = "resolution", _("Resolution")

    issue = models.ForeignKey("tracker.Issue", on_delete=models.CASCADE, related_name="escalations")
    metric = models.CharField(max_length=10, choices=Metric.choices)
    level = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    # Ids of the users told at this step (level 2 skips the leads level 1 already told).
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["issue_id", "metric", "level"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "metric", "level"], name="escalation_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} escalation {self.level} of issue {self.issue_id}"


class DigestRun(models.Model):
    """The hypercare digest of one project for one local day: claimed once, whatever the number of workers."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["project_id", "-day"]
        constraints = [models.UniqueConstraint(fields=["project", "day"], name="digest_once_per_project_day")]

    def __str__(self) -> str:
        return f"digest of {self.project_id} for {self.day}"


class Reminder(models.Model):
    """A reminder sent once: a training session's (``object_id`` = session, ``day`` = its start date) or a UAT
    cycle's daily one (``object_id`` = cycle, ``day`` = the project's local day)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        UAT = "uat", _("UAT")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    day = models.DateField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "day"], name="reminder_once_per_object_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder {self.object_id} {self.day}"


class IntakeMessage(models.Model):
    """An e-mail read by the mail intake (``golive manage mail_intake``): what it became (a new issue, a comment on
    one, or nothing and why). The Message-ID is kept once per project, so reading a mailbox again files nothing
    twice, and replies find the issue of the message they answer."""

    class Outcome(models.TextChoices):
        ISSUE = "issue", _("New issue")
        COMMENT = "comment", _("Comment")
        SKIPPED = "skipped", _("Skipped")

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=500)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    issue = models.ForeignKey(
        "tracker.Issue", null=True, blank=True, on_delete=models.SET_NULL, related_name="intake_messages"
    )
    reason = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "message_id"], name="intake_message_once_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.outcome}"
