"""API of the debrief: the retro board (items, votes, groups, actions) and the project report.

Every member writes on the board; an item is changed or deleted by its author or a lead, an action by its
creator, its owner or a lead (checked by the services, 403). The report is read by every member in JSON,
Markdown, HTML or PDF (``?format=``) in the reader's language; leads publish a frozen copy.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from golive.api import ANY_MEMBER, CONSULTANTS, LEADS, PROJECT_KEY_PARAMETER, ProjectScopedView, StrictSerializer
from golive.api_fields import UsernameField
from golive.debrief import selectors, services
from golive.debrief.models import MAX_GROUP_LABEL, MAX_ITEM_TEXT, PublishedReport, RetroAction, RetroColumn, RetroItem
from golive.debrief.render import CONTENT_TYPES, FORMATS, file_name, render
from golive.debrief.report import build_report

ITEM_PARAMETER = OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Retro item id")
ACTION_PARAMETER = OpenApiParameter("action_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Retro action id")
NUMBER_PARAMETER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="Number of the published report"
)
FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=list(FORMATS), description="json (default), md, html or pdf"
)
LANGUAGE_PARAMETER = OpenApiParameter(
    "language",
    OpenApiTypes.STR,
    enum=[code for code, _name in settings.LANGUAGES],
    description="Language of the md, html and pdf formats (default: the caller's)",
)


def requested_language(request, *, strict: bool = True) -> str:
    """``?language=``, else the caller's saved language (unless the language switch chose one), else the
    language the request negotiated. An unknown language is a 400 naming ``language`` (ignored unless
    ``strict``)."""
    codes = {code for code, _name in settings.LANGUAGES}
    asked = request.GET.get("language")
    if asked in codes:
        return asked
    if asked and strict:
        raise serializers.ValidationError({"language": [f"Use one of {', '.join(sorted(codes))}."]})
    user = request.user
    if getattr(user, "language", "") in codes and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        return user.language
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current in codes else settings.LANGUAGE_CODE


def requested_format(request) -> str:
    fmt = request.GET.get("format", "json")
    if fmt not in FORMATS:
        raise serializers.ValidationError({"format": [_("Use one of %(choices)s.") % {"choices": ", ".join(FORMATS)}]})
    return fmt


def report_response(data: dict, fmt: str, language: str) -> HttpResponse:
    """The report in ``fmt``: JSON inline, the other formats as a download with a file name."""
    response = HttpResponse(render(data, fmt, language), content_type=CONTENT_TYPES[fmt])
    if fmt != "json":
        response["Content-Disposition"] = f'attachment; filename="{file_name(data, fmt)}"'
    response["Content-Language"] = language
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------------
# Retro items


class RetroActionBriefSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)

    class Meta:
        model = RetroAction
        fields = ["id", "owner", "due_date", "done_at"]


class RetroItemSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")
    votes = serializers.IntegerField(source="vote_count", default=0)
    voted = serializers.BooleanField(default=False)
    action = serializers.SerializerMethodField()

    class Meta:
        model = RetroItem
        fields = ["id", "column", "text", "group", "author", "votes", "voted", "action", "created_at", "updated_at"]

    def get_action(self, item) -> dict | None:
        try:
            action = item.action_detail
        except RetroAction.DoesNotExist:
            return None
        return RetroActionBriefSerializer(action).data


class RetroItemCreateSerializer(StrictSerializer):
    column = serializers.ChoiceField(choices=RetroColumn.choices)
    text = serializers.CharField(max_length=MAX_ITEM_TEXT)
    group = serializers.CharField(max_length=MAX_GROUP_LABEL, required=False, allow_blank=True, default="")
    owner = UsernameField(required=False, allow_null=True, default=None)
    due = serializers.DateField(required=False, allow_null=True, default=None, help_text="Due date of an action.")
    due_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Same as ``due``.")


class RetroItemPatchSerializer(StrictSerializer):
    text = serializers.CharField(max_length=MAX_ITEM_TEXT, required=False)
    group = serializers.CharField(max_length=MAX_GROUP_LABEL, required=False, allow_blank=True)


def _item(view, item_id: int) -> RetroItem:
    item = selectors.retro_item_get(project=view.project, pk=item_id)
    item.project = view.project
    return item


def _item_out(view, item_id: int) -> dict:
    item = selectors.retro_item_list(project=view.project, user=view.request.user).get(pk=item_id)
    return RetroItemSerializer(item).data


class RetroItemListView(ProjectScopedView):
    """The retro board: notes in went_well, to_improve and action (filters ``column``, ``group``); every
    member adds notes. A note in ``action`` opens a tracked action (``owner``, ``due``)."""

    roles = {"GET": ANY_MEMBER, "POST": ANY_MEMBER}

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            OpenApiParameter("column", OpenApiTypes.STR, description="comma-separated columns"),
            OpenApiParameter("group", OpenApiTypes.STR, description="exact group label"),
        ],
        responses={200: RetroItemSerializer(many=True)},
    )
    def get(self, request, key):
        qs = selectors.retro_item_list(project=self.project, user=request.user)
        if request.GET.get("column"):
            qs = qs.filter(column__in=request.GET["column"].split(","))
        if "group" in request.GET:
            qs = qs.filter(group=request.GET["group"])
        return self.paginate(qs, RetroItemSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=RetroItemCreateSerializer, responses={201: RetroItemSerializer}
    )
    def post(self, request, key):
        data = RetroItemCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        due, due_date = values.pop("due"), values.pop("due_date")
        item = services.retro_item_create(actor=request.user, project=self.project, due_date=due or due_date, **values)
        return Response(_item_out(self, item.pk), status=status.HTTP_201_CREATED)


class RetroItemDetailView(ProjectScopedView):
    """One note; its author or a lead changes (text, group) or deletes it."""

    roles = {"GET": ANY_MEMBER, "PATCH": ANY_MEMBER, "DELETE": ANY_MEMBER}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, ITEM_PARAMETER], responses={200: RetroItemSerializer})
    def get(self, request, key, item_id):
        _item(self, item_id)
        return Response(_item_out(self, item_id))

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, ITEM_PARAMETER],
        request=RetroItemPatchSerializer,
        responses={200: RetroItemSerializer},
    )
    def patch(self, request, key, item_id):
        item = _item(self, item_id)
        data = RetroItemPatchSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        services.retro_item_update(actor=request.user, item=item, **data.validated_data)
        return Response(_item_out(self, item_id))

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, ITEM_PARAMETER], responses={204: None})
    def delete(self, request, key, item_id):
        services.retro_item_delete(actor=request.user, item=_item(self, item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RetroVoteResultSerializer(serializers.Serializer):
    voted = serializers.BooleanField()
    votes = serializers.IntegerField()


class RetroVoteView(ProjectScopedView):
    """Vote for a note, or take the vote back: one vote per member and note."""

    roles = {"POST": ANY_MEMBER}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, ITEM_PARAMETER], request=None, responses={200: RetroVoteResultSerializer}
    )
    def post(self, request, key, item_id):
        voted, votes = services.retro_vote_toggle(actor=request.user, item=_item(self, item_id))
        return Response({"voted": voted, "votes": votes})


class RetroGroupInputSerializer(StrictSerializer):
    items = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=100)
    group = serializers.CharField(max_length=MAX_GROUP_LABEL, allow_blank=True)


class RetroGroupResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()


class RetroGroupView(ProjectScopedView):
    """Merge notes into one group (the same label on each); an empty label ungroups them. Consultants
    facilitate the board."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        request=RetroGroupInputSerializer,
        responses={200: RetroGroupResultSerializer},
    )
    def post(self, request, key):
        data = RetroGroupInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        changed = services.retro_items_group(
            actor=request.user,
            project=self.project,
            items=data.validated_data["items"],
            group=data.validated_data["group"],
        )
        return Response({"changed": changed})


# ---------------------------------------------------------------------------------------------------------------
# Retro actions


class RetroActionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    created_by = serializers.CharField(source="created_by.username")
    done_by = serializers.CharField(source="done_by.username", default=None, allow_null=True)
    open = serializers.BooleanField(source="is_open")
    item = serializers.IntegerField(source="item_id", allow_null=True)

    class Meta:
        model = RetroAction
        fields = ["id", "item", "title", "owner", "due_date", "open", "done_at", "done_by", "created_by", "created_at"]


class RetroActionCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=MAX_ITEM_TEXT)
    owner = UsernameField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    group = serializers.CharField(max_length=MAX_GROUP_LABEL, required=False, allow_blank=True, default="")


class RetroActionPatchSerializer(StrictSerializer):
    title = serializers.CharField(max_length=MAX_ITEM_TEXT, required=False)
    owner = UsernameField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)


def _action(view, action_id: int) -> RetroAction:
    action = selectors.retro_action_get(project=view.project, pk=action_id)
    action.project = view.project
    return action


def _action_out(view, action_id: int) -> dict:
    return RetroActionSerializer(selectors.retro_action_list(project=view.project).get(pk=action_id)).data


class RetroActionListView(ProjectScopedView):
    """The retro's actions, open first (``?open=true|false``); every member agrees on new ones."""

    roles = {"GET": ANY_MEMBER, "POST": ANY_MEMBER}

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            OpenApiParameter("open", OpenApiTypes.BOOL, description="only open (true) or done (false) actions"),
            OpenApiParameter("owner", OpenApiTypes.STR, description="owner's username"),
        ],
        responses={200: RetroActionSerializer(many=True)},
    )
    def get(self, request, key):
        qs = selectors.retro_action_list(project=self.project)
        if request.GET.get("open") in ("true", "1"):
            qs = qs.filter(done_at__isnull=True)
        elif request.GET.get("open") in ("false", "0"):
            qs = qs.filter(done_at__isnull=False)
        if request.GET.get("owner"):
            qs = qs.filter(owner__username=request.GET["owner"])
        return self.paginate(qs, RetroActionSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        request=RetroActionCreateSerializer,
        responses={201: RetroActionSerializer},
    )
    def post(self, request, key):
        data = RetroActionCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        action = services.retro_action_create(actor=request.user, project=self.project, **data.validated_data)
        return Response(_action_out(self, action.pk), status=status.HTTP_201_CREATED)


class RetroActionDetailView(ProjectScopedView):
    """One action; its creator, its owner or a lead changes the title, owner or due date."""

    roles = {"GET": ANY_MEMBER, "PATCH": ANY_MEMBER}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, ACTION_PARAMETER], responses={200: RetroActionSerializer})
    def get(self, request, key, action_id):
        _action(self, action_id)
        return Response(_action_out(self, action_id))

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, ACTION_PARAMETER],
        request=RetroActionPatchSerializer,
        responses={200: RetroActionSerializer},
    )
    def patch(self, request, key, action_id):
        action = _action(self, action_id)
        data = RetroActionPatchSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        services.retro_action_update(actor=request.user, action=action, **data.validated_data)
        return Response(_action_out(self, action_id))


class RetroActionCompleteView(ProjectScopedView):
    """Mark an action done (its owner or a lead); 409 when it is already done."""

    roles = {"POST": ANY_MEMBER}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, ACTION_PARAMETER], request=None, responses={200: RetroActionSerializer}
    )
    def post(self, request, key, action_id):
        services.retro_action_complete(actor=request.user, action=_action(self, action_id))
        return Response(_action_out(self, action_id))


class RetroActionReopenView(ProjectScopedView):
    """Open a done action again (its owner or a lead); 409 when it is open."""

    roles = {"POST": ANY_MEMBER}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, ACTION_PARAMETER], request=None, responses={200: RetroActionSerializer}
    )
    def post(self, request, key, action_id):
        services.retro_action_reopen(actor=request.user, action=_action(self, action_id))
        return Response(_action_out(self, action_id))


# ---------------------------------------------------------------------------------------------------------------
# The report


REPORT_RESPONSES = {
    (200, "application/json"): OpenApiTypes.OBJECT,
    (200, "text/markdown"): OpenApiTypes.STR,
    (200, "text/html"): OpenApiTypes.STR,
    (200, "application/pdf"): OpenApiTypes.BINARY,
    400: OpenApiResponse(description="unknown format or language"),
}


class ReportView(ProjectScopedView):
    """The project report from the project's own data: ``?format=json|md|html|pdf`` (md, html and pdf as a
    download), in the caller's language (``?language=en|ko`` to choose)."""

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, FORMAT_PARAMETER, LANGUAGE_PARAMETER], responses=REPORT_RESPONSES)
    def get(self, request, key):
        fmt = requested_format(request)
        language = requested_language(request)
        return report_response(build_report(project=self.project, language=language), fmt, language)


class PublishedReportSerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.username")
    formats = serializers.SerializerMethodField()

    class Meta:
        model = PublishedReport
        fields = ["number", "language", "published_by", "published_at", "formats"]

    def get_formats(self, report) -> dict[str, str]:
        base = f"/api/v1/projects/{report.project.key}/report/published/{report.number}/"
        return {fmt: f"{base}?format={fmt}" for fmt in FORMATS}


class ReportPublishView(ProjectScopedView):
    """Leads publish the report: a frozen copy of its data with who and when. The ``report_published``
    criterion of the debrief gate passes once one is published during that phase."""

    roles = {"POST": LEADS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], request=None, responses={201: PublishedReportSerializer})
    def post(self, request, key):
        report = services.report_publish(actor=request.user, project=self.project, language=requested_language(request))
        report.project = self.project
        return Response(PublishedReportSerializer(report).data, status=status.HTTP_201_CREATED)


class PublishedReportListView(ProjectScopedView):
    """The reports published for the project, newest first."""

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: PublishedReportSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(selectors.published_report_list(project=self.project), PublishedReportSerializer)


class PublishedReportView(ProjectScopedView):
    """One published report as it was frozen, in any format (``?format=``, default json)."""

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, NUMBER_PARAMETER, FORMAT_PARAMETER, LANGUAGE_PARAMETER],
        responses=REPORT_RESPONSES,
    )
    def get(self, request, key, number):
        fmt = requested_format(request)
        language = requested_language(request)
        report = selectors.published_report_get(project=self.project, number=number)
        return report_response(report.data, fmt, language)
