"""HTML routes of a project's hypercare, included by ``golive.web.urls`` under ``projects/<key>/hypercare/``
(namespace ``web``)."""

from django.urls import path

from golive.hypercare import views

urlpatterns = [
    path("", views.hypercare_dashboard, name="hypercare"),
    path("chart.json", views.hypercare_chart, name="hypercare-chart"),
    path("extend/", views.hypercare_extend, name="hypercare-extend"),
    path("exit/", views.hypercare_exit, name="hypercare-exit"),
    path("golive/", views.golive_record, name="hypercare-golive"),
]
