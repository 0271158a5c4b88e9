"""Real GoLive servers for the reliability suite: a throwaway data directory and database, the server in its own
process group (so a test can SIGKILL all of it at once), and a tiny HTTP client.

The servers run exactly as in production: ``gunicorn -c python:golive.gunicorn_conf golive.wsgi:application`` on
PostgreSQL, ``golive serve --no-demo`` (waitress, background work in-process) on the embedded SQLite database.
Data is seeded and read back through ``tests.reliability.scenarios`` in a subprocess on the instance's database.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------------------------
# Process groups


def spawn(command: list[str], *, env: dict[str, str], log: Path, cwd: Path | None = None) -> subprocess.Popen:
    """Start ``command`` in a new process group (its children too can then be signalled at once)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=cwd or REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def signal_group(process: subprocess.Popen, signum: int, timeout: float) -> bool:
    """Send ``signum`` to the process group ``process`` leads; True once no process of the group is left."""
    pgid = process.pid  # start_new_session: the leader's pid is the group id
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.poll()  # reap the leader
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def stop_group(process: subprocess.Popen) -> None:
    """End a throwaway server or worker and all its children at once (a graceful gunicorn shutdown takes seconds,
    and nothing of a throwaway instance needs to survive it)."""
    signal_group(process, signal.SIGKILL, 30)
    process.wait(timeout=30)


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL: throwaway databases (their names always contain "reliability")


class Postgres:
    """Creates and drops databases on the server of ``url`` (any database of it; ``postgres`` is used to admin)."""

    def __init__(self, url: str):
        self.url = url

    def _admin(self):
        import psycopg

        return psycopg.connect(self.url, dbname="postgres", autocommit=True, connect_timeout=5)

    def ping(self) -> None:
        with self._admin() as conn:
            conn.execute("SELECT 1")

    def url_for(self, name: str) -> str:
        return urlunparse(urlparse(self.url)._replace(path=f"/{name}"))

    def create(self, name: str, *, template: str | None = None) -> str:
        from psycopg import sql

        assert "reliability" in name, f"refusing to (re)create {name!r}: not a reliability database"
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            if template:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
                )
            else:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop(self, name: str) -> None:
        from psycopg import sql

        assert "reliability" in name, f"refusing to drop {name!r}: not a reliability database"
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# ---------------------------------------------------------------------------------------------------------------
# An instance: data dir + database, scenarios, and one server at a time


class ServerDown(Exception):
    """The server did not come up."""


class Instance:
    """A GoLive on ``database_url`` (default: SQLite in ``data_dir``) with its own ``GOLIVE_DATA_DIR``."""

    def __init__(self, data_dir: Path, database_url: str | None = None, **extra_env: str):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.sqlite_path = self.data_dir / "golive.sqlite3"
        self.database_url = database_url or f"sqlite:///{self.sqlite_path}"
        self.extra_env = extra_env
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path = self.data_dir / "server.log"

    def env(self, **extra: str) -> dict[str, str]:
        path = os.environ.get("PYTHONPATH", "")
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "golive.settings",
            "GOLIVE_DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.database_url,
            "GOLIVE_BROKER_URL": "",
            "GOLIVE_DEBUG": "0",
            "GOLIVE_BENCH_VIEWS": "",
            "GOLIVE_EMAIL_URL": "console",
            "PYTHONPATH": f"{REPO}{os.pathsep}{path}" if path else str(REPO),
            **self.extra_env,
            **extra,
        }

    # -- scenarios -------------------------------------------------------------------------------------------------

    def call(self, name: str, **arguments) -> dict:
        """Run ``tests.reliability.scenarios.NAME(**arguments)`` on this instance's database; its JSON result."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.reliability.scenarios", name, json.dumps(arguments)],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise AssertionError(f"scenario {name} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    # -- the server ------------------------------------------------------------------------------------------------

    def start(self, server: str, *, workers: int = 4, timeout: float = 90) -> int:
        """Start ``gunicorn`` (PostgreSQL, production profile, ``workers`` processes) or ``waitress``
        (``golive serve --no-demo``) on a free port, in a new process group; returns once ``/healthz`` is 200."""
        assert self.process is None, "a server is already running"
        self.port = free_port()
        extra = {}
        if server == "gunicorn":
            command = [str(BIN / "gunicorn"), "-c", "python:golive.gunicorn_conf", "golive.wsgi:application"]
            extra = {"GOLIVE_BIND": f"127.0.0.1:{self.port}", "GOLIVE_WEB_WORKERS": str(workers)}
        elif server == "waitress":
            command = [str(BIN / "golive"), "serve", "--no-demo", "--host", "127.0.0.1", "--port", str(self.port)]
        else:
            raise ValueError(server)
        # Its own process group: kill() reaches the master and every worker.
        self.process = spawn(command, env=self.env(**extra), log=self.log_path, cwd=self.data_dir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.request("GET", "/healthz", timeout=2)[0] == 200:
                    return self.port
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise ServerDown(f"{' '.join(command)} did not come up:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL every process of the server at once (master and workers): a power cut for the software."""
        if self.process is None:
            return
        gone = signal_group(self.process, signal.SIGKILL, 30)
        self.process.wait(timeout=30)
        self.process = None
        assert gone, "a server process survived SIGKILL"

    def stop(self) -> None:
        if self.process is None:
            return
        stop_group(self.process)
        self.process = None

    # -- HTTP ------------------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: dict | None = None, *, token: str | None = None, timeout=120):
        """One request on a fresh connection: ``(status, JSON body or None)``."""
        headers = {"Accept": "application/json", "Host": "127.0.0.1"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return response.status, data
