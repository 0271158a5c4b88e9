"""Structured logging: one JSON object per line (``GOLIVE_LOG_FORMAT=json``)."""

from __future__ import annotations

import datetime as dt
import json
import logging

# Attributes every LogRecord has; anything else on a record was passed through ``extra=`` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extra, "exception"?}``; values that JSON cannot carry are
    written as their ``str()``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():  # what the caller passed with extra={...}
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            entry["http"] = {
                "client": atoms.get("h"),
                "method": atoms.get("m"),
                "path": atoms.get("U"),
                "query": atoms.get("q") or None,
                "status": _number(atoms.get("s")),
                "bytes": _number(atoms.get("B")),
                "duration_ms": _number(atoms.get("M")),
                "user_agent": atoms.get("a"),
            }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
