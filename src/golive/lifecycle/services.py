"""Writes of the lifecycle: projects, phases, review rounds, sign-offs and the phase advance."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.accounts.models import Membership, Organization, Role
from golive.audit.services import audit_record, diff
from golive.errors import GateFailed, NotAllowed, TransitionRefused
from golive.lifecycle.evidence import evidence_for
from golive.lifecycle.gates import evaluate_gate
from golive.lifecycle.models import LifecycleTemplate, Phase, PhaseStatus, Project, SignOff
from golive.lifecycle.schedule import PlannedPhase, plan_dates
from golive.tasks import publish

GO_LIVE_PHASE = "hypercare"
REVIEW_AFTER = "beta_review"


def _template_settings(template: LifecycleTemplate) -> dict:
    return (template.definition or {}).get("settings") or {}


def _replan(project: Project) -> None:
    """Recompute planned dates of every phase from its duration and the planned go-live."""
    phases = list(Phase.objects.filter(project=project).order_by("order"))
    anchor = _template_settings(project.template).get("go_live_phase", GO_LIVE_PHASE)
    durations = [
        PlannedPhase(
            p.key, project.hypercare_days if p.key == anchor else p.duration_days, p.status == PhaseStatus.SKIPPED
        )
        for p in phases
    ]
    planned = plan_dates(durations, go_live=project.planned_go_live, go_live_phase=anchor)
    for phase in phases:
        start, end = planned[phase.key]
        if (phase.planned_start, phase.planned_end) != (start, end):
            phase.planned_start, phase.planned_end = start, end
            phase.save(update_fields=["planned_start", "planned_end"])


def _roles(actor, project) -> set[str]:
    roles = set(Membership.objects.filter(project=project, user=actor).values_list("role", flat=True))
    if actor.is_admin:
        roles.add("admin")
    return roles


def project_lock(project: Project) -> Project:
    """The project row, locked until the transaction ends (only that row: related rows are read, not locked).

    ``current_phase`` is not joined here: on PostgreSQL a caller that waited for the lock gets the locked row
    re-read but the joined phase row as it was before the wait, so a concurrent advance would leave it with no
    current phase. Read after the lock, it is the committed one.
    """
    return Project.objects.select_for_update(of=("self",)).select_related("template", "customer").get(pk=project.pk)


@transaction.atomic
def project_create(
    *,
    actor,
    key: str,
    name: str,
    customer: Organization,
    template: LifecycleTemplate | None = None,
    planned_go_live: dt.date | None = None,
    timezone_name: str | None = None,
    hypercare_days: int | None = None,
    description: str = "",
    at: dt.datetime | None = None,
) -> Project:
    """Create a project with its phases from the template; the first phase starts now (or ``at``, for
    back-filled history such as the demo data).

    A vendor consultant who creates a project becomes its consultant lead.
    """
    if template is None:
        template = LifecycleTemplate.objects.get(key="saas-standard")
    settings = _template_settings(template)
    project = Project(
        key=key,
        name=name,
        description=description,
        customer=customer,
        template=template,
        planned_go_live=planned_go_live,
        timezone=timezone_name or customer.timezone,
        hypercare_days=hypercare_days or settings.get("hypercare_days", 14),
    )
    project.full_clean()
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:  # a concurrent request took the key between the check and the insert
        raise ValidationError({"key": _("A project with this key already exists.")}) from None
    now = at or timezone.now()
    phases = []
    for order, spec in enumerate(template.definition["phases"], start=1):
        phases.append(
            Phase(
                project=project,
                key=spec["key"],
                name=spec["name"],
                order=order * 10,
                duration_days=spec.get("duration_days", 7),
                gate=spec.get("gate", []),
                status=PhaseStatus.ACTIVE if order == 1 else PhaseStatus.NOT_STARTED,
                actual_start=now if order == 1 else None,
            )
        )
    Phase.objects.bulk_create(phases)
    project.current_phase = Phase.objects.get(project=project, order=10)
    project.save(update_fields=["current_phase"])
    _replan(project)
    if not actor.is_admin and actor.is_vendor_side:
        Membership.objects.create(project=project, user=actor, role=Role.CONSULTANT_LEAD)
    audit_record(
        actor=actor,
        action="project.created",
        obj=project,
        project=project,
        changes={
            "key": key,
            "name": name,
            "customer": customer.slug,
            "template": template.key,
            "planned_go_live": planned_go_live,
            "timezone": project.timezone,
            "hypercare_days": project.hypercare_days,
        },
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, **fields) -> Project:
    """Change a project's editable fields (name, description, planned go-live, timezone, hypercare days)."""
    editable = {"name", "description", "planned_go_live", "timezone", "hypercare_days"}
    unknown = set(fields) - editable
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    project = project_lock(project)
    changes = diff(project, fields)
    if not changes:
        return project
    project.full_clean()
    project.save()
    if {"planned_go_live", "hypercare_days"} & set(changes):
        _replan(project)
    audit_record(actor=actor, action="project.updated", obj=project, project=project, changes=changes)
    return project


def _next_phase(project: Project, after: Phase) -> Phase | None:
    return (
        Phase.objects.filter(project=project, order__gt=after.order)
        .exclude(status=PhaseStatus.SKIPPED)
        .order_by("order")
        .first()
    )


@transaction.atomic
def phase_advance(
    *, actor, project: Project, comment: str = "", override_reason: str = "", at: dt.datetime | None = None
) -> Project:
    """Close the current phase and start the next one (now, or ``at`` for back-filled history), if its gate
    passes.

    A failing gate refuses the move (``GateFailed`` with the criteria) unless a consultant lead gives an
    override reason; the override and the failing criteria are recorded in the audit log. Advancing out of
    the last phase closes the project.
    """
    project = project_lock(project)
    current = project.current_phase
    if project.status == Project.Status.CLOSED or current is None:
        raise TransitionRefused(_("The project is closed; there is no phase to advance."))
    current = Phase.objects.select_for_update().get(pk=current.pk)
    current.project = project
    if not current.can_move_to(PhaseStatus.DONE):
        raise TransitionRefused(
            _("Phase %(phase)s is %(status)s, not active.") % {"phase": current.key, "status": current.status}
        )
    evaluation = evaluate_gate(current)
    override_reason = (override_reason or "").strip()
    if not evaluation.passed:
        if not override_reason:
            raise GateFailed(
                _("The %(phase)s gate has not passed.") % {"phase": current.name}, criteria=evaluation.criteria
            )
        if Role.CONSULTANT_LEAD not in _roles(actor, project):
            raise NotAllowed(_("Only the consultant lead may override a gate."))
    now = at or timezone.now()
    current.status = PhaseStatus.DONE
    current.actual_end = now
    current.save(update_fields=["status", "actual_end"])
    following = _next_phase(project, current)
    if following is None:
        project.current_phase = None
        project.status = Project.Status.CLOSED
    else:
        following.status = PhaseStatus.ACTIVE
        following.actual_start = now
        following.save(update_fields=["status", "actual_start"])
        project.current_phase = following
    project.save(update_fields=["current_phase", "status", "updated_at"])
    changes = {
        "from": current.key,
        "to": following.key if following else None,
        "comment": comment,
        "gate_passed": evaluation.passed,
    }
    if not evaluation.passed:
        changes["override_reason"] = override_reason
        changes["failing_criteria"] = [c["code"] for c in evaluation.failing]
    audit_record(
        actor=actor,
        action="phase.overridden" if not evaluation.passed else "phase.advanced",
        obj=project,
        project=project,
        changes=changes,
    )
    publish("phase.advanced", project_id=project.pk, from_phase=current.pk, to_phase=project.current_phase_id)
    return project


@transaction.atomic
def phase_skip(*, actor, project: Project, phase_key: str, reason: str) -> Phase:
    """Mark a phase that has not started as skipped; the gate of the phase before it then leads past it."""
    project = project_lock(project)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for skipping the phase.")})
    try:
        phase = Phase.objects.select_for_update().get(project=project, key=phase_key)
    except Phase.DoesNotExist:
        raise ValidationError({"phase": _("The project has no phase %(key)s.") % {"key": phase_key}}) from None
    if not phase.can_move_to(PhaseStatus.SKIPPED):
        raise TransitionRefused(
            _("Only a phase that has not started can be skipped; %(phase)s is %(status)s.")
            % {"phase": phase.key, "status": phase.status}
        )
    phase.status = PhaseStatus.SKIPPED
    phase.skip_reason = reason.strip()
    phase.save(update_fields=["status", "skip_reason"])
    _replan(project)
    audit_record(
        actor=actor,
        action="phase.skipped",
        obj=phase,
        project=project,
        changes={"phase": phase.key, "reason": phase.skip_reason},
    )
    return phase


@transaction.atomic
def review_round_add(*, actor, project: Project, name: str = "") -> Phase:
    """Add a review round (``review_3``, ``review_4`` ...) after the last review phase."""
    project = project_lock(project)
    phases = list(Phase.objects.select_for_update().filter(project=project).order_by("order"))
    reviews = [p for p in phases if p.key == REVIEW_AFTER or p.key.startswith("review_")]
    if not reviews:
        raise TransitionRefused(_("This project's lifecycle has no review phase to add a round after."))
    last = reviews[-1]
    number = 3 + sum(1 for p in reviews if p.key.startswith("review_"))
    following = [p for p in phases if p.order > last.order]
    # Past the reviews once a later phase has started; a skipped one (UAT skipped for a pilot) has not.
    if any(p.status in (PhaseStatus.ACTIVE, PhaseStatus.DONE) for p in following):
        raise TransitionRefused(_("The project is past its review phases; a review round cannot be added."))
    round_spec = (project.template.definition or {}).get("review_round") or {}
    # Make room: shift the following phases' order by 10, last first to keep orders unique.
    for phase in reversed(following):
        phase.order += 10
        phase.save(update_fields=["order"])
    phase = Phase(
        project=project,
        key=f"review_{number}",
        name=name or f"Review {number}",
        order=last.order + 10,
        duration_days=round_spec.get("duration_days", 14),
        gate=round_spec.get("gate", []),
    )
    phase.full_clean(validate_constraints=False)
    phase.save()
    _replan(project)
    audit_record(
        actor=actor,
        action="phase.review_round_added",
        obj=phase,
        project=project,
        changes={"phase": phase.key, "name": phase.name},
    )
    return phase


SIGNING_ROLES = (Role.CUSTOMER_LEAD, Role.CONSULTANT_LEAD)


@transaction.atomic
def signoff_record(*, actor, project: Project, phase_key: str, decision: str, comment: str = "") -> SignOff:
    """Record an approve/reject of the current phase by its customer lead (or consultant lead), with a
    snapshot of the gate as it stood at that moment."""
    project = project_lock(project)
    roles = _roles(actor, project)
    role = next((r for r in SIGNING_ROLES if r in roles), None)
    if role is None:
        raise NotAllowed(_("Only the customer lead or the consultant lead signs off a phase."))
    try:
        phase = Phase.objects.get(project=project, key=phase_key)
    except Phase.DoesNotExist:
        raise ValidationError({"phase": _("The project has no phase %(key)s.") % {"key": phase_key}}) from None
    if project.current_phase_id != phase.pk:
        raise TransitionRefused(
            _("Sign-offs are recorded for the current phase (%(current)s), not %(phase)s.")
            % {"current": project.current_phase.key if project.current_phase else "-", "phase": phase.key}
        )
    phase.project = project
    snapshot = evaluate_gate(phase).as_dict()
    evidence = evidence_for(project, phase.key)
    if evidence is not None:  # what the approver signs (the UAT results), kept as it stood
        snapshot["evidence"] = evidence
    signoff = SignOff(
        project=project,
        phase=phase,
        decision=decision,
        comment=comment,
        signed_by=actor,
        role=role,
        signed_at=timezone.now(),
        gate_snapshot=snapshot,
    )
    signoff.full_clean()
    signoff.save()
    audit_record(
        actor=actor,
        action="signoff.recorded",
        obj=signoff,
        project=project,
        changes={"phase": phase.key, "decision": decision, "role": role, "comment": comment},
    )
    publish("signoff.recorded", project_id=project.pk, actor_id=actor.pk, signoff=signoff.pk)
    return signoff
