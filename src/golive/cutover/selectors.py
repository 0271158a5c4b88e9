"""Reads of cutover: the runbook board (order, planned times, critical path, ETA), test evidence, go/no-go."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
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


class _PlanStep(NamedTuple):
    """The columns of a step that the plan needs (order, critical path, ETA, what may start): no text, no joins."""

    id: int
    ref: str
    position: int
    depends_on: list
    status: str
    planned_minutes: int
    started_at: dt.datetime | None
    rollback: bool
    point_of_no_return: bool


PLAN_FIELDS = _PlanStep._fields


@dataclass
class _Plan:
    """The runbook's arithmetic over every step, from full rows or from ``_PlanStep`` tuples alike."""

    by_ref: dict
    ordered: list[str]
    critical: list[str]
    minutes: int
    target: dt.datetime | None
    ponr: object | None
    ponr_passed: bool
    rollback_open: bool


def _plan(project: Project, runbook: Runbook | None, steps: list, now: dt.datetime) -> _Plan:
    by_ref = {s.ref: s for s in steps}
    position = {s.ref: i for i, s in enumerate(steps)}
    dependencies = {s.ref: [r for r in s.depends_on if r in by_ref] for s in steps}
    ordered = plan.order(dependencies, position=position)
    forward = {ref: deps for ref, deps in dependencies.items() if not by_ref[ref].rollback}
    # Unless a forward step waits on a rollback step, the forward steps in the order of all are their own order.
    reuse = all(d in forward for deps in forward.values() for d in deps)
    forward = {ref: [d for d in deps if d in forward] for ref, deps in forward.items()}
    remaining = {ref: _remaining_minutes(by_ref[ref], now) for ref in forward}
    forward_order = [ref for ref in ordered if ref in forward] if reuse else None
    path = plan.critical_path(forward, remaining, position=position, ordered=forward_order)
    failed_forward = any(s.status == StepStatus.FAILED and not s.rollback for s in steps)
    ponr = next((s for s in steps if s.point_of_no_return), None)
    ponr_passed = bool(ponr and ponr.status == StepStatus.DONE)
    return _Plan(
        by_ref=by_ref,
        ordered=ordered,
        critical=[ref for ref in path.refs if remaining[ref] > 0],
        minutes=path.minutes,
        target=target_instant(project, runbook),
        ponr=ponr,
        ponr_passed=ponr_passed,
        rollback_open=failed_forward and not ponr_passed,
    )


def _waiting(step, by_ref: dict) -> list[str]:
    return [d for d in step.depends_on if d not in by_ref or by_ref[d].status not in SATISFIED]


def _startable(step, by_ref: dict, rollback_open: bool) -> bool:
    startable = step.status in (StepStatus.PENDING, StepStatus.FAILED) and not _waiting(step, by_ref)
    return startable and (rollback_open or not step.rollback)


def _board_step(step: RunbookStep, the_plan: _Plan, critical: set[str], now: dt.datetime) -> BoardStep:
    planned_start = step.planned_start
    if planned_start is None and step.start_offset_minutes is not None and the_plan.target is not None:
        planned_start = the_plan.target + dt.timedelta(minutes=step.start_offset_minutes)
    overrun = (
        step.status == StepStatus.IN_PROGRESS
        and step.started_at is not None
        and now > step.started_at + dt.timedelta(minutes=step.planned_minutes)
    )
    return BoardStep(
        step=step,
        planned_start=planned_start,
        on_critical_path=step.ref in critical,
        can_start=_startable(step, the_plan.by_ref, the_plan.rollback_open),
        waiting_for=_waiting(step, the_plan.by_ref),
        overrun=overrun,
    )


def runbook_board(*, project: Project, now: dt.datetime | None = None) -> Board:
    """The runbook in dependency order with planned starts, the critical path of what remains, the ETA, the
    point of no return and whether rollback is open. Three queries whatever the number of steps; every step is
    loaded (the API, the CSV export and the report show them all; the board page uses ``runbook_board_page``)."""
    now = now or timezone.now()
    runbook = Runbook.objects.filter(project=project).first()
    steps = list(step_list(project=project)) if runbook else []
    the_plan = _plan(project, runbook, steps, now)
    critical = set(the_plan.critical)
    rows = [_board_step(the_plan.by_ref[ref], the_plan, critical, now) for ref in the_plan.ordered]
    counts = dict.fromkeys(StepStatus.values, 0)
    for step in steps:
        counts[step.status] += 1
    return Board(
        project=project,
        target_at=the_plan.target,
        steps=rows,
        critical_path=the_plan.critical,
        remaining_minutes=the_plan.minutes,
        eta=now + dt.timedelta(minutes=the_plan.minutes) if steps else None,
        counts=counts,
        running=[s.ref for s in steps if s.status == StepStatus.IN_PROGRESS],
        point_of_no_return=the_plan.ponr.ref if the_plan.ponr else None,
        point_of_no_return_passed=the_plan.ponr_passed,
        rollback_available=the_plan.rollback_open,
        now=now,
    )


# The board page shows a window of the runbook: one page of the forward steps, one of the rollback plan, and the
# steps that need someone now (running, failed, ready to start); every figure still covers the whole runbook.
BOARD_PAGE_SIZE = 20
ROLLBACK_PAGE_SIZE = 10
BOARD_NOW_LIMIT = 10


@dataclass
class StepWindow:
    """One page of a list of steps in dependency order: ``rows`` are steps ``first``..``last`` of ``total``."""

    rows: list[BoardStep]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return _pages(self.total, self.size)

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass
class NowStep:
    """A step that needs someone now, and the page of the board where its row (with its buttons) is."""

    board_step: BoardStep
    page: int
    rollback: bool


@dataclass
class BoardPage:
    """What the cutover board page shows: the figures of the whole runbook (counts and progress from the plan
    columns of every step, remaining time and ETA from the critical path), a page of the forward steps and one
    of the rollback plan in dependency order, and the steps that need someone now. A fixed number of queries, and
    only the rows on show are loaded in full, however long the runbook."""

    project: Project
    target_at: dt.datetime | None
    critical_path: list[str]
    remaining_minutes: int
    eta: dt.datetime | None
    counts: dict[str, int]
    forward_total: int
    forward_satisfied: int
    running: list[str]
    point_of_no_return: str | None
    point_of_no_return_passed: bool
    rollback_available: bool
    steps: StepWindow
    rollback_steps: StepWindow
    now_steps: list[NowStep]
    now_more: int
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent_done(self) -> int:
        if not self.forward_total:
            return 0
        return round(100 * self.forward_satisfied / self.forward_total)


def _pages(total: int, size: int) -> int:
    return max(1, -(-total // size))


def _page_number(wanted: int | None, total: int, size: int, default: int = 1) -> int:
    """``wanted`` (or ``default``) held within the pages there are: a stale link lands on the last page."""
    number = default if wanted is None else wanted
    return min(max(1, number), _pages(total, size))


def _runbook_counts(steps: list[_PlanStep]) -> tuple[dict[str, int], int, int]:
    """Steps by status, forward steps and forward steps done or skipped, counted from the plan columns already
    loaded (no query of their own)."""
    counts = dict.fromkeys(StepStatus.values, 0)
    forward = forward_satisfied = 0
    for step in steps:
        counts[step.status] += 1
        if not step.rollback:
            forward += 1
            forward_satisfied += step.status in SATISFIED
    return counts, forward, forward_satisfied


def _instant(value) -> dt.datetime | None:
    """A timestamp as the database driver returns it: aware (PostgreSQL), or naive or text in UTC (SQLite)."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _plan_steps(runbook: Runbook) -> list[_PlanStep]:
    """The plan columns of every step of the runbook, in position order. Read through the cursor: at thousands of
    steps the ORM's per-value converters cost more than the plan itself, and only running steps need their start
    as a datetime."""
    columns = RunbookStep.objects.filter(runbook=runbook).order_by("position", "id").values_list(*PLAN_FIELDS)
    sql, params = columns.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    loads, running = json.loads, StepStatus.IN_PROGRESS.value
    return [
        _PlanStep(
            pk,
            ref,
            position,
            loads(depends_on) if isinstance(depends_on, str) else depends_on or [],
            status,
            minutes,
            _instant(started_at) if status == running else None,
            rollback,
            ponr,
        )
        for pk, ref, position, depends_on, status, minutes, started_at, rollback, ponr in rows
    ]


def runbook_board_page(
    *,
    project: Project,
    page: int | None = None,
    rollback_page: int | None = None,
    now: dt.datetime | None = None,
) -> BoardPage:
    """The cutover board's window of the runbook. ``page`` (1-based) of the forward steps in dependency order
    defaults to the page of the first step not yet done or skipped: where the cutover stands now.

    Three queries whatever the number of steps: the runbook, the plan columns of every step (no text, no joins,
    for the order, the critical path, what may start and the counts), and the full rows on show."""
    now = now or timezone.now()
    runbook = Runbook.objects.filter(project=project).first()
    light = _plan_steps(runbook) if runbook else []
    the_plan = _plan(project, runbook, light, now)
    counts, forward_total, forward_satisfied = _runbook_counts(light)

    by_ref = the_plan.by_ref
    forward = [ref for ref in the_plan.ordered if not by_ref[ref].rollback]
    rollback = [ref for ref in the_plan.ordered if by_ref[ref].rollback]
    index = {ref: i for i, ref in enumerate(forward)}
    index.update({ref: i for i, ref in enumerate(rollback)})
    current = next((i for i, ref in enumerate(forward) if by_ref[ref].status not in SATISFIED), 0)
    number = _page_number(page, len(forward), BOARD_PAGE_SIZE, default=current // BOARD_PAGE_SIZE + 1)
    rollback_number = _page_number(rollback_page, len(rollback), ROLLBACK_PAGE_SIZE)
    on_page = forward[(number - 1) * BOARD_PAGE_SIZE : number * BOARD_PAGE_SIZE]
    rollback_on_page = rollback[(rollback_number - 1) * ROLLBACK_PAGE_SIZE : rollback_number * ROLLBACK_PAGE_SIZE]

    # Running first, then failed, then ready to start, each in dependency order.
    urgency = {StepStatus.IN_PROGRESS: 0, StepStatus.FAILED: 1}
    needing = [
        ref
        for ref in the_plan.ordered
        if by_ref[ref].status in urgency
        or (
            by_ref[ref].status == StepStatus.PENDING
            and (the_plan.rollback_open or not by_ref[ref].rollback)
            and all(d in by_ref and by_ref[d].status in SATISFIED for d in by_ref[ref].depends_on)
        )
    ]
    needing.sort(key=lambda ref: urgency.get(by_ref[ref].status, 2))
    now_refs = needing[:BOARD_NOW_LIMIT]

    wanted = {by_ref[ref].id for ref in (*on_page, *rollback_on_page, *now_refs)}
    full = {s.ref: s for s in step_list(project=project).filter(runbook=runbook, pk__in=wanted)} if wanted else {}
    critical = set(the_plan.critical)

    def rows(refs):
        return [_board_step(full[ref], the_plan, critical, now) for ref in refs if ref in full]

    now_steps = [
        NowStep(
            board_step=_board_step(full[ref], the_plan, critical, now),
            page=index[ref] // (ROLLBACK_PAGE_SIZE if by_ref[ref].rollback else BOARD_PAGE_SIZE) + 1,
            rollback=by_ref[ref].rollback,
        )
        for ref in now_refs
        if ref in full
    ]
    return BoardPage(
        project=project,
        target_at=the_plan.target,
        critical_path=the_plan.critical,
        remaining_minutes=the_plan.minutes,
        eta=now + dt.timedelta(minutes=the_plan.minutes) if light else None,
        counts=counts,
        forward_total=forward_total,
        forward_satisfied=forward_satisfied,
        running=[ref for ref in the_plan.ordered if by_ref[ref].status == StepStatus.IN_PROGRESS],
        point_of_no_return=the_plan.ponr.ref if the_plan.ponr else None,
        point_of_no_return_passed=the_plan.ponr_passed,
        rollback_available=the_plan.rollback_open,
        steps=StepWindow(rows=rows(on_page), number=number, total=len(forward), size=BOARD_PAGE_SIZE),
        rollback_steps=StepWindow(
            rows=rows(rollback_on_page), number=rollback_number, total=len(rollback), size=ROLLBACK_PAGE_SIZE
        ),
        now_steps=now_steps,
        now_more=len(needing) - len(now_refs),
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
