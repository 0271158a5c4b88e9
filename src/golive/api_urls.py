"""Routes of the REST API v1 (CONTRACT.md). Feature apps add their project routes here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from golive.accounts import api as accounts_api
from golive.audit import api as audit_api
from golive.calendars import api as calendars_api
from golive.cutover import api as cutover_api
from golive.debrief import api as debrief_api
from golive.engagement import api as engagement_api
from golive.hypercare import api as hypercare_api
from golive.lifecycle import api as lifecycle_api
from golive.notify import api as notify_api
from golive.tracker import api as tracker_api
from golive.tracker import jira as jira_api
from golive.training import api as training_api
from golive.uat import api as uat_api

project = "projects/<str:key>/"
issue = project + "issues/<int:number>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file of its own, which the Content-Security-Policy allows.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="web/api_docs.html"),
        name="api-docs",
    ),
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("auth/token/rotate/", accounts_api.TokenRotateView.as_view(), name="api-token-rotate"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("organizations/", accounts_api.OrganizationListView.as_view(), name="api-organizations"),
    path("users/", accounts_api.UserListView.as_view(), name="api-users"),
    path("templates/", lifecycle_api.TemplateListView.as_view(), name="api-templates"),
    path("portfolio/", lifecycle_api.PortfolioView.as_view(), name="api-portfolio"),
    # Portfolio: go-live calendar, cross-project figures, what needs me today
    path("portfolio/calendar/", lifecycle_api.PortfolioCalendarView.as_view(), name="api-portfolio-calendar"),
    path("portfolio/figures/", lifecycle_api.PortfolioFiguresView.as_view(), name="api-portfolio-figures"),
    path("me/today/", lifecycle_api.TodayView.as_view(), name="api-me-today"),
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
    # Notifications and integrations: webhooks and their deliveries, e-mail log and preferences, Jira CSV
    path(project + "webhooks/", notify_api.WebhookListView.as_view(), name="api-webhooks"),
    path(project + "webhooks/<int:webhook_id>/", notify_api.WebhookDetailView.as_view(), name="api-webhook"),
    path(project + "webhooks/<int:webhook_id>/test/", notify_api.WebhookTestView.as_view(), name="api-webhook-test"),
    path(
        project + "webhooks/<int:webhook_id>/deliveries/",
        notify_api.DeliveryListView.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        project + "webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver/",
        notify_api.DeliveryRedeliverView.as_view(),
        name="api-webhook-redeliver",
    ),
    path(project + "notifications/", notify_api.NotificationListView.as_view(), name="api-notifications"),
    path(project + "signoff-requests/", notify_api.SignoffRequestView.as_view(), name="api-signoff-requests"),
    path("me/notification-preferences/", notify_api.PreferencesView.as_view(), name="api-notification-preferences"),
    path(project + "issues/export/", jira_api.IssueExportView.as_view(), name="api-issues-export"),
    path(project + "issues/import/", jira_api.IssueImportView.as_view(), name="api-issues-import"),
    # Debrief: retro board (items, votes, groups, actions) and the project report
    path(project + "retro/items/", debrief_api.RetroItemListView.as_view(), name="api-retro-items"),
    path(project + "retro/items/<int:item_id>/", debrief_api.RetroItemDetailView.as_view(), name="api-retro-item"),
    path(project + "retro/items/<int:item_id>/vote/", debrief_api.RetroVoteView.as_view(), name="api-retro-vote"),
    path(project + "retro/groups/", debrief_api.RetroGroupView.as_view(), name="api-retro-groups"),
    path(project + "retro/actions/", debrief_api.RetroActionListView.as_view(), name="api-retro-actions"),
    path(
        project + "retro/actions/<int:action_id>/", debrief_api.RetroActionDetailView.as_view(), name="api-retro-action"
    ),
    path(
        project + "retro/actions/<int:action_id>/complete/",
        debrief_api.RetroActionCompleteView.as_view(),
        name="api-retro-action-complete",
    ),
    path(
        project + "retro/actions/<int:action_id>/reopen/",
        debrief_api.RetroActionReopenView.as_view(),
        name="api-retro-action-reopen",
    ),
    path(project + "report/", debrief_api.ReportView.as_view(), name="api-report"),
    path(project + "report/publish/", debrief_api.ReportPublishView.as_view(), name="api-report-publish"),
    path(project + "report/published/", debrief_api.PublishedReportListView.as_view(), name="api-reports-published"),
    path(
        project + "report/published/<int:number>/",
        debrief_api.PublishedReportView.as_view(),
        name="api-report-published",
    ),
]
