"""API of the issue desk: issues, comments, attachments and the SLA policy."""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from golive.api import (
    ANY_MEMBER,
    LEADS,
    PROJECT_KEY_PARAMETER,
    VENDOR_STAFF,
    FreshFields,
    ProjectScopedView,
    StrictSerializer,
)
from golive.api_fields import UsernameField
from golive.text import render_markdown
from golive.tracker import selectors, services
from golive.tracker.models import Attachment, Category, Comment, Issue, IssueEvent, IssueKind, IssueStatus, Severity

NUMBER_PARAMETER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description="Issue number")
LIST_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=text)
    for name, text in [
        ("status", "comma-separated statuses"),
        ("severity", "comma-separated severities P1-P4"),
        ("category", "comma-separated categories"),
        ("kind", "comma-separated kinds"),
        ("assignee", "username, or `none`"),
        ("reporter", "username"),
        ("phase", "phase key when reported"),
        ("breached", "`true`: a response or resolution clock is breached"),
        ("open", "`true` or `false`"),
        ("q", "text search in title and description"),
        (
            "sort",
            "number, reported_at, severity, status, response_due_at, resolution_due_at, updated_at; "
            "prefix `-` for descending",
        ),
    ]
]


class IssueOutputSerializer(serializers.ModelSerializer):
    ref = serializers.CharField()
    reporter = serializers.CharField(source="reporter.username")
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)
    phase = serializers.CharField(source="phase.key", default=None, allow_null=True)
    description_html = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = [
            "number",
            "ref",
            "title",
            "description",
            "description_html",
            "kind",
            "severity",
            "category",
            "status",
            "reporter",
            "assignee",
            "reported_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "response_due_at",
            "resolution_due_at",
            "response_breached",
            "resolution_breached",
            "phase",
            "handed_over_at",
            "created_at",
            "updated_at",
        ]

    def get_description_html(self, issue) -> str:
        return render_markdown(issue.description)

    def to_representation(self, issue) -> dict:
        """The fields of ``Meta.fields``, written out. DRF would first build and bind every declared and model
        field for each serializer: for the issue intake (the hottest write of a go-live spike, answered with
        one issue) that was a tenth of the request. The output equals DRF's own (a test compares them)."""
        return {
            "number": issue.number,
            "ref": issue.ref,
            "title": str(issue.title),
            "description": str(issue.description),
            "description_html": render_markdown(issue.description),
            "kind": str(issue.kind),
            "severity": str(issue.severity),
            "category": str(issue.category) if issue.category is not None else None,
            "status": str(issue.status),
            "reporter": issue.reporter.username,
            "assignee": issue.assignee.username if issue.assignee_id is not None else None,
            "reported_at": _datetime(issue.reported_at),
            "first_response_at": _datetime(issue.first_response_at),
            "resolved_at": _datetime(issue.resolved_at),
            "closed_at": _datetime(issue.closed_at),
            "response_due_at": _datetime(issue.response_due_at),
            "resolution_due_at": _datetime(issue.resolution_due_at),
            "response_breached": issue.response_breached,
            "resolution_breached": issue.resolution_breached,
            "phase": issue.phase.key if issue.phase_id is not None else None,
            "handed_over_at": _datetime(issue.handed_over_at),
            "created_at": _datetime(issue.created_at),
            "updated_at": _datetime(issue.updated_at),
        }


# DRF's own formatting of a date-time (ISO 8601 in the active time zone, ``Z`` for UTC), without a serializer.
_DATETIME_FIELD = serializers.DateTimeField()


def _datetime(value) -> str | None:
    return _DATETIME_FIELD.to_representation(value) if value is not None else None


class IssueCreateSerializer(FreshFields, serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=IssueKind.choices, default=IssueKind.INCIDENT)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.P3)
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_null=True, default=None)
    assignee = UsernameField(required=False, allow_null=True, default=None)
    reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class IssuePatchSerializer(StrictSerializer):
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=IssueKind.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_null=True)
    assignee = UsernameField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=IssueStatus.choices, required=False)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why the status moves; kept on the timeline."
    )


class IssueListView(ProjectScopedView):
    """The project's issues; any member reports one (customer members included)."""

    roles = {"GET": ANY_MEMBER, "POST": ANY_MEMBER}
    # The intake (the hottest write of a go-live spike) reads the current phase and computes the SLA dues; the
    # issue list reads no relation of the project.
    project_select = ("current_phase", "sla_policy")

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, *LIST_PARAMETERS], responses={200: IssueOutputSerializer(many=True)}
    )
    def get(self, request, key):
        return self.paginate(
            selectors.issue_list(project=self.project, filters=request.query_params), IssueOutputSerializer
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=IssueCreateSerializer, responses={201: IssueOutputSerializer}
    )
    def post(self, request, key):
        data = IssueCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        issue = services.issue_create(actor=request.user, project=self.project, **data.validated_data)
        return Response(IssueOutputSerializer(issue).data, status=status.HTTP_201_CREATED)


class IssueDetailView(ProjectScopedView):
    """One issue. Vendor staff edit it and move its status; the customer may close or reopen a resolved one."""

    roles = {"GET": ANY_MEMBER, "PATCH": ANY_MEMBER}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER], responses={200: IssueOutputSerializer})
    def get(self, request, key, number):
        return Response(IssueOutputSerializer(selectors.issue_get(project=self.project, number=number)).data)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER],
        request=IssuePatchSerializer,
        responses={200: IssueOutputSerializer},
    )
    def patch(self, request, key, number):
        issue = selectors.issue_get(project=self.project, number=number)
        data = IssuePatchSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        target = values.pop("status", None)
        note = values.pop("note", "")
        if values and not (self.roles_held & VENDOR_STAFF):
            return Response({"detail": "Only vendor staff edit an issue's fields."}, status=403)
        # One transaction for the edit and the move: a refused move must not leave the edit behind.
        with transaction.atomic():
            if values:
                issue = services.issue_update(actor=request.user, issue=issue, **values)
            if target:
                issue = services.issue_set_status(actor=request.user, issue=issue, status=target, note=note)
        return Response(IssueOutputSerializer(selectors.issue_get(project=self.project, number=number)).data)


class CommentOutputSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "body_html", "public", "created_at"]

    def get_body_html(self, comment) -> str:
        return render_markdown(comment.body)


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField()
    public = serializers.BooleanField(default=True)


class CommentListView(ProjectScopedView):
    """Comments of an issue; customer users see and write public ones only."""

    roles = {"GET": ANY_MEMBER, "POST": ANY_MEMBER}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER], responses={200: CommentOutputSerializer(many=True)}
    )
    def get(self, request, key, number):
        issue = selectors.issue_get(project=self.project, number=number)
        comments = selectors.comment_list(issue=issue, include_internal=bool(self.roles_held & VENDOR_STAFF))
        return self.paginate(comments, CommentOutputSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER],
        request=CommentInputSerializer,
        responses={201: CommentOutputSerializer},
    )
    def post(self, request, key, number):
        issue = selectors.issue_get(project=self.project, number=number)
        data = CommentInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        comment = services.comment_add(actor=request.user, issue=issue, **data.validated_data)
        return Response(CommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)


class EventOutputSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = IssueEvent
        fields = ["at", "actor", "kind", "data"]


class TimelineView(ProjectScopedView):
    """Every change of an issue: who, when, what (internal lines hidden from customer users)."""

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER], responses={200: EventOutputSerializer(many=True)}
    )
    def get(self, request, key, number):
        issue = selectors.issue_get(project=self.project, number=number)
        events = selectors.event_list(issue=issue, include_internal=bool(self.roles_held & VENDOR_STAFF))
        return self.paginate(events, EventOutputSerializer)


class AttachmentOutputSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "uploaded_by", "uploaded_at"]


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class AttachmentListView(ProjectScopedView):
    """Files attached to an issue (size-limited, type-checked); served only to the project's members."""

    roles = {"GET": ANY_MEMBER, "POST": ANY_MEMBER}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER], responses={200: AttachmentOutputSerializer(many=True)}
    )
    def get(self, request, key, number):
        issue = selectors.issue_get(project=self.project, number=number)
        return self.paginate(selectors.attachment_list(issue=issue), AttachmentOutputSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER],
        request=AttachmentInputSerializer,
        responses={201: AttachmentOutputSerializer},
    )
    def post(self, request, key, number):
        issue = selectors.issue_get(project=self.project, number=number)
        data = AttachmentInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(actor=request.user, issue=issue, upload=data.validated_data["file"])
        return Response(AttachmentOutputSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(ProjectScopedView):
    """The file itself, as a download, for members only."""

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            NUMBER_PARAMETER,
            OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, key, number, attachment_id):
        issue = selectors.issue_get(project=self.project, number=number)
        attachment = selectors.attachment_get(issue=issue, attachment_id=attachment_id)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SlaPolicySerializer(serializers.Serializer):
    calendar = serializers.DictField(
        help_text="timezone, workdays (0=Monday), start, end, holidays_country, extra_holidays"
    )
    targets = serializers.DictField(help_text="P1..P4: response_minutes, resolution_minutes, clock (24x7|business)")


class SlaPolicyView(ProjectScopedView):
    """The project's SLA policy (CONTRACT.md, SLA); the consultant lead replaces it with PUT."""

    roles = {"GET": ANY_MEMBER, "PUT": LEADS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: SlaPolicySerializer})
    def get(self, request, key):
        return Response(services.policy_for(self.project))

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=SlaPolicySerializer, responses={200: SlaPolicySerializer}
    )
    def put(self, request, key):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send the policy as a JSON object."]})
        return Response(services.sla_policy_set(actor=request.user, project=self.project, policy=request.data))
