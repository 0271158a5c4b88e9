"""HTML views of the debrief: the retro board (three columns, votes by htmx, groups, actions) and the report
page (the report itself with its timeline, downloads in every format, publishing and the published copies).

Thin: reads through ``golive.debrief.selectors``, writes through ``golive.debrief.services`` with the API's role
sets; the services add the per-object rules (author or lead, owner or lead). Forms work without JavaScript
(plain POST, then a redirect); htmx gets the refreshed card or board. Bad input answers 400 with the message,
a refused move 409, nothing written in either case.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from golive.accounts.selectors import membership_list
from golive.api import LEADS
from golive.debrief import selectors, services
from golive.debrief.api import report_response, requested_language
from golive.debrief.models import MAX_GROUP_LABEL, MAX_ITEM_TEXT, RetroColumn
from golive.debrief.render import FORMATS, html_context
from golive.debrief.report import build_report
from golive.errors import DomainError, NotAllowed
from golive.web.access import ANY_MEMBER, CONSULTANTS, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page

# ---------------------------------------------------------------------------------------------------------------
# Forms


class DateInput(forms.DateInput):
    input_type = "date"


class ItemForm(forms.Form):
    column = forms.ChoiceField(choices=RetroColumn.choices, label=gettext_lazy("Column"))
    text = forms.CharField(
        max_length=MAX_ITEM_TEXT, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Note")
    )
    group = forms.CharField(max_length=MAX_GROUP_LABEL, required=False, label=gettext_lazy("Group"))
    owner = forms.ChoiceField(required=False, label=gettext_lazy("Owner"))
    due_date = forms.DateField(required=False, widget=DateInput, label=gettext_lazy("Due date"))

    def __init__(self, *args, members: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", _("Nobody yet")),
            *[(name, label) for name, (label, _u) in members.items()],
        ]


class ItemEditForm(forms.Form):
    text = forms.CharField(
        max_length=MAX_ITEM_TEXT, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Note")
    )
    group = forms.CharField(max_length=MAX_GROUP_LABEL, required=False, label=gettext_lazy("Group"))


class GroupForm(forms.Form):
    items = forms.TypedMultipleChoiceField(coerce=int, label=gettext_lazy("Notes"))
    group = forms.CharField(max_length=MAX_GROUP_LABEL, required=False, label=gettext_lazy("Group label"))

    def __init__(self, *args, item_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i, i) for i in item_ids]


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _members(project) -> dict:
    """``{username: (display name, user)}`` of the project's members."""
    found = {}
    for membership in membership_list(project=project).order_by("user__username"):
        user = membership.user
        found.setdefault(user.username, (user.get_full_name() or user.username, user))
    return found


def _is_lead(roles) -> bool:
    return bool(roles & LEADS)


def _errors(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e) for f, e in form.errors.items()
    )


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _card(item, user, roles) -> dict:
    action = getattr(item, "action_detail", None) if item.column == RetroColumn.ACTION else None
    return {
        "item": item,
        "action": action,
        "can_edit": item.author_id == user.pk or _is_lead(roles),
    }


# The board shows the most voted notes of each column and the actions a page at a time; "Show more" brings the next
# page (htmx appends it; without JavaScript the board reloads with more). A column never shows more than the most.
RETRO_PAGE_SIZE = 10
ACTIONS_PAGE_SIZE = 10
MAX_SHOWN = 500


def _shown(request, name: str, page_size: int) -> int:
    """How many rows the viewer asked to see (``?show_<name>=N``): a page at least, ``MAX_SHOWN`` at most."""
    try:
        wanted = int(request.GET.get(f"show_{name}", page_size))
    except ValueError:
        wanted = page_size
    return min(max(wanted, page_size), MAX_SHOWN)


def _offset(request) -> int:
    try:
        return min(max(int(request.GET.get("offset", 0)), 0), MAX_SHOWN)
    except ValueError:
        return 0


def _blocks(cards: list[dict], previous_group: str | None) -> list[dict]:
    """Cards in runs of the same group: each run under its label, except a run that goes on with the group of
    the card shown just before it (the previous page)."""
    blocks: list[dict] = []
    for card in cards:
        label = card["item"].group
        if blocks and blocks[-1]["label"] == label:
            blocks[-1]["cards"].append(card)
        else:
            continued = not blocks and previous_group is not None and previous_group == label
            blocks.append({"label": label, "continued": continued, "cards": [card]})
    return blocks


def _column_page(project, user, roles, column: str, *, offset: int, limit: int, group_votes: dict) -> dict:
    """``limit`` notes of a column from ``offset`` in rank order (one query: the note before them tells whether
    the first goes on with its group, the one after whether there are more)."""
    ranked = selectors.retro_item_ranked(project=project, column=column, user=user, group_votes=group_votes)
    items = list(ranked[max(offset - 1, 0) : offset + limit + 1])
    previous = items.pop(0).group if offset > 0 and items else None
    has_more = len(items) > limit
    items = items[:limit]
    return {
        "blocks": _blocks([_card(item, user, roles) for item in items], previous),
        "next_offset": offset + len(items),
        "has_more": has_more,
    }


def _columns(request, project, roles) -> list[dict]:
    """The three columns, each with its count and its most voted notes (grouped notes side by side)."""
    counts = selectors.retro_column_counts(project=project)
    group_votes = selectors.retro_group_votes(project=project)
    columns = []
    for value, label in RetroColumn.choices:
        limit = _shown(request, value, RETRO_PAGE_SIZE)
        page = _column_page(project, request.user, roles, value, offset=0, limit=limit, group_votes=group_votes[value])
        columns.append({"key": value, "title": label, "count": counts[value], **page})
    return columns


def _actions_page(project, *, offset: int, limit: int) -> dict:
    """``limit`` actions from ``offset`` (open first, soonest due first), and whether there are more."""
    actions = list(selectors.retro_action_list(project=project)[offset : offset + limit + 1])
    shown = actions[:limit]
    return {"actions": shown, "has_more": len(actions) > limit, "next_offset": offset + len(shown)}


def _board_context(request, project, roles, **extra) -> dict:
    members = _members(project)
    today = timezone.localdate()
    actions = _actions_page(project, offset=0, limit=_shown(request, "actions", ACTIONS_PAGE_SIZE))
    context = {
        "nav": "debrief",
        "project": project,
        "roles": roles,
        "columns": _columns(request, project, roles),
        "actions": actions["actions"],
        "actions_more": actions,
        "action_counts": selectors.retro_action_counts(project=project),
        "page_size": RETRO_PAGE_SIZE,
        "actions_page_size": ACTIONS_PAGE_SIZE,
        "today": today,
        "members": members,
        "item_form": ItemForm(members=members),
        "carried_over": list(selectors.carried_over_actions(project=project, user=request.user)[:20]),
        "can_group": bool(roles & CONSULTANTS),
        "is_lead": _is_lead(roles),
        "can_view_audit": bool(roles & VENDOR_STAFF),
    }
    context.update(extra)
    return context


def _board(request, project, roles, *, status: int = 200, **extra):
    return render_page(
        request,
        "debrief/retro_board.html",
        _board_context(request, project, roles, **extra),
        fragment_template="debrief/_retro_body.html",
        status=status,
    )


def _after_write(request, project, roles, notice: str):
    if not is_htmx(request):
        messages.success(request, notice)
        return redirect("web:retro", key=project.key)
    return _board(request, project, roles, notice=notice)


def _refused(request, project, roles, *, status: int, error: str):
    if status == 403 and not is_htmx(request):
        raise PermissionDenied(error)
    return _board(request, project, roles, status=status, error=error)


def _perform(request, project, roles, perform, notice: str):
    """Run a write; answer the refreshed board (htmx) or a redirect, or the reason it was refused."""
    try:
        perform()
    except DomainError as exc:
        return _refused(request, project, roles, status=409, error=exc.message)
    except NotAllowed as exc:
        return _refused(request, project, roles, status=403, error=str(exc))
    except ValidationError as exc:
        return _refused(request, project, roles, status=400, error=_validation_message(exc))
    return _after_write(request, project, roles, notice)


# ---------------------------------------------------------------------------------------------------------------
# The retro board


@login_required
@require_GET
def retro_board(request, key):
    """The retro board: went well, to improve and actions, with votes and groups; the actions with their owners
    and due dates; and open actions of the team's earlier projects."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return _board(request, project, roles)


@login_required
@require_GET
def retro_more(request, key):
    """The next notes of a column (``?column=...&offset=N``), for the board's "Show more": the cards and, when
    there are more still, the next "Show more"."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    column = request.GET.get("column")
    if column not in RetroColumn.values:
        return HttpResponse("column: " + _("Unknown column."), status=400, content_type="text/plain; charset=utf-8")
    offset = _offset(request)
    group_votes = selectors.retro_group_votes(project=project)[column]
    page = _column_page(
        project, request.user, roles, column, offset=offset, limit=RETRO_PAGE_SIZE, group_votes=group_votes
    )
    context = {
        "project": project,
        "column": {"key": column, **page},
        "page_size": RETRO_PAGE_SIZE,
        "can_group": bool(roles & CONSULTANTS),
    }
    return render_page(request, "debrief/_retro_more.html", context)


@login_required
@require_GET
def retro_actions_more(request, key):
    """The next actions of the board's table (``?offset=N``): their rows and, when there are more still, the next
    "Show more" row."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    page = _actions_page(project, offset=_offset(request), limit=ACTIONS_PAGE_SIZE)
    context = {
        "project": project,
        "actions": page["actions"],
        "actions_more": page,
        "actions_page_size": ACTIONS_PAGE_SIZE,
        "today": timezone.localdate(),
        "is_lead": _is_lead(roles),
    }
    return render_page(request, "debrief/_retro_action_rows.html", context)


@login_required
@require_POST
def item_add(request, key):
    """Every member puts a note on the board; a note in the action column opens a tracked action."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    members = _members(project)
    form = ItemForm(request.POST, members=members)
    if not form.is_valid():
        return _board(request, project, roles, status=400, error=_errors(form), item_form=form)
    data = dict(form.cleaned_data)
    owner = members[data["owner"]][1] if data["owner"] else None
    data["owner"] = owner
    if data["column"] != RetroColumn.ACTION:
        data.pop("owner")
        data.pop("due_date")
    return _perform(
        request,
        project,
        roles,
        lambda: services.retro_item_create(actor=request.user, project=project, **data),
        _("Note added."),
    )


@login_required
@require_POST
def item_vote(request, key, item_id):
    """Vote for a note, or take the vote back; htmx gets the card with the new count."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    item = selectors.retro_item_get(project=project, pk=item_id)
    item.project = project
    services.retro_vote_toggle(actor=request.user, item=item)
    if not is_htmx(request):
        return redirect(reverse("web:retro", args=[project.key]) + f"#item-{item.pk}")
    fresh = selectors.retro_item_list(project=project, user=request.user).get(pk=item.pk)
    context = {"project": project, "card": _card(fresh, request.user, roles), "can_group": bool(roles & CONSULTANTS)}
    context["members"] = {}
    return render_page(request, "debrief/_retro_item.html", context)


@login_required
@require_POST
def item_edit(request, key, item_id):
    """The author or a lead changes a note's text or group."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    item = selectors.retro_item_get(project=project, pk=item_id)
    item.project = project
    form = ItemEditForm(request.POST)
    if not form.is_valid():
        return _board(request, project, roles, status=400, error=_errors(form))
    return _perform(
        request,
        project,
        roles,
        lambda: services.retro_item_update(actor=request.user, item=item, **form.cleaned_data),
        _("Note changed."),
    )


@login_required
@require_POST
def item_delete(request, key, item_id):
    """The author or a lead takes a note off the board."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    item = selectors.retro_item_get(project=project, pk=item_id)
    item.project = project
    return _perform(
        request, project, roles, lambda: services.retro_item_delete(actor=request.user, item=item), _("Note removed.")
    )


@login_required
@require_POST
def items_group(request, key):
    """Consultants merge the ticked notes into one group (an empty label ungroups them)."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    ids = list(selectors.retro_item_list(project=project).values_list("pk", flat=True))
    form = GroupForm(request.POST, item_ids=ids)
    if not form.is_valid():
        return _board(request, project, roles, status=400, error=_errors(form))
    return _perform(
        request,
        project,
        roles,
        lambda: services.retro_items_group(
            actor=request.user, project=project, items=form.cleaned_data["items"], group=form.cleaned_data["group"]
        ),
        _("Notes grouped."),
    )


@login_required
@require_POST
def action_complete(request, key, action_id):
    """The owner or a lead marks an action done."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    action = selectors.retro_action_get(project=project, pk=action_id)
    action.project = project
    return _perform(
        request,
        project,
        roles,
        lambda: services.retro_action_complete(actor=request.user, action=action),
        _("Action done."),
    )


@login_required
@require_POST
def action_reopen(request, key, action_id):
    """The owner or a lead opens a done action again."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    action = selectors.retro_action_get(project=project, pk=action_id)
    action.project = project
    return _perform(
        request,
        project,
        roles,
        lambda: services.retro_action_reopen(actor=request.user, action=action),
        _("Action reopened."),
    )


# ---------------------------------------------------------------------------------------------------------------
# The report


def _report_context(request, project, roles, **extra) -> dict:
    language = requested_language(request, strict=False)
    data = build_report(project=project, language=language)
    context = {
        "nav": "report",
        "project": project,
        "roles": roles,
        "formats": [
            (fmt, label)
            for fmt, label in zip(FORMATS, (_("JSON"), _("Markdown"), _("HTML (print)"), _("PDF")), strict=True)
        ],
        "published": list(selectors.published_report_list(project=project)),
        "can_publish": _is_lead(roles),
        "can_view_audit": bool(roles & VENDOR_STAFF),
        **html_context(data),
    }
    context.update(extra)
    return context


def _bad_format() -> HttpResponse:
    message = _("Unknown format: use %(formats)s.") % {"formats": ", ".join(FORMATS)}
    return HttpResponse(f"format: {message}", status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def report_page(request, key):
    """The project report in the page (timeline, figures of every phase, retro), with downloads in every format,
    the published copies and, for leads, the publish button."""
    project, roles = project_for_request(request, key, ANY_MEMBER)
    return render_page(request, "debrief/report.html", _report_context(request, project, roles))


@login_required
@require_GET
def report_download(request, key):
    """The report as a file (``?format=json|md|html|pdf``): the same bytes as the API."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    fmt = request.GET.get("format", "pdf")
    if fmt not in FORMATS:
        return _bad_format()
    language = requested_language(request, strict=False)
    return report_response(build_report(project=project, language=language), fmt, language)


@login_required
@require_POST
def report_publish(request, key):
    """Leads publish the report as it stands; the debrief gate's criterion then passes."""
    project, roles = project_for_request(request, key, LEADS)
    try:
        report = services.report_publish(
            actor=request.user, project=project, language=requested_language(request, strict=False)
        )
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    messages.success(request, _("Report %(number)d published.") % {"number": report.number})
    return redirect("web:report", key=project.key)


@login_required
@require_GET
def report_published(request, key, number):
    """A published report as it was frozen, in any format (default PDF)."""
    project, _roles = project_for_request(request, key, ANY_MEMBER)
    request_format = request.GET.get("format", "pdf")
    if request_format not in FORMATS:
        return _bad_format()
    report = selectors.published_report_get(project=project, number=number)
    return report_response(report.data, request_format, requested_language(request, strict=False))


__all__ = [
    "action_complete",
    "action_reopen",
    "item_add",
    "item_delete",
    "item_edit",
    "item_vote",
    "items_group",
    "report_download",
    "report_page",
    "report_publish",
    "report_published",
    "retro_actions_more",
    "retro_board",
    "retro_more",
]
