"""The production profile (docs/deploy.md): its settings, the health check of database and broker, structured
logs, the gunicorn configuration and ``make run-stack``'s supervisor.

The stack smoke test needs PostgreSQL and Redis: it carries the ``celery`` marker and runs in
``make test-celery`` (CI), which sets ``GOLIVE_TEST_BROKER_URL``.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from golive.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def _settings_in_subprocess(tmp_path, **env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with ``env`` and print the values the profile sets."""
    script = (
        "import json, golive.settings as s; "
        "print(json.dumps({'storages': s.STORAGES, 'media': str(s.MEDIA_ROOT), 'static': str(s.STATIC_ROOT), "
        "'finders': s.WHITENOISE_USE_FINDERS, 'formatter': s.LOGGING['handlers']['console']['formatter'], "
        "'database_options': s.DATABASES['default'].get('OPTIONS', {})}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GOLIVE_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "GOLIVE_DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


# ---------------------------------------------------------------------------------------------------------------
# Settings


def test_embedded_default_keeps_uploads_and_static_files_in_the_data_directory(tmp_path):
    result = _settings_in_subprocess(tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["storages"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert values["media"] == str(tmp_path / "data" / "uploads")
    assert values["finders"] is True  # served straight from the apps: no collect step in embedded mode
    assert values["formatter"] == "plain"


def test_production_settings_take_a_shared_upload_directory_collected_static_files_and_json_logs(tmp_path):
    result = _settings_in_subprocess(
        tmp_path,
        GOLIVE_MEDIA_DIR=str(tmp_path / "shared"),
        GOLIVE_STATIC_DIR=str(tmp_path / "collected"),
        GOLIVE_STATIC_MANIFEST="1",
        GOLIVE_LOG_FORMAT="json",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["media"] == str(tmp_path / "shared") and (tmp_path / "shared").is_dir()
    assert values["static"] == str(tmp_path / "collected")
    assert values["storages"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["finders"] is False
    assert values["formatter"] == "json"


def test_postgresql_binds_parameters_on_the_server(tmp_path):
    result = _settings_in_subprocess(tmp_path, DATABASE_URL="postgres://golive@db.invalid:5432/golive")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["database_options"] == {"server_side_binding": True}


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.parametrize("enabled", [True, False])
def test_only_the_hot_paths_statements_are_prepared_on_postgresql(world, api, settings, enabled):
    from golive.accounts.authentication import _token_sql

    settings.GOLIVE_DB_PREPARED = enabled
    key = Token.objects.create(user=world.customer_member).key
    client = api()
    for n in range(7):
        response = client.post(
            "/api/v1/projects/ACME/issues/", {"title": f"Spike {n}"}, HTTP_AUTHORIZATION=f"Token {key}", format="json"
        )
        assert response.status_code == 201
        assert client.get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    prepared = _prepared_statements()
    token_lookup = _token_sql(connection.vendor).split(" FROM ")[1].split(" WHERE ")[0]
    # The token look-up and the issue insert are parsed and planned once per connection (when enabled) ...
    assert any(token_lookup in text for text in prepared) is enabled
    assert any('INSERT INTO "tracker_issue" (' in text for text in prepared) is enabled
    # ... the ORM's list query never: it is planned with its own values every time.
    assert not any('FROM "lifecycle_project"' in text and "ORDER BY" in text for text in prepared)


def test_s3_storage_url_configures_django_storages(tmp_path):
    result = _settings_in_subprocess(
        tmp_path,
        GOLIVE_STORAGE_URL="s3://golive-files/acme/uploads?endpoint_url=https://minio.internal:9000&region=eu-west-1",
    )
    assert result.returncode == 0, result.stderr
    default = json.loads(result.stdout)["storages"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "golive-files"
    assert default["OPTIONS"]["location"] == "acme/uploads"
    assert default["OPTIONS"]["endpoint_url"] == "https://minio.internal:9000"
    assert default["OPTIONS"]["region_name"] == "eu-west-1"
    # Files are private and never overwritten: downloads go through GoLive's permission checks.
    assert default["OPTIONS"]["default_acl"] == "private" and default["OPTIONS"]["file_overwrite"] is False


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GOLIVE_STORAGE_URL", "ftp://files.example.com/x", "GOLIVE_STORAGE_URL"),
        ("GOLIVE_STORAGE_URL", "s3://bucket/x?acl=public-read", "unknown options: acl"),
        ("GOLIVE_LOG_FORMAT", "xml", "GOLIVE_LOG_FORMAT"),
        ("GOLIVE_LOG_LEVEL", "LOUD", "GOLIVE_LOG_LEVEL"),
        ("GOLIVE_STATIC_MANIFEST", "maybe", "GOLIVE_STATIC_MANIFEST"),
    ],
)
def test_a_bad_production_setting_stops_the_process_at_start_naming_the_variable(tmp_path, variable, value, message):
    result = _settings_in_subprocess(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


# ---------------------------------------------------------------------------------------------------------------
# Health check


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_in_single_node_mode_reports_no_broker(client, settings):
    settings.BROKER_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "none"}


def test_healthz_answers_503_naming_the_broker_when_it_does_not_answer(client, settings):
    settings.BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}


def test_healthz_answers_503_naming_the_database_when_it_fails(client, settings, monkeypatch):
    settings.BROKER_URL = None
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise RuntimeError("database gone")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error" and response.json()["status"] == "error"


@pytest.mark.celery
def test_healthz_reports_the_broker_ok_when_redis_answers(client, settings):
    url = os.environ.get("GOLIVE_TEST_BROKER_URL")
    if not url:
        pytest.fail("GOLIVE_TEST_BROKER_URL is not set: run these tests with `make test-celery`")
    settings.BROKER_URL = url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


# ---------------------------------------------------------------------------------------------------------------
# Structured logs


def _format(record: logging.LogRecord) -> dict:
    return json.loads(JsonFormatter().format(record))


def test_json_log_lines_carry_level_logger_message_and_extra_fields():
    record = logging.makeLogRecord(
        {"name": "golive.tasks", "levelname": "WARNING", "msg": "task %s failed", "args": ("deliver",), "issue": 12}
    )
    entry = _format(record)
    assert entry["level"] == "WARNING" and entry["logger"] == "golive.tasks"
    assert entry["message"] == "task deliver failed"
    assert entry["issue"] == 12
    assert entry["time"].endswith("+00:00")


def test_json_log_lines_keep_the_traceback_in_one_field():
    try:
        raise ValueError("bad row 7")
    except ValueError:
        record = logging.makeLogRecord({"name": "x", "levelname": "ERROR", "msg": "boom", "exc_info": sys.exc_info()})
    entry = _format(record)
    assert "ValueError: bad row 7" in entry["exception"]
    assert "\n" not in JsonFormatter().format(record)  # one line per record, whatever the traceback


def test_gunicorn_access_lines_become_http_fields():
    atoms = {"h": "10.0.0.7", "m": "POST", "U": "/api/v1/projects/ACME/issues/", "q": "", "s": "201", "B": "812"}
    atoms |= {"M": "14", "a": "curl/8", "r": "POST /api/v1/projects/ACME/issues/ HTTP/1.1", "b": "812"}
    record = logging.makeLogRecord({"name": "gunicorn.access", "levelname": "INFO", "msg": "%(h)s %(s)s"})
    record.args = atoms  # gunicorn logs the format with the atoms as its one mapping argument
    entry = _format(record)
    assert entry["message"] == "10.0.0.7 201"
    assert entry["http"] == {
        "client": "10.0.0.7",
        "method": "POST",
        "path": "/api/v1/projects/ACME/issues/",
        "query": None,
        "status": 201,
        "bytes": 812,
        "duration_ms": 14,
        "user_agent": "curl/8",
    }


# ---------------------------------------------------------------------------------------------------------------
# gunicorn configuration


def _gunicorn_conf(monkeypatch, **env):
    for key in ("GOLIVE_WEB_WORKERS", "GOLIVE_WEB_THREADS", "GOLIVE_BIND", "GOLIVE_WEB_MAX_REQUESTS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import golive.gunicorn_conf

    return importlib.reload(golive.gunicorn_conf)


def test_gunicorn_defaults_follow_the_cores_with_threaded_workers(monkeypatch):
    conf = _gunicorn_conf(monkeypatch)
    assert conf.worker_class == "gthread" and conf.threads == 2
    assert conf.workers == conf.default_workers()
    assert [conf.default_workers(c) for c in (1, 2, 4, 16)] == [2, 3, 5, 8]
    assert conf.bind == "127.0.0.1:8000"
    assert 0 < conf.max_requests_jitter < conf.max_requests


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    conf = _gunicorn_conf(monkeypatch, GOLIVE_WEB_WORKERS="4", GOLIVE_WEB_THREADS="8", GOLIVE_BIND="0.0.0.0:9000")
    assert (conf.workers, conf.threads, conf.bind) == (4, 8, "0.0.0.0:9000")


@pytest.mark.parametrize("value", ["many", "0", "65"])
def test_gunicorn_refuses_a_bad_worker_count_naming_the_variable(monkeypatch, value):
    with pytest.raises(SystemExit, match="GOLIVE_WEB_WORKERS"):
        _gunicorn_conf(monkeypatch, GOLIVE_WEB_WORKERS=value)


# ---------------------------------------------------------------------------------------------------------------
# make run-stack


def test_the_stack_refuses_to_start_without_postgresql_and_a_broker(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GOLIVE_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-m", "golive.stack", "--check"],
        env={**clean, "GOLIVE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DATABASE_URL=postgres://" in result.stderr and "GOLIVE_BROKER_URL" in result.stderr


def _processes_with_env(name: str, value: str) -> list[str]:
    """Command lines of the running processes whose environment holds ``name=value`` (Linux /proc)."""
    wanted = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


@pytest.mark.celery
def test_the_stack_starts_gunicorn_and_a_worker_and_becomes_healthy(tmp_path):
    """``python -m golive.stack --check`` on a throwaway PostgreSQL database: migrated, static files collected,
    gunicorn and the Celery worker up, /healthz ok for database and broker, then everything stopped."""
    broker = os.environ.get("GOLIVE_TEST_BROKER_URL")
    postgres = os.environ.get("GOLIVE_TEST_STACK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/golive_stack_test")
    if not broker:
        pytest.fail("GOLIVE_TEST_BROKER_URL is not set: run these tests with `make test-celery`")
    import psycopg

    admin = postgres.rsplit("/", 1)[0] + "/postgres"
    name = postgres.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GOLIVE_", "DATABASE_URL"))}
    env = {
        **clean,
        "GOLIVE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": postgres,
        "GOLIVE_BROKER_URL": broker,
        "GOLIVE_BIND": f"127.0.0.1:{_closed_port()}",
        "GOLIVE_WEB_WORKERS": "2",
        "GOLIVE_LOG_FORMAT": "json",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-m", "golive.stack", "--check", "--no-demo", "--worker-concurrency", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-3000:]
        assert "healthy: {'status': 'ok', 'database': 'ok', 'broker': 'ok'}" in output
        assert (tmp_path / "static" / "staticfiles.json").exists()  # collected, with hashed names
        access = [json.loads(line) for line in result.stderr.splitlines() if '"gunicorn.access"' in line]
        assert access and access[-1]["http"]["path"] == "/healthz"
        # Stopping the stack leaves nothing behind: no gunicorn worker, Celery pool process or embedded beat.
        assert _processes_with_env("GOLIVE_DATA_DIR", str(tmp_path)) == []
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
