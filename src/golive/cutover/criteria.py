"""Gate criteria owned by cutover: go-live recorded, go decision recorded."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.cutover.models import GoLive
from golive.lifecycle.gates import Result, evaluation_instant, register


def _golives(phases) -> dict[int, GoLive]:
    rows = GoLive.objects.filter(project__in={p.project_id for p in phases}, at__lte=evaluation_instant())
    return {row.project_id: row for row in rows}


@register("golive_recorded", gettext_lazy("Go-live recorded"), load=_golives)
def golive_recorded(phase, params, data) -> Result:
    golive = data.get(phase.project_id)
    if golive is None:
        return Result(False, _("Go-live has not been recorded."))
    return Result(True, _("Went live on %(date)s.") % {"date": golive.at.date().isoformat()})


def go_decision_recorded(project) -> Result:
    """A "go" decision of the go/no-go meeting. The go/no-go checklist and votes arrive with the
    deployment-week feature; until then no decision can exist and go-live needs an override."""
    return Result(False, _("No go/no-go decision can be recorded yet; a consultant lead's override is required."))
