"""The first half of the lifecycle: the requirements register, meetings, review feedback and decisions.

Feedback statuses move only along ``FEEDBACK_TRANSITIONS``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

validate_ref = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$",
    _("A reference is 1-32 letters, digits, dots, dashes or underscores, starting with a letter or digit."),
    "invalid_ref",
)


class RequirementSource(models.TextChoices):
    KICKOFF = "kickoff", _("Kickoff")
    ALPHA_REVIEW = "alpha_review", _("Alpha review")
    BETA_REVIEW = "beta_review", _("Beta review")
    UAT = "uat", _("UAT")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    MUST = "must", _("Must")
    SHOULD = "should", _("Should")
    COULD = "could", _("Could")
    WONT = "wont", _("Won't")


class Scope(models.TextChoices):
    BUILT = "built", _("Built")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_STARTED = "not_started", _("Not started")
    DEFERRED = "deferred", _("Deferred")


class Requirement(models.Model):
    """A customer request in the register, from kickoff onward; later stages trace back to it."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="requirements")
    ref = models.CharField(max_length=32, validators=[validate_ref])
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=RequirementSource.choices, default=RequirementSource.KICKOFF)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.SHOULD)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.NOT_STARTED)
    change_request = models.BooleanField(default=False)
    expectation = models.TextField(blank=True, help_text=_("What the customer expects, for the gap list."))
    gap = models.TextField(blank=True, help_text=_("Where the current build differs from the expectation."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "ref"]
        constraints = [models.UniqueConstraint(fields=["project", "ref"], name="requirement_unique_ref_per_project")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class MeetingKind(models.TextChoices):
    KICKOFF = "kickoff", _("Kickoff meeting")
    REVIEW = "review", _("Review meeting")
    STATUS = "status", _("Weekly status meeting")
    GO_NO_GO = "go_no_go", _("Go/no-go meeting")
    DEBRIEF = "debrief", _("Debrief")
    OTHER = "other", _("Other")


class Meeting(models.Model):
    """A meeting with the customer; a review meeting belongs to the review phase it demos."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    phase = models.ForeignKey("lifecycle.Phase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="meetings")
    guests = models.JSONField(default=list, blank=True, help_text=_("Outside guests: names or e-mail addresses."))
    location = models.CharField(max_length=300, blank=True)
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "starts_at", "id"]
        indexes = [models.Index(fields=["project", "kind", "starts_at"], name="meeting_project_kind_start")]

    def __str__(self) -> str:
        return self.title


class FeedbackSize(models.TextChoices):
    SMALL = "small", _("Small: fits the remaining build")
    LARGE = "large", _("Large: a process change")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Done")


# The only moves a feedback item may make.
FEEDBACK_TRANSITIONS: dict[str, frozenset[str]] = {
    FeedbackStatus.OPEN: frozenset({FeedbackStatus.ACCEPTED, FeedbackStatus.REJECTED, FeedbackStatus.DONE}),
    FeedbackStatus.ACCEPTED: frozenset({FeedbackStatus.DONE, FeedbackStatus.REJECTED}),
    FeedbackStatus.REJECTED: frozenset({FeedbackStatus.OPEN}),
    FeedbackStatus.DONE: frozenset({FeedbackStatus.OPEN}),
}


class Feedback(models.Model):
    """One remark made during a review demo, triaged and linked to the requirement it changes."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="feedback")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="feedback")
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    text = models.TextField()
    size = models.CharField(max_length=10, choices=FeedbackSize.choices, default=FeedbackSize.SMALL)
    status = models.CharField(max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN)
    resolution = models.TextField(blank=True, help_text=_("How it was addressed, for the next review's demo."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    def can_move_to(self, status: str) -> bool:
        return status in FEEDBACK_TRANSITIONS[self.status]


class Decision(models.Model):
    """An entry of the decision log, with who was there to take it."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(max_length=200)
    decision = models.TextField()
    decided_at = models.DateTimeField()
    stakeholders_present = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    excluded_scope = models.BooleanField(default=False, help_text=_("Records something left out of the platform."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "-decided_at", "-id"]

    def __str__(self) -> str:
        return self.title
