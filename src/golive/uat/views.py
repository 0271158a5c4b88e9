"""HTML views of UAT: the tester's "My scenarios" page (run a scenario, attach a screenshot, raise a defect, all in
one step), the consultant's board (progress per cycle and tester, failing scenarios with their defects, open
defects, burn-up, cycles), the scenario list (filters, bulk assignment, create, import, template and export) with
a page per scenario, and the sign-off page (the live gate and summary the approver signs, the sign-off form and
the recorded sign-offs with their snapshot).

Thin: reads through ``golive.uat.selectors``, writes through ``golive.uat.services`` (sign-offs through
``golive.lifecycle.services.signoff_record``); the project comes from ``project_for_request`` with the API's
role sets (``golive.uat.api``): every member reads, planners (consultants and the customer lead) manage
scenarios, cycles and assignments, testers (planners and customer members) record runs, defects and evidence.
An action on the tester's page answers htmx with the refreshed scenario card and a plain form post with a
redirect; a refusal shows its reason in the page: 409 for a rule, 403 for a role the service refuses, 400 for
bad input.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.accounts.selectors import membership_list
from golive.errors import DomainError, NotAllowed
from golive.lifecycle import selectors as lifecycle_selectors
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.gates import evaluate_gate
from golive.lifecycle.models import Project
from golive.tracker.models import Severity
from golive.tracker.views import SEVERITY_HELP
from golive.uat import exports, selectors, services
from golive.uat.api import PLANNERS, TESTERS
from golive.uat.forms import (
    TESTER_STATE_LABELS,
    AssignForm,
    CycleForm,
    DefectForm,
    EvidenceForm,
    ImportForm,
    RunForm,
    ScenarioFilterForm,
    ScenarioForm,
    SignOffForm,
)
from golive.uat.imports import ImportRejected
from golive.uat.models import RunStatus, ScenarioPriority, ScenarioState
from golive.web.access import ANY_MEMBER, SIGNOFF_ROLES, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page
from golive.web.labels import ROLE_LABELS

PAGE_SIZE = 50
MY_PAGE_SIZE = 25
FAILING_SHOWN = 50
CRITICAL_SHOWN = 100
RUNS_SHOWN = 50
SIGNOFFS_SHOWN = 20
# A signed snapshot lists every scenario; the page shows this many in its full table (the JSON has them all).
SNAPSHOT_ROWS_SHOWN = 500

STATE_LABELS = dict(ScenarioState.choices)
CRITICAL = ScenarioPriority.CRITICAL
PRIORITY_LABELS = dict(ScenarioPriority.choices)
# The tester's list filters: all of theirs, still to test, with a problem, passed.
MY_FILTERS = {
    "todo": [ScenarioState.NOT_RUN],
    "problems": [ScenarioState.FAILED, ScenarioState.BLOCKED],
    "passed": [ScenarioState.PASSED],
}


# ---------------------------------------------------------------------------------------------------------------
# Shared pieces


def _add_errors(form, exc: ValidationError, rename: dict | None = None) -> None:
    """Put a service's field errors on the form's fields (renamed when the form calls them otherwise), or on
    the form when it has no such field."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, field_errors)


def _form_errors(form) -> str:
    return " ".join(" ".join(errors) for errors in form.errors.values())


def _base(project, roles, tab: str) -> dict:
    """What every UAT page needs: the project, the tab, and what the viewer's roles allow."""
    return {
        "nav": "uat",
        "tab": tab,
        "project": project,
        "roles": roles,
        "can_view_audit": bool(roles & VENDOR_STAFF),
        "can_plan": bool(roles & PLANNERS),
        "can_test": bool(roles & TESTERS),
    }


def _only_self(roles) -> bool:
    """A customer member records their own runs only (the service's rule), so their page offers no tester."""
    return "customer_member" in roles and not roles - {"customer_member"}


def _people(project) -> tuple[dict[str, str], dict[str, str]]:
    """``({username: name}, {username: "name (role)"})`` of the project's members, customers first; one query."""
    memberships = sorted(
        membership_list(project=project),
        key=lambda m: (not m.role.startswith("customer"), (m.user.get_full_name() or m.user.username).lower()),
    )
    names = {m.user.username: m.user.get_full_name() or m.user.username for m in memberships}
    choices = {m.user.username: f"{names[m.user.username]} ({ROLE_LABELS.get(m.role, m.role)})" for m in memberships}
    return names, choices


def _severity_help() -> list[tuple[str, str, str]]:
    return [(value, name, SEVERITY_HELP[value]) for value, name in Severity.choices]


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _format(request) -> str:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in exports.FORMATS else "csv"


def _instant(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def uat_home(request, key):
    """The UAT entry of the project menu: customer members start on their scenarios, everyone else on the
    board."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    first = "web:uat-mine" if _only_self(roles) else "web:uat-board"
    return redirect(first, key=project.key)


# ---------------------------------------------------------------------------------------------------------------
# My scenarios: the tester's page


def _tester_rows(request, project, roles, scenarios, *, overrides: dict | None = None) -> list[dict]:
    """A card per scenario: its state in the latest cycle, the latest run there (tester, result, evidence,
    defect), its defects, and the forms the viewer may use (``overrides``: ``{ref: {form name: bound form}}``
    after a refused post). Three queries for any number of cards."""
    runs = selectors.runs_by_id(project=project, run_ids=[s.last_run_id for s in scenarios])
    defects = selectors.scenario_defects(project=project, scenario_ids=[s.pk for s in scenarios])
    username = request.user.get_username()
    rows = []
    for scenario in scenarios:
        scenario.project = project
        linked = defects.get(scenario.pk, [])
        open_defects = [issue for issue in linked if issue.is_open]
        run = runs.get(scenario.last_run_id)
        bound = (overrides or {}).get(scenario.ref, {})
        can_raise = run is not None and run.status != RunStatus.PASSED and run.defect_id is None
        title = f"{scenario.ref}: {scenario.title}"[:300]
        defect_form = (
            DefectForm(run_id=run.pk, initial={"title": title, "severity": Severity.P3}) if can_raise else None
        )
        rows.append(
            {
                "scenario": scenario,
                "state": scenario.state,
                "state_label": TESTER_STATE_LABELS[scenario.state],
                "run": run,
                # Defects of earlier runs; the latest run's own defect shows with that run.
                "other_defects": [issue for issue in linked if run is None or issue.pk != run.defect_id],
                "open_defects": open_defects,
                "mine": scenario.assigned_to == username,
                "retired": scenario.retired_at is not None,
                "form": bound.get("run")
                or RunForm(
                    ref=scenario.ref,
                    initial={
                        "defect_title": title,
                        "raise_defect": not open_defects,
                        "severity": Severity.P3,
                        "tester": scenario.assigned_to or username,
                    },
                ),
                "can_raise": can_raise,
                "defect_form": bound.get("defect") or defect_form,
                "evidence_form": bound.get("evidence") or (EvidenceForm(run_id=run.pk) if run is not None else None),
            }
        )
    return rows


def _tester_extras(request, project, roles) -> dict:
    """The parts of the tester's page every card shares: severity hints and, for vendor staff and the customer
    lead (who may record for a tester), the members to choose from."""
    choose_tester = bool(roles & TESTERS) and not _only_self(roles)
    return {
        "severity_help": _severity_help(),
        "choose_tester": choose_tester,
        "testers": _people(project)[1] if choose_tester else {},
    }


def _progress(mine) -> dict:
    """The tester's own progress (their scenarios and the unassigned ones): counts by state, tested, percent."""
    counts = selectors.state_counts(mine)
    tested = counts["total"] - counts["not_run"]
    return {
        "counts": counts,
        "tested": tested,
        "percent": round(100 * tested / counts["total"]) if counts["total"] else 0,
    }


def _mine_context(request, project, roles, *, overrides: dict | None = None, **extra) -> dict:
    cycle = selectors.latest_cycle(project=project)
    show = request.GET.get("show", "")
    if show not in MY_FILTERS:
        show = ""
    everyone = request.GET.get("everyone") == "1"
    mine = selectors.tester_scenarios(project=project, cycle=cycle, user=request.user)
    listed = selectors.tester_scenarios(
        project=project, cycle=cycle, user=request.user, everyone=everyone, states=MY_FILTERS.get(show)
    )
    page = Paginator(listed, MY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _tester_rows(request, project, roles, list(page.object_list), overrides=overrides)
    saved = request.GET.get("saved")
    for row in rows:
        row["saved"] = row["scenario"].ref == saved
    context = {
        **_base(project, roles, "mine"),
        **_tester_extras(request, project, roles),
        **_progress(mine),
        "cycle": cycle,
        "rows": rows,
        "page": page,
        "show": show,
        "everyone": everyone,
        "filters": [
            ("", _("All")),
            ("todo", _("To test")),
            ("problems", _("Failed or blocked")),
            ("passed", _("Passed")),
        ],
    }
    context.update(extra)
    return context


@login_required
@require_GET
def my_scenarios(request, key):
    """The tester's page: the scenarios assigned to the viewer in the latest cycle and those assigned to nobody
    (``?everyone=1``: every scenario), each with its steps, expected result, state and a one-step result form.
    ``?show=`` todo, problems or passed narrows the list; 25 a page."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return render_page(request, "uat/mine.html", _mine_context(request, project, roles))


def _render_card(request, project, roles, ref: str, *, status: int = 200, overrides=None, notice=None, error=None):
    """Answer an action on the tester's page: htmx gets the refreshed card (and the progress, out of band); a
    plain post that failed gets the whole page with the card's bound form."""
    if not is_htmx(request):
        context = _mine_context(request, project, roles, overrides=overrides, error=error)
        return render_page(request, "uat/mine.html", context, status=status)
    cycle = selectors.latest_cycle(project=project)
    scenario = selectors.tester_scenarios(project=project, cycle=cycle, user=request.user, ref=ref).first()
    if scenario is None:
        raise Http404("No such scenario.")
    row = _tester_rows(request, project, roles, [scenario], overrides=overrides)[0]
    row.update(notice=notice, error=error, saved=notice is not None)
    context = {
        **_base(project, roles, "mine"),
        **_tester_extras(request, project, roles),
        **_progress(selectors.tester_scenarios(project=project, cycle=cycle, user=request.user)),
        "cycle": cycle,
        "row": row,
        "oob": True,
    }
    return render_page(request, "uat/_card.html", context, status=status)


def _saved(request, project, ref: str, notice: str):
    """After a plain post: the notice at the top and the tester's page scrolled back to the card."""
    messages.success(request, notice)
    url = reverse("web:uat-mine", kwargs={"key": project.key})
    return redirect(f"{url}?{urlencode({'saved': ref})}#scenario-{ref}")


def _run_notice(ref: str, status: str, defect, files: int) -> str:
    if status == RunStatus.PASSED:
        notice = _("Saved: %(ref)s passed. Thank you!") % {"ref": ref}
    elif status == RunStatus.FAILED:
        notice = _("Saved: %(ref)s failed.") % {"ref": ref}
    else:
        notice = _("Saved: %(ref)s is blocked.") % {"ref": ref}
    if defect is not None:
        notice += " " + _("Problem %(issue)s was reported to the project team.") % {"issue": defect.ref}
    if files:
        notice += " " + _("Your file is attached.")
    return notice


@login_required
@require_POST
def scenario_run(request, key, ref):
    """Record the viewer's result of a scenario in the latest cycle (cycle 1 is opened by the first result):
    passed, failed or blocked, what happened, an optional file, and for a failure the defect, all in one
    transaction: a refused file or defect leaves no run behind."""
    project, roles = project_for_request(request, key, TESTERS)
    cycle = selectors.latest_cycle(project=project)
    scenario = selectors.tester_scenarios(project=project, cycle=cycle, user=request.user, ref=ref).first()
    if scenario is None:
        raise Http404("No such scenario.")
    form = RunForm(request.POST, request.FILES, ref=scenario.ref)
    status, error = 400, None
    if form.is_valid():
        data = form.cleaned_data
        defect = None
        try:
            with transaction.atomic():
                run = services.run_record(
                    actor=request.user,
                    project=project,
                    scenario=scenario.ref,
                    status=data["status"],
                    cycle=cycle.number if cycle else 1,
                    tester=data["tester"] or None,
                    actual_result=data["actual_result"],
                )
                if form.wants_defect:
                    defect = services.run_defect_create(
                        actor=request.user, run=run, severity=data["severity"], title=data["defect_title"]
                    )
                if data["evidence"]:
                    services.evidence_add(actor=request.user, run=run, upload=data["evidence"])
        except DomainError as exc:
            status, error = 409, exc.message
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            _add_errors(form, exc, {"file": "evidence", "title": "defect_title", "scenario": None})
        else:
            notice = _run_notice(scenario.ref, data["status"], defect, 1 if data["evidence"] else 0)
            if not is_htmx(request):
                return _saved(request, project, scenario.ref, notice)
            return _render_card(request, project, roles, scenario.ref, notice=notice)
    if error is None:
        error = _("Not saved: %(problems)s") % {"problems": _form_errors(form)}
    return _render_card(
        request, project, roles, scenario.ref, status=status, overrides={scenario.ref: {"run": form}}, error=error
    )


def _run_action(request, key, run_id, form_class, form_name: str, perform, success):
    """An action on the latest run of a card (raise its defect, add a file): the refreshed card, or its reason."""
    project, roles = project_for_request(request, key, TESTERS)
    run = selectors.run_get(project=project, run_id=run_id)
    ref = run.scenario.ref
    form = form_class(request.POST, request.FILES, run_id=run.pk)
    status, error = 400, None
    if form.is_valid():
        try:
            result = perform(run, form.cleaned_data)
        except DomainError as exc:
            status, error = 409, exc.message
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            notice = success(result)
            if not is_htmx(request):
                return _saved(request, project, ref, notice)
            return _render_card(request, project, roles, ref, notice=notice)
    if error is None:
        error = _("Not saved: %(problems)s") % {"problems": _form_errors(form)}
    return _render_card(request, project, roles, ref, status=status, overrides={ref: {form_name: form}}, error=error)


@login_required
@require_POST
def run_defect(request, key, run_id):
    """Raise the defect of a failed or blocked run that has none yet (409 otherwise)."""

    def perform(run, data):
        return services.run_defect_create(actor=request.user, run=run, severity=data["severity"], title=data["title"])

    def success(issue):
        return _("Problem %(issue)s was reported to the project team.") % {"issue": issue.ref}

    return _run_action(request, key, run_id, DefectForm, "defect", perform, success)


@login_required
@require_POST
def run_evidence(request, key, run_id):
    """Attach a file (a screenshot) to a run; the service checks its size and type."""

    def perform(run, data):
        return services.evidence_add(actor=request.user, run=run, upload=data["file"])

    def success(evidence):
        return _("%(name)s attached.") % {"name": evidence.name}

    return _run_action(request, key, run_id, EvidenceForm, "evidence", perform, success)


@login_required
@require_GET
def evidence_download(request, key, run_id, evidence_id):
    """An evidence file as a download, for members of the project only."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    run = selectors.run_get(project=project, run_id=run_id)
    evidence = selectors.evidence_get(run=run, evidence_id=evidence_id)
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------------
# The board


def _board_context(request, project, roles, **extra) -> dict:
    summary = selectors.uat_summary(project=project)
    cycle = selectors.latest_cycle(project=project)
    failing = list(
        selectors.scenario_list(project=project, filters={"status": "failed,blocked"}, cycle=cycle).prefetch_related(
            None
        )[:FAILING_SHOWN]
    )
    runs = selectors.runs_by_id(project=project, run_ids=[s.last_run_id for s in failing])
    defects = selectors.scenario_defects(project=project, scenario_ids=[s.pk for s in failing])
    names, _choices = _people(project)
    by_status = summary["by_status"]
    context = {
        **_base(project, roles, "board"),
        "summary": summary,
        "cycle": cycle,
        "status_counts": [(value, label, by_status[value]) for value, label in ScenarioState.choices],
        "priority_rows": [
            (value, label, summary["by_priority"][value])
            for value, label in ScenarioPriority.choices
            if summary["by_priority"][value]["total"]
        ],
        "cycle_rows": [{**row, "started": _instant(row["started_at"])} for row in reversed(summary["cycles"])],
        "tester_rows": [{**row, "name": names.get(row["tester"], row["tester"])} for row in summary["testers"]],
        "failing": [
            {
                "scenario": s,
                "state_label": STATE_LABELS[s.state],
                "run": runs.get(s.last_run_id),
                "defects": defects.get(s.pk, []),
                "tester": names.get(s.assigned_to, s.assigned_to),
            }
            for s in failing
        ],
        "failing_total": by_status["failed"] + by_status["blocked"],
        "defect_counts": [(value, label, summary["open_defects"][value]) for value, label in Severity.choices],
        "cycle_form": CycleForm(),
        "next_cycle": (cycle.number if cycle else 0) + 1,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def board(request, key):
    """The consultant's UAT board: the latest cycle's pass rate and counts by state and priority, every
    cycle's figures, each tester's progress, failing and blocked scenarios with their defects, open defects by
    severity, the burn-up (drawn from ``board_chart``) and, for planners, the form that starts the next cycle."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return render_page(request, "uat/board.html", _board_context(request, project, roles))


@login_required
@require_GET
def board_chart(request, key):
    """Data of the burn-up chart: per day of the latest cycle, the scenarios passed and run, and the active
    scenarios to reach."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    data = selectors.burn_up(project=project)
    return JsonResponse(
        {
            "cycle": data["cycle"],
            "active": data["active"],
            "labels": [point["date"] for point in data["points"]],
            "passed": [point["passed"] for point in data["points"]],
            "executed": [point["executed"] for point in data["points"]],
        }
    )


@login_required
@require_POST
def cycle_create(request, key):
    """Planners start the next cycle (round): every scenario is not run again until it is run in it."""
    project, roles = project_for_request(request, key, PLANNERS)
    form = CycleForm(request.POST)
    status, error = 400, None
    if form.is_valid():
        try:
            cycle = services.cycle_create(actor=request.user, project=project, name=form.cleaned_data["name"])
        except DomainError as exc:
            status, error = 409, exc.message
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Round %(number)d started.") % {"number": cycle.number})
            return redirect("web:uat-board", key=project.key)
    context = _board_context(
        request, project, roles, cycle_form=form, error=error or _("Please correct the errors below.")
    )
    return render_page(request, "uat/board.html", context, status=status)


# ---------------------------------------------------------------------------------------------------------------
# The scenario list


def _scenarios_context(request, project, roles, **extra) -> dict:
    names, choices = _people(project)
    modules = selectors.module_list(project=project)
    filter_form = ScenarioFilterForm(request.GET, modules=modules, testers=choices)
    filters = filter_form.filters()
    cycle = selectors.latest_cycle(project=project)
    page = Paginator(selectors.scenario_list(project=project, filters=filters, cycle=cycle), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    scenarios = list(page.object_list)
    defects = selectors.scenario_defects(project=project, scenario_ids=[s.pk for s in scenarios])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **_base(project, roles, "scenarios"),
        "cycle": cycle,
        "page": page,
        "rows": [
            {
                "scenario": s,
                "state_label": STATE_LABELS[s.state],
                "defects": defects.get(s.pk, []),
                "tester": names.get(s.assigned_to, s.assigned_to),
            }
            for s in scenarios
        ],
        "filter_form": filter_form,
        "filtered": bool(filters),
        "query": query.urlencode(),
        "scenario_form": ScenarioForm(),
        "import_form": ImportForm(),
        "assign_form": AssignForm(testers=choices),
        "formats": exports.FORMATS,
    }
    context.update(extra)
    return context


def _render_scenarios(request, project, roles, *, status: int = 200, **extra):
    return render_page(
        request, "uat/scenarios.html", _scenarios_context(request, project, roles, **extra), status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_list(request, key):
    """The scenarios in order with their state, tester and defects in the latest cycle, filtered by module,
    priority, state, tester or text, 50 a page; planners tick scenarios to assign them, add one (POST),
    import a file, and everyone downloads the template and the export."""
    project, roles = project_for_request(request, key, PLANNERS if request.method == "POST" else ANY_MEMBER)
    if request.method == "GET":
        return _render_scenarios(request, project, roles)
    form = ScenarioForm(request.POST)
    status, error = 400, None
    if form.is_valid():
        try:
            scenario = services.scenario_create(actor=request.user, project=project, **form.cleaned_data)
        except DomainError as exc:
            status, error = 409, exc.message
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Scenario %(ref)s added.") % {"ref": scenario.ref})
            return redirect("web:uat-scenarios", key=project.key)
    return _render_scenarios(
        request,
        project,
        roles,
        status=status,
        scenario_form=form,
        open_create=True,
        error=error or _("Please correct the errors below."),
    )


@login_required
@require_POST
def scenario_import(request, key):
    """Import scenarios from CSV or XLSX, all or nothing; a refused file lists every bad row (row, column,
    message) and nothing is created."""
    project, roles = project_for_request(request, key, PLANNERS)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_scenarios(
            request, project, roles, status=400, import_form=form, error=_("Choose a CSV or XLSX file.")
        )
    try:
        created = services.scenario_import(actor=request.user, project=project, upload=form.cleaned_data["file"])
    except ImportRejected as exc:
        return _render_scenarios(request, project, roles, status=400, import_errors=exc.errors, error=exc.detail)
    messages.success(request, _("%(count)d scenario(s) imported.") % {"count": len(created)})
    return redirect("web:uat-scenarios", key=project.key)


@login_required
@require_GET
def scenario_template(request, key):
    """The import template, ``?format=csv`` (default) or ``xlsx`` (the API's file)."""
    project_for_request(request, key, ANY_MEMBER)
    if _format(request) == "xlsx":
        return _download(exports.template_xlsx(), exports.XLSX_CONTENT_TYPE, "uat-scenarios-template.xlsx")
    return _download(exports.template_csv(), exports.CSV_CONTENT_TYPE, "uat-scenarios-template.csv")


@login_required
@require_GET
def scenario_export(request, key):
    """Scenarios with their state in the latest cycle and each cycle, and their defects (the API's file)."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    fmt = _format(request)
    header, rows = selectors.scenario_export_rows(project=project)
    content, content_type = exports.export_file(header, rows, fmt)
    return _download(content, content_type, f"{project.key}-uat-scenarios.{fmt}")


def _back_to_list(request, project):
    """The scenario list with the filters the planner was looking at (``return_query``), never elsewhere."""
    query = QueryDict(request.POST.get("return_query", ""))
    url = reverse("web:uat-scenarios", kwargs={"key": project.key})
    return redirect(f"{url}?{query.urlencode()}" if query else url)


@login_required
@require_POST
def assign(request, key):
    """Planners assign the ticked scenarios to one tester in the latest cycle, all or nothing (assigning before
    any cycle opens cycle 1); a scenario already assigned moves to the new tester."""
    project, roles = project_for_request(request, key, PLANNERS)
    names, choices = _people(project)
    form = AssignForm(request.POST, testers=choices)
    status, error = 400, None
    if form.is_valid():
        refs, tester = form.cleaned_data["scenarios"], form.cleaned_data["tester"]
        try:
            with transaction.atomic():
                cycle = selectors.latest_cycle(project=project) or services.cycle_create(
                    actor=request.user, project=project
                )
                services.assignments_set(
                    actor=request.user, cycle=cycle, assignments=[{"scenario": ref, "tester": tester} for ref in refs]
                )
        except DomainError as exc:
            status, error = 409, exc.message
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(count)d scenario(s) assigned to %(name)s in round %(number)d.")
                % {"count": len(refs), "name": names.get(tester, tester), "number": cycle.number},
            )
            return _back_to_list(request, project)
    return _render_scenarios(
        request, project, roles, status=status, assign_form=form, error=error or _form_errors(form)
    )


def _scenario_context(request, project, roles, scenario, **extra) -> dict:
    runs = list(selectors.run_list(project=project, filters={"scenario": scenario.ref})[:RUNS_SHOWN])
    requirements = [r.ref for r in scenario.requirements.all()]
    context = {
        **_base(project, roles, "scenarios"),
        "scenario": scenario,
        "state_label": STATE_LABELS[scenario.state],
        "requirements": requirements,
        "runs": runs,
        "form": ScenarioForm(
            editing=True,
            initial={
                "title": scenario.title,
                "module": scenario.module,
                "priority": scenario.priority,
                "steps": scenario.steps,
                "expected_result": scenario.expected_result,
                "requirements": ", ".join(requirements),
                "order": scenario.order,
            },
        ),
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def scenario_detail(request, key, ref):
    """One scenario: its text, state, every run (newest first, with evidence and defects) and, for planners,
    the edit form (POST) and the retire button."""
    project, roles = project_for_request(request, key, PLANNERS if request.method == "POST" else ANY_MEMBER)
    scenario = selectors.scenario_get(project=project, ref=ref)
    if request.method == "GET":
        return render_page(request, "uat/scenario.html", _scenario_context(request, project, roles, scenario))
    form = ScenarioForm(request.POST, editing=True)
    status, error = 400, None
    if form.is_valid():
        try:
            services.scenario_update(actor=request.user, scenario=scenario, **form.cleaned_data)
        except DomainError as exc:
            status, error = 409, exc.message
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Scenario %(ref)s saved.") % {"ref": scenario.ref})
            return redirect("web:uat-scenario", key=project.key, ref=scenario.ref)
    context = _scenario_context(
        request, project, roles, scenario, form=form, error=error or _("Please correct the errors below.")
    )
    return render_page(request, "uat/scenario.html", context, status=status)


@login_required
@require_POST
def scenario_retire(request, key, ref):
    """Planners retire a scenario: it leaves states, the board and the gate; its runs stay on record."""
    project, roles = project_for_request(request, key, PLANNERS)
    scenario = selectors.scenario_get(project=project, ref=ref)
    try:
        services.scenario_retire(actor=request.user, scenario=scenario)
    except DomainError as exc:
        context = _scenario_context(request, project, roles, scenario, error=exc.message)
        return render_page(request, "uat/scenario.html", context, status=409)
    messages.success(request, _("Scenario %(ref)s retired; its results stay on record.") % {"ref": scenario.ref})
    return redirect("web:uat-scenario", key=project.key, ref=scenario.ref)


# ---------------------------------------------------------------------------------------------------------------
# Sign-off


def _snapshot_rows(scenarios: list[dict]) -> list[dict]:
    return [
        {
            **row,
            "state_label": STATE_LABELS.get(row.get("state"), row.get("state")),
            "priority_label": PRIORITY_LABELS.get(row.get("priority"), row.get("priority")),
            "executed": _instant(row.get("executed_at")),
        }
        for row in scenarios
    ]


def _record(signoff, *, full: bool) -> dict:
    """A recorded sign-off readable: the gate as it stood and the UAT evidence it signed (summary, and with
    ``full`` the scenarios not passed or critical, and the whole list up to ``SNAPSHOT_ROWS_SHOWN``)."""
    snapshot = signoff.gate_snapshot or {}
    evidence = (snapshot.get("evidence") or {}).get("uat") or {}
    summary = evidence.get("summary") or {}
    by_status = summary.get("by_status") or {}
    open_defects = summary.get("open_defects") or {}
    record = {
        "signoff": signoff,
        "gate_passed": snapshot.get("passed"),
        "criteria": snapshot.get("criteria") or [],
        "has_evidence": bool(evidence),
        "cycle": summary.get("cycle"),
        "pass_rate": summary.get("pass_rate"),
        "active": (summary.get("scenarios") or {}).get("active"),
        "status_counts": [(value, label, by_status.get(value, 0)) for value, label in ScenarioState.choices],
        "defect_counts": [(value, label, open_defects.get(value, 0)) for value, label in Severity.choices],
        "defects_open": open_defects.get("total", 0),
        "full": full,
    }
    if full:
        rows = _snapshot_rows(evidence.get("scenarios") or [])
        record.update(
            attention=[
                row
                for row in rows
                if row["state"] != ScenarioState.PASSED or row["priority"] == ScenarioPriority.CRITICAL
            ],
            scenarios=rows[:SNAPSHOT_ROWS_SHOWN],
            scenario_count=len(rows),
        )
    return record


def _uat_phase(project):
    try:
        phase = lifecycle_selectors.phase_get(project=project, key="uat")
    except Http404:
        return None
    phase.project = project
    return phase


def _signoff_context(request, project, roles, **extra) -> dict:
    phase = _uat_phase(project)
    summary = selectors.uat_summary(project=project)
    critical = list(
        selectors.scenario_list(project=project, filters={"priority": ScenarioPriority.CRITICAL}).prefetch_related(
            None
        )[:CRITICAL_SHOWN]
    )
    signoffs = list(lifecycle_selectors.signoff_list(project=project).filter(phase__key="uat")[:SIGNOFFS_SHOWN])
    in_uat = phase is not None and project.current_phase_id == phase.pk and project.status == Project.Status.ACTIVE
    by_status = summary["by_status"]
    context = {
        **_base(project, roles, "signoff"),
        "phase": phase,
        "gate": evaluate_gate(phase) if phase is not None else None,
        "summary": summary,
        "status_counts": [(value, label, by_status[value]) for value, label in ScenarioState.choices],
        "defect_counts": [(value, label, summary["open_defects"][value]) for value, label in Severity.choices],
        "critical": [{"scenario": s, "state_label": STATE_LABELS[s.state]} for s in critical],
        "critical_total": sum(summary["by_priority"][ScenarioPriority.CRITICAL][s] for s in ScenarioState.values),
        "records": [_record(signoff, full=index == 0) for index, signoff in enumerate(signoffs)],
        "in_uat": in_uat,
        "can_sign": in_uat and bool(roles & SIGNOFF_ROLES),
        "signs_for_gate": "customer_lead" in roles,
        "form": SignOffForm(),
    }
    context.update(extra)
    return context


def _render_signoff(request, project, roles, *, status: int = 200, **extra):
    return render_page(
        request,
        "uat/signoff.html",
        _signoff_context(request, project, roles, **extra),
        fragment_template="uat/_signoff_body.html",
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def signoff(request, key):
    """The evidence the approver signs: the live ``uat`` gate, the latest cycle's summary, the critical
    scenarios and open defects; the approve/reject form of the customer lead (the consultant lead may sign too,
    but the gate counts the customer lead's approval); and the recorded UAT sign-offs with their snapshot."""
    project, roles = project_for_request(request, key, SIGNOFF_ROLES if request.method == "POST" else ANY_MEMBER)
    if request.method == "GET":
        return _render_signoff(request, project, roles)
    form = SignOffForm(request.POST)
    status, error, criteria = 400, None, None
    if form.is_valid():
        try:
            lifecycle_services.signoff_record(
                actor=request.user,
                project=project,
                phase_key="uat",
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            status, error, criteria = 409, exc.message, exc.criteria
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            notice = _("Sign-off recorded, with the evidence below.")
            if "customer_lead" not in roles:
                notice += " " + _("The gate counts the customer lead's approval.")
            if not is_htmx(request):
                messages.success(request, notice)
                return redirect("web:uat-signoff", key=project.key)
            return _render_signoff(request, project, roles, notice=notice)
    return _render_signoff(
        request,
        project,
        roles,
        status=status,
        form=form,
        error=error or _("Please correct the errors below."),
        error_criteria=criteria,
    )


@login_required
@require_GET
def signoff_snapshot(request, key, signoff_id):
    """A recorded UAT sign-off's snapshot (the gate and the evidence as signed) as a JSON download."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    found = lifecycle_selectors.signoff_list(project=project).filter(phase__key="uat", pk=signoff_id).first()
    if found is None:
        raise Http404("No such sign-off.")
    response = JsonResponse(found.gate_snapshot, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{project.key}-uat-signoff-{found.pk}.json"'
    return response
