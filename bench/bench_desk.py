"""Issue desk benchmark: intake, SLA clocks, the hypercare figures and the breach sweep, each against a baseline
measured in the same run.

1. Intake: ``POST /api/v1/projects/{KEY}/issues/`` as a customer member, against ``POST /bench/bare-insert`` (a
   bare Django view that parses the JSON body and inserts one row with raw SQL in a transaction), on PostgreSQL
   under the production profile (gunicorn with ``golive.gunicorn_conf``: 2 threaded workers, background work sent
   to Redis and consumed by a ``golive worker`` on the same machine) and on SQLite under ``golive serve``
   (waitress). Afterwards the issue numbers must be exactly 1..N.
2. ``compute_dues`` for 10,000 unsaved issues under the default policy (business clocks, US holidays) against
   the same issues under an all-24x7 policy (in-process).
3. ``GET /api/v1/projects/{KEY}/hypercare/`` with 100 and 10,000 issues in a 14-day window against
   ``/bench/bare`` on the same server; the SQL query count must not grow with the issues.
4. ``sweep_breaches()`` over 100,000 open issues past their response due time (first run flags all, second
   none) against one plain ``UPDATE`` of the same rows (in-process, PostgreSQL and SQLite).

Each database runs in its own subprocess (Django is configured once per process). Run with ``make bench``
(writes the ``bench:desk`` section of docs/performance.md) or::

    .venv/bin/python bench/bench_desk.py [--database-url postgres://postgres@127.0.0.1:5432/golive_bench]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import datetime as dt
import io
import json
import math
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/golive_bench"
SEVERITIES = ("P1", "P2", "P3", "P4")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help=f"PostgreSQL database to create and drop (name must contain 'bench'; default {DEFAULT_POSTGRES})",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL part")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite part")
    parser.add_argument("--no-sqlite-sweep", action="store_true", help="skip the 100,000-issue sweep on SQLite")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--intake-requests", type=int, default=250, help="POSTs per client and path (default 250)")
    parser.add_argument(
        "--intake-rounds",
        type=int,
        default=3,
        help="alternating rounds of bare and intake POSTs (default 3)",
    )
    parser.add_argument("--bare-requests", type=int, default=100, help="GET /bench/bare per client (default 100)")
    parser.add_argument("--hypercare-requests", type=int, default=10, help="hypercare GETs per client (default 10)")
    parser.add_argument(
        "--in-process-posts", type=int, default=100, help="POSTs per path timed in-process (default 100)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--broker-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="Redis for the production profile's background work (default redis://127.0.0.1:6379/13; '' for none)",
    )
    parser.add_argument("--dues", type=int, default=10_000, help="issues for compute_dues (default 10000)")
    parser.add_argument("--hypercare-issues", type=int, default=10_000, help="issues in the window (default 10000)")
    parser.add_argument("--sweep-issues", type=int, default=100_000, help="open issues to sweep (default 100000)")
    parser.add_argument("--output", type=Path, help="write the report into this file's bench:desk section")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dirs (server logs)")
    # internal: run one database's part in this process and write its figures here
    parser.add_argument("--part", choices=["postgres", "sqlite"], help=argparse.SUPPRESS)
    parser.add_argument("--part-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.intake_rounds < 1:
        parser.error("--intake-rounds must be at least 1")
    return args


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def stats_dict(stats: harness.Stats, **extra) -> dict:
    return {
        "path": stats.path,
        "clients": stats.clients,
        "requests": stats.requests,
        "warmup": stats.warmup_requests,
        "errors": stats.errors,
        "median_ms": stats.median_ms,
        "p95_ms": stats.p95_ms,
        "p99_ms": stats.p99_ms,
        "throughput": stats.throughput,
        **extra,
    }


def say(text: str) -> None:
    print(text, flush=True)


def profile_top(function, *, top: int = 10) -> list[str]:
    """Run ``function`` under cProfile: GoLive's own functions by cumulative time, then every function by own
    (exclusive) time, ``top`` of each."""
    profiler = cProfile.Profile()
    profiler.enable()
    function()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        short = filename.split("site-packages/")[-1].split("src/")[-1]
        rows.append((cumtime, tottime, calls, f"{short}:{line}({name})", filename))

    def entry(row) -> str:
        cum, own, calls, where, _filename = row
        return f"{cum:7.3f} s cum ({100 * cum / total:5.1f}%) {own:7.3f} s own {calls:>8} calls  {where}"

    own_code = [r for r in rows if "/golive/" in r[4] and "middleware" not in r[4]]
    lines = [f"total {total:.3f} s; GoLive functions by cumulative time:"]
    lines += [entry(r) for r in sorted(own_code, reverse=True)[:top]]
    lines.append("all functions by own time:")
    lines += [entry(r) for r in sorted(rows, key=lambda r: r[1], reverse=True)[:top]]
    return lines


# --------------------------------------------------------------------------------------------------------------
# Seeding


def seed_desk(world: harness.World, key: str, *, customer_member: bool = False) -> tuple[object, object, str | None]:
    """A project with the lead as consultant lead; optionally a customer member with an API token."""
    from django.db import transaction

    from golive.accounts import services as accounts
    from golive.accounts.models import Role
    from golive.lifecycle.services import project_create

    with transaction.atomic():
        project = project_create(
            actor=world.lead,
            key=key,
            name=f"Bench desk {key}",
            customer=world.customer,
            planned_go_live=dt.date.today() + dt.timedelta(days=60),
        )
        if not customer_member:
            return project, world.lead, None
        user = accounts.user_create(
            actor=None,
            username=f"bench.customer.{key.lower()}",
            password=harness.SEED_PASSWORD,
            email=f"bench.customer.{key.lower()}@example.invalid",
            organization=world.customer,
        )
        accounts.membership_add(actor=world.lead, project=project, user=user, role=Role.CUSTOMER_MEMBER)
        token = accounts.token_get_or_create(user=user).key
    return project, user, token


def create_bare_table() -> None:
    from django.db import connection

    column = "id bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "id integer PRIMARY KEY AUTOINCREMENT"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS bench_bare ({column}, title varchar(300) NOT NULL, "
            "description text NOT NULL, severity varchar(2) NOT NULL)"
        )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------------------------------------------
# 1. Intake


def measure_intake(instance: harness.Instance, world: harness.World, args, server: str) -> dict:
    from django.db import connection
    from django.test import Client

    from golive.tracker.models import Issue, IssueSequence

    project, _customer, token = seed_desk(world, "DESK", customer_member=True)

    def payload(client: int, sequence: int) -> dict:
        return {
            "title": f"Checkout fails for order {client}-{sequence}",
            "description": "Steps to reproduce:\n\n1. open the cart\n2. press *Pay*\n\nExpected: a receipt.",
            "severity": "P3",
        }

    body = harness.json_body(payload)
    intake_path = f"/api/v1/projects/{project.key}/issues/"
    auth = {"Authorization": f"Token {token}"}
    # In alternating rounds (bare, intake, bare, intake ...): a drift of the machine during the part (another
    # process, the periodic sweep) falls on both paths alike instead of on whichever ran at the time.
    per_round = -(-args.intake_requests // args.intake_rounds)
    common = {"clients": args.clients, "requests_per_client": per_round, "method": "POST", "body": body}
    rounds: dict[str, list] = {"bare": [], "intake": []}
    for _ in range(args.intake_rounds):
        rounds["bare"].append(harness.load(instance.port, "/bench/bare-insert", **common))
        rounds["intake"].append(harness.load(instance.port, intake_path, headers=auth, **common))
    bare, intake = harness.combined(rounds["bare"]), harness.combined(rounds["intake"])
    say(
        "  rounds (bare / intake req/s): "
        + ", ".join(
            f"{b.throughput:.0f} / {i.throughput:.0f}" for b, i in zip(rounds["bare"], rounds["intake"], strict=True)
        )
    )
    for stats in (bare, intake):
        say(
            f"  POST {stats.path:<28} median {stats.median_ms:7.2f} ms, p99 {stats.p99_ms:7.2f} ms, "
            f"{stats.throughput:7.1f} req/s, {stats.errors} errors"
        )

    numbers = list(Issue.objects.filter(project=project).order_by("number").values_list("number", flat=True))
    sent_ok = intake.warmup_requests + intake.requests - intake.errors
    last = IssueSequence.objects.filter(project=project).values_list("last_number", flat=True).first()
    numbering_ok = numbers == list(range(1, len(numbers) + 1)) and len(numbers) == sent_ok and last == len(numbers)
    duplicates = len(numbers) - len(set(numbers))
    gaps = (max(numbers) - len(set(numbers))) if numbers else 0
    say(
        f"  numbering: {len(numbers)} issues, numbers 1..{max(numbers) if numbers else 0}, {duplicates} duplicates, "
        f"{gaps} gaps, sequence at {last}, {sent_ok} successful POSTs -> {'OK' if numbering_ok else 'FAILED'}"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_bare")
        bare_rows = cursor.fetchone()[0]

    # One POST in-process: its SQL queries, and a profile of 50 more.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    data = json.dumps(payload(99, 0))
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = client.post(intake_path, data=data, content_type="application/json")
    if response.status_code != 201:
        raise SystemExit(f"in-process intake POST: {response.status_code} {response.content[:300]!r}")
    # Service time without HTTP and without the load generator competing for the cores: one thread, test client.
    bare_client = Client(HTTP_HOST="127.0.0.1")
    in_process = {}
    for name, each, path in (("bare", bare_client, "/bench/bare-insert"), ("intake", client, intake_path)):
        each.post(path, data=data, content_type="application/json")
        began = time.perf_counter()
        for _ in range(args.in_process_posts):
            if each.post(path, data=data, content_type="application/json").status_code != 201:
                raise SystemExit(f"in-process POST {path} failed")
        in_process[name] = (time.perf_counter() - began) * 1000 / args.in_process_posts
    say(f"  in-process: bare-insert {in_process['bare']:.2f} ms, intake {in_process['intake']:.2f} ms per POST")
    profile = profile_top(
        lambda: [client.post(intake_path, data=data, content_type="application/json") for _ in range(50)]
    )
    return {
        "server": server,
        "bare": stats_dict(bare, rows=bare_rows),
        "intake": stats_dict(intake),
        "throughput_ratio": ratio(intake.throughput, bare.throughput),
        "median_ratio": ratio(intake.median_ms, bare.median_ms),
        "numbering": {
            "issues": len(numbers),
            "max": max(numbers) if numbers else 0,
            "duplicates": duplicates,
            "gaps": gaps,
            "sequence": last,
            "successful_posts": sent_ok,
            "ok": numbering_ok,
        },
        "queries_per_post": len(queries),
        "in_process_ms": in_process,
        "profile": profile,
    }


# --------------------------------------------------------------------------------------------------------------
# 2. compute_dues


def measure_dues(args) -> dict:
    from django.utils import timezone

    from golive.tracker import businesstime
    from golive.tracker.models import Issue
    from golive.tracker.services import compute_dues

    rng = random.Random(20261126)
    start = timezone.now() - dt.timedelta(days=365)
    issues = [
        Issue(reported_at=start + dt.timedelta(seconds=rng.uniform(0, 365 * 86400)), severity=rng.choice(SEVERITIES))
        for _ in range(args.dues)
    ]
    business = businesstime.DEFAULT_POLICY
    always = copy.deepcopy(business)
    for target in always["targets"].values():
        target["clock"] = "24x7"

    def run(policy) -> float:
        started = time.perf_counter()
        for issue in issues:
            compute_dues(issue, policy)
        return time.perf_counter() - started

    run(business)  # warm the holiday cache and the zone data
    results = {}
    for name, policy in (("business", business), ("24x7", always)):
        seconds = min(run(policy) for _ in range(3))
        results[name] = {"ms": seconds * 1000, "us_per_issue": seconds * 1e6 / len(issues)}
        per_issue = results[name]["us_per_issue"]
        say(f"  compute_dues {name:<8} {seconds * 1000:8.1f} ms for {len(issues)}, {per_issue:.1f} µs per issue")
    return {
        "issues": len(issues),
        **results,
        "ratio": ratio(results["business"]["ms"], results["24x7"]["ms"]),
        "profile": profile_top(lambda: run(business)),
    }


# --------------------------------------------------------------------------------------------------------------
# 3. Hypercare


def hypercare_issues(project, phase, reporter, starts_at: dt.datetime, now: dt.datetime, total: int) -> list:
    """``total`` issues over the window with decaying daily arrivals, realistic severities, most of the older
    ones answered and resolved; numbered 1..total in order of reporting, with their SLA due times."""
    from golive.tracker.models import Issue, IssueStatus
    from golive.tracker.services import compute_dues, policy_for

    rng = random.Random(14)
    policy = policy_for(project)
    days = max(1, math.ceil((now - starts_at).total_seconds() / 86400))
    weights = [math.exp(-day / 4) for day in range(days)]
    instants = []
    for day in rng.choices(range(days), weights=weights, k=total):
        at = starts_at + dt.timedelta(days=day, seconds=rng.uniform(0, 86400))
        instants.append(min(at, now - dt.timedelta(seconds=rng.uniform(1, 3600))))
    instants.sort()
    issues = []
    for number, reported_at in enumerate(instants, start=1):
        issue = Issue(
            project=project,
            number=number,
            title=f"Hypercare issue {number}",
            kind="incident",
            severity=rng.choices(SEVERITIES, weights=(3, 15, 52, 30))[0],
            category=rng.choice(["bug", "configuration", "data", "training_gap", "access", "integration"]),
            reporter=reporter,
            phase=phase,
            reported_at=reported_at,
        )
        issue.response_due_at, issue.resolution_due_at = compute_dues(issue, policy)
        answered = reported_at + dt.timedelta(minutes=rng.uniform(5, 240))
        if answered < now:
            issue.first_response_at = answered
            issue.status = IssueStatus.TRIAGED
        age_days = (now - reported_at).total_seconds() / 86400
        resolved = reported_at + dt.timedelta(hours=rng.uniform(1, 72))
        if resolved < now and rng.random() < (0.9 if age_days > 3 else 0.5):
            issue.resolved_at = resolved
            issue.status = IssueStatus.RESOLVED
            closed = resolved + dt.timedelta(days=1)
            if closed < now and rng.random() < 0.7:
                issue.closed_at = closed
                issue.status = IssueStatus.CLOSED
        issues.append(issue)
    return issues


def measure_hypercare(instance: harness.Instance, world: harness.World, args, bare: harness.Stats) -> dict:
    from django.utils import timezone

    from golive.cutover.services import golive_record
    from golive.lifecycle.models import Phase
    from golive.lifecycle.services import phase_advance
    from golive.tracker.models import Issue, IssueSequence

    project, _lead, _token = seed_desk(world, "HYPER")
    while project.current_phase.key != "deployment":
        project = phase_advance(actor=world.lead, project=project, override_reason="bench")
    now = timezone.now()
    starts_at = now - dt.timedelta(days=14)
    golive_record(actor=world.lead, project=project, at=starts_at, override_reason="bench")
    project.refresh_from_db()
    phase = Phase.objects.get(project=project, key="hypercare")

    started = time.perf_counter()
    issues = hypercare_issues(project, phase, world.lead, starts_at, now, args.hypercare_issues)
    generate_seconds = time.perf_counter() - started
    small = issues[:: max(1, len(issues) // 100)][:100]
    chosen = {issue.number for issue in small}
    rest = [issue for issue in issues if issue.number not in chosen]
    path = f"/api/v1/projects/{project.key}/hypercare/"
    auth = {"Authorization": f"Token {world.token}"}
    rows = []
    seed_seconds = 0.0
    for batch, expected in ((small, len(small)), (rest, len(issues))):
        began = time.perf_counter()
        Issue.objects.bulk_create(batch, batch_size=2000)
        IssueSequence.objects.update_or_create(project=project, defaults={"last_number": len(issues)})
        analyze()
        seed_seconds += time.perf_counter() - began
        status, queries, body = harness.count_queries(path, world.token)
        if status != 200 or body.get("issues_in_window") != expected:
            raise SystemExit(f"{path}: expected 200 with {expected} issues, got {status} {str(body)[:300]}")
        stats = harness.load(
            instance.port, path, clients=args.clients, requests_per_client=args.hypercare_requests, headers=auth
        )
        rows.append(
            stats_dict(stats, issues=expected, queries=queries, median_vs_bare=ratio(stats.median_ms, bare.median_ms))
        )
        say(
            f"  GET hypercare, {expected:>6} issues: median {stats.median_ms:7.1f} ms, p99 {stats.p99_ms:7.1f} ms, "
            f"{stats.throughput:6.1f} req/s, {queries} queries, {stats.errors} errors"
        )
    from golive.hypercare.selectors import hypercare_status

    profile = profile_top(lambda: [hypercare_status(project=project) for _ in range(10)])
    return {
        "rows": rows,
        "generate_seconds": generate_seconds,
        "insert_seconds": seed_seconds,
        "profile": profile,
        "bare_median_ms": bare.median_ms,
    }


# --------------------------------------------------------------------------------------------------------------
# 4. Sweep


def insert_open_issues(project, reporter, total: int, now: dt.datetime) -> float:
    """``total`` open P3 issues, never answered, response due an hour ago and resolution due in a week, with one
    ``INSERT ... SELECT`` (seconds taken)."""
    from django.db import connection

    from golive.tracker.models import Issue

    ops = connection.ops
    at = ops.adapt_datetimefield_value
    params = [
        project.pk,
        reporter.pk,
        at(now - dt.timedelta(days=2)),
        at(now - dt.timedelta(hours=1)),
        at(now + dt.timedelta(days=7)),
        at(now),
        at(now),
    ]
    pg = connection.vendor == "postgresql"
    empty_list = "'[]'::jsonb" if pg else "'[]'"
    series = (
        "SELECT generate_series(1, %s) AS n"
        if pg
        else "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s) SELECT n FROM seq"
    )
    table = ops.quote_name(Issue._meta.db_table)
    sql = (
        f"INSERT INTO {table} (project_id, number, title, description, kind, severity, status, reporter_id, "
        "reported_at, response_due_at, resolution_due_at, response_breached, resolution_breached, pauses, "
        "created_at, updated_at) "
        "SELECT %s, s.n, 'Open issue ' || s.n, '', 'incident', 'P3', 'new', %s, %s, %s, %s, false, false, "
        f"{empty_list}, %s, %s FROM ({series}) AS s"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, total])
    analyze()
    return time.perf_counter() - started


def measure_sweep(world: harness.World, args) -> dict:
    from django.db import connection
    from django.utils import timezone

    from golive.tracker.models import Issue, IssueEvent
    from golive.tracker.services import sweep_breaches

    sweep_breaches()  # flag whatever earlier parts left breached, so the timed runs see only the new rows
    project, _lead, _token = seed_desk(world, "SWEEP")
    now = timezone.now()
    insert_seconds = insert_open_issues(project, world.lead, args.sweep_issues, now)
    say(f"  inserted {args.sweep_issues} open issues in {insert_seconds:.1f} s")
    as_of = timezone.now()

    started = time.perf_counter()
    first = sweep_breaches(as_of=as_of)
    first_seconds = time.perf_counter() - started
    events = IssueEvent.objects.filter(issue__project=project, kind="sla_breach_response").count()
    started = time.perf_counter()
    second = sweep_breaches(as_of=as_of)
    second_seconds = time.perf_counter() - started
    ok = first == {"response": args.sweep_issues, "resolution": 0} and events == args.sweep_issues
    ok = ok and second == {"response": 0, "resolution": 0}

    Issue.objects.filter(project=project).update(response_breached=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Issue._meta.db_table)}")
    started = time.perf_counter()
    plain = Issue.objects.filter(
        first_response_at__isnull=True, response_due_at__lt=as_of, response_breached=False
    ).update(response_breached=True)
    plain_seconds = time.perf_counter() - started
    ok = ok and plain == args.sweep_issues
    say(
        f"  sweep: first {first_seconds:.2f} s {first}, {events} events; second {second_seconds:.3f} s {second}; "
        f"plain UPDATE {plain_seconds:.2f} s ({plain} rows) -> {'OK' if ok else 'FAILED'}"
    )
    return {
        "issues": args.sweep_issues,
        "insert_seconds": insert_seconds,
        "first_seconds": first_seconds,
        "first": first,
        "events": events,
        "second_seconds": second_seconds,
        "second": second,
        "plain_seconds": plain_seconds,
        "plain_rows": plain,
        "ratio": ratio(first_seconds, plain_seconds),
        "ok": ok,
    }


# --------------------------------------------------------------------------------------------------------------
# One database in this process


def run_part(args) -> dict:
    postgres = args.part == "postgres"
    server = "production" if postgres else "waitress"
    started = time.perf_counter()
    result: dict = {"part": args.part}
    with harness.Instance(database_url=args.database_url if postgres else None, keep=args.keep) as instance:
        result["database"] = instance.database_description()
        say(f"[{args.part}] data dir {instance.data_dir}; database {result['database']}")
        world = harness.seed_world()
        create_bare_table()
        instance.start_server(server=server, workers=args.workers, broker_url=args.broker_url or None)
        if postgres:
            from golive import gunicorn_conf

            background = "Celery worker on Redis" if args.broker_url else "background work inline"
            result["server"] = (
                f"gunicorn (golive.gunicorn_conf), {args.workers} workers x "
                f"{harness.plural(gunicorn_conf.threads, 'thread')}; {background}"
            )
        else:
            result["server"] = "golive serve (waitress, 8 threads)"
        say(f"[{args.part}] {result['server']} up on port {instance.port}")

        say(f"[{args.part}] 1. intake")
        result["intake"] = measure_intake(instance, world, args, result["server"])
        if postgres:
            say(f"[{args.part}] 2. compute_dues")
            result["dues"] = measure_dues(args)
            say(f"[{args.part}] 3. hypercare")
            bare = harness.load(
                instance.port, "/bench/bare", clients=args.clients, requests_per_client=args.bare_requests
            )
            result["bare_get"] = stats_dict(bare)
            say(f"  GET /bench/bare: median {bare.median_ms:.2f} ms, p99 {bare.p99_ms:.2f} ms, {bare.errors} errors")
            result["hypercare"] = measure_hypercare(instance, world, args, bare)
        instance.stop_server()
        if postgres or not args.no_sqlite_sweep:
            say(f"[{args.part}] 4. sweep")
            result["sweep"] = measure_sweep(world, args)
    result["seconds"] = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------------------------------------------
# Report


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def render(parts: list[dict], info: dict, args, total_seconds: float) -> str:
    lines = [
        "## Issue desk",
        "",
        "Measured by `make bench` (`bench/bench_desk.py`, same harness); this section is rewritten by that script",
        "alone. Each database runs in its own process. Every figure is a ratio against a baseline measured in the",
        "same run, on the same server and database: `POST /bench/bare-insert` (a bare Django view that parses the",
        "JSON body and inserts one row with raw SQL in a transaction), `GET /bench/bare` (one `SELECT 1`), an",
        "all-24x7 SLA policy, and one plain `UPDATE` of the same rows. The load generator, the server and the",
        "database share the machine's cores, so on a busy 2-core machine repeat the run before drawing conclusions.",
        "",
        "### Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    for part in parts:
        lines.append(
            f"| {part['part']} | {part['database']}; server {part['server']}; part took {part['seconds']:.0f} s |"
        )
    lines += [
        f"| load | {args.clients} concurrent keep-alive clients; {args.intake_requests} POSTs each per intake path "
        f"(in {args.intake_rounds} rounds alternating the two paths, rounded up), "
        f"{args.bare_requests} GETs each for /bench/bare, {args.hypercare_requests} each per hypercare size "
        "(after 3 warm-up requests each, which for POSTs also write) |",
        f"| whole run | {total_seconds:.0f} s |",
        "",
        "### 1. Issue intake",
        "",
        "`POST /api/v1/projects/DESK/issues/` (`{title, description, severity: P3}`, token of a customer member)",
        "against `POST /bench/bare-insert`. Target: throughput ratio >= 0.35 with zero errors.",
        "",
        "| database / server | path | requests | errors | median ms | p99 ms | req/s | req/s ratio | SQL per POST |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for part in parts:
        intake = part.get("intake")
        if not intake:
            continue
        where = f"{part['part']} / {intake['server']}"
        for name in ("bare", "intake"):
            r = intake[name]
            lines.append(
                f"| {where} | `POST {r['path']}` | {r['requests']} | {r['errors']} | {fmt(r['median_ms'], 2)} "
                f"| {fmt(r['p99_ms'], 2)} | {fmt(r['throughput'])} "
                f"| {'1.00' if name == 'bare' else fmt(intake['throughput_ratio'], 2)}x "
                f"| {'1' if name == 'bare' else intake['queries_per_post']} |"
            )
    lines += [
        "",
        f"Service time without HTTP (Django test client, one thread, {args.in_process_posts} POSTs each, after the",
        "load): the cost of the request itself, without the load generator competing for the cores.",
        "",
        "| database | bare-insert ms per POST | intake ms per POST | bare / intake |",
        "| --- | ---: | ---: | ---: |",
    ]
    for part in parts:
        if part.get("intake"):
            ms = part["intake"]["in_process_ms"]
            lines.append(
                f"| {part['part']} | {fmt(ms['bare'], 2)} | {fmt(ms['intake'], 2)} "
                f"| {fmt(ratio(ms['bare'], ms['intake']), 2)}x |"
            )
    lines += ["", "Issue numbering after the load (warm-up POSTs included):", ""]
    for part in parts:
        if part.get("intake"):
            n = part["intake"]["numbering"]
            lines.append(
                f"- {part['part']}: {n['issues']} issues numbered 1..{n['max']}, {n['duplicates']} duplicates, "
                f"{n['gaps']} gaps, sequence at {n['sequence']}, {n['successful_posts']} successful POSTs: "
                f"**{'OK' if n['ok'] else 'FAILED'}**"
            )
    pg = next((p for p in parts if p["part"] == "postgres"), None)
    if pg and "dues" in pg:
        d = pg["dues"]
        lines += [
            "",
            f"### 2. SLA due computation ({d['issues']} issues)",
            "",
            "`compute_dues(issue, policy)` in-process over unsaved issues reported at random instants of the last",
            "year with random severities; best of 3 runs.",
            "",
            "| policy | total ms | µs per issue | ratio |",
            "| --- | ---: | ---: | ---: |",
            f"| all clocks 24x7 (baseline) | {fmt(d['24x7']['ms'])} | {fmt(d['24x7']['us_per_issue'])} | 1.00x |",
            f"| default (P1 24x7, P2-P4 business, US holidays) | {fmt(d['business']['ms'])} "
            f"| {fmt(d['business']['us_per_issue'])} | {fmt(d['ratio'], 2)}x |",
        ]
    if pg and "hypercare" in pg:
        h = pg["hypercare"]
        bare = pg["bare_get"]
        lines += [
            "",
            "### 3. Hypercare endpoint",
            "",
            "`GET /api/v1/projects/HYPER/hypercare/` as the consultant lead, go-live 14 days ago, issues with",
            "decaying daily arrivals (most older ones answered and resolved), against `GET /bench/bare` on the same",
            f"server. The issues were bulk-inserted (`bulk_create`, {fmt(h['insert_seconds'])} s, plus",
            f"{fmt(h['generate_seconds'])} s to generate them with their due times): seeding through `issue_create`",
            "one by one (about one intake request each, see above) would take minutes.",
            "",
            "| scenario | issues | requests | errors | median ms | p95 ms | p99 ms | req/s | SQL queries "
            "| median / bare |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| `GET /bench/bare` | - | {bare['requests']} | {bare['errors']} | {fmt(bare['median_ms'], 2)} "
            f"| {fmt(bare['p95_ms'], 2)} | {fmt(bare['p99_ms'], 2)} | {fmt(bare['throughput'])} | 1 | 1.00x |",
        ]
        for r in h["rows"]:
            lines.append(
                f"| `GET .../hypercare/` | {r['issues']} | {r['requests']} | {r['errors']} | {fmt(r['median_ms'], 2)} "
                f"| {fmt(r['p95_ms'], 2)} | {fmt(r['p99_ms'], 2)} | {fmt(r['throughput'])} | {r['queries']} "
                f"| {fmt(r['median_vs_bare'], 2)}x |"
            )
        small, large = h["rows"][0], h["rows"][-1]
        lines += [
            "",
            f"Median {large['issues']} / {small['issues']} issues: "
            f"{fmt(ratio(large['median_ms'], small['median_ms']), 2)}x;"
            f" SQL queries {small['queries']} -> {large['queries']} "
            f"(**{'equal' if small['queries'] == large['queries'] else 'NOT equal'}**).",
        ]
    sweeps = [p for p in parts if p.get("sweep")]
    if sweeps:
        lines += [
            "",
            "### 4. Breach sweep",
            "",
            "`sweep_breaches()` in-process over open, never-answered P3 issues whose response was due an hour ago",
            "(resolution due in a week, so only the response clock is breached). The first run flags every row and",
            "writes one `sla_breach_response` timeline event each; the second must flag none. Baseline: after",
            "resetting the flags, one plain `Issue.objects.filter(...).update(response_breached=True)` over the same",
            "rows.",
            "",
            "| database | issues | first sweep s | flagged | events | second sweep s | flagged | plain UPDATE s "
            "| first / plain | check |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for part in sweeps:
            s = part["sweep"]
            lines.append(
                f"| {part['part']} | {s['issues']} | {fmt(s['first_seconds'], 2)} | {s['first']['response']} "
                f"| {s['events']} | {fmt(s['second_seconds'], 3)} "
                f"| {s['second']['response'] + s['second']['resolution']} "
                f"| {fmt(s['plain_seconds'], 2)} | {fmt(s['ratio'], 2)}x | {'OK' if s['ok'] else 'FAILED'} |"
            )
    profiles = []
    for part in parts:
        if part.get("intake"):
            profiles.append((f"{part['part']}: 50 intake POSTs in-process (test client)", part["intake"]["profile"]))
    if pg and "dues" in pg:
        profiles.append(("compute_dues, default policy", pg["dues"]["profile"]))
    if pg and "hypercare" in pg:
        profiles.append(("hypercare_status, 10 calls", pg["hypercare"]["profile"]))
    if profiles:
        lines += [
            "",
            "### Profiles",
            "",
            "cProfile: GoLive's functions by cumulative time, then all functions by own time.",
        ]
        for title, entries in profiles:
            lines += ["", f"{title}:", "", "```", *entries, "```"]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.part:
        result = run_part(args)
        args.part_json.write_text(json.dumps(result, indent=2, default=str))
        return 0

    started = time.perf_counter()
    parts = []
    wanted = [name for name, skip in (("postgres", args.no_postgres), ("sqlite", args.no_sqlite)) if not skip]
    own = list(argv if argv is not None else sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="golive-bench-desk-") as tmp:
        for name in wanted:
            out = Path(tmp) / f"{name}.json"
            command = [sys.executable, __file__, *own, "--part", name, "--part-json", str(out)]
            completed = subprocess.run(command, check=False)
            if completed.returncode != 0:
                print(f"the {name} part failed (exit {completed.returncode})", file=sys.stderr)
                return completed.returncode
            parts.append(json.loads(out.read_text()))

    import django

    info = harness.machine_info(server="see the parts below")
    info["django"] = django.get_version()
    total = time.perf_counter() - started
    report = render(parts, info, args, total)
    print()
    print(report)
    if args.output:
        harness.write_marked_section(args.output, "desk", report)
        print(f"wrote the bench:desk section of {args.output}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "parts": parts}, indent=2, default=str))

    failures = []
    for part in parts:
        intake = part.get("intake")
        if intake and (intake["bare"]["errors"] or intake["intake"]["errors"] or not intake["numbering"]["ok"]):
            failures.append(f"{part['part']} intake")
        if part.get("sweep") and not part["sweep"]["ok"]:
            failures.append(f"{part['part']} sweep")
        h = part.get("hypercare")
        if h and (len({r["queries"] for r in h["rows"]}) != 1 or any(r["errors"] for r in h["rows"])):
            failures.append(f"{part['part']} hypercare")
    if failures:
        print(f"checks failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
