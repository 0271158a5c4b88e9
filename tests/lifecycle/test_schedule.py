"""``plan_dates``: properties and a day-by-day oracle (STYLE.md 13)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from golive.lifecycle.schedule import PlannedPhase, plan_dates

ONE_DAY = dt.timedelta(days=1)


def oracle(phases, *, go_live, go_live_phase):
    """Lay every day of every phase on one calendar, one day at a time, so the anchor's first day is go-live."""
    keys = [p.key for p in phases]
    if go_live is None or go_live_phase not in keys:
        return dict.fromkeys(keys, (None, None))
    takes_time = [p for p in phases if not p.skipped and p.duration_days > 0]
    before_anchor = phases[: keys.index(go_live_phase)]
    day = go_live - ONE_DAY * sum(p.duration_days for p in before_anchor if p in takes_time)
    days: dict[str, list[dt.date]] = {}
    for phase in takes_time:
        for _ in range(phase.duration_days):
            days.setdefault(phase.key, []).append(day)
            day += ONE_DAY
    return {key: (days[key][0], days[key][-1]) if key in days else (None, None) for key in keys}


@st.composite
def schedules(draw):
    count = draw(st.integers(min_value=1, max_value=12))
    phases = [
        PlannedPhase(f"p{i}", draw(st.integers(min_value=0, max_value=60)), draw(st.booleans())) for i in range(count)
    ]
    anchor = draw(st.sampled_from([p.key for p in phases] + ["absent"]))
    go_live = draw(st.one_of(st.none(), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1))))
    return phases, go_live, anchor


@given(schedules())
def test_matches_the_day_by_day_oracle(schedule):
    phases, go_live, anchor = schedule
    assert plan_dates(phases, go_live=go_live, go_live_phase=anchor) == oracle(
        phases, go_live=go_live, go_live_phase=anchor
    )


@given(schedules())
def test_properties(schedule):
    phases, go_live, anchor = schedule
    planned = plan_dates(phases, go_live=go_live, go_live_phase=anchor)
    assert list(planned) == [p.key for p in phases]
    if go_live is None or anchor == "absent":
        assert set(planned.values()) == {(None, None)}
        return
    dated = []
    for phase in phases:
        start, end = planned[phase.key]
        if phase.skipped or phase.duration_days == 0:
            assert (start, end) == (None, None)
            continue
        assert (end - start).days + 1 == phase.duration_days
        dated.append((start, end, phase.key))
    # In order, back to back: no gap, no overlap.
    for (_, end, _), (start, _, _) in zip(dated, dated[1:], strict=False):
        assert start == end + ONE_DAY
    anchor_phase = next(p for p in phases if p.key == anchor)
    if planned[anchor][0] is not None:
        assert planned[anchor][0] == go_live
    before = [planned[p.key] for p in phases[: phases.index(anchor_phase)] if planned[p.key][1] is not None]
    if before:
        assert before[-1][1] == go_live - ONE_DAY
    after = [planned[p.key] for p in phases[phases.index(anchor_phase) :] if planned[p.key][0] is not None]
    if after:
        assert after[0][0] == go_live


def test_saas_standard_example():
    phases = [
        PlannedPhase("kickoff", 7),
        PlannedPhase("uat", 14),
        PlannedPhase("training", 7, skipped=True),
        PlannedPhase("deployment", 7),
        PlannedPhase("hypercare", 14),
        PlannedPhase("debrief", 7),
    ]
    planned = plan_dates(phases, go_live=dt.date(2027, 3, 1), go_live_phase="hypercare")
    assert planned == {
        "kickoff": (dt.date(2027, 2, 1), dt.date(2027, 2, 7)),
        "uat": (dt.date(2027, 2, 8), dt.date(2027, 2, 21)),
        "training": (None, None),
        "deployment": (dt.date(2027, 2, 22), dt.date(2027, 2, 28)),
        "hypercare": (dt.date(2027, 3, 1), dt.date(2027, 3, 14)),
        "debrief": (dt.date(2027, 3, 15), dt.date(2027, 3, 21)),
    }
