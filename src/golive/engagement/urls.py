"""HTML routes of a project's engagement pages, included by ``golive.web.urls`` under ``projects/<key>/``
(namespace ``web``): requirements register, review pack, meetings with feedback, decision log, status report."""

from django.urls import path

from golive.engagement import views

urlpatterns = [
    path("requirements/", views.requirement_register, name="requirements"),
    path("requirements/new/", views.requirement_new, name="requirement-new"),
    path("requirements/<str:ref>/", views.requirement_detail, name="requirement"),
    path("requirements/<str:ref>/scope/", views.requirement_scope, name="requirement-scope"),
    path("review-pack/", views.review_pack, name="review-pack"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/notes/", views.meeting_notes, name="meeting-notes"),
    path("meetings/<int:meeting_id>/feedback/", views.feedback_capture, name="meeting-feedback"),
    path(
        "meetings/<int:meeting_id>/feedback/<int:feedback_id>/status/",
        views.feedback_status,
        name="feedback-status",
    ),
    path(
        "meetings/<int:meeting_id>/feedback/<int:feedback_id>/change-request/",
        views.feedback_change_request,
        name="feedback-change-request",
    ),
    path("decisions/", views.decision_log, name="decisions"),
    path("decisions/new/", views.decision_new, name="decision-new"),
    path("status-report/", views.status_report, name="status-report"),
]
