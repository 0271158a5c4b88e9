"""Rendering events as an RFC 5545 calendar through the ``icalendar`` package, which escapes text, folds
long lines and ends them with CRLF."""

from __future__ import annotations

import datetime as dt

import icalendar

from golive.calendars.selectors import CalendarEvent

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _utc(value):
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value


def render_calendar(events: list[CalendarEvent], *, name: str, now: dt.datetime | None = None) -> bytes:
    """One VCALENDAR with one VEVENT per event; timed events in UTC (``...Z``), all-day ones as dates."""
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//GoLive//Implementation projects//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(item.start))
        if item.end is not None:
            event.add("dtend", _utc(item.end))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        calendar.add_component(event)
    return calendar.to_ical()
