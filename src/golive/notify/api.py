"""API of notifications and integrations: webhooks and their delivery log, the e-mail log, sign-off requests and
a user's e-mail preferences.

Vendor staff read the integrations of a project; consultants set them up. A webhook's secret is write-only: it is
returned once, in the answer that creates the webhook (generated when none is given), and never again.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from golive.api import CONSULTANTS, PROJECT_KEY_PARAMETER, VENDOR_STAFF, ProjectScopedView, StrictSerializer
from golive.notify import selectors, services
from golive.notify.models import (
    EVENTS,
    Delivery,
    DeliveryAttempt,
    Notification,
    NotificationKind,
    Webhook,
    WebhookFormat,
)

WEBHOOK_PARAMETER = OpenApiParameter("webhook_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Webhook id")
DELIVERY_PARAMETER = OpenApiParameter("delivery_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Delivery id")
DELIVERY_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, description="comma-separated: pending, delivered, failed"),
    OpenApiParameter("event", OpenApiTypes.STR, description="comma-separated event names"),
]
NOTIFICATION_FILTERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, description="comma-separated kinds"),
    OpenApiParameter("status", OpenApiTypes.STR, description="comma-separated: pending, sent, failed"),
    OpenApiParameter("recipient", OpenApiTypes.STR, description="username"),
]
EVENT_HELP = "Any of: " + ", ".join(EVENTS)
LANGUAGES = [("en", "English"), ("ko", "Korean")]


class DeliveryCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()


class WebhookOutputSerializer(serializers.ModelSerializer):
    secret_hint = serializers.CharField(help_text="The last characters of the secret; the secret is write-only.")
    created_by = serializers.CharField(source="created_by.username")
    deliveries = serializers.SerializerMethodField()
    last_delivery_at = serializers.DateTimeField(allow_null=True, default=None, read_only=True)

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "events",
            "format",
            "language",
            "description",
            "active",
            "secret_hint",
            "deliveries",
            "last_delivery_at",
            "created_by",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(DeliveryCountsSerializer)
    def get_deliveries(self, webhook) -> dict:
        return {
            "pending": getattr(webhook, "pending_count", 0),
            "delivered": getattr(webhook, "delivered_count", 0),
            "failed": getattr(webhook, "failed_count", 0),
        }


class WebhookCreatedSerializer(WebhookOutputSerializer):
    secret = serializers.CharField(help_text="Shown this once: keep it to verify X-GoLive-Signature.")

    class Meta(WebhookOutputSerializer.Meta):
        fields = [*WebhookOutputSerializer.Meta.fields, "secret"]


class WebhookInputSerializer(StrictSerializer):
    url = serializers.CharField(max_length=500, help_text="http(s) URL receiving the POSTs")
    events = serializers.ListField(child=serializers.CharField(max_length=40), help_text=EVENT_HELP)
    secret = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        help_text="HMAC key (8-200 characters); generated and returned once when left out",
    )
    format = serializers.ChoiceField(choices=WebhookFormat.choices, default=WebhookFormat.GOLIVE)
    language = serializers.ChoiceField(choices=LANGUAGES, default="en", help_text="of Slack and Teams messages")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WebhookPatchSerializer(StrictSerializer):
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(child=serializers.CharField(max_length=40), required=False, help_text=EVENT_HELP)
    secret = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text="a new secret; blank generates one (not returned)"
    )
    format = serializers.ChoiceField(choices=WebhookFormat.choices, required=False)
    language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class WebhookListView(ProjectScopedView):
    """The project's webhook subscriptions. Consultants add one; vendor staff read them."""

    roles = {"GET": VENDOR_STAFF, "POST": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER], responses={200: WebhookOutputSerializer(many=True)})
    def get(self, request, key):
        return self.paginate(selectors.webhook_list(project=self.project), WebhookOutputSerializer)

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER], request=WebhookInputSerializer, responses={201: WebhookCreatedSerializer}
    )
    def post(self, request, key):
        data = WebhookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        webhook = services.webhook_create(actor=request.user, project=self.project, **data.validated_data)
        shown = selectors.webhook_get(project=self.project, webhook_id=webhook.pk)
        return Response(WebhookCreatedSerializer(shown).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(ProjectScopedView):
    """One webhook: consultants change it (a new ``secret`` rotates it) or delete it with its delivery log."""

    roles = {"GET": VENDOR_STAFF, "PATCH": CONSULTANTS, "DELETE": CONSULTANTS}

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, WEBHOOK_PARAMETER], responses={200: WebhookOutputSerializer})
    def get(self, request, key, webhook_id):
        return Response(
            WebhookOutputSerializer(selectors.webhook_get(project=self.project, webhook_id=webhook_id)).data
        )

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, WEBHOOK_PARAMETER],
        request=WebhookPatchSerializer,
        responses={200: WebhookOutputSerializer},
    )
    def patch(self, request, key, webhook_id):
        webhook = selectors.webhook_get(project=self.project, webhook_id=webhook_id)
        data = WebhookPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.webhook_update(actor=request.user, webhook=webhook, **data.validated_data)
        return Response(
            WebhookOutputSerializer(selectors.webhook_get(project=self.project, webhook_id=webhook_id)).data
        )

    @extend_schema(parameters=[PROJECT_KEY_PARAMETER, WEBHOOK_PARAMETER], responses={204: None})
    def delete(self, request, key, webhook_id):
        webhook = selectors.webhook_get(project=self.project, webhook_id=webhook_id)
        services.webhook_delete(actor=request.user, webhook=webhook)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "status_code", "latency_ms", "error"]


class DeliveryOutputSerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "occurred_at",
            "created_at",
            "delivered_at",
            "body",
            "attempt_log",
        ]


class WebhookTestView(ProjectScopedView):
    """Send a ``test`` event to the webhook now, through the normal delivery path (signed, retried)."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, WEBHOOK_PARAMETER], request=None, responses={201: DeliveryOutputSerializer}
    )
    def post(self, request, key, webhook_id):
        webhook = selectors.webhook_get(project=self.project, webhook_id=webhook_id)
        delivery = services.webhook_test(actor=request.user, webhook=webhook)
        shown = selectors.delivery_get(webhook=webhook, delivery_id=delivery.pk)
        return Response(DeliveryOutputSerializer(shown).data, status=status.HTTP_201_CREATED)


class DeliveryListView(ProjectScopedView):
    """The delivery log of a webhook, newest first: each delivery with its attempts (status code, latency, error)."""

    roles = {"GET": VENDOR_STAFF}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, WEBHOOK_PARAMETER, *DELIVERY_FILTERS],
        responses={200: DeliveryOutputSerializer(many=True)},
    )
    def get(self, request, key, webhook_id):
        webhook = selectors.webhook_get(project=self.project, webhook_id=webhook_id)
        return self.paginate(
            selectors.delivery_list(webhook=webhook, filters=request.query_params), DeliveryOutputSerializer
        )


class DeliveryRedeliverView(ProjectScopedView):
    """Send a failed delivery again (a new delivery with the same body); 409 unless it failed."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, WEBHOOK_PARAMETER, DELIVERY_PARAMETER],
        request=None,
        responses={201: DeliveryOutputSerializer},
    )
    def post(self, request, key, webhook_id, delivery_id):
        webhook = selectors.webhook_get(project=self.project, webhook_id=webhook_id)
        delivery = selectors.delivery_get(webhook=webhook, delivery_id=delivery_id)
        again = services.delivery_redeliver(actor=request.user, delivery=delivery)
        shown = selectors.delivery_get(webhook=webhook, delivery_id=again.pk)
        return Response(DeliveryOutputSerializer(shown).data, status=status.HTTP_201_CREATED)


class NotificationOutputSerializer(serializers.ModelSerializer):
    recipient = serializers.CharField(source="recipient.username")

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "recipient",
            "status",
            "subject",
            "language",
            "attempts",
            "error",
            "created_at",
            "sent_at",
        ]


class NotificationListView(ProjectScopedView):
    """The e-mails queued and sent for the project (who, what, when, and any error), newest first."""

    roles = {"GET": VENDOR_STAFF}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER, *NOTIFICATION_FILTERS],
        responses={200: NotificationOutputSerializer(many=True)},
    )
    def get(self, request, key):
        return self.paginate(
            selectors.notification_list(project=self.project, filters=request.query_params),
            NotificationOutputSerializer,
        )


class SignoffRequestInputSerializer(StrictSerializer):
    phase = serializers.CharField(required=False, allow_blank=True, default="", help_text="default: the current phase")
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class SignoffRequestView(ProjectScopedView):
    """E-mail the customer lead(s) a request to sign off the current phase; 409 when there is none to ask."""

    roles = {"POST": CONSULTANTS}

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        request=SignoffRequestInputSerializer,
        responses={
            201: inline_serializer(
                "SignoffRequestResult",
                {"phase": serializers.CharField(), "recipients": serializers.ListField(child=serializers.CharField())},
            )
        },
    )
    def post(self, request, key):
        data = SignoffRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = services.signoff_request(
            actor=request.user,
            project=self.project,
            phase_key=data.validated_data["phase"],
            message=data.validated_data["message"],
        )
        return Response(
            {"phase": self.project.current_phase.key, "recipients": sorted(r.recipient.username for r in rows)},
            status=status.HTTP_201_CREATED,
        )


class PreferencesSerializer(StrictSerializer):
    muted = serializers.ListField(
        child=serializers.CharField(max_length=24),
        help_text="kinds of e-mail not to receive: " + ", ".join(NotificationKind.values),
    )


class PreferencesOutputSerializer(serializers.Serializer):
    muted = serializers.ListField(child=serializers.CharField())
    kinds = serializers.ListField(
        child=inline_serializer(
            "NotificationKindItem", {"kind": serializers.CharField(), "label": serializers.CharField()}
        )
    )


class PreferencesView(APIView):
    """The caller's e-mail preferences: which kinds of e-mail they muted."""

    permission_classes = [IsAuthenticated]

    def _body(self, user) -> dict:
        return {
            "muted": selectors.muted_kinds(user=user),
            "kinds": [{"kind": kind, "label": str(label)} for kind, label in selectors.notification_kinds()],
        }

    @extend_schema(responses={200: PreferencesOutputSerializer})
    def get(self, request):
        return Response(self._body(request.user))

    @extend_schema(request=PreferencesSerializer, responses={200: PreferencesOutputSerializer})
    def put(self, request):
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.mutes_set(actor=request.user, kinds=data.validated_data["muted"])
        return Response(self._body(request.user))
