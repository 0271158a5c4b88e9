"""API of cutover: recording the go-live."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from golive.api import CONSULTANTS, PROJECT_KEY_PARAMETER, ProjectScopedView
from golive.cutover import services
from golive.hypercare import selectors as hypercare_selectors
from golive.hypercare.api import HypercareSerializer


class GoLiveInputSerializer(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="when the system went live; default now"
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class GoLiveView(ProjectScopedView):
    """Record the actual go-live: deployment closes, hypercare starts and its window opens."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=GoLiveInputSerializer, responses={200: HypercareSerializer}
    )
    def post(self, request, key):
        data = GoLiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.golive_record(actor=request.user, project=self.project, **data.validated_data)
        return Response(HypercareSerializer(hypercare_selectors.hypercare_status(project=self.project)).data)
