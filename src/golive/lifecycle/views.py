"""HTML views of the lifecycle: the portfolio, a project's overview, and its sign-off and advance actions.

Thin: every read goes through selectors (scoped to the caller), every write through ``services``. The
actions answer htmx with the refreshed project fragment and plain form posts with a redirect, so the page
works without JavaScript.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from golive.accounts.selectors import membership_list, roles_for
from golive.errors import DomainError, NotAllowed
from golive.lifecycle import selectors, services
from golive.lifecycle.models import Phase, Project, SignOff
from golive.web.access import ANY_MEMBER, CONSULTANTS, SIGNOFF_ROLES, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page

PAGE_SIZE = 50
SIGNOFFS_SHOWN = 50


class SignOffForm(forms.Form):
    phase = forms.CharField(max_length=32)
    decision = forms.ChoiceField(choices=SignOff.Decision.choices, label=gettext_lazy("Decision"))
    comment = forms.CharField(required=False, label=gettext_lazy("Comment"), widget=forms.Textarea)


class AdvanceForm(forms.Form):
    comment = forms.CharField(required=False, label=gettext_lazy("Comment"), widget=forms.Textarea)
    override_reason = forms.CharField(required=False, label=gettext_lazy("Override reason"), widget=forms.Textarea)


@login_required
@require_GET
def portfolio(request):
    """Every project the caller may see, one row each, filtered by status and a key/name search, 50 a page.

    The selector prefetches phases and ``portfolio_rows`` evaluates gates in batches, so the query count
    does not grow with the number of projects.
    """
    projects = selectors.project_list_with_phases(request.user)
    status = request.GET.get("status", "")
    if status in Project.Status.values:
        projects = projects.filter(status=status)
    else:
        status = ""
    query = request.GET.get("q", "").strip()
    if query:
        projects = projects.filter(Q(key__icontains=query) | Q(name__icontains=query))
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "portfolio",
        "rows": selectors.portfolio_rows(page.object_list),
        "page": page,
        "status": status,
        "statuses": Project.Status.choices,
        "q": query,
    }
    return render_page(
        request, "lifecycle/portfolio.html", context, fragment_template="lifecycle/_portfolio_results.html"
    )


def _timeline(phases: list[Phase]) -> list[dict]:
    """Each phase with its planned and actual spans as percent offsets of the whole project span,
    for the CSS bar chart (the table beside it carries the same dates as text)."""
    today = timezone.localdate()
    spans = []
    for phase in phases:
        planned = (phase.planned_start, phase.planned_end) if phase.planned_start and phase.planned_end else None
        actual = None
        if phase.actual_start:
            end = timezone.localdate(phase.actual_end) if phase.actual_end else today
            actual = (timezone.localdate(phase.actual_start), end)
        spans.append((phase, planned, actual))
    bounds = [d for _phase, planned, actual in spans for pair in (planned, actual) if pair for d in pair]
    if not bounds:
        return [{"phase": phase, "planned": None, "actual": None} for phase, _p, _a in spans]
    first, last = min(bounds), max(bounds)
    total = (last - first).days + 1

    def bar(pair: tuple[dt.date, dt.date] | None) -> dict | None:
        if pair is None:
            return None
        start, end = pair
        return {
            "left": round(100 * (start - first).days / total, 2),
            "width": round(100 * ((end - start).days + 1) / total, 2),
        }

    return [{"phase": phase, "planned": bar(planned), "actual": bar(actual)} for phase, planned, actual in spans]


def _project_context(request, project: Project, roles: frozenset[str], **extra) -> dict:
    """Everything the overview shows; ``extra`` carries forms, a notice or an error from an action."""
    phases = list(selectors.phase_list(project=project))
    current = project.current_phase
    if current is not None:
        # The selector's gate evaluation needs the phase's project; share the loaded one.
        current.project = project
    can_act = project.status == Project.Status.ACTIVE and current is not None
    context = {
        "nav": "project",
        "project": project,
        "roles": roles,
        "phases": phases,
        "timeline": _timeline(phases),
        "gate": selectors.gate_for_project(project=project),
        "signoffs": selectors.signoff_list(project=project)[:SIGNOFFS_SHOWN],
        "members": membership_list(project=project),
        "can_view_audit": bool(roles & VENDOR_STAFF),
        "can_sign_off": can_act and bool(roles & SIGNOFF_ROLES),
        "can_advance": can_act and bool(roles & CONSULTANTS),
        "can_override": "consultant_lead" in roles,
        "signoff_form": SignOffForm(initial={"phase": current.key if current else ""}),
        "advance_form": AdvanceForm(),
        "decisions": SignOff.Decision.choices,
    }
    context.update(extra)
    return context


def _render_project(request, project, roles, *, status: int = 200, **extra):
    return render_page(
        request,
        "lifecycle/project_detail.html",
        _project_context(request, project, roles, **extra),
        fragment_template="lifecycle/_project_body.html",
        status=status,
    )


@login_required
@require_GET
def project_detail(request, key):
    """A project's overview: facts, phase timeline, the current gate, sign-offs, members and the actions
    the caller's role allows."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return _render_project(request, project, roles)


def _action(request, key, allowed: frozenset[str], form_class, form_name: str, perform, success: str):
    """Run one project action: check the role, validate the form, call the service, answer.

    Success: htmx gets the refreshed fragment with a notice, a plain post is redirected to the overview.
    A refused rule (``DomainError``) answers 409 with the reason and the failing criteria, a role the
    service refuses 403, bad input 400 with the field errors; nothing is changed in those cases.
    """
    project = selectors.project_get_for_user(request.user, key)
    roles = roles_for(request.user, project)
    if not roles & allowed:
        refusal = _("Your role on this project does not allow this action.")
        if not is_htmx(request):
            raise PermissionDenied(refusal)
        return _render_project(request, project, roles, status=403, error=refusal)
    form = form_class(request.POST)
    status, error, criteria = 400, None, None
    if form.is_valid():
        try:
            perform(project, form.cleaned_data)
        except DomainError as exc:
            status, error, criteria = 409, exc.message, exc.criteria
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not is_htmx(request):
                messages.success(request, success)
                return redirect("web:project", key=project.key)
            project = selectors.project_get_for_user(request.user, key)
            return _render_project(request, project, roles, notice=success)
    if error is None:
        error = _("Please correct the errors below.")
    return _render_project(
        request, project, roles, status=status, error=error, error_criteria=criteria, **{form_name: form}
    )


@login_required
@require_POST
def project_signoff(request, key):
    """Record the caller's approve/reject of the current phase (customer lead or consultant lead)."""

    def perform(project, data):
        services.signoff_record(
            actor=request.user,
            project=project,
            phase_key=data["phase"],
            decision=data["decision"],
            comment=data["comment"],
        )

    return _action(request, key, SIGNOFF_ROLES, SignOffForm, "signoff_form", perform, _("Sign-off recorded."))


@login_required
@require_POST
def project_advance(request, key):
    """Move the project to its next phase; a failing gate needs the consultant lead's override reason."""

    def perform(project, data):
        services.phase_advance(
            actor=request.user, project=project, comment=data["comment"], override_reason=data["override_reason"]
        )

    return _action(
        request, key, CONSULTANTS, AdvanceForm, "advance_form", perform, _("The project moved to its next phase.")
    )
