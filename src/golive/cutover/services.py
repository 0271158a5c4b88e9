"""Writes of cutover: recording the go-live."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.accounts.models import Membership, Role
from golive.audit.services import audit_record
from golive.cutover.criteria import go_decision_recorded
from golive.cutover.models import GoLive
from golive.errors import GateFailed, NotAllowed, TransitionRefused
from golive.hypercare.services import hypercare_open
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import Project


@transaction.atomic
def golive_record(*, actor, project: Project, at: dt.datetime | None = None, override_reason: str = "") -> GoLive:
    """Record the actual go-live: closes ``deployment``, starts ``hypercare`` and opens its window.

    Refused unless the project is in deployment and a "go" decision is recorded, or the consultant lead gives
    an override reason (audited).
    """
    project = lifecycle_services.project_lock(project)
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("Go-live cannot be recorded in the future.")})
    if project.current_phase is None or project.current_phase.key != "deployment":
        raise TransitionRefused(
            _("Go-live is recorded from the deployment phase; the project is in %(phase)s.")
            % {"phase": project.current_phase.key if project.current_phase else project.status}
        )
    if GoLive.objects.filter(project=project).exists():
        raise TransitionRefused(_("Go-live is already recorded."))
    decision = go_decision_recorded(project)
    override_reason = (override_reason or "").strip()
    if not decision.passed:
        if not override_reason:
            raise GateFailed(
                _("Go-live needs a recorded go decision."),
                criteria=[
                    {
                        "code": "go_decision_recorded",
                        "label": _("A go decision is recorded"),
                        "passed": False,
                        "detail": decision.detail,
                        "blocking": True,
                    }
                ],
            )
        if not Membership.objects.filter(project=project, user=actor, role=Role.CONSULTANT_LEAD).exists():
            raise NotAllowed(_("Only the consultant lead may record go-live without a go decision."))
    golive = GoLive(project=project, at=at, recorded_by=actor, recorded_at=now, override_reason=override_reason)
    golive.full_clean()
    golive.save()
    lifecycle_services.phase_advance(actor=actor, project=project, comment=_("Go-live"), at=at)
    hypercare_open(actor=actor, project=project, at=at)
    audit_record(
        actor=actor,
        action="golive.recorded",
        obj=golive,
        project=project,
        changes={"at": at, "override_reason": override_reason},
    )
    return golive
