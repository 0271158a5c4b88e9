"""Issues of a project (UAT defects, hypercare incidents), their comments, timeline, attachments and the
project's SLA policy.

An issue's status moves only along ``ISSUE_TRANSITIONS``; each move is its own guarded service.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueKind(models.TextChoices):
    DEFECT = "defect", _("Defect")
    INCIDENT = "incident", _("Incident")
    QUESTION = "question", _("Question")
    CHANGE_REQUEST = "change_request", _("Change request")


class Severity(models.TextChoices):
    P1 = "P1", _("P1 - critical")
    P2 = "P2", _("P2 - major")
    P3 = "P3", _("P3 - minor")
    P4 = "P4", _("P4 - cosmetic")


class Category(models.TextChoices):
    BUG = "bug", _("Bug")
    CONFIGURATION = "configuration", _("Configuration")
    DATA = "data", _("Data")
    TRAINING_GAP = "training_gap", _("Training gap")
    ACCESS = "access", _("Access")
    INTEGRATION = "integration", _("Integration")
    ENHANCEMENT = "enhancement", _("Enhancement")


class IssueStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# The only moves an issue may make (CONTRACT.md, Issues). ``closed`` is final.
ISSUE_TRANSITIONS: dict[str, frozenset[str]] = {
    IssueStatus.NEW: frozenset(
        {IssueStatus.TRIAGED, IssueStatus.IN_PROGRESS, IssueStatus.WAITING_ON_CUSTOMER, IssueStatus.RESOLVED}
    ),
    IssueStatus.TRIAGED: frozenset({IssueStatus.IN_PROGRESS, IssueStatus.WAITING_ON_CUSTOMER, IssueStatus.RESOLVED}),
    IssueStatus.IN_PROGRESS: frozenset({IssueStatus.WAITING_ON_CUSTOMER, IssueStatus.RESOLVED}),
    IssueStatus.WAITING_ON_CUSTOMER: frozenset({IssueStatus.IN_PROGRESS, IssueStatus.RESOLVED}),
    IssueStatus.RESOLVED: frozenset({IssueStatus.CLOSED, IssueStatus.IN_PROGRESS}),
    IssueStatus.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset(
    {IssueStatus.NEW, IssueStatus.TRIAGED, IssueStatus.IN_PROGRESS, IssueStatus.WAITING_ON_CUSTOMER}
)


class IssueSequence(models.Model):
    """The last issue number handed out per project; incremented under a row lock so numbers never repeat."""

    project = models.OneToOneField("lifecycle.Project", on_delete=models.CASCADE, related_name="issue_sequence")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.project_id}: {self.last_number}"


def next_due_expression() -> models.Case:
    """The earliest due time of the clocks still running, NULL when none runs."""
    response_running = models.Q(first_response_at__isnull=True, response_due_at__isnull=False)
    resolution_running = models.Q(waiting_since__isnull=True, resolution_due_at__isnull=False)
    both = response_running & resolution_running
    return models.Case(
        models.When(both & models.Q(response_due_at__lt=models.F("resolution_due_at")), then="response_due_at"),
        models.When(both, then="resolution_due_at"),
        models.When(response_running, then="response_due_at"),
        models.When(resolution_running, then="resolution_due_at"),
        default=None,
        output_field=models.DateTimeField(null=True),
    )


class Issue(models.Model):
    """A problem, question or request reported on a project, with its SLA clocks."""

    # No index of its own: the unique (project, number) index and the others led by the project serve every
    # look-up by project, and each new issue would maintain one more.
    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="issues", db_index=False)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=IssueKind.choices, default=IssueKind.INCIDENT)
    severity = models.CharField(max_length=2, choices=Severity.choices, default=Severity.P3)
    category = models.CharField(max_length=20, choices=Category.choices, null=True, blank=True)
    status = models.CharField(max_length=24, choices=IssueStatus.choices, default=IssueStatus.NEW)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_issues")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_issues"
    )
    phase = models.ForeignKey("lifecycle.Phase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    # Intervals spent waiting on the customer, ``[[start_iso, end_iso], ...]``; they stop the resolution clock.
    pauses = models.JSONField(default=list, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The earliest due time of a clock still running (the response clock until the first response, the resolution
    # clock while not waiting on the customer), kept by the database from the columns above: an issue is past a
    # due time exactly when this is in the past, and due within a span exactly when this falls in it.
    next_due_at = models.GeneratedField(
        expression=next_due_expression(), output_field=models.DateTimeField(null=True), db_persist=True
    )

    class Meta:
        ordering = ["project_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="issue_unique_number_per_project")]
        indexes = [
            models.Index(fields=["project", "status"], name="issue_project_status"),
            # With the severity, the arrivals per day and the latest P1/P2 of a project are read from the index
            # alone on PostgreSQL (the portfolio's hypercare figures, the gates' recent P1/P2).
            models.Index(fields=["project", "reported_at"], name="issue_project_reported", include=["severity"]),
            models.Index(fields=["status", "response_due_at"], name="issue_status_response_due"),
            models.Index(fields=["status", "resolution_due_at"], name="issue_status_resolution_due"),
            # The breach sweep's response clock: only unanswered, unflagged issues, so the sweep reads the few
            # rows due instead of scanning the table (``status <> 'closed'`` cannot use the index above).
            models.Index(
                fields=["response_due_at"],
                name="issue_response_sweep",
                condition=models.Q(first_response_at__isnull=True, response_breached=False),
            ),
            # The open issues' SLA state, read without the table on PostgreSQL (an index-only scan): what needs
            # me today counts a lead's breached and due-soon issues, the portfolio counts each project's open,
            # breached and P1/P2 issues.
            models.Index(
                fields=["project", "next_due_at"],
                name="issue_open_sla",
                include=["id", "number", "assignee", "severity", "response_breached", "resolution_breached"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
            ),
            # The open issues in due order across projects: what needs me today takes its first page of breached
            # and of due-soon issues by walking it (the first rows, not a sort of thousands), the who and whether
            # flagged included so the rows of other people's projects are passed over without the table.
            models.Index(
                fields=["next_due_at"],
                name="issue_open_due",
                include=["project", "assignee", "response_breached", "resolution_breached"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def ref(self) -> str:
        return f"{self.project.key}-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in ISSUE_TRANSITIONS[self.status]


class Comment(models.Model):
    """A comment on an issue; internal ones (``public=False``) are hidden from customer users."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    public = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on issue {self.issue_id}"


class IssueEvent(models.Model):
    """One line of an issue's timeline: who changed what, when."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # A breach is recorded once per issue and metric, however many sweeps run.
            models.UniqueConstraint(
                fields=["issue", "kind"],
                condition=models.Q(kind__startswith="sla_breach"),
                name="issue_event_breach_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on issue {self.issue_id}"


def attachment_path(instance, filename):
    return f"attachments/{instance.issue.project_id}/{instance.issue_id}/{filename}"


class StoredFile(models.Model):
    """What every stored upload keeps beside its file (checked by ``services.checked_upload``): the safe name,
    the content type served back, the size, who uploaded it and when."""

    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Attachment(StoredFile):
    """A file attached to an issue; served only to members of the project."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)


class SlaPolicy(models.Model):
    """A project's SLA calendar and targets (CONTRACT.md, SLA); absent means the default policy."""

    project = models.OneToOneField("lifecycle.Project", on_delete=models.CASCADE, related_name="sla_policy")
    policy = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SLA policy of {self.project_id}"
