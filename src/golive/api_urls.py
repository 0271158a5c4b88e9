"""Routes of the REST API v1 (CONTRACT.md). Feature apps add their project routes here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from golive.accounts import api as accounts_api
from golive.audit import api as audit_api
from golive.calendars import api as calendars_api
from golive.cutover import api as cutover_api
from golive.engagement import api as engagement_api
from golive.hypercare import api as hypercare_api
from golive.lifecycle import api as lifecycle_api
from golive.tracker import api as tracker_api
from golive.training import api as training_api
from golive.uat import api as uat_api

project = "projects/<str:key>/"
issue = project + "issues/<int:number>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("organizations/", accounts_api.OrganizationListView.as_view(), name="api-organizations"),
    path("users/", accounts_api.UserListView.as_view(), name="api-users"),
    path("templates/", lifecycle_api.TemplateListView.as_view(), name="api-templates"),
    path("portfolio/", lifecycle_api.PortfolioView.as_view(), name="api-portfolio"),
    path("projects/", lifecycle_api.ProjectListView.as_view(), name="api-projects"),
    path(project, lifecycle_api.ProjectDetailView.as_view(), name="api-project"),
    path(project + "members/", lifecycle_api.MemberListView.as_view(), name="api-members"),
    path(project + "phases/", lifecycle_api.PhaseListView.as_view(), name="api-phases"),
    path(project + "phases/<slug:phase>/skip/", lifecycle_api.PhaseSkipView.as_view(), name="api-phase-skip"),
    path(project + "review-rounds/", lifecycle_api.ReviewRoundView.as_view(), name="api-review-rounds"),
    path(project + "gate/", lifecycle_api.GateView.as_view(), name="api-gate"),
    path(project + "signoffs/", lifecycle_api.SignOffListView.as_view(), name="api-signoffs"),
    path(project + "advance/", lifecycle_api.AdvanceView.as_view(), name="api-advance"),
    path(project + "audit/", audit_api.ProjectAuditView.as_view(), name="api-audit"),
    path(project + "requirements/", engagement_api.RequirementListView.as_view(), name="api-requirements"),
    path(project + "requirements/<str:ref>/", engagement_api.RequirementDetailView.as_view(), name="api-requirement"),
    path(project + "review-pack/", engagement_api.ReviewPackView.as_view(), name="api-review-pack"),
    path(project + "meetings/", engagement_api.MeetingListView.as_view(), name="api-meetings"),
    path(project + "meetings/<int:meeting_id>/", engagement_api.MeetingDetailView.as_view(), name="api-meeting"),
    path(project + "feedback/", engagement_api.FeedbackListView.as_view(), name="api-feedback"),
    path(
        project + "feedback/<int:feedback_id>/", engagement_api.FeedbackDetailView.as_view(), name="api-feedback-item"
    ),
    path(
        project + "feedback/<int:feedback_id>/change-request/",
        engagement_api.FeedbackChangeRequestView.as_view(),
        name="api-feedback-change-request",
    ),
    path(project + "decisions/", engagement_api.DecisionListView.as_view(), name="api-decisions"),
    path(project + "status-report/", engagement_api.StatusReportView.as_view(), name="api-status-report"),
    path(project + "issues/", tracker_api.IssueListView.as_view(), name="api-issues"),
    path(issue, tracker_api.IssueDetailView.as_view(), name="api-issue"),
    path(issue + "comments/", tracker_api.CommentListView.as_view(), name="api-issue-comments"),
    path(issue + "timeline/", tracker_api.TimelineView.as_view(), name="api-issue-timeline"),
    path(issue + "attachments/", tracker_api.AttachmentListView.as_view(), name="api-issue-attachments"),
    path(
        issue + "attachments/<int:attachment_id>/",
        tracker_api.AttachmentDownloadView.as_view(),
        name="api-issue-attachment",
    ),
    path(project + "sla-policy/", tracker_api.SlaPolicyView.as_view(), name="api-sla-policy"),
    # Deployment week: runbook, test evidence, go/no-go, go-live
    path(project + "runbook/", cutover_api.RunbookView.as_view(), name="api-runbook"),
    path(project + "runbook/export/", cutover_api.RunbookExportView.as_view(), name="api-runbook-export"),
    path(project + "runbook/steps/", cutover_api.StepListView.as_view(), name="api-runbook-steps"),
    path(project + "runbook/steps/<str:ref>/", cutover_api.StepDetailView.as_view(), name="api-runbook-step"),
    path(
        project + "runbook/steps/<str:ref>/<str:action>/",
        cutover_api.StepActionView.as_view(),
        name="api-runbook-step-action",
    ),
    path(project + "runbook/templates/", cutover_api.RunbookTemplateListView.as_view(), name="api-runbook-templates"),
    path(project + "runbook/clone/", cutover_api.RunbookCloneView.as_view(), name="api-runbook-clone"),
    path(project + "test-reports/", cutover_api.TestReportListView.as_view(), name="api-test-reports"),
    path(project + "test-reports/manual/", cutover_api.ManualTestReportView.as_view(), name="api-test-reports-manual"),
    path(project + "test-reports/<int:report_id>/", cutover_api.TestReportDetailView.as_view(), name="api-test-report"),
    path(project + "go-no-go/", cutover_api.GoNoGoView.as_view(), name="api-go-no-go"),
    path(project + "go-no-go/votes/", cutover_api.GoNoGoVoteView.as_view(), name="api-go-no-go-votes"),
    path(project + "go-no-go/decide/", cutover_api.GoNoGoDecideView.as_view(), name="api-go-no-go-decide"),
    path(project + "golive/", cutover_api.GoLiveView.as_view(), name="api-golive"),
    path(project + "hypercare/", hypercare_api.HypercareView.as_view(), name="api-hypercare"),
    path(project + "hypercare/extend/", hypercare_api.HypercareExtendView.as_view(), name="api-hypercare-extend"),
    path(project + "hypercare/exit/", hypercare_api.HypercareExitView.as_view(), name="api-hypercare-exit"),
    # UAT: scenarios (fixed routes before <ref>), cycles, assignments, runs, defects, evidence, summary
    path(project + "uat/scenarios/", uat_api.ScenarioListView.as_view(), name="api-uat-scenarios"),
    path(project + "uat/scenarios/import/", uat_api.ScenarioImportView.as_view(), name="api-uat-scenario-import"),
    path(project + "uat/scenarios/template/", uat_api.ScenarioTemplateView.as_view(), name="api-uat-scenario-template"),
    path(project + "uat/scenarios/export/", uat_api.ScenarioExportView.as_view(), name="api-uat-scenario-export"),
    path(project + "uat/scenarios/<str:ref>/", uat_api.ScenarioDetailView.as_view(), name="api-uat-scenario"),
    path(
        project + "uat/scenarios/<str:ref>/retire/",
        uat_api.ScenarioRetireView.as_view(),
        name="api-uat-scenario-retire",
    ),
    path(project + "uat/cycles/", uat_api.CycleListView.as_view(), name="api-uat-cycles"),
    path(
        project + "uat/cycles/<int:number>/assignments/",
        uat_api.AssignmentListView.as_view(),
        name="api-uat-assignments",
    ),
    path(project + "uat/runs/", uat_api.RunListView.as_view(), name="api-uat-runs"),
    path(project + "uat/runs/<int:run_id>/", uat_api.RunDetailView.as_view(), name="api-uat-run"),
    path(project + "uat/runs/<int:run_id>/defect/", uat_api.RunDefectView.as_view(), name="api-uat-run-defect"),
    path(
        project + "uat/runs/<int:run_id>/evidence/",
        uat_api.RunEvidenceListView.as_view(),
        name="api-uat-run-evidence",
    ),
    path(
        project + "uat/runs/<int:run_id>/evidence/<int:evidence_id>/",
        uat_api.RunEvidenceDownloadView.as_view(),
        name="api-uat-run-evidence-file",
    ),
    path(project + "uat/summary/", uat_api.SummaryView.as_view(), name="api-uat-summary"),
    # Training and calendars
    path(project + "training/sessions/", training_api.SessionListView.as_view(), name="api-training-sessions"),
    path(
        project + "training/sessions/<int:session_id>/",
        training_api.SessionDetailView.as_view(),
        name="api-training-session",
    ),
    path(
        project + "training/sessions/<int:session_id>/attendance/",
        training_api.AttendanceListView.as_view(),
        name="api-training-attendance",
    ),
    path(project + "training/materials/", training_api.MaterialListView.as_view(), name="api-training-materials"),
    path(
        project + "training/materials/<int:material_id>/file/",
        training_api.MaterialFileView.as_view(),
        name="api-training-material-file",
    ),
    path(project + "training/coverage/", training_api.CoverageView.as_view(), name="api-training-coverage"),
    path(project + "calendar.ics", calendars_api.ProjectCalendarView.as_view(), name="api-project-calendar"),
    path("calendar-feeds/", calendars_api.FeedListView.as_view(), name="api-calendar-feeds"),
    path(
        "calendar-feeds/<int:feed_id>/revoke/", calendars_api.FeedRevokeView.as_view(), name="api-calendar-feed-revoke"
    ),
]
