"""Planned phase dates from durations and the planned go-live. Plain functions, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedPhase:
    key: str
    duration_days: int
    skipped: bool = False


def plan_dates(
    phases: Sequence[PlannedPhase], *, go_live: dt.date | None, go_live_phase: str
) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """Inclusive ``(start, end)`` per phase key.

    Phases before ``go_live_phase`` are laid back to back ending the day before go-live; that phase starts on
    go-live and the rest follow it. Skipped phases take no time and have no dates. Without a go-live date,
    or without the anchor phase in the list, nothing is planned.
    """
    keys = [p.key for p in phases]
    if go_live is None or go_live_phase not in keys:
        return {p.key: (None, None) for p in phases}
    anchor = keys.index(go_live_phase)
    planned: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    cursor = go_live
    for phase in reversed(phases[:anchor]):
        if phase.skipped or phase.duration_days <= 0:
            planned[phase.key] = (None, None)
            continue
        end = cursor - dt.timedelta(days=1)
        start = end - dt.timedelta(days=phase.duration_days - 1)
        planned[phase.key] = (start, end)
        cursor = start
    cursor = go_live
    for phase in phases[anchor:]:
        if phase.skipped or phase.duration_days <= 0:
            planned[phase.key] = (None, None)
            continue
        end = cursor + dt.timedelta(days=phase.duration_days - 1)
        planned[phase.key] = (cursor, end)
        cursor = end + dt.timedelta(days=1)
    return {key: planned[key] for key in keys}
