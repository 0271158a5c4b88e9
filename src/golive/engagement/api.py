"""API of the engagement: requirements register, review pack, meetings, feedback, decisions, status report."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from golive.api import ANY_MEMBER, CONSULTANTS, PROJECT_KEY_PARAMETER, ProjectScopedView, StrictSerializer
from golive.api_fields import UsernameField
from golive.engagement import reports, selectors, services
from golive.engagement.exports import review_pack_markdown, review_pack_xlsx
from golive.engagement.models import (
    Decision,
    Feedback,
    FeedbackSize,
    FeedbackStatus,
    Meeting,
    MeetingKind,
    Priority,
    Requirement,
    RequirementSource,
    Scope,
)
from golive.text import render_markdown

CONTRIBUTORS = CONSULTANTS | {"customer_lead"}
REVIEWERS = CONSULTANTS | {"customer_lead", "customer_member"}
FORMAT_PARAMETER = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "md"], description="json (default) or md")


class RequirementSerializer(serializers.ModelSerializer):
    feedback_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Requirement
        fields = [
            "ref",
            "title",
            "description",
            "source",
            "priority",
            "scope",
            "change_request",
            "expectation",
            "gap",
            "feedback_count",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"ref": {"validators": []}}


class RequirementPatchSerializer(StrictSerializer):
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=RequirementSource.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    change_request = serializers.BooleanField(required=False)
    expectation = serializers.CharField(required=False, allow_blank=True)
    gap = serializers.CharField(required=False, allow_blank=True)


class RequirementListView(ProjectScopedView):
    """The register of customer requests; filters source, priority, scope, change_request, q."""

    roles = {"GET": ANY_MEMBER, "POST": CONTRIBUTORS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: RequirementSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(
            selectors.requirement_list(project=self.project, filters=request.query_params), RequirementSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=RequirementSerializer, responses={201: RequirementSerializer}
    )
    def post(self, request, key):
        data = RequirementSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        requirement = services.requirement_create(actor=request.user, project=self.project, **values)
        return Response(RequirementSerializer(requirement).data, status=status.HTTP_201_CREATED)


class RequirementDetailView(ProjectScopedView):
    """One requirement; consultants update it as the build progresses."""

    roles = {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: RequirementSerializer})
    def get(self, request, key, ref):
        return Response(RequirementSerializer(selectors.requirement_get(project=self.project, ref=ref)).data)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=RequirementPatchSerializer, responses={200: RequirementSerializer}
    )
    def patch(self, request, key, ref):
        requirement = selectors.requirement_get(project=self.project, ref=ref)
        data = RequirementPatchSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        requirement = services.requirement_update(actor=request.user, requirement=requirement, **data.validated_data)
        return Response(RequirementSerializer(requirement).data)


class FeedbackSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id")
    requirement = serializers.CharField(source="requirement.ref", default=None, allow_null=True)
    created_by = serializers.CharField(source="created_by.username")
    phase = serializers.CharField(source="meeting.phase.key", default=None, allow_null=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "meeting",
            "phase",
            "requirement",
            "text",
            "size",
            "status",
            "resolution",
            "created_by",
            "created_at",
            "updated_at",
        ]


class ReviewPackView(ProjectScopedView):
    """What to send before a review: built vs in-progress scope, the gap list, build progress and the feedback
    addressed since the last review. ``?format=json|md|xlsx``."""

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "md", "xlsx"])],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, key):
        pack = selectors.disclosure_list(project=self.project)
        changed = selectors.changed_since_last_review(project=self.project)
        fmt = request.query_params.get("format", "json")
        if fmt == "md":
            return HttpResponse(
                review_pack_markdown(self.project, pack, changed), content_type="text/markdown; charset=utf-8"
            )
        if fmt == "xlsx":
            response = HttpResponse(
                review_pack_xlsx(pack, changed),
                content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )
            response["Content-Disposition"] = f'attachment; filename="{self.project.key}-review-pack.xlsx"'
            return response
        if fmt != "json":
            raise serializers.ValidationError({"format": ["Use json, md or xlsx."]})
        return Response(
            {
                "progress": pack["progress"],
                **{
                    name: RequirementSerializer(pack[name], many=True).data
                    for name in ("built", "in_progress", "not_started", "gaps")
                },
                "changed_since_last_review": FeedbackSerializer(changed, many=True).data,
            }
        )


class MeetingSerializer(serializers.ModelSerializer):
    attendees = serializers.SerializerMethodField()
    phase = serializers.CharField(source="phase.key", default=None, allow_null=True)
    notes_html = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "phase",
            "attendees",
            "guests",
            "location",
            "agenda",
            "notes",
            "notes_html",
            "created_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_attendees(self, meeting) -> list[str]:
        return sorted(u.username for u in meeting.attendees.all())

    def get_notes_html(self, meeting) -> str:
        return render_markdown(meeting.notes)


class MeetingInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=1440, default=60)
    phase = serializers.CharField(required=False, allow_null=True, default=None, max_length=32)
    attendees = UsernameField(many=True, required=False, default=list)
    guests = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingPatchSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)
    starts_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=1440, required=False)
    attendees = UsernameField(many=True, required=False)
    guests = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=300)
    agenda = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class MeetingListView(ProjectScopedView):
    """Meetings of the project (kickoff, reviews, weekly status, go/no-go, debrief); filters kind, phase."""

    roles = {"GET": ANY_MEMBER, "POST": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: MeetingSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(
            selectors.meeting_list(project=self.project, filters=request.query_params), MeetingSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=MeetingInputSerializer, responses={201: MeetingSerializer}
    )
    def post(self, request, key):
        data = MeetingInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        meeting = services.meeting_create(actor=request.user, project=self.project, **data.validated_data)
        return Response(
            MeetingSerializer(selectors.meeting_get(project=self.project, meeting_id=meeting.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class MeetingDetailView(ProjectScopedView):
    """One meeting; consultants keep its notes during and after it."""

    roles = {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: MeetingSerializer})
    def get(self, request, key, meeting_id):
        return Response(MeetingSerializer(selectors.meeting_get(project=self.project, meeting_id=meeting_id)).data)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=MeetingPatchSerializer, responses={200: MeetingSerializer}
    )
    def patch(self, request, key, meeting_id):
        meeting = selectors.meeting_get(project=self.project, meeting_id=meeting_id)
        data = MeetingPatchSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        services.meeting_update(actor=request.user, meeting=meeting, **data.validated_data)
        return Response(MeetingSerializer(selectors.meeting_get(project=self.project, meeting_id=meeting_id)).data)


class FeedbackInputSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    requirement = serializers.CharField(required=False, allow_null=True, default=None, max_length=32)
    text = serializers.CharField()
    size = serializers.ChoiceField(choices=FeedbackSize.choices, default=FeedbackSize.SMALL)
    status = serializers.ChoiceField(choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN)


class FeedbackPatchSerializer(StrictSerializer):
    requirement = serializers.CharField(required=False, allow_null=True, max_length=32)
    text = serializers.CharField(required=False)
    size = serializers.ChoiceField(choices=FeedbackSize.choices, required=False)
    status = serializers.ChoiceField(choices=FeedbackStatus.choices, required=False)
    resolution = serializers.CharField(required=False, allow_blank=True)


def _requirement_or_400(project, ref):
    if ref is None:
        return None
    requirement = Requirement.objects.filter(project=project, ref=ref).first()
    if requirement is None:
        raise serializers.ValidationError({"requirement": [f"The project has no requirement {ref}."]})
    return requirement


class FeedbackListView(ProjectScopedView):
    """Review feedback; filters status, size, meeting, phase, requirement. Reviewers record it during a demo."""

    roles = {"GET": ANY_MEMBER, "POST": REVIEWERS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: FeedbackSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(
            selectors.feedback_list(project=self.project, filters=request.query_params), FeedbackSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=FeedbackInputSerializer, responses={201: FeedbackSerializer}
    )
    def post(self, request, key):
        data = FeedbackInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting = Meeting.objects.filter(project=self.project, pk=values.pop("meeting")).first()
        if meeting is None:
            raise serializers.ValidationError({"meeting": ["The project has no such meeting."]})
        values["requirement"] = _requirement_or_400(self.project, values.pop("requirement"))
        feedback = services.feedback_create(actor=request.user, project=self.project, meeting=meeting, **values)
        return Response(
            FeedbackSerializer(selectors.feedback_get(project=self.project, feedback_id=feedback.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class FeedbackDetailView(ProjectScopedView):
    """One feedback item; consultants triage it (``status``) and say how it was addressed."""

    roles = {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: FeedbackSerializer})
    def get(self, request, key, feedback_id):
        return Response(FeedbackSerializer(selectors.feedback_get(project=self.project, feedback_id=feedback_id)).data)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=FeedbackPatchSerializer, responses={200: FeedbackSerializer}
    )
    def patch(self, request, key, feedback_id):
        feedback = selectors.feedback_get(project=self.project, feedback_id=feedback_id)
        data = FeedbackPatchSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        target = values.pop("status", None)
        if "requirement" in values:
            values["requirement"] = _requirement_or_400(self.project, values["requirement"])
        # One transaction: a refused status move must not leave the edit of the same request behind.
        with transaction.atomic():
            if values:
                feedback = services.feedback_update(actor=request.user, feedback=feedback, **values)
            if target:
                services.feedback_set_status(actor=request.user, feedback=feedback, status=target)
        return Response(FeedbackSerializer(selectors.feedback_get(project=self.project, feedback_id=feedback_id)).data)


class ChangeRequestInputSerializer(serializers.Serializer):
    ref = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class FeedbackChangeRequestView(ProjectScopedView):
    """Turn a large feedback item into a change request (a new requirement) in one step."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=ChangeRequestInputSerializer, responses={201: RequirementSerializer}
    )
    def post(self, request, key, feedback_id):
        feedback = selectors.feedback_get(project=self.project, feedback_id=feedback_id)
        data = ChangeRequestInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        requirement = services.feedback_to_change_request(actor=request.user, feedback=feedback, **data.validated_data)
        return Response(RequirementSerializer(requirement).data, status=status.HTTP_201_CREATED)


class DecisionSerializer(serializers.ModelSerializer):
    stakeholders_present = serializers.SerializerMethodField()
    missing_roles = serializers.SerializerMethodField()
    flagged = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "title",
            "decision",
            "decided_at",
            "stakeholders_present",
            "excluded_scope",
            "missing_roles",
            "flagged",
            "created_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_stakeholders_present(self, decision) -> list[str]:
        return sorted(u.username for u in decision.stakeholders_present.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_roles(self, decision) -> list[str]:
        return selectors.missing_roles(decision, self.context["leads"])

    def get_flagged(self, decision) -> bool:
        return bool(self.get_missing_roles(decision))


class DecisionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    stakeholders_present = UsernameField(many=True, required=False, default=list)
    excluded_scope = serializers.BooleanField(required=False, default=False)


class DecisionListView(ProjectScopedView):
    """The decision log; a decision taken without a customer lead or consultant lead present is flagged."""

    roles = {"GET": ANY_MEMBER, "POST": CONTRIBUTORS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: DecisionSerializer(many=True)})
    def get(self, request, key):
        from golive.api import Pagination

        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.decision_list(project=self.project), request, view=self)
        context = {"leads": selectors.key_stakeholders(project=self.project)}
        return paginator.get_paginated_response(DecisionSerializer(page, many=True, context=context).data)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=DecisionInputSerializer, responses={201: DecisionSerializer}
    )
    def post(self, request, key):
        data = DecisionInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        decision = services.decision_record(actor=request.user, project=self.project, **data.validated_data)
        context = {"leads": selectors.key_stakeholders(project=self.project)}
        return Response(DecisionSerializer(decision, context=context).data, status=status.HTTP_201_CREATED)


class StatusReportView(ProjectScopedView):
    """The weekly status report: ``?week=YYYY-Www`` (default this week), ``?format=json|md``."""

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            FORMAT_PARAMETER,
            OpenApiParameter("week", OpenApiTypes.STR, description="ISO week, e.g. 2026-W48"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, key):
        try:
            report = reports.status_report(project=self.project, week=request.query_params.get("week"))
        except ValueError as exc:
            raise serializers.ValidationError({"week": [str(exc)]}) from None
        fmt = request.query_params.get("format", "json")
        if fmt == "md":
            return HttpResponse(reports.status_report_markdown(report), content_type="text/markdown; charset=utf-8")
        if fmt != "json":
            raise serializers.ValidationError({"format": ["Use json or md."]})
        return Response(report)
