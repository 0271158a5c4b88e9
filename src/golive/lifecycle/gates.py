"""The gate registry: apps register the criteria they own; ``lifecycle`` evaluates whatever a phase lists.

A phase's gate is data (copied from its template): ``[{"code", "label", "params", "blocking"}]``. Each code
is looked up here. A criterion may load what it needs for many projects at once (``load``), so that a page
listing many projects evaluates their gates in a number of queries that does not grow with the list.
A code no installed app evaluates fails with a plain explanation rather than passing silently.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from golive import rows

# The instant a gate is evaluated at: now, or a past instant for point-in-time views (hypercare ``as_of``).
_as_of: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("gate_as_of", default=None)


def evaluation_instant() -> dt.datetime:
    """The instant criteria evaluate at; criteria that depend on time read it instead of ``now()``."""
    return _as_of.get() or timezone.now()


def evaluating_live() -> bool:
    """Whether criteria evaluate at the present instant (no ``as_of``): what exists now is all there is (no row
    is written with a time in the future), so a loader may read current state instead of the state at an
    instant (e.g. open issues by status rather than by their resolution times)."""
    return _as_of.get() is None


@dataclass(frozen=True)
class Result:
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Any  # a lazy translation
    evaluate: Callable[..., Result]
    # load(phases) -> anything; its value is passed to evaluate as ``data``. Called once per batch (once for all
    # the criteria that share the same loader), with the phases whose gate lists one of those criteria.
    load: Callable[[list], Any] | None = None
    # check(phase, params, data) -> bool: whether ``evaluate`` would pass, without writing its detail (pages
    # that only count failing gates over many projects). Without one, ``evaluate(...).passed`` answers.
    check: Callable[..., bool] | None = None


_REGISTRY: dict[str, Criterion] = {}


def project_ids(phases) -> list[int] | Any:
    """The phases' project ids, for a loader's ``project__in`` (one array parameter on PostgreSQL: a page may
    load the gates of hundreds of projects at once)."""
    return rows.among({phase.project_id for phase in phases})


def phase_ids(phases) -> list[int] | Any:
    """The phases' ids, for a loader's ``phase__in`` (as :func:`project_ids`)."""
    return rows.among({phase.pk for phase in phases})


def register(
    code: str,
    label,
    *,
    load: Callable[[list], Any] | None = None,
    check: Callable[..., bool] | None = None,
):
    """Decorator: ``@register("code", _("Label"))`` over ``evaluate(phase, params, data) -> Result``; ``check``
    (same arguments, returns whether it passes) must agree with ``evaluate(...).passed``."""

    def decorator(func):
        _REGISTRY[code] = Criterion(code=code, label=label, evaluate=func, load=load, check=check)
        return func

    return decorator


def registered(code: str) -> Criterion | None:
    return _REGISTRY.get(code)


@dataclass
class GateEvaluation:
    phase: str
    passed: bool
    criteria: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"phase": self.phase, "passed": self.passed, "criteria": self.criteria}

    @property
    def failing(self) -> list[dict]:
        return [c for c in self.criteria if not c["passed"] and c["blocking"]]


def evaluate_gates(phases: Iterable, *, as_of: dt.datetime | None = None) -> dict[int, GateEvaluation]:
    """Evaluate the gates of many phases (each with ``project`` loaded); returns ``{phase.pk: evaluation}``.

    ``as_of`` evaluates time-dependent criteria at that instant instead of now.
    """
    loaded = load_gates(phases, as_of=as_of)
    return {phase.pk: loaded.evaluate(phase) for phase in loaded.phases}


def load_gates(phases: Iterable, *, as_of: dt.datetime | None = None) -> LoadedGates:
    """Load what the gates of many phases need (each with ``project`` loaded), in a number of queries that does
    not grow with the phases; then ``passes`` or ``evaluate`` any of them without a query."""
    return LoadedGates(list(phases), as_of=as_of)


class LoadedGates:
    """The criteria data of a batch of phases, loaded once. ``passes(phase)`` says which criteria pass (the
    cheap path: no label or detail is written, for pages that count failing gates over many projects);
    ``evaluate(phase)`` gives the whole evaluation, as ``evaluate_gates`` does."""

    def __init__(self, phases: list, *, as_of: dt.datetime | None = None):
        self.phases = phases
        self._as_of = as_of
        # Keyed by the loader: criteria that share one (several figures of the same data) load it once, for the
        # phases whose gate lists one of them (the others never read it: a batch of kickoff gates does not load
        # the issue figures of a hypercare criterion that one phase of the batch lists).
        listing: dict[Callable, list] = {}
        for phase in phases:
            for spec in phase.gate:
                criterion = _REGISTRY.get(spec["code"])
                if criterion and criterion.load:
                    listed = listing.setdefault(criterion.load, [])
                    if not listed or listed[-1] is not phase:
                        listed.append(phase)
        token = _as_of.set(as_of)
        try:
            self._data: dict[Callable, Any] = {load: load(listed) for load, listed in listing.items()}
        finally:
            _as_of.reset(token)

    def passes(self, phase) -> list[bool]:
        """Whether each criterion of the phase's gate passes, in the gate's order (an unknown code fails)."""
        token = _as_of.set(self._as_of)
        try:
            found = []
            for spec in phase.gate:
                criterion = _REGISTRY.get(spec["code"])
                if criterion is None:
                    found.append(False)
                    continue
                params, data = spec.get("params") or {}, self._data.get(criterion.load)
                if criterion.check is not None:
                    found.append(bool(criterion.check(phase, params, data)))
                else:
                    found.append(criterion.evaluate(phase, params, data).passed)
            return found
        finally:
            _as_of.reset(token)

    def evaluate(self, phase) -> GateEvaluation:
        token = _as_of.set(self._as_of)
        try:
            rows = [self._row(phase, spec) for spec in phase.gate]
            passed = all(row["passed"] for row in rows if row["blocking"])
            return GateEvaluation(phase=phase.key, passed=passed, criteria=rows)
        finally:
            _as_of.reset(token)

    def row(self, phase, index: int) -> dict:
        """The evaluation of the phase's ``index``-th criterion alone (one row of ``evaluate``): a page that names
        a gate's failing criteria writes their labels and details, not those of the whole gate."""
        token = _as_of.set(self._as_of)
        try:
            return self._row(phase, phase.gate[index])
        finally:
            _as_of.reset(token)

    def _row(self, phase, spec: dict) -> dict:
        code = spec["code"]
        criterion = _REGISTRY.get(code)
        label = criterion_label(spec)
        if criterion is None:
            outcome = Result(False, _("Not available yet: no installed component evaluates this criterion."))
        else:
            outcome = criterion.evaluate(phase, spec.get("params") or {}, self._data.get(criterion.load))
        return {
            "code": code,
            "label": label,
            "passed": outcome.passed,
            "detail": outcome.detail,
            "blocking": spec.get("blocking", True),
        }


def criterion_label(spec: dict) -> str:
    """The label of a gate criterion, in the active language: a template's own label (translated when the catalog
    knows it) is more specific than the registry's."""
    if spec.get("label"):
        return _(spec["label"])
    criterion = _REGISTRY.get(spec["code"])
    return str(criterion.label if criterion else spec["code"])


def evaluate_gate(phase, *, as_of: dt.datetime | None = None) -> GateEvaluation:
    return evaluate_gates([phase], as_of=as_of)[phase.pk]
