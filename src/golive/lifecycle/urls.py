"""HTML routes of one project, included by ``golive.web.urls`` under ``projects/<key>/`` (namespace ``web``)."""

from django.urls import path

from golive.lifecycle import views

urlpatterns = [
    path("", views.project_detail, name="project"),
    path("signoffs/", views.project_signoff, name="project-signoff"),
    path("advance/", views.project_advance, name="project-advance"),
]
