"""API of accounts: token exchange, organizations and users."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from golive.accounts import selectors, services
from golive.accounts.models import Organization, User
from golive.api import Pagination


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """Exchange a username and password for the user's API token, under the log-in throttle: a locked username
    or address answers 429 with Retry-After, even for the right password."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            429: OpenApiResponse(description="Too many failed log-ins: locked until Retry-After seconds pass."),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.login_authenticate(
                request=request, username=data.validated_data["username"], password=data.validated_data["password"]
            )
        except services.LoginLocked as exc:
            raise exceptions.Throttled(
                wait=exc.retry_after, detail=_("Too many failed log-in attempts; this log-in is locked for now.")
            ) from None
        if user is None:
            raise serializers.ValidationError({"password": ["Unknown username or wrong password."]})
        token = services.token_get_or_create(user=user)
        return Response({"token": token.key})


class TokenRotateView(APIView):
    """Replace the caller's API token by a new one; the old key stops working at once (audited)."""

    @extend_schema(request=None, responses={200: TokenOutputSerializer})
    def post(self, request):
        token = services.token_rotate(user=request.user)
        return Response({"token": token.key})


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", "name", "kind", "timezone"]
        extra_kwargs = {"slug": {"validators": []}}


class OrganizationListView(APIView):
    """Organizations the caller may see; administrators create new ones."""

    @extend_schema(responses={200: OrganizationSerializer(many=True)})
    def get(self, request):
        qs = selectors.organization_list_for_user(request.user)
        kind = request.query_params.get("kind")
        if kind:
            qs = qs.filter(kind=kind)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(OrganizationSerializer(page, many=True).data)

    @extend_schema(request=OrganizationSerializer, responses={201: OrganizationSerializer})
    def post(self, request):
        if not request.user.is_admin:
            return Response({"detail": "Only administrators create organizations."}, status=403)
        data = OrganizationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.organization_create(actor=request.user, **data.validated_data)
        return Response(OrganizationSerializer(organization).data, status=status.HTTP_201_CREATED)


class UserOutputSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "last_name", "organization", "is_admin", "language"]


class UserInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), required=False, allow_null=True, default=None
    )
    is_admin = serializers.BooleanField(required=False, default=False)
    language = serializers.ChoiceField(choices=User.Language.choices, required=False, allow_blank=True, default="")


class UserListView(APIView):
    """Users the caller may see; administrators create new ones."""

    @extend_schema(responses={200: UserOutputSerializer(many=True)})
    def get(self, request):
        qs = selectors.user_list_for_user(request.user)
        organization = request.query_params.get("organization")
        if organization:
            qs = qs.filter(organization__slug=organization)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(UserOutputSerializer(page, many=True).data)

    @extend_schema(request=UserInputSerializer, responses={201: UserOutputSerializer})
    def post(self, request):
        if not request.user.is_admin:
            return Response({"detail": "Only administrators create users."}, status=403)
        data = UserInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **data.validated_data)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The signed-in user."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "Me",
                {
                    "username": serializers.CharField(),
                    "organization": serializers.CharField(allow_null=True),
                    "is_admin": serializers.BooleanField(),
                },
            )
        }
    )
    def get(self, request):
        user = request.user
        return Response(
            {
                "username": user.username,
                "organization": user.organization.slug if user.organization else None,
                "is_admin": user.is_admin,
            }
        )
