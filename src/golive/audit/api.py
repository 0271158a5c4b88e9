"""API of the audit log of one project."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from golive.api import PROJECT_KEY_PARAMETER, VENDOR_STAFF, ProjectScopedView
from golive.audit.models import AuditEvent
from golive.audit.selectors import audit_events_for_project


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name")
    object = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["at", "actor", "action", "object", "changes"]

    def get_object(self, event) -> str:
        return f"{event.object_type}:{event.object_id} {event.object_repr}"


class ProjectAuditView(ProjectScopedView):
    """The project's append-only audit log, newest first (vendor staff only)."""

    roles = {"GET": VENDOR_STAFF}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: AuditEventSerializer(many=True)})
    def get(self, request, key):
        qs = audit_events_for_project(project=self.project)
        action = request.query_params.get("action")
        if action:
            qs = qs.filter(action=action)
        return self.paginate(qs, AuditEventSerializer)
