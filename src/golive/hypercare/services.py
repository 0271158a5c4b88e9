"""Writes of hypercare: open the window at go-live, extend it, exit it (handing open issues to support)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.accounts.models import Membership, Role
from golive.audit.services import audit_record
from golive.errors import GateFailed, NotAllowed, TransitionRefused
from golive.hypercare.models import HypercareExtension, HypercareWindow, WindowStatus
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.gates import evaluate_gate
from golive.lifecycle.models import Phase, Project
from golive.tasks import publish
from golive.tracker.models import OPEN_STATUSES, Issue

MAX_EXTENSION_DAYS = 90


@transaction.atomic
def hypercare_open(*, actor, project: Project, at: dt.datetime) -> HypercareWindow:
    """Open the window at go-live for the project's ``hypercare_days``."""
    if HypercareWindow.objects.filter(project=project).exists():
        raise TransitionRefused(_("The hypercare window is already open."))
    window = HypercareWindow(project=project, starts_at=at, planned_end=at + dt.timedelta(days=project.hypercare_days))
    window.full_clean()
    window.save()
    audit_record(
        actor=actor,
        action="hypercare.opened",
        obj=window,
        project=project,
        changes={"starts_at": at, "planned_end": window.planned_end},
    )
    return window


def _lock_window(project: Project) -> HypercareWindow:
    try:
        return HypercareWindow.objects.select_for_update().get(project=project)
    except HypercareWindow.DoesNotExist:
        raise TransitionRefused(_("Hypercare has not started: go-live is not recorded.")) from None


@transaction.atomic
def hypercare_extend(*, actor, project: Project, days: int, reason: str) -> HypercareWindow:
    """Add days to the window, with a reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why hypercare is extended.")})
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError({"days": _("Extend by 1 to %(max)d days.") % {"max": MAX_EXTENSION_DAYS}})
    window = _lock_window(project)
    if not window.can_move_to(WindowStatus.EXTENDED):
        raise TransitionRefused(_("Hypercare has ended; it cannot be extended."))
    now = timezone.now()
    old_end = window.planned_end
    window.planned_end = old_end + dt.timedelta(days=days)
    window.status = WindowStatus.EXTENDED
    window.save(update_fields=["planned_end", "status"])
    HypercareExtension.objects.create(
        window=window, days=days, reason=reason.strip(), extended_by=actor, extended_at=now
    )
    audit_record(
        actor=actor,
        action="hypercare.extended",
        obj=window,
        project=project,
        changes={"planned_end": [old_end, window.planned_end], "days": days, "reason": reason.strip()},
    )
    return window


@transaction.atomic
def hypercare_exit(
    *, actor, project: Project, override_reason: str = "", comment: str = "", at: dt.datetime | None = None
) -> HypercareWindow:
    """End hypercare when its exit criteria pass (or with the consultant lead's audited override): the phase
    closes, the project moves to debrief, and open issues are handed over to support as known issues.
    ``at`` back-fills the exit instant (history such as the demo data); the criteria are evaluated then."""
    project = lifecycle_services.project_lock(project)
    window = _lock_window(project)
    if not window.can_move_to(WindowStatus.EXITED):
        raise TransitionRefused(_("Hypercare has already ended."))
    phase = Phase.objects.filter(project=project, key="hypercare").first()
    if phase is None or project.current_phase_id != phase.pk:
        raise TransitionRefused(_("The project is not in its hypercare phase."))
    phase.project = project
    now = timezone.now()
    if at is not None and not window.starts_at <= at <= now:
        raise ValidationError({"at": _("The exit must fall between go-live and now.")})
    now = at or now
    evaluation = evaluate_gate(phase, as_of=now)
    override_reason = (override_reason or "").strip()
    if not evaluation.passed:
        if not override_reason:
            raise GateFailed(_("The hypercare exit criteria have not passed."), criteria=evaluation.criteria)
        if not Membership.objects.filter(project=project, user=actor, role=Role.CONSULTANT_LEAD).exists():
            raise NotAllowed(_("Only the consultant lead may override the exit criteria."))
    open_issues = Issue.objects.filter(project=project, status__in=OPEN_STATUSES).select_related("assignee")
    handover = [
        {
            "ref": f"{project.key}-{i.number}",
            "number": i.number,
            "title": i.title,
            "severity": i.severity,
            "status": i.status,
            "category": i.category,
            "assignee": i.assignee.username if i.assignee else None,
        }
        for i in open_issues.order_by("number")
    ]
    open_issues.update(handed_over_at=now)
    window.status = WindowStatus.EXITED
    window.exited_at = now
    window.exited_by = actor
    window.exit_override_reason = override_reason
    window.exit_snapshot = evaluation.as_dict()
    window.handover = handover
    window.save()
    lifecycle_services.phase_advance(
        actor=actor, project=project, comment=comment or _("Hypercare exited"), override_reason=override_reason, at=now
    )
    audit_record(
        actor=actor,
        action="hypercare.exited",
        obj=window,
        project=project,
        changes={
            "override_reason": override_reason,
            "handed_over": [row["ref"] for row in handover],
            "failing_criteria": [c["code"] for c in evaluation.failing],
        },
    )
    publish("hypercare.exited", project_id=project.pk, actor_id=actor.pk, window=window.pk)
    return window
