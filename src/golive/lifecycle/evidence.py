"""The evidence registry: what a sign-off of a phase records besides the gate.

An app registers, for a phase key, a function ``func(project) -> dict`` that describes the evidence an
approver signs (the UAT app: the test summary and its criteria). ``signoff_record`` stores
``evidence_for(project, phase_key)`` in the sign-off's snapshot, so the record keeps what was signed even when
the live data changes later. The returned dict must be JSON-serializable (ISO strings for instants).
"""

from __future__ import annotations

from collections.abc import Callable

_REGISTRY: dict[str, list[Callable[..., dict]]] = {}


def register_evidence(phase_key: str):
    """Decorator: ``@register_evidence("uat")`` over ``func(project) -> dict``."""

    def decorator(func):
        found = _REGISTRY.setdefault(phase_key, [])
        if func not in found:
            found.append(func)
        return func

    return decorator


def evidence_for(project, phase_key: str) -> dict | None:
    """The evidence of ``phase_key`` for ``project``, merged over the registered functions in registration
    order; None when no app registers evidence for that phase."""
    functions = _REGISTRY.get(phase_key)
    if not functions:
        return None
    evidence: dict = {}
    for func in functions:
        evidence.update(func(project))
    return evidence
