"""Business-time arithmetic for SLA clocks, as plain functions with no Django imports.

Two clocks exist (CONTRACT.md, "SLA"):

* ``24x7`` counts every minute;
* ``business`` counts an instant when its local wall-clock time, in the calendar's
  timezone, lies in ``[start, end)`` on a workday that is not a holiday.

Both clocks skip the intervals in ``pauses`` (time spent in ``waiting_on_customer``).
A due time is the *first* instant at which the counted time reaches the target, so a
target that exactly fills a business day is due at that day's closing time, not at
the next opening.

All instants passed in must be timezone-aware (any zone); all instants returned are
aware UTC. Internally the module works on naive UTC datetimes, which are cheaper to
compare and subtract. Time is counted exactly (to the microsecond), not in minute
steps, and the counting walks one local day at a time, so targets of a million
minutes are cheap.

Daylight-saving changes: the counted set is defined on wall-clock time, so on the
day clocks go forward a ``01:00``-``03:00`` window counts one real hour, and on the
day they go back it counts three (the repeated hour counts twice). The only
assumption about the tz database is that a zone never changes its UTC offset twice
within one business window and back again.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, available_timezones

import holidays

__all__ = [
    "CLOCKS",
    "DEFAULT_POLICY",
    "MAX_TARGET_MINUTES",
    "SEVERITIES",
    "Calendar",
    "CalendarError",
    "PolicyError",
    "add_business_minutes",
    "add_clock_minutes",
    "business_days_back",
    "business_days_between",
    "business_minutes_between",
    "clock_minutes_between",
    "default_policy",
    "due_at",
    "next_business_instant",
    "validate_policy",
]

SEVERITIES = ("P1", "P2", "P3", "P4")
CLOCKS = ("24x7", "business")
# About 19 years of a 24x7 clock: far beyond any sensible SLA, and small enough that due
# times stay well inside the range of ``datetime`` for every calendar.
MAX_TARGET_MINUTES = 10_000_000

DEFAULT_POLICY: dict = {
    "calendar": {
        "timezone": "America/Los_Angeles",
        "workdays": [0, 1, 2, 3, 4],
        "start": "09:00",
        "end": "18:00",
        "holidays_country": "US",
        "extra_holidays": ["2026-12-24"],
    },
    "targets": {
        "P1": {"response_minutes": 30, "resolution_minutes": 240, "clock": "24x7"},
        "P2": {"response_minutes": 120, "resolution_minutes": 540, "clock": "business"},
        "P3": {"response_minutes": 480, "resolution_minutes": 2700, "clock": "business"},
        "P4": {"response_minutes": 960, "resolution_minutes": None, "clock": "business"},
    },
}

_MINUTE = dt.timedelta(minutes=1)
_DAY = dt.timedelta(days=1)
_UTC = dt.UTC
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

Pause = tuple[dt.datetime, dt.datetime | None]


class CalendarError(ValueError):
    """A business calendar is invalid; ``field`` names the offending key (``"end"``, ``"timezone"``...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PolicyError(ValueError):
    """An SLA policy is invalid; ``errors`` maps dotted field paths (``"targets.P2.clock"``) to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors.items()))
        self.errors = errors


# --------------------------------------------------------------------------- calendar


@functools.cache
def _known_timezones() -> frozenset[str]:
    # Scanning the tz database takes milliseconds; the answer never changes in a process.
    return frozenset(available_timezones())


@functools.cache
def _known_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@functools.lru_cache(maxsize=1024)
def _country_holiday_dates(country: str, year: int) -> frozenset[dt.date]:
    # Building a holidays object is slow, and ``date in obj`` is slower than a set lookup.
    # The package files an observed day under its own year (New Year's Day 2028, a
    # Saturday, is observed on 2027-12-31 and listed for 2027), so one year suffices.
    return frozenset(holidays.country_holidays(country, years=year))


def _field_errors(
    timezone: object, workdays: object, start: object, end: object, holidays_country: object, extra_holidays: object
) -> dict[str, str]:
    """Check already-typed calendar values; return ``{field: message}`` for every problem found."""
    errors: dict[str, str] = {}
    if not isinstance(timezone, str) or timezone not in _known_timezones():
        errors["timezone"] = f"unknown IANA timezone {timezone!r}"
    if not workdays:
        errors["workdays"] = "at least one workday is required"
    elif not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in workdays):
        errors["workdays"] = "workdays are integers from 0 (Monday) to 6 (Sunday)"
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, dt.time) or value.tzinfo is not None or value.second or value.microsecond:
            errors[name] = "must be a naive time with whole minutes"
    if "start" not in errors and "end" not in errors and not end > start:
        errors["end"] = "must be after start"
    if holidays_country is not None and holidays_country not in _known_countries():
        errors["holidays_country"] = f"unknown holidays country code {holidays_country!r}"
    if not all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in extra_holidays):
        errors["extra_holidays"] = "extra holidays are dates"
    return errors


@dataclass(frozen=True)
class Calendar:
    """When a business clock runs: ``[start, end)`` local time on ``workdays`` (0 = Monday), minus holidays.

    Holidays are those of the ``holidays`` package for ``holidays_country`` (including
    its "observed" days) plus ``extra_holidays``. ``workdays`` and ``extra_holidays``
    accept any iterable and are stored as frozensets, so a calendar is hashable.
    """

    timezone: str
    workdays: frozenset[int]
    start: dt.time
    end: dt.time
    holidays_country: str | None = None
    extra_holidays: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "extra_holidays", frozenset(self.extra_holidays))
        errors = _field_errors(
            self.timezone, self.workdays, self.start, self.end, self.holidays_country, self.extra_holidays
        )
        if errors:
            name, message = next(iter(errors.items()))
            raise CalendarError(name, message)

    @property
    def tzinfo(self) -> ZoneInfo:
        """The calendar's timezone (``ZoneInfo`` caches instances, so this is cheap)."""
        return ZoneInfo(self.timezone)

    @classmethod
    def from_dict(cls, data: Mapping) -> Calendar:
        """Parse the CONTRACT.md JSON shape; raise ``CalendarError`` naming the first bad field."""
        calendar, errors = _calendar_from_dict(data)
        if errors:
            name, message = next(iter(errors.items()))
            raise CalendarError(name, message)
        return calendar

    def to_dict(self) -> dict:
        """The JSON shape accepted by ``from_dict`` (workdays and extra holidays sorted)."""
        return {
            "timezone": self.timezone,
            "workdays": sorted(self.workdays),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "holidays_country": self.holidays_country,
            "extra_holidays": [d.isoformat() for d in sorted(self.extra_holidays)],
        }

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` (a local date) is a country holiday or an extra holiday."""
        if day in self.extra_holidays:
            return True
        return self.holidays_country is not None and day in _country_holiday_dates(self.holidays_country, day.year)

    def is_business_day(self, day: dt.date) -> bool:
        """Whether ``day`` (a local date) is a workday that is not a holiday."""
        return day.weekday() in self.workdays and not self.is_holiday(day)


def _calendar_from_dict(data: object) -> tuple[Calendar | None, dict[str, str]]:
    """Parse a calendar dict, collecting every error instead of stopping at the first."""
    if not isinstance(data, Mapping):
        return None, {"calendar": "must be an object"}
    errors: dict[str, str] = {}
    known = {"timezone", "workdays", "start", "end", "holidays_country", "extra_holidays"}
    for key in data:
        if key not in known:
            errors[str(key)] = "unknown field"
    for key in ("timezone", "workdays", "start", "end"):
        if key not in data:
            errors[key] = "required"

    workdays = data.get("workdays", [])
    if not isinstance(workdays, list | tuple):
        errors.setdefault("workdays", "must be a list of integers 0..6")
        workdays = []

    times = {}
    for key in ("start", "end"):
        value = data.get(key)
        match = _TIME_RE.match(value) if isinstance(value, str) else None
        if match:
            times[key] = dt.time(int(match[1]), int(match[2]))
        else:
            errors.setdefault(key, f"expected HH:MM (24-hour), got {value!r}")
            times[key] = None

    country = data.get("holidays_country")
    if isinstance(country, str):
        # A form posts "" for "no country"; codes are upper case in the holidays package.
        country = country.strip().upper() or None
    elif country is not None:
        errors["holidays_country"] = "must be a country code or null"
        country = None

    extra = data.get("extra_holidays", [])
    extra_days: list[dt.date] = []
    if not isinstance(extra, list | tuple):
        errors["extra_holidays"] = "must be a list of dates (YYYY-MM-DD)"
    else:
        for index, value in enumerate(extra):
            try:
                if not isinstance(value, str) or len(value) != 10:
                    raise ValueError
                extra_days.append(dt.date.fromisoformat(value))
            except ValueError:
                errors.setdefault("extra_holidays", f"item {index}: expected a date YYYY-MM-DD, got {value!r}")

    # Parse errors were recorded first, so setdefault keeps them over the generic messages.
    checked = _field_errors(data.get("timezone"), workdays, times["start"], times["end"], country, extra_days)
    for key, message in checked.items():
        errors.setdefault(key, message)
    if errors:
        return None, errors
    calendar = Calendar(
        timezone=data["timezone"],
        workdays=frozenset(workdays),
        start=times["start"],
        end=times["end"],
        holidays_country=country,
        extra_holidays=frozenset(extra_days),
    )
    return calendar, {}


# --------------------------------------------------------------------------- day windows


def _to_naive_utc(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(_UTC).replace(tzinfo=None)


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=_UTC)


def _offset_at(tz: ZoneInfo, utc: dt.datetime) -> dt.timedelta:
    return tz.fromutc(utc.replace(tzinfo=tz)).utcoffset()


def _offset_segments(
    tz: ZoneInfo, lo: dt.datetime, hi: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, dt.timedelta]]:
    """Split ``[lo, hi)`` (naive UTC) into pieces of constant UTC offset.

    Only used on the rare days where a transition touches the business window, so it
    favours obviousness: sample every 30 minutes, then bisect each change to the second
    (tz database transitions fall on whole seconds).
    """
    step = dt.timedelta(minutes=30)
    samples = [lo]
    while samples[-1] + step < hi:
        samples.append(samples[-1] + step)
    samples.append(hi)
    segments = []
    seg_start, seg_offset = lo, _offset_at(tz, lo)
    for before, after in zip(samples, samples[1:], strict=False):
        if _offset_at(tz, after) == seg_offset:
            continue
        # Invariant: offset(before) == seg_offset != offset(after); find the first changed second.
        low, high = before, after
        while high - low > dt.timedelta(seconds=1):
            mid = low + dt.timedelta(seconds=((high - low) // dt.timedelta(seconds=1)) // 2)
            if _offset_at(tz, mid) == seg_offset:
                low = mid
            else:
                high = mid
        segments.append((seg_start, high, seg_offset))
        seg_start, seg_offset = high, _offset_at(tz, high)
    segments.append((seg_start, hi, seg_offset))
    return segments


@functools.lru_cache(maxsize=65536)
def _day_window(
    tz_name: str, day: dt.date, start: dt.time, end: dt.time
) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """The instants (naive UTC spans) whose wall-clock time lies in ``[start, end)`` on local date ``day``."""
    tz = ZoneInfo(tz_name)
    local_start = dt.datetime.combine(day, start)
    local_end = dt.datetime.combine(day, end)
    # fold=0 resolves an ambiguous or skipped wall time with the offset from before a
    # transition, fold=1 with the offset after. If the start (read "early") and the end
    # (read "late") agree, no transition touches the window and it is one plain span.
    offset = tz.utcoffset(local_start)
    if tz.utcoffset(local_end.replace(fold=1)) == offset:
        return ((local_start - offset, local_end - offset),)
    # A DST change touches the window: intersect it with each constant-offset piece of
    # the UTC timeline around it. UTC offsets stay within +-16 hours.
    margin = dt.timedelta(hours=16)
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    for seg_start, seg_end, seg_offset in _offset_segments(tz, local_start - margin, local_end + margin):
        lo, hi = max(seg_start, local_start - seg_offset), min(seg_end, local_end - seg_offset)
        if lo < hi:
            if spans and spans[-1][1] == lo:
                spans[-1] = (spans[-1][0], hi)
            else:
                spans.append((lo, hi))
    return tuple(spans)


def _business_spans(cal: Calendar, since: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Business-hour spans (naive UTC, in order) from ``since`` on, the first one clipped to ``since``. Endless."""
    tz = cal.tzinfo
    # Start one day early: a window of the previous local date can still be open in UTC
    # terms if the clocks went back across midnight.
    day = _aware(since).astimezone(tz).date() - _DAY
    while True:
        if cal.is_business_day(day):
            for lo, hi in _day_window(cal.timezone, day, cal.start, cal.end):
                if hi > since:
                    yield max(lo, since), hi
        day += _DAY


def _normalize_pauses(pauses: Iterable[Pause]) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """Pauses as sorted, merged, non-empty naive UTC spans; an open end (None) swallows what follows."""
    spans = []
    for index, (lo, hi) in enumerate(pauses):
        lo = _to_naive_utc(lo, f"pauses[{index}] start")
        hi = None if hi is None else _to_naive_utc(hi, f"pauses[{index}] end")
        if hi is None or hi > lo:
            spans.append((lo, hi))
    spans.sort(key=lambda span: span[0])
    merged: list[tuple[dt.datetime, dt.datetime | None]] = []
    for lo, hi in spans:
        if merged and (merged[-1][1] is None or lo <= merged[-1][1]):
            last_lo, last_hi = merged[-1]
            merged[-1] = (last_lo, None if last_hi is None or hi is None else max(last_hi, hi))
        else:
            merged.append((lo, hi))
        if merged[-1][1] is None:
            break
    return merged


def _unpaused(
    spans: Iterable[tuple[dt.datetime, dt.datetime | None]], pauses: list[tuple[dt.datetime, dt.datetime | None]]
) -> Iterator[tuple[dt.datetime, dt.datetime | None]]:
    """``spans`` minus ``pauses`` (both sorted); an end of None means "forever". Stops at an open-ended pause."""
    index = 0
    for lo, hi in spans:
        while hi is None or lo < hi:
            while index < len(pauses) and pauses[index][1] is not None and pauses[index][1] <= lo:
                index += 1
            if index == len(pauses) or (hi is not None and pauses[index][0] >= hi):
                yield lo, hi
                break
            pause_lo, pause_hi = pauses[index]
            if pause_lo > lo:
                yield lo, pause_lo
            if pause_hi is None:
                return
            lo = pause_hi


def _minutes(value: int | float) -> dt.timedelta:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"minutes must be a non-negative number, got {value!r}")
    return dt.timedelta(minutes=value)


def _advance(spans: Iterable[tuple[dt.datetime, dt.datetime | None]], start: dt.datetime, minutes: int | float):
    target = _minutes(minutes)
    if not target:
        return _aware(start)
    for lo, hi in spans:
        if hi is None or hi - lo >= target:
            return _aware(lo + target)
        target -= hi - lo
    return None  # an open-ended pause began before the target was reached


def _measure(spans: Iterable[tuple[dt.datetime, dt.datetime | None]], until: dt.datetime) -> int | float:
    total = dt.timedelta(0)
    for lo, hi in spans:
        if lo >= until:
            break
        total += (until if hi is None else min(hi, until)) - lo
    whole, rest = divmod(total, _MINUTE)
    return whole if not rest else total / _MINUTE


# --------------------------------------------------------------------------- public clock arithmetic


def add_business_minutes(
    cal: Calendar, start_utc: dt.datetime, minutes: int | float, pauses: Iterable[Pause] = ()
) -> dt.datetime | None:
    """The instant (aware UTC) at which the business clock started at ``start_utc`` has counted ``minutes``.

    Counting starts at ``start_utc`` if it is inside business hours, else at the next
    opening. The result is the earliest instant at which the count reaches the target,
    so it is always inside or at the closing edge of a business window (540 minutes
    from Monday 09:00 with a 09:00-18:00 calendar is Monday 18:00).

    Edge cases: ``minutes == 0`` returns ``start_utc`` unchanged (in UTC), even outside
    business hours; negative minutes raise ``ValueError``; ``pauses`` are ``(start, end)``
    aware instants, may overlap, and an ``end`` of ``None`` means "paused from ``start``
    until further notice": if that pause begins before the target is reached the
    result is ``None`` (not yet determinable), otherwise the due time is unaffected.
    """
    since = _to_naive_utc(start_utc, "start_utc")
    return _advance(_unpaused(_business_spans(cal, since), _normalize_pauses(pauses)), since, minutes)


def add_clock_minutes(start_utc: dt.datetime, minutes: int | float, pauses: Iterable[Pause] = ()) -> dt.datetime | None:
    """``add_business_minutes`` for the ``24x7`` clock: every minute counts except paused ones.

    Same edge cases: ``0`` returns ``start_utc``; an open-ended pause starting before the
    target is reached gives ``None``.
    """
    since = _to_naive_utc(start_utc, "start_utc")
    return _advance(_unpaused([(since, None)], _normalize_pauses(pauses)), since, minutes)


def business_minutes_between(
    cal: Calendar, a: dt.datetime, b: dt.datetime, pauses: Iterable[Pause] = ()
) -> int | float:
    """Business minutes counted in ``[a, b)`` minus pauses; 0 if ``b <= a``.

    An ``int`` when the count is a whole number of minutes, else a ``float``. It inverts
    ``add_business_minutes``: ``business_minutes_between(cal, t, add_business_minutes(cal, t, m)) == m``.
    """
    since, until = _to_naive_utc(a, "a"), _to_naive_utc(b, "b")
    if until <= since:
        return 0
    return _measure(_unpaused(_business_spans(cal, since), _normalize_pauses(pauses)), until)


def clock_minutes_between(a: dt.datetime, b: dt.datetime, pauses: Iterable[Pause] = ()) -> int | float:
    """``business_minutes_between`` for the ``24x7`` clock: minutes in ``[a, b)`` minus pauses."""
    since, until = _to_naive_utc(a, "a"), _to_naive_utc(b, "b")
    if until <= since:
        return 0
    return _measure(_unpaused([(since, None)], _normalize_pauses(pauses)), until)


def next_business_instant(cal: Calendar, t: dt.datetime) -> dt.datetime:
    """``t`` (in UTC) if it is inside business hours, else the next opening (aware UTC)."""
    since = _to_naive_utc(t, "t")
    lo, _hi = next(_business_spans(cal, since))
    return _aware(lo)


def due_at(
    policy_target: Mapping,
    cal: Calendar | None,
    reported_at: dt.datetime,
    pauses: Iterable[Pause] = (),
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``(response_due, resolution_due)`` for one severity's target of a policy.

    ``policy_target`` is ``{"response_minutes", "resolution_minutes", "clock"}``; a
    ``None`` target gives a ``None`` due time. Per CONTRACT.md only resolution is
    paused by ``waiting_on_customer``, so ``pauses`` apply to the resolution clock
    alone. ``cal`` may be ``None`` for a ``24x7`` target.
    """
    clock = policy_target["clock"]
    if clock == "24x7":

        def add(minutes, spans):
            return add_clock_minutes(reported_at, minutes, spans)
    elif clock == "business":
        if cal is None:
            raise ValueError("a business clock needs a calendar")

        def add(minutes, spans):
            return add_business_minutes(cal, reported_at, minutes, spans)
    else:
        raise ValueError(f"unknown clock {clock!r}")
    response, resolution = policy_target.get("response_minutes"), policy_target.get("resolution_minutes")
    return (
        None if response is None else add(response, ()),
        None if resolution is None else add(resolution, list(pauses)),
    )


# --------------------------------------------------------------------------- business days


def _local_date(cal: Calendar, value: dt.date | dt.datetime, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return _aware(_to_naive_utc(value, name)).astimezone(cal.tzinfo).date()
    return value


def business_days_back(cal: Calendar, t: dt.datetime, n: int) -> dt.datetime:
    """The start (local 00:00, as aware UTC) of the ``n``-th business day counted back from ``t``.

    Counting includes ``t``'s own local date when it is a business day: ``n=1`` is today's
    midnight on a business day, else the midnight of the latest earlier business day.
    "No new P1/P2 in the last 3 business days" is then "none reported at or after
    ``business_days_back(cal, now, 3)``". ``n`` must be at least 1. If local midnight
    does not exist (a DST gap at 00:00) the result is the first instant of that date.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    day = _local_date(cal, t, "t")
    found = 0
    while True:
        if cal.is_business_day(day):
            found += 1
            if found == n:
                break
        day -= _DAY
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=cal.tzinfo)
    return midnight.astimezone(_UTC)


def business_days_between(cal: Calendar, a: dt.date | dt.datetime, b: dt.date | dt.datetime) -> int:
    """How many business days have a local date in ``[date(a), date(b)]``, both ends included.

    ``a`` and ``b`` are local dates or aware datetimes (converted to the calendar's local
    date); 0 if ``b`` is before ``a``. It counts ``business_days_back`` back:
    ``business_days_between(cal, business_days_back(cal, t, n), t) == n``.
    """
    first, last = _local_date(cal, a, "a"), _local_date(cal, b, "b")
    count = 0
    day = first
    while day <= last:
        count += cal.is_business_day(day)
        day += _DAY
    return count


# --------------------------------------------------------------------------- policy


def default_policy() -> dict:
    """A fresh deep copy of ``DEFAULT_POLICY``, safe to mutate (and usable as a JSONField default)."""
    return copy.deepcopy(DEFAULT_POLICY)


def _target_errors(path: str, target: object) -> tuple[dict | None, dict[str, str]]:
    if not isinstance(target, Mapping):
        return None, {path: "must be an object"}
    errors: dict[str, str] = {}
    for key in target:
        if key not in ("response_minutes", "resolution_minutes", "clock"):
            errors[f"{path}.{key}"] = "unknown field"
    for key in ("response_minutes", "resolution_minutes"):
        if key not in target:
            errors[f"{path}.{key}"] = "required (null means no target)"
            continue
        value = target[key]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[f"{path}.{key}"] = "must be a whole number of minutes or null"
        elif not 0 <= value <= MAX_TARGET_MINUTES:
            errors[f"{path}.{key}"] = f"must be between 0 and {MAX_TARGET_MINUTES}"
    if target.get("clock") not in CLOCKS:
        errors[f"{path}.clock"] = f"must be one of {', '.join(CLOCKS)}"
    if errors:
        return None, errors
    return {key: target[key] for key in ("response_minutes", "resolution_minutes", "clock")}, {}


def validate_policy(data: object) -> dict:
    """Check an SLA policy (the CONTRACT.md shape) and return it normalized.

    Normalized means: the calendar as ``Calendar.to_dict`` writes it, targets in
    ``P1``..``P4`` order with exactly the three known keys. Every problem found is
    reported at once in ``PolicyError.errors``, keyed by dotted path (``"calendar.end"``,
    ``"targets.P2.response_minutes"``); a non-object policy is reported under ``"policy"``.
    """
    if not isinstance(data, Mapping):
        raise PolicyError({"policy": "must be an object"})
    errors: dict[str, str] = {}
    for key in data:
        if key not in ("calendar", "targets"):
            errors[str(key)] = "unknown field"

    calendar = None
    if "calendar" not in data:
        errors["calendar"] = "required"
    else:
        calendar, calendar_errors = _calendar_from_dict(data["calendar"])
        for key, message in calendar_errors.items():
            errors[key if key == "calendar" else f"calendar.{key}"] = message

    targets: dict[str, dict] = {}
    raw_targets = data.get("targets")
    if raw_targets is None:
        errors["targets"] = "required"
    elif not isinstance(raw_targets, Mapping):
        errors["targets"] = "must be an object"
    else:
        for key in raw_targets:
            if key not in SEVERITIES:
                errors[f"targets.{key}"] = f"unknown severity (expected {', '.join(SEVERITIES)})"
        for severity in SEVERITIES:
            if severity not in raw_targets:
                errors[f"targets.{severity}"] = "required"
                continue
            target, target_errors = _target_errors(f"targets.{severity}", raw_targets[severity])
            errors.update(target_errors)
            if target is not None:
                targets[severity] = target

    if errors:
        raise PolicyError(errors)
    return {"calendar": calendar.to_dict(), "targets": targets}
