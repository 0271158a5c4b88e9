"""Top-level routes: health, API v1, admin and the web UI."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from golive.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("api/v1/", include("golive.api_urls")),
    path("", include("golive.calendars.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("golive.web.urls")),
]

if settings.BENCH_VIEWS:
    urlpatterns.insert(0, path("bench/bare", web_views.bench_bare, name="bench-bare"))
    urlpatterns.insert(0, path("bench/bare-insert", web_views.bench_bare_insert, name="bench-bare-insert"))
