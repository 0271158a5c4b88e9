from django.contrib import admin

from golive.admin_mixins import ReadOnlyAdmin
from golive.uat.models import Assignment, Cycle, Run, RunEvidence, Scenario


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyAdmin):
    list_display = ["project", "ref", "title", "module", "priority", "order", "retired_at"]
    list_filter = ["priority"]
    search_fields = ["ref", "title", "module"]
    list_select_related = ["project"]


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "name", "started_at", "created_by"]
    list_select_related = ["project", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "scenario", "tester", "assigned_at"]
    list_select_related = ["cycle", "scenario", "tester"]


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ["project", "scenario", "cycle", "status", "tester", "executed_at", "defect"]
    list_filter = ["status"]
    list_select_related = ["project", "scenario", "cycle", "tester", "defect"]


@admin.register(RunEvidence)
class RunEvidenceAdmin(ReadOnlyAdmin):
    list_display = ["run", "name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["run", "uploaded_by"]
