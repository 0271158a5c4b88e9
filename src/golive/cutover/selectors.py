"""Reads of cutover: the runbook board (order, planned times, critical path, ETA), test evidence, go/no-go."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from golive.cutover import plan
from golive.cutover.criteria import evaluate_checklist
from golive.cutover.models import (
    SATISFIED,
    GoLive,
    GoNoGoDecision,
    GoNoGoVote,
    Runbook,
    RunbookStep,
    RunbookTemplate,
    StepStatus,
    TestReport,
    Vote,
)
from golive.lifecycle.gates import GateEvaluation
from golive.lifecycle.models import Phase, Project

# T-0 defaults to this local time on the planned go-live date.
DEFAULT_TARGET_TIME = dt.time(9, 0)


def target_instant(project: Project, runbook: Runbook | None) -> dt.datetime | None:
    """T-0: the runbook's own instant, or 09:00 local time on the planned go-live date."""
    if runbook is not None and runbook.target_at is not None:
        return runbook.target_at
    if project.planned_go_live is None:
        return None
    return dt.datetime.combine(project.planned_go_live, DEFAULT_TARGET_TIME, tzinfo=zoneinfo.ZoneInfo(project.timezone))


def step_list(*, project: Project) -> QuerySet[RunbookStep]:
    return (
        RunbookStep.objects.filter(runbook__project=project)
        .select_related("owner", "started_by", "finished_by")
        .order_by("position", "id")
    )


def step_get(*, project: Project, ref: str) -> RunbookStep:
    try:
        return step_list(project=project).select_related("runbook__project").get(ref=ref)
    except RunbookStep.DoesNotExist:
        raise Http404("No such runbook step.") from None


def _remaining_minutes(step: RunbookStep, now: dt.datetime) -> int:
    if step.status in SATISFIED:
        return 0
    if step.status == StepStatus.IN_PROGRESS and step.started_at:
        elapsed = int((now - step.started_at).total_seconds() // 60)
        # A step running over its plan still needs at least a minute more.
        return max(1, step.planned_minutes - elapsed)
    return step.planned_minutes


@dataclass
class BoardStep:
    step: RunbookStep
    planned_start: dt.datetime | None
    on_critical_path: bool
    can_start: bool
    waiting_for: list[str]
    overrun: bool

    @property
    def actual_minutes(self) -> int | None:
        if self.step.started_at and self.step.finished_at:
            return int((self.step.finished_at - self.step.started_at).total_seconds() // 60)
        return None


@dataclass
class Board:
    """Everything the cutover board and ``GET /runbook/`` show."""

    project: Project
    target_at: dt.datetime | None
    steps: list[BoardStep]
    critical_path: list[str]
    remaining_minutes: int
    eta: dt.datetime | None
    counts: dict[str, int]
    running: list[str]
    point_of_no_return: str | None
    point_of_no_return_passed: bool
    rollback_available: bool
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent_done(self) -> int:
        forward = [b for b in self.steps if not b.step.rollback]
        if not forward:
            return 0
        return round(100 * sum(b.step.status in SATISFIED for b in forward) / len(forward))


def runbook_board(*, project: Project, now: dt.datetime | None = None) -> Board:
    """The runbook in dependency order with planned starts, the critical path of what remains, the ETA, the
    point of no return and whether rollback is open. Three queries whatever the number of steps."""
    now = now or timezone.now()
    runbook = Runbook.objects.filter(project=project).first()
    steps = list(step_list(project=project)) if runbook else []
    by_ref = {s.ref: s for s in steps}
    position = {s.ref: i for i, s in enumerate(steps)}
    dependencies = {s.ref: [r for r in s.depends_on if r in by_ref] for s in steps}
    ordered = plan.order(dependencies, position=position)
    forward = {ref: deps for ref, deps in dependencies.items() if not by_ref[ref].rollback}
    forward = {ref: [d for d in deps if d in forward] for ref, deps in forward.items()}
    remaining = {ref: _remaining_minutes(by_ref[ref], now) for ref in forward}
    path = plan.critical_path(forward, remaining, position=position)
    critical = [ref for ref in path.refs if remaining[ref] > 0]
    target = target_instant(project, runbook)
    failed_forward = any(s.status == StepStatus.FAILED and not s.rollback for s in steps)
    ponr = next((s for s in steps if s.point_of_no_return), None)
    ponr_passed = bool(ponr and ponr.status == StepStatus.DONE)
    rollback_open = failed_forward and not ponr_passed
    rows = []
    for ref in ordered:
        step = by_ref[ref]
        waiting = [d for d in step.depends_on if d not in by_ref or by_ref[d].status not in SATISFIED]
        startable = step.status in (StepStatus.PENDING, StepStatus.FAILED) and not waiting
        if step.rollback:
            startable = startable and rollback_open
        planned_start = step.planned_start
        if planned_start is None and step.start_offset_minutes is not None and target is not None:
            planned_start = target + dt.timedelta(minutes=step.start_offset_minutes)
        overrun = (
            step.status == StepStatus.IN_PROGRESS
            and step.started_at is not None
            and now > step.started_at + dt.timedelta(minutes=step.planned_minutes)
        )
        rows.append(
            BoardStep(
                step=step,
                planned_start=planned_start,
                on_critical_path=ref in critical,
                can_start=startable,
                waiting_for=waiting,
                overrun=overrun,
            )
        )
    counts = dict.fromkeys(StepStatus.values, 0)
    for step in steps:
        counts[step.status] += 1
    return Board(
        project=project,
        target_at=target,
        steps=rows,
        critical_path=critical,
        remaining_minutes=path.minutes,
        eta=now + dt.timedelta(minutes=path.minutes) if steps else None,
        counts=counts,
        running=[s.ref for s in steps if s.status == StepStatus.IN_PROGRESS],
        point_of_no_return=ponr.ref if ponr else None,
        point_of_no_return_passed=ponr_passed,
        rollback_available=rollback_open,
        now=now,
    )


def runbook_template_list() -> QuerySet[RunbookTemplate]:
    return RunbookTemplate.objects.select_related("source_project", "created_by").order_by("name")


def runbook_template_get(template_id: int) -> RunbookTemplate:
    try:
        return runbook_template_list().get(pk=template_id)
    except RunbookTemplate.DoesNotExist:
        raise Http404("No such runbook template.") from None


# -- Test evidence -------------------------------------------------------------------------------------------


def test_report_list(*, project: Project, filters=None) -> QuerySet[TestReport]:
    filters = filters or {}
    reports = TestReport.objects.filter(project=project).select_related("uploaded_by")
    if filters.get("environment"):
        reports = reports.filter(environment__in=filters["environment"].split(","))
    if filters.get("kind"):
        reports = reports.filter(kind__in=filters["kind"].split(","))
    return reports.order_by("-uploaded_at", "-id")


def test_report_get(*, project: Project, report_id: int) -> TestReport:
    try:
        return test_report_list(project=project).prefetch_related("failing_cases").get(pk=report_id)
    except TestReport.DoesNotExist:
        raise Http404("No such test report.") from None


test_report_list.__test__ = False  # type: ignore[attr-defined]
test_report_get.__test__ = False  # type: ignore[attr-defined]


# -- Go/no-go ------------------------------------------------------------------------------------------------


def _evidence_links(project: Project) -> dict[str, str]:
    """Where a reader checks each criterion of the checklist (web pages of the project)."""
    key = project.key
    return {
        "project_in_deployment": reverse("web:project", args=[key]),
        "runbook_complete": reverse("web:cutover-board", args=[key]),
        "latest_test_report_passed": reverse("web:test-reports", args=[key]),
        "no_open_p1_p2": reverse("web:issues", args=[key]) + "?severity=P1,P2&open=true",
    }


@dataclass
class GoNoGoStatus:
    project: Project
    in_deployment: bool
    checklist: GateEvaluation
    votes: list[GoNoGoVote]
    tally: dict[str, int]
    decision: GoNoGoDecision | None
    decisions: list[GoNoGoDecision]
    golive: GoLive | None


def go_no_go_status(*, project: Project) -> GoNoGoStatus:
    """The live checklist (with evidence links), the open votes with their tally, the latest decision and the
    history. A fixed number of queries whatever the number of votes or decisions."""
    project = Project.objects.select_related("template", "current_phase").get(pk=project.pk)
    phase = Phase.objects.filter(project=project, key="deployment").first()
    if phase is None:
        raise Http404("This project's lifecycle has no deployment phase.")
    checklist = evaluate_checklist(project, phase)
    links = _evidence_links(project)
    for row in checklist.criteria:
        row["evidence"] = links.get(row["code"])
    votes = list(
        GoNoGoVote.objects.filter(project=project, decision__isnull=True).select_related("voter").order_by("cast_at")
    )
    tally = {choice: sum(v.vote == choice for v in votes) for choice in Vote.values}
    decisions = list(
        GoNoGoDecision.objects.filter(project=project)
        .select_related("decided_by", "meeting")
        .order_by("-decided_at", "-id")
    )
    golive = GoLive.objects.filter(project=project).first()
    return GoNoGoStatus(
        project=project,
        in_deployment=project.current_phase_id == phase.pk,
        checklist=checklist,
        votes=votes,
        tally=tally,
        decision=decisions[0] if decisions else None,
        decisions=decisions,
        golive=golive,
    )
