"""JUnit parsing benchmark: ``golive.cutover.junit.parse_junit`` on a 50,000-case report, against baselines measured
in the same run on the same file.

1. Time: ``parse_junit`` against a bare ``xml.etree.ElementTree.iterparse`` loop that only counts ``testcase`` end
   events (the C parser, nothing else done), and against the same bare loop over defusedxml's iterparse (the
   parser ``parse_junit`` uses: expat with Python-level handlers, so that DOCTYPEs can be refused).
2. Peak memory (tracemalloc): ``parse_junit`` against ``xml.etree.ElementTree.parse`` (the whole DOM) of the same
   file. A streaming parser's peak is a small fraction of the DOM's.
3. Both again at 5,000 cases: a streaming parser's peak does not grow with the number of cases.

The report is generated (Surefire-like packages of nested class suites, with properties, system-out, failures with
stack traces, errors, skips and flaky reruns) into a temp file; the counts ``parse_junit`` returns must equal the
generated ones. Run with ``make bench`` (writes the ``bench:junit`` section of docs/performance.md) or::

    .venv/bin/python bench/bench_junit.py [--output docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import harness
from golive.cutover.junit import parse_junit

CASES_PER_CLASS = 100
CLASSES_PER_PACKAGE = 20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50_000, help="test cases in the large report (default 50000)")
    parser.add_argument("--small-cases", type=int, default=5_000, help="test cases in the small report (default 5000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each parser (default 5; median shown)")
    parser.add_argument("--seed", type=int, default=42, help="random seed for the outcomes (default 42)")
    parser.add_argument("--output", type=Path, help="write the report into this file's bench:junit section")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    return parser.parse_args(argv)


# --------------------------------------------------------------------------------------------------------------
# The report


STACK = "".join(
    f"\tat com.example.{frame}(Source.java:{line})\n"
    for frame, line in [
        ("billing.InvoiceService.total", 118),
        ("billing.InvoiceService.issue", 64),
        ("billing.InvoiceServiceTest.run", 41),
        ("junit.jupiter.engine.execution.MethodInvocation.proceed", 64),
        ("junit.jupiter.engine.execution.InvocationInterceptorChain.proceed", 45),
        ("junit.platform.engine.support.hierarchical.NodeTestTask.execute", 146),
        ("junit.platform.engine.support.hierarchical.ThrowableCollector.execute", 73),
        ("maven.surefire.junitplatform.JUnitPlatformProvider.invoke", 150),
    ]
)


def write_report(path: Path, cases: int, seed: int) -> dict:
    """Write a JUnit report of ``cases`` test cases to ``path``; return the expected counts."""
    rng = random.Random(seed)
    expected = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "passed": 0, "suites": 0}
    classes = -(-cases // CASES_PER_CLASS)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench" tests="0">\n')
        written = 0
        for package_start in range(0, classes, CLASSES_PER_PACKAGE):
            package = f"com.example.pkg{package_start // CLASSES_PER_PACKAGE:03d}"
            out.write(f'  <testsuite name="{package}" tests="0" time="0">\n    <properties>\n')
            for key in ("java.version", "os.name", "user.timezone", "surefire.test.class.path"):
                out.write(f'      <property name="{key}" value="/builds/{package}/target/{key}"/>\n')
            out.write("    </properties>\n")
            expected["suites"] += 1
            for class_index in range(package_start, min(package_start + CLASSES_PER_PACKAGE, classes)):
                classname = f"{package}.Class{class_index:04d}Test"
                out.write(f'    <testsuite name="{classname}" tests="0" time="0">\n')
                expected["suites"] += 1
                for number in range(min(CASES_PER_CLASS, cases - written)):
                    written += 1
                    name = f"test{number:03d}_handlesCase"
                    attrs = f'classname="{classname}" name="{name}" time="{rng.randint(0, 900) / 1000:.3f}"'
                    roll = rng.random()
                    if roll < 0.01:
                        expected["failures"] += 1
                        out.write(
                            f'      <testcase {attrs}>\n        <failure message="expected: &lt;{number}&gt; but '
                            f'was: &lt;{number + 1}&gt;" type="org.opentest4j.AssertionFailedError">'
                            f"<![CDATA[org.opentest4j.AssertionFailedError: expected: <{number}> but was: "
                            f"<{number + 1}>\n{STACK}]]></failure>\n"
                            "        <system-out><![CDATA[connecting to db\nretrying\n]]></system-out>\n"
                            "      </testcase>\n"
                        )
                    elif roll < 0.012:
                        expected["errors"] += 1
                        out.write(
                            f'      <testcase {attrs}>\n        <error message="Connection refused" '
                            f'type="java.net.ConnectException">java.net.ConnectException: Connection refused\n'
                            f"{STACK}</error>\n      </testcase>\n"
                        )
                    elif roll < 0.042:
                        expected["skipped"] += 1
                        out.write(f'      <testcase {attrs}>\n        <skipped message="disabled"/>\n')
                        out.write("      </testcase>\n")
                    elif roll < 0.047:
                        expected["passed"] += 1
                        out.write(
                            f'      <testcase {attrs}>\n        <flakyFailure message="timeout" '
                            'type="java.util.concurrent.TimeoutException">\n'
                            f"          <stackTrace>{STACK}</stackTrace>\n        </flakyFailure>\n      </testcase>\n"
                        )
                    else:
                        expected["passed"] += 1
                        out.write(f"      <testcase {attrs}/>\n")
                out.write(f"      <system-out><![CDATA[{classname}: {CASES_PER_CLASS} tests run\n]]></system-out>\n")
                out.write("    </testsuite>\n")
            out.write("  </testsuite>\n")
        out.write("</testsuites>\n")
    expected["tests"] = written
    return expected


# --------------------------------------------------------------------------------------------------------------
# The parsers


def run_parse_junit(path: Path):
    with path.open("rb") as source:
        return parse_junit(source)


def run_parse_junit_keeping_no_cases(path: Path):
    """``parse_junit`` with ``max_failing=0``: the streaming alone, without the (bounded) kept failing cases."""
    with path.open("rb") as source:
        return parse_junit(source, max_failing=0)


def run_bare_iterparse(path: Path) -> int:
    """The floor for time: the C parser, counting testcase end events and doing nothing else."""
    count = 0
    for _event, element in ET.iterparse(path, events=("end",)):
        if element.tag == "testcase":
            count += 1
    return count


def run_bare_defused_iterparse(path: Path) -> int:
    """The same loop over defusedxml's iterparse (expat with Python-level handlers, which parse_junit uses)."""
    from defusedxml.ElementTree import iterparse

    count = 0
    with path.open("rb") as source:
        for _event, element in iterparse(source, events=("end",), forbid_dtd=True):
            if element.tag == "testcase":
                count += 1
    return count


def run_dom(path: Path) -> int:
    """The whole document as a tree, as ``ElementTree.parse`` builds it."""
    return sum(1 for _ in ET.parse(path).getroot().iter("testcase"))


def timed(function: Callable, path: Path, repeat: int) -> tuple[float, float]:
    """Median and minimum seconds of ``repeat`` runs (after one warm-up run)."""
    function(path)
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(path)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), min(seconds)


def peak_bytes(function: Callable, path: Path) -> int:
    """The peak of memory traced by tracemalloc while ``function`` runs (result included)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = function(path)
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak


def measure(path: Path, cases: int, args) -> dict:
    expected = write_report(path, cases, args.seed)
    report = run_parse_junit(path)
    got = {
        "tests": report.tests,
        "failures": report.failures,
        "errors": report.errors,
        "skipped": report.skipped,
        "passed": report.passed,
        "suites": report.suites,
    }
    row = {
        "cases": cases,
        "bytes": path.stat().st_size,
        "expected": expected,
        "got": got,
        "counts_ok": got == expected and run_bare_iterparse(path) == cases,
        "failing_kept": len(report.failing),
        "failing_omitted": report.failing_omitted,
    }
    for name, function in (
        ("parse_junit", run_parse_junit),
        ("bare_iterparse", run_bare_iterparse),
        ("bare_defused", run_bare_defused_iterparse),
    ):
        row[f"{name}_median_s"], row[f"{name}_min_s"] = timed(function, path, args.repeat)
    row["parse_junit_peak"] = peak_bytes(run_parse_junit, path)
    row["stream_peak"] = peak_bytes(run_parse_junit_keeping_no_cases, path)
    row["dom_peak"] = peak_bytes(run_dom, path)
    return row


# --------------------------------------------------------------------------------------------------------------
# Report


def mib(size: float) -> str:
    return f"{size / (1 << 20):.2f} MiB"


def render(rows: list[dict], info: dict, args, summary: dict) -> str:
    lines = [
        "## JUnit parsing",
        "",
        "Measured by `make bench` (`bench/bench_junit.py`); this section is rewritten by that script alone. In one",
        "process, on a generated report (Surefire-like: packages of nested class suites with properties and",
        "system-out; 1% failures and 0.2% errors with stack traces, 3% skipped, 0.5% flaky reruns) in a temp file.",
        "Baselines on the same file in the same run: a bare `xml.etree.ElementTree.iterparse` loop that only counts",
        "`testcase` end events (C parser), the same loop over defusedxml's `iterparse` (the parser `parse_junit`",
        "uses: expat with Python-level handlers, so a DOCTYPE can be refused), and the peak memory of",
        "`ElementTree.parse` (the whole DOM). Times are the median of",
        f"{args.repeat} runs after a warm-up; peak memory is tracemalloc's peak of a separate run (result included).",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += [
        "",
        "| cases | file | parse_junit s | cases/s | bare ET.iterparse s | parse_junit / bare | bare defusedxml "
        "iterparse s | parse_junit peak | same, max_failing=0 | ElementTree.parse (DOM) peak | peak / DOM | counts |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['cases']:,} | {mib(row['bytes'])} | {row['parse_junit_median_s']:.3f} "
            f"| {row['cases'] / row['parse_junit_median_s']:,.0f} | {row['bare_iterparse_median_s']:.3f} "
            f"| {row['parse_junit_median_s'] / row['bare_iterparse_median_s']:.2f}x "
            f"| {row['bare_defused_median_s']:.3f} | {mib(row['parse_junit_peak'])} | {mib(row['stream_peak'])} "
            f"| {mib(row['dom_peak'])} | {row['parse_junit_peak'] / row['dom_peak']:.1%} "
            f"| {'as generated' if row['counts_ok'] else 'WRONG'} |"
        )
    small, large = rows[0], rows[-1]
    sizes = f"{large['cases']:,} / {small['cases']:,} cases"
    lines += [
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| parse_junit peak with max_failing=0 (the streaming alone), {sizes} | {summary['stream_growth']:.2f}x |",
        f"| parse_junit peak (with the kept failing cases), {sizes} | {summary['peak_growth']:.2f}x |",
        f"| ElementTree.parse (DOM) peak, {sizes} | {summary['dom_growth']:.2f}x |",
        f"| parse_junit peak / DOM peak at {large['cases']:,} cases | {summary['peak_fraction']:.1%} |",
        f"| parse_junit time / bare ET.iterparse at {large['cases']:,} cases | {summary['time_ratio']:.2f}x |",
        f"| parse_junit time / bare defusedxml iterparse at {large['cases']:,} cases "
        f"| {summary['own_overhead']:.2f}x |",
        "",
        f"The parser streams: with no failing case kept its peak is {mib(small['stream_peak'])} at",
        f"{small['cases']:,} cases and {mib(large['stream_peak'])} at {large['cases']:,} (one read buffer, its",
        "pending events and the open elements), while the DOM grows with the file. The default peak adds the failing",
        f"cases it keeps ({small['failing_kept']} at {small['cases']:,} cases, {large['failing_kept']} at",
        f"{large['cases']:,} with {large['failing_omitted']} more only counted), which `max_failing` (500) bounds.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.cases <= args.small_cases:
        raise SystemExit("--cases must be greater than --small-cases")
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="golive-bench-junit-") as tmp:
        for cases in (args.small_cases, args.cases):
            print(f"{cases} cases ...", flush=True)
            row = measure(Path(tmp) / f"TEST-bench-{cases}.xml", cases, args)
            rows.append(row)
            print(
                f"  {mib(row['bytes'])}; parse_junit {row['parse_junit_median_s']:.3f} s, bare ET.iterparse "
                f"{row['bare_iterparse_median_s']:.3f} s, bare defusedxml {row['bare_defused_median_s']:.3f} s; "
                f"peak {mib(row['parse_junit_peak'])} vs DOM {mib(row['dom_peak'])}; counts ok: {row['counts_ok']}",
                flush=True,
            )
    small, large = rows
    summary = {
        "stream_growth": large["stream_peak"] / small["stream_peak"],
        "peak_growth": large["parse_junit_peak"] / small["parse_junit_peak"],
        "dom_growth": large["dom_peak"] / small["dom_peak"],
        "peak_fraction": large["parse_junit_peak"] / large["dom_peak"],
        "time_ratio": large["parse_junit_median_s"] / large["bare_iterparse_median_s"],
        "own_overhead": large["parse_junit_median_s"] / large["bare_defused_median_s"],
    }
    info = harness.machine_info(server="-")
    for key in ("server", "django"):
        info.pop(key, None)
    info["whole run"] = f"{time.perf_counter() - started:.0f} s"
    report = render(rows, info, args, summary)
    print()
    print(report)
    if args.output:
        harness.write_marked_section(args.output, "junit", report)
        print(f"wrote the bench:junit section of {args.output}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "rows": rows, "summary": summary}, indent=2))

    failures = [f"{row['cases']} cases: counts differ" for row in rows if not row["counts_ok"]]
    if summary["peak_fraction"] > 0.1:
        failures.append(f"peak is {summary['peak_fraction']:.0%} of the DOM's (over 10%): not streaming")
    if summary["stream_growth"] > 1.5:
        failures.append(f"the streaming peak grew {summary['stream_growth']:.1f}x with the cases")
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
