"""The whole production profile on one machine (``make run-stack``): gunicorn, a Celery worker with beat, on
PostgreSQL and Redis, static files collected and served by WhiteNoise.

``python -m golive.stack [--no-demo] [--check]`` prepares the database (creating it when the server allows),
migrates, loads the demo data, collects the static files, then starts and supervises:

- ``gunicorn -c python:golive.gunicorn_conf golive.wsgi:application`` (workers and threads: see that module),
- ``golive worker`` (Celery worker with the periodic scheduler embedded).

It waits until ``/healthz`` reports the database and the broker ok, prints the address, and runs until Ctrl-C
(or SIGTERM), which stops every process gracefully. When one of them dies, the others are stopped and the exit
status is 1. ``--check`` stops everything once the stack is healthy (exit 0): a smoke test of the profile.

Configuration is the usual environment (CONTRACT.md, docs/deploy.md); the Makefile target fills in local
defaults: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/golive_stack``, ``GOLIVE_BROKER_URL=redis://
127.0.0.1:6379/1``, ``GOLIVE_DATA_DIR=var/stack``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

GRACE_SECONDS = 30
# Planner settings of the production profile, set on a database this module creates (docs/deploy.md,
# "PostgreSQL settings"): on SSD or cached storage a random page costs little more than a sequential one, and
# PostgreSQL's default of 4 (spinning disks) makes it read whole tables where an index answers in a fraction.
DATABASE_SETTINGS = {"random_page_cost": "1.1"}


def tune_database(connection, name: str) -> None:
    """``ALTER DATABASE name SET`` each of :data:`DATABASE_SETTINGS` (``connection``: psycopg, autocommit)."""
    from psycopg import sql

    for setting, value in DATABASE_SETTINGS.items():
        connection.execute(
            sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
            )
        )


def _say(text: str) -> None:
    print(f"[stack] {text}", flush=True)


def _golive() -> list[str]:
    beside = Path(sys.executable).with_name("golive")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "golive"]


def _gunicorn() -> list[str]:
    beside = Path(sys.executable).with_name("gunicorn")
    if not beside.exists():
        raise SystemExit("gunicorn is missing: pip install 'golive[production]'")
    return [str(beside)]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named by ``url`` when it does not exist yet (needs CREATEDB)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        return
    import psycopg
    from psycopg import sql

    name = parsed.path.lstrip("/")
    admin = parsed._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            _say(f"creating database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            tune_database(connection, name)


def _run(command: list[str]) -> None:
    _say(" ".join(command[-3:]) if len(command) > 3 else " ".join(command))
    subprocess.run(command, check=True)


def _health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal the process and everything it started: each runs in a session of its own (gunicorn's workers, the
    Celery worker's pool and its embedded beat), so that none outlives a stop, even a killed parent's."""
    with contextlib.suppress(ProcessLookupError):  # the whole group has exited
        os.killpg(process.pid, signum)


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"{name} did not stop in {GRACE_SECONDS} s: killing it")
            _signal_group(process, signal.SIGKILL)
            process.wait()
        # A child that did not follow its parent out (a Celery beat whose worker was killed) goes too.
        _signal_group(process, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except subprocess.CalledProcessError as exc:
        _say(f"{' '.join(exc.cmd[-3:])} failed with status {exc.returncode}")
        return 1


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m golive.stack", description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data set")
    parser.add_argument("--check", action="store_true", help="stop once the stack is healthy (smoke test)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes (default 2)")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not os.environ.get("GOLIVE_BROKER_URL"):
        raise SystemExit("the production stack needs DATABASE_URL=postgres://... and GOLIVE_BROKER_URL=redis://...")
    os.environ.setdefault("GOLIVE_STATIC_MANIFEST", "1")
    ensure_database(database_url)
    golive = _golive()
    _run([*golive, "migrate"])
    if not args.no_demo:
        _run([*golive, "demo"])
    _run([*golive, "manage", "collectstatic", "--noinput", "--verbosity", "0"])

    bind = os.environ.setdefault("GOLIVE_BIND", "127.0.0.1:8000")
    # Each in a session of its own: the stack stops them (and what they started) itself, on Ctrl-C or SIGTERM.
    processes = {
        "web": subprocess.Popen(
            [*_gunicorn(), "-c", "python:golive.gunicorn_conf", "golive.wsgi:application"], start_new_session=True
        ),
        "worker": subprocess.Popen(
            [*golive, "worker", f"--concurrency={args.worker_concurrency}", "--loglevel=WARNING"],
            start_new_session=True,
        ),
    }
    stopping = False

    def request_stop(signum, frame):  # noqa: ARG001 - signal handler signature
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    health_url = f"http://{bind}/healthz"
    healthy = False
    status = 0
    try:
        deadline = time.monotonic() + 120
        while not stopping:
            dead = [name for name, process in processes.items() if process.poll() is not None]
            if dead:
                _say(f"{', '.join(dead)} exited (status {processes[dead[0]].returncode}): stopping the stack")
                status = 1
                break
            if not healthy:
                report = _health(health_url)
                if report and report.get("status") == "ok" and report.get("broker") == "ok":
                    healthy = True
                    _say(f"healthy: {report}")
                    _say(f"GoLive (production profile) on http://{bind}/  (Ctrl-C stops it)")
                    if args.check:
                        break
                elif time.monotonic() > deadline:
                    _say(f"not healthy after 120 s: {report}")
                    status = 1
                    break
            time.sleep(0.5)
    finally:
        _say("stopping")
        _stop(processes)
    return status


if __name__ == "__main__":
    sys.exit(main())
