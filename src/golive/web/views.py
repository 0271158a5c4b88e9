"""Plain views of the web shell: health check and the benchmark baseline.

The pages live with the apps that own their data (``lifecycle.views``, ``audit.views``).
"""

import json
import logging

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger(__name__)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception:  # any database failure is reported, not raised
        logger.warning("healthz: the database does not answer", exc_info=True)
        return "error"


def _broker_status() -> str:
    """``ok`` when the task broker answers within a second, ``error`` when not, ``none`` in single-node mode."""
    if not settings.BROKER_URL:
        return "none"
    try:
        from golive.celery import broker_ping

        broker_ping(timeout=1.0)
        return "ok"
    except Exception:
        logger.warning("healthz: the broker does not answer", exc_info=True)
        return "error"


def healthz(request):
    """Liveness, database and broker check, no authentication: 200 when everything answers, else 503 naming the
    part that failed (a load balancer takes the process out of rotation)."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value != "error" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def bench_bare(request):
    """Baseline for benchmarks: a bare Django view that touches the database once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def bench_bare_insert(request):
    """Baseline for write benchmarks: parse a JSON body and ``INSERT`` one row into ``bench_bare`` with raw SQL
    in a transaction. The benchmark harness creates that table; there is no model or migration."""
    try:
        data = json.loads(request.body)
    except ValueError:
        return JsonResponse({"detail": "invalid JSON"}, status=400)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_bare (title, description, severity) VALUES (%s, %s, %s) RETURNING id",
            [str(data.get("title", "")), str(data.get("description", "")), str(data.get("severity", ""))],
        )
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id}, status=201)
