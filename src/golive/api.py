"""Shared API plumbing: pagination, the error format and the tenancy-scoped base view.

Every project route derives from ``ProjectScopedView``: it resolves ``{key}`` through the scoped selector
(404 for missing and forbidden alike) and checks the caller's project roles against ``roles`` for the
HTTP method (403), so a new view is scoped without anyone remembering to.
"""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, connection
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from golive.accounts.authentication import JoinedRead, user_column
from golive.accounts.selectors import roles_for
from golive.errors import DomainError, NotAllowed
from golive.lifecycle.selectors import project_from_join, project_get_for_user, project_join

# Role sets used by views' ``roles`` declarations.
ANY_MEMBER = frozenset({"admin", "consultant_lead", "consultant", "customer_lead", "customer_member", "support"})
VENDOR_STAFF = frozenset({"admin", "consultant_lead", "consultant", "support"})
LEADS = frozenset({"admin", "consultant_lead"})
CONSULTANTS = frozenset({"admin", "consultant_lead", "consultant"})


class FreshFields:
    # A serializer mixin for hot input paths: each declared field is built anew from its own constructor arguments
    # instead of DRF's deep copy of them, which copies every choice label (lazy translations included) on every
    # request: for the issue intake that copy was a tenth of the request. The arguments are shared, never
    # changed by a field; a field holding another field (a nested serializer, a list's ``child``) is still
    # deep-copied, as the inner field is bound to its parent.

    def get_fields(self):
        return {name: _fresh(field) for name, field in self._declared_fields.items()}


def _fresh(field: serializers.Field) -> serializers.Field:
    arguments = [*field._args, *field._kwargs.values()]
    if isinstance(field, serializers.BaseSerializer) or any(isinstance(a, serializers.Field) for a in arguments):
        return copy.deepcopy(field)
    return type(field)(*field._args, **field._kwargs)


class StrictSerializer(serializers.Serializer):
    # An input serializer that refuses fields it does not declare (400 naming each), so a misspelt or
    # read-only field is reported instead of silently ignored. (A comment, not a docstring: drf-spectacular
    # would copy a docstring into every subclass's schema.)

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown or read-only field."] for name in unknown})
        return super().to_internal_value(data)


class Pagination(pagination.PageNumberPagination):
    """``{count, next, previous, results}`` with ``?page`` and ``?page_size`` (default 50, at most 1000)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


def _first_message(detail) -> tuple[str, str] | None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = str(key)  # a list field's errors are keyed by the item's index
            found = _first_message(value)
            if found:
                return (
                    field if found[0] == "" else f"{field}.{found[0]}" if not found[0].isdigit() else field,
                    found[1],
                )
    elif isinstance(detail, list):
        for value in detail:
            found = _first_message(value)
            if found:
                return found
    elif detail is not None:
        return ("", str(detail))
    return None


def validation_response(detail) -> Response:
    """400 ``{"detail": "<field>: <message>", "errors": {field: [messages]}}``."""
    if isinstance(detail, list | str):
        detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
    first = _first_message(detail)
    summary = (
        f"{first[0]}: {first[1]}"
        if first and first[0] and first[0] != "non_field_errors"
        else (first[1] if first else "Invalid input.")
    )
    return Response({"detail": summary, "errors": detail}, status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    """Map domain errors to the contract's answers: 400 field errors, 403, 404, 409 with criteria."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return validation_response(detail)
    if isinstance(exc, exceptions.ValidationError):
        return validation_response(exc.detail)
    if isinstance(exc, DomainError):
        body = {"detail": exc.message}
        if exc.criteria is not None:
            body["criteria"] = exc.criteria
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DataError):
        # A value the database cannot take (PostgreSQL: a NUL character in a text, a number out of range) in a
        # query parameter or a looked-up field is bad input, not a server failure.
        message = _("A value in the request is not acceptable: %(error)s") % {"error": str(exc).splitlines()[0]}
        return validation_response({"non_field_errors": [message]})
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    return drf_exception_handler(exc, context)


PROJECT_KEY_PARAMETER = OpenApiParameter(
    "key", OpenApiTypes.STR, OpenApiParameter.PATH, description="Project key, e.g. ACME1"
)


# A project not read with the token (see ProjectScopedView.token_read).
_UNREAD = object()


class ProjectScopedView(APIView):
    """Base for every ``/projects/{key}/...`` view: sets ``self.project`` and ``self.roles``.

    ``roles`` maps an HTTP method to the set of roles allowed; a visible project with the wrong role is 403.
    """

    roles: dict[str, frozenset[str]] = {"GET": ANY_MEMBER}
    # Relations of the project the view reads, loaded with it (see lifecycle.selectors.project_get_for_user).
    project_related: tuple[str, ...] = ()
    # When set, the relations loaded instead of the default customer, template and current phase (a hot path).
    project_select: tuple[str, ...] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        read = self.__dict__.pop("_token_project", _UNREAD)
        if read is _UNREAD:
            self.project = project_get_for_user(
                request.user, kwargs["key"], related=self.project_related, select=self.project_select
            )
        elif read is None:
            raise Http404("No such project.")
        else:
            self.project = read
        self.roles_held = roles_for(request.user, self.project)
        allowed = self.roles.get(
            request.method, self.roles.get("GET") if request.method in ("HEAD", "OPTIONS") else frozenset()
        )
        if not (self.roles_held & allowed):
            raise exceptions.PermissionDenied("Your role on this project does not allow this action.")

    def token_read(self, kwargs) -> JoinedRead | None:
        """A hot path's project (``project_select``) read with the caller's API token, in the same query
        (``TokenAuthentication``); the same project and 404s as ``project_get_for_user``. An administrator's
        project is read by that selector still (administrators see every project)."""
        if self.project_select is None or self.project_related or "key" not in kwargs:
            return None
        joined = project_join(self.project_select, user_column(), connection.vendor)

        def take(user, values) -> None:
            if not user.is_admin:
                self._token_project = project_from_join(user, joined, values)

        return JoinedRead(columns=joined.columns, join=joined.join, params=(kwargs["key"],), take=take)

    def paginate(self, queryset, serializer_class):
        paginator = Pagination()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(
            serializer_class(page, many=True, context={"request": self.request}).data
        )
