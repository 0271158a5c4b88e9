"""The secret feed URL: served without a session, to calendar programs that poll it."""

from __future__ import annotations

from django.utils import translation
from django.views.decorators.http import require_GET

from golive.calendars import selectors
from golive.calendars.api import calendar_response
from golive.calendars.ics import render_calendar


@require_GET
def feed(request, token: str):
    """Events of every project the feed's owner may currently see; unknown or revoked token: 404."""
    owner = selectors.feed_by_token(token).user
    with translation.override(owner.language or translation.get_language()):
        body = render_calendar(selectors.events_for_user(owner), name="GoLive")
    return calendar_response(body, "golive.ics")
