"""API of the lifecycle: templates, projects, members, phases, gate, sign-offs, advance and portfolio."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
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
from golive.lifecycle import selectors, services
from golive.lifecycle.models import LifecycleTemplate, Phase, Project, SignOff


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


class PortfolioView(APIView):
    """Every visible project: phase, health, next milestone, gate and hypercare state."""

    @extend_schema(responses={200: PortfolioRowSerializer(many=True)})
    def get(self, request):
        qs = selectors.project_list_with_phases(request.user)
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        rows = selectors.portfolio_rows(page)
        return paginator.get_paginated_response(PortfolioRowSerializer(rows, many=True).data)
