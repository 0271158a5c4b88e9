"""API of UAT: scenarios (with import, template and export), cycles, assignments, runs with their defect and
evidence, and the summary.

Reads are open to every member. Scenarios, cycles and assignments are written by consultants and the customer
lead; runs, defects and evidence also by customer members (the testers), who record their own runs only.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from golive.api import ANY_MEMBER, CONSULTANTS, PROJECT_KEY_PARAMETER, ProjectScopedView, StrictSerializer
from golive.tracker.models import Severity
from golive.uat import exports, selectors, services
from golive.uat.imports import ImportRejected
from golive.uat.models import Assignment, Cycle, Run, RunEvidence, RunStatus, Scenario, ScenarioPriority, ScenarioState

PLANNERS = CONSULTANTS | {"customer_lead"}
TESTERS = CONSULTANTS | {"customer_lead", "customer_member"}

REF_PARAMETER = OpenApiParameter("ref", OpenApiTypes.STR, OpenApiParameter.PATH, description="Scenario ref")
NUMBER_PARAMETER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description="Cycle number")
RUN_PARAMETER = OpenApiParameter("run_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Run id")
EVIDENCE_PARAMETER = OpenApiParameter(
    "evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Evidence file id"
)
FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=list(exports.FORMATS), description="csv (default) or xlsx"
)
SCENARIO_FILTERS = [
    OpenApiParameter("module", OpenApiTypes.STR, description="exact module (business process)"),
    OpenApiParameter("priority", OpenApiTypes.STR, description="comma-separated: critical, high, medium, low"),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        description="comma-separated states in the latest cycle: passed, failed, blocked, not_run",
    ),
    OpenApiParameter(
        "assigned_to", OpenApiTypes.STR, description="username the scenario is assigned to in the latest cycle"
    ),
    OpenApiParameter("q", OpenApiTypes.STR, description="text in the ref or title"),
    OpenApiParameter("include_retired", OpenApiTypes.BOOL, description="`true`: also retired scenarios"),
    OpenApiParameter("retired", OpenApiTypes.BOOL, description="`true`: only retired scenarios"),
]
RUN_FILTERS = [
    OpenApiParameter("cycle", OpenApiTypes.INT, description="cycle number"),
    OpenApiParameter("scenario", OpenApiTypes.STR, description="scenario ref"),
    OpenApiParameter("tester", OpenApiTypes.STR, description="username"),
    OpenApiParameter("status", OpenApiTypes.STR, description="comma-separated: passed, failed, blocked"),
]
ERROR_LIST = inline_serializer(
    "UatImportErrors",
    {
        "detail": serializers.CharField(),
        "errors": inline_serializer(
            "UatImportRowError",
            {
                "row": serializers.IntegerField(allow_null=True, help_text="Row as Excel shows it; the header is 1"),
                "column": serializers.CharField(allow_null=True),
                "message": serializers.CharField(),
            },
            many=True,
        ),
    },
)


def _format(request) -> str:
    fmt = request.query_params.get("format", "csv")
    if fmt not in exports.FORMATS:
        raise serializers.ValidationError({"format": [_("Use csv or xlsx.")]})
    return fmt


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------------
# Scenarios


class ScenarioOutputSerializer(serializers.ModelSerializer):
    requirements = serializers.SerializerMethodField()
    state = serializers.ChoiceField(
        choices=ScenarioState.choices, read_only=True, help_text="State in the latest cycle"
    )
    last_run = serializers.IntegerField(source="last_run_id", allow_null=True, read_only=True)
    assigned_to = serializers.CharField(allow_null=True, read_only=True, help_text="Tester in the latest cycle")
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = Scenario
        fields = [
            "ref",
            "title",
            "module",
            "steps",
            "expected_result",
            "priority",
            "order",
            "requirements",
            "state",
            "last_run",
            "assigned_to",
            "retired_at",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_requirements(self, scenario) -> list[str]:
        return [r.ref for r in scenario.requirements.all()]


class ScenarioCreateSerializer(StrictSerializer):
    ref = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=300)
    module = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    steps = serializers.CharField(required=False, allow_blank=True, default="")
    expected_result = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=ScenarioPriority.choices, default=ScenarioPriority.MEDIUM)
    order = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    requirements = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list, help_text="requirement refs"
    )


class ScenarioPatchSerializer(StrictSerializer):
    title = serializers.CharField(max_length=300, required=False)
    module = serializers.CharField(max_length=200, required=False, allow_blank=True)
    steps = serializers.CharField(required=False, allow_blank=True)
    expected_result = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=ScenarioPriority.choices, required=False)
    order = serializers.IntegerField(min_value=0, required=False)
    requirements = serializers.ListField(child=serializers.CharField(max_length=32), required=False)


class ScenarioListView(ProjectScopedView):
    """The project's test scenarios in order, each with its state in the latest cycle."""

    roles = {"GET": ANY_MEMBER, "POST": PLANNERS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, *SCENARIO_FILTERS], responses={200: ScenarioOutputSerializer(many=True)}
    )
    def get(self, request, key):
        return self.paginate(
            selectors.scenario_list(project=self.project, filters=request.query_params), ScenarioOutputSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=ScenarioCreateSerializer, responses={201: ScenarioOutputSerializer}
    )
    def post(self, request, key):
        data = ScenarioCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scenario = services.scenario_create(actor=request.user, project=self.project, **data.validated_data)
        scenario = selectors.scenario_get(project=self.project, ref=scenario.ref)
        return Response(ScenarioOutputSerializer(scenario).data, status=status.HTTP_201_CREATED)


class ScenarioDetailView(ProjectScopedView):
    """One scenario. Planners edit it, and delete it while it has never been run (retire it afterwards)."""

    roles = {"GET": ANY_MEMBER, "PATCH": PLANNERS, "DELETE": PLANNERS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, REF_PARAMETER], responses={200: ScenarioOutputSerializer})
    def get(self, request, key, ref):
        return Response(ScenarioOutputSerializer(selectors.scenario_get(project=self.project, ref=ref)).data)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, REF_PARAMETER],
        request=ScenarioPatchSerializer,
        responses={200: ScenarioOutputSerializer},
    )
    def patch(self, request, key, ref):
        scenario = selectors.scenario_get(project=self.project, ref=ref)
        data = ScenarioPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.scenario_update(actor=request.user, scenario=scenario, **data.validated_data)
        return Response(ScenarioOutputSerializer(selectors.scenario_get(project=self.project, ref=ref)).data)

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, REF_PARAMETER], responses={204: None})
    def delete(self, request, key, ref):
        services.scenario_delete(actor=request.user, scenario=selectors.scenario_get(project=self.project, ref=ref))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScenarioRetireView(ProjectScopedView):
    """Retire a scenario: it leaves states, the summary and the gate; its runs stay on record."""

    roles = {"POST": PLANNERS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, REF_PARAMETER], request=None, responses={200: ScenarioOutputSerializer}
    )
    def post(self, request, key, ref):
        scenario = selectors.scenario_get(project=self.project, ref=ref)
        services.scenario_retire(actor=request.user, scenario=scenario)
        return Response(ScenarioOutputSerializer(selectors.scenario_get(project=self.project, ref=ref)).data)


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV (UTF-8) or XLSX with the columns ref,title,module,steps,expected_result,priority"
    )


class ScenarioImportView(ProjectScopedView):
    """Import scenarios from CSV or XLSX, all or nothing: 201 ``{created}``, or 400 listing every bad row as
    ``{row, column, message}`` with nothing created."""

    roles = {"POST": PLANNERS}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            201: inline_serializer("UatImportResult", {"created": serializers.IntegerField()}),
            400: OpenApiResponse(ERROR_LIST, description="Every bad row; nothing was created"),
        },
    )
    def post(self, request, key):
        upload = request.FILES.get("file")
        if upload is None:
            message = _("Upload a CSV or XLSX file.")
            return Response(
                {"detail": f"file: {message}", "errors": [{"row": None, "column": "file", "message": message}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            created = services.scenario_import(actor=request.user, project=self.project, upload=upload)
        except ImportRejected as exc:
            return Response({"detail": exc.detail, "errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": len(created)}, status=status.HTTP_201_CREATED)


class ScenarioTemplateView(ProjectScopedView):
    """The import template: ``?format=csv`` (default) or ``xlsx``."""

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, FORMAT_PARAMETER],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request, key):
        if _format(request) == "xlsx":
            return _download(exports.template_xlsx(), exports.XLSX_CONTENT_TYPE, "uat-scenarios-template.xlsx")
        return _download(exports.template_csv(), exports.CSV_CONTENT_TYPE, "uat-scenarios-template.csv")


class ScenarioExportView(ProjectScopedView):
    """Scenarios with their state in the latest cycle and in each cycle, and their defects:
    ``?format=csv`` (default) or ``xlsx``."""

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, FORMAT_PARAMETER],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request, key):
        fmt = _format(request)
        header, rows = selectors.scenario_export_rows(project=self.project)
        content, content_type = exports.export_file(header, rows, fmt)
        return _download(content, content_type, f"{self.project.key}-uat-scenarios.{fmt}")


# ---------------------------------------------------------------------------------------------------------------
# Cycles and assignments


class CycleOutputSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")
    runs = serializers.IntegerField(source="run_count", read_only=True)
    assignments = serializers.IntegerField(source="assignment_count", read_only=True)

    class Meta:
        model = Cycle
        fields = ["number", "name", "started_at", "created_by", "runs", "assignments"]


class CycleInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class CycleListView(ProjectScopedView):
    """The project's test cycles, newest first; planners open the next one (its first run may also open it)."""

    roles = {"GET": ANY_MEMBER, "POST": PLANNERS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: CycleOutputSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(selectors.cycle_list(project=self.project), CycleOutputSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=CycleInputSerializer, responses={201: CycleOutputSerializer}
    )
    def post(self, request, key):
        data = CycleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = services.cycle_create(actor=request.user, project=self.project, **data.validated_data)
        cycle = selectors.cycle_list(project=self.project).get(pk=cycle.pk)
        return Response(CycleOutputSerializer(cycle).data, status=status.HTTP_201_CREATED)


class AssignmentOutputSerializer(serializers.ModelSerializer):
    scenario = serializers.CharField(source="scenario.ref")
    title = serializers.CharField(source="scenario.title")
    tester = serializers.CharField(source="tester.username")
    assigned_by = serializers.CharField(source="assigned_by.username")
    state = serializers.ChoiceField(
        choices=ScenarioState.choices, read_only=True, required=False, help_text="State in this cycle"
    )

    class Meta:
        model = Assignment
        fields = ["scenario", "title", "tester", "state", "assigned_by", "assigned_at"]


class AssignmentItemSerializer(StrictSerializer):
    scenario = serializers.CharField(max_length=32, help_text="scenario ref")
    tester = serializers.CharField(max_length=150, help_text="username of a project member")


class AssignmentInputSerializer(StrictSerializer):
    assignments = AssignmentItemSerializer(many=True, allow_empty=False)


class AssignmentListView(ProjectScopedView):
    """Who tests what in a cycle (filters ``tester``, ``status``); planners assign scenarios to testers, all or
    nothing (a scenario already assigned moves to the new tester)."""

    roles = {"GET": ANY_MEMBER, "POST": PLANNERS}

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            NUMBER_PARAMETER,
            OpenApiParameter("tester", OpenApiTypes.STR, description="username"),
            OpenApiParameter("status", OpenApiTypes.STR, description="comma-separated states in this cycle"),
        ],
        responses={200: AssignmentOutputSerializer(many=True)},
    )
    def get(self, request, key, number):
        cycle = selectors.cycle_get(project=self.project, number=number)
        return self.paginate(
            selectors.assignment_list(cycle=cycle, filters=request.query_params), AssignmentOutputSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER],
        request=AssignmentInputSerializer,
        responses={200: AssignmentOutputSerializer(many=True)},
    )
    def post(self, request, key, number):
        cycle = selectors.cycle_get(project=self.project, number=number)
        data = AssignmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        written = services.assignments_set(
            actor=request.user, cycle=cycle, assignments=data.validated_data["assignments"]
        )
        rows = selectors.assignment_list(cycle=cycle).filter(pk__in=[a.pk for a in written])
        return Response(AssignmentOutputSerializer(rows, many=True).data)


# ---------------------------------------------------------------------------------------------------------------
# Runs, defects and evidence


class EvidenceOutputSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username")

    class Meta:
        model = RunEvidence
        fields = ["id", "name", "content_type", "size", "uploaded_by", "uploaded_at"]


class DefectOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    ref = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    status = serializers.CharField()


class RunOutputSerializer(serializers.ModelSerializer):
    scenario = serializers.CharField(source="scenario.ref")
    scenario_title = serializers.CharField(source="scenario.title")
    cycle = serializers.IntegerField(source="cycle.number")
    tester = serializers.CharField(source="tester.username")
    recorded_by = serializers.CharField(source="recorded_by.username")
    defect = DefectOutputSerializer(allow_null=True, read_only=True)
    evidence = EvidenceOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "scenario",
            "scenario_title",
            "cycle",
            "status",
            "actual_result",
            "notes",
            "tester",
            "executed_at",
            "recorded_by",
            "recorded_at",
            "defect",
            "evidence",
        ]


class RunInputSerializer(StrictSerializer):
    scenario = serializers.CharField(max_length=32, help_text="scenario ref")
    cycle = serializers.IntegerField(min_value=1, default=1, help_text="cycle number; the next one is opened")
    status = serializers.ChoiceField(choices=RunStatus.choices)
    tester = serializers.CharField(
        max_length=150, required=False, allow_null=True, default=None, help_text="username; default the caller"
    )
    actual_result = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    defect = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text="number of an existing issue"
    )
    executed_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="when it was run; default now"
    )


class RunListView(ProjectScopedView):
    """Every run of the project, newest first. Testers record a run; its cycle is opened by its first run when
    it is the next one."""

    roles = {"GET": ANY_MEMBER, "POST": TESTERS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, *RUN_FILTERS], responses={200: RunOutputSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(
            selectors.run_list(project=self.project, filters=request.query_params), RunOutputSerializer
        )

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=RunInputSerializer, responses={201: RunOutputSerializer})
    def post(self, request, key):
        data = RunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_record(actor=request.user, project=self.project, **data.validated_data)
        return Response(
            RunOutputSerializer(selectors.run_get(project=self.project, run_id=run.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class RunDetailView(ProjectScopedView):
    """One run with its defect and evidence files."""

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, RUN_PARAMETER], responses={200: RunOutputSerializer})
    def get(self, request, key, run_id):
        return Response(RunOutputSerializer(selectors.run_get(project=self.project, run_id=run_id)).data)


class DefectInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class RunDefectView(ProjectScopedView):
    """Raise a defect (an issue of kind ``defect``) from a failed or blocked run and link it, in one step.
    409 when the run passed or already has one."""

    roles = {"POST": TESTERS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, RUN_PARAMETER],
        request=DefectInputSerializer,
        responses={201: RunOutputSerializer},
    )
    def post(self, request, key, run_id):
        run = selectors.run_get(project=self.project, run_id=run_id)
        data = DefectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.run_defect_create(actor=request.user, run=run, **data.validated_data)
        return Response(
            RunOutputSerializer(selectors.run_get(project=self.project, run_id=run.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class EvidenceInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class RunEvidenceListView(ProjectScopedView):
    """Files proving a run's result (size-limited, type-checked); served only to the project's members."""

    roles = {"GET": ANY_MEMBER, "POST": TESTERS}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, RUN_PARAMETER], responses={200: EvidenceOutputSerializer(many=True)}
    )
    def get(self, request, key, run_id):
        run = selectors.run_get(project=self.project, run_id=run_id)
        return self.paginate(selectors.evidence_list(run=run), EvidenceOutputSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, RUN_PARAMETER],
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: EvidenceOutputSerializer},
    )
    def post(self, request, key, run_id):
        run = selectors.run_get(project=self.project, run_id=run_id)
        data = EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = services.evidence_add(actor=request.user, run=run, upload=data.validated_data["file"])
        return Response(EvidenceOutputSerializer(evidence).data, status=status.HTTP_201_CREATED)


class RunEvidenceDownloadView(ProjectScopedView):
    """An evidence file itself, as a download, for members only."""

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, RUN_PARAMETER, EVIDENCE_PARAMETER],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, key, run_id, evidence_id):
        run = selectors.run_get(project=self.project, run_id=run_id)
        evidence = selectors.evidence_get(run=run, evidence_id=evidence_id)
        response = FileResponse(
            evidence.file.open("rb"), as_attachment=True, filename=evidence.name, content_type=evidence.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# ---------------------------------------------------------------------------------------------------------------
# Summary


def _counts(name: str, *extra: str):
    return inline_serializer(name, {state: serializers.IntegerField() for state in (*selectors.STATES, *extra)})


class UatSummarySerializer(serializers.Serializer):
    cycle = inline_serializer(
        "UatSummaryCycle",
        {
            "number": serializers.IntegerField(),
            "name": serializers.CharField(),
            "started_at": serializers.DateTimeField(),
        },
        allow_null=True,
        help_text="the latest cycle",
    )
    scenarios = inline_serializer(
        "UatScenarioCounts", {"active": serializers.IntegerField(), "retired": serializers.IntegerField()}
    )
    by_status = _counts("UatStateCounts")
    by_priority = serializers.DictField(child=_counts("UatPriorityCounts", "total"), help_text="priority -> counts")
    pass_rate = serializers.FloatField(allow_null=True, help_text="latest cycle: passed / active scenarios, percent")
    cycles = inline_serializer(
        "UatCycleFigures",
        {
            "number": serializers.IntegerField(),
            "name": serializers.CharField(),
            "started_at": serializers.DateTimeField(),
            **{state: serializers.IntegerField() for state in selectors.STATES},
            "executed": serializers.IntegerField(),
            "pass_rate": serializers.FloatField(allow_null=True),
        },
        many=True,
    )
    testers = inline_serializer(
        "UatTesterProgress",
        {
            "tester": serializers.CharField(),
            **{
                name: serializers.IntegerField()
                for name in ("assigned", "executed", "passed", "failed", "blocked", "not_run")
            },
        },
        many=True,
    )
    open_defects = serializers.DictField(child=serializers.IntegerField(), help_text="P1..P4 and total")
    burn_up = inline_serializer(
        "UatBurnUpDay",
        {"date": serializers.DateField(), "passed": serializers.IntegerField(), "executed": serializers.IntegerField()},
        many=True,
    )


class SummaryView(ProjectScopedView):
    """The UAT summary: counts by state and priority in the latest cycle, pass rate per cycle, each tester's
    progress, open defects by severity and the burn-up over the latest cycle's days."""

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: UatSummarySerializer})
    def get(self, request, key):
        return Response(selectors.uat_summary(project=self.project))
