"""Gate criteria owned by the issue desk: open and recent P1/P2 issues."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.lifecycle.gates import Result, evaluating_live, evaluation_instant, project_ids, register
from golive.lifecycle.models import Project
from golive.tracker import businesstime
from golive.tracker.models import OPEN_STATUSES, Issue, SlaPolicy

HIGH = ("P1", "P2")


def _open_high_counts(phases) -> dict[int, int]:
    """Open P1/P2 issues per project at the evaluation instant (point in time: reported by then, not yet
    resolved by then). Evaluated live, that is the issues open now: counted from the open issues' SLA index
    alone on PostgreSQL, where the point-in-time filter reads every P1/P2 issue of the projects from the table."""
    projects = project_ids(phases)
    if evaluating_live():
        rows = Issue.objects.filter(project__in=projects, severity__in=HIGH, status__in=sorted(OPEN_STATUSES))
    else:
        as_of = evaluation_instant()
        rows = Issue.objects.filter(project__in=projects, severity__in=HIGH, reported_at__lte=as_of).filter(
            # Closed later but resolved by then is not open (a closed issue was resolved first).
            Q(status__in=OPEN_STATUSES) | Q(resolved_at__gt=as_of) | Q(resolved_at__isnull=True, closed_at__gt=as_of)
        )
    return {row["project_id"]: row["n"] for row in rows.values("project_id").annotate(n=Count("*"))}


def _none_open(phase, params, data) -> bool:
    return not data.get(phase.project_id, 0)


@register("no_open_p1_p2", gettext_lazy("No open P1 or P2 issue"), load=_open_high_counts, check=_none_open)
def no_open_p1_p2(phase, params, data) -> Result:
    count = data.get(phase.project_id, 0)
    if count:
        return Result(False, _("%(count)d open P1/P2 issue(s).") % {"count": count})
    return Result(True, _("No open P1/P2 issue."))


def _recent_high(phases) -> dict:
    """The SLA policies of the projects and the time their last P1/P2 was reported by the evaluation instant:
    per project, the first high-severity entry walking its ``(project, reported_at)`` index backwards (a project
    with ten thousand issues costs as little as one with ten)."""
    as_of = evaluation_instant()
    projects = project_ids(phases)
    policies = dict(SlaPolicy.objects.filter(project__in=projects).values_list("project_id", "policy"))
    last_high = (
        Issue.objects.filter(project=OuterRef("pk"), severity__in=HIGH, reported_at__lte=as_of)
        .order_by("-reported_at")
        .values("reported_at")[:1]
    )
    latest = defaultdict(lambda: None)
    for project_id, last in (
        Project.objects.filter(pk__in=projects).annotate(last=Subquery(last_high)).values_list("pk", "last")
    ):
        if last is not None:
            latest[project_id] = last
    return {"as_of": as_of, "policies": policies, "latest": latest}


def _window_start(phase, params, data):
    """The start of the last ``business_days`` business days of the project's SLA calendar."""
    policy = data["policies"].get(phase.project_id, businesstime.DEFAULT_POLICY)
    calendar = businesstime.Calendar.from_dict(policy["calendar"])
    return businesstime.business_days_back(calendar, data["as_of"], int(params.get("business_days", 3)))


def _none_recent(phase, params, data) -> bool:
    last = data["latest"][phase.project_id]
    return last is None or last < _window_start(phase, params, data)


@register(
    "no_recent_p1_p2",
    gettext_lazy("No new P1 or P2 in the last business days"),
    load=_recent_high,
    check=_none_recent,
)
def no_recent_p1_p2(phase, params, data) -> Result:
    """No P1/P2 reported within the last ``business_days`` business days of the project's SLA calendar."""
    days = int(params.get("business_days", 3))
    last = data["latest"][phase.project_id]
    if not _none_recent(phase, params, data):
        return Result(
            False,
            _("Last P1/P2 reported %(when)s, within the last %(days)d business days.")
            % {"when": last.isoformat(timespec="minutes"), "days": days},
        )
    if last is None:
        return Result(True, _("No P1/P2 reported."))
    return Result(True, _("Last P1/P2 reported %(when)s.") % {"when": last.isoformat(timespec="minutes")})
