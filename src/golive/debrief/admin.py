from django.contrib import admin

from golive.admin_mixins import ReadOnlyAdmin
from golive.debrief.models import PublishedReport, RetroAction, RetroItem, RetroVote


@admin.register(RetroItem)
class RetroItemAdmin(ReadOnlyAdmin):
    list_display = ["project", "column", "text", "group", "author", "created_at"]
    list_filter = ["column"]
    search_fields = ["text", "group"]
    list_select_related = ["project", "author"]


@admin.register(RetroVote)
class RetroVoteAdmin(ReadOnlyAdmin):
    list_display = ["item", "user", "created_at"]
    list_select_related = ["item", "user"]


@admin.register(RetroAction)
class RetroActionAdmin(ReadOnlyAdmin):
    list_display = ["project", "title", "owner", "due_date", "done_at"]
    list_filter = ["done_at"]
    search_fields = ["title"]
    list_select_related = ["project", "owner"]


@admin.register(PublishedReport)
class PublishedReportAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "language", "published_by", "published_at"]
    list_select_related = ["project", "published_by"]
    exclude = ["data"]
