"""Runbook arithmetic: dependency validation, dependency order, the critical path and the remaining time.

Pure functions over ``ref -> [refs it depends on]`` and ``ref -> minutes``; no Django. A runbook is a DAG: a
step starts once everything it depends on is done (or skipped). The critical path is the chain of dependent
steps with the largest total of minutes still to run; with enough hands for every parallel branch, the cutover
cannot end sooner, so it is the ETA.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class PlanError(ValueError):
    """A runbook's dependencies are not a DAG of known steps. ``ref`` is the step at fault."""

    def __init__(self, message: str, *, ref: str, cycle: Sequence[str] = ()):
        super().__init__(message)
        self.ref = ref
        self.cycle = tuple(cycle)


def validate(dependencies: Mapping[str, Sequence[str]]) -> None:
    """Raise ``PlanError`` for a dependency on an unknown step, on the step itself, or any cycle."""
    for ref, needs in dependencies.items():
        for need in needs:
            if need == ref:
                raise PlanError(f"{ref} depends on itself", ref=ref, cycle=(ref, ref))
            if need not in dependencies:
                raise PlanError(f"{ref} depends on unknown step {need}", ref=ref)
    order(dependencies)


def order(dependencies: Mapping[str, Sequence[str]], *, position: Mapping[str, int] | None = None) -> list[str]:
    """Steps in dependency order (every step after what it depends on); among steps ready at the same time the
    lower ``position`` (default: insertion order) comes first. Raises ``PlanError`` naming a cycle."""
    rank = position or {ref: i for i, ref in enumerate(dependencies)}
    in_rank_order = _in_rank_order(dependencies, rank)
    if in_rank_order is not None:
        return in_rank_order
    waiting = {ref: len(set(needs)) for ref, needs in dependencies.items()}
    followers: dict[str, list[str]] = {ref: [] for ref in dependencies}
    for ref, needs in dependencies.items():
        for need in set(needs):
            followers[need].append(ref)
    ready = [(rank.get(ref, 0), ref) for ref, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    result: list[str] = []
    while ready:
        _, ref = heapq.heappop(ready)
        result.append(ref)
        for follower in followers[ref]:
            waiting[follower] -= 1
            if waiting[follower] == 0:
                heapq.heappush(ready, (rank.get(follower, 0), follower))
    if len(result) < len(dependencies):
        cycle = _a_cycle({ref: needs for ref, needs in dependencies.items() if waiting[ref] > 0})
        raise PlanError("dependency cycle: " + " -> ".join(cycle), ref=cycle[0], cycle=cycle)
    return result


def _in_rank_order(dependencies: Mapping[str, Sequence[str]], rank: Mapping[str, int]) -> list[str] | None:
    """The steps by rank when every step depends only on known steps of a lower rank (ranks all distinct), the
    usual runbook, written top to bottom: then the lowest-ranked step not yet placed is always ready, so the
    dependency order is the rank order. None otherwise (the general walk decides, and names any cycle)."""
    try:
        for ref, needs in dependencies.items():
            mine = rank[ref]
            for need in needs:
                if rank[need] >= mine or need not in dependencies:
                    return None
    except KeyError:
        return None
    refs = sorted(dependencies, key=rank.__getitem__)
    if len({rank[ref] for ref in refs}) < len(refs):
        return None
    return refs


def _a_cycle(blocked: Mapping[str, Sequence[str]]) -> list[str]:
    """One cycle among steps that never became ready: each of them waits on another blocked step, so walking
    "waits on" from any of them must revisit a step."""
    start = min(blocked)
    seen: dict[str, int] = {}
    walk: list[str] = []
    cursor = start
    while cursor not in seen:
        seen[cursor] = len(walk)
        walk.append(cursor)
        cursor = min(need for need in blocked[cursor] if need in blocked)
    loop = walk[seen[cursor] :] + [cursor]
    return list(reversed(loop))


@dataclass(frozen=True)
class CriticalPath:
    minutes: int
    refs: tuple[str, ...]


def critical_path(
    dependencies: Mapping[str, Sequence[str]],
    minutes: Mapping[str, int],
    *,
    position: Mapping[str, int] | None = None,
    ordered: Sequence[str] | None = None,
) -> CriticalPath:
    """The chain of dependent steps with the largest sum of ``minutes`` (minutes still to run per step).
    ``ordered``: ``order(dependencies, position=position)`` when the caller has it already."""
    best: dict[str, tuple[int, str | None]] = {}
    for ref in order(dependencies, position=position) if ordered is None else ordered:
        # The first of the longest chains before this step (the first dependency listed wins a tie).
        longest, via = 0, None
        for need in dependencies[ref]:
            found = best.get(need)
            if found is not None and (via is None or found[0] > longest):
                longest, via = found[0], need
        best[ref] = (longest + max(0, minutes.get(ref, 0)), via)
    if not best:
        return CriticalPath(0, ())
    end = max(best, key=lambda ref: best[ref][0])
    chain = []
    cursor: str | None = end
    while cursor is not None:
        chain.append(cursor)
        cursor = best[cursor][1]
    return CriticalPath(best[end][0], tuple(reversed(chain)))
