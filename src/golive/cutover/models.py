"""Deployment week: the cutover runbook, the test evidence, the go/no-go vote and decision, and the go-live."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_STEP_MINUTES = 7 * 24 * 60
# T-minus offsets reach back a working month before go-live and a week after it.
MIN_OFFSET_MINUTES = -31 * 24 * 60
MAX_OFFSET_MINUTES = 7 * 24 * 60

validate_step_ref = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$",
    _("Use 1 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit."),
)


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class StepAction(models.TextChoices):
    START = "start", _("Start")
    COMPLETE = "complete", _("Complete")
    FAIL = "fail", _("Fail")
    SKIP = "skip", _("Skip")


# The only moves a runbook step may make, by action: from these states to that one. A failed step may be
# retried (start again) or skipped with a reason; done and skipped are final.
STEP_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    StepAction.START: (frozenset({StepStatus.PENDING, StepStatus.FAILED}), StepStatus.IN_PROGRESS),
    StepAction.COMPLETE: (frozenset({StepStatus.IN_PROGRESS}), StepStatus.DONE),
    StepAction.FAIL: (frozenset({StepStatus.IN_PROGRESS}), StepStatus.FAILED),
    StepAction.SKIP: (frozenset({StepStatus.PENDING, StepStatus.FAILED}), StepStatus.SKIPPED),
}
# A dependency is satisfied by these states.
SATISFIED = frozenset({StepStatus.DONE, StepStatus.SKIPPED})


class Runbook(models.Model):
    """A project's cutover plan: its T-0 (the planned go-live instant the T-minus offsets count from)."""

    project = models.OneToOneField("lifecycle.Project", on_delete=models.CASCADE, related_name="runbook")
    target_at = models.DateTimeField(
        null=True, blank=True, help_text=_("T-0; default 09:00 local time on the planned go-live date.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"runbook {self.project_id}"


class RunbookStep(models.Model):
    """One step of the cutover: who does it, how long it should take, what it waits for, and what happened."""

    runbook = models.ForeignKey(Runbook, on_delete=models.CASCADE, related_name="steps")
    ref = models.CharField(max_length=32, validators=[validate_step_ref])
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_minutes = models.PositiveIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(MAX_STEP_MINUTES)]
    )
    # Refs of the steps of the same runbook this one waits for (validated as a DAG by the services).
    depends_on = models.JSONField(default=list, blank=True)
    rollback = models.BooleanField(default=False, help_text=_("Part of the rollback plan, run only after a failure."))
    point_of_no_return = models.BooleanField(default=False)
    planned_start = models.DateTimeField(null=True, blank=True)
    start_offset_minutes = models.IntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_OFFSET_MINUTES), MaxValueValidator(MAX_OFFSET_MINUTES)],
        help_text=_("Planned start relative to T-0 in minutes (negative: before go-live)."),
    )
    status = models.CharField(max_length=16, choices=StepStatus.choices, default=StepStatus.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True, help_text=_("Why it failed or was skipped, or what was observed."))

    class Meta:
        ordering = ["runbook_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["runbook", "ref"], name="runbook_step_unique_ref"),
            models.UniqueConstraint(
                fields=["runbook"], condition=Q(point_of_no_return=True), name="runbook_one_point_of_no_return"
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True) | Q(start_offset_minutes__isnull=True),
                name="runbook_step_one_kind_of_planned_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class RunbookTemplate(models.Model):
    """A reusable runbook (steps without their execution), saved from a project or built in."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    # [{ref, title, description, planned_minutes, depends_on, rollback, point_of_no_return, start_offset_minutes}]
    steps = models.JSONField(default=list)
    source_project = models.ForeignKey(
        "lifecycle.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Environment(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox")
    PRODUCTION = "production", _("Production")


class TestReport(models.Model):
    """Test evidence: a JUnit XML report from a runner, or a manual smoke-test checklist."""

    __test__ = False  # not a pytest class, whatever its name says

    class Kind(models.TextChoices):
        JUNIT = "junit", _("JUnit XML")
        MANUAL = "manual", _("Manual smoke test")

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="test_reports")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    environment = models.CharField(max_length=16, choices=Environment.choices, default=Environment.SANDBOX)
    tests = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)
    duration_seconds = models.FloatField(default=0)
    suites = models.PositiveIntegerField(default=0)
    failing_omitted = models.PositiveIntegerField(default=0)
    # Manual checklists keep every item: [{name, status: passed|failed|skipped, note}].
    checklist = models.JSONField(default=list, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["project", "-uploaded_at", "-id"], name="test_report_project_latest")]

    def __str__(self) -> str:
        return f"{self.title} ({self.passed}/{self.tests})"

    @property
    def ok(self) -> bool:
        return self.tests > 0 and self.failures == 0 and self.errors == 0


class FailingCase(models.Model):
    """A test case of a report that failed or errored, with its message."""

    report = models.ForeignKey(TestReport, on_delete=models.CASCADE, related_name="failing_cases")
    suite = models.CharField(max_length=500, blank=True)
    classname = models.CharField(max_length=500, blank=True)
    name = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=[("failure", _("Failure")), ("error", _("Error"))])
    message = models.TextField(blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["report_id", "id"]

    def __str__(self) -> str:
        return self.name


class Vote(models.TextChoices):
    GO = "go", _("Go")
    NO_GO = "no_go", _("No go")


class GoNoGoVote(models.Model):
    """A member's go/no-go vote. One open vote per user: a new vote replaces the old one; a decision closes
    the round by taking the open votes with it."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="go_no_go_votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    vote = models.CharField(max_length=8, choices=Vote.choices)
    comment = models.TextField(blank=True)
    cast_at = models.DateTimeField()
    decision = models.ForeignKey(
        "GoNoGoDecision", null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "voter"], condition=Q(decision__isnull=True), name="go_no_go_one_open_vote"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} {self.vote}"


class GoNoGoDecision(models.Model):
    """The consultant lead's go/no-go decision, with the votes and the checklist as they stood."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="go_no_go_decisions")
    decision = models.CharField(max_length=8, choices=Vote.choices)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    checklist = models.JSONField(default=dict, blank=True)
    votes_snapshot = models.JSONField(default=list, blank=True)
    new_target_date = models.DateField(null=True, blank=True)
    meeting = models.ForeignKey(
        "engagement.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["project", "-decided_at", "-id"], name="go_no_go_latest_decision")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.decision} {self.decided_at:%Y-%m-%d}"


class GoLive(models.Model):
    """The actual go-live of a project: when, who recorded it, and the override reason if the go/no-go
    evidence was missing."""

    project = models.OneToOneField("lifecycle.Project", on_delete=models.CASCADE, related_name="golive")
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    override_reason = models.TextField(blank=True)
    decision = models.ForeignKey(GoNoGoDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"go-live {self.project_id} {self.at:%Y-%m-%d}"
