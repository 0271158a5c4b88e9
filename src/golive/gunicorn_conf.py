"""gunicorn settings of the production profile: ``gunicorn -c python:golive.gunicorn_conf golive.wsgi:application``.

Tuned for a machine that runs the web processes beside PostgreSQL, Redis and a Celery worker (docs/deploy.md):
a worker count that follows the cores and two request threads per worker, measured in docs/deploy.md: a second
thread serves while the first waits on the database (the dashboards), more threads only queue for the
interpreter's lock on Python-bound requests (the issue intake) and stretch their tail latency. The gthread loop keeps
idle keep-alive connections open whatever the thread count. Every value can be overridden by an environment
variable (or by gunicorn's own command-line flags).

| variable | default | meaning |
| --- | --- | --- |
| ``GOLIVE_BIND`` | ``127.0.0.1:8000`` | address to listen on (put a TLS-terminating proxy in front) |
| ``GOLIVE_WEB_WORKERS`` | cores + 1, at most 8 | worker processes |
| ``GOLIVE_WEB_THREADS`` | 2 | request threads per worker (gthread) |
| ``GOLIVE_WEB_TIMEOUT`` | 60 | seconds before a silent worker is restarted |
| ``GOLIVE_WEB_MAX_REQUESTS`` | 20000 | requests after which a worker is replaced (with jitter), 0 to never |
"""

from __future__ import annotations

import os


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SystemExit(f"{name} must be between {low} and {high}, not {value}")
    return value


def default_workers(cores: int | None = None) -> int:
    """One worker per core plus one (the extra one serves while another waits on the database), at most 8."""
    return max(2, min(8, (cores or os.cpu_count() or 1) + 1))


bind = os.environ.get("GOLIVE_BIND", "127.0.0.1:8000")
workers = _int("GOLIVE_WEB_WORKERS", default_workers(), 1, 64)
threads = _int("GOLIVE_WEB_THREADS", 2, 1, 64)
worker_class = "gthread"
timeout = _int("GOLIVE_WEB_TIMEOUT", 60, 5, 3600)
graceful_timeout = 30
keepalive = 5
# Replacing a worker now and then returns whatever memory fragmentation it built up; the jitter keeps the
# workers from restarting together.
max_requests = _int("GOLIVE_WEB_MAX_REQUESTS", 20000, 0, 10_000_000)
max_requests_jitter = max_requests // 10
# Settings and code are imported once in the master and shared copy-on-write by the workers. Django opens no
# database connection at import, so nothing is shared across the fork.
preload_app = True
# Request lines and gunicorn's own messages in the same format as the application's (GOLIVE_LOG_FORMAT: plain, or
# json for one object per line with the request's method, path, status, bytes and duration as fields).
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
_log_format = os.environ.get("GOLIVE_LOG_FORMAT", "plain").strip().lower() or "plain"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "golive.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _log_format if _log_format in {"plain", "json"} else "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}
proc_name = "golive-web"
forwarded_allow_ips = os.environ.get("GOLIVE_FORWARDED_ALLOW_IPS", "127.0.0.1")
