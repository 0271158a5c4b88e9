"""Gate criteria owned by cutover, and the go/no-go checklist built from them.

The go/no-go checklist is a gate like any other (CONTRACT.md "Go/no-go"): registered criteria evaluated live
against the project's deployment phase. Templates may add criteria under ``definition["go_no_go"]``.
"""

from __future__ import annotations

import copy

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.cutover.models import SATISFIED, GoLive, GoNoGoDecision, RunbookStep, TestReport, Vote
from golive.lifecycle.gates import GateEvaluation, Result, evaluate_gates, evaluation_instant, project_ids, register

# The blocking criteria of every go/no-go checklist (CONTRACT.md).
DEFAULT_CHECKLIST = [
    {"code": "project_in_deployment", "label": "The project is in deployment"},
    {"code": "runbook_complete", "label": "Every runbook step that is not a rollback step is done or skipped"},
    {"code": "latest_test_report_passed", "label": "The latest test report passed"},
    {"code": "no_open_p1_p2", "label": "No open P1 or P2 issue"},
]


def _golives(phases) -> dict[int, GoLive]:
    rows = GoLive.objects.filter(project__in=project_ids(phases), at__lte=evaluation_instant())
    return {row.project_id: row for row in rows}


def _golive_known(phase, params, data) -> bool:
    return data.get(phase.project_id) is not None


@register("golive_recorded", gettext_lazy("Go-live recorded"), load=_golives, check=_golive_known)
def golive_recorded(phase, params, data) -> Result:
    golive = data.get(phase.project_id)
    if golive is None:
        return Result(False, _("Go-live has not been recorded."))
    return Result(True, _("Went live on %(date)s.") % {"date": golive.at.date().isoformat()})


def _in_deployment(phase, params, data) -> bool:
    current = phase.project.current_phase_id
    return current is not None and current == phase.pk


@register("project_in_deployment", gettext_lazy("The project is in deployment"), check=_in_deployment)
def project_in_deployment(phase, params, data) -> Result:
    if _in_deployment(phase, params, data):
        return Result(True, _("The project is in deployment."))
    return Result(False, _("The project is not in deployment."))


def _runbook_counts(phases) -> dict[int, dict]:
    rows = (
        RunbookStep.objects.filter(runbook__project__in=project_ids(phases), rollback=False)
        .values("runbook__project_id")
        .annotate(total=Count("id"), finished=Count("id", filter=Q(status__in=SATISFIED)))
    )
    return {row["runbook__project_id"]: row for row in rows}


def _runbook_done(phase, params, data) -> bool:
    counts = data.get(phase.project_id)
    return bool(counts) and counts["total"] == counts["finished"]


@register("runbook_complete", gettext_lazy("Runbook complete"), load=_runbook_counts, check=_runbook_done)
def runbook_complete(phase, params, data) -> Result:
    counts = data.get(phase.project_id)
    if not counts:
        return Result(False, _("The runbook has no steps."))
    remaining = counts["total"] - counts["finished"]
    if remaining:
        return Result(
            False,
            _("%(remaining)d of %(total)d runbook steps are not done or skipped.")
            % {"remaining": remaining, "total": counts["total"]},
        )
    return Result(True, _("All %(total)d runbook steps are done or skipped.") % {"total": counts["total"]})


def _latest_reports(phases) -> dict[int, TestReport]:
    as_of = evaluation_instant()
    latest: dict[int, TestReport] = {}
    # Newest first: the first row met per project is its latest report. One query; the per-project index
    # serves it, and only reports up to the evaluation instant count.
    for report in TestReport.objects.filter(project__in=project_ids(phases), uploaded_at__lte=as_of).only(
        "id", "project_id", "title", "tests", "failures", "errors", "passed", "uploaded_at"
    ):
        latest.setdefault(report.project_id, report)
    return latest


def _report_ok(phase, params, data) -> bool:
    report = data.get(phase.project_id)
    return report is not None and bool(report.ok)


@register(
    "latest_test_report_passed",
    gettext_lazy("The latest test report passed"),
    load=_latest_reports,
    check=_report_ok,
)
def latest_test_report_passed(phase, params, data) -> Result:
    report = data.get(phase.project_id)
    if report is None:
        return Result(False, _("No test report has been uploaded."))
    figures = {"title": report.title, "passed": report.passed, "tests": report.tests}
    if not report.ok:
        figures["failing"] = report.failures + report.errors
        if report.tests == 0:
            return Result(False, _("%(title)s holds no test.") % figures)
        return Result(False, _("%(title)s: %(failing)d failing of %(tests)d.") % figures)
    return Result(True, _("%(title)s: %(passed)d of %(tests)d passed.") % figures)


def _latest_decisions(phases) -> dict[int, GoNoGoDecision]:
    latest: dict[int, GoNoGoDecision] = {}
    rows = GoNoGoDecision.objects.filter(project__in=project_ids(phases), decided_at__lte=evaluation_instant()).only(
        "id", "project_id", "decision", "decided_at"
    )
    for decision in rows:
        latest.setdefault(decision.project_id, decision)
    return latest


def _go_decided(phase, params, data) -> bool:
    decision = data.get(phase.project_id)
    return decision is not None and decision.decision == Vote.GO


@register(
    "go_decision_recorded",
    gettext_lazy("A go decision is recorded"),
    load=_latest_decisions,
    check=_go_decided,
)
def go_decision_recorded_criterion(phase, params, data) -> Result:
    return _decision_result(data.get(phase.project_id))


def _decision_result(decision: GoNoGoDecision | None) -> Result:
    if decision is None:
        return Result(False, _("No go/no-go decision has been recorded."))
    day = decision.decided_at.date().isoformat()
    if decision.decision != Vote.GO:
        return Result(False, _("The latest decision (%(date)s) is no go.") % {"date": day})
    return Result(True, _("Go decided on %(date)s.") % {"date": day})


def go_decision_recorded(project) -> Result:
    """Whether the project's latest go/no-go decision is "go"."""
    return _decision_result(GoNoGoDecision.objects.filter(project=project).first())


def checklist_spec(project) -> list[dict]:
    """The go/no-go criteria of a project: the defaults plus what its template adds (by code, once each)."""
    extra = (project.template.definition or {}).get("go_no_go") or []
    spec = [dict(row) for row in DEFAULT_CHECKLIST]
    codes = {row["code"] for row in spec}
    for row in extra:
        if row.get("code") and row["code"] not in codes:
            spec.append(dict(row))
            codes.add(row["code"])
    return spec


def evaluate_checklist(project, deployment_phase) -> GateEvaluation:
    """Evaluate the go/no-go checklist live against the project's deployment phase (``project`` must have its
    template loaded)."""
    phase = copy.copy(deployment_phase)
    phase.project = project
    phase.gate = checklist_spec(project)
    return evaluate_gates([phase])[phase.pk]
