"""The silence projection: when will new issues per day fall to (practically) zero?

Plain functions, no Django. Daily arrivals after a go-live typically decay; we fit a Poisson process whose
rate decays exponentially, ``rate(t) = exp(a + b*t)`` for day index ``t``, by maximum likelihood (Newton's
method on the two parameters), and project the first day whose expected arrivals fall below ``threshold``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

MIN_DAYS = 3
DEFAULT_THRESHOLD = 0.5  # fewer than one issue every two days counts as silence


def fit_decay(counts: Sequence[int], *, iterations: int = 50) -> tuple[float, float] | None:
    """Maximum-likelihood ``(a, b)`` of ``count_t ~ Poisson(exp(a + b t))``; None when it cannot be fitted
    (fewer than ``MIN_DAYS`` days, or no arrivals at all)."""
    n = len(counts)
    total = sum(counts)
    if n < MIN_DAYS or total == 0:
        return None
    a, b = math.log(total / n), 0.0
    for _ in range(iterations):
        rates = [math.exp(min(a + b * t, 700.0)) for t in range(n)]
        # Gradient and Hessian of the log-likelihood sum(c*(a+bt) - exp(a+bt)).
        g_a = sum(c - r for c, r in zip(counts, rates, strict=True))
        g_b = sum(t * (c - r) for t, (c, r) in enumerate(zip(counts, rates, strict=True)))
        h_aa = sum(rates)
        h_ab = sum(t * r for t, r in enumerate(rates))
        h_bb = sum(t * t * r for t, r in enumerate(rates))
        det = h_aa * h_bb - h_ab * h_ab
        if det <= 1e-12:
            return None
        step_a = (h_bb * g_a - h_ab * g_b) / det
        step_b = (h_aa * g_b - h_ab * g_a) / det
        # Damped Newton: all-zero tails drive b towards -inf; keep steps bounded so it converges or stops.
        scale = min(1.0, 2.0 / max(abs(step_a), abs(step_b), 1e-12))
        a += scale * step_a
        b += scale * step_b
        if abs(step_a) < 1e-9 and abs(step_b) < 1e-9:
            break
        if b < -20:  # the rate has collapsed to zero: silence is immediate
            break
    return a, b


def projected_silence_day(
    counts: Sequence[int], *, threshold: float = DEFAULT_THRESHOLD, horizon_days: int = 365
) -> int | None:
    """Index of the first day (0 = the window's first day) whose fitted rate is below ``threshold`` and stays
    there; None when arrivals are not decaying or the data are too few. Never earlier than the last day with
    arrivals above the threshold that has already been observed."""
    fit = fit_decay(counts)
    if fit is None:
        return None
    a, b = fit
    if b >= 0:
        return None  # not decaying: no silence in sight
    # exp(a + b t) < threshold  <=>  t > (log(threshold) - a) / b
    boundary = (math.log(threshold) - a) / b
    day = max(0, math.floor(boundary) + 1)
    last_busy = max((t for t, c in enumerate(counts) if c > threshold), default=-1)
    day = max(day, last_busy + 1)
    return day if day <= horizon_days else None


def projected_silence_date(
    first_day: dt.date, counts: Sequence[int], *, threshold: float = DEFAULT_THRESHOLD
) -> dt.date | None:
    """The calendar date of :func:`projected_silence_day`, counting from ``first_day``."""
    day = projected_silence_day(counts, threshold=threshold)
    return None if day is None else first_day + dt.timedelta(days=day)
