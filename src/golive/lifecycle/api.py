"""API of the lifecycle: templates, projects, members, phases, gate, sign-offs, advance and portfolio."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from golive.accounts import services as account_services
from golive.accounts.models import Organization, Role, User
from golive.accounts.selectors import membership_list
from golive.api import (
    ANY_MEMBER,
    CONSULTANTS,
    LEADS,
    PROJECT_KEY_PARAMETER,
    Pagination,
    ProjectScopedView,
    StrictSerializer,
)
from golive.lifecycle import figures, portfolio, selectors, services, today
from golive.lifecycle.models import LifecycleTemplate, Phase, Project, SignOff
from golive.lifecycle.portfolio import HEALTH_FILTER_VALUES, SORT_VALUES


class TemplateSerializer(serializers.ModelSerializer):
    phases = serializers.SerializerMethodField()

    class Meta:
        model = LifecycleTemplate
        fields = ["key", "name", "description", "is_builtin", "phases"]

    def get_phases(self, template) -> list[dict]:
        return [
            {
                "key": p["key"],
                "name": p["name"],
                "duration_days": p.get("duration_days"),
                "gate": [c["code"] for c in p.get("gate", [])],
            }
            for p in template.definition.get("phases", [])
        ]


class TemplateListView(APIView):
    """Lifecycle templates (the built-in ``saas-standard`` and any added by administrators)."""

    @extend_schema(responses={200: TemplateSerializer(many=True)})
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.template_list(), request, view=self)
        return paginator.get_paginated_response(TemplateSerializer(page, many=True).data)


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["key", "name", "status", "planned_start", "planned_end", "actual_start", "actual_end"]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def phase_as_dict(phase: Phase) -> dict:
    """The PhaseSerializer representation, without a serializer instance per phase."""
    return {
        "key": phase.key,
        "name": phase.name,
        "status": phase.status,
        "planned_start": _iso(phase.planned_start),
        "planned_end": _iso(phase.planned_end),
        "actual_start": _drf_datetime(phase.actual_start),
        "actual_end": _drf_datetime(phase.actual_end),
    }


_datetime_field = serializers.DateTimeField()


def _drf_datetime(value) -> str | None:
    return _datetime_field.to_representation(value) if value is not None else None


class ProjectOutputSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    template = serializers.SlugRelatedField(slug_field="key", read_only=True)
    current_phase = serializers.SerializerMethodField()
    phases = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "key",
            "name",
            "description",
            "customer",
            "template",
            "planned_go_live",
            "timezone",
            "hypercare_days",
            "status",
            "current_phase",
            "phases",
            "created_at",
            "updated_at",
        ]

    def get_current_phase(self, project) -> str | None:
        return project.current_phase.key if project.current_phase else None

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, project) -> list[dict]:
        # Built by hand: a nested ModelSerializer per project dominated the list's cost (see bench/).
        return [phase_as_dict(p) for p in sorted(project.phases.all(), key=lambda p: p.order)]


class ProjectInputSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=10)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    customer = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.filter(kind=Organization.Kind.CUSTOMER)
    )
    template = serializers.SlugRelatedField(
        slug_field="key", queryset=LifecycleTemplate.objects.all(), required=False, default=None
    )
    planned_go_live = serializers.DateField(required=False, allow_null=True, default=None)
    timezone = serializers.CharField(required=False, max_length=64, default=None)
    hypercare_days = serializers.IntegerField(required=False, min_value=1, max_value=365, default=None)

    def validate_key(self, value):
        from golive.lifecycle.models import PROJECT_KEY_RE

        if not PROJECT_KEY_RE.match(value):
            raise serializers.ValidationError(
                "A project key is 2-10 upper-case letters and digits, starting with a letter."
            )
        if Project.objects.filter(key=value).exists():
            raise serializers.ValidationError("A project with this key already exists.")
        return value


class ProjectPatchSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    planned_go_live = serializers.DateField(required=False, allow_null=True)
    timezone = serializers.CharField(required=False, max_length=64)
    hypercare_days = serializers.IntegerField(required=False, min_value=1, max_value=365)


class ProjectListView(APIView):
    """Projects the caller may see; vendor staff create new ones (the creator becomes consultant lead)."""

    @extend_schema(responses={200: ProjectOutputSerializer(many=True)})
    def get(self, request):
        qs = selectors.project_list_with_phases(request.user)
        params = request.query_params
        if params.get("customer"):
            qs = qs.filter(customer__slug=params["customer"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("current_phase"):
            qs = qs.filter(current_phase__key=params["current_phase"])
        if params.get("search"):
            qs = qs.filter(Q(key__icontains=params["search"]) | Q(name__icontains=params["search"]))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ProjectOutputSerializer(page, many=True).data)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectOutputSerializer})
    def post(self, request):
        if not request.user.is_vendor_side:
            return Response({"detail": "Only vendor staff create projects."}, status=403)
        data = ProjectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["timezone_name"] = values.pop("timezone")
        project = services.project_create(actor=request.user, **values)
        project = selectors.project_get_for_user(
            request.user, project.key, queryset=selectors.project_list_with_phases(request.user)
        )
        return Response(ProjectOutputSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(ProjectScopedView):
    """One project; its consultant lead (or an administrator) edits it."""

    roles = {"GET": ANY_MEMBER, "PATCH": LEADS}

    def _fresh(self):
        return selectors.project_get_for_user(
            self.request.user, self.project.key, queryset=selectors.project_list_with_phases(self.request.user)
        )

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: ProjectOutputSerializer})
    def get(self, request, key):
        return Response(ProjectOutputSerializer(self._fresh()).data)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=ProjectPatchSerializer, responses={200: ProjectOutputSerializer}
    )
    def patch(self, request, key):
        data = ProjectPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.project_update(actor=request.user, project=self.project, **data.validated_data)
        return Response(ProjectOutputSerializer(self._fresh()).data)


class MembershipOutputSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    organization = serializers.CharField(source="user.organization.slug", default=None)
    role = serializers.CharField()


class MembershipInputSerializer(serializers.Serializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.select_related("organization"))
    role = serializers.ChoiceField(choices=Role.choices)


class MemberListView(ProjectScopedView):
    """Who is on the project and in which role; the consultant lead adds members."""

    roles = {"GET": ANY_MEMBER, "POST": LEADS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: MembershipOutputSerializer(many=True)})
    def get(self, request, key):
        qs = membership_list(project=self.project)
        if request.query_params.get("role"):
            qs = qs.filter(role=request.query_params["role"])
        return self.paginate(qs, MembershipOutputSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        request=MembershipInputSerializer,
        responses={201: MembershipOutputSerializer},
    )
    def post(self, request, key):
        data = MembershipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = account_services.membership_add(
            actor=request.user, project=self.project, user=data.validated_data["user"], role=data.validated_data["role"]
        )
        return Response(MembershipOutputSerializer(membership).data, status=status.HTTP_201_CREATED)


class PhaseListView(ProjectScopedView):
    """The project's phases in order, planned against actual."""

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: PhaseSerializer(many=True)})
    def get(self, request, key):
        return Response(PhaseSerializer(selectors.phase_list(project=self.project), many=True).data)


class SkipInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class PhaseSkipView(ProjectScopedView):
    """Skip a phase that has not started (consultant lead)."""

    roles = {"POST": LEADS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=SkipInputSerializer, responses={200: PhaseSerializer})
    def post(self, request, key, phase):
        data = SkipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        selectors.phase_get(project=self.project, key=phase)
        skipped = services.phase_skip(
            actor=request.user, project=self.project, phase_key=phase, reason=data.validated_data["reason"]
        )
        return Response(PhaseSerializer(skipped).data)


class ReviewRoundInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class ReviewRoundView(ProjectScopedView):
    """Add a review round after the last review phase (consultant lead)."""

    roles = {"POST": LEADS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=ReviewRoundInputSerializer, responses={201: PhaseSerializer}
    )
    def post(self, request, key):
        data = ReviewRoundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        phase = services.review_round_add(actor=request.user, project=self.project, name=data.validated_data["name"])
        return Response(PhaseSerializer(phase).data, status=status.HTTP_201_CREATED)


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()
    blocking = serializers.BooleanField()


class GateSerializer(serializers.Serializer):
    phase = serializers.CharField(allow_null=True)
    passed = serializers.BooleanField()
    criteria = CriterionSerializer(many=True)


class GateView(ProjectScopedView):
    """The gate of the current phase, evaluated from live data."""

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: GateSerializer})
    def get(self, request, key):
        gate = selectors.gate_for_project(project=self.project)
        if gate is None:
            return Response({"phase": None, "passed": True, "criteria": []})
        return Response(gate.as_dict())


class SignOffOutputSerializer(serializers.ModelSerializer):
    phase = serializers.CharField(source="phase.key")
    signed_by = serializers.CharField(source="signed_by.username")

    class Meta:
        model = SignOff
        fields = ["id", "phase", "decision", "comment", "signed_by", "role", "signed_at", "gate_snapshot"]


class SignOffInputSerializer(serializers.Serializer):
    phase = serializers.CharField(max_length=32)
    decision = serializers.ChoiceField(choices=SignOff.Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SignOffListView(ProjectScopedView):
    """Sign-offs of the project; the customer lead or consultant lead records one for the current phase."""

    roles = {"GET": ANY_MEMBER, "POST": frozenset({"consultant_lead", "customer_lead"})}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: SignOffOutputSerializer(many=True)})
    def get(self, request, key):
        qs = selectors.signoff_list(project=self.project)
        if request.query_params.get("phase"):
            qs = qs.filter(phase__key=request.query_params["phase"])
        return self.paginate(qs, SignOffOutputSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=SignOffInputSerializer, responses={201: SignOffOutputSerializer}
    )
    def post(self, request, key):
        data = SignOffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signoff = services.signoff_record(
            actor=request.user,
            project=self.project,
            phase_key=data.validated_data["phase"],
            decision=data.validated_data["decision"],
            comment=data.validated_data["comment"],
        )
        return Response(SignOffOutputSerializer(signoff).data, status=status.HTTP_201_CREATED)


class AdvanceInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class AdvanceView(ProjectScopedView):
    """Move to the next phase if the gate passes (or with an override reason from the consultant lead)."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        request=AdvanceInputSerializer,
        responses={
            200: ProjectOutputSerializer,
            409: inline_serializer(
                "GateRefused", {"detail": serializers.CharField(), "criteria": CriterionSerializer(many=True)}
            ),
        },
    )
    def post(self, request, key):
        data = AdvanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.phase_advance(actor=request.user, project=self.project, **data.validated_data)
        project = selectors.project_get_for_user(
            request.user, key, queryset=selectors.project_list_with_phases(request.user)
        )
        return Response(ProjectOutputSerializer(project).data)


class DailyCountSerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()


class HypercareStateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["not_started", "active", "extended", "exited"])
    starts_at = serializers.DateTimeField(allow_null=True)
    planned_end = serializers.DateTimeField(allow_null=True)
    exited_at = serializers.DateTimeField(allow_null=True)
    days_elapsed = serializers.IntegerField()
    days_since_last_p1_p2 = serializers.IntegerField(allow_null=True)
    issues_in_window = serializers.IntegerField()
    trend = serializers.ChoiceField(choices=["rising", "falling", "flat"], allow_null=True)
    sparkline = DailyCountSerializer(many=True, help_text="New issues per local day, the last 14 days of the window.")


class HealthReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["phase_late", "go_live_overdue", "gate_failing", "sla_breach", "hypercare_rising"]
    )
    level = serializers.ChoiceField(choices=["red", "amber"])
    detail = serializers.CharField()


class PortfolioRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    customer = serializers.CharField()
    status = serializers.CharField()
    phase = serializers.CharField(allow_null=True)
    phase_name = serializers.CharField(allow_null=True)
    planned_go_live = serializers.DateField(allow_null=True)
    health = serializers.ChoiceField(choices=["on_track", "at_risk", "late", "closed"])
    days_late = serializers.IntegerField()
    gate_passed = serializers.BooleanField(allow_null=True)
    gate_failing = serializers.ListField(child=serializers.CharField())
    next_milestone = inline_serializer(
        "Milestone",
        {
            "phase": serializers.CharField(),
            "name": serializers.CharField(),
            "date": serializers.DateField(allow_null=True),
        },
        allow_null=True,
    )
    hypercare = serializers.ChoiceField(choices=["not_started", "active", "exited", "skipped"])
    # Added with the portfolio of issue 7; the fields above are kept as they were.
    customer_slug = serializers.CharField()
    template = serializers.CharField()
    phase_planned_end = serializers.DateField(allow_null=True)
    gate_failing_codes = serializers.ListField(child=serializers.CharField())
    rag = serializers.ChoiceField(
        choices=["red", "amber", "green"], allow_null=True, help_text="Overall health; null for a closed project."
    )
    rag_reasons = HealthReasonSerializer(many=True)
    actual_go_live = serializers.DateTimeField(allow_null=True)
    go_live_variance_days = serializers.IntegerField(
        allow_null=True, help_text="Actual go-live date minus the planned one, in days (positive: late)."
    )
    open_issues = serializers.IntegerField()
    sla_breaches = serializers.IntegerField(help_text="Open issues past a response or resolution due time.")
    sla_breaches_p1_p2 = serializers.IntegerField()
    hypercare_state = HypercareStateSerializer()
    retro_actions = inline_serializer(
        "RetroActionCounts", {"open": serializers.IntegerField(), "overdue": serializers.IntegerField()}
    )


def _filter_parameters(*names: str) -> list[OpenApiParameter]:
    described = {
        "phase": ("Current phase key, e.g. uat", None),
        "health": (
            "red, amber, green (overall) or on_track, at_risk, late, closed (schedule)",
            list(HEALTH_FILTER_VALUES),
        ),
        "customer": ("Customer organization slug", None),
        "template": ("Lifecycle template key", None),
        "status": ("active or closed", list(Project.Status.values)),
        "q": ("Search in key, name and customer name", None),
        "sort": ("Order of the rows; prefix with - to reverse", list(SORT_VALUES)),
    }
    return [
        OpenApiParameter(
            name, OpenApiTypes.STR, OpenApiParameter.QUERY, description=described[name][0], enum=described[name][1]
        )
        for name in names
    ]


PORTFOLIO_FILTERS = ("phase", "health", "customer", "template", "status", "q")


class PortfolioView(APIView):
    """Every visible project: phase, health (schedule and red/amber/green), next milestone, gate, go-live,
    SLA breaches, hypercare state with a sparkline, open retro actions. Filters and sort by query parameters."""

    @extend_schema(
        parameters=_filter_parameters(*PORTFOLIO_FILTERS, "sort"), responses={200: PortfolioRowSerializer(many=True)}
    )
    def get(self, request):
        filters = portfolio.parse_filters_or_400(request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(portfolio.portfolio_candidates(request.user, filters), request, view=self)
        rows = portfolio.rows_for_page(request.user, page)
        return paginator.get_paginated_response(PortfolioRowSerializer(rows, many=True).data)


class CalendarEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    customer = serializers.CharField()
    phase = serializers.CharField(allow_null=True)
    planned = serializers.DateField(allow_null=True)
    actual = serializers.DateTimeField(allow_null=True)


class CalendarGoLiveSerializer(CalendarEntrySerializer):
    date = serializers.DateField(help_text="The actual go-live date where recorded, else the planned one.")


class CalendarOverdueSerializer(CalendarEntrySerializer):
    days_overdue = serializers.IntegerField()


class CalendarWeekSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO week, e.g. 2026-W10")
    start = serializers.DateField()
    end = serializers.DateField()
    go_lives = CalendarGoLiveSerializer(many=True)


class CalendarSerializer(serializers.Serializer):
    start = serializers.DateField(source="from")
    end = serializers.DateField(source="to")
    weeks = CalendarWeekSerializer(many=True)
    overdue = CalendarOverdueSerializer(many=True)


class PortfolioCalendarView(APIView):
    """Upcoming go-lives of the visible projects by ISO week (planned, or actual once recorded), from this week
    for ``weeks`` weeks (default 8), and the overdue ones; the portfolio's filters apply."""

    @extend_schema(
        parameters=[
            *_filter_parameters(*PORTFOLIO_FILTERS),
            OpenApiParameter("weeks", OpenApiTypes.INT, OpenApiParameter.QUERY, description="1 to 26, default 8"),
        ],
        responses={200: CalendarSerializer},
    )
    def get(self, request):
        filters = portfolio.parse_filters_or_400(request.query_params)
        weeks = portfolio.int_param(request.query_params, "weeks", default=portfolio.CALENDAR_WEEKS, low=1, high=26)
        return Response(CalendarSerializer(portfolio.golive_calendar(request.user, filters, weeks=weeks)).data)


class ComplianceSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class FiguresSummarySerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    hypercare_projects = serializers.IntegerField()
    median_hypercare_issues = serializers.FloatField(allow_null=True)
    sla = inline_serializer("SlaCompliance", {"response": ComplianceSerializer(), "resolution": ComplianceSerializer()})
    silence_projects = serializers.IntegerField()
    median_days_to_silence = serializers.FloatField(allow_null=True)


class FiguresGroupSerializer(FiguresSummarySerializer):
    key = serializers.CharField()
    name = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField()
    quiet_days = serializers.IntegerField()
    overall = FiguresSummarySerializer()
    by_template = FiguresGroupSerializer(many=True)
    by_customer = FiguresGroupSerializer(many=True)


class PortfolioFiguresView(APIView):
    """Cross-project figures over the visible projects: median hypercare issues per project, SLA compliance and
    median days to silence, overall, by template and by customer."""

    @extend_schema(
        parameters=[
            *_filter_parameters(*PORTFOLIO_FILTERS),
            OpenApiParameter(
                "quiet_days",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="Days without a new issue that make silence, 1 to 14, default 3",
            ),
        ],
        responses={200: FiguresSerializer},
    )
    def get(self, request):
        filters = portfolio.parse_filters_or_400(request.query_params)
        quiet_days = portfolio.int_param(
            request.query_params, "quiet_days", default=figures.DEFAULT_QUIET_DAYS, low=1, high=14
        )
        return Response(FiguresSerializer(figures.portfolio_figures(request.user, filters, quiet_days=quiet_days)).data)


class TodayItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(today.KINDS))
    project = serializers.CharField()
    project_name = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The web page to act on it.")
    ref = serializers.CharField(allow_null=True)
    severity = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


def _items_needed(paginator: Pagination, request) -> int:
    """How many items the requested page reaches (page x page size); a page that is not a number reads as 1 (the
    paginator then answers its own 404)."""
    size = paginator.get_page_size(request) or 50
    try:
        page = max(1, int(request.query_params.get(paginator.page_query_param, 1)))
    except (TypeError, ValueError):
        page = 1
    return page * size


class TodayView(APIView):
    """What needs me today across my projects: SLA breaches and near-breaches, gates due, sign-offs waiting for
    me, go/no-go votes I have not cast, my open retro actions. Overdue first, then by due time; paginated, with
    ``counts`` by kind over all items."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "hours", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Near-breach horizon, 1 to 72, default 4"
            ),
            OpenApiParameter(
                "days", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Gate-due horizon, 0 to 60, default 7"
            ),
        ],
        responses={
            200: inline_serializer(
                "TodayPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "as_of": serializers.DateTimeField(),
                    "hours": serializers.IntegerField(),
                    "days": serializers.IntegerField(),
                    "counts": serializers.DictField(child=serializers.IntegerField()),
                    "results": TodayItemSerializer(many=True),
                },
            )
        },
    )
    def get(self, request):
        params = request.query_params
        hours = portfolio.int_param(params, "hours", default=today.DEFAULT_HOURS, low=1, high=72)
        days = portfolio.int_param(params, "days", default=today.DEFAULT_DAYS, low=0, high=60)
        paginator = Pagination()
        found = today.today_items(request.user, hours=hours, days=days, limit=_items_needed(paginator, request))
        page = paginator.paginate_queryset(found["items"], request, view=self)
        response = paginator.get_paginated_response(TodayItemSerializer(page, many=True).data)
        response.data["as_of"] = _datetime_field.to_representation(found["as_of"])
        response.data.update({"hours": hours, "days": days, "counts": found["counts"]})
        return response
