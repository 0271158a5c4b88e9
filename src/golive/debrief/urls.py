"""HTML routes of a project's debrief, included by ``golive.web.urls`` under ``projects/<key>/debrief/``
(namespace ``web``): the retro board with its notes, votes, groups and actions, and the project report."""

from django.urls import path

from golive.debrief import views

urlpatterns = [
    path("", views.retro_board, name="retro"),
    path("more/", views.retro_more, name="retro-more"),
    path("actions/more/", views.retro_actions_more, name="retro-actions-more"),
    path("items/", views.item_add, name="retro-item-add"),
    path("items/<int:item_id>/vote/", views.item_vote, name="retro-item-vote"),
    path("items/<int:item_id>/edit/", views.item_edit, name="retro-item-edit"),
    path("items/<int:item_id>/delete/", views.item_delete, name="retro-item-delete"),
    path("group/", views.items_group, name="retro-group"),
    path("actions/<int:action_id>/complete/", views.action_complete, name="retro-action-complete"),
    path("actions/<int:action_id>/reopen/", views.action_reopen, name="retro-action-reopen"),
    path("report/", views.report_page, name="report"),
    path("report/download/", views.report_download, name="report-download"),
    path("report/publish/", views.report_publish, name="report-publish"),
    path("report/published/<int:number>/", views.report_published, name="report-published"),
]
