"""HTML views of the engagement: the requirements register with its build progress and review pack, meetings
with live feedback capture during a demo, the decision log and the weekly status report.

Thin: every read goes through ``golive.engagement.selectors`` (the project through ``project_for_request``,
scoped to the caller), every write through ``golive.engagement.services``. The role sets are the API's
(``golive.engagement.api``), so the UI allows exactly what the API allows. Actions answer htmx with the
refreshed fragment (a register row, a feedback item) and plain form posts with a redirect. A refused move
(``DomainError``) answers 409 with the reason, a role the service refuses 403, bad input 400 with the field
messages; nothing is changed in those cases.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.accounts.selectors import membership_list
from golive.engagement import reports, selectors, services
from golive.engagement.api import CONTRIBUTORS, REVIEWERS
from golive.engagement.exports import review_pack_markdown, review_pack_xlsx
from golive.engagement.models import (
    FeedbackSize,
    FeedbackStatus,
    MeetingKind,
    Priority,
    RequirementSource,
    Scope,
)
from golive.errors import DomainError, NotAllowed
from golive.text import render_markdown
from golive.web.access import ANY_MEMBER, CONSULTANTS, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The triage buttons of a feedback item, in the order shown.
FEEDBACK_MOVES = [
    (FeedbackStatus.ACCEPTED, gettext_lazy("Accept")),
    (FeedbackStatus.REJECTED, gettext_lazy("Reject")),
    (FeedbackStatus.DONE, gettext_lazy("Done")),
    (FeedbackStatus.OPEN, gettext_lazy("Reopen")),
]


# ---------------------------------------------------------------------------------------------------------------
# Forms


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class RequirementForm(forms.Form):
    """Add a customer request to the register."""

    ref = forms.CharField(
        max_length=32, label=gettext_lazy("Reference"), help_text=gettext_lazy("For example REQ-12; unique.")
    )
    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))
    description = forms.CharField(required=False, widget=forms.Textarea, label=gettext_lazy("Description"))
    source = forms.ChoiceField(
        choices=RequirementSource.choices, initial=RequirementSource.KICKOFF, label=gettext_lazy("Source")
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.SHOULD, label=gettext_lazy("Priority"))
    scope = forms.ChoiceField(choices=Scope.choices, initial=Scope.NOT_STARTED, label=gettext_lazy("Scope"))
    change_request = forms.BooleanField(required=False, label=gettext_lazy("Change request"))
    expectation = forms.CharField(required=False, widget=forms.Textarea, label=gettext_lazy("Customer expectation"))
    gap = forms.CharField(required=False, widget=forms.Textarea, label=gettext_lazy("Gap (expectation vs build)"))


class ScopeForm(forms.Form):
    scope = forms.ChoiceField(choices=Scope.choices)


class MembersField(forms.MultipleChoiceField):
    """Usernames of project members, shown by name."""


class MeetingForm(forms.Form):
    """Schedule a meeting; the start is in the viewer's timezone."""

    kind = forms.ChoiceField(choices=MeetingKind.choices, initial=MeetingKind.REVIEW, label=gettext_lazy("Kind"))
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"), widget=DateTimeLocalInput, help_text=gettext_lazy("In your time zone.")
    )
    duration_minutes = forms.IntegerField(
        min_value=1, max_value=1440, initial=60, label=gettext_lazy("Duration (minutes)")
    )
    attendees = MembersField(required=False, label=gettext_lazy("Attendees"))
    guests = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Guests"),
        help_text=gettext_lazy("Outside guests, one a line: a name or an e-mail address."),
    )
    location = forms.CharField(max_length=300, required=False, label=gettext_lazy("Location or link"))
    agenda = forms.CharField(required=False, widget=forms.Textarea, label=gettext_lazy("Agenda"))

    def __init__(self, *args, members: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = _member_choices(members)


class NotesForm(forms.Form):
    notes = forms.CharField(required=False, widget=forms.Textarea, label=gettext_lazy("Notes"))


class FeedbackForm(forms.Form):
    """One remark captured during the demo."""

    text = forms.CharField(label=gettext_lazy("Feedback"))
    size = forms.ChoiceField(choices=FeedbackSize.choices, initial=FeedbackSize.SMALL, label=gettext_lazy("Size"))
    requirement = forms.CharField(required=False, max_length=32, label=gettext_lazy("Requirement"))


class FeedbackStatusForm(forms.Form):
    status = forms.ChoiceField(choices=FeedbackStatus.choices)


class ChangeRequestForm(forms.Form):
    ref = forms.CharField(max_length=32, label=gettext_lazy("New requirement reference"))
    title = forms.CharField(max_length=300, required=False, label=gettext_lazy("Title"))


class DecisionForm(forms.Form):
    """Log a decision and who was there to take it."""

    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    decision = forms.CharField(widget=forms.Textarea, label=gettext_lazy("Decision"))
    decided_at = forms.DateTimeField(
        required=False,
        widget=DateTimeLocalInput,
        label=gettext_lazy("Decided at"),
        help_text=gettext_lazy("In your time zone; empty for now."),
    )
    stakeholders_present = MembersField(required=False, label=gettext_lazy("Stakeholders present"))
    excluded_scope = forms.BooleanField(
        required=False, label=gettext_lazy("Records something left out of the platform")
    )

    def __init__(self, *args, members: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders_present"].choices = _member_choices(members)


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _members(project) -> dict:
    """The project's members by username, in name order."""
    found = {}
    for membership in membership_list(project=project).order_by("user__username"):
        found.setdefault(membership.user.username, membership.user)
    return found


def _member_choices(members: dict) -> list[tuple[str, str]]:
    return [(name, user.get_full_name() or name) for name, user in members.items()]


def _abilities(roles: frozenset[str]) -> dict:
    return {
        "can_edit_scope": bool(roles & CONSULTANTS),
        "can_add_requirement": bool(roles & CONTRIBUTORS),
        "can_schedule": bool(roles & CONSULTANTS),
        "can_capture": bool(roles & REVIEWERS),
        "can_triage": bool(roles & CONSULTANTS),
        "can_record_decision": bool(roles & CONTRIBUTORS),
        "can_view_audit": bool(roles & VENDOR_STAFF),
    }


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form fields it names (the rest on the form)."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _form_error_text(form: forms.Form) -> str:
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts.extend(f"{label}: {e}" if label else str(e) for e in errors)
    return " ".join(parts) or _("Please correct the errors below.")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------------------------
# Requirements register


def _register_filters(request) -> dict:
    return {name: request.GET.get(name, "").strip() for name in ("source", "priority", "scope", "change_request", "q")}


def _register_context(request, project, roles, **extra) -> dict:
    filters = _register_filters(request)
    page = Paginator(selectors.requirement_list(project=project, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "requirements",
        "project": project,
        "roles": roles,
        "page": page,
        "requirements": list(page.object_list),
        "filters": filters,
        "progress": selectors.build_progress(project=project),
        "sources": RequirementSource.choices,
        "priorities": Priority.choices,
        "scopes": Scope.choices,
        **_abilities(roles),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def requirement_register(request, key):
    """The register of customer requests: filters (source, priority, scope, change request, text), the build
    progress bar with the alpha and beta review prompts, and an inline scope edit per row for consultants."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return render_page(
        request,
        "engagement/requirement_register.html",
        _register_context(request, project, roles),
        fragment_template="engagement/_requirement_results.html",
    )


def _render_requirement_row(request, project, roles, requirement, *, status=200, error=None):
    context = {"project": project, "requirement": requirement, "row_error": error, "scopes": Scope.choices}
    context.update(_abilities(roles))
    return render_page(request, "engagement/_requirement_row.html", context, status=status)


@login_required
@require_POST
def requirement_scope(request, key, ref):
    """Consultants set a requirement's scope from its register row; htmx gets the refreshed row."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    requirement = selectors.requirement_get(project=project, ref=ref)
    form = ScopeForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.requirement_update(actor=request.user, requirement=requirement, scope=form.cleaned_data["scope"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if not is_htmx(request):
                messages.success(request, _("%(ref)s updated.") % {"ref": requirement.ref})
                return redirect("web:requirements", key=project.key)
            requirement = selectors.requirement_list(project=project).get(pk=requirement.pk)
            return _render_requirement_row(request, project, roles, requirement)
    else:
        error = _form_error_text(form)
    if not is_htmx(request):
        return render_page(
            request,
            "engagement/requirement_register.html",
            _register_context(request, project, roles, error=error),
            status=400,
        )
    requirement = selectors.requirement_list(project=project).get(pk=requirement.pk)
    return _render_requirement_row(request, project, roles, requirement, status=400, error=error)


@login_required
@require_http_methods(["GET", "POST"])
def requirement_new(request, key):
    """Add a requirement (consultants and the customer lead)."""
    project, roles = project_for_request(request, key, CONTRIBUTORS)
    status, error = 200, None
    if request.method == "POST":
        form = RequirementForm(request.POST)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                requirement = services.requirement_create(actor=request.user, project=project, **data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("%(ref)s added to the register.") % {"ref": requirement.ref})
                return redirect("web:requirement", key=project.key, ref=requirement.ref)
        error = _("Please correct the errors below.")
    else:
        form = RequirementForm()
    context = {"nav": "requirements", "project": project, "roles": roles, "form": form, "error": error}
    context.update(_abilities(roles))
    return render_page(request, "engagement/requirement_new.html", context, status=status)


@login_required
@require_GET
def requirement_detail(request, key, ref):
    """One requirement: its fields, expectation and gap, and the review feedback linked to it."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    requirement = selectors.requirement_get(project=project, ref=ref)
    context = {
        "nav": "requirements",
        "project": project,
        "roles": roles,
        "requirement": requirement,
        # render_markdown sanitises (nh3): this output, and only this, is marked safe.
        "description_html": mark_safe(render_markdown(requirement.description)),  # noqa: S308
        "feedback": list(selectors.feedback_list(project=project, filters={"requirement": requirement.ref})),
        "scopes": Scope.choices,
    }
    context.update(_abilities(roles))
    return render_page(request, "engagement/requirement_detail.html", context)


@login_required
@require_GET
def review_pack(request, key):
    """What to share before a review: built vs in progress vs not started, the gap list and the feedback
    addressed since the last review. ``?format=md`` and ``?format=xlsx`` download the same exports as the API."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    pack = selectors.disclosure_list(project=project)
    changed = selectors.changed_since_last_review(project=project)
    fmt = request.GET.get("format", "html")
    if fmt == "md":
        response = HttpResponse(
            review_pack_markdown(project, pack, changed), content_type="text/markdown; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{project.key}-review-pack.md"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(review_pack_xlsx(pack, changed), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{project.key}-review-pack.xlsx"'
        return response
    context = {"nav": "requirements", "project": project, "roles": roles, "pack": pack, "changed": changed}
    context.update(_abilities(roles))
    return render_page(request, "engagement/review_pack.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Meetings


@login_required
@require_GET
def meeting_list(request, key):
    """The project's meetings in time order (kickoff, reviews, weekly status, go/no-go, debrief)."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    kind = request.GET.get("kind", "").strip()
    page = Paginator(selectors.meeting_list(project=project, filters={"kind": kind}), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "meetings",
        "project": project,
        "roles": roles,
        "page": page,
        "meetings": list(page.object_list),
        "kinds": MeetingKind.choices,
        "filters": {"kind": kind},
    }
    context.update(_abilities(roles))
    return render_page(request, "engagement/meeting_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, key):
    """Consultants schedule a meeting: kind, title, start (viewer's timezone), duration, attendees among the
    project members, outside guests and the agenda."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    members = _members(project)
    status, error = 200, None
    if request.method == "POST":
        form = MeetingForm(request.POST, members=members)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    actor=request.user,
                    project=project,
                    kind=data["kind"],
                    title=data["title"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    attendees=[members[name] for name in data["attendees"]],
                    guests=_lines(data["guests"]),
                    location=data["location"],
                    agenda=data["agenda"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Meeting scheduled."))
                return redirect("web:meeting", key=project.key, meeting_id=meeting.pk)
        error = _("Please correct the errors below.")
    else:
        form = MeetingForm(members=members)
    context = {"nav": "meetings", "project": project, "roles": roles, "form": form, "error": error}
    context.update(_abilities(roles))
    return render_page(request, "engagement/meeting_new.html", context, status=status)


def _feedback_item(feedback, roles) -> dict:
    """A feedback item with the triage moves the caller may make and whether it may become a change request."""
    triage = bool(roles & CONSULTANTS)
    moves = [(value, name) for value, name in FEEDBACK_MOVES if triage and feedback.can_move_to(value)]
    already_cr = bool(feedback.requirement_id and feedback.requirement.change_request)
    return {
        "feedback": feedback,
        "moves": moves,
        "can_change_request": triage and feedback.size == FeedbackSize.LARGE and not already_cr,
    }


def _meeting_context(request, project, roles, meeting, **extra) -> dict:
    # Newest first: the live capture prepends each new item to the top of this list.
    feedback = list(selectors.feedback_list(project=project, filters={"meeting": str(meeting.pk)}))[::-1]
    context = {
        "nav": "meetings",
        "project": project,
        "roles": roles,
        "meeting": meeting,
        "notes_html": mark_safe(render_markdown(meeting.notes)),  # noqa: S308 (sanitised by nh3)
        "agenda_html": mark_safe(render_markdown(meeting.agenda)),  # noqa: S308 (sanitised by nh3)
        "items": [_feedback_item(f, roles) for f in feedback],
        "requirement_refs": [(r.ref, r.title) for r in selectors.requirement_list(project=project)],
        "sizes": FeedbackSize.choices,
        "notes_form": NotesForm(initial={"notes": meeting.notes}),
    }
    context.update(_abilities(roles))
    context.update(extra)
    return context


@login_required
@require_GET
def meeting_detail(request, key, meeting_id):
    """One meeting: agenda, notes (Markdown) and the live feedback capture of a review demo, newest first,
    with triage buttons for consultants."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    meeting = selectors.meeting_get(project=project, meeting_id=meeting_id)
    return render_page(request, "engagement/meeting_detail.html", _meeting_context(request, project, roles, meeting))


@login_required
@require_POST
def meeting_notes(request, key, meeting_id):
    """Consultants keep the meeting's notes (Markdown) during and after it."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    meeting = selectors.meeting_get(project=project, meeting_id=meeting_id)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, notes=form.cleaned_data["notes"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Notes saved."))
            return redirect("web:meeting", key=project.key, meeting_id=meeting.pk)
    context = _meeting_context(request, project, roles, meeting, notes_form=form, error=_form_error_text(form))
    return render_page(request, "engagement/meeting_detail.html", context, status=400)


def _capture_refusal(request, project, roles, meeting, message: str, status: int):
    """A refused capture: htmx shows the reason above the capture box (not in the list); a plain post gets the
    meeting page with the reason."""
    if not is_htmx(request):
        context = _meeting_context(request, project, roles, meeting, error=message)
        return render_page(request, "engagement/meeting_detail.html", context, status=status)
    response = render_page(request, "web/_action_result.html", {"error": message}, status=status)
    response["HX-Retarget"] = "#feedback-capture-result"
    response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_POST
def feedback_capture(request, key, meeting_id):
    """Record a remark during the demo (reviewers: consultants and the customer team). htmx gets the new item,
    which the page prepends to the list; a plain post is redirected back to the meeting."""
    project, roles = project_for_request(request, key, REVIEWERS)
    meeting = selectors.meeting_get(project=project, meeting_id=meeting_id)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _capture_refusal(request, project, roles, meeting, _form_error_text(form), 400)
    data = form.cleaned_data
    requirement = None
    if data["requirement"]:
        requirement = selectors.requirement_list(project=project).filter(ref=data["requirement"]).first()
        if requirement is None:
            message = _("The project has no requirement %(ref)s.") % {"ref": data["requirement"]}
            return _capture_refusal(request, project, roles, meeting, message, 400)
    try:
        feedback = services.feedback_create(
            actor=request.user,
            project=project,
            meeting=meeting,
            text=data["text"],
            size=data["size"],
            requirement=requirement,
        )
    except DomainError as exc:
        return _capture_refusal(request, project, roles, meeting, exc.message, 409)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        return _capture_refusal(request, project, roles, meeting, " ".join(exc.messages), 400)
    if not is_htmx(request):
        messages.success(request, _("Feedback recorded."))
        return redirect("web:meeting", key=project.key, meeting_id=meeting.pk)
    feedback = selectors.feedback_get(project=project, feedback_id=feedback.pk)
    context = {"project": project, "meeting": meeting, "item": _feedback_item(feedback, roles), "fresh": True}
    return render_page(request, "engagement/_feedback_item.html", context, status=201)


def _feedback_action(request, key, meeting_id, feedback_id, form_class, perform, success: str):
    """Run one consultant action on a feedback item; htmx gets the refreshed item (with the reason on 400, 403
    or 409), a plain post a redirect to the meeting."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    meeting = selectors.meeting_get(project=project, meeting_id=meeting_id)
    feedback = selectors.feedback_get(project=project, feedback_id=feedback_id)
    if feedback.meeting_id != meeting.pk:
        raise Http404("No such feedback.")
    form = form_class(request.POST)
    status, error = 400, None
    if form.is_valid():
        try:
            perform(feedback, form.cleaned_data)
        except DomainError as exc:
            status, error = 409, exc.message
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if not is_htmx(request):
                messages.success(request, success)
                return redirect("web:meeting", key=project.key, meeting_id=meeting.pk)
            feedback = selectors.feedback_get(project=project, feedback_id=feedback.pk)
            context = {"project": project, "meeting": meeting, "item": _feedback_item(feedback, roles)}
            context["notice"] = success
            return render_page(request, "engagement/_feedback_item.html", context)
    else:
        error = _form_error_text(form)
    if status == 403 and not is_htmx(request):
        raise PermissionDenied(error)
    if not is_htmx(request):
        context = _meeting_context(request, project, roles, meeting, error=error)
        return render_page(request, "engagement/meeting_detail.html", context, status=status)
    feedback = selectors.feedback_get(project=project, feedback_id=feedback.pk)
    context = {"project": project, "meeting": meeting, "item": _feedback_item(feedback, roles), "item_error": error}
    return render_page(request, "engagement/_feedback_item.html", context, status=status)


@login_required
@require_POST
def feedback_status(request, key, meeting_id, feedback_id):
    """Triage a feedback item (accept, reject, done, reopen); only the moves of the transition table pass."""

    def perform(feedback, data):
        services.feedback_set_status(actor=request.user, feedback=feedback, status=data["status"])

    return _feedback_action(request, key, meeting_id, feedback_id, FeedbackStatusForm, perform, _("Feedback updated."))


@login_required
@require_POST
def feedback_change_request(request, key, meeting_id, feedback_id):
    """Turn a large feedback item into a change request (a new requirement with the given reference)."""

    def perform(feedback, data):
        services.feedback_to_change_request(actor=request.user, feedback=feedback, ref=data["ref"], title=data["title"])

    return _feedback_action(
        request, key, meeting_id, feedback_id, ChangeRequestForm, perform, _("Change request created.")
    )


# ---------------------------------------------------------------------------------------------------------------
# Decision log


@login_required
@require_GET
def decision_log(request, key):
    """The decision log, newest first; a decision taken without a customer lead or consultant lead present
    carries a "taken without" badge naming the missing role."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    page = Paginator(selectors.decision_list(project=project), PAGE_SIZE).get_page(request.GET.get("page"))
    leads = selectors.key_stakeholders(project=project)
    rows = [
        {
            "decision": d,
            "missing": selectors.missing_roles(d, leads),
            "html": mark_safe(render_markdown(d.decision)),  # noqa: S308 (sanitised by nh3)
        }
        for d in page.object_list
    ]
    context = {"nav": "decisions", "project": project, "roles": roles, "page": page, "rows": rows}
    context.update(_abilities(roles))
    return render_page(request, "engagement/decision_log.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request, key):
    """Record a decision (consultants and the customer lead) with the stakeholders who were present."""
    project, roles = project_for_request(request, key, CONTRIBUTORS)
    members = _members(project)
    status, error = 200, None
    if request.method == "POST":
        form = DecisionForm(request.POST, members=members)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decision_record(
                    actor=request.user,
                    project=project,
                    title=data["title"],
                    decision=data["decision"],
                    decided_at=data["decided_at"],
                    stakeholders_present=[members[name] for name in data["stakeholders_present"]],
                    excluded_scope=data["excluded_scope"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("web:decisions", key=project.key)
        error = _("Please correct the errors below.")
    else:
        form = DecisionForm(members=members)
    context = {"nav": "decisions", "project": project, "roles": roles, "form": form, "error": error}
    context.update(_abilities(roles))
    return render_page(request, "engagement/decision_new.html", context, status=status)


# ---------------------------------------------------------------------------------------------------------------
# Weekly status report


def _week_label(monday: dt.date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


@login_required
@require_GET
def status_report(request, key):
    """The weekly status report of ``?week=YYYY-Www`` (default this week) with previous / next week links and
    the same report as Markdown, to copy into an e-mail."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    week = request.GET.get("week", "").strip() or None
    context = {"nav": "status", "project": project, "roles": roles, "week": week or ""}
    context.update(_abilities(roles))
    try:
        report = reports.status_report(project=project, week=week)
    except ValueError as exc:
        context["error"] = str(exc)
        return render_page(request, "engagement/status_report.html", context, status=400)
    monday = dt.date.fromisoformat(report["from"])
    context.update(
        {
            "report": report,
            "markdown": reports.status_report_markdown(report),
            "week": report["week"],
            "previous_week": _week_label(monday - dt.timedelta(days=7)),
            "next_week": _week_label(monday + dt.timedelta(days=7)),
        }
    )
    return render_page(request, "engagement/status_report.html", context)
