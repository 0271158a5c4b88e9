"""The evidence a UAT sign-off records (``golive.lifecycle.evidence``): the summary, the UAT criteria as they
stood and every active scenario's result in the latest cycle, so the signed record stays true after later
runs, retirements or fixes."""

from __future__ import annotations

from golive.lifecycle.evidence import register_evidence
from golive.lifecycle.models import Phase
from golive.uat.criteria import CRITICAL_CODE, PASS_RATE_CODE, critical_result, pass_rate_result
from golive.uat.selectors import gate_figures, scenario_results, template_min_pass_rates, uat_summary


def _params(project, code: str) -> dict:
    phase = Phase.objects.filter(project=project, key="uat").only("gate").first()
    for spec in phase.gate if phase else []:
        if spec.get("code") == code:
            return spec.get("params") or {}
    return {}


@register_evidence("uat")
def uat_evidence(project) -> dict:
    """``{"uat": {"summary", "criteria", "scenarios"}}`` (JSON-ready) for a project's UAT sign-off."""
    figures = gate_figures([project.pk])[project.pk]
    params = _params(project, PASS_RATE_CODE)
    if "percent" not in params:
        figures.min_pass_rate = template_min_pass_rates([project.pk])[project.pk]
    critical = critical_result(figures)
    rate = pass_rate_result(figures, params)
    return {
        "uat": {
            "summary": uat_summary(project=project),
            "criteria": [
                {"code": CRITICAL_CODE, "passed": critical.passed, "detail": critical.detail},
                {"code": PASS_RATE_CODE, "passed": rate.passed, "detail": rate.detail},
            ],
            "scenarios": scenario_results(project=project),
        }
    }
