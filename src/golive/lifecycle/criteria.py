"""Gate criteria owned by the lifecycle app itself: sign-offs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.lifecycle.gates import Result, evaluation_instant, phase_ids, register
from golive.lifecycle.models import SignOff


def _latest_signoffs(phases) -> dict[tuple[int, str], SignOff]:
    """The newest sign-off per (phase, role) for all phases in one query."""
    latest: dict[tuple[int, str], SignOff] = {}
    rows = (
        SignOff.objects.filter(phase__in=phase_ids(phases), signed_at__lte=evaluation_instant())
        .select_related("signed_by")
        .order_by("signed_at", "id")
    )
    for signoff in rows:
        latest[(signoff.phase_id, signoff.role)] = signoff
    return latest


def _approved(phase, params, data) -> bool:
    signoff = data.get((phase.pk, params.get("role", "customer_lead")))
    return signoff is not None and signoff.decision == SignOff.Decision.APPROVE


@register("signoff_approved", gettext_lazy("Approval sign-off recorded"), load=_latest_signoffs, check=_approved)
def signoff_approved(phase, params, data) -> Result:
    """The newest sign-off of the phase by the given role (default ``customer_lead``) approves it."""
    role = params.get("role", "customer_lead")
    signoff = data.get((phase.pk, role))
    if signoff is None:
        return Result(False, _("No sign-off by the %(role)s yet.") % {"role": role})
    if signoff.decision != SignOff.Decision.APPROVE:
        return Result(
            False,
            _("Rejected by %(user)s on %(date)s.")
            % {"user": signoff.signed_by.get_username(), "date": signoff.signed_at.date().isoformat()},
        )
    return Result(
        True,
        _("Approved by %(user)s on %(date)s.")
        % {"user": signoff.signed_by.get_username(), "date": signoff.signed_at.date().isoformat()},
    )
