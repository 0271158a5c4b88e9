"""Writes of calendar feeds: create and revoke, audited."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.audit.services import audit_record
from golive.calendars.models import CalendarFeed
from golive.errors import TransitionRefused


@transaction.atomic
def feed_create(*, actor) -> CalendarFeed:
    """Give the caller a new secret feed URL."""
    feed = CalendarFeed(user=actor, token=secrets.token_urlsafe(32))
    feed.full_clean()
    feed.save()
    audit_record(actor=actor, action="calendar_feed.created", obj=feed)
    return feed


@transaction.atomic
def feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    """Revoke a feed: its URL stops working. A feed is revoked once (409 after that)."""
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is not None:
        raise TransitionRefused(_("This calendar feed is already revoked."))
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="calendar_feed.revoked", obj=feed, changes={"revoked_at": feed.revoked_at})
    return feed
