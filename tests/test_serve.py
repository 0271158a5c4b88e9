"""``golive serve`` is a real multi-threaded server: concurrent writes on the embedded SQLite all succeed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url, *, token=None, data=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def server(tmp_path):
    # Always the embedded default, whatever database the rest of the suite runs on.
    env = {**os.environ, "GOLIVE_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "GOLIVE_BROKER_URL": ""}
    golive = [sys.executable, "-m", "golive"]
    subprocess.run([*golive, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    subprocess.run(
        [*golive, "createuser", "root", "--password", "long-enough-1", "--admin"],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    token = subprocess.run(
        [*golive, "token", "root"], env=env, check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()
    port = _free_port()
    process = subprocess.Popen(
        [*golive, "serve", "--no-demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if _request(base + "/healthz")[0] == 200:
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                output = process.stdout.read() if process.stdout else ""
                raise RuntimeError("server did not start: " + output) from None
            time.sleep(0.2)
    yield base, token, process
    process.terminate()
    process.wait(timeout=30)


def test_serve_answers_health_without_authentication(server):
    base, _, _ = server
    # Single-node mode: no broker to check.
    assert _request(base + "/healthz") == (200, {"status": "ok", "database": "ok", "broker": "none"})


def test_concurrent_project_creation_on_sqlite_never_reports_a_locked_database(server):
    base, token, process = server
    status, _ = _request(
        base + "/api/v1/organizations/",
        token=token,
        data={"slug": "acme", "name": "Acme", "kind": "customer", "timezone": "Asia/Seoul"},
    )
    assert status == 201

    def create(n):
        return _request(
            base + "/api/v1/projects/",
            token=token,
            data={"key": f"P{n:03d}", "name": f"Project {n}", "customer": "acme", "planned_go_live": "2027-03-01"},
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(create, range(36)))
    assert [status for status, _ in results] == [201] * 36, [r for r in results if r[0] != 201][:3]
    status, listing = _request(base + "/api/v1/projects/?page_size=100", token=token)
    assert listing["count"] == 36
    assert all(len(p["phases"]) == 8 for p in listing["results"])
