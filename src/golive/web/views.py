"""HTML views of the web shell. Thin: they read through selectors and write through services."""

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


def portfolio(request):
    return HttpResponse("portfolio")
