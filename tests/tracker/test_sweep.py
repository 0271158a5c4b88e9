"""The breach sweep: each clock flagged once, idempotent, paused clocks not breached, and ``golive sweep``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from golive import cli
from golive.tracker import services
from golive.tracker.models import Issue, IssueEvent
from tests.tracker.helpers import report


def _breach_events(issue):
    return sorted(IssueEvent.objects.filter(issue=issue, kind__startswith="sla_breach").values_list("kind", flat=True))


def test_sweep_flags_each_breach_once(world):
    now = timezone.now()
    unanswered = report(world, severity="P1", at=now - dt.timedelta(hours=5))  # both clocks overdue
    answered = report(world, severity="P1", at=now - dt.timedelta(hours=5))
    services.comment_add(
        actor=world.consultant, issue=answered, body="On it", at=now - dt.timedelta(hours=4, minutes=50)
    )
    young = report(world, severity="P1", at=now - dt.timedelta(minutes=10))  # nothing overdue yet
    resolved = services.issue_resolve(
        actor=world.lead,
        issue=report(world, severity="P1", at=now - dt.timedelta(hours=5)),
        at=now - dt.timedelta(hours=4, minutes=55),
    )

    assert services.sweep_breaches(as_of=now) == {"response": 1, "resolution": 2}
    assert _breach_events(unanswered) == ["sla_breach_resolution", "sla_breach_response"]
    assert _breach_events(answered) == ["sla_breach_resolution"]
    assert _breach_events(young) == [] and _breach_events(resolved) == []
    unanswered.refresh_from_db()
    answered.refresh_from_db()
    assert unanswered.response_breached and unanswered.resolution_breached
    assert not answered.response_breached and answered.resolution_breached
    events = IssueEvent.objects.count()

    assert services.sweep_breaches(as_of=now) == {"response": 0, "resolution": 0}
    assert services.sweep_breaches(as_of=now + dt.timedelta(hours=1)) == {"response": 1, "resolution": 0}
    assert services.sweep_breaches(as_of=now + dt.timedelta(hours=4)) == {"response": 0, "resolution": 1}
    young.refresh_from_db()
    assert young.response_breached and young.resolution_breached
    assert IssueEvent.objects.count() == events + 2
    assert services.sweep_breaches(as_of=now + dt.timedelta(hours=5)) == {"response": 0, "resolution": 0}


def test_issue_waiting_on_customer_is_not_resolution_breached(world):
    now = timezone.now()
    issue = report(world, severity="P1", at=now - dt.timedelta(hours=6))
    services.issue_wait_on_customer(actor=world.consultant, issue=issue, at=now - dt.timedelta(hours=5, minutes=50))
    assert services.sweep_breaches(as_of=now) == {"response": 0, "resolution": 0}
    issue.refresh_from_db()
    assert not issue.resolution_breached and _breach_events(issue) == []
    # Back at work: only ten minutes of the four hours were used, so it is still not breached...
    services.issue_start(actor=world.consultant, issue=issue)
    assert services.sweep_breaches(as_of=timezone.now()) == {"response": 0, "resolution": 0}
    # ...until the rest of the clock runs out.
    assert services.sweep_breaches(as_of=timezone.now() + dt.timedelta(hours=4)) == {"response": 0, "resolution": 1}


def test_closed_issue_is_never_flagged(world):
    now = timezone.now()
    issue = report(world, severity="P1", at=now - dt.timedelta(hours=6))
    issue = services.issue_resolve(actor=world.lead, issue=issue, at=now - dt.timedelta(hours=5, minutes=59))
    services.issue_close(actor=world.lead, issue=issue)
    assert services.sweep_breaches(as_of=now + dt.timedelta(days=30)) == {"response": 0, "resolution": 0}


def test_cli_sweep_prints_counts(world, capsys):
    now = timezone.now()
    report(world, severity="P1", at=now - dt.timedelta(hours=5))
    report(world, severity="P1", at=now - dt.timedelta(minutes=40))
    as_of = now.isoformat()
    assert cli.main(["sweep", "--as-of", as_of]) == 0
    out = capsys.readouterr().out
    assert "response breaches flagged: 2" in out
    assert "resolution breaches flagged: 1" in out
    assert "hypercare windows ready to exit: none" in out
    assert cli.main(["sweep", "--as-of", as_of]) == 0
    out = capsys.readouterr().out
    assert "response breaches flagged: 0" in out and "resolution breaches flagged: 0" in out
    assert Issue.objects.filter(response_breached=True).count() == 2


def test_cli_sweep_refuses_a_bad_instant(world, capsys):
    assert cli.main(["sweep", "--as-of", "yesterday"]) == 1
    assert "--as-of" in capsys.readouterr().err
    assert cli.main(["sweep", "--as-of", "2026-01-01T09:00:00"]) == 1  # no offset
    assert not IssueEvent.objects.filter(kind__startswith="sla_breach").exists()
