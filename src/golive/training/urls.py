"""HTML routes of a project's training pages, included by ``golive.web.urls`` under ``projects/<key>/training/``
(namespace ``web``): the training plan, sessions with their attendance sheet, and materials."""

from django.urls import path

from golive.training import views

urlpatterns = [
    path("", views.training_plan, name="training"),
    path("new/", views.session_new, name="training-session-new"),
    path("<int:session_id>/", views.session_detail, name="training-session"),
    path("<int:session_id>/attendance/", views.attendance_record, name="training-attendance"),
    path("materials/", views.material_add, name="training-material-add"),
    path("materials/<int:material_id>/file/", views.material_file, name="training-material-file"),
]
