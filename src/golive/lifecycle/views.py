"""HTML views of the lifecycle: the portfolio, a project's overview, and its sign-off and advance actions.

Thin: every read goes through selectors (scoped to the caller), every write through ``services``. The
actions answer htmx with the refreshed project fragment and plain form posts with a redirect, so the page
works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from golive.accounts.selectors import membership_list, roles_for
from golive.errors import DomainError, NotAllowed
from golive.lifecycle import figures as figures_mod
from golive.lifecycle import portfolio as portfolio_mod
from golive.lifecycle import selectors, services
from golive.lifecycle import today as today_mod
from golive.lifecycle.models import Phase, Project, SignOff
from golive.web.access import ANY_MEMBER, CONSULTANTS, SIGNOFF_ROLES, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page
from golive.web.labels import HEALTH_LABELS

PAGE_SIZE = 50
SIGNOFFS_SHOWN = 50


class SignOffForm(forms.Form):
    phase = forms.CharField(max_length=32)
    decision = forms.ChoiceField(choices=SignOff.Decision.choices, label=gettext_lazy("Decision"))
    comment = forms.CharField(required=False, label=gettext_lazy("Comment"), widget=forms.Textarea)


class AdvanceForm(forms.Form):
    comment = forms.CharField(required=False, label=gettext_lazy("Comment"), widget=forms.Textarea)
    override_reason = forms.CharField(required=False, label=gettext_lazy("Override reason"), widget=forms.Textarea)


SORT_LABELS = {
    "key": gettext_lazy("Key"),
    "name": gettext_lazy("Name"),
    "customer": gettext_lazy("Customer"),
    "go_live": gettext_lazy("Planned go-live"),
    "phase": gettext_lazy("Phase"),
    "health": gettext_lazy("Health"),
}
TODAY_PANEL_ITEMS = 8


def _sort_choices() -> list[tuple[str, str]]:
    choices = []
    for value in portfolio_mod.SORTS:
        choices.append((value, SORT_LABELS[value]))
        choices.append((f"-{value}", _("%(field)s (reversed)") % {"field": SORT_LABELS[value]}))
    return choices


@login_required
@require_GET
def portfolio(request):
    """Every project the caller may see, one row each with health, go-live, SLA and hypercare pulse, filtered by
    phase, health, customer, template, status and a search, sorted, 50 a page (or 10, 25 or 100: ``page_size``);
    the go-live calendar of the next eight weeks; "what needs me today" and the cross-project figures load into
    their panels after the page.

    Rows are computed in batches (``golive.lifecycle.portfolio``), so the query count does not grow with the
    number of projects. An invalid filter value is named beside the form and left out.
    """
    filters, errors = portfolio_mod.parse_filters(request.GET)
    page_size, size_errors = portfolio_mod.parse_page_size(request.GET)
    errors.update(size_errors)
    candidates = portfolio_mod.portfolio_candidates(request.user, filters)
    page = Paginator(candidates, page_size).get_page(request.GET.get("page"))
    rows = portfolio_mod.rows_for_page(request.user, page.object_list)
    context = {
        "nav": "portfolio",
        "rows": rows,
        "page": page,
        "filters": filters,
        "errors": errors,
        "page_size": page_size,
        "page_sizes": portfolio_mod.PAGE_SIZES,
        "status": filters.status,
        "q": filters.q,
        "statuses": Project.Status.choices,
        "healths": [(value, label) for value, label in portfolio_mod.RAG_LABELS.items()]
        + [(value, HEALTH_LABELS[value]) for value in portfolio_mod.SCHEDULE_HEALTH_VALUES],
        "sorts": _sort_choices(),
        # The filter form is not part of the fragment htmx swaps in.
        "choices": None if is_htmx(request) else portfolio_mod.filter_choices(request.user),
        "calendar": portfolio_mod.calendar_shown(
            portfolio_mod.golive_calendar(
                request.user,
                filters,
                # The candidates are already the projects that match a health filter: no second evaluation.
                matching_pks=set(candidates) if filters.needs_rows else None,
            )
        ),
    }
    return render_page(
        request, "lifecycle/portfolio.html", context, fragment_template="lifecycle/_portfolio_results.html"
    )


def _int_or_default(request, name: str, *, default: int, low: int, high: int, errors: dict) -> int:
    try:
        return portfolio_mod.int_param(request.GET, name, default=default, low=low, high=high)
    except ValidationError as error:
        errors.update(error.message_dict)
        return default


@login_required
@require_GET
def today(request):
    """What needs me today across my projects; htmx asks for the compact panel the portfolio shows."""
    errors: dict[str, list[str]] = {}
    hours = _int_or_default(request, "hours", default=today_mod.DEFAULT_HOURS, low=1, high=72, errors=errors)
    days = _int_or_default(request, "days", default=today_mod.DEFAULT_DAYS, low=0, high=60, errors=errors)
    try:
        wanted = max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        wanted = 1
    # Only the items up to the page asked for are built (a page past the end: all of them, the last page shows).
    limit = max(wanted * PAGE_SIZE, TODAY_PANEL_ITEMS)
    found = today_mod.today_items(request.user, hours=hours, days=days, limit=limit)
    page = Paginator(found["items"], PAGE_SIZE).get_page(wanted)
    context = {
        "nav": "today",
        "found": found,
        "page": page,
        "items": page.object_list,
        "panel_items": found["items"][:TODAY_PANEL_ITEMS],
        "errors": errors,
        "kinds": [(kind, today_mod.KIND_LABELS[kind], found["counts"][kind]) for kind in today_mod.KINDS],
    }
    return render_page(request, "lifecycle/today.html", context, fragment_template="lifecycle/_today_panel.html")


@login_required
@require_GET
def portfolio_figures(request):
    """Cross-project figures as tables (and charts drawn from the API's JSON); htmx asks for the section only."""
    filters, errors = portfolio_mod.parse_filters(request.GET)
    quiet_days = _int_or_default(
        request, "quiet_days", default=figures_mod.DEFAULT_QUIET_DAYS, low=1, high=14, errors=errors
    )
    query = {**filters.as_query(), "quiet_days": quiet_days}
    query.pop("sort", None)
    context = {
        "nav": "figures",
        "figures": figures_mod.portfolio_figures(request.user, filters, quiet_days=quiet_days),
        "filters": filters,
        "errors": errors,
        "choices": portfolio_mod.filter_choices(request.user),
        "json_query": urlencode(query),
    }
    return render_page(
        request, "lifecycle/portfolio_figures.html", context, fragment_template="lifecycle/_figures_section.html"
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
