from django.contrib import admin

from golive.admin_mixins import ReadOnlyAdmin
from golive.training.models import Attendance, Material, TrainingSession


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["project", "kind", "title", "starts_at", "duration_minutes", "mode", "trainer"]
    list_filter = ["kind", "mode"]
    search_fields = ["title", "business_process"]
    list_select_related = ["project", "trainer"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["session", "user", "email", "status", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["session", "user"]


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = ["project", "business_process", "title", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "business_process"]
    list_select_related = ["project"]
