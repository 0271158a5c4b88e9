"""Training of the customer (DOMAIN.md 5): train-the-trainer sessions for the customer's representative team,
then end-user sessions, their attendance, and the materials of each business process.

The phase's gate criterion ``training_coverage_met`` (``criteria.py``) is computed from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    TRAIN_THE_TRAINER = "train_the_trainer", _("Train the trainer")
    END_USER = "end_user", _("End-user training")


class SessionMode(models.TextChoices):
    VIRTUAL = "virtual", _("Virtual")
    ON_SITE = "on_site", _("On site")


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


class MaterialKind(models.TextChoices):
    SCREENSHOTS = "screenshots", _("Annotated screenshots")
    VIDEO = "video", _("Recorded video")
    NOTES = "notes", _("Notes")
    LINK = "link", _("Link")
    OTHER = "other", _("Other")


MAX_SESSION_MINUTES = 1440


class TrainingSession(models.Model):
    """One training session of a project: train-the-trainer or end-user, virtual or on site."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="training_sessions")
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSION_MINUTES)]
    )
    location = models.CharField(max_length=500, blank=True, help_text=_("A room, or the link of a virtual session."))
    mode = models.CharField(max_length=10, choices=SessionMode.choices, default=SessionMode.VIRTUAL)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(max_length=300, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    business_process = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "starts_at", "id"]
        indexes = [models.Index(fields=["project", "kind", "starts_at"], name="training_project_kind_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=MAX_SESSION_MINUTES),
                name="training_session_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether one person was invited to, attended or missed a session: a project member (``user``) or a
    guest known only by e-mail address (``email``), never both."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(email=""))
                | (models.Q(user__isnull=True) & ~models.Q(email="")),
                name="attendance_user_or_email",
                violation_error_message=_("An attendee is a project member or an e-mail address, not both."),
            ),
            models.UniqueConstraint(
                fields=["session", "user"], condition=models.Q(user__isnull=False), name="attendance_unique_user"
            ),
            models.UniqueConstraint(
                fields=["session", "email"], condition=~models.Q(email=""), name="attendance_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee} at session {self.session_id}: {self.status}"

    @property
    def attendee(self) -> str:
        return self.user.username if self.user_id else self.email


def material_path(instance, filename):
    return f"materials/{instance.project_id}/{filename}"


class Material(models.Model):
    """Training material for one business process: annotated screenshots, a recorded video, notes or a link,
    and what differs from the legacy system (Markdown)."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="training_materials")
    business_process = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MaterialKind.choices)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=material_path, max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    differences_from_legacy = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "business_process", "id"]
        indexes = [models.Index(fields=["project", "business_process"], name="material_project_process")]

    def __str__(self) -> str:
        return self.title
