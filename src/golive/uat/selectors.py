"""Reads of UAT, always within a project the caller may see: scenarios with their state, cycles, assignments,
runs and evidence; the summary of ``/uat/summary/``; and the figures of the ``uat`` gate for many projects.

The rule every read follows: the latest run (by ``executed_at``, then ``id``) of a scenario in a cycle decides
its state in that cycle, and the latest cycle (highest ``number``) decides its state; no run there is
``not_run``. Every function here costs a fixed number of queries, whatever the number of scenarios and runs.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from golive.tracker.models import OPEN_STATUSES, Issue, IssueKind, Severity
from golive.uat.models import (
    Assignment,
    Cycle,
    Run,
    RunEvidence,
    RunStatus,
    Scenario,
    ScenarioPriority,
    ScenarioState,
)

DEFAULT_MIN_PASS_RATE = 95
STATES = tuple(ScenarioState.values)  # passed, failed, blocked, not_run
PRIORITIES = tuple(ScenarioPriority.values)  # critical, high, medium, low


def _split(value) -> list[str]:
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _is_true(value) -> bool:
    return str(value).lower() in ("true", "1", "yes")


def pass_rate(passed: int, active: int) -> float | None:
    """``passed / active`` in percent with one decimal; None when there is no active scenario."""
    return round(100 * passed / active, 1) if active else None


# ---------------------------------------------------------------------------------------------------------------
# The latest-run rule, as query expressions


def latest_runs(runs: QuerySet[Run] | None = None) -> QuerySet[Run]:
    """Runs that are the latest of their (cycle, scenario): no run of the same pair is later by
    ``executed_at``, or as late with a higher id. One anti-join on the ``uat_run_latest`` index."""
    later = Run.objects.filter(cycle=OuterRef("cycle"), scenario=OuterRef("scenario")).filter(
        Q(executed_at__gt=OuterRef("executed_at")) | Q(executed_at=OuterRef("executed_at"), pk__gt=OuterRef("pk"))
    )
    return (runs if runs is not None else Run.objects.all()).filter(~Exists(later))


def _latest_run_of_scenario(cycle) -> QuerySet[Run]:
    """The runs of the outer scenario in ``cycle`` (an id or an outer reference), newest first."""
    return Run.objects.filter(scenario=OuterRef("pk"), cycle=cycle).order_by("-executed_at", "-pk")


def with_state(qs: QuerySet[Scenario], cycle: Cycle | None) -> QuerySet[Scenario]:
    """Annotate each scenario with its ``state`` in ``cycle`` (``not_run`` without a run or a cycle), the id
    of that latest run (``last_run_id``) and the username it is assigned to there (``assigned_to``)."""
    if cycle is None:
        return qs.annotate(
            state=Value(ScenarioState.NOT_RUN, output_field=CharField()),
            last_run_id=Value(None, output_field=BigIntegerField()),
            assigned_to=Value(None, output_field=CharField()),
        )
    latest = _latest_run_of_scenario(cycle.pk)
    assigned = Assignment.objects.filter(cycle=cycle.pk, scenario=OuterRef("pk")).values("tester__username")[:1]
    return qs.annotate(
        state=Coalesce(Subquery(latest.values("status")[:1]), Value(ScenarioState.NOT_RUN)),
        last_run_id=Subquery(latest.values("pk")[:1]),
        assigned_to=Subquery(assigned),
    )


# ---------------------------------------------------------------------------------------------------------------
# Scenarios


def latest_cycle(*, project) -> Cycle | None:
    """The project's latest cycle (highest number), or None before the first."""
    return Cycle.objects.filter(project=project).order_by("-number").first()


def scenario_list(*, project, filters: dict | None = None, cycle: Cycle | None = None) -> QuerySet[Scenario]:
    """The project's scenarios in their order, each with ``state``, ``last_run_id`` and ``assigned_to`` in the
    latest cycle (or ``cycle``) and its requirements prefetched.

    Filters: ``module`` (exact), ``priority`` and ``status`` (comma-separated; status is the state in that
    cycle: passed, failed, blocked, not_run), ``assigned_to`` (username), ``q`` (ref or title), and
    ``include_retired=true`` (retired scenarios are left out by default) or ``retired=true`` (only those).
    """
    filters = filters or {}
    if cycle is None:
        cycle = latest_cycle(project=project)
    qs = with_state(Scenario.objects.filter(project=project), cycle)
    if _is_true(filters.get("retired", "")):
        qs = qs.filter(retired_at__isnull=False)
    elif not _is_true(filters.get("include_retired", "")):
        qs = qs.filter(retired_at__isnull=True)
    if filters.get("module"):
        qs = qs.filter(module=filters["module"])
    if filters.get("priority"):
        qs = qs.filter(priority__in=_split(filters["priority"]))
    if filters.get("status"):
        qs = qs.filter(state__in=_split(filters["status"]))
    if filters.get("assigned_to"):
        qs = qs.filter(assigned_to=filters["assigned_to"])
    if filters.get("q"):
        qs = qs.filter(Q(ref__icontains=filters["q"]) | Q(title__icontains=filters["q"]))
    return qs.select_related("created_by").prefetch_related("requirements").order_by("order", "pk")


def scenario_get(*, project, ref: str) -> Scenario:
    """One scenario of the project by ref, with its state in the latest cycle; 404 when missing."""
    try:
        scenario = (
            with_state(Scenario.objects.filter(project=project), latest_cycle(project=project))
            .select_related("created_by")
            .prefetch_related("requirements")
            .get(ref=ref)
        )
    except Scenario.DoesNotExist:
        raise Http404("No such scenario.") from None
    scenario.project = project
    return scenario


def module_list(*, project) -> list[str]:
    """The distinct modules (business processes) of the project's active scenarios, for filters."""
    return list(
        Scenario.objects.filter(project=project, retired_at__isnull=True)
        .exclude(module="")
        .values_list("module", flat=True)
        .distinct()
        .order_by("module")
    )


# ---------------------------------------------------------------------------------------------------------------
# Cycles and assignments


def cycle_list(*, project) -> QuerySet[Cycle]:
    """The project's cycles, newest first, with their run and assignment counts."""
    runs = Run.objects.filter(cycle=OuterRef("pk")).order_by().values("cycle").annotate(n=Count("pk")).values("n")
    return (
        Cycle.objects.filter(project=project)
        .select_related("created_by")
        .annotate(
            run_count=Coalesce(Subquery(runs), 0),
            assignment_count=Count("assignments"),
        )
        .order_by("-number")
    )


def cycle_get(*, project, number) -> Cycle:
    try:
        cycle = Cycle.objects.select_related("created_by").get(project=project, number=int(number))
    except (Cycle.DoesNotExist, ValueError, TypeError):
        raise Http404("No such cycle.") from None
    cycle.project = project
    return cycle


def assignment_list(*, cycle: Cycle, filters: dict | None = None) -> QuerySet[Assignment]:
    """Who tests what in a cycle, in scenario order, each with the scenario's ``state`` in that cycle.
    Filters: ``tester`` (username), ``status`` (comma-separated states)."""
    filters = filters or {}
    latest = Run.objects.filter(scenario=OuterRef("scenario"), cycle=cycle.pk).order_by("-executed_at", "-pk")
    qs = (
        Assignment.objects.filter(cycle=cycle)
        .select_related("scenario", "tester", "assigned_by")
        .annotate(state=Coalesce(Subquery(latest.values("status")[:1]), Value(ScenarioState.NOT_RUN)))
    )
    if filters.get("tester"):
        qs = qs.filter(tester__username=filters["tester"])
    if filters.get("status"):
        qs = qs.filter(state__in=_split(filters["status"]))
    return qs.order_by("scenario__order", "scenario_id")


# ---------------------------------------------------------------------------------------------------------------
# Runs and evidence

RUN_RELATED = ("scenario", "cycle", "tester", "recorded_by", "defect__project")


def run_list(*, project, filters: dict | None = None) -> QuerySet[Run]:
    """The project's runs, newest first, with everything a row shows loaded in two queries.
    Filters: ``cycle`` (number), ``scenario`` (ref), ``tester`` (username), ``status`` (comma-separated)."""
    filters = filters or {}
    qs = Run.objects.filter(project=project).select_related(*RUN_RELATED).prefetch_related("evidence__uploaded_by")
    if filters.get("cycle"):
        try:
            qs = qs.filter(cycle__number=int(filters["cycle"]))
        except ValueError:
            qs = qs.none()
    if filters.get("scenario"):
        qs = qs.filter(scenario__ref=filters["scenario"])
    if filters.get("tester"):
        qs = qs.filter(tester__username=filters["tester"])
    if filters.get("status"):
        qs = qs.filter(status__in=_split(filters["status"]))
    return qs.order_by("-executed_at", "-pk")


def run_get(*, project, run_id) -> Run:
    try:
        run = (
            Run.objects.select_related(*RUN_RELATED)
            .prefetch_related("evidence__uploaded_by")
            .get(project=project, pk=int(run_id))
        )
    except (Run.DoesNotExist, ValueError, TypeError):
        raise Http404("No such run.") from None
    run.project = project
    run.scenario.project = project
    return run


def evidence_list(*, run: Run) -> QuerySet[RunEvidence]:
    return RunEvidence.objects.filter(run=run).select_related("uploaded_by")


def evidence_get(*, run: Run, evidence_id) -> RunEvidence:
    try:
        return RunEvidence.objects.get(run=run, pk=int(evidence_id))
    except (RunEvidence.DoesNotExist, ValueError, TypeError):
        raise Http404("No such evidence file.") from None


def defect_refs(*, project, scenario_ids=None) -> dict[int, list[str]]:
    """``{scenario id: [issue refs]}`` of the defects linked to the scenarios' runs (any cycle), in one query."""
    qs = Run.objects.filter(project=project, defect__isnull=False)
    if scenario_ids is not None:
        qs = qs.filter(scenario_id__in=scenario_ids)
    found: dict[int, list[str]] = defaultdict(list)
    for scenario_id, number in qs.order_by("defect__number").values_list("scenario_id", "defect__number").distinct():
        ref = f"{project.key}-{number}"
        if ref not in found[scenario_id]:
            found[scenario_id].append(ref)
    return found


def states_by_cycle(*, project, include_retired: bool = False) -> dict[int, dict[int, str]]:
    """``{scenario id: {cycle number: status of its latest run there}}`` in one query (cycles without a run
    of the scenario are absent: not run)."""
    runs = Run.objects.filter(project=project)
    if not include_retired:
        runs = runs.filter(scenario__retired_at__isnull=True)
    found: dict[int, dict[int, str]] = defaultdict(dict)
    for scenario_id, number, status in latest_runs(runs).values_list("scenario_id", "cycle__number", "status"):
        found[scenario_id][number] = status
    return found


def scenario_results(*, project) -> list[dict]:
    """Every active scenario's result in the latest cycle (JSON-ready, in scenario order): ref, title, module,
    priority, state, the latest run's tester, instant and id, and the refs of the scenario's defects. Four
    queries; the evidence a UAT sign-off records."""
    cycle = latest_cycle(project=project)
    qs = with_state(Scenario.objects.filter(project=project, retired_at__isnull=True), cycle).order_by("order", "pk")
    rows = list(qs.values("pk", "ref", "title", "module", "priority", "state", "last_run_id"))
    runs = {
        pk: (tester, executed_at)
        for pk, tester, executed_at in Run.objects.filter(
            pk__in=[r["last_run_id"] for r in rows if r["last_run_id"]]
        ).values_list("pk", "tester__username", "executed_at")
    }
    defects = defect_refs(project=project)
    results = []
    for row in rows:
        tester, executed_at = runs.get(row["last_run_id"], (None, None))
        results.append(
            {
                "ref": row["ref"],
                "title": row["title"],
                "module": row["module"],
                "priority": row["priority"],
                "state": row["state"],
                "run": row["last_run_id"],
                "tester": tester,
                "executed_at": executed_at.isoformat() if executed_at else None,
                "defects": defects.get(row["pk"], []),
            }
        )
    return results


def scenario_export_rows(*, project, include_retired: bool = True) -> tuple[list[str], list[list]]:
    """The header and rows of the scenario export: the import columns, then ``retired``, ``status`` (the state
    in the latest cycle), one ``cycle N`` column per cycle (the state in that cycle) and ``defects`` (refs).
    Four queries, whatever the number of scenarios and runs."""
    numbers = list(Cycle.objects.filter(project=project).order_by("number").values_list("number", flat=True))
    scenarios = Scenario.objects.filter(project=project)
    if not include_retired:
        scenarios = scenarios.filter(retired_at__isnull=True)
    states = states_by_cycle(project=project, include_retired=include_retired)
    defects = defect_refs(project=project)
    header = [
        "ref",
        "title",
        "module",
        "steps",
        "expected_result",
        "priority",
        "retired",
        "status",
        *[f"cycle {n}" for n in numbers],
        "defects",
    ]
    rows = []
    for pk, ref, title, module, steps, expected, priority, retired_at in scenarios.order_by("order", "pk").values_list(
        "pk", "ref", "title", "module", "steps", "expected_result", "priority", "retired_at"
    ):
        by_cycle = states.get(pk, {})
        latest = by_cycle.get(numbers[-1], ScenarioState.NOT_RUN) if numbers else ScenarioState.NOT_RUN
        rows.append(
            [
                ref,
                title,
                module,
                steps,
                expected,
                priority,
                retired_at.date().isoformat() if retired_at else "",
                str(latest),
                *[str(by_cycle.get(n, ScenarioState.NOT_RUN)) for n in numbers],
                ", ".join(defects.get(pk, [])),
            ]
        )
    return header, rows


# ---------------------------------------------------------------------------------------------------------------
# The summary


def _empty_states() -> dict[str, int]:
    return dict.fromkeys(STATES, 0)


def _burn_up(project, cycle: Cycle, today: dt.date) -> list[dict]:
    """Per day of the cycle (project time zone), from its start to today (or its last run), the scenarios
    whose latest run on that day or before is passed, and those run at all. One query, one pass."""
    zone = zoneinfo.ZoneInfo(project.timezone)
    state: dict[int, str] = {}
    per_day: dict[dt.date, tuple[int, int]] = {}
    passed = 0
    # The local day comes from the database: converting each run's instant here cost more than the rest of the
    # pass (a cycle of thousands of runs).
    rows = (
        Run.objects.filter(cycle=cycle, scenario__retired_at__isnull=True)
        .order_by("executed_at", "pk")
        .values_list("scenario_id", "status", TruncDate("executed_at", tzinfo=zone))
    )
    for scenario_id, status, day in rows:
        before = state.get(scenario_id)
        passed += (status == RunStatus.PASSED) - (before == RunStatus.PASSED)
        state[scenario_id] = status
        per_day[day] = (passed, len(state))
    start = cycle.started_at.astimezone(zone).date()
    end = max([today, *per_day]) if per_day else today
    start = min([start, *per_day]) if per_day else start
    points, current = [], (0, 0)
    day = start
    while day <= end:
        current = per_day.get(day, current)
        points.append({"date": day.isoformat(), "passed": current[0], "executed": current[1]})
        day += dt.timedelta(days=1)
    return points


def uat_summary(*, project) -> dict:
    """The UAT summary of a project (JSON-ready): the latest cycle's counts by state and by priority x state,
    the pass rate of every cycle (passed / active scenarios, percent, one decimal), each tester's progress in the
    latest cycle, open defects by severity and the latest cycle's burn-up per day.

    Retired scenarios are left out everywhere. Six queries, whatever the number of scenarios and runs.
    """
    cycles = list(Cycle.objects.filter(project=project).order_by("number"))
    current = cycles[-1] if cycles else None
    active_by_priority = dict.fromkeys(PRIORITIES, 0)
    retired = 0
    for priority, active, gone in (
        Scenario.objects.filter(project=project)
        .values("priority")
        .annotate(
            active=Count("pk", filter=Q(retired_at__isnull=True)), gone=Count("pk", filter=Q(retired_at__isnull=False))
        )
        .order_by()
        .values_list("priority", "active", "gone")
    ):
        active_by_priority[priority] = active
        retired += gone
    active = sum(active_by_priority.values())

    # Latest run per (cycle, scenario) of active scenarios, grouped in the database.
    per_cycle: dict[int, dict[str, int]] = defaultdict(_empty_states)
    by_priority = {p: _empty_states() for p in PRIORITIES}
    tester_runs: dict[str, dict[str, int]] = defaultdict(_empty_states)
    for cycle_id, priority, status, tester, n in (
        latest_runs(Run.objects.filter(project=project, scenario__retired_at__isnull=True))
        .values("cycle_id", "scenario__priority", "status", "tester__username")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("cycle_id", "scenario__priority", "status", "tester__username", "n")
    ):
        per_cycle[cycle_id][status] += n
        if current is not None and cycle_id == current.pk:
            by_priority[priority][status] += n
            tester_runs[tester][status] += n

    cycle_rows = []
    for cycle in cycles:
        counts = per_cycle[cycle.pk]
        executed = counts["passed"] + counts["failed"] + counts["blocked"]
        counts["not_run"] = max(active - executed, 0)
        cycle_rows.append(
            {
                "number": cycle.number,
                "name": cycle.name,
                "started_at": cycle.started_at.isoformat(),
                **counts,
                "executed": executed,
                "pass_rate": pass_rate(counts["passed"], active),
            }
        )
    for priority in PRIORITIES:
        row = by_priority[priority]
        row["not_run"] = active_by_priority[priority] - row["passed"] - row["failed"] - row["blocked"]
        row["total"] = active_by_priority[priority]

    testers = []
    if current is not None:
        ran = Run.objects.filter(cycle=current, scenario=OuterRef("scenario"))
        assigned = {
            username: (total, waiting)
            for username, total, waiting in Assignment.objects.filter(cycle=current, scenario__retired_at__isnull=True)
            .values("tester__username")
            .annotate(total=Count("pk"), waiting=Count("pk", filter=~Exists(ran)))
            .order_by()
            .values_list("tester__username", "total", "waiting")
        }
        for username in sorted(set(assigned) | set(tester_runs)):
            runs = tester_runs.get(username, _empty_states())
            total, waiting = assigned.get(username, (0, 0))
            testers.append(
                {
                    "tester": username,
                    "assigned": total,
                    "executed": runs["passed"] + runs["failed"] + runs["blocked"],
                    "passed": runs["passed"],
                    "failed": runs["failed"],
                    "blocked": runs["blocked"],
                    "not_run": waiting,
                }
            )

    open_defects = dict.fromkeys(Severity.values, 0)
    for severity, n in (
        Issue.objects.filter(project=project, kind=IssueKind.DEFECT, status__in=OPEN_STATUSES)
        .values("severity")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("severity", "n")
    ):
        open_defects[severity] = n
    open_defects["total"] = sum(open_defects.values())

    latest_counts = cycle_rows[-1] if cycle_rows else {**_empty_states(), "not_run": active}
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(project.timezone)).date()
    burn_up = _burn_up(project, current, today) if current is not None else []
    return {
        "cycle": (
            {"number": current.number, "name": current.name, "started_at": current.started_at.isoformat()}
            if current
            else None
        ),
        "scenarios": {"active": active, "retired": retired},
        "by_status": {state: latest_counts[state] for state in STATES},
        "by_priority": by_priority,
        "pass_rate": pass_rate(latest_counts["passed"], active),
        "cycles": cycle_rows,
        "testers": testers,
        "open_defects": open_defects,
        "burn_up": burn_up,
    }


# ---------------------------------------------------------------------------------------------------------------
# Gate figures, for many projects at once


@dataclass
class GateFigures:
    """What the ``uat`` gate criteria need of one project at an instant."""

    cycle: int | None = None  # number of the latest cycle
    active: int = 0
    passed: int = 0
    critical: int = 0
    critical_failing: list[tuple[str, str]] = field(default_factory=list)  # (ref, state), in scenario order
    min_pass_rate: float = DEFAULT_MIN_PASS_RATE  # the template's ``uat_min_pass_rate`` setting

    @property
    def pass_rate(self) -> float | None:
        return pass_rate(self.passed, self.active)


def template_min_pass_rates(project_ids) -> dict[int, float]:
    """The ``uat_min_pass_rate`` setting of each project's lifecycle template (default 95), in one query."""
    from golive.lifecycle.models import Project

    found = {}
    for pid, definition in Project.objects.filter(pk__in=set(project_ids)).values_list("pk", "template__definition"):
        settings = (definition or {}).get("settings") or {}
        found[pid] = float(settings.get("uat_min_pass_rate", DEFAULT_MIN_PASS_RATE))
    return found


def gate_figures(project_ids, *, as_of: dt.datetime | None = None) -> dict[int, GateFigures]:
    """Gate figures of many projects at ``as_of`` (default now), in one query whatever their number: the
    scenarios are counted in the database by project, priority and state, each critical scenario in a group of
    its own so that the refs of those not passed come back too.

    A scenario counts when it existed and was not retired at ``as_of``; a cycle when it had started; a run
    when it was executed by then. ``min_pass_rate`` is left at the default (see ``template_min_pass_rates``).
    """
    as_of = as_of or timezone.now()
    ids = set(project_ids)
    found = {pid: GateFigures() for pid in ids}
    if not ids:
        return found
    cycles = Cycle.objects.filter(project=OuterRef("project"), started_at__lte=as_of).order_by("-number")
    runs = Run.objects.filter(scenario=OuterRef("pk"), cycle=OuterRef("latest_cycle"), executed_at__lte=as_of)
    critical = Q(priority=ScenarioPriority.CRITICAL)
    # A critical scenario is a group of its own (its ref and order), so failing refs come back without the
    # state being computed a second time inside a CASE.
    rows = (
        Scenario.objects.filter(project__in=ids, created_at__lte=as_of)
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=as_of))
        .alias(latest_cycle=Subquery(cycles.values("pk")[:1]))
        .annotate(
            cycle=Subquery(cycles.values("number")[:1]),
            state=Coalesce(
                Subquery(runs.order_by("-executed_at", "-pk").values("status")[:1]), Value(ScenarioState.NOT_RUN)
            ),
            critical_ref=Case(When(critical, then=F("ref")), default=Value(None), output_field=CharField()),
            critical_order=Case(When(critical, then=F("order")), default=Value(None), output_field=IntegerField()),
        )
        .values("project_id", "cycle", "priority", "state", "critical_ref", "critical_order")
        .annotate(n=Count("pk"))
        .order_by()
    )
    failing: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for row in rows:
        figures = found[row["project_id"]]
        figures.cycle = row["cycle"]
        figures.active += row["n"]
        if row["state"] == ScenarioState.PASSED:
            figures.passed += row["n"]
        if row["priority"] == ScenarioPriority.CRITICAL:
            figures.critical += row["n"]
            if row["state"] != ScenarioState.PASSED:
                failing[row["project_id"]].append((row["critical_order"], row["critical_ref"], row["state"]))
    for pid, entries in failing.items():
        found[pid].critical_failing = [(ref, state) for _order, ref, state in sorted(entries)]
    return found


# ===============================================================================================================
# Reads of the HTML pages (golive.uat.views): the tester's list, a page of runs and defects, the burn-up chart.
# Each costs a fixed number of queries, whatever the number of scenarios and runs.


def tester_scenarios(
    *, project, cycle: Cycle | None, user, everyone: bool = False, states=None, ref: str | None = None
) -> QuerySet[Scenario]:
    """The scenarios of a tester's page in ``cycle`` (the latest; None before the first), in scenario order,
    each with ``state``, ``last_run_id`` and ``assigned_to`` there: those assigned to ``user`` and those
    assigned to nobody, or every active scenario with ``everyone``. ``states`` keeps only these states.

    ``ref`` narrows to that one scenario whoever it is assigned to, retired or not (the row an action on the
    page refreshes). One query."""
    qs = with_state(Scenario.objects.filter(project=project), cycle)
    if ref is not None:
        return qs.filter(ref=ref)
    qs = qs.filter(retired_at__isnull=True)
    if not everyone:
        qs = qs.filter(Q(assigned_to=user.get_username()) | Q(assigned_to__isnull=True))
    if states:
        qs = qs.filter(state__in=list(states))
    return qs.order_by("order", "pk")


def state_counts(scenarios: QuerySet[Scenario]) -> dict[str, int]:
    """``{state: count}`` (every state, and ``total``) of scenarios annotated by ``with_state``; one query."""
    counts = _empty_states()
    for state, n in scenarios.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n"):
        counts[state] = n
    counts["total"] = sum(counts.values())
    return counts


def runs_by_id(*, project, run_ids) -> dict[int, Run]:
    """Runs of the project by id, with their tester, defect and evidence files loaded (the latest runs a page
    shows); two queries, none without ids."""
    ids = [pk for pk in run_ids if pk]
    if not ids:
        return {}
    runs = (
        Run.objects.filter(project=project, pk__in=ids)
        .select_related("tester", "defect", "cycle")
        .prefetch_related("evidence")
    )
    found = {}
    for run in runs:
        run.project = project
        if run.defect is not None:
            run.defect.project = project
        found[run.pk] = run
    return found


def scenario_defects(*, project, scenario_ids) -> dict[int, list[Issue]]:
    """``{scenario id: [defects]}``: the issues linked to runs of these scenarios in any cycle, newest first,
    each listed once per scenario; one query, none without ids."""
    ids = list(scenario_ids)
    if not ids:
        return {}
    found: dict[int, list[Issue]] = defaultdict(list)
    issues = (
        Issue.objects.filter(project=project, uat_runs__scenario_id__in=ids)
        .annotate(scenario_id=F("uat_runs__scenario_id"))
        .order_by("-number")
    )
    for issue in issues:
        issue.project = project
        if all(known.pk != issue.pk for known in found[issue.scenario_id]):
            found[issue.scenario_id].append(issue)
    return found


def burn_up(*, project) -> dict:
    """The board's chart: the latest cycle (number), the active scenarios (the line to reach) and, per day of
    that cycle, the scenarios passed and run (``summary["burn_up"]``); three queries."""
    cycle = latest_cycle(project=project)
    active = Scenario.objects.filter(project=project, retired_at__isnull=True).count()
    if cycle is None:
        return {"cycle": None, "active": active, "points": []}
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(project.timezone)).date()
    return {"cycle": cycle.number, "active": active, "points": _burn_up(project, cycle, today)}
