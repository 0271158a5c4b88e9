"""Benchmark harness: a throwaway GoLive instance, seeded through the real services, served by `golive serve`.

Plain Python (stdlib and GoLive's own dependencies). The harness process configures Django for the
instance's database (environment first, then ``django.setup()``), migrates and seeds it in-process, and
starts the real server as a subprocess on a free port. Load comes from a thread pool of ``http.client``
connections (keep-alive, one per simulated client), so it runs wherever Python does.

Usage from a benchmark script::

    with Instance(database_url=None) as instance:   # None: embedded SQLite in a temp data dir
        world = seed_world()
        seed_projects(world, 10)
        instance.start_server()
        stats = load(instance.port, "/healthz", clients=8, requests_per_client=100)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import http.client
import itertools
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
SEED_PASSWORD = "bench-password-42"


# --------------------------------------------------------------------------------------------------------------
# Statistics


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


@dataclass
class Stats:
    """Latency and throughput of one measured path."""

    path: str
    clients: int
    requests: int
    errors: int
    wall_seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    warmup_requests: int = 0

    @property
    def median_ms(self) -> float:
        return percentile(sorted(self.latencies_ms), 50)

    @property
    def p95_ms(self) -> float:
        return percentile(sorted(self.latencies_ms), 95)

    @property
    def p99_ms(self) -> float:
        return percentile(sorted(self.latencies_ms), 99)

    @property
    def throughput(self) -> float:
        return self.requests / self.wall_seconds if self.wall_seconds > 0 else float("nan")


def combined(rounds: list[Stats]) -> Stats:
    """The rounds of one path as one measurement: requests, errors and wall time summed, latencies pooled (so
    that throughput is all requests over all the time they took)."""
    return Stats(
        path=rounds[0].path,
        clients=rounds[0].clients,
        requests=sum(r.requests for r in rounds),
        errors=sum(r.errors for r in rounds),
        wall_seconds=sum(r.wall_seconds for r in rounds),
        latencies_ms=[ms for r in rounds for ms in r.latencies_ms],
        warmup_requests=sum(r.warmup_requests for r in rounds),
    )


# --------------------------------------------------------------------------------------------------------------
# Load generation


def _request(
    conn: http.client.HTTPConnection,
    path: str,
    headers: dict[str, str],
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[int, bool]:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, response.will_close


def json_body(factory: Callable[[int, int], dict]) -> Callable[[int, int], bytes]:
    """A ``load(body=...)`` factory that encodes ``factory(client, sequence)`` as JSON."""
    return lambda client, sequence: json.dumps(factory(client, sequence)).encode()


def load(
    port: int,
    path: str,
    *,
    clients: int,
    requests_per_client: int,
    headers: dict[str, str] | None = None,
    warmup_per_client: int = 3,
    host: str = "127.0.0.1",
    expect_status: int | None = None,
    method: str = "GET",
    body: Callable[[int, int], bytes] | None = None,
    timeout: float = 60,
) -> Stats:
    """``clients`` threads, each on its own keep-alive connection, send ``requests_per_client`` requests
    (GETs by default; ``method="POST"`` with ``body(client_index, sequence) -> bytes`` for writes, JSON unless
    a ``Content-Type`` header says otherwise).

    Every client first sends a few unmeasured warm-up requests; measuring starts when all are warm. A
    response with another status than ``expect_status`` (default 200, 201 for POST), or a broken connection,
    counts as an error, and so does one that takes longer than ``timeout`` seconds. Warm-up requests of a POST
    write too: ``Stats.warmup_requests`` says how many were sent.
    """
    headers = {"Accept": "application/json", **(headers or {})}
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    if expect_status is None:
        expect_status = 201 if method == "POST" else 200
    sequence = itertools.count()  # next() on it is atomic under the GIL

    def send(conn: http.client.HTTPConnection, index: int) -> tuple[int, bool]:
        payload = body(index, next(sequence)) if body is not None else None
        return _request(conn, path, headers, method, payload)

    ready = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            for _ in range(warmup_per_client):
                _, will_close = send(conn, index)
                if will_close:
                    conn.close()
        finally:
            ready.wait()
        for _ in range(requests_per_client):
            started = time.perf_counter()
            try:
                status, will_close = send(conn, index)
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                conn.close()
                continue
            latencies[index].append((time.perf_counter() - started) * 1000)
            if status != expect_status:
                errors[index] += 1
            if will_close:
                conn.close()
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    # The load generator shares its interpreter with the seeded data (tens of thousands of objects after a large
    # seed): a full collection while clients wait for answers would add its pause to their latencies. The clients
    # allocate little, so collection waits until the measured requests are done.
    gc.collect()
    gc.disable()
    try:
        for thread in threads:
            thread.start()
        ready.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        gc.enable()
    flat = [value for per_client in latencies for value in per_client]
    return Stats(
        path=path,
        clients=clients,
        requests=len(flat),
        errors=sum(errors),
        wall_seconds=wall,
        latencies_ms=flat,
        warmup_requests=clients * warmup_per_client,
    )


# --------------------------------------------------------------------------------------------------------------
# The instance: data dir, database, Django in this process, the server in a subprocess


def _stop_group(process: subprocess.Popen, *, timeout: float) -> None:
    """SIGTERM to the process's session (started with ``start_new_session``), SIGKILL after ``timeout``; then
    SIGKILL to whatever of it is left (a Celery beat whose worker was killed would outlive it)."""

    def signal_group(signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # the whole group has exited
            os.killpg(process.pid, signum)

    if process.poll() is None:
        signal_group(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            signal_group(signal.SIGKILL)
            process.wait()
    signal_group(signal.SIGKILL)


def plural(count: int, noun: str) -> str:
    """``1 thread``, ``4 threads``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def golive_command() -> list[str]:
    """The installed ``golive`` command beside this interpreter (the virtualenv's), else on PATH."""
    beside = Path(sys.executable).with_name("golive")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("golive")
    if found:
        return [found]
    raise SystemExit("the golive command is not installed: run `make venv` (pip install -e .) first")


def gunicorn_command() -> list[str]:
    """The ``gunicorn`` beside this interpreter (installed with the ``production`` extra), else on PATH."""
    beside = Path(sys.executable).with_name("gunicorn")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("gunicorn")
    if found:
        return [found]
    raise SystemExit("gunicorn is not installed: run `make venv` (installs the production extra) first")


class Instance:
    """A throwaway GoLive: temp ``GOLIVE_DATA_DIR`` and a fresh database, removed again on exit.

    With ``database_url`` (PostgreSQL), the harness creates that database and drops it at the end; to keep a
    real database safe, its name must contain ``bench``.
    """

    def __init__(self, *, database_url: str | None = None, keep: bool = False):
        self.database_url = database_url or None
        self.keep = keep
        self.data_dir = Path(tempfile.mkdtemp(prefix="golive-bench-"))
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.port: int | None = None
        self.server_log = self.data_dir / "server.log"
        self._pg_name: str | None = None
        self.server_name: str | None = None

    # -- set-up ------------------------------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        """The variables shared by this process and the server subprocess."""
        env = {
            "DJANGO_SETTINGS_MODULE": "golive.settings",
            "GOLIVE_DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.database_url or "",
            "GOLIVE_BROKER_URL": "",
            "GOLIVE_BENCH_VIEWS": "1",
            "GOLIVE_DEBUG": "0",
            "GOLIVE_LOG_LEVEL": "WARNING",
        }
        return env

    def __enter__(self) -> Instance:
        if self.database_url:
            self._create_postgres_database()
        os.environ.update(self.environment())
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop_server()
        from django.db import connections

        connections.close_all()
        if self._pg_name:
            self._drop_postgres_database()
        if not self.keep:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _admin_connection(self):
        import psycopg

        return psycopg.connect(self.database_url, dbname="postgres", autocommit=True)

    def _create_postgres_database(self) -> None:
        from psycopg import sql

        parsed = urlparse(self.database_url)
        if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise SystemExit(f"--database-url must be a postgres:// URL, not {parsed.scheme}://")
        name = parsed.path.lstrip("/")
        if "bench" not in name:
            raise SystemExit(
                f"the benchmark drops and recreates its database; {name!r} does not look like a "
                "benchmark database (use a name containing 'bench', e.g. golive_bench)"
            )
        with self._admin_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            # The production profile's planner settings (docs/deploy.md), as ``make run-stack`` sets them.
            from golive.stack import tune_database

            tune_database(conn, name)
        self._pg_name = name

    def _drop_postgres_database(self) -> None:
        from psycopg import sql

        with self._admin_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self._pg_name)))

    # -- the server --------------------------------------------------------------------------------------------

    def start_server(
        self, *, timeout: float = 60, server: str = "waitress", workers: int = 2, broker_url: str | None = None
    ) -> int:
        """The server on a free port; returns once ``/healthz`` answers 200.

        ``server="waitress"``: ``golive serve --no-demo`` (migrates, then waitress). ``server="gunicorn"``:
        ``gunicorn golive.wsgi:application -w WORKERS`` (sync workers) from this virtualenv, on the database
        this process has already migrated. ``server="production"``: the production profile of docs/deploy.md,
        ``gunicorn -c python:golive.gunicorn_conf`` (threaded workers) with WORKERS workers; with ``broker_url``
        the server sends background work to that broker and ``golive worker`` (one Celery process, beat
        embedded) consumes it beside the server, on the same machine.
        """
        self.port = free_port()
        extra_env: dict[str, str] = {}
        if server == "production":
            command = [*gunicorn_command(), "-c", "python:golive.gunicorn_conf", "golive.wsgi:application"]
            extra_env = {"GOLIVE_BIND": f"127.0.0.1:{self.port}", "GOLIVE_WEB_WORKERS": str(workers)}
            if broker_url:
                extra_env["GOLIVE_BROKER_URL"] = broker_url
                worker_env = {**os.environ, **self.environment(), "GOLIVE_BROKER_URL": broker_url}
                worker_log = (self.data_dir / "worker.log").open("ab")
                self.worker = subprocess.Popen(
                    [*golive_command(), "worker", "--concurrency", "1", "--loglevel", "WARNING"],
                    env=worker_env,
                    stdout=worker_log,
                    stderr=subprocess.STDOUT,
                    cwd=self.data_dir,
                    start_new_session=True,  # stopped as a group: its pool and embedded beat too
                )
                worker_log.close()
        elif server == "gunicorn":
            command = [
                *gunicorn_command(),
                "golive.wsgi:application",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ]
        elif server == "waitress":
            command = [*golive_command(), "serve", "--no-demo", "--host", "127.0.0.1", "--port", str(self.port)]
        else:
            raise ValueError(f"unknown server {server!r} (waitress or gunicorn)")
        self.server_name = server
        env = {**os.environ, **self.environment(), **extra_env}
        log = self.server_log.open("ab")
        self.server = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.data_dir, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                status, _ = _request(conn, "/healthz", {})
                conn.close()
                if status == 200:
                    return self.port
            except OSError:
                pass
            time.sleep(0.2)
        output = self.server_log.read_text(errors="replace")
        self.stop_server()
        raise SystemExit(f"the server did not come up ({' '.join(command)}):\n{output}")

    @contextlib.contextmanager
    def background_paused(self):
        """The Celery worker (its pool and beat: one process group) stopped with SIGSTOP while the block runs, so
        that a timing taken "alone" shares the cores with no periodic sweep; continued afterwards."""
        worker = self.worker
        if worker is None or worker.poll() is not None:
            yield
            return
        os.killpg(worker.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.killpg(worker.pid, signal.SIGCONT)

    def stop_server(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            _stop_group(worker, timeout=20)
        if self.server is None:
            return
        _stop_group(self.server, timeout=10)
        self.server = None

    # -- facts for the report ----------------------------------------------------------------------------------

    def database_description(self) -> str:
        from django.db import connection

        connection.ensure_connection()
        if connection.vendor == "sqlite":
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version} (WAL, file in a temp data dir)"
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version.split()[0]} ({connection.settings_dict['HOST'] or 'socket'})"


# --------------------------------------------------------------------------------------------------------------
# Seeding through the real services


@dataclass
class World:
    vendor: object
    customer: object
    lead: object
    token: str


def seed_world() -> World:
    """A vendor and a customer organization, a consultant lead and the lead's API token."""
    from django.db import transaction

    from golive.accounts import services as accounts
    from golive.accounts.models import Organization

    with transaction.atomic():
        vendor = accounts.organization_create(
            actor=None, slug="bench-vendor", name="Bench Vendor", kind=Organization.Kind.VENDOR, timezone="Asia/Seoul"
        )
        customer = accounts.organization_create(
            actor=None,
            slug="bench-customer",
            name="Bench Customer",
            kind=Organization.Kind.CUSTOMER,
            timezone="Asia/Seoul",
        )
        lead = accounts.user_create(
            actor=None,
            username="bench.lead",
            password=SEED_PASSWORD,
            email="bench.lead@example.invalid",
            organization=vendor,
        )
        token = accounts.token_get_or_create(user=lead).key
    return World(vendor=vendor, customer=customer, lead=lead, token=token)


def seed_projects(world: World, total: int, *, batch: int = 500) -> float:
    """Create projects through ``project_create`` until there are ``total``; the creator (the lead) becomes
    consultant lead of each. Batched in transactions. Returns the seconds it took."""
    from django.db import transaction

    from golive.lifecycle.models import Project
    from golive.lifecycle.services import project_create

    started = time.perf_counter()
    today = dt.date.today()
    first = Project.objects.count() + 1
    while first <= total:
        last = min(total, first + batch - 1)
        with transaction.atomic():
            for number in range(first, last + 1):
                project_create(
                    actor=world.lead,
                    key=f"B{number:05d}",
                    name=f"Bench project {number}",
                    customer=world.customer,
                    planned_go_live=today + dt.timedelta(days=60 + number % 240),
                )
        first = last + 1
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum would give a real database after a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------------------------------
# In-process measurements


def count_queries(path: str, token: str) -> tuple[int, int, dict]:
    """``(status, number of SQL queries, JSON body)`` of one GET through Django's test client on the same
    database, after one unmeasured warm-up request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    body = response.json() if response.get("Content-Type", "").startswith("application/json") else {}
    return response.status_code, len(queries.captured_queries), body


def machine_info(server: str | None = None) -> dict[str, str]:
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    import django

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "server": server or f"golive serve (waitress, {os.environ.get('GOLIVE_THREADS', '8')} threads)",
    }


# --------------------------------------------------------------------------------------------------------------
# Reports shared by several scripts


def _marker(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def marked_sections(text: str) -> list[str]:
    """Every ``<!-- bench:NAME -->`` ... ``<!-- /bench:NAME -->`` block of a report, markers included."""
    import re

    return [m.group(0) for m in re.finditer(r"<!-- bench:([\w-]+) -->.*?<!-- /bench:\1 -->", text, re.S)]


def keep_marked_sections(path: Path, report: str) -> str:
    """``report`` followed by the marked sections that other scripts wrote into the existing ``path``; a
    script that regenerates a whole file calls this so it does not wipe another script's section."""
    old = path.read_text() if path.exists() else ""
    kept = [section for section in marked_sections(old) if section not in report]
    if not kept:
        return report
    return report.rstrip("\n") + "\n\n" + "\n\n".join(kept) + "\n"


def write_marked_section(path: Path, name: str, body: str) -> None:
    """Replace (or append) the ``name`` section of ``path``, leaving the rest of the file as it is."""
    start, end = _marker(name)
    block = f"{start}\n{body.strip()}\n{end}"
    old = path.read_text() if path.exists() else ""
    if start in old and end in old:
        head, rest = old.split(start, 1)
        tail = rest.split(end, 1)[1]
        text = head + block + tail
    else:
        text = (old.rstrip("\n") + "\n\n" if old else "") + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
