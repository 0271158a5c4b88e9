"""HTML views of the deployment week: the live cutover board (runbook in dependency order, start / complete /
fail / skip with htmx, auto-refresh, ETA, CSV export, print), the test evidence (JUnit uploads and manual
smoke tests with their failing cases) and the go/no-go page (checklist, votes, decision, go-live).

Thin: reads through ``golive.cutover.selectors``, writes through ``golive.cutover.services``; the project comes
from ``project_for_request`` with the API's role sets (``golive.cutover.api``). An action answers htmx with the
refreshed fragment and a plain form post with a redirect; a refused move shows its reason in the page: 409 for
a rule (with the failing criteria of a refused "go"), 403 for a role the service refuses, 400 for bad input.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.accounts.selectors import membership_list
from golive.api import LEADS
from golive.cutover import exports, selectors, services
from golive.cutover.forms import (
    MANUAL_ROWS,
    MANUAL_STATUS_LABELS,
    MAX_MANUAL_ROWS,
    CloneForm,
    DecideForm,
    GoLiveForm,
    ManualReportForm,
    StepActionForm,
    StepForm,
    TargetForm,
    TemplateSaveForm,
    UploadForm,
    VoteForm,
    manual_items_formset,
)
from golive.cutover.models import STEP_TRANSITIONS, StepAction, StepStatus, Vote
from golive.engagement import selectors as engagement_selectors
from golive.engagement.models import MeetingKind
from golive.errors import DomainError, NotAllowed
from golive.web.access import ANY_MEMBER, CONSULTANTS, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page

PAGE_SIZE = 50
STEP_NOTICES = {
    StepAction.START: gettext_lazy("%(ref)s started."),
    StepAction.COMPLETE: gettext_lazy("%(ref)s done."),
    StepAction.FAIL: gettext_lazy("%(ref)s marked failed."),
    StepAction.SKIP: gettext_lazy("%(ref)s skipped."),
}


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's field errors on the form's fields (or on the form when it has no such field)."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _members(project) -> dict:
    found = {}
    for membership in membership_list(project=project).order_by("user__username"):
        found.setdefault(membership.user.username, membership.user)
    return found


def _tabs(roles) -> dict:
    return {"nav": "cutover", "can_view_audit": bool(roles & VENDOR_STAFF)}


# ---------------------------------------------------------------------------------------------------------------
# The cutover board


def t_label(planned_start: dt.datetime | None, target: dt.datetime | None) -> str:
    """A planned start relative to T-0: ``T-2:00``, ``T+0:30``, ``T-0``."""
    if planned_start is None or target is None:
        return ""
    minutes = round((planned_start - target).total_seconds() / 60)
    if minutes == 0:
        return "T-0"
    hours, rest = divmod(abs(minutes), 60)
    return f"T{'-' if minutes < 0 else '+'}{hours}:{rest:02d}"


def duration_text(minutes: int) -> str:
    """``45 min``, ``2 h 05 min``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}


def _row(board_step, board, user, consultant: bool) -> dict:
    """What a row of the board shows and which actions its buttons offer the viewer."""
    step = board_step.step
    may_run = consultant or user.is_admin or (step.owner_id is not None and step.owner_id == user.pk)
    startable_states = STEP_TRANSITIONS[StepAction.START][0]
    return {
        "b": board_step,
        "step": step,
        "t_label": t_label(board_step.planned_start, board.target_at),
        "may_run": may_run,
        "can_start": may_run and board_step.can_start,
        # A rollback step waiting for the rollback to open shows a disabled start button.
        "start_locked": may_run and step.rollback and step.status in startable_states and not board.rollback_available,
        "can_finish": may_run and step.status == StepStatus.IN_PROGRESS,
        "can_skip": may_run and step.status in STEP_TRANSITIONS[StepAction.SKIP][0],
        "running": step.status == StepStatus.IN_PROGRESS,
        # Why a step that could start cannot yet (a closed rollback step waits for the rollback, not its steps).
        "waiting": board_step.waiting_for
        if step.status in startable_states and (board.rollback_available or not step.rollback)
        else [],
        "ponr": step.point_of_no_return,
    }


def _now_row(now_step, board, user, consultant: bool) -> dict:
    """A step that needs someone now, linked to its row: on this page, or on the page of the board that has it."""
    row = _row(now_step.board_step, board, user, consultant)
    shown = board.rollback_steps.number if now_step.rollback else board.steps.number
    anchor = f"#step-{row['step'].ref}"
    if now_step.page == shown:
        return {**row, "href": anchor}
    pages = {"page": board.steps.number, "rollback_page": board.rollback_steps.number}
    pages["rollback_page" if now_step.rollback else "page"] = now_step.page
    return {**row, "href": f"?{urlencode(pages)}{anchor}"}


def _page_param(request, name: str) -> int | None:
    """A page number from the query string (also on a step action's POST), or None when absent or not a number."""
    try:
        return int(request.GET[name])
    except (KeyError, ValueError):
        return None


def _page_query(request) -> str:
    """The board's page parameters of this request, to come back to the same page after a plain form post."""
    kept = {name: number for name in ("page", "rollback_page") if (number := _page_param(request, name)) is not None}
    return f"?{urlencode(kept)}" if kept else ""


def _board_context(request, project, roles, **extra) -> dict:
    page, rollback_page = _page_param(request, "page"), _page_param(request, "rollback_page")
    board = selectors.runbook_board_page(project=project, page=page, rollback_page=rollback_page)
    consultant = bool(roles & CONSULTANTS)
    # The refresh keeps a page the viewer chose, and otherwise follows the cutover to the page where it stands.
    chosen = {
        name: number
        for name, number, wanted in (
            ("page", board.steps.number, page),
            ("rollback_page", board.rollback_steps.number, rollback_page),
        )
        if wanted is not None
    }
    # A step action keeps the page that was on show, so the row acted on stays in view.
    shown = {"page": board.steps.number, "rollback_page": board.rollback_steps.number}
    context = {
        **_tabs(roles),
        "tab": "runbook",
        "project": project,
        "roles": roles,
        "board": board,
        "rows": [_row(b, board, request.user, consultant) for b in board.steps.rows],
        "rollback_rows": [_row(b, board, request.user, consultant) for b in board.rollback_steps.rows],
        "now_rows": [_now_row(n, board, request.user, consultant) for n in board.now_steps],
        "refresh_query": f"?{urlencode(chosen)}" if chosen else "",
        "shown_query": f"?{urlencode(shown)}",
        "done_count": board.counts[StepStatus.DONE] + board.counts[StepStatus.SKIPPED],
        "status_counts": [(value, name, board.counts[value]) for value, name in StepStatus.choices],
        "remaining_text": duration_text(board.remaining_minutes),
        "finished": bool(board.total) and board.remaining_minutes == 0,
        "can_plan": consultant,
    }
    # The planning forms sit outside the board fragment: the 30-second refresh does not load their choices.
    if consultant and not is_htmx(request):
        members = _members(project)
        templates = list(selectors.runbook_template_list())
        context.update(
            step_form=StepForm(members=members),
            clone_form=CloneForm(templates=templates),
            template_form=TemplateSaveForm(),
            target_form=TargetForm(initial={"target_at": board.target_at}),
            has_templates=bool(templates),
        )
    context.update(extra)
    return context


def _render_board(request, project, roles, *, status: int = 200, **extra):
    return render_page(
        request,
        "cutover/board.html",
        _board_context(request, project, roles, **extra),
        fragment_template="cutover/_board.html",
        status=status,
    )


@login_required
@require_GET
def cutover_board(request, key):
    """The live cutover board: the runbook in dependency order with plan and execution, the running step, the
    critical path, the point of no return, the rollback plan, progress and ETA. htmx refreshes the board
    fragment every 30 seconds."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return _render_board(request, project, roles)


@login_required
@require_GET
def runbook_csv(request, key):
    """The runbook as CSV, the same file as ``GET /runbook/export/``."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    body = exports.runbook_csv(selectors.runbook_board(project=project))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.key}-runbook.csv"'
    return response


@login_required
@require_POST
def step_action(request, key, ref, action):
    """Start, complete, fail (with a note) or skip (with a reason) a step. Any member may ask; the service lets
    consultants run any step and other members the steps they own."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    if action not in StepAction.values:
        raise Http404("No such step action.")
    step = selectors.step_get(project=project, ref=ref)
    form = StepActionForm(request.POST)
    status, error, criteria = 400, None, None
    if form.is_valid():
        text = form.cleaned_data["reason" if action == StepAction.SKIP else "note"]
        try:
            services.STEP_ACTIONS[action](request.user, step, text)
        except DomainError as exc:
            status, error, criteria = 409, exc.message, exc.criteria
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            notice = STEP_NOTICES[action] % {"ref": step.ref}
            if not is_htmx(request):
                messages.success(request, notice)
                return redirect(reverse("web:cutover-board", args=[project.key]) + _page_query(request))
            return _render_board(request, project, roles, notice=notice)
    else:
        error = " ".join(" ".join(errors) for errors in form.errors.values())
    return _render_board(request, project, roles, status=status, error=error, error_criteria=criteria)


def _plan_action(request, key, form_name: str, make_form, perform, success: str):
    """A consultant's change to the plan (add a step, clone, save as template, T-0): redirect back to the board
    on success, the board with the form's errors (400) or the refusal (409) otherwise."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    form = make_form(request, project)
    status, error = 400, None
    if form.is_valid():
        try:
            perform(project, form.cleaned_data)
        except DomainError as exc:
            status, error = 409, exc.message
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("web:cutover-board", key=project.key)
    error = error or _("Please correct the errors below.")
    context = _board_context(request, project, roles, error=error, **{form_name: form})
    return render_page(request, "cutover/board.html", context, status=status)


@login_required
@require_POST
def step_add(request, key):
    """Consultants add a step at the end of the runbook (its dependencies must exist and form no cycle)."""

    members = {}

    def make_form(request, project):
        members.update(_members(project))
        refs = list(selectors.step_list(project=project).values_list("ref", flat=True))
        return StepForm(request.POST, members=members, refs=refs)

    def perform(project, data):
        data = dict(data)
        owner = data.pop("owner")
        services.step_create(actor=request.user, project=project, owner=members.get(owner) if owner else None, **data)

    return _plan_action(request, key, "step_form", make_form, perform, _("Step added."))


@login_required
@require_POST
def runbook_clone(request, key):
    """Consultants append a template's steps to the runbook."""

    def make_form(request, project):
        return CloneForm(request.POST, templates=selectors.runbook_template_list())

    def perform(project, data):
        template = selectors.runbook_template_get(data["template"])
        services.runbook_clone(actor=request.user, project=project, template=template)

    return _plan_action(request, key, "clone_form", make_form, perform, _("Template steps added to the runbook."))


@login_required
@require_POST
def runbook_template_save(request, key):
    """Consultants save the runbook's plan as a reusable template."""

    def perform(project, data):
        services.runbook_template_save(actor=request.user, project=project, **data)

    return _plan_action(
        request,
        key,
        "template_form",
        lambda request, project: TemplateSaveForm(request.POST),
        perform,
        _("Runbook saved as a template."),
    )


@login_required
@require_POST
def runbook_target(request, key):
    """Consultants set T-0, the instant the T-minus offsets count from (empty: the default)."""

    def perform(project, data):
        services.runbook_update(actor=request.user, project=project, target_at=data["target_at"])

    return _plan_action(
        request, key, "target_form", lambda request, project: TargetForm(request.POST), perform, _("T-0 set.")
    )


# ---------------------------------------------------------------------------------------------------------------
# Test evidence


def _reports_context(request, project, roles, **extra) -> dict:
    page = Paginator(selectors.test_report_list(project=project), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_tabs(roles),
        "tab": "tests",
        "project": project,
        "roles": roles,
        "page": page,
        "reports": page.object_list,
        "can_upload": bool(roles & VENDOR_STAFF),
        "upload_form": UploadForm(),
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def test_reports(request, key):
    """The test evidence of the project, newest first; vendor staff upload a JUnit XML report (POST)."""
    project, roles = project_for_request(request, key, VENDOR_STAFF if request.method == "POST" else ANY_MEMBER)
    if request.method == "GET":
        return render_page(request, "cutover/test_reports.html", _reports_context(request, project, roles))
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.test_report_upload(
                actor=request.user,
                project=project,
                upload=form.cleaned_data["file"],
                environment=form.cleaned_data["environment"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Test report uploaded."))
            return redirect("web:test-report", key=project.key, report_id=report.pk)
    context = _reports_context(request, project, roles, upload_form=form, error=_("Please correct the errors below."))
    return render_page(request, "cutover/test_reports.html", context, status=400)


def _rows_wanted(request) -> int:
    try:
        return max(1, min(int(request.GET.get("rows", MANUAL_ROWS)), MAX_MANUAL_ROWS))
    except ValueError:
        return MANUAL_ROWS


@login_required
@require_http_methods(["GET", "POST"])
def test_report_manual(request, key):
    """A manual smoke-test checklist (for teams without a test runner): a check per row, passed, failed or
    skipped, with a note. Any member records one; empty rows are ignored."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    status, error = 200, None
    if request.method == "POST":
        form = ManualReportForm(request.POST)
        items = manual_items_formset(request.POST)
        status, error = 400, _("Please correct the errors below.")
        if form.is_valid() and items.is_valid():
            rows = [row for row in items.cleaned_data if row]
            try:
                report = services.test_report_manual(
                    actor=request.user, project=project, items=rows, **form.cleaned_data
                )
            except ValidationError as exc:
                error = _error_text(exc)
            else:
                messages.success(request, _("Smoke test recorded."))
                return redirect("web:test-report", key=project.key, report_id=report.pk)
    else:
        form = ManualReportForm()
        items = manual_items_formset(rows=_rows_wanted(request))
    context = {
        **_tabs(roles),
        "tab": "tests",
        "project": project,
        "roles": roles,
        "form": form,
        "items": items,
        "more_rows": min(items.total_form_count() + MANUAL_ROWS, MAX_MANUAL_ROWS),
        "error": error,
    }
    return render_page(request, "cutover/test_report_manual.html", context, status=status)


@login_required
@require_GET
def test_report_detail(request, key, report_id):
    """One report: its totals, who uploaded it against which environment, and the failing cases with their
    messages (a manual smoke test also lists every check)."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    report = selectors.test_report_get(project=project, report_id=report_id)
    context = {
        **_tabs(roles),
        "tab": "tests",
        "project": project,
        "roles": roles,
        "report": report,
        "failing": list(report.failing_cases.all()),
        "checklist": [{**item, "label": MANUAL_STATUS_LABELS.get(item.get("status"), "")} for item in report.checklist],
    }
    return render_page(request, "cutover/test_report_detail.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Go/no-go


def _go_meetings(project) -> list:
    filters = {"kind": MeetingKind.GO_NO_GO}
    return list(engagement_selectors.meeting_list(project=project, filters=filters).prefetch_related(None))


def _history(decisions) -> list[dict]:
    """The decisions with their vote snapshots readable (instants parsed, votes named)."""
    names = dict(Vote.choices)
    return [
        {
            "decision": decision,
            "votes": [
                {**vote, "label": names.get(vote.get("vote"), ""), "cast_at": _instant(vote.get("cast_at"))}
                for vote in decision.votes_snapshot
            ],
        }
        for decision in decisions
    ]


def _instant(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _go_context(request, project, roles, **extra) -> dict:
    state = selectors.go_no_go_status(project=project)
    open_round = state.in_deployment and state.golive is None
    can_decide = open_round and bool(roles & LEADS)
    mine = next((vote for vote in state.votes if vote.voter_id == request.user.pk), None)
    went_go = state.decision is not None and state.decision.decision == Vote.GO
    context = {
        **_tabs(roles),
        "tab": "go-no-go",
        "project": state.project,
        "roles": roles,
        "state": state,
        "history": _history(state.decisions),
        "my_vote": mine,
        # Administrators see the page but only members vote (the service says so if one tries).
        "can_vote": open_round and bool(roles - {"admin"}),
        "can_decide": can_decide,
        "can_record_golive": open_round and went_go and bool(roles & CONSULTANTS),
        "vote_form": VoteForm(initial={"vote": mine.vote, "comment": mine.comment} if mine else None),
        "golive_form": GoLiveForm(),
    }
    if can_decide:
        context["decide_form"] = DecideForm(meetings=_go_meetings(project))
    context.update(extra)
    return context


def _render_go(request, project, roles, *, status: int = 200, **extra):
    return render_page(
        request,
        "cutover/go_no_go.html",
        _go_context(request, project, roles, **extra),
        fragment_template="cutover/_go_no_go_body.html",
        status=status,
    )


@login_required
@require_GET
def go_no_go(request, key):
    """The go/no-go checklist evaluated live (with evidence links), the open votes and their tally, the vote and
    decision forms, the decision history, and go-live once "go" is decided."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return _render_go(request, project, roles)


def _go_action(request, key, allowed, form_name: str, make_form, perform, success: str):
    project, roles = project_for_request(request, key, allowed)
    form = make_form(request, project)
    status, error, criteria = 400, None, None
    if form.is_valid():
        try:
            perform(project, form)
        except DomainError as exc:
            status, error, criteria = 409, exc.message, exc.criteria
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if not is_htmx(request):
                messages.success(request, success)
                return redirect("web:go-no-go", key=project.key)
            return _render_go(request, project, roles, notice=success)
    error = error or _("Please correct the errors below.")
    return _render_go(request, project, roles, status=status, error=error, error_criteria=criteria, **{form_name: form})


@login_required
@require_POST
def go_no_go_vote(request, key):
    """Cast or replace the caller's vote (members of the project, vendor and customer)."""

    def perform(project, form):
        services.vote_cast(actor=request.user, project=project, **form.cleaned_data)

    return _go_action(
        request, key, ANY_MEMBER, "vote_form", lambda request, project: VoteForm(request.POST), perform, _("Vote cast.")
    )


@login_required
@require_POST
def go_no_go_decide(request, key):
    """The consultant lead decides; "go" is refused (409, with the failing criteria) while a blocking criterion
    fails, "no go" needs the new target go-live date."""

    def make_form(request, project):
        return DecideForm(request.POST, meetings=_go_meetings(project))

    def perform(project, form):
        data = dict(form.cleaned_data)
        meeting = data.pop("meeting")
        services.go_no_go_decide(
            actor=request.user, project=project, meeting=form.meetings.get(meeting) if meeting else None, **data
        )

    return _go_action(request, key, LEADS, "decide_form", make_form, perform, _("Decision recorded."))


@login_required
@require_POST
def golive(request, key):
    """Record the go-live after a "go" decision: deployment closes, hypercare starts; on to its dashboard."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    form = GoLiveForm(request.POST)
    status, error, criteria = 400, _("Please correct the errors below."), None
    if form.is_valid():
        try:
            services.golive_record(actor=request.user, project=project, at=form.cleaned_data["at"])
        except DomainError as exc:
            status, error, criteria = 409, exc.message, exc.criteria
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Go-live recorded. Hypercare has started."))
            return redirect("web:hypercare", key=project.key)
    context = _go_context(request, project, roles, error=error, error_criteria=criteria, golive_form=form)
    return render_page(request, "cutover/go_no_go.html", context, status=status)
