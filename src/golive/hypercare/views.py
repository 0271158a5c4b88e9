"""HTML views of hypercare: the dashboard (silence figures, exit criteria, daily arrivals), its chart data, and
the extend, exit and record-go-live actions.

Thin: figures come from ``hypercare.selectors.hypercare_status`` (the same as the API), writes go through
``hypercare.services`` and ``cutover.services``. Actions answer htmx with the refreshed dashboard fragment
and plain form posts with a redirect; a refused rule answers 409 with the failing criteria, a role the
service refuses 403, bad input 400.
"""

from __future__ import annotations

import datetime as dt
import math

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from golive.accounts.selectors import roles_for, user_list_for_user
from golive.api import LEADS
from golive.cutover import services as cutover_services
from golive.errors import DomainError, NotAllowed
from golive.hypercare import selectors, services
from golive.hypercare.silence import fit_decay
from golive.lifecycle.selectors import project_get_for_user
from golive.web.access import ANY_MEMBER, CONSULTANTS, SIGNOFF_ROLES, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page

# The chart draws the fitted curve on past the window up to the projected silence, at most this far.
MAX_PROJECTION_DAYS = 60
RUNNING = ("active", "extended")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class AsOfForm(forms.Form):
    as_of = forms.DateTimeField(required=False, label=gettext_lazy("As of"), widget=DateTimeLocalInput)


class ExtendForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=services.MAX_EXTENSION_DAYS, label=gettext_lazy("Days"))
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea)


class ExitForm(forms.Form):
    comment = forms.CharField(required=False, label=gettext_lazy("Comment"), widget=forms.Textarea)
    override_reason = forms.CharField(required=False, label=gettext_lazy("Override reason"), widget=forms.Textarea)


class GoLiveForm(forms.Form):
    at = forms.DateTimeField(required=False, label=gettext_lazy("Went live at"), widget=DateTimeLocalInput)
    override_reason = forms.CharField(required=False, label=gettext_lazy("Override reason"), widget=forms.Textarea)


def _as_of(request) -> tuple[dt.datetime | None, AsOfForm]:
    form = AsOfForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["as_of"], form
    return None, form


def _dashboard_context(request, project, roles, *, as_of=None, as_of_form=None, **extra) -> dict:
    """Everything the dashboard shows; ``extra`` carries forms, a notice or an error from an action."""
    status = selectors.hypercare_status(project=project, as_of=as_of)
    by_ids = {e["by"] for e in status["extensions"]}
    names = user_list_for_user(request.user).in_bulk(by_ids) if by_ids else {}
    extensions = [
        {**e, "by_name": (names[e["by"]].get_full_name() or names[e["by"]].username) if e["by"] in names else "—"}
        for e in status["extensions"]
    ]
    phase_key = project.current_phase.key if project.current_phase else None
    live = as_of is None
    running = status["status"] in RUNNING
    counts = [row["count"] for row in status["daily_new"]]
    context = {
        "nav": "hypercare",
        "project": project,
        "roles": roles,
        "hc": status,
        "extensions": extensions,
        "open_total": sum(status["open_by_severity"].values()),
        "max_daily": max(counts, default=0),
        "as_of": as_of,
        "as_of_form": as_of_form or AsOfForm(),
        "can_view_audit": bool(roles & VENDOR_STAFF),
        "can_extend": live and running and bool(roles & LEADS),
        "can_exit": live and running and phase_key == "hypercare" and bool(roles & CONSULTANTS),
        "can_record_golive": live and phase_key == "deployment" and bool(roles & CONSULTANTS),
        "can_override": "consultant_lead" in roles,
        "can_sign_off": live and phase_key == "hypercare" and bool(roles & SIGNOFF_ROLES),
        "extend_form": ExtendForm(),
        "exit_form": ExitForm(),
        "golive_form": GoLiveForm(),
        "max_extension_days": services.MAX_EXTENSION_DAYS,
    }
    context.update(extra)
    return context


def _render_dashboard(request, project, roles, *, status: int = 200, **extra):
    return render_page(
        request,
        "hypercare/dashboard.html",
        _dashboard_context(request, project, roles, **extra),
        fragment_template="hypercare/_dashboard_body.html",
        status=status,
    )


@login_required
@require_GET
def hypercare_dashboard(request, key):
    """The hypercare window of a project: status, silence figures, open issues by severity, daily arrivals
    (table, and a chart drawn in the browser), exit criteria, extensions and, after exit, the known issues
    handed to support. ``?as_of=`` shows the dashboard as it stood at a past instant."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    as_of, form = _as_of(request)
    if form.errors:
        return _render_dashboard(
            request, project, roles, status=400, as_of_form=form, error=_("Please correct the errors below.")
        )
    return _render_dashboard(request, project, roles, as_of=as_of, as_of_form=form)


@login_required
@require_GET
def hypercare_chart(request, key):
    """Data of the arrivals chart: one label per day of the window (then on to the projected silence), the
    daily counts, the fitted decay ``rate(t) = exp(a + b*t)`` per label, and the silence date."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    as_of, form = _as_of(request)
    if form.errors:
        return JsonResponse({"detail": _("Invalid date."), "errors": form.errors}, status=400)
    status = selectors.hypercare_status(project=project, as_of=as_of)
    days = [row["date"] for row in status["daily_new"]]
    counts = [row["count"] for row in status["daily_new"]]
    silence = status["projected_silence_date"]
    labels = list(days)
    if days and silence and silence > days[-1]:
        day = days[-1] + dt.timedelta(days=1)
        while day <= min(silence, days[-1] + dt.timedelta(days=MAX_PROJECTION_DAYS)):
            labels.append(day)
            day += dt.timedelta(days=1)
    fit = fit_decay(counts)
    curve = [round(math.exp(min(fit[0] + fit[1] * t, 700.0)), 4) for t in range(len(labels))] if fit else []
    return JsonResponse(
        {
            "status": status["status"],
            "labels": [day.isoformat() for day in labels],
            "counts": counts + [None] * (len(labels) - len(counts)),
            "curve": curve,
            "fit": {"a": fit[0], "b": fit[1]} if fit else None,
            "silence_date": silence.isoformat() if silence else None,
            "observed_days": len(counts),
        }
    )


def _action(request, key, allowed: frozenset[str], form_class, form_name: str, perform, success: str):
    """Run one hypercare action: check the role, validate the form, call the service, answer (see module)."""
    project = project_get_for_user(request.user, key)
    roles = roles_for(request.user, project)
    if not roles & allowed:
        refusal = _("Your role on this project does not allow this action.")
        if not is_htmx(request):
            raise PermissionDenied(refusal)
        return _render_dashboard(request, project, roles, status=403, error=refusal)
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
            for field, errors in (exc.error_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if not is_htmx(request):
                messages.success(request, success)
                return redirect("web:hypercare", key=project.key)
            project = project_get_for_user(request.user, key)
            return _render_dashboard(request, project, roles, notice=success)
    if error is None:
        error = _("Please correct the errors below.")
    return _render_dashboard(
        request, project, roles, status=status, error=error, error_criteria=criteria, **{form_name: form}
    )


@login_required
@require_POST
def hypercare_extend(request, key):
    """Add days to the hypercare window, with a reason (consultant lead or administrator)."""

    def perform(project, data):
        services.hypercare_extend(actor=request.user, project=project, days=data["days"], reason=data["reason"])

    return _action(request, key, LEADS, ExtendForm, "extend_form", perform, _("Hypercare extended."))


@login_required
@require_POST
def hypercare_exit(request, key):
    """End hypercare when its exit criteria pass (or with the consultant lead's override reason); open
    issues are handed over to support."""

    def perform(project, data):
        services.hypercare_exit(
            actor=request.user, project=project, comment=data["comment"], override_reason=data["override_reason"]
        )

    return _action(
        request, key, CONSULTANTS, ExitForm, "exit_form", perform, _("Hypercare exited; open issues handed over.")
    )


@login_required
@require_POST
def golive_record(request, key):
    """Record the go-live from the deployment phase: hypercare starts and its window opens."""

    def perform(project, data):
        cutover_services.golive_record(
            actor=request.user, project=project, at=data["at"], override_reason=data["override_reason"]
        )

    return _action(request, key, CONSULTANTS, GoLiveForm, "golive_form", perform, _("Go-live recorded."))
