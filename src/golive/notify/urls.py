"""HTML routes of integrations and notifications, included once by ``golive.web.urls`` (namespace ``web``): a
project's integrations page and its webhooks under ``projects/<key>/integrations/``, and the signed-in user's
e-mail preferences."""

from django.urls import path

from golive.notify import views

project = "projects/<str:key>/integrations/"
webhook = project + "webhooks/<int:webhook_id>/"

urlpatterns = [
    path(project, views.integrations, name="integrations"),
    path(project + "webhooks/", views.webhook_create, name="webhook-create"),
    path(webhook, views.webhook_detail, name="webhook"),
    path(webhook + "edit/", views.webhook_edit, name="webhook-edit"),
    path(webhook + "test/", views.webhook_test, name="webhook-test"),
    path(webhook + "delete/", views.webhook_delete, name="webhook-delete"),
    path(webhook + "deliveries/<int:delivery_id>/redeliver/", views.delivery_redeliver, name="webhook-redeliver"),
    path(project + "jira-import/", views.jira_import, name="jira-import"),
    path(project + "signoff-request/", views.signoff_request, name="signoff-request"),
    path("notifications/preferences/", views.preferences, name="notification-preferences"),
]
