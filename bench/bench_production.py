"""Production benchmark: the pages and API lists users live in at 1x and 100x data, the breach sweep over
1,000,000 issues, the memory of a web worker over 10,000 requests, and profiles of the hot paths.

Runs on PostgreSQL (a throwaway database whose name contains ``bench``, created and dropped) with the
production profile (docs/deploy.md): gunicorn with golive.gunicorn_conf, 2 threaded workers, and a
``golive worker`` on Redis for the background work.

1. Pages and API lists at 1x and 100x. 1x: a tenant of 10 projects seeded through the real services; the
   measured project ``PM`` (gone live 10 days ago) has 100 issues with comments, 20 UAT scenarios run in two
   cycles, a 20-step runbook, meetings, training sessions and retro notes with votes; the other nine have
   20 issues each. 100x: 1,000 projects (990 more through ``project_create``, with 20 bulk-inserted issues
   each) and the measured project's data x100 (10,000 issues, 20,000 comments, 2,000 scenarios and 4,000
   runs, 2,000 runbook steps, 300 meetings and sessions, 1,000 retro notes, their timeline and audit rows),
   bulk-inserted as valid rows. Each path under load (keep-alive clients) at both sizes, the 100x/1x
   latency ratio (target <= 2) and the SQL query count at both sizes (target: equal), against
   ``GET /bench/bare`` measured in the same run.
2. The breach sweep over 1,000,000 issues: ``sweep_breaches()`` and ``golive.jobs.sweep()`` (first and
   second run) against a plain ``UPDATE`` of the same rows and a bare ``SELECT count(*)`` of them, with the
   query plans.
3. Memory of the web workers: a fresh production server (2 workers) serves 10,000 requests weighted like a
   go-live spike (the pages and API lists of part 1, intake POSTs, the issue list and detail); each worker's
   VmRSS and VmHWM every 1,000 requests (targets: peak < 150 MB, growth over the second half of the run < 5%).

Targets are marked OK or MISSED in the report; the script exits non-zero only for a broken run (errors or 5xx,
a sweep that flags the wrong rows), never for a missed latency or memory target.
4. Profiles (pyinstrument, in-process through Django's test client) of the slowest paths at 100x.

Run with ``make bench`` (writes the ``bench:production`` section of docs/performance.md) or::

    .venv/bin/python bench/bench_production.py --database-url postgres://postgres@127.0.0.1:5432/golive_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import random
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

import harness

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/golive_bench"
SEVERITIES = ("P1", "P2", "P3", "P4")
MEASURED = "PM"
# The memory run's intake POSTs go to this project, led by a consultant and not on the lead's lists: the run
# comes between the 1x and the 100x measurements, and its 2,000 issues are not part of either data set.
MEMORY_INTAKE = "MR"

# (label, path template, kind): kind "page" is an HTML page with the lead's session, "api" a JSON list with
# the lead's token. ``{key}`` is the measured project, ``{issue}`` one of its issues.
PATHS = [
    ("portfolio page", "/?page_size=10", "page"),
    ("portfolio page, 50 a page", "/", "page"),
    ("what needs me today", "/today/", "page"),
    ("project overview", "/projects/{key}/", "page"),
    ("issue desk", "/projects/{key}/issues/", "page"),
    ("issue detail", "/projects/{key}/issues/{issue}/", "page"),
    ("hypercare dashboard", "/projects/{key}/hypercare/", "page"),
    ("UAT board", "/projects/{key}/uat/board/", "page"),
    ("cutover board", "/projects/{key}/cutover/", "page"),
    ("retro board", "/projects/{key}/debrief/", "page"),
    ("audit log", "/projects/{key}/audit/", "page"),
    ("projects API", "/api/v1/projects/?page_size=10", "api"),
    ("portfolio API", "/api/v1/portfolio/?page_size=10", "api"),
    ("issues API", "/api/v1/projects/{key}/issues/?page_size=20", "api"),
    ("audit API", "/api/v1/projects/{key}/audit/?page_size=20", "api"),
    ("UAT scenarios API", "/api/v1/projects/{key}/uat/scenarios/?page_size=20", "api"),
    ("UAT runs API", "/api/v1/projects/{key}/uat/runs/?page_size=20", "api"),
    ("runbook steps API", "/api/v1/projects/{key}/runbook/steps/?page_size=20", "api"),
]
# The API lists and the portfolio page are read a page of the same size at both data sizes (10 projects, 20
# rows: what the 1x data set fills), so the ratio measures the growth of the data and not a page holding more
# rows; the other HTML pages are read as users get them. The portfolio page at its default of 50 a page (all 10
# projects at 1x, 50 at 100x) is listed for reference: its ratio is mostly the five times the rows.
MORE_ROWS = {"portfolio page, 50 a page": "10 vs 50 rows"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help=f"PostgreSQL database to create and drop (name must contain 'bench'; default {DEFAULT_POSTGRES})",
    )
    parser.add_argument("--projects", type=int, default=10, help="projects at 1x (default 10)")
    parser.add_argument("--factor", type=int, default=100, help="growth factor of the large data set (default 100)")
    parser.add_argument("--issues", type=int, default=100, help="issues of the measured project at 1x (default 100)")
    parser.add_argument("--other-issues", type=int, default=20, help="issues of every other project (default 20)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--requests", type=int, default=20, help="GETs per client, path and size (default 20)")
    parser.add_argument(
        "--path-seconds",
        type=float,
        default=15,
        help="fewer GETs (at least 2 per client) for a path that would take longer than this (default 15)",
    )
    parser.add_argument(
        "--in-process", type=int, default=31, help="requests per path and size timed in-process, alone (default 31)"
    )
    parser.add_argument("--bare-requests", type=int, default=50, help="GET /bench/bare per client (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--broker-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="Redis for the production profile's background work (default redis://127.0.0.1:6379/13; '' for none)",
    )
    parser.add_argument("--memory-requests", type=int, default=10_000, help="requests of the memory run (10000)")
    parser.add_argument(
        "--memory-at",
        choices=["1x", "100x"],
        default="1x",
        help="data set of the memory run (default 1x: at 100x the boards of 2,000 steps make it too long)",
    )
    parser.add_argument("--sample-every", type=int, default=1_000, help="RSS sample interval in requests (1000)")
    parser.add_argument("--sweep-issues", type=int, default=1_000_000, help="issues for the sweep (1000000)")
    parser.add_argument("--profile-top", type=int, default=4, help="paths to profile at 100x (default 4)")
    parser.add_argument("--skip", action="append", default=[], choices=["pages", "sweep", "memory", "profile"])
    parser.add_argument("--output", type=Path, help="write the report into this file's bench:production section")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir (server logs)")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def late(at: dt.datetime, due: dt.datetime | None) -> bool:
    """Whether ``at`` is past ``due`` (no due time: never late)."""
    return due is not None and at > due


def analyze() -> None:
    """``VACUUM ANALYZE`` after seeding: fresh statistics for the planner, and nothing left for autovacuum to do
    on the inserted rows while the paths are measured (it would take a core of this 2-core machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --------------------------------------------------------------------------------------------------------------
# Seeding: 1x through the real services


class Tenant:
    """Who and what the benchmark works with."""

    def __init__(self, world: harness.World):
        self.world = world
        self.lead = world.lead
        self.consultants: list = []
        self.customers: list = []
        self.intake_token = ""
        self.memory_project = None
        self.measured = None
        self.issue_number = 1
        self.go_live: dt.datetime | None = None


def seed_people(tenant: Tenant) -> None:
    from django.db import transaction

    from golive.accounts import services as accounts

    world = tenant.world
    with transaction.atomic():
        for n in range(2):
            tenant.consultants.append(
                accounts.user_create(
                    actor=None,
                    username=f"bench.consultant{n}",
                    password=harness.SEED_PASSWORD,
                    email=f"bench.consultant{n}@example.invalid",
                    organization=world.vendor,
                )
            )
        for n in range(5):
            tenant.customers.append(
                accounts.user_create(
                    actor=None,
                    username=f"bench.customer{n}",
                    password=harness.SEED_PASSWORD,
                    email=f"bench.customer{n}@example.invalid",
                    organization=world.customer,
                )
            )
        tenant.intake_token = accounts.token_get_or_create(user=tenant.customers[0]).key


def seed_memory_project(tenant: Tenant) -> None:
    """The project the memory run's intake writes to: led by a consultant, with the intake user as customer lead,
    and the measured lead not a member (so it is on none of the measured pages)."""
    from django.db import transaction

    from golive.accounts import services as accounts
    from golive.accounts.models import Role
    from golive.lifecycle import services as lifecycle

    consultant = tenant.consultants[0]
    with transaction.atomic():
        project = lifecycle.project_create(
            actor=consultant,
            key=MEMORY_INTAKE,
            name="Memory run intake",
            customer=tenant.world.customer,
            planned_go_live=dt.date.today() + dt.timedelta(days=30),
        )
        accounts.membership_add(actor=consultant, project=project, user=tenant.customers[0], role=Role.CUSTOMER_LEAD)
    tenant.memory_project = project


def add_members(tenant: Tenant, project) -> None:
    from golive.accounts import services as accounts
    from golive.accounts.models import Role

    for user in tenant.consultants:
        accounts.membership_add(actor=tenant.lead, project=project, user=user, role=Role.CONSULTANT)
    accounts.membership_add(actor=tenant.lead, project=project, user=tenant.customers[0], role=Role.CUSTOMER_LEAD)
    for user in tenant.customers[1:]:
        accounts.membership_add(actor=tenant.lead, project=project, user=user, role=Role.CUSTOMER_MEMBER)


def advance_to(tenant: Tenant, project, key: str):
    from golive.lifecycle import services as lifecycle

    for _ in range(12):
        project.refresh_from_db()
        if project.current_phase.key == key:
            return project
        project = lifecycle.phase_advance(actor=tenant.lead, project=project, override_reason="bench")
    raise RuntimeError(f"{project.key} never reached {key}")


def seed_measured(tenant: Tenant, args) -> None:
    """The measured project through the real services: runbook, UAT, meetings, training, go-live 10 days ago,
    issues in the hypercare window with comments, retro notes with votes."""
    from django.db import transaction
    from django.utils import timezone

    from golive.cutover import services as cutover
    from golive.debrief import services as debrief
    from golive.engagement import services as engagement
    from golive.lifecycle import services as lifecycle
    from golive.tracker import services as tracker
    from golive.training import services as training
    from golive.uat import services as uat

    rng = random.Random(9)
    lead = tenant.lead
    now = timezone.now()
    today = dt.date.today()
    with transaction.atomic():
        project = lifecycle.project_create(
            actor=lead,
            key=MEASURED,
            name="Measured project",
            customer=tenant.world.customer,
            planned_go_live=today - dt.timedelta(days=10),
        )
        add_members(tenant, project)
        for n in range(1, 21):
            cutover.step_create(
                actor=lead,
                project=project,
                ref=f"S{n:04d}",
                title=f"Cutover step {n}",
                owner=tenant.consultants[n % 2],
                planned_minutes=15 + n % 4 * 15,
                depends_on=[f"S{n - 1:04d}"] if n > 1 else [],
                rollback=n == 20,
            )
        for n in range(1, 21):
            uat.scenario_create(
                actor=lead,
                project=project,
                ref=f"UAT-{n:05d}",
                title=f"Scenario {n}",
                module=("Orders", "Billing", "Inventory", "Reports")[n % 4],
                steps="1. open\n2. enter\n3. save",
                expected_result="Saved",
                priority=("low", "medium", "high", "critical")[n % 4],
            )
        testers = tenant.customers[1:]
        for cycle_number, days_ago in ((1, 40), (2, 30)):
            uat.cycle_create(actor=lead, project=project, at=now - dt.timedelta(days=days_ago))
            cycle = project.uat_cycles.get(number=cycle_number)
            uat.assignments_set(
                actor=lead,
                cycle=cycle,
                assignments=[
                    {"scenario": f"UAT-{n:05d}", "tester": testers[n % len(testers)].username} for n in range(1, 21)
                ],
            )
            for n in range(1, 21):
                status = "passed" if cycle_number == 2 or n % 4 else rng.choice(["failed", "blocked"])
                uat.run_record(
                    actor=lead,
                    project=project,
                    scenario=f"UAT-{n:05d}",
                    status=status,
                    cycle=cycle_number,
                    tester=testers[n % len(testers)],
                    executed_at=now - dt.timedelta(days=days_ago - 1, hours=n),
                    notes="",
                )
        members = [lead, *tenant.consultants, *tenant.customers]
        for n, kind in enumerate(("kickoff", "status", "go_no_go")):
            engagement.meeting_create(
                actor=lead,
                project=project,
                kind=kind,
                title=f"Meeting {n}",
                starts_at=now - dt.timedelta(days=60 - n * 20),
                attendees=members[:4],
            )
        for n in range(3):
            training.session_create(
                actor=lead,
                project=project,
                kind="end_user",
                title=f"Training {n}",
                starts_at=now - dt.timedelta(days=20 - n),
                trainer=tenant.consultants[0],
                audience="Warehouse",
            )
        project = advance_to(tenant, project, "deployment")
        tenant.go_live = now - dt.timedelta(days=10)
        cutover.golive_record(actor=lead, project=project, at=tenant.go_live, override_reason="bench")
    project.refresh_from_db()
    span = (now - tenant.go_live).total_seconds()
    with transaction.atomic():
        for i in range(args.issues):
            at = tenant.go_live + dt.timedelta(seconds=span * ((i + 1) / (args.issues + 2)) ** 2)
            issue = tracker.issue_create(
                actor=lead,
                project=project,
                title=f"Hypercare issue {i}",
                description="Steps to reproduce:\n\n1. open the cart\n2. press *Pay*",
                severity=rng.choices(SEVERITIES, weights=(3, 15, 52, 30))[0],
                category=rng.choice(["bug", "configuration", "data", "training_gap", "access", "integration"]),
                reported_at=at,
            )
            answer = min(at + dt.timedelta(minutes=rng.uniform(5, 240)), now)
            tracker.comment_add(actor=lead, issue=issue, body="Looking into it.", at=answer)
            tracker.comment_add(actor=tenant.customers[i % 5], issue=issue, body="Thanks, more detail here.")
            if i % 3 == 0:
                issue.refresh_from_db()
                tracker.issue_triage(actor=lead, issue=issue, at=answer)
                tracker.issue_resolve(actor=lead, issue=issue, at=min(answer + dt.timedelta(hours=3), now))
        for n in range(10):
            column = ("went_well", "to_improve", "action")[n % 3]
            item = debrief.retro_item_create(
                actor=tenant.customers[n % 5] if column != "action" else lead,
                project=project,
                column=column,
                text=f"Retro note {n}",
                owner=tenant.consultants[0] if column == "action" else None,
            )
            for voter in members[: n % 4]:
                debrief.retro_vote_toggle(actor=voter, item=item)
    tenant.measured = project
    tenant.issue_number = project.issues.order_by("number").first().number


def seed_others(tenant: Tenant, first: int, last: int, issues: int) -> None:
    """Projects ``first`` .. ``last - 1`` in kickoff, with the team and ``issues`` issues with a comment. Their keys
    (``PZ0001``...) sort after ``PM``, so the measured project heads the portfolio's first page at both sizes."""
    from django.db import transaction

    from golive.lifecycle import services as lifecycle
    from golive.tasks import events_suppressed
    from golive.tracker import services as tracker

    today = dt.date.today()
    for n in range(first, last):
        # Only the measured project's events are sent (rendered inline in this process); these are background.
        with events_suppressed(), transaction.atomic():
            project = lifecycle.project_create(
                actor=tenant.lead,
                key=f"PZ{n:04d}",
                name=f"Bench project {n}",
                customer=tenant.world.customer,
                planned_go_live=today + dt.timedelta(days=-20 + (n * 37) % 230),
            )
            add_members(tenant, project)
            for i in range(issues):
                issue = tracker.issue_create(
                    actor=tenant.customers[i % 5],
                    project=project,
                    title=f"Issue {i}",
                    severity=SEVERITIES[i % 4],
                )
                tracker.comment_add(actor=tenant.lead, issue=issue, body="On it.")


# --------------------------------------------------------------------------------------------------------------
# Growing to 100x: bulk inserts of valid rows


def grow(tenant: Tenant, args) -> dict:
    """Grow the tenant to ``factor`` times: projects through ``project_create`` (with bulk issues), the measured
    project's rows by bulk inserts. Returns the seconds of each part."""
    from django.db import transaction

    from golive.tasks import events_suppressed

    timings = {}
    started = time.perf_counter()
    total = args.projects * args.factor
    batch = 100
    first = args.projects
    while first < total:
        last = min(total, first + batch)
        # A back-fill: no notifications or webhooks for these projects (they would be rendered inline here).
        with events_suppressed(), transaction.atomic():
            seed_plain_projects(tenant, first, last, args.other_issues)
        first = last
    timings["projects"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        grow_measured(tenant, args)
    timings["measured"] = time.perf_counter() - started
    started = time.perf_counter()
    analyze()
    timings["analyze"] = time.perf_counter() - started
    timings["sweep"] = settle()
    started = time.perf_counter()
    analyze()  # the sweep's updates and new rows: vacuumed now, not by autovacuum during the measurement
    timings["analyze"] += time.perf_counter() - started
    return timings


def settle() -> float:
    """Run the periodic sweep once, in this process, and return its seconds (the caller vacuums after it: its
    updates would otherwise start autovacuum in the middle of the measurement). Bulk-inserted issues carry due times
    in the past that no sweep has flagged yet, where a running system flags each as it falls due; left alone, the
    Celery worker's first periodic sweep (beat, every minute) would do that catch-up (about 13,000 breaches and
    4,000 escalations at 100x: tens of seconds of a core) while the pages are being measured."""
    from golive import jobs

    started = time.perf_counter()
    jobs.sweep()
    return time.perf_counter() - started


def seed_plain_projects(tenant: Tenant, first: int, last: int, issues: int) -> None:
    from django.utils import timezone

    from golive.accounts.models import Membership, Role
    from golive.lifecycle import services as lifecycle
    from golive.tracker.models import Issue, IssueSequence
    from golive.tracker.services import compute_dues, policy_for

    today = dt.date.today()
    now = timezone.now()
    rows = []
    memberships = []
    sequences = []
    for n in range(first, last):
        project = lifecycle.project_create(
            actor=tenant.lead,
            key=f"PZ{n:04d}",
            name=f"Bench project {n}",
            customer=tenant.world.customer,
            planned_go_live=today + dt.timedelta(days=-20 + (n * 37) % 230),
        )
        memberships += [Membership(project=project, user=u, role=Role.CONSULTANT) for u in tenant.consultants]
        memberships += [Membership(project=project, user=u, role=Role.CUSTOMER_MEMBER) for u in tenant.customers]
        policy = policy_for(project)
        for i in range(issues):
            issue = Issue(
                project=project,
                number=i + 1,
                title=f"Issue {i}",
                kind="incident",
                severity=SEVERITIES[i % 4],
                reporter=tenant.customers[i % 5],
                phase=project.current_phase,
                reported_at=now - dt.timedelta(hours=3 * i + n % 7),
            )
            issue.response_due_at, issue.resolution_due_at = compute_dues(issue, policy)
            if i % 2:
                issue.first_response_at = issue.reported_at + dt.timedelta(minutes=30)
                issue.status = "triaged"
            rows.append(issue)
        sequences.append(IssueSequence(project=project, last_number=issues))
    Membership.objects.bulk_create(memberships)
    Issue.objects.bulk_create(rows, batch_size=2000)
    IssueSequence.objects.bulk_create(sequences)


def grow_measured(tenant: Tenant, args) -> None:
    """The measured project's data x ``factor``: issues (with comments, timeline events and audit rows), UAT
    scenarios with assignments and runs in both cycles, runbook steps, meetings, training sessions, retro
    notes with votes and actions."""
    from django.db import connection
    from django.utils import timezone

    from golive.audit.models import AuditEvent
    from golive.cutover.models import RunbookStep
    from golive.debrief.models import RetroAction, RetroItem, RetroVote
    from golive.engagement import services as engagement
    from golive.tracker.models import Comment, Issue, IssueEvent, IssueSequence
    from golive.tracker.services import compute_dues, policy_for
    from golive.training import services as training
    from golive.uat.models import Assignment, Cycle, Run, Scenario

    rng = random.Random(100)
    project = tenant.measured
    lead = tenant.lead
    now = timezone.now()
    policy = policy_for(project)
    phase = project.current_phase
    extra = args.issues * (args.factor - 1)
    start_number = IssueSequence.objects.get(project=project).last_number + 1
    span = (now - tenant.go_live).total_seconds()
    issues = []
    for k in range(extra):
        reported_at = tenant.go_live + dt.timedelta(seconds=span * rng.random() ** 2)
        issue = Issue(
            project=project,
            number=start_number + k,
            title=f"Hypercare issue {start_number + k}",
            description="Steps to reproduce:\n\n1. open the cart\n2. press *Pay*",
            kind="incident",
            severity=rng.choices(SEVERITIES, weights=(3, 15, 52, 30))[0],
            category=rng.choice(["bug", "configuration", "data", "training_gap", "access", "integration"]),
            reporter=tenant.customers[k % 5] if k % 2 else lead,
            phase=phase,
            reported_at=reported_at,
        )
        issue.response_due_at, issue.resolution_due_at = compute_dues(issue, policy)
        answered = min(reported_at + dt.timedelta(minutes=rng.uniform(5, 240)), now)
        issue.first_response_at = answered
        issue.response_breached = issue.response_due_at is not None and answered > issue.response_due_at
        issue.status = "new"
        if k % 3 == 0:
            issue.status = "resolved"
            issue.resolved_at = min(answered + dt.timedelta(hours=3), now)
            issue.resolution_breached = late(issue.resolved_at, issue.resolution_due_at)
        elif late(now, issue.resolution_due_at):
            issue.resolution_breached = True
        issues.append(issue)
    Issue.objects.bulk_create(issues, batch_size=2000)
    IssueSequence.objects.filter(project=project).update(last_number=start_number + extra - 1)
    comments, events, audits = [], [], []
    for issue in issues:
        answered = issue.first_response_at
        comments.append(Comment(issue=issue, author=lead, body="Looking into it.", created_at=answered))
        comments.append(
            Comment(issue=issue, author=tenant.customers[issue.number % 5], body="Thanks.", created_at=answered)
        )
    Comment.objects.bulk_create(comments, batch_size=5000)
    for issue in issues:
        created = {"severity": issue.severity, "kind": "incident", "title": issue.title}
        events.append(IssueEvent(issue=issue, actor=issue.reporter, at=issue.reported_at, kind="created", data=created))
        audits.append(
            AuditEvent(
                at=issue.reported_at,
                actor=issue.reporter,
                actor_name=issue.reporter.username,
                action="issue.created",
                object_type="tracker.issue",
                object_id=str(issue.pk),
                object_repr=str(issue)[:200],
                project=project,
                changes=created,
            )
        )
    for comment in comments:
        data = {"comment": comment.pk, "public": True}
        events.append(
            IssueEvent(issue=comment.issue, actor=comment.author, at=comment.created_at, kind="comment", data=data)
        )
        audits.append(
            AuditEvent(
                at=comment.created_at,
                actor=comment.author,
                actor_name=comment.author.username,
                action="issue.commented",
                object_type="tracker.issue",
                object_id=str(comment.issue_id),
                object_repr=str(comment.issue)[:200],
                project=project,
                changes=data,
            )
        )
    IssueEvent.objects.bulk_create(events, batch_size=5000)
    AuditEvent.objects.bulk_create(audits, batch_size=5000)

    # UAT: scenarios, assignments and runs in both cycles.
    scenario_total = Scenario.objects.filter(project=project).count()
    order = Scenario.objects.filter(project=project).order_by("-order").values_list("order", flat=True).first() or 0
    scenarios = [
        Scenario(
            project=project,
            ref=f"UAT-{n:05d}",
            title=f"Scenario {n}",
            module=("Orders", "Billing", "Inventory", "Reports")[n % 4],
            steps="1. open\n2. enter\n3. save",
            expected_result="Saved",
            priority=("low", "medium", "high", "critical")[n % 4],
            order=order + n,
            created_by=lead,
        )
        for n in range(scenario_total + 1, scenario_total * args.factor + 1)
    ]
    Scenario.objects.bulk_create(scenarios, batch_size=2000)
    testers = tenant.customers[1:]
    assignments, runs = [], []
    for cycle in Cycle.objects.filter(project=project).order_by("number"):
        for n, scenario in enumerate(scenarios):
            tester = testers[n % len(testers)]
            assignments.append(
                Assignment(
                    cycle=cycle, scenario=scenario, tester=tester, assigned_by=lead, assigned_at=cycle.started_at
                )
            )
            status = "passed" if cycle.number == 2 or n % 4 else rng.choice(["failed", "blocked"])
            runs.append(
                Run(
                    project=project,
                    scenario=scenario,
                    cycle=cycle,
                    status=status,
                    tester=tester,
                    executed_at=cycle.started_at + dt.timedelta(hours=1 + n % 200),
                    recorded_by=lead,
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    Run.objects.bulk_create(runs, batch_size=5000)

    # Runbook: blocks of 20 chained steps.
    runbook = project.runbook
    step_total = runbook.steps.count()
    steps = []
    for n in range(step_total + 1, step_total * args.factor + 1):
        block_first = (n - 1) // step_total * step_total + 1
        steps.append(
            RunbookStep(
                runbook=runbook,
                ref=f"S{n:04d}",
                position=n,
                title=f"Cutover step {n}",
                owner=tenant.consultants[n % 2],
                planned_minutes=15 + n % 4 * 15,
                depends_on=[f"S{n - 1:04d}"] if n > block_first else [],
                rollback=n % step_total == 0,
            )
        )
    RunbookStep.objects.bulk_create(steps, batch_size=2000)

    # Meetings and training sessions through the services (they are few).
    members = [lead, *tenant.consultants, *tenant.customers]
    meetings = project.meetings.count()
    for n in range(meetings, meetings * args.factor):
        engagement.meeting_create(
            actor=lead,
            project=project,
            kind="status",
            title=f"Meeting {n}",
            starts_at=now - dt.timedelta(days=90) + dt.timedelta(hours=7 * n),
            attendees=members[:4],
        )
    for n in range(3, 3 * args.factor):
        training.session_create(
            actor=lead,
            project=project,
            kind="end_user",
            title=f"Training {n}",
            starts_at=now - dt.timedelta(days=30) + dt.timedelta(hours=5 * n),
            trainer=tenant.consultants[0],
            audience="Warehouse",
        )

    # Retro notes, their actions and votes.
    item_total = RetroItem.objects.filter(project=project).count()
    items = [
        RetroItem(
            project=project,
            column=("went_well", "to_improve", "action")[n % 3],
            text=f"Retro note {n}",
            author=tenant.customers[n % 5] if n % 3 != 2 else lead,
        )
        for n in range(item_total, item_total * args.factor)
    ]
    RetroItem.objects.bulk_create(items, batch_size=2000)
    actions = [
        RetroAction(project=project, item=item, title=item.text, owner=tenant.consultants[0], created_by=lead)
        for item in items
        if item.column == "action"
    ]
    RetroAction.objects.bulk_create(actions, batch_size=2000)
    votes = [RetroVote(item=item, user=voter) for n, item in enumerate(items) for voter in members[: n % 4]]
    RetroVote.objects.bulk_create(votes, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


# --------------------------------------------------------------------------------------------------------------
# Measuring the pages


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def concrete(path: str, tenant: Tenant) -> str:
    return path.format(key=MEASURED, issue=tenant.issue_number)


def in_process_clients(tenant: Tenant):
    from django.test import Client

    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(tenant.lead)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {tenant.world.token}")
    return {"page": web, "api": api}


def query_count(client, path: str) -> tuple[int, int, float]:
    """Status and SQL query count of ``path`` in-process (after one warm-up request), and its milliseconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
    return response.status_code, len(queries.captured_queries), elapsed


def in_process_median(client, path: str, count: int) -> float:
    """Median milliseconds of ``count`` requests of ``path`` in this process, one at a time, with the load
    generator idle: the path's own cost, without the share of the 2 cores it gets under load."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def requests_for(args, probe_ms: float) -> int:
    """GETs per client for a path whose single in-process request took ``probe_ms``: ``--requests``, fewer
    (at least 2) when that many would take longer than ``--path-seconds`` on the workers."""
    parallel = min(args.clients, args.workers * 2)
    affordable = args.path_seconds * 1000 * parallel / max(probe_ms, 1.0) / args.clients
    return max(2, min(args.requests, int(affordable)))


def measure_paths(instance: harness.Instance, tenant: Tenant, args, size: str) -> list[dict]:
    clients = in_process_clients(tenant)
    headers = {
        "page": {"Accept": "text/html", "Cookie": session_cookie(tenant.lead)},
        "api": {"Authorization": f"Token {tenant.world.token}"},
    }
    rows = []
    for label, template, kind in PATHS:
        path = concrete(template, tenant)
        status, queries, probe_ms = query_count(clients[kind], path)
        if status != 200:
            raise SystemExit(f"{path}: {status}")
        with instance.background_paused():  # "alone": no periodic sweep on the cores either
            alone_ms = in_process_median(clients[kind], path, args.in_process)
        stats = harness.load(
            instance.port,
            path,
            clients=args.clients,
            requests_per_client=requests_for(args, probe_ms),
            headers=headers[kind],
            warmup_per_client=1,
            timeout=300,  # a page of 2,000 runbook steps on a loaded 2-core machine is slow, not broken
        )
        rows.append(
            {
                "label": label,
                "path": path,
                "kind": kind,
                "size": size,
                "requests": stats.requests,
                "errors": stats.errors,
                "median_ms": stats.median_ms,
                "p95_ms": stats.p95_ms,
                "p99_ms": stats.p99_ms,
                "throughput": stats.throughput,
                "queries": queries,
                "alone_ms": alone_ms,
            }
        )
        say(
            f"  [{size}] {label:<22} median {stats.median_ms:8.1f} ms, p95 {stats.p95_ms:8.1f}, "
            f"p99 {stats.p99_ms:8.1f}, {queries:3} queries, {stats.errors} errors; alone {alone_ms:6.1f} ms"
        )
    return rows


def measure_bare(instance: harness.Instance, args, size: str) -> dict:
    stats = harness.load(instance.port, "/bench/bare", clients=args.clients, requests_per_client=args.bare_requests)
    say(f"  [{size}] GET /bench/bare median {stats.median_ms:.2f} ms, p99 {stats.p99_ms:.2f} ms")
    return {
        "size": size,
        "requests": stats.requests,
        "errors": stats.errors,
        "median_ms": stats.median_ms,
        "p95_ms": stats.p95_ms,
        "p99_ms": stats.p99_ms,
        "throughput": stats.throughput,
    }


def data_facts() -> dict:
    from golive.audit.models import AuditEvent
    from golive.cutover.models import RunbookStep
    from golive.debrief.models import RetroItem
    from golive.lifecycle.models import Project
    from golive.tracker.models import Comment, Issue
    from golive.uat.models import Run, Scenario

    measured = Project.objects.get(key=MEASURED)
    return {
        "projects": Project.objects.exclude(key=MEMORY_INTAKE).count(),
        "issues": Issue.objects.exclude(project__key=MEMORY_INTAKE).count(),
        "measured_issues": Issue.objects.filter(project=measured).count(),
        "measured_comments": Comment.objects.filter(issue__project=measured).count(),
        "measured_scenarios": Scenario.objects.filter(project=measured).count(),
        "measured_runs": Run.objects.filter(project=measured).count(),
        "measured_steps": RunbookStep.objects.filter(runbook__project=measured).count(),
        "measured_retro_items": RetroItem.objects.filter(project=measured).count(),
        "measured_audit": AuditEvent.objects.filter(project=measured).count(),
    }


# --------------------------------------------------------------------------------------------------------------
# Profiles (pyinstrument, in-process)


def profile_path(client, path: str, *, repeat: int = 3, top: int = 8) -> list[str]:
    from pyinstrument import Profiler

    client.get(path)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(repeat):
        client.get(path)
    session = profiler.stop()
    root = session.root_frame()
    total = root.time if root else 0.0
    own: dict[str, float] = {}
    cumulative: dict[str, float] = {}

    def walk(frame, seen: frozenset) -> None:
        where = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        own[where] = own.get(where, 0.0) + frame.total_self_time
        if where not in seen and "/golive/" in (frame.file_path or "") and "middleware" not in frame.file_path:
            cumulative[where] = cumulative.get(where, 0.0) + frame.time
        for child in frame.children:
            walk(child, seen | {where})

    if root is not None:
        walk(root, frozenset())
    lines = [f"{repeat} requests, {total * 1000 / repeat:.1f} ms each; GoLive frames by cumulative time:"]
    for where, seconds in sorted(cumulative.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {100 * seconds / total:5.1f}%  {where}")
    lines.append("all frames by own time:")
    for where, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {100 * seconds / total:5.1f}%  {where}")
    return lines


# --------------------------------------------------------------------------------------------------------------
# Memory of the workers


def start_production(instance: harness.Instance, args) -> None:
    """The production profile of docs/deploy.md: gunicorn with golive.gunicorn_conf (threaded workers) and,
    with a broker, one ``golive worker`` beside it."""
    instance.start_server(server="production", workers=args.workers, broker_url=args.broker_url or None)


def server_description(args) -> str:
    from golive import gunicorn_conf

    background = "a Celery worker on Redis" if args.broker_url else "background work inline"
    threads = harness.plural(gunicorn_conf.threads, "thread")
    return f"gunicorn (golive.gunicorn_conf), {args.workers} workers x {threads}; {background}"


def worker_pids(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == master:
            children.append(int(entry.name))
    return sorted(children)


def memory_of(pid: int) -> dict[str, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, amount, _unit = line.split()
            values[name.rstrip(":")] = int(amount) / 1024
    return values


def measure_memory(instance: harness.Instance, tenant: Tenant, args) -> dict:
    if tenant.memory_project is None:
        seed_memory_project(tenant)
    instance.stop_server()
    start_production(instance, args)
    master = instance.server.pid
    pids = worker_pids(master)
    cookie = session_cookie(tenant.lead)
    page = {"Accept": "text/html", "Cookie": cookie}
    api = {"Accept": "application/json", "Authorization": f"Token {tenant.world.token}"}
    intake_headers = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Authorization": f"Token {tenant.intake_token}",
    }
    mix: list[tuple[str, str, dict, bool]] = []
    for _label, template, kind in PATHS:
        mix.append(("GET", concrete(template, tenant), page if kind == "page" else api, False))
    # Weighted like a go-live spike: every page and list once a round, and besides them the customer's intake
    # POSTs and the issue list and detail they look at (40 requests a round, 8 of them writes).
    intake = ("POST", f"/api/v1/projects/{MEMORY_INTAKE}/issues/", intake_headers, True)
    issues_api = ("GET", concrete("/api/v1/projects/{key}/issues/", tenant), api, False)
    issue_page = ("GET", concrete("/projects/{key}/issues/{issue}/", tenant), page, False)
    mix += [intake] * 8 + [issues_api] * 8 + [issue_page] * 7
    counter = [0]
    lock = threading.Lock()
    errors = [0]
    latencies: list[float] = []

    def client(share: int, offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=120)
        for i in range(share):
            method, path, headers, post = mix[(offset + i) % len(mix)]
            with lock:
                counter[0] += 1
                number = counter[0]
            body = None
            if post:
                body = json.dumps(
                    {"title": f"Memory run issue {number}", "description": "It broke.", "severity": "P3"}
                ).encode()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == (201 if post else 200)
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
        conn.close()

    samples = [{"requests": 0, **{str(pid): memory_of(pid) for pid in pids}}]
    say(f"  workers {pids}: start {samples[0]}")
    done = 0
    began = time.perf_counter()
    while done < args.memory_requests:
        chunk = min(args.sample_every, args.memory_requests - done)
        shares = [chunk // args.clients + (1 if i < chunk % args.clients else 0) for i in range(args.clients)]
        threads = [
            threading.Thread(target=client, args=(share, done + i * 7), daemon=True) for i, share in enumerate(shares)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done += chunk
        alive = worker_pids(master)
        if alive != pids:
            say(f"  worker set changed: {pids} -> {alive}")
        sample = {"requests": done, **{str(pid): memory_of(pid) for pid in alive}}
        samples.append(sample)
        rss = ", ".join(f"{pid}: {sample[str(pid)]['VmRSS']:.1f}/{sample[str(pid)]['VmHWM']:.1f}" for pid in alive)
        say(f"  after {done:>6} requests: RSS/HWM MB {rss}; {errors[0]} errors")
    wall = time.perf_counter() - began
    latencies.sort()
    peak = max(s[str(pid)]["VmHWM"] for s in samples for pid in pids if str(pid) in s)

    def growth_from(index: int) -> dict[str, float]:
        growth = {}
        for pid in pids:
            first = samples[index].get(str(pid), {}).get("VmRSS")
            last = samples[-1].get(str(pid), {}).get("VmRSS")
            growth[str(pid)] = ratio(last - first, first) * 100 if first and last else float("nan")
        return growth

    # A leak grows with every request; the first thousands also fill the caches a worker keeps (compiled
    # templates, translation catalogues, parsed calendars and Markdown), which is warm-up, not growth. The target
    # reads the second half of the run; the growth after the first 2,000 requests is reported beside it.
    base_index = next((i for i, s in enumerate(samples) if s["requests"] >= 2 * args.sample_every), 0)
    half_index = next((i for i, s in enumerate(samples) if s["requests"] >= done / 2), 0)
    return {
        "pids": pids,
        "samples": samples,
        "peak_mb": peak,
        "growth_percent": growth_from(half_index),
        "growth_from": samples[half_index]["requests"],
        "warm_growth_percent": growth_from(base_index),
        "warm_growth_from": samples[base_index]["requests"],
        "errors": errors[0],
        "requests": done,
        "wall_seconds": wall,
        "median_ms": harness.percentile(latencies, 50),
        "p99_ms": harness.percentile(latencies, 99),
        "mix": [f"{m} {p}" for m, p, _h, _b in mix],
    }


# --------------------------------------------------------------------------------------------------------------
# The sweep over 1,000,000 issues


def sweep_templates(project, now: dt.datetime, count: int = 2000) -> list[tuple]:
    """``count`` issue shapes with their due times from the project's real SLA policy; the rows of the sweep
    take shape ``n % count``. Per 100 shapes: 1 open and unanswered past its response due time, 30 closed, 10
    resolved, 1 in two hundred answered and past its resolution due time, the rest open and not yet due."""
    from golive.tracker.models import Issue
    from golive.tracker.services import compute_dues, policy_for

    rng = random.Random(1_000_000)
    policy = policy_for(project)
    shapes = []
    for k in range(count):
        severity = rng.choices(SEVERITIES, weights=(3, 15, 52, 30))[0]
        state = {
            "status": "new",
            "first_response_at": None,
            "resolved_at": None,
            "closed_at": None,
            "response_breached": False,
            "resolution_breached": False,
        }
        if k % 100 == 0:  # unanswered, past its response due time
            severity = "P3"
            reported = now - dt.timedelta(days=3)
            for _ in range(20):
                issue = Issue(reported_at=reported, severity=severity)
                response_due, resolution_due = compute_dues(issue, policy)
                if response_due < now - dt.timedelta(minutes=1):
                    break
                reported -= dt.timedelta(days=1)
        elif k % 200 == 51:  # answered, past its resolution due time, not yet flagged
            severity = "P2"
            reported = now - dt.timedelta(days=30)
            issue = Issue(reported_at=reported, severity=severity)
            response_due, resolution_due = compute_dues(issue, policy)
            state.update(status="in_progress", first_response_at=reported + dt.timedelta(minutes=10))
        elif k % 100 < 31:  # closed
            reported = now - dt.timedelta(days=rng.uniform(10, 300))
            issue = Issue(reported_at=reported, severity=severity)
            response_due, resolution_due = compute_dues(issue, policy)
            answered = reported + dt.timedelta(minutes=rng.uniform(5, 120))
            resolved = reported + dt.timedelta(hours=rng.uniform(2, 48))
            state.update(
                status="closed",
                first_response_at=answered,
                resolved_at=resolved,
                closed_at=resolved + dt.timedelta(days=1),
                response_breached=late(answered, response_due),
                resolution_breached=late(resolved, resolution_due),
            )
        elif k % 100 < 41:  # resolved, waiting to be closed
            reported = now - dt.timedelta(days=rng.uniform(1, 5))
            issue = Issue(reported_at=reported, severity=severity)
            response_due, resolution_due = compute_dues(issue, policy)
            answered = reported + dt.timedelta(minutes=rng.uniform(5, 60))
            resolved = answered + dt.timedelta(hours=rng.uniform(1, 4))
            state.update(
                status="resolved",
                first_response_at=answered,
                resolved_at=resolved,
                response_breached=late(answered, response_due),
                resolution_breached=late(resolved, resolution_due),
            )
        else:  # open and not yet due: just reported, or answered and being worked on
            reported = now - dt.timedelta(minutes=rng.uniform(1, 20))
            issue = Issue(reported_at=reported, severity=severity)
            response_due, resolution_due = compute_dues(issue, policy)
            if k % 2:
                state.update(status="triaged", first_response_at=reported + dt.timedelta(minutes=1))
        shapes.append((k, severity, reported, response_due, resolution_due, state))
    return shapes


def insert_sweep_issues(project, reporter, total: int, now: dt.datetime) -> tuple[float, dict]:
    """``total`` issues of the shapes above with one ``INSERT ... SELECT`` from a temp table of shapes."""
    from django.db import connection

    from golive.tracker.models import OPEN_STATUSES, Issue, IssueSequence

    shapes = sweep_templates(project, now)
    expected = {"response": 0, "resolution": 0}
    for k, _severity, _reported, response_due, resolution_due, state in shapes:
        rows = len(range(k if k else len(shapes), total + 1, len(shapes)))
        if state["first_response_at"] is None and state["status"] != "closed" and late(now, response_due):
            expected["response"] += rows
        if state["status"] in OPEN_STATUSES and late(now, resolution_due):
            expected["resolution"] += rows
    table = connection.ops.quote_name(Issue._meta.db_table)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The secondary (non-unique) indexes are dropped for the insert and built again after it: one sorted
        # build each instead of a million inserts into each. The unique ones stay, so the rows stay valid.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
            "AND indexdef NOT LIKE 'CREATE UNIQUE %%'",
            [Issue._meta.db_table],
        )
        secondary = cursor.fetchall()
        for name, _definition in secondary:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(
            "CREATE TEMP TABLE bench_shape (k int PRIMARY KEY, severity varchar(2), reported_at timestamptz, "
            "response_due_at timestamptz, resolution_due_at timestamptz, status varchar(24), "
            "first_response_at timestamptz, resolved_at timestamptz, closed_at timestamptz, "
            "response_breached boolean, resolution_breached boolean)"
        )
        cursor.executemany(
            "INSERT INTO bench_shape VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    k,
                    severity,
                    reported,
                    response_due,
                    resolution_due,
                    s["status"],
                    s["first_response_at"],
                    s["resolved_at"],
                    s["closed_at"],
                    s["response_breached"],
                    s["resolution_breached"],
                )
                for k, severity, reported, response_due, resolution_due, s in shapes
            ],
        )
        cursor.execute(
            f"INSERT INTO {table} (project_id, number, title, description, kind, severity, status, reporter_id, "
            "reported_at, first_response_at, resolved_at, closed_at, response_due_at, resolution_due_at, "
            "response_breached, resolution_breached, pauses, created_at, updated_at) "
            "SELECT %s, n, 'Sweep issue ' || n, '', 'incident', s.severity, s.status, %s, s.reported_at, "
            "s.first_response_at, s.resolved_at, s.closed_at, s.response_due_at, s.resolution_due_at, "
            "s.response_breached, s.resolution_breached, '[]'::jsonb, s.reported_at, s.reported_at "
            "FROM generate_series(1, %s) AS n JOIN bench_shape AS s ON s.k = n %% %s",
            [project.pk, reporter.pk, total, len(shapes)],
        )
        cursor.execute("DROP TABLE bench_shape")
        for _name, definition in secondary:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
    IssueSequence.objects.update_or_create(project=project, defaults={"last_number": total})
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started, expected


def explain(queryset) -> list[str]:
    return queryset.explain(analyze=True, buffers=False).splitlines()


def measure_sweep(tenant: Tenant, args) -> dict:
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from golive import jobs
    from golive.lifecycle import services as lifecycle
    from golive.tracker.models import OPEN_STATUSES, Issue, IssueStatus
    from golive.tracker.services import sweep_breaches

    now = timezone.now()
    jobs.sweep(as_of=now)  # whatever the earlier parts left due, so the timed runs see only the new rows
    project = lifecycle.project_create(
        actor=tenant.lead,
        key="SWEEP",
        name="Sweep",
        customer=tenant.world.customer,
        planned_go_live=dt.date.today() + dt.timedelta(days=30),
    )
    insert_seconds, expected = insert_sweep_issues(project, tenant.lead, args.sweep_issues, now)
    say(f"  inserted {args.sweep_issues} issues in {insert_seconds:.1f} s; due to flag: {expected}")
    as_of = now
    response_q = Q(first_response_at__isnull=True, response_due_at__lt=as_of, response_breached=False)
    resolution_q = Q(
        status__in=OPEN_STATUSES, waiting_since__isnull=True, resolution_due_at__lt=as_of, resolution_breached=False
    )
    due = {
        "response": Issue.objects.filter(response_q).exclude(status=IssueStatus.CLOSED),
        "resolution": Issue.objects.filter(resolution_q).exclude(status=IssueStatus.CLOSED),
    }
    plans = {metric: explain(queryset.order_by().values("id")) for metric, queryset in due.items()}
    for metric, plan in plans.items():
        say(f"  plan ({metric}): " + " / ".join(line.strip() for line in plan if "Scan" in line))

    started = time.perf_counter()
    counted = {metric: queryset.count() for metric, queryset in due.items()}
    count_seconds = time.perf_counter() - started

    started = time.perf_counter()
    first = sweep_breaches(as_of=as_of)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = sweep_breaches(as_of=as_of)
    second_seconds = time.perf_counter() - started

    # The plain UPDATE of the same rows: reset the flags, then one UPDATE per metric.
    Issue.objects.filter(project=project, response_breached=True, first_response_at__isnull=True).update(
        response_breached=False
    )
    Issue.objects.filter(project=project, resolution_breached=True, status__in=OPEN_STATUSES).update(
        resolution_breached=False
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Issue._meta.db_table)}")
    started = time.perf_counter()
    plain = {
        "response": Issue.objects.filter(response_q).exclude(status=IssueStatus.CLOSED).update(response_breached=True),
        "resolution": Issue.objects.filter(resolution_q)
        .exclude(status=IssueStatus.CLOSED)
        .update(resolution_breached=True),
    }
    plain_seconds = time.perf_counter() - started

    # golive.jobs.sweep() as the scheduler runs it, a minute later: nothing new to flag.
    later = as_of + dt.timedelta(minutes=1)
    started = time.perf_counter()
    job = jobs.sweep(as_of=later)
    job_seconds = time.perf_counter() - started
    started = time.perf_counter()
    jobs.sweep(as_of=later)
    job_again_seconds = time.perf_counter() - started
    ok = first == expected == counted == plain and second == {"response": 0, "resolution": 0}
    say(
        f"  count {count_seconds:.3f} s {counted}; sweep first {first_seconds:.3f} s {first}, second "
        f"{second_seconds:.3f} s {second}; plain UPDATE {plain_seconds:.3f} s {plain}; jobs.sweep "
        f"{job_seconds:.3f} s / {job_again_seconds:.3f} s -> {'OK' if ok else 'FAILED'}"
    )
    return {
        "issues": args.sweep_issues,
        "insert_seconds": insert_seconds,
        "expected": expected,
        "counted": counted,
        "count_seconds": count_seconds,
        "first": first,
        "first_seconds": first_seconds,
        "second": second,
        "second_seconds": second_seconds,
        "plain": plain,
        "plain_seconds": plain_seconds,
        "job": {k: v for k, v in job.items() if not isinstance(v, list | dict)},
        "job_seconds": job_seconds,
        "job_again_seconds": job_again_seconds,
        "plans": plans,
        "ok": ok,
    }


# --------------------------------------------------------------------------------------------------------------
# Report


def fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def summarize(rows: list[dict]) -> list[dict]:
    by = {(r["label"], r["size"]): r for r in rows}
    summary = []
    for label, _template, _kind in PATHS:
        small, large = by.get((label, "1x")), by.get((label, "100x"))
        if not small or not large:
            continue
        summary.append(
            {
                "label": label,
                "path": small["path"],
                "median_ratio": ratio(large["median_ms"], small["median_ms"]),
                "alone_small": small["alone_ms"],
                "alone_large": large["alone_ms"],
                "alone_ratio": ratio(large["alone_ms"], small["alone_ms"]),
                "p95_ratio": ratio(large["p95_ms"], small["p95_ms"]),
                "queries_small": small["queries"],
                "queries_large": large["queries"],
            }
        )
    return summary


def render(result: dict, info: dict, args) -> str:
    lines = [
        "## Production profile: 1x vs 100x data, the sweep over 1,000,000 issues, worker memory",
        "",
        "Measured by `bench/bench_production.py` on PostgreSQL with the production profile of docs/deploy.md",
        f"({server_description(args)}); this section is rewritten by that script alone.",
        "Every latency figure is read against a baseline measured in the same run: the same path at 1x, and",
        "`GET /bench/bare` (one `SELECT 1`). The load generator, the server and the database share the machine's",
        "cores, so the ratios within the run are what counts.",
        "",
        "### Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += [
        f"| load | {args.clients} concurrent keep-alive clients, up to {args.requests} GETs each per path and size "
        f"(fewer, at least 2, where that many would take over {args.path_seconds:g} s) after one warm-up request "
        "each |",
        "",
    ]
    pages = result.get("pages")
    if pages:
        small_facts, large_facts = pages["facts"]["1x"], pages["facts"]["100x"]
        lines += [
            "### 1. Pages and API lists at 1x and 100x",
            "",
            "1x: a tenant of "
            f"{small_facts['projects']} projects seeded through the real services (members, phases, issues with",
            "comments, UAT scenarios and runs, runbook, meetings, training, retro notes with votes). The measured",
            f"project `{MEASURED}` went live 10 days ago. 100x: {large_facts['projects']} projects (the new ones",
            "through `project_create`, with bulk-inserted issues) and the measured project's data x100,",
            f"bulk-inserted as valid rows (seeding took {pages['grow_seconds']:.0f} s, of which "
            f"{pages['grow_timings']['sweep']:.0f} s for one sweep",
            "that flags the breaches the inserted issues have due, as a running system would have: at both sizes the",
            "data is swept before it is measured, or the worker's periodic sweep would do it during the measurement).",
            "HTML pages with the consultant lead's session, API lists with the lead's token: the API lists and the",
            "portfolio page read the first page of 10 projects or 20 rows at both sizes (what the 1x data fills, so",
            "that the ratio measures the data and not a page of more rows). The portfolio page at its default of 50",
            "projects a page (all 10 at 1x, 50 at 100x) is listed for reference, not checked.",
            "",
            "| data | projects | issues | measured: issues | comments | UAT scenarios | UAT runs | runbook steps "
            "| retro notes | audit rows |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for size, f in (("1x", small_facts), ("100x", large_facts)):
            lines.append(
                f"| {size} | {f['projects']} | {f['issues']} | {f['measured_issues']} | {f['measured_comments']} "
                f"| {f['measured_scenarios']} | {f['measured_runs']} | {f['measured_steps']} "
                f"| {f['measured_retro_items']} | {f['measured_audit']} |"
            )
        lines += [
            "",
            "| request | data | requests | errors | median ms | p95 ms | p99 ms | req/s | SQL queries "
            "| median / bare |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        bare = {b["size"]: b for b in pages["bare"]}
        for size, b in bare.items():
            lines.append(
                f"| `GET /bench/bare` | {size} | {b['requests']} | {b['errors']} | {fmt(b['median_ms'], 2)} "
                f"| {fmt(b['p95_ms'], 2)} | {fmt(b['p99_ms'], 2)} | {fmt(b['throughput'])} | 1 | 1.00x |"
            )
        for r in sorted(pages["rows"], key=lambda r: ([p[0] for p in PATHS].index(r["label"]), r["size"] != "1x")):
            lines.append(
                f"| {r['label']} (`{r['path']}`) | {r['size']} | {r['requests']} | {r['errors']} "
                f"| {fmt(r['median_ms'])} | {fmt(r['p95_ms'])} | {fmt(r['p99_ms'])} | {fmt(r['throughput'])} "
                f"| {r['queries']} | {fmt(ratio(r['median_ms'], bare[r['size']]['median_ms']), 1)}x |"
            )
        lines += [
            "",
            "Targets: latency 100x / 1x <= 2, SQL queries equal at both sizes. The latency checked is the path's own:",
            f"the median of {args.in_process} requests in-process, one at a time, with the load generator idle and",
            'the Celery worker paused ("alone"). Under load the 2 cores are shared by the load generator, PostgreSQL,',
            "gunicorn and the Celery worker (whose periodic work grows with 1,000 projects): the under-load ratios of",
            "the same code moved by up to +-50% between runs of this script. They are listed beside it.",
            "",
            "| request | alone 1x ms | alone 100x ms | alone 100x / 1x | under load: median 100x / 1x "
            "| p95 100x / 1x | SQL queries 1x -> 100x | check |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]

        def met(s) -> bool:
            return s["alone_ratio"] <= 2 and s["queries_small"] == s["queries_large"]

        for s in pages["summary"]:
            check = (
                f"reference ({MORE_ROWS[s['label']]})" if s["label"] in MORE_ROWS else ("OK" if met(s) else "MISSED")
            )
            lines.append(
                f"| {s['label']} | {fmt(s['alone_small'])} | {fmt(s['alone_large'])} | {fmt(s['alone_ratio'], 2)}x "
                f"| {fmt(s['median_ratio'], 2)}x | {fmt(s['p95_ratio'], 2)}x "
                f"| {s['queries_small']} -> {s['queries_large']} | {check} |"
            )
        missed = [s["label"] for s in pages["summary"] if s["label"] not in MORE_ROWS and not met(s)]
        if missed:
            lines += [
                "",
                f"Missed: {', '.join(missed)}. A page that looks at every project of the caller (what needs me",
                "today: every SLA item of the caller's issues, counted and sorted exactly; every due gate, evaluated)",
                "does work in proportion to the data; where the time goes is in the profiles of part 4.",
            ]
        if pages.get("notes"):
            lines += ["", *pages["notes"]]
    sweep = result.get("sweep")
    if sweep:
        lines += [
            "",
            f"### 2. Breach sweep over {sweep['issues']:,} issues",
            "",
            f"{sweep['issues']:,} issues of one project inserted with one `INSERT ... SELECT` "
            f"({fmt(sweep['insert_seconds'])} s, with the secondary indexes built after it and `VACUUM ANALYZE`),",
            "shaped by 2,000 templates whose due times come from the project's real SLA policy (`compute_dues`): per",
            "100 issues 31 closed, 10 resolved, 1 open and never answered past its response due time, and one in",
            "200 answered but past its resolution due time; the rest just reported or being worked on, not yet due.",
            "Baselines: a bare `SELECT count(*)` of the due rows and, after resetting the flags, one plain",
            "`UPDATE ... SET ..._breached = true` per clock over the same rows. `jobs.sweep()` is the periodic job",
            "(breaches, hypercare exit criteria, notifications due) a minute later.",
            "",
            "| run | seconds | response flagged | resolution flagged | / plain UPDATE |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| `SELECT count(*)` of due rows (baseline) | {fmt(sweep['count_seconds'], 3)} "
            f"| {sweep['counted']['response']} | {sweep['counted']['resolution']} "
            f"| {fmt(ratio(sweep['count_seconds'], sweep['plain_seconds']), 2)}x |",
            f"| plain `UPDATE` of the same rows (baseline) | {fmt(sweep['plain_seconds'], 3)} "
            f"| {sweep['plain']['response']} | {sweep['plain']['resolution']} | 1.00x |",
            f"| `sweep_breaches()`, first run | {fmt(sweep['first_seconds'], 3)} | {sweep['first']['response']} "
            f"| {sweep['first']['resolution']} | {fmt(ratio(sweep['first_seconds'], sweep['plain_seconds']), 2)}x |",
            f"| `sweep_breaches()`, second run | {fmt(sweep['second_seconds'], 3)} | {sweep['second']['response']} "
            f"| {sweep['second']['resolution']} | {fmt(ratio(sweep['second_seconds'], sweep['plain_seconds']), 2)}x |",
            f"| `jobs.sweep()` a minute later | {fmt(sweep['job_seconds'], 3)} "
            f"| {sweep['job'].get('response_breaches')} | {sweep['job'].get('resolution_breaches')} "
            f"| {fmt(ratio(sweep['job_seconds'], sweep['plain_seconds']), 2)}x |",
            f"| `jobs.sweep()` again | {fmt(sweep['job_again_seconds'], 3)} | - | - "
            f"| {fmt(ratio(sweep['job_again_seconds'], sweep['plain_seconds']), 2)}x |",
            "",
            f"Flagged exactly the rows due, once: **{'OK' if sweep['ok'] else 'FAILED'}**. Query plans of the due "
            "rows (`EXPLAIN ANALYZE`):",
        ]
        for metric, plan in sweep["plans"].items():
            scans = [line.strip().removeprefix("->").split("  (cost=")[0].strip() for line in plan if "Scan" in line]
            lines += ["", f"{metric}: {'; '.join(scans) or '-'}", "", "```", *plan, "```"]
    memory = result.get("memory")
    if memory:
        pids = [str(p) for p in memory["pids"]]
        lines += [
            "",
            f"### 3. Web worker memory over {memory['requests']:,} requests",
            "",
            f"A fresh production server ({len(pids)} gunicorn workers; `max_requests` is 20,000, so no worker is "
            f"recycled during the run) serves {memory['requests']:,}",
            f"requests from {args.clients} keep-alive clients cycling through the pages and API lists of part 1 "
            f"at {args.memory_at},",
            f"weighted like a go-live spike (per round of {len(memory['mix'])}: each path once, 8 intake POSTs (to "
            f"project `{MEMORY_INTAKE}`, on none of the measured pages: its issues are not in the 100x data), 8 more "
            "issue-list and 7 issue-detail GETs); each worker's resident set (`VmRSS`) and peak (`VmHWM`) "
            f"from `/proc` every {args.sample_every:,} requests.",
            f"{memory['errors']} errors; {fmt(memory['wall_seconds'])} s; median {fmt(memory['median_ms'])} ms, "
            f"p99 {fmt(memory['p99_ms'])} ms.",
            "",
            "| requests | "
            + " | ".join(f"worker {n + 1} RSS MB | worker {n + 1} peak MB" for n in range(len(pids)))
            + " |",
            "| ---: | " + " | ".join("---: | ---:" for _ in pids) + " |",
        ]
        for sample in memory["samples"]:
            cells = []
            for pid in pids:
                values = sample.get(pid, {})
                cells += [fmt(values.get("VmRSS")), fmt(values.get("VmHWM"))]
            lines.append(f"| {sample['requests']} | " + " | ".join(cells) + " |")
        growth = ", ".join(f"worker {n + 1} {fmt(memory['growth_percent'][pid], 1)}%" for n, pid in enumerate(pids))
        warm = ", ".join(f"worker {n + 1} {fmt(memory['warm_growth_percent'][pid], 1)}%" for n, pid in enumerate(pids))
        worst = max(memory["growth_percent"].values())
        lines += [
            "",
            f"Peak {fmt(memory['peak_mb'])} MB (target < 150 MB: **{'OK' if memory['peak_mb'] < 150 else 'MISSED'}**); "
            f"RSS growth over the second half, from request {memory['growth_from']:,} to {memory['requests']:,}: "
            f"{growth} (target < 5%: **{'OK' if worst < 5 else 'MISSED'}**). From request "
            f"{memory['warm_growth_from']:,}, with the end of the warm-up: {warm}.",
        ]
    profiles = result.get("profiles")
    if profiles:
        lines += [
            "",
            "### 4. Profiles of the slowest paths at 100x",
            "",
            "pyinstrument, in-process through Django's test client, after a warm-up request: GoLive's frames by",
            "cumulative time, then every frame by own time (percent of the whole).",
        ]
        for label, path, entries in profiles:
            lines += ["", f"{label} (`{path}`):", "", "```", *entries, "```"]
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------


def run(args) -> dict:
    result: dict = {}
    with harness.Instance(database_url=args.database_url, keep=args.keep) as instance:
        result["database"] = instance.database_description()
        say(f"data dir {instance.data_dir}; database {result['database']}")
        from django.conf import settings

        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # no e-mails in this log
        world = harness.seed_world()
        tenant = Tenant(world)
        seed_people(tenant)
        if "pages" not in args.skip or "memory" not in args.skip or "profile" not in args.skip:
            started = time.perf_counter()
            seed_measured(tenant, args)
            seed_others(tenant, 1, args.projects, args.other_issues)
            analyze()
            settle()
            analyze()
            seed_seconds = time.perf_counter() - started
            say(f"1x seeded in {seed_seconds:.0f} s: {data_facts()}")
            facts = {"1x": data_facts()}
            rows, bare = [], []
            start_production(instance, args)
            if "pages" not in args.skip:
                say("1. pages at 1x")
                bare.append(measure_bare(instance, args, "1x"))
                rows += measure_paths(instance, tenant, args, "1x")
            if "memory" not in args.skip and args.memory_at == "1x":
                say("3. memory (1x)")
                result["memory"] = measure_memory(instance, tenant, args)
            # Only what is measured at 100x needs the large data set.
            needs_large = "pages" not in args.skip or "profile" not in args.skip
            needs_large = needs_large or ("memory" not in args.skip and args.memory_at == "100x")
            if needs_large:
                started = time.perf_counter()
                timings = grow(tenant, args)
                grow_seconds = time.perf_counter() - started
                facts["100x"] = data_facts()
                say(f"grown to 100x in {grow_seconds:.0f} s ({timings}): {facts['100x']}")
            if "pages" not in args.skip:
                say("1. pages at 100x")
                bare.append(measure_bare(instance, args, "100x"))
                rows += measure_paths(instance, tenant, args, "100x")
                result["pages"] = {
                    "rows": rows,
                    "bare": bare,
                    "summary": summarize(rows),
                    "facts": facts,
                    "seed_seconds": seed_seconds,
                    "grow_seconds": grow_seconds,
                    "grow_timings": timings,
                }
            if "profile" not in args.skip:
                say("4. profiles")
                clients = in_process_clients(tenant)
                large = [r for r in rows if r["size"] == "100x"]
                chosen = sorted(large, key=lambda r: -r["median_ms"])[: args.profile_top] if large else []
                if not chosen:
                    chosen = [{"label": label, "path": concrete(t, tenant), "kind": k} for label, t, k in PATHS[:4]]
                result["profiles"] = []
                for r in chosen:
                    entries = profile_path(clients[r["kind"]], r["path"])
                    say("\n".join([f"  {r['label']}:", *entries]))
                    result["profiles"].append((r["label"], r["path"], entries))
            if "memory" not in args.skip and args.memory_at == "100x":
                say("3. memory (100x)")
                result["memory"] = measure_memory(instance, tenant, args)
            instance.stop_server()
        if "sweep" not in args.skip:
            say("2. sweep")
            result["sweep"] = measure_sweep(tenant, args)
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Interruptible even when started in the background (where a shell ignores SIGINT): Ctrl-C or kill -INT
    # still stops the server and drops the database.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.perf_counter()
    result = run(args)
    import django

    info = harness.machine_info(server=server_description(args))
    info["django"] = django.get_version()
    info["database"] = result["database"]
    info["whole run"] = f"{time.perf_counter() - started:.0f} s"
    report = render(result, info, args)
    say("")
    say(report)
    if args.output:
        harness.write_marked_section(args.output, "production", report)
        say(f"wrote the bench:production section of {args.output}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, **result}, indent=2, default=str))
    failures = []
    pages = result.get("pages")
    if pages and any(r["errors"] for r in pages["rows"]):
        failures.append("page errors")
    if result.get("sweep") and not result["sweep"]["ok"]:
        failures.append("sweep")
    if result.get("memory") and result["memory"]["errors"]:
        failures.append("memory-run errors")
    if failures:
        print(f"checks failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
