"""HTML routes of a project's UAT, included by ``golive.web.urls`` under ``projects/<key>/uat/`` (namespace
``web``). The fixed paths under ``scenarios/`` (import, template, export) are reserved refs, so no scenario
shadows them."""

from django.urls import path

from golive.uat import views

urlpatterns = [
    path("", views.uat_home, name="uat"),
    path("mine/", views.my_scenarios, name="uat-mine"),
    path("board/", views.board, name="uat-board"),
    path("board/chart/", views.board_chart, name="uat-chart"),
    path("cycles/", views.cycle_create, name="uat-cycle-create"),
    path("assign/", views.assign, name="uat-assign"),
    path("scenarios/", views.scenario_list, name="uat-scenarios"),
    path("scenarios/import/", views.scenario_import, name="uat-import"),
    path("scenarios/template/", views.scenario_template, name="uat-template"),
    path("scenarios/export/", views.scenario_export, name="uat-export"),
    path("scenarios/<str:ref>/", views.scenario_detail, name="uat-scenario"),
    path("scenarios/<str:ref>/run/", views.scenario_run, name="uat-run"),
    path("scenarios/<str:ref>/retire/", views.scenario_retire, name="uat-scenario-retire"),
    path("runs/<int:run_id>/defect/", views.run_defect, name="uat-run-defect"),
    path("runs/<int:run_id>/evidence/", views.run_evidence, name="uat-run-evidence"),
    path("runs/<int:run_id>/evidence/<int:evidence_id>/", views.evidence_download, name="uat-evidence"),
    path("signoff/", views.signoff, name="uat-signoff"),
    path("signoff/<int:signoff_id>/snapshot/", views.signoff_snapshot, name="uat-signoff-snapshot"),
]
