"""Plain views of the web shell: health check and the benchmark baseline.

The pages live with the apps that own their data (``lifecycle.views``, ``audit.views``).
"""

from django.db import connection
from django.http import HttpResponse, JsonResponse


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
