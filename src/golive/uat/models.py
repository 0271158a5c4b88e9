"""User acceptance testing (DOMAIN.md 4): the scenarios the customer's testers run, numbered test cycles
(round 1, round 2 ...), who tests what in a cycle, every run with its result and evidence, and the defect
raised from a failed run (an issue of the tracker).

The state of a scenario is not stored: the latest run (by ``executed_at``, then ``id``) of the scenario in the
latest cycle (highest ``number``) decides it, and a scenario with no run there is ``not_run``
(``selectors.py`` computes it in the database).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from golive.engagement.models import validate_ref
from golive.tracker.models import StoredFile

# Refs that would collide with the fixed routes under ``uat/scenarios/``.
RESERVED_REFS = frozenset({"import", "template", "export"})


class ScenarioPriority(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class RunStatus(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    BLOCKED = "blocked", _("Blocked")


class ScenarioState(models.TextChoices):
    """A scenario's state in a cycle: the status of its latest run there, or ``not_run``."""

    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    BLOCKED = "blocked", _("Blocked")
    NOT_RUN = "not_run", _("Not run")


class Scenario(models.Model):
    """A test scenario of a business process: what the tester does and what should happen.

    Once run, a scenario is retired (``retired_at``) instead of deleted, so its results stay on record.
    """

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="uat_scenarios")
    ref = models.CharField(max_length=32, validators=[validate_ref])
    title = models.CharField(max_length=300)
    module = models.CharField(max_length=200, blank=True, help_text=_("The module or business process tested."))
    steps = models.TextField(blank=True)
    expected_result = models.TextField(blank=True)
    priority = models.CharField(max_length=10, choices=ScenarioPriority.choices, default=ScenarioPriority.MEDIUM)
    order = models.PositiveIntegerField(default=0)
    requirements = models.ManyToManyField("engagement.Requirement", blank=True, related_name="uat_scenarios")
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "ref"], name="uat_scenario_unique_ref_per_project")]
        indexes = [
            models.Index(fields=["project", "order"], name="uat_scenario_project_order"),
            models.Index(fields=["project", "priority"], name="uat_scenario_project_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Cycle(models.Model):
    """A numbered round of testing (1, 2, ...). The latest cycle decides the scenarios' states."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="uat_cycles")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uat_cycle_unique_number_per_project"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="uat_cycle_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} cycle {self.number}"


class Assignment(models.Model):
    """Who tests a scenario in a cycle (one tester per scenario and cycle)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="assignments")
    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uat_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["cycle_id", "scenario_id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "scenario"], name="uat_assignment_unique_scenario_per_cycle")
        ]
        indexes = [models.Index(fields=["cycle", "tester"], name="uat_assignment_cycle_tester")]

    def __str__(self) -> str:
        return f"{self.scenario_id} in cycle {self.cycle_id}: {self.tester_id}"


class Run(models.Model):
    """One execution of a scenario in a cycle: the result, who tested, when, and the defect it raised."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="uat_runs")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices)
    actual_result = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uat_runs")
    executed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    defect = models.ForeignKey(
        "tracker.Issue", null=True, blank=True, on_delete=models.SET_NULL, related_name="uat_runs"
    )

    class Meta:
        ordering = ["-executed_at", "-id"]
        indexes = [
            # The latest run of a scenario in a cycle: (cycle, scenario) then the newest first.
            models.Index(fields=["cycle", "scenario", "executed_at", "id"], name="uat_run_latest"),
            models.Index(fields=["project", "executed_at"], name="uat_run_project_executed"),
            models.Index(fields=["scenario", "executed_at"], name="uat_run_scenario_executed"),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.scenario_id}: {self.status}"


def evidence_path(instance, filename):
    return f"uat/{instance.run.project_id}/{instance.run_id}/{filename}"


class RunEvidence(StoredFile):
    """A file proving a run's result (a screenshot, an export, a log); served only to project members."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
