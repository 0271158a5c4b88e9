"""HTML routes of a project's issue desk, included by ``golive.web.urls`` under ``projects/<key>/issues/``
(namespace ``web``)."""

from django.urls import path

from golive.tracker import views

urlpatterns = [
    path("", views.issue_desk, name="issues"),
    path("new/", views.issue_new, name="issue-new"),
    path("<int:number>/", views.issue_detail, name="issue"),
    path("<int:number>/quick/", views.issue_quick, name="issue-quick"),
    path("<int:number>/status/", views.issue_status, name="issue-status"),
    path("<int:number>/edit/", views.issue_edit, name="issue-edit"),
    path("<int:number>/comments/", views.issue_comment, name="issue-comment"),
    path("<int:number>/attachments/", views.issue_attach, name="issue-attach"),
    path("<int:number>/attachments/<int:attachment_id>/", views.attachment_download, name="issue-attachment"),
]
