"""Reads of the audit log, always for one project the caller already may see."""

from golive.audit.models import AuditEvent


def audit_events_for_project(*, project):
    return AuditEvent.objects.filter(project=project).select_related("actor").order_by("-at", "-id")
