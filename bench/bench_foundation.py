"""Foundation benchmark: framework overhead and how the project lists scale with the number of projects.

(a) ``/healthz`` against ``/bench/bare`` (a bare Django view with one query): the cost of the health check.
(b) ``GET /api/v1/projects/`` and ``GET /api/v1/portfolio/`` (page 1, default page size 50) with 10 projects
    and with 2,000 projects, as the consultant lead who is a member of all of them: latency ratio large/small
    and the SQL query count per request, which must not grow with the data.

Every figure is set against the ``/bench/bare`` baseline measured in the same run, so results from different
machines compare as ratios. Run with ``make bench`` (writes docs/performance.md) or::

    .venv/bin/python bench/bench_foundation.py [--database-url postgres://postgres@127.0.0.1:5432/golive_bench]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import harness

REPO = harness.REPO
API_PATHS = ["/api/v1/projects/", "/api/v1/portfolio/"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="run on this PostgreSQL database (created and dropped by the "
        "harness; its name must contain 'bench'); default: embedded SQLite",
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--requests", type=int, default=150, help="requests per client for /healthz and /bench/bare (default 150)"
    )
    parser.add_argument(
        "--api-requests", type=int, default=15, help="requests per client for each API list (default 15)"
    )
    parser.add_argument("--small", type=int, default=10, help="projects in the small data set (default 10)")
    parser.add_argument("--large", type=int, default=2000, help="projects in the large data set (default 2000)")
    parser.add_argument("--output", type=Path, help="write the Markdown report here (e.g. docs/performance.md)")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir (server log) for inspection")
    return parser.parse_args(argv)


def row(stats: harness.Stats, *, scenario: str, projects: int | None, queries: int | None) -> dict:
    return {
        "scenario": scenario,
        "path": stats.path,
        "projects": projects,
        "clients": stats.clients,
        "requests": stats.requests,
        "errors": stats.errors,
        "median_ms": stats.median_ms,
        "p95_ms": stats.p95_ms,
        "p99_ms": stats.p99_ms,
        "throughput": stats.throughput,
        "queries": queries,
    }


def same_rows_path(path: str, args) -> str:
    """The large data set's page with as many rows as the small set's page 1 (isolates the data size)."""
    return f"{path}?page_size={args.small}"


def measure_api(instance: harness.Instance, world: harness.World, projects: int, args) -> list[dict]:
    rows = []
    auth = {"Authorization": f"Token {world.token}"}
    paths = list(API_PATHS)
    if projects == args.large and args.small < 50:
        paths += [same_rows_path(path, args) for path in API_PATHS]
    for path in paths:
        status, queries, body = harness.count_queries(path, world.token)
        if status != 200 or body.get("count") != projects:
            raise SystemExit(f"{path}: expected 200 with count {projects}, got {status} {str(body)[:200]}")
        stats = harness.load(
            instance.port, path, clients=args.clients, requests_per_client=args.api_requests, headers=auth
        )
        rows.append(
            row(
                stats,
                scenario=f"{path} page 1" if "?" not in path else f"{path} (page 1)",
                projects=projects,
                queries=queries,
            )
        )
        print(
            f"  {path:<22} {projects:>5} projects: median {stats.median_ms:7.1f} ms, p95 {stats.p95_ms:7.1f} ms, "
            f"{stats.throughput:7.1f} req/s, {queries} queries",
            flush=True,
        )
    return rows


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def summarize(rows: list[dict], args) -> dict:
    by = {(r["path"], r["projects"]): r for r in rows}
    bare = by[("/bench/bare", None)]
    summary = {"healthz_vs_bare": ratio(by[("/healthz", None)]["median_ms"], bare["median_ms"])}
    for path in API_PATHS:
        small, large = by[(path, args.small)], by[(path, args.large)]
        summary[path] = {
            "latency_large_vs_small": ratio(large["median_ms"], small["median_ms"]),
            "p95_large_vs_small": ratio(large["p95_ms"], small["p95_ms"]),
            "queries_small": small["queries"],
            "queries_large": large["queries"],
        }
        same = by.get((same_rows_path(path, args), args.large))
        if same:
            summary[path]["latency_same_rows_large_vs_small"] = ratio(same["median_ms"], small["median_ms"])
    return summary


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def render(rows: list[dict], summary: dict, info: dict, args, seed_seconds: float, total_seconds: float) -> str:
    bare = next(r for r in rows if r["path"] == "/bench/bare")
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`bench/bench_foundation.py`, harness in `bench/harness.py`). The harness",
        "creates a throwaway data directory and database, seeds it through the real services, starts",
        "`golive serve --no-demo` and loads it over HTTP from concurrent keep-alive clients on the same",
        "machine. SQL query counts come from an in-process request through Django's test client on the same",
        "database. Absolute numbers depend on the machine (the load generator shares its cores with the",
        "server); compare runs by the **ratios**, which are against the `/bench/bare` baseline (a bare",
        "Django view with one `SELECT 1`) or between data sizes, measured in the same run.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += [
        f"| load | {args.clients} concurrent clients; {args.requests} requests each for /healthz and /bench/bare, "
        f"{args.api_requests} each per API list and data size (after 3 warm-up requests each) |",
        f"| seeding | {args.large} projects through `project_create` in {seed_seconds:.0f} s |",
        f"| whole run | {total_seconds:.0f} s |",
        "",
        "## Results",
        "",
        "| scenario | projects | requests | errors | median ms | p95 ms | p99 ms | req/s | SQL queries "
        "| median / bare |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| `{r['scenario']}` | {r['projects'] if r['projects'] is not None else '-'} | {r['requests']} "
            f"| {r['errors']} | {fmt(r['median_ms'], 2)} | {fmt(r['p95_ms'], 2)} | {fmt(r['p99_ms'], 2)} "
            f"| {fmt(r['throughput'])} | {r['queries'] if r['queries'] is not None else '-'} "
            f"| {fmt(ratio(r['median_ms'], bare['median_ms']), 2)}x |"
        )
    lines += [
        "",
        "## Ratios",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| `/healthz` median / `/bench/bare` median | {fmt(summary['healthz_vs_bare'], 2)}x |",
    ]
    for path in API_PATHS:
        s = summary[path]
        lines += [
            f"| `{path}` median, {args.large} / {args.small} projects | {fmt(s['latency_large_vs_small'], 2)}x |",
            f"| `{path}` p95, {args.large} / {args.small} projects | {fmt(s['p95_large_vs_small'], 2)}x |",
            f"| `{path}` SQL queries, {args.small} -> {args.large} projects "
            f"| {s['queries_small']} -> {s['queries_large']} |",
        ]
        if "latency_same_rows_large_vs_small" in s:
            lines.append(
                f"| `{path}` median, {args.small} rows per page, {args.large} / {args.small} projects "
                f"| {fmt(s['latency_same_rows_large_vs_small'], 2)}x |"
            )
    lines += [
        "",
        f"Page 1 holds {args.small} rows with {args.small} projects but 50 rows (the default page size) with",
        f"{args.large}, so the plain {args.large}/{args.small} latency ratio includes serializing 5 times as many",
        f"rows. The `?page_size={args.small}` rows hold the page size equal and so show the cost of the data",
        "size alone (the paginator's `COUNT(*)` and the index scans). A list that scales keeps its SQL query",
        "count constant whatever the number of projects.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.large <= args.small:
        raise SystemExit("--large must be greater than --small")
    started = time.perf_counter()
    rows: list[dict] = []
    with harness.Instance(database_url=args.database_url, keep=args.keep) as instance:
        info = harness.machine_info()
        info["database"] = instance.database_description()
        print(f"data dir {instance.data_dir}; database {info['database']}", flush=True)
        world = harness.seed_world()
        seed_seconds = harness.seed_projects(world, args.small)
        instance.start_server()
        print(f"server up on port {instance.port}", flush=True)

        print("(a) framework baseline", flush=True)
        for path in ["/bench/bare", "/healthz"]:
            stats = harness.load(instance.port, path, clients=args.clients, requests_per_client=args.requests)
            rows.append(row(stats, scenario=path, projects=None, queries=None))
            print(
                f"  {path:<22} median {stats.median_ms:6.2f} ms, p95 {stats.p95_ms:6.2f} ms, "
                f"p99 {stats.p99_ms:6.2f} ms, {stats.throughput:7.1f} req/s, {stats.errors} errors",
                flush=True,
            )

        print(f"(b) project lists with {args.small} projects", flush=True)
        rows += measure_api(instance, world, args.small, args)
        print(f"seeding up to {args.large} projects ...", flush=True)
        seed_seconds += harness.seed_projects(world, args.large)
        print(f"  seeded in {seed_seconds:.0f} s", flush=True)
        print(f"(b) project lists with {args.large} projects", flush=True)
        rows += measure_api(instance, world, args.large, args)
        if args.keep:
            print(f"kept {instance.data_dir} (server log: {instance.server_log})")

    order = ["/bench/bare", "/healthz", *API_PATHS]
    rows.sort(key=lambda r: (order.index(r["path"].split("?")[0]), r["projects"] or 0, "?" in r["path"]))
    summary = summarize(rows, args)
    total = time.perf_counter() - started
    report = render(rows, summary, info, args, seed_seconds, total)
    print()
    print(report)
    errors = sum(r["errors"] for r in rows)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        # Keep the sections other scripts (bench_desk.py) wrote into the same file.
        args.output.write_text(harness.keep_marked_sections(args.output, report))
        print(f"wrote {args.output}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "rows": rows, "summary": summary}, indent=2))
    if errors:
        print(f"{errors} requests failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
