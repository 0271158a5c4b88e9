from django.contrib import admin

from golive.admin_mixins import ReadOnlyAdmin
from golive.lifecycle.models import LifecycleTemplate, Phase, Project, SignOff


@admin.register(LifecycleTemplate)
class LifecycleTemplateAdmin(ReadOnlyAdmin):
    list_display = ["key", "name", "is_builtin"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["key", "name", "customer", "current_phase", "planned_go_live", "status"]
    list_filter = ["status", "customer"]
    search_fields = ["key", "name"]
    list_select_related = ["customer", "current_phase"]


@admin.register(Phase)
class PhaseAdmin(ReadOnlyAdmin):
    list_display = ["project", "order", "key", "status", "planned_start", "planned_end", "actual_start", "actual_end"]
    list_filter = ["status", "key"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["project", "phase", "decision", "signed_by", "role", "signed_at"]
