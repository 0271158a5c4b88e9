"""Lifecycle templates, projects, their phases and sign-offs.

Phase statuses move only along ``PHASE_TRANSITIONS``; services check it before every change.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from golive.accounts.models import Organization, Role, validate_timezone

PROJECT_KEY_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
validate_project_key = RegexValidator(
    PROJECT_KEY_RE, _("A project key is 2-10 upper-case letters and digits, starting with a letter."), "invalid_key"
)


class LifecycleTemplate(models.Model):
    """A lifecycle as data: ordered phases, their default durations and their gate criteria.

    ``definition`` = ``{"phases": [{"key", "name", "duration_days", "gate": [{"code", "label", "params"}]}],
    "review_round": {"duration_days", "gate"}, "settings": {...}}``.
    """

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    definition = models.JSONField()
    is_builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        phases = (self.definition or {}).get("phases") or []
        keys = [p.get("key") for p in phases]
        if not phases or any(not k for k in keys) or len(set(keys)) != len(keys):
            raise ValidationError({"definition": _("A template needs phases with distinct keys.")})


class Project(models.Model):
    """One customer implementation, carried from kickoff to debrief."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    key = models.CharField(max_length=10, unique=True, validators=[validate_project_key])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    customer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="projects")
    template = models.ForeignKey(LifecycleTemplate, on_delete=models.PROTECT, related_name="projects")
    planned_go_live = models.DateField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    hypercare_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    current_phase = models.ForeignKey("Phase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        if self.customer_id and self.customer.kind != Organization.Kind.CUSTOMER:
            raise ValidationError({"customer": _("The customer must be an organization of kind 'customer'.")})


class PhaseStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ACTIVE = "active", _("Active")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


# The only moves a phase may make. Declared once; services consult it before every change.
PHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    PhaseStatus.NOT_STARTED: frozenset({PhaseStatus.ACTIVE, PhaseStatus.SKIPPED}),
    PhaseStatus.ACTIVE: frozenset({PhaseStatus.DONE}),
    PhaseStatus.DONE: frozenset(),
    PhaseStatus.SKIPPED: frozenset(),
}


class Phase(models.Model):
    """One stage of one project, with planned dates, actual instants and its own copy of the gate."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    key = models.SlugField(max_length=32)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=PhaseStatus.choices, default=PhaseStatus.NOT_STARTED)
    duration_days = models.PositiveSmallIntegerField(default=7)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    gate = models.JSONField(default=list, blank=True)
    skip_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["project_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="phase_unique_key_per_project"),
            models.UniqueConstraint(fields=["project", "order"], name="phase_unique_order_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.key}"

    def can_move_to(self, status: str) -> bool:
        return status in PHASE_TRANSITIONS[self.status]


class SignOff(models.Model):
    """A formal approve/reject of a phase by a project member, with the gate as it stood then."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="signoffs")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="signoffs")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    comment = models.TextField(blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signoffs")
    role = models.CharField(max_length=32, choices=Role.choices)
    signed_at = models.DateTimeField()
    gate_snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["phase", "role", "-signed_at"], name="signoff_phase_role_at")]

    def __str__(self) -> str:
        return f"{self.phase} {self.decision} by {self.signed_by}"
