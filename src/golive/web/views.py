"""Plain views of the web shell: health check and the benchmark baseline.

The pages live with the apps that own their data (``lifecycle.views``, ``audit.views``).
"""

import json

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


def healthz(request):
    """Liveness and database check, no authentication."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # any database failure is reported, not raised
        database = "error"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if database == "ok" else "error", "database": database}, status=status)


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
