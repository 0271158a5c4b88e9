"""Fixtures of the reliability suite (``make test-reliability``): PostgreSQL, Redis and throwaway instances.

``GOLIVE_RELIABILITY_POSTGRES_URL`` names the PostgreSQL server (the suite creates and drops its own databases
there, each named ``<database>_reliability_...``); ``GOLIVE_RELIABILITY_REDIS_URL`` the Redis database the Celery
workers share. A service that cannot be reached skips the tests that need it, unless
``GOLIVE_RELIABILITY_REQUIRE=1`` (set by the Makefile target, so CI) turns the skip into a failure.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from urllib.parse import urlparse

import pytest

from tests.reliability.servers import Instance, Postgres

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/golive"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
_names = itertools.count(1)


def unavailable(reason: str):
    if os.environ.get("GOLIVE_RELIABILITY_REQUIRE") == "1":
        pytest.fail(f"{reason} (GOLIVE_RELIABILITY_REQUIRE=1: the reliability suite must run in full)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres():
    url = os.environ.get("GOLIVE_RELIABILITY_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    server = Postgres(url)
    try:
        server.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not available"
        unavailable(f"PostgreSQL at {url} is unreachable: {exc}")
    return server


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("GOLIVE_RELIABILITY_REDIS_URL") or DEFAULT_REDIS_URL
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        unavailable(f"Redis at {url} is unreachable: {exc}")
    return url


def _database_name(postgres: Postgres, suffix: str) -> str:
    base = urlparse(postgres.url).path.lstrip("/") or "golive"
    return f"{base}_reliability_{os.getpid()}_{suffix}"


@pytest.fixture(scope="session")
def postgres_template(postgres, tmp_path_factory):
    """A migrated database, created once per run; each PostgreSQL instance starts as a copy of it."""
    name = _database_name(postgres, "template")
    url = postgres.create(name)
    try:
        Instance(tmp_path_factory.mktemp("template"), url).call("migrate")
        yield name
    finally:
        postgres.drop(name)


@contextlib.contextmanager
def _instance(engine: str, data_dir, postgres: Postgres | None, template: str | None, **env):
    name = None
    if engine == "postgres":
        name = _database_name(postgres, str(next(_names)))
        instance = Instance(data_dir, postgres.create(name, template=template), **env)
    elif engine == "sqlite":
        instance = Instance(data_dir, **env)
        instance.call("migrate")
    else:
        raise ValueError(engine)
    try:
        yield instance
    finally:
        instance.stop()
        if name:
            postgres.drop(name)


@pytest.fixture
def make_instance(request, tmp_path):
    """``make_instance("postgres" | "sqlite", **env)``: a migrated, empty instance, stopped and dropped after."""
    with contextlib.ExitStack() as stack:

        def make(engine: str, **env) -> Instance:
            postgres = template = None
            if engine == "postgres":
                postgres = request.getfixturevalue("postgres")
                template = request.getfixturevalue("postgres_template")
            return stack.enter_context(
                _instance(engine, tmp_path / f"instance{next(_names)}", postgres, template, **env)
            )

        yield make


@pytest.fixture(scope="module")
def gunicorn_instance(postgres, postgres_template, tmp_path_factory):
    """One gunicorn server (4 workers) on a PostgreSQL instance, shared by the tests of a module."""
    with _instance("postgres", tmp_path_factory.mktemp("gunicorn"), postgres, postgres_template) as instance:
        instance.start("gunicorn", workers=4)
        yield instance
