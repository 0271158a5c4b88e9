"""API of training: sessions, attendance, materials and the coverage figures of the gate."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from golive.api import ANY_MEMBER, CONSULTANTS, PROJECT_KEY_PARAMETER, VENDOR_STAFF, ProjectScopedView, StrictSerializer
from golive.api_fields import UsernameField
from golive.text import render_markdown
from golive.training import selectors, services
from golive.training.criteria import coverage_result
from golive.training.models import (
    MAX_SESSION_MINUTES,
    Attendance,
    AttendanceStatus,
    Material,
    MaterialKind,
    SessionKind,
    SessionMode,
    TrainingSession,
)

SESSION_PARAMETER = OpenApiParameter("session_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Session id")
MATERIAL_PARAMETER = OpenApiParameter("material_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Material id")
RECORDERS = VENDOR_STAFF | {"customer_lead"}


class AttendanceCountsSerializer(serializers.Serializer):
    invited = serializers.IntegerField(source="invited_count")
    attended = serializers.IntegerField(source="attended_count")
    absent = serializers.IntegerField(source="absent_count")


class SessionOutputSerializer(serializers.ModelSerializer):
    trainer = serializers.CharField(source="trainer.username", default=None, allow_null=True)
    created_by = serializers.CharField(source="created_by.username")
    attendance = AttendanceCountsSerializer(source="*")

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "location",
            "mode",
            "trainer",
            "audience",
            "capacity",
            "business_process",
            "notes",
            "attendance",
            "created_by",
            "created_at",
        ]


class SessionCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_SESSION_MINUTES, default=60)
    location = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    mode = serializers.ChoiceField(choices=SessionMode.choices, default=SessionMode.VIRTUAL)
    trainer = UsernameField(required=False, allow_null=True, default=None)
    audience = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    business_process = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class SessionPatchSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=SessionKind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    starts_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_SESSION_MINUTES, required=False)
    location = serializers.CharField(max_length=500, required=False, allow_blank=True)
    mode = serializers.ChoiceField(choices=SessionMode.choices, required=False)
    trainer = UsernameField(required=False, allow_null=True)
    audience = serializers.CharField(max_length=300, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    business_process = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


SESSION_FILTERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, description="comma-separated kinds: train_the_trainer, end_user"),
    OpenApiParameter("mode", OpenApiTypes.STR, description="comma-separated modes: virtual, on_site"),
    OpenApiParameter("business_process", OpenApiTypes.STR, description="exact business process"),
]


class SessionListView(ProjectScopedView):
    """The project's training sessions; consultants schedule them."""

    roles = {"GET": ANY_MEMBER, "POST": CONSULTANTS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, *SESSION_FILTERS], responses={200: SessionOutputSerializer(many=True)}
    )
    def get(self, request, key):
        return self.paginate(
            selectors.session_list(project=self.project, filters=request.query_params), SessionOutputSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=SessionCreateSerializer, responses={201: SessionOutputSerializer}
    )
    def post(self, request, key):
        data = SessionCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        session = services.session_create(actor=request.user, project=self.project, **data.validated_data)
        session = selectors.session_get(project=self.project, session_id=session.pk)
        return Response(SessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(ProjectScopedView):
    """One training session; consultants change it."""

    roles = {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, SESSION_PARAMETER], responses={200: SessionOutputSerializer})
    def get(self, request, key, session_id):
        return Response(
            SessionOutputSerializer(selectors.session_get(project=self.project, session_id=session_id)).data
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, SESSION_PARAMETER],
        request=SessionPatchSerializer,
        responses={200: SessionOutputSerializer},
    )
    def patch(self, request, key, session_id):
        session = selectors.session_get(project=self.project, session_id=session_id)
        data = SessionPatchSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        services.session_update(actor=request.user, session=session, **data.validated_data)
        return Response(
            SessionOutputSerializer(selectors.session_get(project=self.project, session_id=session_id)).data
        )


class AttendanceOutputSerializer(serializers.ModelSerializer):
    attendee = serializers.CharField()
    guest = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.username")

    class Meta:
        model = Attendance
        fields = ["id", "attendee", "guest", "status", "recorded_by", "updated_at"]

    def get_guest(self, attendance) -> bool:
        return attendance.user_id is None


class AttendanceInputSerializer(serializers.Serializer):
    attendee = serializers.CharField(max_length=254, help_text="A project member's username, or a guest's e-mail.")
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class AttendanceListView(ProjectScopedView):
    """Who was invited to, attended or missed a session; vendor staff and the customer lead record it.
    Recording the same attendee again updates the status (200 instead of 201)."""

    roles = {"GET": ANY_MEMBER, "POST": RECORDERS}

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            SESSION_PARAMETER,
            OpenApiParameter("status", OpenApiTypes.STR, description="comma-separated statuses"),
        ],
        responses={200: AttendanceOutputSerializer(many=True)},
    )
    def get(self, request, key, session_id):
        session = selectors.session_get(project=self.project, session_id=session_id)
        return self.paginate(
            selectors.attendance_list(session=session, filters=request.query_params), AttendanceOutputSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, SESSION_PARAMETER],
        request=AttendanceInputSerializer,
        responses={201: AttendanceOutputSerializer, 200: AttendanceOutputSerializer},
    )
    def post(self, request, key, session_id):
        session = selectors.session_get(project=self.project, session_id=session_id)
        data = AttendanceInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        attendance, created = services.attendance_record(actor=request.user, session=session, **data.validated_data)
        return Response(
            AttendanceOutputSerializer(attendance).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MaterialOutputSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")
    has_file = serializers.SerializerMethodField()
    differences_from_legacy_html = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "business_process",
            "title",
            "kind",
            "url",
            "has_file",
            "file_name",
            "content_type",
            "size",
            "differences_from_legacy",
            "differences_from_legacy_html",
            "created_by",
            "created_at",
        ]

    def get_has_file(self, material) -> bool:
        return bool(material.file)

    def get_differences_from_legacy_html(self, material) -> str:
        return render_markdown(material.differences_from_legacy)


class MaterialInputSerializer(serializers.Serializer):
    business_process = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)
    differences_from_legacy = serializers.CharField(required=False, allow_blank=True, default="")


class MaterialListView(ProjectScopedView):
    """Training materials per business process: multipart with a ``file``, or JSON with a ``url``."""

    roles = {"GET": ANY_MEMBER, "POST": CONSULTANTS}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            OpenApiParameter("business_process", OpenApiTypes.STR, description="exact business process"),
            OpenApiParameter("kind", OpenApiTypes.STR, description="comma-separated kinds"),
        ],
        responses={200: MaterialOutputSerializer(many=True)},
    )
    def get(self, request, key):
        return self.paginate(
            selectors.material_list(project=self.project, filters=request.query_params), MaterialOutputSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=MaterialInputSerializer, responses={201: MaterialOutputSerializer}
    )
    def post(self, request, key):
        data = MaterialInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        upload = values.pop("file", None)
        material = services.material_add(actor=request.user, project=self.project, upload=upload, **values)
        return Response(MaterialOutputSerializer(material).data, status=status.HTTP_201_CREATED)


class MaterialFileView(ProjectScopedView):
    """A material's uploaded file, as a download, for members only."""

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, MATERIAL_PARAMETER],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, key, material_id):
        material = selectors.material_get(project=self.project, material_id=material_id)
        if not material.file:
            raise Http404("This material has no file.")
        response = FileResponse(
            material.file.open("rb"),
            as_attachment=True,
            filename=material.file_name,
            content_type=material.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CoverageSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()
    min_attendance_percent = serializers.FloatField()
    attendance_percent = serializers.FloatField(allow_null=True)
    train_the_trainer_sessions = serializers.IntegerField()
    train_the_trainer_started = serializers.IntegerField()
    end_user_sessions = serializers.IntegerField()
    end_user_started = serializers.IntegerField()
    attended = serializers.IntegerField()
    absent = serializers.IntegerField()
    invited = serializers.IntegerField()


class CoverageView(ProjectScopedView):
    """The figures of the ``training_coverage_met`` gate criterion, now."""

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: CoverageSerializer})
    def get(self, request, key):
        params = selectors.coverage_params(project=self.project)
        figures = selectors.coverage_for_projects([self.project.pk])[self.project.pk]
        result = coverage_result(figures, params)
        body = {
            **figures.as_dict(),
            "passed": result.passed,
            "detail": result.detail,
            "min_attendance_percent": selectors.min_attendance_percent(params),
        }
        return Response(CoverageSerializer(body).data)
