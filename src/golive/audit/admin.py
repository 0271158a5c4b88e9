from django.contrib import admin

from golive.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, not even administrators edit it."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "project"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
