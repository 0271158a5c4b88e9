"""Project report benchmark: the report of a project with 5,000 issues and 2,000 scenarios in each format (JSON,
Markdown, HTML, PDF), against baselines measured in the same run on the same data.

1. ``GET /api/v1/projects/{KEY}/report/?format=...`` through Django's test client (time, SQL queries, bytes),
   against ``GET /bench/bare`` (a bare Django view, one ``SELECT 1``) on the same database.
2. The parts of it: ``build_report()`` (every app's selectors, aggregated in the database) against a bare
   aggregate over the same issues (one ``GROUP BY severity, category``), and each renderer against
   ``json.dumps`` of the same data (the cheapest possible rendering).
3. The query count of the same request on a small project (100 issues, 40 scenarios): it must be equal.

The project is walked through its lifecycle with the real services (phases, requirements, review feedback, a
runbook run, test evidence, a "go" decision, a go-live 13 days ago, training, a retro); the volume (issues with
their SLA clocks and breaches, scenarios, three cycles of runs) is bulk-inserted, as an import would. Runs on the
embedded SQLite database, or on PostgreSQL with ``--database-url``. Run with ``make bench`` (writes the
``bench:report`` section of docs/performance.md) or::

    .venv/bin/python bench/bench_report.py [--output docs/performance.md] [--database-url postgres://.../golive_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

import harness
from bench_desk import profile_top, say

FORMATS = ("json", "md", "html", "pdf")
SEVERITIES = ("P1", "P2", "P3", "P4")
CATEGORIES = ("bug", "configuration", "data", "training_gap", "access", "integration", "enhancement", None)
RESPONSE_MINUTES = {"P1": 30, "P2": 120, "P3": 480, "P4": 960}
RESOLUTION_MINUTES = {"P1": 240, "P2": 540, "P3": 2700, "P4": None}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL database to create and drop (default: embedded SQLite)")
    parser.add_argument("--issues", type=int, default=5000, help="issues of the large project (default 5000)")
    parser.add_argument("--scenarios", type=int, default=2000, help="scenarios of the large project (default 2000)")
    parser.add_argument("--cycles", type=int, default=3, help="UAT cycles (default 3)")
    parser.add_argument("--requests", type=int, default=7, help="timed requests per format (default 7, median)")
    parser.add_argument("--output", type=Path, help="write the report into this file's bench:report section")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir")
    return parser.parse_args(argv)


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


class QueryCounter:
    """Counts SQL statements through ``connection.execute_wrapper`` (independent of ``DEBUG`` and of the size of
    Django's query log)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def counted(function) -> tuple[int, object]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        value = function()
    return counter.count, value


def median_ms(function, repeat: int) -> float:
    return statistics.median(timed(function)[0] for _ in range(repeat))


# --------------------------------------------------------------------------------------------------------------
# Seeding


def seed_project(world: harness.World, key: str, *, issues: int, scenarios: int, cycles: int) -> object:
    """A project gone live 13 days ago through the real services, then ``issues`` hypercare issues and
    ``scenarios`` scenarios with ``cycles`` cycles of runs bulk-inserted."""
    from django.db import transaction
    from django.utils import timezone

    from golive.accounts import services as accounts
    from golive.accounts.models import Role
    from golive.cutover import services as cutover
    from golive.cutover.models import RunbookStep
    from golive.debrief import services as debrief
    from golive.engagement import services as engagement
    from golive.lifecycle import services as lifecycle
    from golive.tracker.models import Issue, IssueSequence
    from golive.training import services as training
    from golive.uat.models import Cycle, Run, Scenario

    rng = random.Random(7)
    now = timezone.now()
    golive_at = now - dt.timedelta(days=13)
    with transaction.atomic():
        project = lifecycle.project_create(
            actor=world.lead,
            key=key,
            name=f"벤치마크 프로젝트 {key} (report bench)",
            customer=world.customer,
            planned_go_live=golive_at.date() - dt.timedelta(days=3),
        )
        tester = accounts.user_create(
            actor=None, username=f"{key.lower()}.tester", password="bench-pass-1", organization=world.customer
        )
        accounts.membership_add(actor=world.lead, project=project, user=tester, role=Role.CUSTOMER_LEAD)
        for n in range(40):
            engagement.requirement_create(
                actor=world.lead,
                project=project,
                ref=f"R-{n}",
                title=f"요구사항 {n}",
                scope=("built", "in_progress", "deferred")[n % 3],
                change_request=n % 7 == 0,
            )
        meeting = engagement.meeting_create(
            actor=world.lead, project=project, kind="review", title="Alpha", starts_at=now - dt.timedelta(days=60)
        )
        for n in range(30):
            engagement.feedback_create(
                actor=world.lead,
                project=project,
                meeting=meeting,
                text=f"Feedback {n}",
                size=("small", "large")[n % 4 == 0],
            )
        for n in range(6):
            session = training.session_create(
                actor=world.lead,
                project=project,
                kind=("train_the_trainer", "end_user")[n > 0],
                title=f"Session {n}",
                starts_at=now - dt.timedelta(days=20 - n),
            )
            training.attendance_record(actor=world.lead, session=session, attendee=tester.username, status="attended")
        project = lifecycle_advance(project, world.lead, "deployment")
        for n in range(20):
            cutover.step_create(
                actor=world.lead,
                project=project,
                ref=f"S{n}",
                title=f"Step {n}",
                planned_minutes=15 + n,
                depends_on=[f"S{n - 1}"] if n else [],
            )
        for n in range(20):
            step = RunbookStep.objects.select_related("runbook__project").get(runbook__project=project, ref=f"S{n}")
            cutover.step_complete(actor=world.lead, step=cutover.step_start(actor=world.lead, step=step))
        cutover.test_report_manual(
            actor=world.lead, project=project, title="Smoke", items=[{"name": "Log in", "status": "passed"}]
        )
        cutover.vote_cast(actor=world.lead, project=project, vote="go")
        cutover.go_no_go_decide(actor=world.lead, project=project, decision="go")
        cutover.golive_record(actor=world.lead, project=project, at=golive_at)
        for n in range(30):
            item = debrief.retro_item_create(
                actor=(world.lead, tester)[n % 2],
                project=project,
                column=("went_well", "to_improve", "action")[n % 3],
                text=f"Retro note {n}",
                group=("", "Training", "Data")[n % 3],
            )
            debrief.retro_vote_toggle(actor=tester, item=item)

    # Volume, bulk-inserted as an import would: hypercare issues with SLA clocks (some breached) ...
    rows = []
    for number in range(1, issues + 1):
        severity = rng.choices(SEVERITIES, weights=(1, 4, 10, 5))[0]
        reported = golive_at + dt.timedelta(minutes=rng.randrange(0, int((now - golive_at).total_seconds() // 60)))
        response_due = reported + dt.timedelta(minutes=RESPONSE_MINUTES[severity])
        resolution_due = (
            reported + dt.timedelta(minutes=RESOLUTION_MINUTES[severity]) if RESOLUTION_MINUTES[severity] else None
        )
        responded = min(reported + dt.timedelta(minutes=rng.randrange(5, 3 * RESPONSE_MINUTES[severity])), now)
        resolved = min(responded + dt.timedelta(minutes=rng.randrange(30, 4000)), now) if rng.random() < 0.8 else None
        rows.append(
            Issue(
                project=project,
                number=number,
                title=f"Issue {number}",
                kind=rng.choice(("incident", "incident", "defect", "question")),
                severity=severity,
                category=rng.choice(CATEGORIES),
                status="resolved" if resolved else "in_progress",
                reporter=tester,
                reported_at=reported,
                first_response_at=responded,
                resolved_at=resolved,
                response_due_at=response_due,
                resolution_due_at=resolution_due,
                response_breached=responded > response_due,
                resolution_breached=bool(resolution_due and resolved and resolved > resolution_due),
            )
        )
    with transaction.atomic():
        Issue.objects.bulk_create(rows, batch_size=1000)
        IssueSequence.objects.update_or_create(project=project, defaults={"last_number": issues})
        # ... and scenarios with runs in every cycle.
        Scenario.objects.bulk_create(
            [
                Scenario(
                    project=project,
                    ref=f"UAT-{n:05d}",
                    title=f"시나리오 {n}",
                    priority=rng.choice(("critical", "high", "medium", "medium", "low")),
                    order=n,
                    created_by=world.lead,
                )
                for n in range(1, scenarios + 1)
            ],
            batch_size=1000,
        )
        ids = list(Scenario.objects.filter(project=project).values_list("pk", flat=True))
        for number in range(1, cycles + 1):
            started = golive_at - dt.timedelta(days=10 * (cycles - number + 1))
            cycle = Cycle.objects.create(project=project, number=number, started_at=started, created_by=world.lead)
            passed_share = 0.6 + 0.15 * number
            Run.objects.bulk_create(
                [
                    Run(
                        project=project,
                        scenario_id=pk,
                        cycle=cycle,
                        status="passed" if rng.random() < passed_share else rng.choice(("failed", "blocked")),
                        tester=tester,
                        recorded_by=tester,
                        executed_at=started + dt.timedelta(minutes=i),
                    )
                    for i, pk in enumerate(ids)
                ],
                batch_size=1000,
            )
    return project


def lifecycle_advance(project, lead, target: str):
    from golive.lifecycle import services as lifecycle

    while project.current_phase.key != target:
        project = lifecycle.phase_advance(actor=lead, project=project, override_reason="bench: history")
    return project


# --------------------------------------------------------------------------------------------------------------
# Measurements


def measure(world: harness.World, project, args) -> dict:
    from django.db.models import Count
    from django.test import Client

    from golive.debrief.render import render
    from golive.debrief.report import build_report
    from golive.tracker.models import Issue

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {world.token}")
    url = f"/api/v1/projects/{project.key}/report/"
    client.get(url)  # warm-up: URL conf, templates, fonts' first parse
    result: dict = {"formats": {}}
    for fmt in FORMATS:
        params = {"format": fmt, "language": "ko"}
        queries, response = counted(lambda p=params: client.get(url, p))
        if response.status_code != 200:
            raise SystemExit(f"{fmt}: {response.status_code} {response.content[:300]!r}")
        result["formats"][fmt] = {"queries": queries, "bytes": len(response.content)}
    # Interleaved, so that no format is favoured by a warmer cache or a quieter moment.
    times: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    for _ in range(args.requests):
        for fmt in FORMATS:
            times[fmt].append(timed(lambda f=fmt: client.get(url, {"format": f, "language": "ko"}))[0])
    for fmt in FORMATS:
        row = result["formats"][fmt]
        row["ms"] = statistics.median(times[fmt])
        say(f"  GET ?format={fmt:<4} {row['ms']:8.1f} ms  {row['queries']:3d} queries  {row['bytes']:>9,} B")
    result["bare_ms"] = median_ms(lambda: client.get("/bench/bare"), args.requests)

    data = build_report(project=project, language="ko")
    result["build_ms"] = median_ms(lambda: build_report(project=project, language="ko"), args.requests)
    result["aggregate_ms"] = median_ms(
        lambda: list(
            Issue.objects.filter(project=project).values("severity", "category").annotate(n=Count("pk")).order_by()
        ),
        args.requests,
    )
    result["dump_ms"] = median_ms(lambda: json.dumps(data, ensure_ascii=False), args.requests)
    result["render_ms"] = {fmt: median_ms(lambda f=fmt: render(data, f, "ko"), args.requests) for fmt in FORMATS}
    result["figures"] = {
        "issues_in_window": data["hypercare"]["issues_in_window"],
        "breached_issues": data["hypercare"]["breaches"]["issues"],
        "scenarios": data["uat"]["scenarios"]["active"],
        "cycles": len(data["uat"]["cycles"]),
        "pass_rates": [c["pass_rate"] for c in data["uat"]["cycles"]],
    }
    result["profile"] = profile_top(lambda: render(build_report(project=project, language="ko"), "pdf", "ko"))
    return result


def small_query_counts(world: harness.World, project) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {world.token}")
    url = f"/api/v1/projects/{project.key}/report/"
    return {fmt: counted(lambda f=fmt: client.get(url, {"format": f, "language": "ko"}))[0] for fmt in FORMATS}


# --------------------------------------------------------------------------------------------------------------
# Report


def render_section(result: dict, info: dict, args, total_seconds: float) -> str:
    large = result["large"]
    lines = [
        "## Project report",
        "",
        "Measured by `make bench` (`bench/bench_report.py`); this section is rewritten by that script alone.",
        "In-process through Django's test client (no HTTP server); every figure is set against a baseline measured",
        "in the same run on the same database. Reports in Korean (`?language=ko`), so the PDF embeds Hangul glyphs.",
        "",
        "### Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += [
        f"| database | {result['database']} |",
        f"| data | {args.issues:,} issues in a 13-day hypercare window, {args.scenarios:,} scenarios x {args.cycles} "
        f"cycles ({args.scenarios * args.cycles:,} runs), 20 runbook steps, 40 requirements, 30 retro notes |",
        f"| seeding | {result['seed_seconds']:.0f} s |",
        f"| whole run | {total_seconds:.0f} s |",
        "",
        f"### 1. `GET /report/?format=...` (median of {args.requests})",
        "",
        "| format | ms | vs `GET /bench/bare` | SQL queries | queries, small project | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for fmt in FORMATS:
        row = large["formats"][fmt]
        lines.append(
            f"| {fmt} | {row['ms']:.1f} | {row['ms'] / large['bare_ms']:.0f}x | {row['queries']} | "
            f"{result['small_queries'][fmt]} | {row['bytes']:,} |"
        )
    lines += [
        f"| baseline `GET /bench/bare` | {large['bare_ms']:.2f} | 1x | 1 | | |",
        "",
        "The query count is the same for the small project (100 issues, 40 scenarios): "
        f"**{'equal' if result['queries_equal'] else 'NOT equal'}**.",
        "",
        "### 2. The parts",
        "",
        "| step | ms | baseline | baseline ms | ratio |",
        "| --- | ---: | --- | ---: | ---: |",
        f"| `build_report()` (all sections) | {large['build_ms']:.1f} | one `GROUP BY severity, category` over the "
        f"same issues | {large['aggregate_ms']:.2f} | {large['build_ms'] / large['aggregate_ms']:.0f}x |",
    ]
    for fmt in FORMATS:
        ms = large["render_ms"][fmt]
        lines.append(
            f"| render {fmt} | {ms:.2f} | `json.dumps` of the same data | {large['dump_ms']:.2f} | "
            f"{ms / large['dump_ms']:.1f}x |"
        )
    figures = large["figures"]
    lines += [
        "",
        f"Report figures (a check that the data was read): {figures['issues_in_window']:,} issues in the window, "
        f"{figures['breached_issues']:,} with a breach, {figures['scenarios']:,} scenarios, pass rate per cycle "
        f"{', '.join(f'{r:g}%' for r in figures['pass_rates'])}.",
        "",
        "### Profile",
        "",
        "cProfile of one `build_report()` + PDF rendering: GoLive's functions by cumulative time, then all",
        "functions by own time.",
        "",
        "```",
        *large["profile"],
        "```",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    result: dict = {}
    with harness.Instance(database_url=args.database_url, keep=args.keep) as instance:
        result["database"] = instance.database_description()
        say(f"data dir {instance.data_dir}; database {result['database']}")
        world = harness.seed_world()
        say(f"seeding {args.issues} issues and {args.scenarios} scenarios x {args.cycles} cycles ...")
        seed_started = time.perf_counter()
        large = seed_project(world, "BIG", issues=args.issues, scenarios=args.scenarios, cycles=args.cycles)
        small = seed_project(world, "SMALL", issues=100, scenarios=40, cycles=args.cycles)
        result["seed_seconds"] = time.perf_counter() - seed_started
        say("measuring the large project")
        result["large"] = measure(world, large, args)
        result["small_queries"] = small_query_counts(world, small)
    result["queries_equal"] = all(
        result["small_queries"][fmt] == result["large"]["formats"][fmt]["queries"] for fmt in FORMATS
    )
    info = harness.machine_info(server="none (in-process, Django test client)")
    report = render_section(result, info, args, time.perf_counter() - started)
    print()
    print(report)
    if args.output:
        harness.write_marked_section(args.output, "report", report)
        print(f"wrote the bench:report section of {args.output}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, **result}, indent=2, default=str))
    if not result["queries_equal"]:
        print("check failed: the query count grows with the data", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
