"""``golive manage check --deploy`` reports nothing with a production-like environment: debug off, a long secret key,
HTTPS on, real host names."""

from __future__ import annotations

import os
import subprocess
import sys

PRODUCTION = {
    "GOLIVE_DEBUG": "0",
    "GOLIVE_SECRET_KEY": "k3J9-vQ2xL8_pR5tW1zY7nB4mC6dF0gH2jK8lP9qS3uV5wX1yZ7aE4rT6iO0pU2-prod",
    "GOLIVE_HTTPS": "1",
    "GOLIVE_ALLOWED_HOSTS": "golive.example.com",
}


def _check(tmp_path, env: dict) -> subprocess.CompletedProcess:
    # Only this environment: a developer's or CI's own GOLIVE_* variables must not change the verdict, nor the
    # DJANGO_ALLOW_ASYNC_UNSAFE the browser tests' support module sets in this process when pytest imports it.
    ignored = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if not k.startswith("GOLIVE_") and k not in ignored}
    base.update(GOLIVE_DATA_DIR=str(tmp_path / "data"), DATABASE_URL="", **env)
    return subprocess.run(
        [sys.executable, "-m", "golive", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=base,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_deploy_check_passes_with_a_production_environment(tmp_path):
    done = _check(tmp_path, PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_deploy_check_fails_without_https(tmp_path):
    # The same check catches the missing HTTPS settings, so the passing run above means something.
    done = _check(tmp_path, {**PRODUCTION, "GOLIVE_HTTPS": "0"})
    assert done.returncode != 0
    output = done.stdout + done.stderr
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in output
