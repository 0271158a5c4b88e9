"""Gate criteria owned by hypercare: the planned window has elapsed."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.hypercare.models import HypercareWindow
from golive.lifecycle.gates import Result, evaluation_instant, project_ids, register


def _windows(phases) -> dict:
    rows = HypercareWindow.objects.filter(project__in=project_ids(phases)).prefetch_related("extensions")
    return {"as_of": evaluation_instant(), "windows": {w.project_id: w for w in rows}}


def planned_end_at(window: HypercareWindow, as_of: dt.datetime) -> dt.datetime:
    """The planned end as it stood at ``as_of``: the window's end less the extensions made after then."""
    later = sum(e.days for e in window.extensions.all() if e.extended_at > as_of)
    return window.planned_end - dt.timedelta(days=later)


def _elapsed(phase, params, data) -> bool:
    window = data["windows"].get(phase.project_id)
    return window is not None and data["as_of"] >= planned_end_at(window, data["as_of"])


@register("hypercare_window_elapsed", gettext_lazy("Planned hypercare window elapsed"), load=_windows, check=_elapsed)
def hypercare_window_elapsed(phase, params, data) -> Result:
    window = data["windows"].get(phase.project_id)
    if window is None:
        return Result(False, _("Hypercare has not started."))
    end = planned_end_at(window, data["as_of"])
    if data["as_of"] < end:
        remaining = end - data["as_of"]
        return Result(
            False,
            _("%(days)d day(s) %(hours)d hour(s) left, until %(end)s.")
            % {"days": remaining.days, "hours": remaining.seconds // 3600, "end": end.isoformat(timespec="minutes")},
        )
    return Result(True, _("Planned window ended %(end)s.") % {"end": end.isoformat(timespec="minutes")})
