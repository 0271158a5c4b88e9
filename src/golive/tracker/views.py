"""HTML views of the issue desk: the queue with quick triage, the issue page, reporting an issue and
downloading attachments.

Thin: every read goes through selectors (the project through ``project_for_request``, scoped to the
caller), every write through ``golive.tracker.services``. Actions answer htmx with the refreshed fragment
(a queue row, or the issue body) and plain form posts with a redirect, so the pages work without
JavaScript. A refused move (``DomainError``) answers 409 with the reason, a role the service refuses 403,
bad input 400 with the field messages; nothing is changed in those cases.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.accounts.models import VENDOR_ROLES
from golive.accounts.selectors import membership_list
from golive.errors import DomainError, NotAllowed
from golive.text import render_markdown
from golive.tracker import selectors, services
from golive.tracker.models import Category, IssueKind, IssueStatus, Severity
from golive.web.access import ANY_MEMBER, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page

PAGE_SIZE = 50

SEVERITY_HELP = {
    "P1": gettext_lazy("Critical: the system is down or a key business process is stopped, with no workaround."),
    "P2": gettext_lazy("Major: an important function fails or is badly degraded; a workaround is hard or slow."),
    "P3": gettext_lazy("Minor: something is wrong but work goes on, with a reasonable workaround."),
    "P4": gettext_lazy("Cosmetic: a small flaw, a question or a wish; work is not affected."),
}

SORT_CHOICES = [
    ("-number", gettext_lazy("Newest first")),
    ("number", gettext_lazy("Oldest first")),
    ("severity", gettext_lazy("Severity (P1 first)")),
    ("-severity", gettext_lazy("Severity (P4 first)")),
    ("response_due_at", gettext_lazy("Response due (soonest first)")),
    ("resolution_due_at", gettext_lazy("Resolution due (soonest first)")),
    ("-updated_at", gettext_lazy("Recently updated")),
    ("status", gettext_lazy("Status")),
]

FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
    "kind": gettext_lazy("kind"),
    "severity": gettext_lazy("severity"),
    "category": gettext_lazy("category"),
    "assignee": gettext_lazy("assignee"),
}

# Moves a customer may ask for on a resolved issue (the service decides; the UI only offers these).
CUSTOMER_MOVES = frozenset({IssueStatus.CLOSED, IssueStatus.IN_PROGRESS})


# ---------------------------------------------------------------------------------------------------------------
# Forms


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _category_choices():
    return [("", _("Not set")), *Category.choices]


class IssueReportForm(forms.Form):
    """Report an issue; ``reported_at`` and ``assignee`` only for vendor staff (removed otherwise)."""

    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))
    description = forms.CharField(
        required=False,
        label=gettext_lazy("Description"),
        widget=forms.Textarea,
        help_text=gettext_lazy("What happened, what you expected, and the steps to see it again. Markdown."),
    )
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.P3, label=gettext_lazy("Severity"))
    kind = forms.ChoiceField(choices=IssueKind.choices, initial=IssueKind.INCIDENT, label=gettext_lazy("Kind"))
    category = forms.ChoiceField(choices=_category_choices, required=False, label=gettext_lazy("Category"))
    attachment = forms.FileField(required=False, label=gettext_lazy("Attachment"))
    reported_at = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Reported at"),
        widget=DateTimeLocalInput,
        help_text=gettext_lazy("Only for an issue reported earlier (a phone call, an e-mail); in your time zone."),
    )
    assignee = forms.ChoiceField(required=False, label=gettext_lazy("Assignee"))

    def __init__(self, *args, vendor: bool, assignees: dict, **kwargs):
        super().__init__(*args, **kwargs)
        if vendor:
            self.fields["assignee"].choices = [("", _("Unassigned")), *_assignee_choices(assignees)]
        else:
            del self.fields["reported_at"]
            del self.fields["assignee"]


class IssueEditForm(forms.Form):
    """Vendor staff edit the triage fields of an issue."""

    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))
    severity = forms.ChoiceField(choices=Severity.choices, label=gettext_lazy("Severity"))
    kind = forms.ChoiceField(choices=IssueKind.choices, label=gettext_lazy("Kind"))
    category = forms.ChoiceField(choices=_category_choices, required=False, label=gettext_lazy("Category"))
    assignee = forms.ChoiceField(required=False, label=gettext_lazy("Assignee"))

    def __init__(self, *args, assignees: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Unassigned")), *_assignee_choices(assignees)]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=IssueStatus.choices)
    note = forms.CharField(required=False, label=gettext_lazy("Note"), widget=forms.Textarea)


class CommentForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea)
    public = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Visible to the customer"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))


class QuickForm(forms.Form):
    """One quick action of a queue row: a status move, a severity, or assigning it to the caller."""

    status = forms.ChoiceField(choices=IssueStatus.choices, required=False)
    severity = forms.ChoiceField(choices=Severity.choices, required=False)
    assign = forms.ChoiceField(choices=[("me", "me")], required=False)

    def clean(self):
        data = super().clean()
        if sum(bool(data.get(name)) for name in ("status", "severity", "assign")) != 1:
            raise ValidationError(_("Choose one action."))
        return data


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _assignees(project) -> dict:
    """Vendor-side members of the project who may be assigned, by username."""
    return {
        m.user.username: m.user
        for m in membership_list(project=project).filter(role__in=VENDOR_ROLES).order_by("user__username")
    }


def _assignee_choices(assignees: dict) -> list[tuple[str, str]]:
    return [(name, user.get_full_name() or name) for name, user in assignees.items()]


def _duration(delta: dt.timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)sd %(hours)sh") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)sh %(minutes)sm") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)sm") % {"minutes": minutes}


def sla_clock(issue, now: dt.datetime) -> dict | None:
    """The running SLA clock of an issue: the response clock until the first response, then the resolution
    clock while open; None when no clock runs (closed, resolved, paused while waiting, or no target)."""
    if not issue.is_open:
        return None
    if issue.first_response_at is None and issue.response_due_at is not None:
        kind, due = "response", issue.response_due_at
    elif issue.resolution_due_at is not None:
        kind, due = "resolution", issue.resolution_due_at
    else:
        return {"kind": "paused", "due": None, "overdue": False, "text": _("clock paused")}
    overdue = now >= due
    if overdue:
        text = _("overdue %(time)s") % {"time": _duration(now - due)}
    else:
        text = _("%(time)s left") % {"time": _duration(due - now)}
    label = _("Response due") if kind == "response" else _("Resolution due")
    return {"kind": kind, "label": label, "due": due, "overdue": overdue, "text": text}


def sla_formats() -> dict:
    """The countdown's phrases with ``{placeholders}`` for the script that refreshes it every minute."""
    return {
        "left": _("%(time)s left") % {"time": "{time}"},
        "overdue": _("overdue %(time)s") % {"time": "{time}"},
        "days": _("%(days)sd %(hours)sh") % {"days": "{days}", "hours": "{hours}"},
        "hours": _("%(hours)sh %(minutes)sm") % {"hours": "{hours}", "minutes": "{minutes}"},
        "minutes": _("%(minutes)sm") % {"minutes": "{minutes}"},
    }


def _quick_moves(issue, vendor: bool) -> list[tuple[str, str]]:
    """The status buttons of a queue row: triage and start for vendor staff, close or reopen when resolved."""
    if issue.status == IssueStatus.RESOLVED:
        return [(IssueStatus.CLOSED, _("Close")), (IssueStatus.IN_PROGRESS, _("Reopen"))]
    if not vendor:
        return []
    moves = [(IssueStatus.TRIAGED, _("Triage")), (IssueStatus.IN_PROGRESS, _("Start"))]
    return [(value, name) for value, name in moves if issue.can_move_to(value)]


def _row(issue, now: dt.datetime, vendor: bool = False) -> dict:
    clock = sla_clock(issue, now)
    breached = issue.response_breached or issue.resolution_breached or bool(clock and clock["overdue"])
    return {"issue": issue, "clock": clock, "breached": breached, "moves": _quick_moves(issue, vendor)}


def _abilities(request, roles: frozenset[str]) -> dict:
    vendor = bool(roles & VENDOR_STAFF)
    return {
        "vendor": vendor,
        # Only a vendor-side member can be an assignee (an administrator without membership cannot).
        "can_take": bool(roles & VENDOR_ROLES),
        "can_view_audit": vendor,
    }


def _moves(issue, vendor: bool) -> list[tuple[str, str]]:
    """Status moves offered on an issue: every allowed move for vendor staff; close or reopen of a resolved
    issue for the customer."""
    moves = [(value, name) for value, name in IssueStatus.choices if issue.can_move_to(value)]
    if not vendor:
        moves = [(v, n) for v, n in moves if issue.status == IssueStatus.RESOLVED and v in CUSTOMER_MOVES]
    return [
        (v, _("Reopen") if issue.status == IssueStatus.RESOLVED and v == IssueStatus.IN_PROGRESS else n)
        for v, n in moves
    ]


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _event_line(event) -> str:
    """One sentence for a timeline line, translated."""
    data = event.data or {}
    if event.kind == "created":
        return _("reported the issue (%(severity)s)") % {"severity": data.get("severity", "")}
    if event.kind == "status":
        names = dict(IssueStatus.choices)
        line = _("moved it from %(from)s to %(to)s") % {
            "from": names.get(data.get("from"), data.get("from")),
            "to": names.get(data.get("to"), data.get("to")),
        }
        return f"{line}: {data['note']}" if data.get("note") else line
    if event.kind == "updated":
        parts = []
        for field, value in sorted(data.items()):
            label = FIELD_LABELS.get(field, field)
            if isinstance(value, list) and len(value) == 2:
                parts.append(
                    _("%(field)s from %(old)s to %(new)s")
                    % {"field": label, "old": value[0] or "—", "new": value[1] or "—"}
                )
            else:
                parts.append(str(label))
        return _("changed %(changes)s") % {"changes": ", ".join(parts)}
    if event.kind == "comment":
        return _("commented") if data.get("public", True) else _("wrote an internal comment")
    if event.kind == "attachment":
        return _("attached %(name)s") % {"name": data.get("name", "")}
    if event.kind == "sla_breach_response":
        return _("SLA breached: the response was not given in time")
    if event.kind == "sla_breach_resolution":
        return _("SLA breached: the issue was not resolved in time")
    return event.kind


# ---------------------------------------------------------------------------------------------------------------
# The queue


def _desk_filters(request) -> dict:
    return {
        name: request.GET.get(name, "").strip()
        for name in ("status", "severity", "category", "kind", "assignee", "breached", "open", "q", "sort")
    }


@login_required
@require_GET
def issue_desk(request, key):
    """The project's issue queue: filters, sorting, 50 a page, an SLA countdown per row and quick triage
    actions for vendor staff. ``issue_list`` loads everything a row shows in the same query."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    filters = _desk_filters(request)
    page = Paginator(selectors.issue_list(project=project, filters=request.GET), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    context = {
        "nav": "issues",
        "project": project,
        "roles": roles,
        "page": page,
        "rows": [_row(issue, now, bool(roles & VENDOR_STAFF)) for issue in page.object_list],
        "filters": filters,
        "statuses": IssueStatus.choices,
        "severities": Severity.choices,
        "categories": Category.choices,
        "kinds": IssueKind.choices,
        "sorts": SORT_CHOICES,
        "assignees": _assignees(project),
        "sla_formats": sla_formats(),
        **_abilities(request, roles),
    }
    return render_page(request, "tracker/issue_desk.html", context, fragment_template="tracker/_issue_results.html")


def _render_row(request, project, roles, issue, *, status: int = 200, error: str | None = None):
    context = {
        "project": project,
        "row": _row(issue, timezone.now(), bool(roles & VENDOR_STAFF)),
        "row_error": error,
        "severities": Severity.choices,
        **_abilities(request, roles),
    }
    return render_page(request, "tracker/_issue_row.html", context, status=status)


@login_required
@require_POST
def issue_quick(request, key, number):
    """A quick action from a queue row (status move, severity, assign to me); answers htmx with the row.

    Field edits are for vendor staff; a status move is decided by the service (the customer may close or
    reopen a resolved issue, nothing else).
    """
    project, roles = project_for_request(request, key, ANY_MEMBER)
    issue = selectors.issue_get(project=project, number=number)
    form = QuickForm(request.POST)
    status, error = 400, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["status"]:
                services.issue_set_status(actor=request.user, issue=issue, status=data["status"])
            elif not roles & VENDOR_STAFF:
                raise NotAllowed(_("Only vendor staff edit an issue's fields."))
            elif data["severity"]:
                services.issue_update(actor=request.user, issue=issue, severity=data["severity"])
            else:
                services.issue_update(actor=request.user, issue=issue, assignee=request.user)
        except DomainError as exc:
            status, error = 409, exc.message
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            issue = selectors.issue_get(project=project, number=number)
            if not is_htmx(request):
                messages.success(request, _("%(ref)s updated.") % {"ref": issue.ref})
                return redirect("web:issues", key=project.key)
            return _render_row(request, project, roles, issue)
    else:
        error = " ".join(form.non_field_errors()) or _("Please correct the errors below.")
    if not is_htmx(request):
        if status == 403:
            raise PermissionDenied(error)
        return _render_issue(request, project, roles, issue, status=status, error=error)
    return _render_row(request, project, roles, issue, status=status, error=error)


# ---------------------------------------------------------------------------------------------------------------
# The issue page


def _issue_context(request, project, roles, issue, **extra) -> dict:
    abilities = _abilities(request, roles)
    vendor = abilities["vendor"]
    assignees = _assignees(project) if vendor else {}
    events = list(selectors.event_list(issue=issue, include_internal=vendor))
    context = {
        "nav": "issues",
        "project": project,
        "roles": roles,
        "issue": issue,
        "row": _row(issue, timezone.now()),
        # render_markdown sanitises (nh3): this output, and only this, is marked safe.
        "description_html": mark_safe(render_markdown(issue.description)),  # noqa: S308
        "timeline": [{"event": e, "line": _event_line(e)} for e in events],
        "comments": [
            {"comment": c, "html": mark_safe(render_markdown(c.body))}  # noqa: S308
            for c in selectors.comment_list(issue=issue, include_internal=vendor)
        ],
        "attachments": selectors.attachment_list(issue=issue),
        "moves": _moves(issue, vendor),
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(),
        "status_form": StatusForm(),
        "edit_form": (
            IssueEditForm(
                assignees=assignees,
                initial={
                    "title": issue.title,
                    "severity": issue.severity,
                    "kind": issue.kind,
                    "category": issue.category or "",
                    "assignee": issue.assignee.username if issue.assignee else "",
                },
            )
            if vendor
            else None
        ),
        "can_edit": vendor and issue.is_open,
        "max_attachment_mb": services.max_attachment_bytes() // (1024 * 1024),
        "sla_formats": sla_formats(),
        **abilities,
    }
    context.update(extra)
    return context


def _render_issue(request, project, roles, issue, *, status: int = 200, **extra):
    return render_page(
        request,
        "tracker/issue_detail.html",
        _issue_context(request, project, roles, issue, **extra),
        fragment_template="tracker/_issue_body.html",
        status=status,
    )


@login_required
@require_GET
def issue_detail(request, key, number):
    """One issue: its fields, description, timeline, comments and attachments, with the actions the caller's
    role allows. Internal comments and timeline lines are shown to vendor staff only."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    issue = selectors.issue_get(project=project, number=number)
    return _render_issue(request, project, roles, issue)


def _issue_action(request, key, number, form_factory, form_name: str, perform, success: str, *, vendor_only=False):
    """Run one action of the issue page: check the role, validate, call the service, answer.

    Success: htmx gets the refreshed issue body with a notice, a plain post is redirected to the issue page.
    """
    project, roles = project_for_request(request, key, ANY_MEMBER)
    issue = selectors.issue_get(project=project, number=number)
    if vendor_only and not roles & VENDOR_STAFF:
        refusal = _("Your role on this project does not allow this action.")
        if not is_htmx(request):
            raise PermissionDenied(refusal)
        return _render_issue(request, project, roles, issue, status=403, error=refusal)
    form = form_factory(request, project)
    status, error = 400, None
    if form.is_valid():
        try:
            perform(project, roles, issue, form.cleaned_data)
        except DomainError as exc:
            status, error = 409, exc.message
        except NotAllowed as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            if not is_htmx(request):
                messages.success(request, success)
                return redirect("web:issue", key=project.key, number=issue.number)
            issue = selectors.issue_get(project=project, number=number)
            return _render_issue(request, project, roles, issue, notice=success)
    if status == 403 and not is_htmx(request):
        raise PermissionDenied(error)
    if error is None:
        error = _("Please correct the errors below.")
    return _render_issue(request, project, roles, issue, status=status, error=error, **{form_name: form})


@login_required
@require_POST
def issue_status(request, key, number):
    """Move the issue to another status; the service allows only the moves of the transition table."""

    def perform(project, roles, issue, data):
        services.issue_set_status(actor=request.user, issue=issue, status=data["status"], note=data["note"])

    return _issue_action(
        request,
        key,
        number,
        lambda request, project: StatusForm(request.POST),
        "status_form",
        perform,
        _("Status changed."),
    )


@login_required
@require_POST
def issue_edit(request, key, number):
    """Vendor staff edit title, severity, kind, category and assignee; only changed fields are sent."""

    def form_factory(request, project):
        return IssueEditForm(request.POST, assignees=_assignees(project))

    def perform(project, roles, issue, data):
        assignees = _assignees(project)
        wanted = {
            "title": data["title"],
            "severity": data["severity"],
            "kind": data["kind"],
            "category": data["category"] or None,
            "assignee": assignees.get(data["assignee"]) if data["assignee"] else None,
        }
        changed = {name: value for name, value in wanted.items() if getattr(issue, name) != value}
        if changed:
            services.issue_update(actor=request.user, issue=issue, **changed)

    return _issue_action(
        request, key, number, form_factory, "edit_form", perform, _("Issue updated."), vendor_only=True
    )


@login_required
@require_POST
def issue_comment(request, key, number):
    """Add a comment; vendor staff may make it internal (hidden from the customer)."""

    def perform(project, roles, issue, data):
        public = data["public"] if roles & VENDOR_STAFF else True
        services.comment_add(actor=request.user, issue=issue, body=data["body"], public=public)

    return _issue_action(
        request,
        key,
        number,
        lambda request, project: CommentForm(request.POST),
        "comment_form",
        perform,
        _("Comment added."),
    )


@login_required
@require_POST
def issue_attach(request, key, number):
    """Upload a file to the issue (any member); the service checks its size and type."""

    def perform(project, roles, issue, data):
        services.attachment_add(actor=request.user, issue=issue, upload=data["file"])

    return _issue_action(
        request,
        key,
        number,
        lambda request, project: AttachmentForm(request.POST, request.FILES),
        "attachment_form",
        perform,
        _("File attached."),
    )


@login_required
@require_GET
def attachment_download(request, key, number, attachment_id):
    """The attached file as a download, for members of the project only."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    issue = selectors.issue_get(project=project, number=number)
    attachment = selectors.attachment_get(issue=issue, attachment_id=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------------
# Reporting an issue


@login_required
@require_http_methods(["GET", "POST"])
def issue_new(request, key):
    """Report an issue (any member). Vendor staff may also back-date it and assign it. An attachment is
    added in the same transaction, so a refused file leaves no issue behind."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    abilities = _abilities(request, roles)
    assignees = _assignees(project) if abilities["vendor"] else {}
    status, error = 200, None
    if request.method == "POST":
        form = IssueReportForm(request.POST, request.FILES, vendor=abilities["vendor"], assignees=assignees)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    issue = services.issue_create(
                        actor=request.user,
                        project=project,
                        title=data["title"],
                        description=data["description"],
                        kind=data["kind"],
                        severity=data["severity"],
                        category=data["category"] or None,
                        assignee=assignees.get(data.get("assignee") or ""),
                        reported_at=data.get("reported_at"),
                    )
                    if data["attachment"]:
                        try:
                            services.attachment_add(actor=request.user, issue=issue, upload=data["attachment"])
                        except ValidationError as exc:
                            raise ValidationError({"attachment": exc.messages}) from None
            except DomainError as exc:
                status, error = 409, exc.message
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            except ValidationError as exc:
                for field, errors in (exc.error_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("%(ref)s reported.") % {"ref": issue.ref})
                url = reverse("web:issue", kwargs={"key": project.key, "number": issue.number})
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
        if error is None:
            error = _("Please correct the errors below.")
    else:
        form = IssueReportForm(vendor=abilities["vendor"], assignees=assignees)
    context = {
        "nav": "issues",
        "project": project,
        "roles": roles,
        "form": form,
        "error": error,
        "severity_help": [(value, name, SEVERITY_HELP[value]) for value, name in Severity.choices],
        "selected_severity": form["severity"].value() or Severity.P3,
        **abilities,
    }
    return render_page(request, "tracker/issue_new.html", context, status=status)
