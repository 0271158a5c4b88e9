"""``Issue.next_due_at``: the database keeps the earliest due time of the clocks still running, and the breach
and due-soon filters built on it select exactly what the four-clause definition selects."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db.models import Q
from django.utils import timezone

from golive.lifecycle.portfolio import breached_q
from golive.tracker import services
from golive.tracker.models import Issue
from tests.tracker.helpers import issue_in, report

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def clocks_q(now: dt.datetime) -> Q:
    """The breach filter as it was written before the column: flagged, or a running clock past due."""
    return (
        Q(response_breached=True)
        | Q(resolution_breached=True)
        | Q(first_response_at__isnull=True, response_due_at__lt=now)
        | Q(waiting_since__isnull=True, resolution_due_at__lt=now)
    )


def running_minimum(issue: Issue) -> dt.datetime | None:
    dues = []
    if issue.first_response_at is None and issue.response_due_at is not None:
        dues.append(issue.response_due_at)
    if issue.waiting_since is None and issue.resolution_due_at is not None:
        dues.append(issue.resolution_due_at)
    return min(dues, default=None)


def test_every_combination_of_clocks_gives_the_earliest_running_due(world):
    """Answered or not, waiting or not, each due time absent, earlier or later than the other: the column the
    database computes equals the earliest due of the clocks still running, and the filters agree."""
    times = [None, NOW - dt.timedelta(hours=3), NOW + dt.timedelta(hours=2), NOW + dt.timedelta(hours=9)]
    base = report(world, title="template")
    made = []
    for answered, waiting, response_due, resolution_due in itertools.product(
        [False, True], [False, True], times, times
    ):
        issue = Issue.objects.get(pk=base.pk)
        issue.pk, issue.number = None, 1000 + len(made)
        issue.first_response_at = NOW - dt.timedelta(hours=5) if answered else None
        issue.waiting_since = NOW - dt.timedelta(hours=1) if waiting else None
        issue.response_due_at, issue.resolution_due_at = response_due, resolution_due
        issue.response_breached = issue.resolution_breached = False
        issue.save()
        made.append(issue)
    for issue in made:
        stored = Issue.objects.get(pk=issue.pk)
        assert stored.next_due_at == running_minimum(stored), (
            stored.first_response_at,
            stored.waiting_since,
            stored.response_due_at,
            stored.resolution_due_at,
        )
    ids = [issue.pk for issue in made]
    scope = Issue.objects.filter(pk__in=ids)
    for now in (NOW, NOW + dt.timedelta(hours=4), NOW - dt.timedelta(days=1)):
        assert set(scope.filter(breached_q(now)).values_list("pk", flat=True)) == set(
            scope.filter(clocks_q(now)).values_list("pk", flat=True)
        )
        soon = now + dt.timedelta(hours=4)
        near_before = Q(first_response_at__isnull=True, response_due_at__lte=soon) | Q(
            waiting_since__isnull=True, resolution_due_at__lte=soon
        )
        assert set(scope.filter(next_due_at__lte=soon).values_list("pk", flat=True)) == set(
            scope.filter(near_before).values_list("pk", flat=True)
        )


def test_the_column_follows_the_issue_through_its_life(world):
    """The services never write the column: the database recomputes it on every change of a clock."""
    issue = report(world, severity="P2")
    assert issue.next_due_at == min(issue.response_due_at, issue.resolution_due_at)
    answered = services.issue_triage(actor=world.lead, issue=issue)
    answered.refresh_from_db()
    assert answered.first_response_at is not None
    assert answered.next_due_at == answered.resolution_due_at
    waiting = services.issue_wait_on_customer(actor=world.lead, issue=answered)
    waiting.refresh_from_db()
    assert waiting.next_due_at is None  # the resolution clock stops while waiting on the customer
    resolved = issue_in(world, "resolved", severity="P3")
    resolved.refresh_from_db()
    assert resolved.next_due_at == running_minimum(resolved)
    # A bulk update (the sweep's way) is followed too.
    later = timezone.now() + dt.timedelta(days=30)
    Issue.objects.filter(pk=issue.pk).update(waiting_since=None, resolution_due_at=later)
    assert Issue.objects.get(pk=issue.pk).next_due_at == later
