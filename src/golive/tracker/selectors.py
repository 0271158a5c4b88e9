"""Reads of the issue desk, always within a project the caller may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from golive.tracker.models import OPEN_STATUSES, Attachment, Comment, Issue, IssueEvent

SORTS = {
    "number",
    "-number",
    "reported_at",
    "-reported_at",
    "severity",
    "-severity",
    "status",
    "-status",
    "response_due_at",
    "-response_due_at",
    "resolution_due_at",
    "-resolution_due_at",
    "updated_at",
    "-updated_at",
}


def issue_list(*, project, filters: dict | None = None) -> QuerySet[Issue]:
    """The project's issues, filtered (status, severity, category, kind, assignee, breached, phase, open, q)
    and sorted (``sort``); everything a row shows is loaded in the same query."""
    qs = Issue.objects.filter(project=project).select_related("project", "reporter", "assignee", "phase")
    filters = filters or {}
    for field in ("status", "severity", "category", "kind"):
        if filters.get(field):
            qs = qs.filter(**{f"{field}__in": filters[field].split(",")})
    if filters.get("assignee"):
        qs = (
            qs.filter(assignee__isnull=True)
            if filters["assignee"] == "none"
            else qs.filter(assignee__username=filters["assignee"])
        )
    if filters.get("reporter"):
        qs = qs.filter(reporter__username=filters["reporter"])
    if filters.get("phase"):
        qs = qs.filter(phase__key=filters["phase"])
    if filters.get("breached") in ("true", "1"):
        qs = qs.filter(Q(response_breached=True) | Q(resolution_breached=True))
    elif filters.get("breached") in ("false", "0"):
        qs = qs.filter(response_breached=False, resolution_breached=False)
    if filters.get("open") in ("true", "1"):
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.get("open") in ("false", "0"):
        qs = qs.exclude(status__in=OPEN_STATUSES)
    if filters.get("q"):
        text = filters["q"]
        qs = qs.filter(Q(title__icontains=text) | Q(description__icontains=text))
    sort = filters.get("sort") or "-number"
    return qs.order_by(sort if sort in SORTS else "-number", "-number")


def issue_get(*, project, number) -> Issue:
    try:
        return Issue.objects.select_related("project", "reporter", "assignee", "phase").get(
            project=project, number=int(number)
        )
    except (Issue.DoesNotExist, ValueError, TypeError):
        raise Http404("No such issue.") from None


def comment_list(*, issue, include_internal: bool) -> QuerySet[Comment]:
    qs = Comment.objects.filter(issue=issue).select_related("author")
    return qs if include_internal else qs.filter(public=True)


def event_list(*, issue, include_internal: bool) -> QuerySet[IssueEvent]:
    qs = IssueEvent.objects.filter(issue=issue).select_related("actor")
    return qs if include_internal else qs.filter(public=True)


def attachment_list(*, issue) -> QuerySet[Attachment]:
    return Attachment.objects.filter(issue=issue).select_related("uploaded_by")


def attachment_get(*, issue, attachment_id) -> Attachment:
    try:
        return Attachment.objects.get(issue=issue, pk=int(attachment_id))
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such attachment.") from None
