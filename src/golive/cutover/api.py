"""API of cutover: the runbook and its execution, test evidence, the go/no-go vote and decision, the go-live."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from golive.accounts.models import User
from golive.api import (
    ANY_MEMBER,
    CONSULTANTS,
    LEADS,
    PROJECT_KEY_PARAMETER,
    VENDOR_STAFF,
    ProjectScopedView,
    StrictSerializer,
)
from golive.cutover import exports, selectors, services
from golive.cutover.models import (
    MAX_OFFSET_MINUTES,
    MAX_STEP_MINUTES,
    MIN_OFFSET_MINUTES,
    Environment,
    FailingCase,
    GoNoGoDecision,
    GoNoGoVote,
    RunbookStep,
    RunbookTemplate,
    StepAction,
    TestReport,
    Vote,
)
from golive.engagement import selectors as engagement_selectors
from golive.hypercare import selectors as hypercare_selectors
from golive.hypercare.api import HypercareSerializer
from golive.lifecycle.api import GateSerializer

STEP_PARAMETER = OpenApiParameter("ref", OpenApiTypes.STR, OpenApiParameter.PATH, description="Step ref, e.g. S10")
ACTION_PARAMETER = OpenApiParameter(
    "action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=StepAction.values, description="start|complete|fail|skip"
)
REPORT_PARAMETER = OpenApiParameter("report_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Report id")
OWNER_FIELD = {"slug_field": "username", "queryset": User.objects.all()}


# -- Runbook -------------------------------------------------------------------------------------------------


class StepOutputSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    started_by = serializers.CharField(source="started_by.username", default=None, allow_null=True)
    finished_by = serializers.CharField(source="finished_by.username", default=None, allow_null=True)
    depends_on = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = RunbookStep
        fields = [
            "ref",
            "position",
            "title",
            "description",
            "owner",
            "planned_minutes",
            "depends_on",
            "rollback",
            "point_of_no_return",
            "planned_start",
            "start_offset_minutes",
            "status",
            "started_at",
            "started_by",
            "finished_at",
            "finished_by",
            "note",
        ]


class BoardStepSerializer(serializers.Serializer):
    step = StepOutputSerializer()
    planned_start = serializers.DateTimeField(allow_null=True, help_text="absolute, or T-0 plus the offset")
    on_critical_path = serializers.BooleanField()
    can_start = serializers.BooleanField()
    waiting_for = serializers.ListField(child=serializers.CharField())
    overrun = serializers.BooleanField(help_text="running longer than planned")
    actual_minutes = serializers.IntegerField(allow_null=True)


class BoardSerializer(serializers.Serializer):
    target_at = serializers.DateTimeField(allow_null=True, help_text="T-0")
    steps = BoardStepSerializer(many=True, help_text="in dependency order")
    critical_path = serializers.ListField(child=serializers.CharField(), help_text="refs still to run")
    remaining_minutes = serializers.IntegerField()
    eta = serializers.DateTimeField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    percent_done = serializers.IntegerField()
    running = serializers.ListField(child=serializers.CharField())
    point_of_no_return = serializers.CharField(allow_null=True)
    point_of_no_return_passed = serializers.BooleanField()
    rollback_available = serializers.BooleanField()


class RunbookPatchSerializer(StrictSerializer):
    target_at = serializers.DateTimeField(allow_null=True, help_text="T-0; null: 09:00 local on the planned go-live")


class StepCreateSerializer(StrictSerializer):
    ref = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.SlugRelatedField(**OWNER_FIELD, required=False, allow_null=True, default=None)
    planned_minutes = serializers.IntegerField(min_value=1, max_value=MAX_STEP_MINUTES, default=15)
    depends_on = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list)
    rollback = serializers.BooleanField(required=False, default=False)
    point_of_no_return = serializers.BooleanField(required=False, default=False)
    planned_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    start_offset_minutes = serializers.IntegerField(
        min_value=MIN_OFFSET_MINUTES,
        max_value=MAX_OFFSET_MINUTES,
        required=False,
        allow_null=True,
        default=None,
        help_text="T-minus offset from T-0 in minutes, e.g. -120",
    )


class StepPatchSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.SlugRelatedField(**OWNER_FIELD, required=False, allow_null=True)
    planned_minutes = serializers.IntegerField(min_value=1, max_value=MAX_STEP_MINUTES, required=False)
    depends_on = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    rollback = serializers.BooleanField(required=False)
    point_of_no_return = serializers.BooleanField(required=False)
    planned_start = serializers.DateTimeField(required=False, allow_null=True)
    start_offset_minutes = serializers.IntegerField(
        min_value=MIN_OFFSET_MINUTES, max_value=MAX_OFFSET_MINUTES, required=False, allow_null=True
    )


class StepActionSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="what happened (fail)")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="required to skip")


class RunbookView(ProjectScopedView):
    """The runbook board: steps in dependency order, critical path, ETA, point of no return."""

    roles = {"GET": ANY_MEMBER, "PATCH": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: BoardSerializer})
    def get(self, request, key):
        return Response(BoardSerializer(selectors.runbook_board(project=self.project)).data)

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=RunbookPatchSerializer, responses={200: BoardSerializer})
    def patch(self, request, key):
        data = RunbookPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.runbook_update(actor=request.user, project=self.project, **data.validated_data)
        return Response(BoardSerializer(selectors.runbook_board(project=self.project)).data)


class RunbookExportView(ProjectScopedView):
    """The runbook as CSV (UTF-8 with BOM, for spreadsheets)."""

    roles = {"GET": ANY_MEMBER}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="the runbook as CSV")},
    )
    def get(self, request, key):
        body = exports.runbook_csv(selectors.runbook_board(project=self.project))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.project.key}-runbook.csv"'
        return response


class StepListView(ProjectScopedView):
    """The runbook's steps; consultants add them (dependencies must exist and form no cycle)."""

    roles = {"GET": ANY_MEMBER, "POST": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: StepOutputSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(selectors.step_list(project=self.project), StepOutputSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=StepCreateSerializer, responses={201: StepOutputSerializer}
    )
    def post(self, request, key):
        data = StepCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = services.step_create(actor=request.user, project=self.project, **data.validated_data)
        return Response(
            StepOutputSerializer(selectors.step_get(project=self.project, ref=step.ref)).data,
            status=status.HTTP_201_CREATED,
        )


class StepDetailView(ProjectScopedView):
    """One runbook step; consultants change its plan while it is pending, or remove it."""

    roles = {"GET": ANY_MEMBER, "PATCH": CONSULTANTS, "DELETE": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, STEP_PARAMETER], responses={200: StepOutputSerializer})
    def get(self, request, key, ref):
        return Response(StepOutputSerializer(selectors.step_get(project=self.project, ref=ref)).data)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, STEP_PARAMETER],
        request=StepPatchSerializer,
        responses={200: StepOutputSerializer},
    )
    def patch(self, request, key, ref):
        step = selectors.step_get(project=self.project, ref=ref)
        data = StepPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.step_update(actor=request.user, step=step, **data.validated_data)
        return Response(StepOutputSerializer(selectors.step_get(project=self.project, ref=ref)).data)

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, STEP_PARAMETER], responses={204: None})
    def delete(self, request, key, ref):
        services.step_delete(actor=request.user, step=selectors.step_get(project=self.project, ref=ref))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StepActionView(ProjectScopedView):
    """Run a step: ``start`` (409 while a dependency is not done or skipped), ``complete``, ``fail``, ``skip``
    (with a reason). Consultants run any step, other members the steps they own."""

    roles = {"POST": ANY_MEMBER}

    @extend_schema(
        operation_id="projects_runbook_steps_action",
        parameters=[PROJECT_KEY_PARAMETER, STEP_PARAMETER, ACTION_PARAMETER],
        request=StepActionSerializer,
        responses={200: StepOutputSerializer},
    )
    def post(self, request, key, ref, action):
        if action not in StepAction.values:
            raise Http404("No such step action.")
        step = selectors.step_get(project=self.project, ref=ref)
        data = StepActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["reason"] if action == StepAction.SKIP else data.validated_data["note"]
        services.STEP_ACTIONS[action](request.user, step, text)
        return Response(StepOutputSerializer(selectors.step_get(project=self.project, ref=ref)).data)


class RunbookTemplateSerializer(serializers.ModelSerializer):
    source_project = serializers.CharField(source="source_project.key", default=None, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    step_count = serializers.SerializerMethodField()

    class Meta:
        model = RunbookTemplate
        fields = ["id", "name", "description", "step_count", "steps", "source_project", "created_by", "created_at"]

    def get_step_count(self, template) -> int:
        return len(template.steps)


class TemplateSaveSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class CloneSerializer(StrictSerializer):
    template = serializers.PrimaryKeyRelatedField(queryset=RunbookTemplate.objects.all())


class RunbookTemplateListView(ProjectScopedView):
    """Runbook templates (vendor-wide); consultants save this project's runbook as one."""

    roles = {"GET": VENDOR_STAFF, "POST": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: RunbookTemplateSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(selectors.runbook_template_list(), RunbookTemplateSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=TemplateSaveSerializer, responses={201: RunbookTemplateSerializer}
    )
    def post(self, request, key):
        data = TemplateSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = services.runbook_template_save(actor=request.user, project=self.project, **data.validated_data)
        return Response(RunbookTemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class RunbookCloneView(ProjectScopedView):
    """Append a template's steps to this project's runbook."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=CloneSerializer, responses={201: BoardSerializer})
    def post(self, request, key):
        data = CloneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.runbook_clone(actor=request.user, project=self.project, template=data.validated_data["template"])
        return Response(BoardSerializer(selectors.runbook_board(project=self.project)).data, status=201)


# -- Test evidence -------------------------------------------------------------------------------------------


class FailingCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = FailingCase
        fields = ["suite", "classname", "name", "kind", "message", "detail"]


class TestReportSerializer(serializers.ModelSerializer):
    __test__ = False
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    ok = serializers.BooleanField(help_text="at least one test and no failure or error")

    class Meta:
        model = TestReport
        fields = [
            "id",
            "kind",
            "title",
            "environment",
            "tests",
            "failures",
            "errors",
            "skipped",
            "passed",
            "ok",
            "duration_seconds",
            "suites",
            "file_name",
            "file_size",
            "uploaded_by",
            "uploaded_at",
        ]


class TestReportDetailSerializer(TestReportSerializer):
    failing_cases = FailingCaseSerializer(many=True)

    class Meta(TestReportSerializer.Meta):
        fields = [*TestReportSerializer.Meta.fields, "failing_cases", "failing_omitted", "checklist"]


class TestReportUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="JUnit XML (pytest, Surefire, Gradle, Jest junit ...)")
    environment = serializers.ChoiceField(choices=Environment.choices, default=Environment.SANDBOX)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ChecklistItemSerializer(StrictSerializer):
    name = serializers.CharField(max_length=500)
    status = serializers.ChoiceField(choices=[("passed", "passed"), ("failed", "failed"), ("skipped", "skipped")])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ManualReportSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    environment = serializers.ChoiceField(choices=Environment.choices, default=Environment.PRODUCTION)
    items = ChecklistItemSerializer(many=True, allow_empty=False)


TEST_REPORT_FILTERS = [
    OpenApiParameter("environment", OpenApiTypes.STR, description="comma-separated: sandbox, production"),
    OpenApiParameter("kind", OpenApiTypes.STR, description="comma-separated: junit, manual"),
]


class TestReportListView(ProjectScopedView):
    """Test evidence, newest first; vendor staff upload JUnit XML reports."""

    __test__ = False
    roles = {"GET": ANY_MEMBER, "POST": VENDOR_STAFF}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, *TEST_REPORT_FILTERS], responses={200: TestReportSerializer(many=True)}
    )
    def get(self, request, key):
        return self.paginate(
            selectors.test_report_list(project=self.project, filters=request.query_params), TestReportSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        request={"multipart/form-data": TestReportUploadSerializer},
        responses={201: TestReportDetailSerializer},
    )
    def post(self, request, key):
        data = TestReportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.test_report_upload(
            actor=request.user,
            project=self.project,
            upload=data.validated_data["file"],
            environment=data.validated_data["environment"],
            title=data.validated_data["title"],
        )
        report = selectors.test_report_get(project=self.project, report_id=report.pk)
        return Response(TestReportDetailSerializer(report).data, status=status.HTTP_201_CREATED)


class ManualTestReportView(ProjectScopedView):
    """Record a manual smoke-test checklist (for teams without a test runner)."""

    roles = {"POST": ANY_MEMBER}
    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=ManualReportSerializer, responses={201: TestReportDetailSerializer}
    )
    def post(self, request, key):
        data = ManualReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.test_report_manual(actor=request.user, project=self.project, **data.validated_data)
        report = selectors.test_report_get(project=self.project, report_id=report.pk)
        return Response(TestReportDetailSerializer(report).data, status=status.HTTP_201_CREATED)


class TestReportDetailView(ProjectScopedView):
    """One test report with its failing cases."""

    __test__ = False
    roles = {"GET": ANY_MEMBER}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, REPORT_PARAMETER], responses={200: TestReportDetailSerializer})
    def get(self, request, key, report_id):
        report = selectors.test_report_get(project=self.project, report_id=report_id)
        return Response(TestReportDetailSerializer(report).data)


# -- Go/no-go ------------------------------------------------------------------------------------------------


class VoteSerializer(serializers.ModelSerializer):
    voter = serializers.CharField(source="voter.username")

    class Meta:
        model = GoNoGoVote
        fields = ["voter", "role", "vote", "comment", "cast_at"]


class SnapshotVoteSerializer(serializers.Serializer):
    voter = serializers.CharField()
    role = serializers.CharField()
    vote = serializers.ChoiceField(choices=Vote.choices)
    comment = serializers.CharField()
    cast_at = serializers.DateTimeField()


class GoNoGoDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username")
    votes = SnapshotVoteSerializer(source="votes_snapshot", many=True)
    checklist = GateSerializer()
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)

    class Meta:
        model = GoNoGoDecision
        fields = [
            "id",
            "decision",
            "comment",
            "decided_by",
            "decided_at",
            "new_target_date",
            "meeting",
            "votes",
            "checklist",
        ]


class ChecklistCriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()
    blocking = serializers.BooleanField()
    evidence = serializers.CharField(allow_null=True, help_text="page where the evidence is")


class ChecklistSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    criteria = ChecklistCriterionSerializer(many=True)


class GoNoGoSerializer(serializers.Serializer):
    in_deployment = serializers.BooleanField()
    checklist = ChecklistSerializer()
    votes = VoteSerializer(many=True, help_text="open votes (since the last decision)")
    tally = serializers.DictField(child=serializers.IntegerField())
    decision = GoNoGoDecisionSerializer(allow_null=True, help_text="the latest decision")
    decisions = GoNoGoDecisionSerializer(many=True)
    golive_at = serializers.DateTimeField(source="golive.at", default=None, allow_null=True)


class VoteInputSerializer(StrictSerializer):
    vote = serializers.ChoiceField(choices=Vote.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DecideInputSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=Vote.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    new_target_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="required for no_go"
    )
    meeting = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="go/no-go meeting id")


def _go_no_go_response(project, code=200) -> Response:
    return Response(GoNoGoSerializer(selectors.go_no_go_status(project=project)).data, status=code)


class GoNoGoView(ProjectScopedView):
    """The go/no-go checklist evaluated live, the open votes and the decisions."""

    roles = {"GET": ANY_MEMBER}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: GoNoGoSerializer})
    def get(self, request, key):
        return _go_no_go_response(self.project)


class GoNoGoVoteView(ProjectScopedView):
    """Cast or replace the caller's vote (members of the project, vendor and customer)."""

    roles = {"POST": ANY_MEMBER}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=VoteInputSerializer, responses={201: GoNoGoSerializer})
    def post(self, request, key):
        data = VoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.vote_cast(actor=request.user, project=self.project, **data.validated_data)
        return _go_no_go_response(self.project, status.HTTP_201_CREATED)


class GoNoGoDecideView(ProjectScopedView):
    """The consultant lead's decision; "go" is refused (409 with the checklist) while a blocking criterion fails."""

    roles = {"POST": LEADS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=DecideInputSerializer, responses={201: GoNoGoSerializer})
    def post(self, request, key):
        data = DecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting_id = values.pop("meeting")
        meeting = None
        if meeting_id is not None:
            try:
                meeting = engagement_selectors.meeting_get(project=self.project, meeting_id=meeting_id)
            except Http404:
                raise ValidationError({"meeting": ["No such meeting in this project."]}) from None
        services.go_no_go_decide(actor=request.user, project=self.project, meeting=meeting, **values)
        return _go_no_go_response(self.project, status.HTTP_201_CREATED)


# -- Go-live -------------------------------------------------------------------------------------------------


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
