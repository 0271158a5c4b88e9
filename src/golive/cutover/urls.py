"""HTML routes of a project's deployment week, included by ``golive.web.urls`` under ``projects/<key>/cutover/``
(namespace ``web``)."""

from django.urls import path

from golive.cutover import views

urlpatterns = [
    path("", views.cutover_board, name="cutover-board"),
    path("runbook.csv", views.runbook_csv, name="cutover-runbook-csv"),
    path("steps/", views.step_add, name="cutover-step-add"),
    path("steps/<str:ref>/<str:action>/", views.step_action, name="cutover-step-action"),
    path("clone/", views.runbook_clone, name="cutover-clone"),
    path("save-template/", views.runbook_template_save, name="cutover-template-save"),
    path("t-0/", views.runbook_target, name="cutover-target"),
    path("tests/", views.test_reports, name="test-reports"),
    path("tests/manual/", views.test_report_manual, name="test-report-manual"),
    path("tests/<int:report_id>/", views.test_report_detail, name="test-report"),
    path("go-no-go/", views.go_no_go, name="go-no-go"),
    path("go-no-go/vote/", views.go_no_go_vote, name="go-no-go-vote"),
    path("go-no-go/decide/", views.go_no_go_decide, name="go-no-go-decide"),
    path("go-no-go/golive/", views.golive, name="cutover-golive"),
]
