"""Reads of the engagement, always within a project the caller may see: the register and its review lists,
meetings, feedback, the decision log with its stakeholder flags, and build progress."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from golive.accounts.models import Membership, Role
from golive.engagement.models import Decision, Feedback, Meeting, Priority, Requirement, Scope

KEY_ROLES = (Role.CUSTOMER_LEAD, Role.CONSULTANT_LEAD)


def requirement_list(*, project, filters=None) -> QuerySet[Requirement]:
    qs = Requirement.objects.filter(project=project).annotate(feedback_count=Count("feedback"))
    filters = filters or {}
    for field in ("source", "priority", "scope"):
        if filters.get(field):
            qs = qs.filter(**{f"{field}__in": filters[field].split(",")})
    if filters.get("change_request") in ("true", "1"):
        qs = qs.filter(change_request=True)
    elif filters.get("change_request") in ("false", "0"):
        qs = qs.filter(change_request=False)
    if filters.get("q"):
        qs = qs.filter(Q(ref__icontains=filters["q"]) | Q(title__icontains=filters["q"]))
    return qs.order_by("ref")


def requirement_get(*, project, ref: str) -> Requirement:
    try:
        return Requirement.objects.get(project=project, ref=ref)
    except Requirement.DoesNotExist:
        raise Http404("No such requirement.") from None


def build_progress(*, project) -> dict:
    """Share of the in-scope register that is built (deferred and won't-have items are out of scope), with the
    alpha and beta review prompts of the template (60% and 90% by default)."""
    counts = dict(
        Requirement.objects.filter(project=project)
        .exclude(scope=Scope.DEFERRED)
        .exclude(priority=Priority.WONT)
        .values_list("scope")
        .annotate(n=Count("id"))
        .values_list("scope", "n")
    )
    in_scope = sum(counts.values())
    built = counts.get(Scope.BUILT, 0)
    percent = round(100 * built / in_scope) if in_scope else 0
    settings = (project.template.definition or {}).get("settings") or {}
    alpha, beta = settings.get("alpha_progress_percent", 60), settings.get("beta_progress_percent", 90)
    return {
        "in_scope": in_scope,
        "built": built,
        "in_progress": counts.get(Scope.IN_PROGRESS, 0),
        "not_started": counts.get(Scope.NOT_STARTED, 0),
        "percent_built": percent,
        "alpha_threshold": alpha,
        "beta_threshold": beta,
        "alpha_ready": in_scope > 0 and percent >= alpha,
        "beta_ready": in_scope > 0 and percent >= beta,
    }


def disclosure_list(*, project) -> dict:
    """What to say before a demo: which scope is built, which is still being built, and the gap list
    (requirements whose build differs from what the customer expects)."""
    rows = list(Requirement.objects.filter(project=project).exclude(priority=Priority.WONT).order_by("ref"))
    return {
        "built": [r for r in rows if r.scope == Scope.BUILT],
        "in_progress": [r for r in rows if r.scope == Scope.IN_PROGRESS],
        "not_started": [r for r in rows if r.scope == Scope.NOT_STARTED],
        "gaps": [r for r in rows if r.gap.strip()],
        "progress": build_progress(project=project),
    }


def meeting_list(*, project, filters=None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(project=project).select_related("phase").prefetch_related("attendees")
    filters = filters or {}
    if filters.get("kind"):
        qs = qs.filter(kind__in=filters["kind"].split(","))
    if filters.get("phase"):
        qs = qs.filter(phase__key=filters["phase"])
    return qs.order_by("starts_at", "id")


def meeting_get(*, project, meeting_id) -> Meeting:
    try:
        return (
            Meeting.objects.select_related("phase")
            .prefetch_related("attendees")
            .get(project=project, pk=int(meeting_id))
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404("No such meeting.") from None


def feedback_list(*, project, filters=None) -> QuerySet[Feedback]:
    qs = Feedback.objects.filter(project=project).select_related(
        "meeting", "meeting__phase", "requirement", "created_by"
    )
    filters = filters or {}
    for field in ("status", "size"):
        if filters.get(field):
            qs = qs.filter(**{f"{field}__in": filters[field].split(",")})
    if filters.get("meeting"):
        qs = qs.filter(meeting_id=filters["meeting"]) if str(filters["meeting"]).isdigit() else qs.none()
    if filters.get("phase"):
        qs = qs.filter(meeting__phase__key=filters["phase"])
    if filters.get("requirement"):
        qs = qs.filter(requirement__ref=filters["requirement"])
    return qs.order_by("id")


def feedback_get(*, project, feedback_id) -> Feedback:
    try:
        return Feedback.objects.select_related("meeting", "requirement").get(project=project, pk=int(feedback_id))
    except (Feedback.DoesNotExist, ValueError, TypeError):
        raise Http404("No such feedback.") from None


def changed_since_last_review(*, project) -> list[Feedback]:
    """For the next review's demo: feedback from earlier review meetings that has been addressed or decided,
    with how, so each item can be shown from the user's point of view."""
    return list(
        Feedback.objects.filter(project=project, meeting__kind="review")
        .exclude(status="open")
        .select_related("meeting", "meeting__phase", "requirement")
        .order_by("meeting__starts_at", "id")
    )


def decision_list(*, project, filters=None) -> QuerySet[Decision]:
    qs = Decision.objects.filter(project=project).prefetch_related("stakeholders_present")
    filters = filters or {}
    if filters.get("since"):
        qs = qs.filter(decided_at__gte=filters["since"])
    return qs.order_by("-decided_at", "-id")


def key_stakeholders(*, project) -> dict[str, list]:
    """The project's customer leads and consultant leads: the people a big decision needs."""
    leads: dict[str, list] = {role: [] for role in KEY_ROLES}
    for membership in Membership.objects.filter(project=project, role__in=KEY_ROLES).select_related("user"):
        leads[membership.role].append(membership.user)
    return leads


def missing_roles(decision: Decision, leads: dict[str, list]) -> list[str]:
    """Lead roles with nobody present at the decision (the practitioners' blocker warning)."""
    present = {u.pk for u in decision.stakeholders_present.all()}
    return [role for role, users in leads.items() if users and not any(u.pk in present for u in users)]
