"""API of hypercare: the window's figures, extension and exit; and go-live (cutover) that opens it."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from golive.api import CONSULTANTS, LEADS, PROJECT_KEY_PARAMETER, ProjectScopedView
from golive.hypercare import selectors, services
from golive.lifecycle.api import GateSerializer


class HypercareSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["not_started", "active", "extended", "exited"])
    as_of = serializers.DateTimeField()
    starts_at = serializers.DateTimeField(allow_null=True)
    planned_end = serializers.DateTimeField(allow_null=True)
    exited_at = serializers.DateTimeField(allow_null=True)
    days_elapsed = serializers.IntegerField()
    days_since_last_issue = serializers.IntegerField(allow_null=True)
    days_since_last_p1_p2 = serializers.IntegerField(allow_null=True)
    open_by_severity = serializers.DictField(child=serializers.IntegerField())
    daily_new = inline_serializer(
        "DailyNew", {"date": serializers.DateField(), "count": serializers.IntegerField()}, many=True
    )
    projected_silence_date = serializers.DateField(allow_null=True)
    issues_in_window = serializers.IntegerField()
    extensions = serializers.ListField(child=serializers.DictField())
    handover = serializers.ListField(child=serializers.DictField())
    exit = GateSerializer()


class HypercareView(ProjectScopedView):
    """The hypercare window with its silence figures and exit criteria; ``?as_of=ISO`` for any instant."""

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            OpenApiParameter(
                "as_of", OpenApiTypes.DATETIME, description="evaluate at this instant (ISO 8601); default now"
            ),
        ],
        responses={200: HypercareSerializer},
    )
    def get(self, request, key):
        as_of = None
        if request.query_params.get("as_of"):
            try:
                as_of = serializers.DateTimeField().run_validation(request.query_params["as_of"])
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"as_of": exc.detail}) from None
        return Response(HypercareSerializer(selectors.hypercare_status(project=self.project, as_of=as_of)).data)


class ExtendSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=services.MAX_EXTENSION_DAYS)
    reason = serializers.CharField()


class HypercareExtendView(ProjectScopedView):
    """Extend the window by some days, with a reason (consultant lead)."""

    roles = {"POST": LEADS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=ExtendSerializer, responses={200: HypercareSerializer})
    def post(self, request, key):
        data = ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.hypercare_extend(actor=request.user, project=self.project, **data.validated_data)
        return Response(HypercareSerializer(selectors.hypercare_status(project=self.project)).data)


class ExitSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class HypercareExitView(ProjectScopedView):
    """End hypercare: 409 with the failing criteria unless they pass (or the consultant lead overrides)."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=ExitSerializer, responses={200: HypercareSerializer})
    def post(self, request, key):
        data = ExitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.hypercare_exit(actor=request.user, project=self.project, **data.validated_data)
        return Response(HypercareSerializer(selectors.hypercare_status(project=self.project)).data)
