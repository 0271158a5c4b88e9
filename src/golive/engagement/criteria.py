"""Gate criteria owned by the engagement: kickoff held, requirements captured, reviews held and triaged."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.engagement.models import Feedback, FeedbackStatus, Meeting, MeetingKind, Requirement
from golive.lifecycle.gates import Result, evaluation_instant, phase_ids, project_ids, register


def _kickoffs(phases) -> dict[int, int]:
    rows = (
        Meeting.objects.filter(
            project__in=project_ids(phases), kind=MeetingKind.KICKOFF, starts_at__lte=evaluation_instant()
        )
        .values("project_id")
        .annotate(n=Count("id"))
    )
    return {row["project_id"]: row["n"] for row in rows}


def _kickoff_held(phase, params, data) -> bool:
    return bool(data.get(phase.project_id))


@register("kickoff_meeting_held", gettext_lazy("Kickoff meeting held"), load=_kickoffs, check=_kickoff_held)
def kickoff_meeting_held(phase, params, data) -> Result:
    if _kickoff_held(phase, params, data):
        return Result(True, _("Kickoff meeting held."))
    return Result(False, _("No kickoff meeting has taken place yet."))


def _requirement_counts(phases) -> dict[int, int]:
    rows = (
        Requirement.objects.filter(project__in=project_ids(phases), created_at__lte=evaluation_instant())
        .values("project_id")
        .annotate(n=Count("id"))
    )
    return {row["project_id"]: row["n"] for row in rows}


def _enough_requirements(phase, params, data) -> bool:
    return data.get(phase.project_id, 0) >= int(params.get("min_requirements", 1))


@register(
    "requirements_captured",
    gettext_lazy("Initial requirements captured"),
    load=_requirement_counts,
    check=_enough_requirements,
)
def requirements_captured(phase, params, data) -> Result:
    minimum = int(params.get("min_requirements", 1))
    count = data.get(phase.project_id, 0)
    if _enough_requirements(phase, params, data):
        return Result(True, _("%(count)d requirement(s) in the register.") % {"count": count})
    return Result(
        False,
        _("%(count)d requirement(s) in the register; at least %(min)d needed.") % {"count": count, "min": minimum},
    )


def _reviews(phases) -> dict:
    as_of = evaluation_instant()
    ids = phase_ids(phases)
    held = defaultdict(int)
    for row in (
        Meeting.objects.filter(phase__in=ids, kind=MeetingKind.REVIEW, starts_at__lte=as_of)
        .values("phase_id")
        .annotate(n=Count("id"))
    ):
        held[row["phase_id"]] = row["n"]
    open_items = defaultdict(int)
    # Open at the evaluation instant: created by then, and still open or moved on only later.
    for row in (
        Feedback.objects.filter(meeting__phase__in=ids, created_at__lte=as_of)
        .filter(Q(status=FeedbackStatus.OPEN) | Q(status_changed_at__gt=as_of))
        .values("meeting__phase_id")
        .annotate(n=Count("id"))
    ):
        open_items[row["meeting__phase_id"]] = row["n"]
    return {"held": held, "open": open_items}


def _triaged(phase, params, data) -> bool:
    return bool(data["held"][phase.pk]) and not data["open"][phase.pk]


@register("review_feedback_triaged", gettext_lazy("Review feedback triaged"), load=_reviews, check=_triaged)
def review_feedback_triaged(phase, params, data) -> Result:
    """The phase's review meeting has been held and none of its feedback is still open."""
    if not data["held"][phase.pk]:
        return Result(False, _("The review meeting of this phase has not been held."))
    waiting = data["open"][phase.pk]
    if waiting:
        return Result(False, _("%(count)d feedback item(s) still open.") % {"count": waiting})
    return Result(True, _("Review held; all feedback triaged."))
