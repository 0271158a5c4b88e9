"""UAT benchmark: importing 5,000 scenarios from XLSX, and the UAT summary (and the gate) over 5,000 scenarios x
3 cycles, each against a baseline measured in the same run.

1. Import: ``services.scenario_import`` of an XLSX workbook of 5,000 scenarios (Korean and English text,
   multi-line steps) into an empty project, against openpyxl reading the same file (read-only mode) plus a
   ``bulk_create`` of the same rows without any validation. One more import through
   ``POST /api/v1/projects/{KEY}/uat/scenarios/import/`` (multipart, Django test client) for the whole request.
2. Summary: ``GET /api/v1/projects/{KEY}/uat/summary/`` over 5,000 scenarios run in 3 cycles (about 17,000
   runs with retests, assignments, 40 defects), against a bare aggregate over the same runs (one ``GROUP BY
   cycle, status``) and ``GET /bench/bare`` (a bare Django view, one ``SELECT 1``); the SQL query count
   against the same request over 100 scenarios. Also the ``uat`` gate, the first page of the scenario list
   and the XLSX export over the same data.

Everything runs in-process through Django's test client (no HTTP server, no load generator): the figures
are the cost of the work itself. Each database runs in its own subprocess (Django is configured once per
process). Run with ``make bench`` (writes the ``bench:uat`` section of docs/performance.md) or::

    .venv/bin/python bench/bench_uat.py [--database-url postgres://postgres@127.0.0.1:5432/golive_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness
from bench_desk import profile_top, ratio, say

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/golive_bench"
MODULES = [
    "고객 관리 (Accounts)",
    "영업 활동 (Sales activities)",
    "영업 기회 (Opportunities)",
    "Quotes",
    "샘플 관리 (Samples)",
    "Reports",
    "Mobile",
    "Marketing",
]
PRIORITIES = ["critical"] * 1 + ["high"] * 3 + ["medium"] * 4 + ["low"] * 2
# Share of passed / failed / blocked first runs per cycle; a failed run is retested later in half the cases.
CYCLE_MIX = [(0.60, 0.25, 0.15), (0.80, 0.15, 0.05), (0.93, 0.05, 0.02)]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help=f"PostgreSQL database to create and drop (name must contain 'bench'; default {DEFAULT_POSTGRES})",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL part")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite part")
    parser.add_argument("--scenarios", type=int, default=5000, help="scenarios (default 5000)")
    parser.add_argument("--small", type=int, default=100, help="scenarios of the small project (default 100)")
    parser.add_argument("--cycles", type=int, default=3, help="cycles (default 3)")
    parser.add_argument("--imports", type=int, default=3, help="timed imports and baselines each (default 3)")
    parser.add_argument("--requests", type=int, default=10, help="timed requests per endpoint (default 10)")
    parser.add_argument("--output", type=Path, help="write the report into this file's bench:uat section")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dirs")
    parser.add_argument("--part", choices=["postgres", "sqlite"], help=argparse.SUPPRESS)
    parser.add_argument("--part-json", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def new_project(world: harness.World, key: str):
    from golive.lifecycle.services import project_create

    return project_create(
        actor=world.lead,
        key=key,
        name=f"Bench UAT {key}",
        customer=world.customer,
        planned_go_live=dt.date.today() + dt.timedelta(days=60),
    )


# --------------------------------------------------------------------------------------------------------------
# 1. Import


def scenario_rows(total: int, seed: int = 5) -> list[list[str]]:
    rng = random.Random(seed)
    rows = [["ref", "title", "module", "steps", "expected_result", "priority"]]
    for n in range(1, total + 1):
        module = rng.choice(MODULES)
        rows.append(
            [
                f"UAT-{n:05d}",
                f"시나리오 {n}: {module} - check record {n} end to end",
                module,
                f"1. {module} 메뉴를 엽니다\n2. Open record {n} and edit the amount\n3. 저장 (Save)",
                f"Record {n} is saved and shows on the list; 알림이 발송됩니다",
                rng.choice(PRIORITIES).upper() if n % 7 == 0 else rng.choice(PRIORITIES),
            ]
        )
    return rows


def xlsx_file(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Scenarios")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def baseline_import(project, actor, data: bytes) -> int:
    """openpyxl reading the same file (read-only) + bulk_create of the same rows, no validation at all."""
    from openpyxl import load_workbook

    from golive.uat.models import Scenario

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    scenarios = [
        Scenario(
            project=project,
            ref=ref,
            title=title,
            module=module or "",
            steps=steps or "",
            expected_result=expected or "",
            priority=str(priority).lower(),
            order=n,
            created_by=actor,
        )
        for n, (ref, title, module, steps, expected, priority) in enumerate(rows[1:], start=1)
    ]
    return len(Scenario.objects.bulk_create(scenarios, batch_size=500))


def measure_import(world: harness.World, args) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import Client

    from golive.uat.models import Scenario
    from golive.uat.services import scenario_import

    data = xlsx_file(scenario_rows(args.scenarios))
    say(f"  workbook: {args.scenarios} scenarios, {len(data) / 1024:.0f} KiB")
    service_ms, baseline_ms = [], []
    for attempt in range(args.imports):
        project = new_project(world, f"IMP{attempt}")
        upload = SimpleUploadedFile("scenarios.xlsx", data)
        ms, created = timed(lambda p=project, u=upload: len(scenario_import(actor=world.lead, project=p, upload=u)))
        if created != args.scenarios:
            raise SystemExit(f"import created {created} scenarios, expected {args.scenarios}")
        service_ms.append(ms)
        project = new_project(world, f"BASE{attempt}")
        ms, created = timed(lambda p=project: transaction.atomic()(baseline_import)(p, world.lead, data))
        if created != args.scenarios:
            raise SystemExit(f"baseline created {created} scenarios, expected {args.scenarios}")
        baseline_ms.append(ms)
        say(f"  import {service_ms[-1]:8.0f} ms; baseline (openpyxl + bulk_create) {baseline_ms[-1]:8.0f} ms")

    project = new_project(world, "IMPAPI")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {world.token}")
    client.get(f"/api/v1/projects/{project.key}/uat/scenarios/")  # warm-up: URLconf, views, serializers
    url = f"/api/v1/projects/{project.key}/uat/scenarios/import/"
    ms, response = timed(lambda: client.post(url, {"file": SimpleUploadedFile("s.xlsx", data)}))
    if response.status_code != 201 or Scenario.objects.filter(project=project).count() != args.scenarios:
        raise SystemExit(f"API import: {response.status_code} {response.content[:300]!r}")
    say(f"  API import (POST multipart, test client) {ms:8.0f} ms")

    # A file with every tenth row bad: the refusal lists them all and writes nothing.
    bad_rows = scenario_rows(args.scenarios)
    for n in range(1, len(bad_rows), 10):
        bad_rows[n][5] = "urgent"
    bad = xlsx_file(bad_rows)
    project = new_project(world, "IMPBAD")
    bad_ms, refused = timed(
        lambda: client.post(
            f"/api/v1/projects/{project.key}/uat/scenarios/import/", {"file": SimpleUploadedFile("b.xlsx", bad)}
        )
    )
    errors = len(refused.json().get("errors", [])) if refused.status_code == 400 else -1
    say(f"  refused import with {errors} bad rows: {bad_ms:8.0f} ms")

    profile_project = new_project(world, "IMPPROF")
    profile = profile_top(
        lambda: scenario_import(actor=world.lead, project=profile_project, upload=SimpleUploadedFile("p.xlsx", data))
    )
    service, baseline = statistics.median(service_ms), statistics.median(baseline_ms)
    return {
        "scenarios": args.scenarios,
        "file_kib": len(data) / 1024,
        "service_ms": service_ms,
        "baseline_ms": baseline_ms,
        "service_median_ms": service,
        "baseline_median_ms": baseline,
        "ratio": ratio(service, baseline),
        "api_ms": ms,
        "refused_ms": bad_ms,
        "refused_errors": errors,
        "refused_ok": refused.status_code == 400
        and errors == len(range(1, len(bad_rows), 10))
        and Scenario.objects.filter(project=project).count() == 0,
        "profile": profile,
    }


# --------------------------------------------------------------------------------------------------------------
# 2. Summary


def seed_uat(world: harness.World, key: str, total: int, cycles: int, testers: list) -> tuple[object, dict]:
    """A project in UAT with ``total`` scenarios run in ``cycles`` cycles of five days each (retests included),
    the latest cycle assigned, 40 defects; rows bulk-inserted (the services are measured elsewhere)."""
    from django.db import transaction
    from django.utils import timezone

    from golive.lifecycle.services import phase_advance
    from golive.tracker.services import issue_create
    from golive.uat.models import Assignment, Run, Scenario
    from golive.uat.services import cycle_create

    rng = random.Random(total)
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        project = new_project(world, key)
        while project.current_phase.key != "uat":
            project = phase_advance(actor=world.lead, project=project, override_reason="bench")
        rows = scenario_rows(total, seed=total)[1:]
        scenarios = Scenario.objects.bulk_create(
            [
                Scenario(
                    project=project,
                    ref=ref,
                    title=title,
                    module=module,
                    steps=steps,
                    expected_result=expected,
                    priority=priority.lower(),
                    order=n,
                    created_by=world.lead,
                )
                for n, (ref, title, module, steps, expected, priority) in enumerate(rows, start=1)
            ],
            batch_size=1000,
        )
        cycle_rows = []
        for number in range(1, cycles + 1):
            begins = now - dt.timedelta(days=5 * (cycles - number + 1))
            cycle_rows.append(cycle_create(actor=world.lead, project=project, name=f"Round {number}", at=begins))
        runs = []
        for cycle, mix in zip(cycle_rows, CYCLE_MIX + [CYCLE_MIX[-1]] * cycles, strict=False):
            window = min(5 * 86400, (now - cycle.started_at).total_seconds() - 60)
            for scenario in scenarios:
                tester = rng.choice(testers)
                at = cycle.started_at + dt.timedelta(seconds=rng.uniform(0, window * 0.7))
                status = rng.choices(["passed", "failed", "blocked"], weights=mix)[0]
                runs.append(_run(project, scenario, cycle, status, tester, at))
                if status != "passed" and rng.random() < 0.5:
                    later = at + dt.timedelta(seconds=rng.uniform(60, window * 0.3))
                    runs.append(_run(project, scenario, cycle, "passed", tester, later))
        Run.objects.bulk_create(runs, batch_size=2000)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    cycle=cycle_rows[-1],
                    scenario=s,
                    tester=rng.choice(testers),
                    assigned_by=world.lead,
                    assigned_at=now,
                )
                for s in scenarios
            ],
            batch_size=2000,
        )
        failed = list(Run.objects.filter(project=project, status="failed").order_by("pk")[:40])
        for n, run in enumerate(failed):
            issue = issue_create(
                actor=world.lead,
                project=project,
                title=f"Defect {n}",
                kind="defect",
                severity=("P2", "P3", "P4")[n % 3],
            )
            Run.objects.filter(pk=run.pk).update(defect=issue)
    analyze()
    return project, {"runs": len(runs), "seed_seconds": time.perf_counter() - started}


def _run(project, scenario, cycle, status, tester, at):
    from golive.uat.models import Run

    return Run(
        project=project,
        scenario=scenario,
        cycle=cycle,
        status=status,
        tester=tester,
        executed_at=at,
        recorded_by=tester,
        notes="",
    )


def request_stats(client, path: str, requests: int, params=None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(path, params or {})
    if first.status_code != 200:
        raise SystemExit(f"GET {path}: {first.status_code} {first.content[:300]!r}")
    with CaptureQueriesContext(connection) as captured:
        client.get(path, params or {})
    # Read now: every request start clears the connection's query log.
    queries = len(captured.captured_queries)
    times = []
    for _ in range(requests):
        ms, response = timed(lambda: client.get(path, params or {}))
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code}")
        times.append(ms)
    times.sort()
    return {
        "path": path + (f"?{'&'.join(f'{k}={v}' for k, v in params.items())}" if params else ""),
        "requests": requests,
        "median_ms": statistics.median(times),
        "max_ms": times[-1],
        "queries": queries,
        "body": first,
    }


def measure_summary(world: harness.World, args) -> dict:
    from django.db import transaction
    from django.db.models import Count
    from django.test import Client

    from golive.accounts import services as accounts
    from golive.accounts.models import Role
    from golive.uat.models import Run
    from golive.uat.selectors import uat_summary

    with transaction.atomic():
        testers = [
            accounts.user_create(
                actor=None,
                username=f"bench.tester{n}",
                password=harness.SEED_PASSWORD,
                email=f"bench.tester{n}@example.invalid",
                organization=world.customer,
            )
            for n in range(5)
        ]
    results = {}
    for label, key, total in (("small", "UATS", args.small), ("large", "UATL", args.scenarios)):
        project, seeded = seed_uat(world, key, total, args.cycles, testers)
        with transaction.atomic():
            for tester in testers:
                accounts.membership_add(actor=world.lead, project=project, user=tester, role=Role.CUSTOMER_MEMBER)
        say(
            f"  {label}: {total} scenarios x {args.cycles} cycles, {seeded['runs']} runs, "
            f"seeded in {seeded['seed_seconds']:.1f} s"
        )
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {world.token}")
        base = f"/api/v1/projects/{key}/"
        rows = {
            "summary": request_stats(client, base + "uat/summary/", args.requests),
            "gate": request_stats(client, base + "gate/", args.requests),
            "scenarios": request_stats(client, base + "uat/scenarios/", args.requests, {"status": "passed"}),
            "export": request_stats(
                client, base + "uat/scenarios/export/", max(2, args.requests // 5), {"format": "xlsx"}
            ),
        }
        body = rows["summary"].pop("body").json()
        for row in rows.values():
            row.pop("body", None)
        if body["scenarios"]["active"] != total:
            raise SystemExit(f"summary of {key}: {body['scenarios']}")
        bare = request_stats(Client(HTTP_HOST="127.0.0.1"), "/bench/bare", args.requests)
        bare.pop("body")

        def aggregate(p=project):
            return list(Run.objects.filter(project=p).values("cycle_id", "status").annotate(n=Count("pk")).order_by())

        aggregate()
        aggregate_ms = statistics.median(timed(aggregate)[0] for _ in range(args.requests))
        selector_ms = statistics.median(
            timed(lambda p=project: uat_summary(project=p))[0] for _ in range(args.requests)
        )
        for name, row in rows.items():
            say(f"  {label} GET {name:<9} median {row['median_ms']:8.1f} ms, {row['queries']} queries")
        say(
            f"  {label} uat_summary() {selector_ms:8.1f} ms; bare aggregate {aggregate_ms:8.1f} ms; "
            f"/bench/bare {bare['median_ms']:.2f} ms"
        )
        results[label] = {
            "scenarios": total,
            "runs": seeded["runs"],
            "rows": rows,
            "bare": bare,
            "aggregate_ms": aggregate_ms,
            "selector_ms": selector_ms,
            "pass_rate": body["pass_rate"],
            "cycles": [(c["number"], c["pass_rate"]) for c in body["cycles"]],
        }
        if label == "large":
            results["profile"] = profile_top(lambda p=project: [uat_summary(project=p) for _ in range(3)])
    return results


# --------------------------------------------------------------------------------------------------------------
# One database in this process


def run_part(args) -> dict:
    postgres = args.part == "postgres"
    started = time.perf_counter()
    result: dict = {"part": args.part}
    with harness.Instance(database_url=args.database_url if postgres else None, keep=args.keep) as instance:
        result["database"] = instance.database_description()
        say(f"[{args.part}] data dir {instance.data_dir}; database {result['database']}")
        world = harness.seed_world()
        say(f"[{args.part}] 1. import")
        result["import"] = measure_import(world, args)
        say(f"[{args.part}] 2. summary")
        result["summary"] = measure_summary(world, args)
    result["seconds"] = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------------------------------------------
# Report


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def render(parts: list[dict], info: dict, args, total_seconds: float) -> str:
    lines = [
        "## UAT",
        "",
        "Measured by `make bench` (`bench/bench_uat.py`); this section is rewritten by that script alone.",
        "In-process through Django's test client (no HTTP server, no load generator), each database in its own",
        "process; every figure is set against a baseline measured in the same run on the same database.",
        "",
        "### Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    for part in parts:
        lines.append(f"| {part['part']} | {part['database']}; part took {part['seconds']:.0f} s |")
    lines += [f"| whole run | {total_seconds:.0f} s |", ""]
    lines += [
        f"### 1. Import of {args.scenarios} scenarios from XLSX",
        "",
        "`services.scenario_import` (read with openpyxl in read-only mode, every row validated with the model's",
        "`full_clean()`, refs checked against the file and the project, one `bulk_create`, one audit event) into an",
        "empty project, against the baseline: openpyxl reading the same file in read-only mode plus a",
        f"`bulk_create` of the same rows without any validation. Median of {args.imports} runs each.",
        "",
        "| database | file KiB | import ms | baseline ms | import / baseline | API request ms | refused file "
        "(every 10th row bad) ms | rows listed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for part in parts:
        i = part["import"]
        lines.append(
            f"| {part['part']} | {fmt(i['file_kib'], 0)} | {fmt(i['service_median_ms'], 0)} "
            f"| {fmt(i['baseline_median_ms'], 0)} | {fmt(i['ratio'], 2)}x | {fmt(i['api_ms'], 0)} "
            f"| {fmt(i['refused_ms'], 0)} | {i['refused_errors']} ({'OK' if i['refused_ok'] else 'FAILED'}) |"
        )
    lines += [
        "",
        f"### 2. Summary over {args.scenarios} scenarios x {args.cycles} cycles",
        "",
        "Every scenario run once per cycle, a failed or blocked first run retested in half the cases (the",
        "latest run decides), the latest cycle assigned to five testers, 40 defects. Baselines on the same data:",
        "a bare aggregate (`Run.objects.filter(project=...).values('cycle_id', 'status').annotate(Count)`, one",
        "`GROUP BY` that ignores the latest-run rule) and `GET /bench/bare` (a bare Django view, `SELECT 1`).",
        f"Medians of {args.requests} requests after a warm-up; SQL queries of one request.",
        "",
        "| database | request | scenarios | runs | median ms | max ms | SQL queries | / bare aggregate "
        "| / `/bench/bare` |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for part in parts:
        s = part["summary"]
        for label in ("small", "large"):
            size = s[label]
            lines.append(
                f"| {part['part']} | bare aggregate (in-process) | {size['scenarios']} | {size['runs']} "
                f"| {fmt(size['aggregate_ms'], 2)} | | 1 | 1.00x | |"
            )
            lines.append(
                f"| {part['part']} | `uat_summary()` (selector, in-process) | {size['scenarios']} | {size['runs']} "
                f"| {fmt(size['selector_ms'], 1)} | | 6 "
                f"| {fmt(ratio(size['selector_ms'], size['aggregate_ms']), 1)}x | |"
            )
            for row in size["rows"].values():
                lines.append(
                    f"| {part['part']} | `GET {row['path'].split('/', 5)[-1]}` | {size['scenarios']} | {size['runs']} "
                    f"| {fmt(row['median_ms'], 1)} | {fmt(row['max_ms'], 1)} | {row['queries']} "
                    f"| {fmt(ratio(row['median_ms'], size['aggregate_ms']), 1)}x "
                    f"| {fmt(ratio(row['median_ms'], size['bare']['median_ms']), 1)}x |"
                )
    lines += ["", "SQL queries per request, small -> large project (must be equal):", ""]
    for part in parts:
        s = part["summary"]
        pairs = [
            f"{name} {s['small']['rows'][name]['queries']} -> {s['large']['rows'][name]['queries']}"
            for name in s["large"]["rows"]
        ]
        equal = all(s["small"]["rows"][n]["queries"] == s["large"]["rows"][n]["queries"] for n in s["large"]["rows"])
        lines.append(f"- {part['part']}: {', '.join(pairs)}: **{'equal' if equal else 'NOT equal'}**")
    lines += [
        "",
        "### Profiles",
        "",
        "cProfile: GoLive's functions by cumulative time, then all functions by own time.",
    ]
    for part in parts:
        for title, entries in (
            (f"{part['part']}: one import of {args.scenarios} scenarios", part["import"]["profile"]),
            (f"{part['part']}: uat_summary() x 3 over {args.scenarios} scenarios", part["summary"]["profile"]),
        ):
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
    wanted = [name for name, skip in (("sqlite", args.no_sqlite), ("postgres", args.no_postgres)) if not skip]
    own = list(argv if argv is not None else sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="golive-bench-uat-") as tmp:
        for name in wanted:
            out = Path(tmp) / f"{name}.json"
            command = [sys.executable, __file__, *own, "--part", name, "--part-json", str(out)]
            completed = subprocess.run(command, check=False)
            if completed.returncode != 0:
                print(f"the {name} part failed (exit {completed.returncode})", file=sys.stderr)
                return completed.returncode
            parts.append(json.loads(out.read_text()))

    info = harness.machine_info(server="none (in-process, Django test client)")
    total = time.perf_counter() - started
    report = render(parts, info, args, total)
    print()
    print(report)
    if args.output:
        harness.write_marked_section(args.output, "uat", report)
        print(f"wrote the bench:uat section of {args.output}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "parts": parts}, indent=2, default=str))

    failures = []
    for part in parts:
        if not part["import"]["refused_ok"]:
            failures.append(f"{part['part']} refused import")
        s = part["summary"]
        if any(s["small"]["rows"][n]["queries"] != s["large"]["rows"][n]["queries"] for n in s["large"]["rows"]):
            failures.append(f"{part['part']} query counts")
    if failures:
        print(f"checks failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
