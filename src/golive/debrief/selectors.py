"""Reads of the retrospective and the published reports.

``open_actions(projects)`` and ``open_actions_for_user(user)`` are the entry points other apps use
(portfolio, "what needs me today"); ``carried_over_actions(project)`` feeds the kickoff of the next project.
"""

from __future__ import annotations

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from golive.debrief.models import PublishedReport, RetroAction, RetroColumn, RetroItem, RetroVote

# Soonest due first, actions without a due date last (on every database).
DUE_FIRST = F("due_date").asc(nulls_last=True)


def _open_action_qs() -> QuerySet[RetroAction]:
    return RetroAction.objects.filter(done_at__isnull=True).select_related("project", "owner")


def open_actions(projects) -> QuerySet[RetroAction]:
    """Open retro actions of the given projects (a queryset or an iterable of projects or ids), oldest due first."""
    return _open_action_qs().filter(project__in=projects).order_by(DUE_FIRST, "project_id", "id")


def open_actions_for_user(user) -> QuerySet[RetroAction]:
    """Open retro actions owned by ``user`` in the projects they may still see."""
    from golive.lifecycle.selectors import project_list_for_user

    if not user.is_authenticated:
        return RetroAction.objects.none()
    visible = project_list_for_user(user).values("pk")
    return _open_action_qs().filter(owner=user, project__in=visible).order_by(DUE_FIRST, "project_id", "id")


def _started(project_ref):
    """When a project started: its first phase's actual start (its creation when none has started)."""
    from golive.lifecycle.models import Phase

    first = Phase.objects.filter(project=project_ref, actual_start__isnull=False).order_by("actual_start")
    return Subquery(first.values("actual_start")[:1])


def carried_over_actions(*, project, user=None) -> QuerySet[RetroAction]:
    """Open actions of the same team's earlier projects: other projects of the same customer, or sharing a
    member, that started before this one. One query.

    With ``user`` the list is narrowed to projects the caller may see, so a carried-over action never reveals
    a project of another tenant.
    """
    from golive.accounts.models import Membership
    from golive.lifecycle.models import Project

    shares_member = Exists(
        Membership.objects.filter(
            project=OuterRef("pk"), user__in=Membership.objects.filter(project=project).values("user")
        )
    )
    this_start = Project.objects.filter(pk=project.pk).annotate(
        started=Coalesce(_started(OuterRef("pk")), F("created_at"))
    )
    earlier = (
        Project.objects.exclude(pk=project.pk)
        .filter(Q(customer_id=project.customer_id) | shares_member)
        .annotate(started=Coalesce(_started(OuterRef("pk")), F("created_at")))
        .filter(started__lt=Subquery(this_start.values("started")[:1]))
    )
    if user is not None:
        from golive.lifecycle.selectors import project_list_for_user

        earlier = earlier.filter(pk__in=project_list_for_user(user).values("pk"))
    return _open_action_qs().filter(project__in=earlier.values("pk")).order_by(DUE_FIRST, "project_id", "id")


def retro_item_list(*, project, user=None) -> QuerySet[RetroItem]:
    """The board's items with vote counts (``vote_count``) and, with ``user``, whether they voted (``voted``)."""
    qs = (
        RetroItem.objects.filter(project=project)
        .select_related("author", "action_detail", "action_detail__owner")
        .annotate(vote_count=Count("votes", distinct=True))
    )
    if user is not None and user.is_authenticated:
        qs = qs.annotate(voted=Exists(RetroVote.objects.filter(item=OuterRef("pk"), user=user)))
    return qs.order_by("column", "group", "-vote_count", "id")


def retro_group_votes(*, project) -> dict[str, dict[str, int]]:
    """``{column: {group label: votes of all its notes}}`` for the groups with votes: one aggregate query."""
    totals: dict[str, dict[str, int]] = {value: {} for value in RetroColumn.values}
    rows = (
        RetroVote.objects.filter(item__project=project)
        .exclude(item__group="")
        .values_list("item__column", "item__group")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for column, group, total in rows:
        totals.setdefault(column, {})[group] = total
    return totals


def retro_item_ranked(*, project, column: str, user=None, group_votes: dict[str, int] | None = None):
    """A column of the board, most voted first, as the board pages it. A group of notes ranks by the votes of all
    its notes together (``group_votes``: ``retro_group_votes(project=...)[column]``), its notes side by side, most
    voted first; a note of no group ranks by its own votes. Ties: the group label, then the oldest note first."""
    if group_votes is None:
        group_votes = retro_group_votes(project=project)[column]
    ranks = [When(group=label, then=Value(total)) for label, total in sorted(group_votes.items())]
    rank = Case(*ranks, default=F("vote_count")) if ranks else F("vote_count")
    return (
        retro_item_list(project=project, user=user)
        .filter(column=column)
        .annotate(rank=rank)
        .order_by("-rank", "group", "-vote_count", "id")
    )


def retro_column_counts(*, project) -> dict[str, int]:
    """Notes per column of the board: one aggregate query."""
    counts = RetroItem.objects.filter(project=project).aggregate(
        **{value: Count("pk", filter=Q(column=value)) for value in RetroColumn.values}
    )
    return {value: counts[value] for value in RetroColumn.values}


def retro_action_counts(*, project) -> dict[str, int]:
    """Open and done actions of the project: one aggregate query."""
    return RetroAction.objects.filter(project=project).aggregate(
        open=Count("pk", filter=Q(done_at__isnull=True)), done=Count("pk", filter=Q(done_at__isnull=False))
    )


def retro_item_get(*, project, pk: int) -> RetroItem:
    from django.http import Http404

    try:
        return RetroItem.objects.select_related("author", "action_detail").get(project=project, pk=pk)
    except (RetroItem.DoesNotExist, ValueError, TypeError):
        raise Http404("No such retro item.") from None


def retro_action_list(*, project) -> QuerySet[RetroAction]:
    return (
        RetroAction.objects.filter(project=project)
        .select_related("owner", "done_by", "created_by")
        .order_by(F("done_at").asc(nulls_first=True), DUE_FIRST, "id")
    )


def retro_action_get(*, project, pk: int) -> RetroAction:
    from django.http import Http404

    try:
        return RetroAction.objects.select_related("owner", "item").get(project=project, pk=pk)
    except (RetroAction.DoesNotExist, ValueError, TypeError):
        raise Http404("No such retro action.") from None


def published_report_list(*, project) -> QuerySet[PublishedReport]:
    return (
        PublishedReport.objects.filter(project=project)
        .select_related("published_by", "project")
        .defer("data")
        .order_by("-number")
    )


def published_report_get(*, project, number: int) -> PublishedReport:
    from django.http import Http404

    try:
        return PublishedReport.objects.select_related("published_by").get(project=project, number=number)
    except (PublishedReport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such published report.") from None


def published_projects(project_ids) -> set[int]:
    """Which of these projects have at least one published report (one query)."""
    return set(
        PublishedReport.objects.filter(project_id__in=project_ids).values_list("project_id", flat=True).distinct()
    )


def latest_publications(project_ids, *, as_of=None) -> dict[int, tuple[int, object]]:
    """``{project_id: (number, published_at)}`` of each project's latest report published by ``as_of``
    (one query whatever the number of projects)."""
    qs = PublishedReport.objects.filter(project_id__in=project_ids)
    if as_of is not None:
        qs = qs.filter(published_at__lte=as_of)
    found: dict[int, tuple[int, object]] = {}
    for project_id, number, at in qs.order_by("project_id", "number").values_list(
        "project_id", "number", "published_at"
    ):
        found[project_id] = (number, at)
    return found


__all__ = [
    "RetroColumn",
    "carried_over_actions",
    "open_actions",
    "open_actions_for_user",
    "latest_publications",
    "published_projects",
    "published_report_get",
    "published_report_list",
    "retro_action_counts",
    "retro_action_get",
    "retro_action_list",
    "retro_column_counts",
    "retro_group_votes",
    "retro_item_get",
    "retro_item_list",
    "retro_item_ranked",
]
