"""API of calendars: a project's ``calendar.ics`` and the caller's secret feed URLs."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from golive.api import PROJECT_KEY_PARAMETER, Pagination, ProjectScopedView
from golive.calendars import selectors, services
from golive.calendars.ics import CONTENT_TYPE, render_calendar
from golive.calendars.models import CalendarFeed


class ICalendarRenderer(renderers.BaseRenderer):
    """Lets a calendar program ask for ``text/calendar`` (the body itself is built by ``render_calendar``)."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data).encode()


def calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


class ProjectCalendarView(ProjectScopedView):
    """The project's meetings, training sessions, cutover, go-live and hypercare as iCalendar (RFC 5545)."""

    renderer_classes = [renderers.JSONRenderer, ICalendarRenderer]

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={(200, "text/calendar"): OpenApiTypes.STR})
    def get(self, request, key):
        body = render_calendar(selectors.events_for_project(self.project), name=f"GoLive {self.project.key}")
        return calendar_response(body, f"{self.project.key}.ics")


class FeedOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = CalendarFeed
        fields = ["id", "url", "active", "created_at", "revoked_at"]

    def get_url(self, feed) -> str:
        path = reverse("calendar-feed", kwargs={"token": feed.token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class FeedListView(APIView):
    """The caller's secret calendar feeds; POST makes a new one. Each URL serves, without signing in, the events
    of every project its owner may see at the time it is fetched."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: FeedOutputSerializer(many=True)})
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.feed_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(
            FeedOutputSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=None, responses={201: FeedOutputSerializer})
    def post(self, request):
        feed = services.feed_create(actor=request.user)
        return Response(FeedOutputSerializer(feed, context={"request": request}).data, status=status.HTTP_201_CREATED)


class FeedRevokeView(APIView):
    """Revoke one of the caller's feeds: its URL answers 404 from now on."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("feed_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        responses={200: FeedOutputSerializer},
    )
    def post(self, request, feed_id):
        feed = services.feed_revoke(actor=request.user, feed=selectors.feed_get(user=request.user, feed_id=feed_id))
        return Response(FeedOutputSerializer(feed, context={"request": request}).data)
