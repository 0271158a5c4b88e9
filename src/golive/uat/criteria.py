"""Gate criteria owned by UAT: every critical scenario passed in the latest cycle, and the minimum pass rate.

Both read ``selectors.gate_figures``, which loads any number of projects in one query, once per evaluation.
(``no_open_p1_p2`` and ``signoff_approved`` of the same gate belong to the tracker and the lifecycle.)
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.lifecycle.gates import Result, evaluation_instant, register
from golive.uat.selectors import GateFigures, gate_figures, template_min_pass_rates

CRITICAL_CODE = "uat_critical_scenarios_passed"
PASS_RATE_CODE = "uat_min_pass_rate"
SHOWN_REFS = 5


CODES = (CRITICAL_CODE, PASS_RATE_CODE)


def _figures(phases) -> dict[int, GateFigures]:
    """Figures of every project whose gate lists a UAT criterion, in one query (a second only for projects
    whose gate leaves ``percent`` to the template's setting).

    Both criteria register this one loader, so ``evaluate_gates`` calls it once per evaluation.
    """
    gated = [p for p in phases if any(spec.get("code") in CODES for spec in p.gate)]
    found = gate_figures({p.project_id for p in gated}, as_of=evaluation_instant())
    defaulted = {
        p.project_id
        for p in gated
        for spec in p.gate
        if spec.get("code") == PASS_RATE_CODE and "percent" not in (spec.get("params") or {})
    }
    if defaulted:
        for pid, rate in template_min_pass_rates(defaulted).items():
            found[pid].min_pass_rate = rate
    return found


def critical_passed(figures: GateFigures) -> bool:
    """Whether ``critical_result`` passes (without writing its detail)."""
    if figures.active == 0:
        return False
    if figures.critical == 0:
        return True
    return figures.cycle is not None and not figures.critical_failing


def pass_rate_reached(figures: GateFigures, params: dict) -> bool:
    """Whether ``pass_rate_result`` passes (without writing its detail)."""
    rate = figures.pass_rate
    return rate is not None and rate >= float(params.get("percent", figures.min_pass_rate))


def critical_result(figures: GateFigures) -> Result:
    """Passes when every active critical scenario's latest run in the latest cycle passed; fails without any
    scenario, naming the count and the first few failing refs."""
    if figures.active == 0:
        return Result(False, _("No UAT scenario yet."))
    if figures.critical == 0:
        return Result(True, _("No critical scenario."))
    if figures.cycle is None:
        return Result(
            False, _("No test cycle yet: %(total)d critical scenario(s) not run.") % {"total": figures.critical}
        )
    failing = figures.critical_failing
    if failing:
        shown = ", ".join(f"{ref} ({state})" for ref, state in failing[:SHOWN_REFS])
        if len(failing) > SHOWN_REFS:
            shown += ", ..."
        return Result(
            False,
            _("%(failing)d of %(total)d critical scenario(s) not passed in cycle %(cycle)d: %(refs)s.")
            % {"failing": len(failing), "total": figures.critical, "cycle": figures.cycle, "refs": shown},
        )
    return Result(
        True,
        _("All %(total)d critical scenario(s) passed in cycle %(cycle)d.")
        % {"total": figures.critical, "cycle": figures.cycle},
    )


def pass_rate_result(figures: GateFigures, params: dict) -> Result:
    """Passes when passed / active scenarios in the latest cycle reaches ``percent`` (default: the template's
    ``uat_min_pass_rate`` setting, 95)."""
    minimum = float(params.get("percent", figures.min_pass_rate))
    rate = figures.pass_rate
    if rate is None:
        return Result(False, _("No UAT scenario yet (needs %(min)s%%).") % {"min": f"{minimum:g}"})
    return Result(
        rate >= minimum,
        _("Pass rate %(rate)s%% (%(passed)d of %(active)d) in cycle %(cycle)s; needs %(min)s%%.")
        % {
            "rate": f"{rate:g}",
            "passed": figures.passed,
            "active": figures.active,
            "cycle": figures.cycle if figures.cycle is not None else "-",
            "min": f"{minimum:g}",
        },
    )


def _critical_passed(phase, params, data) -> bool:
    return critical_passed(data.get(phase.project_id) or GateFigures())


def _pass_rate_reached(phase, params, data) -> bool:
    return pass_rate_reached(data.get(phase.project_id) or GateFigures(), params)


@register(
    CRITICAL_CODE,
    gettext_lazy("Every critical scenario passed in the latest cycle"),
    load=_figures,
    check=_critical_passed,
)
def uat_critical_scenarios_passed(phase, params, data) -> Result:
    return critical_result(data.get(phase.project_id) or GateFigures())


@register(PASS_RATE_CODE, gettext_lazy("UAT pass rate reached"), load=_figures, check=_pass_rate_reached)
def uat_min_pass_rate(phase, params, data) -> Result:
    return pass_rate_result(data.get(phase.project_id) or GateFigures(), params)
