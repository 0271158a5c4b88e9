"""Portfolio benchmark: the portfolio API and home page, the go-live calendar, the cross-project figures and
"what needs me today", with 20 projects and with 2,000, as the consultant lead who is a member of all.

The projects are a mix seeded through the real services: one in ten in hypercare (gone live 3 to 13 days
ago, with issues in the window, some of them P1/P2 and some past their SLA due times), one in ten in
deployment (go/no-go votes open), one in ten in UAT, the rest in kickoff with planned go-lives spread from
three weeks ago to seven months ahead (so some are late); two customers. The small set is the first 20 of
the same mix, measured before the rest is seeded.

Everything runs in-process through Django's test client (no HTTP server, no load generator), so the figures
are the cost of the work itself: median and p95 over repeated requests after a warm-up, the SQL query count
per request, and the latency ratio large/small. Run with ``make bench`` (writes the ``bench:portfolio``
section of docs/performance.md) or::

    .venv/bin/python bench/bench_portfolio.py [--database-url postgres://postgres@127.0.0.1:5432/golive_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

import harness

# (label, path, htmx, what it shows)
REQUESTS = [
    ("portfolio API, page 1", "/api/v1/portfolio/", False),
    ("portfolio API, 20 rows", "/api/v1/portfolio/?page_size=20", False),
    ("portfolio API, health=red", "/api/v1/portfolio/?health=red", False),
    ("portfolio API, sort=health", "/api/v1/portfolio/?sort=health&page_size=20", False),
    ("portfolio page", "/", False),
    ("portfolio page, htmx filter", "/?phase=kickoff", True),
    ("go-live calendar API", "/api/v1/portfolio/calendar/", False),
    ("figures API", "/api/v1/portfolio/figures/", False),
    ("what needs me today API", "/api/v1/me/today/", False),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="run on this PostgreSQL database (created and dropped; its name must contain 'bench'); "
        "default: embedded SQLite",
    )
    parser.add_argument("--small", type=int, default=20, help="projects in the small data set (default 20)")
    parser.add_argument("--large", type=int, default=2000, help="projects in the large data set (default 2000)")
    parser.add_argument("--issues", type=int, default=12, help="issues per project in hypercare (default 12)")
    parser.add_argument("--requests", type=int, default=10, help="timed requests per path and size (default 10)")
    parser.add_argument("--output", type=Path, help="write the report into this file's bench:portfolio section")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


# --------------------------------------------------------------------------------------------------------------
# Seeding


def second_customer():
    from golive.accounts import services as accounts
    from golive.accounts.models import Organization

    return accounts.organization_create(
        actor=None, slug="bench-customer-2", name="Bench Customer Two", kind=Organization.Kind.CUSTOMER
    )


def seed(world: harness.World, customers: list, first: int, last: int, issues: int) -> float:
    """Projects ``first`` .. ``last - 1`` of the mix (see the module docstring). Returns the seconds taken."""
    from django.db import transaction
    from django.utils import timezone

    from golive.cutover import services as cutover
    from golive.lifecycle import services as lifecycle
    from golive.tracker import services as tracker

    def advance_to(project, key: str):
        for _ in range(12):
            project.refresh_from_db()
            if project.current_phase.key == key:
                return project
            project = lifecycle.phase_advance(actor=world.lead, project=project, override_reason="bench")
        raise RuntimeError(f"{project.key} never reached {key}")

    started = time.perf_counter()
    today = dt.date.today()
    now = timezone.now()
    for n in range(first, last):
        kind = n % 10
        with transaction.atomic():
            if kind == 0:
                go_live = today - dt.timedelta(days=3 + n % 11)
            elif kind in (1, 2):
                go_live = today + dt.timedelta(days=4 + n % 20)
            else:
                go_live = today + dt.timedelta(days=-20 + (n * 37) % 230)
            project = lifecycle.project_create(
                actor=world.lead,
                key=f"BP{n:05d}",
                name=f"Bench portfolio {n}",
                customer=customers[n % len(customers)],
                planned_go_live=go_live,
            )
            if kind == 0:
                advance_to(project, "deployment")
                live_at = now - dt.timedelta(days=3 + n % 11, hours=2)
                cutover.golive_record(actor=world.lead, project=project, at=live_at, override_reason="bench")
                span = (now - live_at).total_seconds()
                for i in range(issues):
                    # Front-loaded arrivals: most in the first days after the go-live.
                    at = live_at + dt.timedelta(seconds=span * ((i + 1) / (issues + 1)) ** 2)
                    issue = tracker.issue_create(
                        actor=world.lead,
                        project=project,
                        title=f"Issue {i}",
                        severity=("P1", "P2", "P3", "P3", "P4")[i % 5],
                        reported_at=at,
                    )
                    if i % 3 == 0:
                        tracker.issue_triage(actor=world.lead, issue=issue, at=at + dt.timedelta(minutes=20))
                        tracker.issue_resolve(actor=world.lead, issue=issue, at=at + dt.timedelta(hours=3))
            elif kind == 1:
                advance_to(project, "deployment")
            elif kind == 2:
                advance_to(project, "uat")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------------------------------
# Measuring


def measure(world: harness.World, projects: int, args) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {world.token}")
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(world.lead)
    rows = []
    for label, path, htmx in REQUESTS:
        client = api if path.startswith("/api/") else web
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.get(path, **headers)  # warm-up
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")
        with CaptureQueriesContext(connection) as queries:
            client.get(path, **headers)
        # Read it now: the next request's request_started signal empties the connection's query log.
        query_count = len(queries.captured_queries)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(path, **headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        timings.sort()
        body = response.json() if path.startswith("/api/") else {}
        row = {
            "label": label,
            "path": path,
            "projects": projects,
            "median_ms": statistics.median(timings),
            "p95_ms": harness.percentile(timings, 95),
            "queries": query_count,
            "rows": len(body.get("results", body.get("weeks", []))) if body else None,
            "count": body.get("count") if body else None,
        }
        rows.append(row)
        say(
            f"  {label:<30} {projects:>5} projects: median {row['median_ms']:8.1f} ms, "
            f"p95 {row['p95_ms']:8.1f} ms, {row['queries']} queries"
        )
    return rows


def summarize(rows: list[dict], args) -> list[dict]:
    by = {(r["label"], r["projects"]): r for r in rows}
    summary = []
    for label, _path, _htmx in REQUESTS:
        small, large = by[(label, args.small)], by[(label, args.large)]
        summary.append(
            {
                "label": label,
                "latency_ratio": ratio(large["median_ms"], small["median_ms"]),
                "queries_small": small["queries"],
                "queries_large": large["queries"],
            }
        )
    return summary


def render(rows: list[dict], summary: list[dict], info: dict, args, seed_seconds: float, facts: dict) -> str:
    lines = [
        "## Portfolio: 20 vs 2,000 projects",
        "",
        "Measured by `bench/bench_portfolio.py`, in-process through Django's test client (no HTTP server): the",
        "cost of the work itself. The consultant lead is a member of every project. The projects are a mix seeded",
        "through the real services: one in ten in hypercare (gone live 3 to 13 days ago, "
        f"{args.issues} issues each in the",
        "window, P1 to P4, a third of them answered and resolved in time, the others past their due times), one in",
        "ten in deployment, one in ten in UAT, the rest in kickoff with planned go-lives from three weeks ago to",
        "seven months ahead; two customers. The small set is the first "
        f"{args.small} of the same mix, measured before the rest",
        f"is seeded. {args.requests} timed requests per path and size after a warm-up; the query count of one request.",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += [
        f"| seeding | {args.large} projects ({facts['hypercare']} in hypercare with {facts['issues']} issues) "
        f"in {seed_seconds:.0f} s |",
        "",
        "| request | projects | median ms | p95 ms | SQL queries |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} (`{r['path']}`) | {r['projects']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['queries']} |"
        )
    lines += [
        "",
        f"| request | median {args.large} / {args.small} projects | SQL queries {args.small} -> {args.large} |",
        "| --- | ---: | ---: |",
    ]
    for s in summary:
        lines.append(f"| {s['label']} | {s['latency_ratio']:.2f}x | {s['queries_small']} -> {s['queries_large']} |")
    lines += [
        "",
        "No query count grows with the data: rows, gates, open issues, hypercare arrivals and retro actions are",
        "each loaded for all the listed projects at once, and each gate criterion in use loads one batch. A count",
        "can differ between the sizes when the page holds another mix of phases (the 20 reddest projects of the",
        "large set are all in kickoff, whose gate has two criteria). A page of the portfolio computes its rows",
        f"only (50 with {args.large} projects, {args.small} with {args.small}); the `?page_size=20` row keeps the page",
        "equal and so shows the cost of the data size alone. A health filter or sort, the calendar's overdue",
        "list, the figures and the today list look at every project of the caller (a health pass over all of",
        "them, then the full rows of the page), so their time grows with the portfolio while their query count",
        "does not.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.large <= args.small:
        raise SystemExit("--large must be greater than --small")
    started = time.perf_counter()
    rows: list[dict] = []
    with harness.Instance(database_url=args.database_url, keep=args.keep) as instance:
        info = harness.machine_info(server="none: in-process, Django test client")
        info["database"] = instance.database_description()
        say(f"data dir {instance.data_dir}; database {info['database']}")
        world = harness.seed_world()
        customers = [world.customer, second_customer()]
        seed_seconds = seed(world, customers, 0, args.small, args.issues)
        say(f"({args.small} projects seeded in {seed_seconds:.0f} s)")
        rows += measure(world, args.small, args)
        say(f"seeding up to {args.large} projects ...")
        seed_seconds += seed(world, customers, args.small, args.large, args.issues)
        say(f"  seeded in {seed_seconds:.0f} s")
        rows += measure(world, args.large, args)
        from golive.hypercare.models import HypercareWindow
        from golive.tracker.models import Issue

        facts = {"hypercare": HypercareWindow.objects.count(), "issues": Issue.objects.count()}
    summary = summarize(rows, args)
    info["whole run"] = f"{time.perf_counter() - started:.0f} s"
    report = render(rows, summary, info, args, seed_seconds, facts)
    say("")
    say(report)
    if args.output:
        harness.write_marked_section(args.output, "portfolio", report)
        say(f"wrote the bench:portfolio section of {args.output}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "rows": rows, "summary": summary}, indent=2))
    grew = [s["label"] for s in summary if s["queries_large"] > s["queries_small"]]
    if grew:
        print(f"query counts grew with the data: {grew}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
