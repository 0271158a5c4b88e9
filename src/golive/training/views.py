"""HTML views of training: the training plan (train-the-trainer, then end-user sessions, with the coverage
figures of the gate), a session with its attendance sheet, and the materials per business process.

Thin: reads through ``golive.training.selectors`` (the project through ``project_for_request``), writes through
``golive.training.services``. The role sets are the API's (``golive.training.api``): consultants schedule
sessions and add materials, vendor staff and the customer lead record attendance, every member reads and
downloads. An attendance switch answers htmx with the refreshed row; bad input is 400 with the message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.accounts.selectors import membership_list
from golive.errors import DomainError, NotAllowed
from golive.text import render_markdown
from golive.training import selectors, services
from golive.training.api import RECORDERS
from golive.training.criteria import coverage_result
from golive.training.models import MAX_SESSION_MINUTES, AttendanceStatus, MaterialKind, SessionKind, SessionMode
from golive.web.access import ANY_MEMBER, CONSULTANTS, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page

# ---------------------------------------------------------------------------------------------------------------
# Forms


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.Form):
    """Schedule a training session; the start is in the viewer's timezone."""

    kind = forms.ChoiceField(choices=SessionKind.choices, label=gettext_lazy("Kind"))
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"), widget=DateTimeLocalInput, help_text=gettext_lazy("In your time zone.")
    )
    duration_minutes = forms.IntegerField(
        min_value=1, max_value=MAX_SESSION_MINUTES, initial=60, label=gettext_lazy("Duration (minutes)")
    )
    mode = forms.ChoiceField(choices=SessionMode.choices, label=gettext_lazy("Mode"))
    location = forms.CharField(max_length=500, required=False, label=gettext_lazy("Room or link"))
    trainer = forms.ChoiceField(required=False, label=gettext_lazy("Trainer"))
    audience = forms.CharField(max_length=300, required=False, label=gettext_lazy("Audience"))
    capacity = forms.IntegerField(min_value=1, required=False, label=gettext_lazy("Capacity"))
    business_process = forms.CharField(max_length=200, required=False, label=gettext_lazy("Business process"))
    notes = forms.CharField(required=False, widget=forms.Textarea, label=gettext_lazy("Notes"))

    def __init__(self, *args, members: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].choices = [
            ("", _("Not set")),
            *[(name, user.get_full_name() or name) for name, user in members.items()],
        ]


class AttendanceForm(forms.Form):
    attendee = forms.CharField(max_length=254, label=gettext_lazy("Member or e-mail address"))
    status = forms.ChoiceField(choices=AttendanceStatus.choices, label=gettext_lazy("Status"))


class MaterialForm(forms.Form):
    """Add material for a business process: a link, a file, or both."""

    business_process = forms.CharField(max_length=200, label=gettext_lazy("Business process"))
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    kind = forms.ChoiceField(choices=MaterialKind.choices, label=gettext_lazy("Kind"))
    url = forms.URLField(max_length=500, required=False, assume_scheme="https", label=gettext_lazy("Link"))
    file = forms.FileField(required=False, label=gettext_lazy("File"))
    differences_from_legacy = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Differences from the legacy system"),
        help_text=gettext_lazy("Markdown."),
    )


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _members(project) -> dict:
    found = {}
    for membership in membership_list(project=project).order_by("user__username"):
        found.setdefault(membership.user.username, membership.user)
    return found


def _abilities(roles: frozenset[str]) -> dict:
    return {
        "can_schedule": bool(roles & CONSULTANTS),
        "can_add_material": bool(roles & CONSULTANTS),
        "can_record": bool(roles & RECORDERS),
        "can_view_audit": bool(roles & VENDOR_STAFF),
    }


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _material_groups(materials) -> list[tuple[str, list]]:
    """Materials grouped by business process, in the selector's order (process, then age)."""
    groups: dict[str, list] = {}
    for material in materials:
        groups.setdefault(material.business_process, []).append(
            {"material": material, "html": mark_safe(render_markdown(material.differences_from_legacy))}  # noqa: S308
        )
    return list(groups.items())


def _coverage(project) -> dict:
    params = selectors.coverage_params(project=project)
    figures = selectors.coverage_for_projects([project.pk])[project.pk]
    result = coverage_result(figures, params)
    return {
        "figures": figures,
        "passed": result.passed,
        "detail": result.detail,
        "min_attendance_percent": selectors.min_attendance_percent(params),
    }


# ---------------------------------------------------------------------------------------------------------------
# The plan


def _plan_context(request, project, roles, **extra) -> dict:
    sessions = list(selectors.session_list(project=project))
    context = {
        "nav": "training",
        "project": project,
        "roles": roles,
        "groups": [
            (SessionKind.TRAIN_THE_TRAINER.label, [s for s in sessions if s.kind == SessionKind.TRAIN_THE_TRAINER]),
            (SessionKind.END_USER.label, [s for s in sessions if s.kind == SessionKind.END_USER]),
        ],
        "coverage": _coverage(project),
        "material_groups": _material_groups(selectors.material_list(project=project)),
        "material_form": MaterialForm(),
        **_abilities(roles),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def training_plan(request, key):
    """The training plan: train-the-trainer sessions first, then end-user sessions, with attendance counts,
    the coverage figures of the gate criterion and the materials per business process."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return render_page(request, "training/training_plan.html", _plan_context(request, project, roles))


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request, key):
    """Consultants schedule a session (train-the-trainer or end-user); the trainer must be a project member."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    members = _members(project)
    status, error = 200, None
    if request.method == "POST":
        form = SessionForm(request.POST, members=members)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["trainer"] = members.get(data["trainer"]) if data["trainer"] else None
            try:
                session = services.session_create(actor=request.user, project=project, **data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Session scheduled."))
                return redirect("web:training-session", key=project.key, session_id=session.pk)
        error = _("Please correct the errors below.")
    else:
        form = SessionForm(members=members, initial={"kind": SessionKind.TRAIN_THE_TRAINER})
    context = {"nav": "training", "project": project, "roles": roles, "form": form, "error": error}
    context.update(_abilities(roles))
    return render_page(request, "training/session_new.html", context, status=status)


# ---------------------------------------------------------------------------------------------------------------
# A session and its attendance sheet


def _sheet_rows(session, members: dict) -> list[dict]:
    """Every recorded attendee (members and e-mail guests), then the members not yet on the sheet."""
    rows, seen = [], set()
    for attendance in selectors.attendance_list(session=session):
        if attendance.user_id:
            seen.add(attendance.user_id)
            rows.append(_member_row(attendance.user, attendance.status))
        else:
            rows.append(_guest_row(attendance.email, attendance.status, attendance.pk))
    rows.extend(_member_row(user, None) for user in members.values() if user.pk not in seen)
    return rows


def _member_row(user, status) -> dict:
    name = user.get_full_name() or user.username
    return {"attendee": user.username, "name": name, "guest": False, "status": status, "dom_id": f"att-u{user.pk}"}


def _guest_row(email: str, status, pk) -> dict:
    return {"attendee": email, "name": email, "guest": True, "status": status, "dom_id": f"att-g{pk}"}


def _session_context(request, project, roles, session, **extra) -> dict:
    members = _members(project)
    materials = selectors.material_list(
        project=project, filters={"business_process": session.business_process} if session.business_process else {}
    )
    context = {
        "nav": "training",
        "project": project,
        "roles": roles,
        "session": session,
        "notes_html": mark_safe(render_markdown(session.notes)),  # noqa: S308 (sanitised by nh3)
        "rows": _sheet_rows(session, members),
        "statuses": AttendanceStatus.choices,
        "material_groups": _material_groups(materials),
        "material_form": MaterialForm(initial={"business_process": session.business_process}),
        **_abilities(roles),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def session_detail(request, key, session_id):
    """One session: its details, the attendance sheet (members and e-mail guests; invited, attended or absent,
    switchable per row by vendor staff and the customer lead) and the materials of its business process."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    session = selectors.session_get(project=project, session_id=session_id)
    return render_page(request, "training/session_detail.html", _session_context(request, project, roles, session))


@login_required
@require_POST
def attendance_record(request, key, session_id):
    """Record an attendee's status: a row switch (htmx gets the row) or a new guest or member added to the
    sheet (htmx gets the whole sheet). Vendor staff and the customer lead only."""
    project, roles = project_for_request(request, key, RECORDERS)
    session = selectors.session_get(project=project, session_id=session_id)
    form = AttendanceForm(request.POST)
    as_row = bool(request.POST.get("row"))
    status, error = 400, None
    if form.is_valid():
        try:
            attendance, _created = services.attendance_record(actor=request.user, session=session, **form.cleaned_data)
        except DomainError as exc:
            status, error = 409, exc.message
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if not is_htmx(request):
                messages.success(request, _("Attendance recorded."))
                return redirect("web:training-session", key=project.key, session_id=session.pk)
            if as_row:
                row = (
                    _member_row(attendance.user, attendance.status)
                    if attendance.user_id
                    else _guest_row(attendance.email, attendance.status, attendance.pk)
                )
                context = {"project": project, "session": session, "row": row, "statuses": AttendanceStatus.choices}
                context.update(_abilities(roles))
                return render_page(request, "training/_attendance_row.html", context)
            context = _session_context(request, project, roles, session, notice=_("Attendance recorded."))
            return render_page(request, "training/_attendance_sheet.html", context)
    else:
        error = " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
    context = _session_context(request, project, roles, session, error=error)
    template = "training/_attendance_sheet.html" if is_htmx(request) else "training/session_detail.html"
    return render_page(request, template, context, status=status)


# ---------------------------------------------------------------------------------------------------------------
# Materials


@login_required
@require_POST
def material_add(request, key):
    """Consultants add material for a business process (a link, an uploaded file, or both). The form may come
    from the plan or from a session page (``session``), and goes back there."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    session = None
    if request.POST.get("session"):
        session = selectors.session_get(project=project, session_id=request.POST["session"])
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            services.material_add(actor=request.user, project=project, upload=upload, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Material added."))
            if session is not None:
                return redirect("web:training-session", key=project.key, session_id=session.pk)
            return redirect("web:training", key=project.key)
    error = _("Please correct the errors below.")
    if session is not None:
        context = _session_context(request, project, roles, session, material_form=form, error=error)
        return render_page(request, "training/session_detail.html", context, status=400)
    context = _plan_context(request, project, roles, material_form=form, error=error)
    return render_page(request, "training/training_plan.html", context, status=400)


@login_required
@require_GET
def material_file(request, key, material_id):
    """A material's uploaded file as a download, for members of the project only."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    material = selectors.material_get(project=project, material_id=material_id)
    if not material.file:
        raise Http404("This material has no file.")
    response = FileResponse(
        material.file.open("rb"), as_attachment=True, filename=material.file_name, content_type=material.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
