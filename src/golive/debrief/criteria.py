"""Gate criterion owned by debrief: the project report has been published during the phase.

A report published before the phase started (a mid-project report) does not count: the debrief gate asks for
the report of the finished project.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.lifecycle.gates import Result, evaluation_instant, register

REPORT_PUBLISHED_CODE = "report_published"


def _latest(phases) -> dict:
    from golive.debrief.selectors import latest_publications

    return latest_publications({p.project_id for p in phases}, as_of=evaluation_instant())


def _published_in_phase(phase, params, data) -> bool:
    latest = data.get(phase.project_id)
    return latest is not None and not (phase.actual_start is not None and latest[1] < phase.actual_start)


@register(REPORT_PUBLISHED_CODE, gettext_lazy("Project report published"), load=_latest, check=_published_in_phase)
def report_published(phase, params, data) -> Result:
    latest = data.get(phase.project_id)
    if latest is None:
        return Result(False, _("No project report has been published yet."))
    number, at = latest
    if phase.actual_start is not None and at < phase.actual_start:
        return Result(False, _("Report %(number)d was published before this phase started.") % {"number": number})
    return Result(True, _("Report %(number)d published on %(date)s.") % {"number": number, "date": at.date()})
