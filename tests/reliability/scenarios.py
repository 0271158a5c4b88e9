"""Set-up and read-back of a reliability instance, run in a subprocess against the instance's own database.

The test process cannot use its own Django for this: pytest-django configured it for the test database, while
the servers under test run on a throwaway database of their own. So the tests call
``python -m tests.reliability.scenarios NAME JSON-ARGUMENTS`` with the instance's environment (see
``servers.Instance.call``); the named function runs with Django set up on that database, and its JSON result is
the last line of standard output.

State is built through the real services (STYLE.md 7), never by writing rows directly.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

PASSWORD = "reliability-password-42"
SCENARIOS = {}


def scenario(function):
    SCENARIOS[function.__name__] = function
    return function


@scenario
def migrate() -> dict:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return {"migrated": True}


@scenario
def seed(*, key: str, kickoff_ready: bool = False) -> dict:
    """Two organizations, a vendor administrator, a consultant lead, a consultant, a customer lead and a customer
    member on project ``key``; ``kickoff_ready`` also holds the kickoff and captures a requirement (the kickoff
    gate passes, the alpha review gate does not). Returns every user's API token by role."""
    from django.db import transaction
    from django.utils import timezone

    from golive.accounts import services as accounts
    from golive.accounts.models import Organization
    from golive.engagement import services as engagement
    from golive.lifecycle import services as lifecycle

    slug = key.lower()
    with transaction.atomic():
        vendor = Organization.objects.filter(kind=Organization.Kind.VENDOR).first() or accounts.organization_create(
            actor=None, slug="rel-vendor", name="Reliability Vendor", kind=Organization.Kind.VENDOR
        )
        customer = accounts.organization_create(
            actor=None, slug=f"{slug}-customer", name=f"{key} Customer", kind=Organization.Kind.CUSTOMER
        )
        users = {}
        for role, organization, is_admin in (
            ("admin", None, True),
            ("consultant_lead", vendor, False),
            ("consultant", vendor, False),
            ("customer_lead", customer, False),
            ("customer_member", customer, False),
        ):
            users[role] = accounts.user_create(
                actor=None,
                username=f"{slug}.{role}",
                password=PASSWORD,
                email=f"{slug}.{role}@example.com",
                organization=organization,
                is_admin=is_admin,
            )
        project = lifecycle.project_create(
            actor=users["consultant_lead"],
            key=key,
            name=f"Reliability {key}",
            customer=customer,
            planned_go_live=dt.date.today() + dt.timedelta(days=90),
        )
        for role in ("consultant", "customer_lead", "customer_member"):
            accounts.membership_add(actor=users["consultant_lead"], project=project, user=users[role], role=role)
        if kickoff_ready:
            engagement.meeting_create(
                actor=users["consultant_lead"],
                project=project,
                kind="kickoff",
                title="Kickoff",
                starts_at=timezone.now() - dt.timedelta(days=1),
            )
            engagement.requirement_create(
                actor=users["consultant_lead"], project=project, ref="REQ-1", title="Single sign-on"
            )
        tokens = {role: accounts.token_get_or_create(user=user).key for role, user in users.items()}
    return {"tokens": tokens, "usernames": {role: user.username for role, user in users.items()}}


@scenario
def issues(*, key: str) -> dict:
    """Every issue of the project as ``[number, title]``, and the project's issue sequence."""
    from golive.tracker.models import Issue, IssueSequence

    rows = list(Issue.objects.filter(project__key=key).order_by("number").values_list("number", "title"))
    sequence = IssueSequence.objects.filter(project__key=key).values_list("last_number", flat=True).first()
    return {"issues": [list(row) for row in rows], "sequence": sequence}


@scenario
def integrity() -> dict:
    """SQLite's own consistency check (``ok`` when the file is sound); PostgreSQL answers ``ok``."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return {"result": ["ok"]}
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        return {"result": [row[0] for row in cursor.fetchall()]}


@scenario
def project_state(*, key: str) -> dict:
    """Phases, sign-offs and the lifecycle audit trail of a project."""
    from golive.audit.models import AuditEvent
    from golive.lifecycle.models import Phase, SignOff

    phases = list(Phase.objects.filter(project__key=key).order_by("order").values_list("key", "status"))
    signoffs = list(
        SignOff.objects.filter(project__key=key)
        .order_by("id")
        .values("phase__key", "decision", "comment", "role", "signed_by__username")
    )
    audit = [
        {"action": event.action, "changes": event.changes}
        for event in AuditEvent.objects.filter(
            project__key=key, action__in=["phase.advanced", "phase.overridden", "signoff.recorded"]
        ).order_by("id")
    ]
    from golive.lifecycle.models import Project

    project = Project.objects.select_related("current_phase").get(key=key)
    return {
        "current_phase": project.current_phase.key if project.current_phase else None,
        "phases": [list(row) for row in phases],
        "signoffs": signoffs,
        "audit": audit,
    }


@scenario
def issue_history(*, key: str, number: int) -> dict:
    """An issue's fields, its timeline events and its audit events, oldest first."""
    from golive.audit.models import AuditEvent
    from golive.tracker.models import Issue, IssueEvent

    issue = Issue.objects.select_related("assignee").get(project__key=key, number=number)
    events = [
        {"kind": e.kind, "data": e.data}
        for e in IssueEvent.objects.filter(issue=issue).order_by("at", "id")
        if e.kind in ("created", "updated", "status")
    ]
    audit = [
        {"action": a.action, "changes": a.changes}
        for a in AuditEvent.objects.filter(project=issue.project, action__startswith="issue.").order_by("id")
        if a.object_id == str(issue.pk) or a.object_id == issue.pk
    ]
    return {
        "issue": {
            "title": issue.title,
            "description": issue.description,
            "severity": issue.severity,
            "kind": issue.kind,
            "category": issue.category,
            "assignee": issue.assignee.username if issue.assignee else None,
            "status": issue.status,
        },
        "events": events,
        "audit": audit,
    }


@scenario
def seed_breaches(*, key: str, count: int, webhook_url: str) -> dict:
    """``count`` P1 issues of project ``key`` reported two hours ago (response clock breached 90 minutes ago),
    half assigned to the consultant, and a webhook subscribed to ``issue.sla_breached``. Returns the instant at
    which to sweep: both clocks of every issue breached, all within the escalation window."""
    from django.db import transaction
    from django.utils import timezone

    from golive.accounts.models import User
    from golive.lifecycle.models import Project
    from golive.notify import services as notify
    from golive.tasks import events_suppressed
    from golive.tracker import services as tracker

    project = Project.objects.get(key=key)
    slug = key.lower()
    lead = User.objects.get(username=f"{slug}.consultant_lead")
    consultant = User.objects.get(username=f"{slug}.consultant")
    reported = timezone.now() - dt.timedelta(hours=2)
    with transaction.atomic(), events_suppressed():  # history, not news: no issue.created fan-out
        notify.webhook_create(
            actor=lead, project=project, url=webhook_url, events=["issue.sla_breached"], secret="reliability"
        )
        for n in range(count):
            tracker.issue_create(
                actor=lead,
                project=project,
                title=f"Breach {n}",
                severity="P1",
                assignee=consultant if n % 2 else None,
                reported_at=reported,
            )
    # P1 runs on a 24x7 clock: response due at +30 min, resolution at +240 min.
    as_of = reported + dt.timedelta(minutes=241)
    return {"as_of": as_of.isoformat()}


@scenario
def sweep_outcome(*, key: str) -> dict:
    """What the sweeps wrote for project ``key``: per issue and metric the breach events, escalations,
    escalation e-mails and webhook deliveries."""
    from collections import Counter

    from golive.notify.models import Delivery, Escalation, Notification
    from golive.tracker.models import Issue, IssueEvent

    issues = list(Issue.objects.filter(project__key=key).values("pk", "response_breached", "resolution_breached"))
    events = Counter(
        f"{issue}:{kind}"
        for issue, kind in IssueEvent.objects.filter(
            issue__project__key=key, kind__startswith="sla_breach"
        ).values_list("issue_id", "kind")
    )
    escalations = Counter(
        f"{issue}:{metric}:{level}"
        for issue, metric, level in Escalation.objects.filter(issue__project__key=key).values_list(
            "issue_id", "metric", "level"
        )
    )
    emails = Counter(
        f"{n.context.get('issue')}:{n.context.get('metric')}:{n.context.get('level')}:{n.recipient_id}"
        for n in Notification.objects.filter(project__key=key, kind="sla_breach")
    )
    email_status = Counter(Notification.objects.filter(project__key=key, kind="sla_breach").values_list("status"))
    deliveries = Counter()
    for body in Delivery.objects.filter(project__key=key, event="issue.sla_breached").values_list("body", flat=True):
        data = json.loads(body)["data"]
        deliveries[f"{data['issue']['number']}:{data['metric']}"] += 1
    delivery_status = Counter(
        Delivery.objects.filter(project__key=key, event="issue.sla_breached").values_list("status", flat=True)
    )
    return {
        "issues": issues,
        "events": dict(events),
        "escalations": dict(escalations),
        "emails": dict(emails),
        "email_status": {str(k[0]): v for k, v in email_status.items()},
        "deliveries": dict(deliveries),
        "delivery_status": dict(delivery_status),
    }


def main(argv: list[str]) -> int:
    name, arguments = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")
    import django

    django.setup()
    from django.conf import settings

    # The seeded users sign in with API tokens only: a fast hasher spares seconds of key stretching per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result = SCENARIOS[name](**arguments)
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
