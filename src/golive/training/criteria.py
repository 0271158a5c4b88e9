"""Gate criterion owned by training: train-the-trainer held and enough end-user attendance."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.lifecycle.gates import Result, evaluation_instant, register
from golive.training.selectors import COVERAGE_CODE, Coverage, coverage_for_projects, min_attendance_percent


def _coverage(phases) -> dict:
    return coverage_for_projects({p.project_id for p in phases}, as_of=evaluation_instant())


def coverage_met(figures: Coverage, params: dict) -> bool:
    """Whether ``coverage_result`` passes (without writing its detail)."""
    minimum = min_attendance_percent(params)
    percent = figures.attendance_percent
    attendance_ok = percent >= minimum if percent is not None else minimum <= 0
    return (
        figures.train_the_trainer_sessions > 0
        and figures.train_the_trainer_started == figures.train_the_trainer_sessions
        and attendance_ok
    )


def coverage_result(figures: Coverage, params: dict) -> Result:
    """Passes when there is a train-the-trainer session, every one has started, and end-user attendance over
    started sessions reaches ``min_attendance_percent`` (default 80)."""
    minimum = min_attendance_percent(params)
    percent = figures.attendance_percent
    ttt = _("Train the trainer: %(started)d of %(total)d session(s) held.") % {
        "started": figures.train_the_trainer_started,
        "total": figures.train_the_trainer_sessions,
    }
    if percent is None:
        attendance = _("End-user attendance: none recorded yet (needs %(min)s%%).") % {"min": f"{minimum:g}"}
    else:
        attendance = _("End-user attendance: %(percent)s%% (%(attended)d of %(total)d), needs %(min)s%%.") % {
            "percent": f"{percent:g}",
            "attended": figures.attended,
            "total": figures.attended + figures.absent + figures.invited,
            "min": f"{minimum:g}",
        }
    return Result(coverage_met(figures, params), f"{ttt} {attendance}")


def _met(phase, params, data) -> bool:
    return coverage_met(data[phase.project_id], params)


@register(COVERAGE_CODE, gettext_lazy("Training coverage met"), load=_coverage, check=_met)
def training_coverage_met(phase, params, data) -> Result:
    return coverage_result(data[phase.project_id], params)
