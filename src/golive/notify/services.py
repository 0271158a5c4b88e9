"""Writes of notifications and integrations: webhook subscriptions and their deliveries, e-mails, mute
preferences, sign-off requests, and the periodic part of the sweep (escalations, digests, reminders, resuming
stalled work).

Domain events arrive through ``golive.tasks.publish`` (ids only, after commit); ``event_dispatch`` fans one out to
the project's webhooks (a ``Delivery`` row each, body rendered once) and to the e-mails it triggers (a
``Notification`` row per recipient). Sending happens in tasks, outside any transaction: a delivery is claimed
with a lease, POSTed, and its attempt recorded; a failure is retried with exponential backoff until the limit.
Everything that must go out once (an escalation step, a project's digest of a day, a reminder) first claims a
unique row in the transaction that creates its notifications, so several workers never send it twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from golive import tasks
from golive.accounts.models import Membership, Role, User
from golive.audit.services import audit_record, diff
from golive.errors import NotAllowed, TransitionRefused
from golive.lifecycle.models import Project
from golive.notify import http, payloads
from golive.notify.models import (
    EVENTS,
    TEST_EVENT,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    DigestRun,
    Escalation,
    IntakeMessage,
    Notification,
    NotificationKind,
    NotificationMute,
    NotificationStatus,
    Reminder,
    Webhook,
    WebhookFormat,
)
from golive.rows import prepared
from golive.tracker.models import OPEN_STATUSES, Issue, IssueEvent

logger = logging.getLogger(__name__)

DELIVER = "notify.deliver"
SEND_EMAIL = "notify.send_email"
# Work older than this without progress lost its task (a restart, a broker hiccup): the sweep enqueues it again.
STALLED_AFTER = dt.timedelta(minutes=5)
MAX_EMAIL_ATTEMPTS = 3
RESUME_BATCH = 500


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return int(_setting("GOLIVE_WEBHOOK_MAX_ATTEMPTS", 8))


def backoff_seconds(attempt: int) -> float:
    """Wait after failed attempt ``attempt`` (1-based): base, 2x base, 4x base ... capped at an hour."""
    base = float(_setting("GOLIVE_WEBHOOK_RETRY_SECONDS", 30))
    return min(base * 2 ** (attempt - 1), 3600.0)


def sign(secret: str, body: bytes) -> str:
    """``X-GoLive-Signature`` of a body: ``sha256=`` and the hex HMAC-SHA256 of the exact bytes."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# Webhook subscriptions


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        target = http.parse_url(url)
        # A name that does not resolve yet is accepted (it is checked again at every delivery); a private one is not.
        http.check_host(target.host, allow_private=settings.GOLIVE_WEBHOOK_ALLOW_PRIVATE, resolve=False)
    except http.UnsafeTarget as exc:
        raise ValidationError({"url": str(exc)}) from None
    return url


def _clean_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = [str(e) for e in events if e not in EVENTS]
    if unknown:
        raise ValidationError(
            {
                "events": _("Unknown event %(events)s; the events are %(known)s.")
                % {"events": ", ".join(unknown), "known": ", ".join(EVENTS)}
            }
        )
    return list(dict.fromkeys(events))


def _clean_secret(secret: str) -> str:
    secret = (secret or "").strip()
    if secret and not 8 <= len(secret) <= 200:
        raise ValidationError({"secret": _("A secret has 8 to 200 characters.")})
    return secret


@transaction.atomic
def webhook_create(
    *,
    actor,
    project: Project,
    url: str,
    events: list[str],
    secret: str = "",
    format: str = WebhookFormat.GOLIVE,  # noqa: A002  (the contract's field name)
    language: str = "en",
    description: str = "",
) -> Webhook:
    """Subscribe ``url`` to events of the project. Without a secret one is generated; the caller shows it once."""
    webhook = Webhook(
        project=project,
        url=_clean_url(url),
        events=_clean_events(events),
        secret=_clean_secret(secret) or secrets.token_hex(32),
        format=format,
        language=language,
        description=description,
        created_by=actor,
    )
    webhook.full_clean()
    webhook.save()
    audit_record(
        actor=actor,
        action="webhook.created",
        obj=webhook,
        project=project,
        changes={"url": webhook.url, "events": webhook.events, "format": webhook.format},
    )
    return webhook


WEBHOOK_EDITABLE = ("url", "events", "secret", "format", "language", "description", "active")


@transaction.atomic
def webhook_update(*, actor, webhook: Webhook, **fields) -> Webhook:
    """Change a subscription: its URL, events, format, language, description, secret (rotation) or whether it is
    active."""
    unknown = set(fields) - set(WEBHOOK_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    if "url" in fields:
        fields["url"] = _clean_url(fields["url"])
    if "events" in fields:
        fields["events"] = _clean_events(fields["events"])
    if "secret" in fields:
        fields["secret"] = _clean_secret(fields["secret"]) or secrets.token_hex(32)
    project = webhook.project
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    changes = diff(webhook, fields)
    if not changes:
        return webhook
    webhook.full_clean()
    webhook.save()
    if "secret" in changes:
        changes["secret"] = "rotated"  # never the secret itself in the audit log
    audit_record(actor=actor, action="webhook.updated", obj=webhook, project=project, changes=changes)
    return webhook


@transaction.atomic
def webhook_delete(*, actor, webhook: Webhook) -> None:
    """Remove a subscription and its delivery log."""
    audit_record(
        actor=actor, action="webhook.deleted", obj=webhook, project=webhook.project, changes={"url": webhook.url}
    )
    webhook.delete()


def _delivery(webhook: Webhook, event: str, project: Project, occurred_at: str, data: dict, now) -> Delivery:
    body = payloads.render_body(
        fmt=webhook.format, language=webhook.language, event=event, project=project, occurred_at=occurred_at, data=data
    )
    return Delivery(
        webhook=webhook,
        project=project,
        event=event,
        body=body.decode("utf-8"),
        occurred_at=dt.datetime.fromisoformat(occurred_at),
        created_at=now,
        next_attempt_at=now,
    )


@transaction.atomic
def webhook_test(*, actor, webhook: Webhook) -> Delivery:
    """Send a ``test`` event to the webhook now (whatever it subscribes to), through the normal delivery path."""
    now = timezone.now()
    project = webhook.project
    data = payloads.event_data(TEST_EVENT, project, {"webhook": webhook.pk})
    delivery = _delivery(webhook, TEST_EVENT, project, now.isoformat(), data, now)
    delivery.save()
    tasks.enqueue_on_commit(DELIVER, delivery_id=delivery.pk)
    audit_record(actor=actor, action="webhook.tested", obj=webhook, project=project, changes={})
    return delivery


@transaction.atomic
def delivery_redeliver(*, actor, delivery: Delivery) -> Delivery:
    """Send a failed delivery again, as a new delivery with the same body and a fresh set of attempts."""
    if delivery.status != DeliveryStatus.FAILED:
        raise TransitionRefused(_("Only a failed delivery can be sent again."))
    now = timezone.now()
    again = Delivery.objects.create(
        webhook=delivery.webhook,
        project=delivery.project,
        event=delivery.event,
        body=delivery.body,
        occurred_at=delivery.occurred_at,
        created_at=now,
        next_attempt_at=now,
    )
    tasks.enqueue_on_commit(DELIVER, delivery_id=again.pk)
    audit_record(
        actor=actor,
        action="webhook.redelivered",
        obj=delivery.webhook,
        project=delivery.project,
        changes={"delivery": delivery.pk, "new_delivery": again.pk},
    )
    return again


# ---------------------------------------------------------------------------------------------------------------
# Fan-out of a domain event


def _members(project: Project, roles) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(project=project, role__in=roles, user__is_active=True).select_related(
            "user", "user__organization"
        )
    ]


def _notify(*, kind: str, project: Project | None, recipients, context: dict) -> list[Notification]:
    """Queue an e-mail of ``kind`` to each recipient (once each) that has an address and has not muted the kind.
    Call inside the transaction whose commit should send them."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active and user.email}
    if not unique:
        return []
    muted = set(NotificationMute.objects.filter(user_id__in=unique, kind=kind).values_list("user_id", flat=True))
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(project=project, recipient=user, kind=kind, context=context, created_at=now)
            for pk, user in unique.items()
            if pk not in muted
        ]
    )
    for row in rows:
        tasks.enqueue_on_commit(SEND_EMAIL, notification_id=row.pk)
    return rows


# Events that send e-mail whatever the webhooks: a new P1 or P2 issue tells the project's consultants.
URGENT_SEVERITIES = ("P1", "P2")


def _urgent(event: str, hints: dict) -> bool:
    """A new urgent issue: its e-mail goes out whatever the webhooks (an unknown severity counts as urgent)."""
    return event == "issue.created" and hints.get("severity", URGENT_SEVERITIES[0]) in URGENT_SEVERITIES


def _listeners_sql(*, event: str, project_id: int, hints: dict) -> bool | tuple[str, tuple] | None:
    """``event_has_listeners`` as SQL (``tasks.listeners_sql``): an active webhook of the project subscribed to
    the event, asked inside the writer's statement. PostgreSQL only (the containment test of ``jsonb``)."""
    if _urgent(event, hints):
        return True
    if connection.vendor != "postgresql":
        return None
    meta = Webhook._meta
    quote = connection.ops.quote_name
    sql = (
        f"EXISTS (SELECT 1 FROM {quote(meta.db_table)} WHERE {_column(meta, quote, 'project')} = %s "
        f"AND {_column(meta, quote, 'active')} AND {_column(meta, quote, 'events')} @> CAST(%s AS jsonb))"
    )
    return sql, (project_id, json.dumps([event]))


def _column(meta, quote, name: str) -> str:
    return quote(meta.get_field(name).column)


@tasks.listener_check(sql=_listeners_sql)
def event_has_listeners(*, event: str, project_id: int, hints: dict) -> bool:
    """Whether ``event_dispatch`` would have anything to do for this event: an active webhook of the project
    subscribed to it, or the e-mail of a new urgent issue. One query at most; none for an urgent issue."""
    if _urgent(event, hints):
        return True
    # Asked inside every issue creation of a spike: one plain SELECT, without the ORM's query compilation (which
    # would cost more than the rest of the check).
    meta = Webhook._meta
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {_column(meta, quote, 'events')} FROM {quote(meta.db_table)} "
        f"WHERE {_column(meta, quote, 'project')} = %s AND {_column(meta, quote, 'active')}"
    )
    with prepared(), connection.cursor() as cursor:
        cursor.execute(sql, [project_id])
        rows = cursor.fetchall()
    # PostgreSQL's jsonb arrives parsed; SQLite's JSON text does not.
    return any(event in (json.loads(value) if isinstance(value, str) else value or []) for (value,) in rows)


def event_dispatch(*, event: str, project_id: int, occurred_at: str, actor_id: int | None, ids: dict) -> dict:
    """Fan a domain event out: one delivery per active webhook of the project subscribed to it, and the e-mails
    it triggers (a new P1 or P2 issue: the project's consultants). Returns ``{deliveries, emails}`` counts."""
    # Most events of a spike (P3 and P4 issues of a project without webhooks) trigger nothing: find that out with
    # one query, and load the project and open a transaction only when there is something to write.
    webhooks = [w for w in Webhook.objects.filter(project_id=project_id, active=True) if event in w.events]
    issue = None
    if event == "issue.created":
        issue = Issue.objects.filter(pk=ids.get("issue")).only("pk", "severity").first()
    if not webhooks and (issue is None or issue.severity not in URGENT_SEVERITIES):
        return {"deliveries": 0, "emails": 0}
    try:
        project = Project.objects.get(pk=project_id)
    except Project.DoesNotExist:
        return {"deliveries": 0, "emails": 0}
    now = timezone.now()
    with transaction.atomic():
        deliveries = []
        if webhooks:
            data = payloads.event_data(event, project, ids)
            deliveries = Delivery.objects.bulk_create(
                [_delivery(w, event, project, occurred_at, data, now) for w in webhooks]
            )
            for delivery in deliveries:
                tasks.enqueue_on_commit(DELIVER, delivery_id=delivery.pk)
        emails = []
        if issue is not None and issue.severity in URGENT_SEVERITIES:
            consultants = [u for u in _members(project, (Role.CONSULTANT_LEAD, Role.CONSULTANT)) if u.pk != actor_id]
            emails = _notify(
                kind=NotificationKind.ISSUE_NEW,
                project=project,
                recipients=consultants,
                context={"issue": issue.pk},
            )
    return {"deliveries": len(deliveries), "emails": len(emails)}


# ---------------------------------------------------------------------------------------------------------------
# Delivering


def _claim(delivery_id: int, now: dt.datetime) -> dt.datetime | None:
    """Take the delivery for one attempt if it is pending, due and not held by another worker; returns the lease
    (the instant until which it is this worker's), or None."""
    lease = now + dt.timedelta(seconds=float(_setting("GOLIVE_WEBHOOK_TIMEOUT_SECONDS", 10)) + 30)
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + dt.timedelta(seconds=1)))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease)
    )
    return lease if claimed else None


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
    """One attempt of a delivery: claim it, POST the signed body (no transaction is open meanwhile), record the
    outcome. Returns the delivery, or None when there was nothing to do (delivered, not due, or taken)."""
    now = now or timezone.now()
    lease = _claim(delivery_id, now)
    if lease is None:
        return None
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    webhook = delivery.webhook
    if not webhook.active:
        outcome, retry = http.Outcome(None, 0, _("The webhook is disabled.")), False
    else:
        body = delivery.body.encode("utf-8")
        headers = {
            "X-GoLive-Signature": sign(webhook.secret, body),
            "X-GoLive-Event": delivery.event,
            "X-GoLive-Delivery": str(delivery.pk),
        }
        outcome, retry = http.post(
            webhook.url,
            body,
            headers,
            allow_private=settings.GOLIVE_WEBHOOK_ALLOW_PRIVATE,
            timeout=float(_setting("GOLIVE_WEBHOOK_TIMEOUT_SECONDS", 10)),
        )
    return _attempt_record(delivery, lease, outcome, retry)


@transaction.atomic
def _attempt_record(delivery: Delivery, lease: dt.datetime, outcome: http.Outcome, retry: bool) -> Delivery:
    """Log the attempt and move the delivery: delivered on 2xx, failed when out of attempts (or refused by
    policy), else pending again with the next attempt due after the backoff. The delivery is this worker's
    while it holds the lease: the row is written only if the lease is still the one it took."""
    now = timezone.now()
    number = delivery.attempts + 1
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=number,
        at=now,
        status_code=outcome.status_code,
        latency_ms=outcome.latency_ms,
        error=outcome.error[:500],
    )
    delivery.attempts = number
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:500]
    delivery.lease_until = None
    if outcome.ok:
        target, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
    elif not retry or number >= max_attempts():
        target, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        wait = backoff_seconds(number)
        target, delivery.next_attempt_at = DeliveryStatus.PENDING, now + dt.timedelta(seconds=wait)
        tasks.enqueue_on_commit(DELIVER, countdown=wait, delivery_id=delivery.pk)
    if not delivery.can_move_to(target):  # a delivery that was already final stays as it is
        raise TransitionRefused(_("The delivery is already %(status)s.") % {"status": delivery.status})
    delivery.status = target
    fields = ("status", "attempts", "last_status_code", "last_error", "lease_until", "next_attempt_at", "delivered_at")
    written = Delivery.objects.filter(pk=delivery.pk, lease_until=lease).update(
        **{name: getattr(delivery, name) for name in fields}
    )
    if not written:  # the lease ran out and another worker took over: its attempt counts, not this one
        raise TransitionRefused(_("The delivery was taken over by another worker."))
    return delivery


# ---------------------------------------------------------------------------------------------------------------
# E-mails


def notification_send(*, notification_id: int) -> Notification | None:
    """Render the e-mail in its recipient's language and time zone and send it through Django's e-mail backend
    (``GOLIVE_EMAIL_URL``). A failure is kept on the row and retried by the sweep up to a limit."""
    from golive.notify import emails

    row = Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).first()
    if row is None or row.attempts >= MAX_EMAIL_ATTEMPTS:
        return None
    # Compare-and-set on the attempt counter: of two workers given the same row, one sends.
    if not Notification.objects.filter(pk=row.pk, attempts=row.attempts).update(attempts=F("attempts") + 1):
        return None
    row.attempts += 1
    notification = Notification.objects.select_related("recipient", "recipient__organization", "project").get(pk=row.pk)
    try:
        message = emails.render(notification)
        email = EmailMultiAlternatives(
            subject=message.subject, body=message.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[message.to]
        )
        email.attach_alternative(message.html, "text/html")
        email.send()
    except Exception as exc:  # SMTP refused, template error...: logged on the row
        logger.exception("e-mail %s failed", notification_id)
        failed = row.attempts >= MAX_EMAIL_ATTEMPTS
        Notification.objects.filter(pk=row.pk).update(
            status=NotificationStatus.FAILED if failed else NotificationStatus.PENDING,
            error=f"{exc.__class__.__name__}: {exc}"[:500],
        )
        return None
    Notification.objects.filter(pk=row.pk).update(
        status=NotificationStatus.SENT, subject=message.subject[:300], language=message.language, sent_at=timezone.now()
    )
    notification.status = NotificationStatus.SENT
    return notification


@transaction.atomic
def mutes_set(*, actor, kinds: list[str]) -> list[str]:
    """Set which kinds of e-mail ``actor`` does not want (all others are sent)."""
    unknown = [k for k in kinds if k not in NotificationKind.values]
    if unknown:
        raise ValidationError({"muted": _("Unknown kind %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))}})
    wanted = set(kinds)
    current = set(NotificationMute.objects.filter(user=actor).values_list("kind", flat=True))
    if wanted == current:
        return sorted(current)
    NotificationMute.objects.filter(user=actor).exclude(kind__in=wanted).delete()
    NotificationMute.objects.bulk_create([NotificationMute(user=actor, kind=k) for k in sorted(wanted - current)])
    audit_record(
        actor=actor, action="notifications.muted", obj=actor, changes={"muted": [sorted(current), sorted(wanted)]}
    )
    return sorted(wanted)


@transaction.atomic
def signoff_request(*, actor, project: Project, phase_key: str = "", message: str = "") -> list[Notification]:
    """Ask the project's customer lead(s) by e-mail to sign off the current phase."""
    phase = project.current_phase
    if phase is None:
        raise TransitionRefused(_("The project is closed; there is nothing to sign off."))
    if phase_key and phase_key != phase.key:
        raise ValidationError(
            {"phase": _("Sign-offs are for the current phase (%(current)s).") % {"current": phase.key}}
        )
    leads = _members(project, (Role.CUSTOMER_LEAD,))
    if not leads:
        raise TransitionRefused(_("The project has no customer lead to ask."))
    rows = _notify(
        kind=NotificationKind.SIGNOFF_REQUEST,
        project=project,
        recipients=leads,
        context={"phase": phase.pk, "requested_by": actor.pk, "message": (message or "").strip()[:2000]},
    )
    audit_record(
        actor=actor,
        action="signoff.requested",
        obj=phase,
        project=project,
        changes={"phase": phase.key, "to": [row.recipient.username for row in rows]},
    )
    return rows


# ---------------------------------------------------------------------------------------------------------------
# The periodic part of the sweep


def escalation_max_age() -> dt.timedelta:
    """A clock breached longer ago than this when first seen (imported history, a sweep down for days) is not
    escalated: the escalation would tell nobody anything new."""
    return dt.timedelta(hours=float(_setting("GOLIVE_ESCALATION_MAX_AGE_HOURS", 24)))


def _claim_once(model, **fields) -> bool:
    """Insert the unique row that makes a notification happen once; False when another run has it."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


def escalations_run(*, as_of: dt.datetime) -> int:
    """Turn the sweep's breaches into notifications, exactly once per issue, metric and level.

    Level 1 at the breach: an e-mail to the assignee (the consultant lead when nobody is assigned) and the
    ``issue.sla_breached`` webhook event. Level 2, when the clock is still unanswered
    ``GOLIVE_ESCALATION_LEAD_MINUTES`` later: the consultant lead. Returns how many steps were sent.
    """
    sent = 0
    oldest = as_of - escalation_max_age()
    for metric in (Escalation.Metric.RESPONSE, Escalation.Metric.RESOLUTION):
        breached = (
            IssueEvent.objects.filter(kind=f"sla_breach_{metric}", at__lte=as_of)
            .filter(**{f"issue__{metric}_due_at__gte": oldest})
            .exclude(Exists(Escalation.objects.filter(issue=OuterRef("issue"), metric=metric, level=1)))
            .values_list("issue_id", flat=True)
        )
        for issue in Issue.objects.filter(pk__in=list(breached)).select_related("project", "assignee"):
            with transaction.atomic():
                leads = _members(issue.project, (Role.CONSULTANT_LEAD,))
                recipients = [issue.assignee] if issue.assignee_id else leads
                if not _claim_once(
                    Escalation,
                    issue=issue,
                    metric=metric,
                    level=1,
                    at=as_of,
                    recipients=[u.pk for u in recipients],
                ):
                    continue
                _notify(
                    kind=NotificationKind.SLA_BREACH,
                    project=issue.project,
                    recipients=recipients,
                    context={"issue": issue.pk, "metric": metric, "level": 1},
                )
                tasks.publish("issue.sla_breached", project_id=issue.project_id, issue=issue.pk, metric=metric)
                sent += 1
        sent += _escalate_to_leads(metric, as_of)
    return sent


def _escalate_to_leads(metric: str, as_of: dt.datetime) -> int:
    wait = dt.timedelta(minutes=float(_setting("GOLIVE_ESCALATION_LEAD_MINUTES", 60)))
    unanswered = (
        Q(issue__first_response_at__isnull=True) if metric == "response" else Q(issue__status__in=OPEN_STATUSES)
    )
    first_steps = (
        Escalation.objects.filter(metric=metric, level=1, at__lte=as_of - wait, at__gte=as_of - escalation_max_age())
        .filter(unanswered)
        .exclude(Exists(Escalation.objects.filter(issue=OuterRef("issue"), metric=metric, level=2)))
        .select_related("issue", "issue__project")
    )
    sent = 0
    for step in first_steps:
        issue = step.issue
        with transaction.atomic():
            leads = [u for u in _members(issue.project, (Role.CONSULTANT_LEAD,)) if u.pk not in step.recipients]
            if not _claim_once(
                Escalation, issue=issue, metric=metric, level=2, at=as_of, recipients=[u.pk for u in leads]
            ):
                continue
            _notify(
                kind=NotificationKind.SLA_BREACH,
                project=issue.project,
                recipients=leads,
                context={"issue": issue.pk, "metric": metric, "level": 2},
            )
            sent += 1
    return sent


def digest_hour() -> int:
    return int(_setting("GOLIVE_DIGEST_HOUR", 8))


DIGEST_ROLES = (Role.CONSULTANT_LEAD, Role.CONSULTANT, Role.SUPPORT, Role.CUSTOMER_LEAD)


def digests_run(*, as_of: dt.datetime) -> int:
    """Queue the hypercare daily digest of every project in hypercare whose local time has passed the digest
    hour and that has not had today's: once per project per local day (a unique row), whatever the number of
    workers. Returns how many projects' digests were queued."""
    from golive.hypercare.models import HypercareWindow

    hour = digest_hour()
    windows = HypercareWindow.objects.filter(exited_at__isnull=True, starts_at__lte=as_of).select_related("project")
    due = []
    for window in windows:
        tz = zoneinfo.ZoneInfo(window.project.timezone)
        local = as_of.astimezone(tz)
        day = local.date()
        if local.hour < hour or window.starts_at > dt.datetime.combine(day, dt.time(hour), tz):
            continue  # before today's digest time, or live only since then: the first digest is tomorrow's
        due.append((window.project, day))
    done = set(
        DigestRun.objects.filter(project__in=[p for p, _d in due], day__in={d for _p, d in due}).values_list(
            "project_id", "day"
        )
    )
    sent = 0
    for project, day in due:
        if (project.pk, day) in done:
            continue
        with transaction.atomic():
            if not _claim_once(DigestRun, project=project, day=day, at=as_of):
                continue
            _notify(
                kind=NotificationKind.HYPERCARE_DIGEST,
                project=project,
                recipients=_members(project, DIGEST_ROLES),
                context={"day": day.isoformat(), "as_of": as_of.isoformat()},
            )
            sent += 1
    return sent


def reminders_run(*, as_of: dt.datetime) -> int:
    """Training reminders (once per session, to invited members and the trainer, in the day before it starts)
    and UAT reminders (once a day after the digest hour, to each tester with scenarios of the latest cycle still
    to run, while the project is in UAT). Returns how many reminders were queued."""
    return _training_reminders(as_of) + _uat_reminders(as_of)


def _training_reminders(as_of: dt.datetime) -> int:
    from golive.training.models import Attendance, AttendanceStatus, TrainingSession

    sessions = (
        TrainingSession.objects.filter(starts_at__gt=as_of, starts_at__lte=as_of + dt.timedelta(hours=24))
        .exclude(
            Exists(Reminder.objects.filter(kind=Reminder.Kind.TRAINING, object_id=OuterRef("pk"))),
        )
        .select_related("project", "trainer")
    )
    sent = 0
    for session in sessions:
        invited = [
            a.user
            for a in Attendance.objects.filter(
                session=session, user__isnull=False, status=AttendanceStatus.INVITED
            ).select_related("user")
        ]
        with transaction.atomic():
            day = session.starts_at.astimezone(dt.UTC).date()
            if not _claim_once(Reminder, kind=Reminder.Kind.TRAINING, object_id=session.pk, day=day, at=as_of):
                continue
            _notify(
                kind=NotificationKind.TRAINING_REMINDER,
                project=session.project,
                recipients=[*invited, session.trainer],
                context={"session": session.pk},
            )
            sent += 1
    return sent


def _uat_reminders(as_of: dt.datetime) -> int:
    from golive.uat.models import Assignment, Cycle, Run

    hour = digest_hour()
    sent = 0
    projects = Project.objects.filter(status=Project.Status.ACTIVE, current_phase__key="uat")
    for project in projects:
        local = as_of.astimezone(zoneinfo.ZoneInfo(project.timezone))
        if local.hour < hour:
            continue
        cycle = Cycle.objects.filter(project=project).order_by("-number").first()
        if cycle is None:
            continue
        day = local.date()
        if Reminder.objects.filter(kind=Reminder.Kind.UAT, object_id=cycle.pk, day=day).exists():
            continue
        to_run = (
            Assignment.objects.filter(cycle=cycle)
            .exclude(Exists(Run.objects.filter(cycle=cycle, scenario=OuterRef("scenario"))))
            .select_related("tester")
        )
        testers = {a.tester.pk: a.tester for a in to_run}
        with transaction.atomic():
            if not _claim_once(Reminder, kind=Reminder.Kind.UAT, object_id=cycle.pk, day=day, at=as_of):
                continue
            _notify(
                kind=NotificationKind.UAT_REMINDER,
                project=project,
                recipients=list(testers.values()),
                context={"cycle": cycle.pk, "day": day.isoformat()},
            )
            sent += 1
    return sent


def stalled_resume(*, as_of: dt.datetime) -> int:
    """Enqueue again the deliveries and e-mails whose task was lost (due for a while, nobody working on them):
    after a restart of a single-node server, or a broker that was down. Claims make a duplicate harmless."""
    stale = as_of - STALLED_AFTER
    deliveries = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=stale)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=as_of))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RESUME_BATCH]
    )
    emails = list(
        Notification.objects.filter(
            status=NotificationStatus.PENDING, created_at__lte=stale, attempts__lt=MAX_EMAIL_ATTEMPTS
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:RESUME_BATCH]
    )
    for pk in deliveries:
        tasks.enqueue(DELIVER, delivery_id=pk)
    for pk in emails:
        tasks.enqueue(SEND_EMAIL, notification_id=pk)
    return len(deliveries) + len(emails)


def notifications_due(*, as_of: dt.datetime | None = None) -> dict:
    """The notify part of the sweep: what it queued at ``as_of`` (default now)."""
    as_of = as_of or timezone.now()
    return {
        "escalations": escalations_run(as_of=as_of),
        "digests": digests_run(as_of=as_of),
        "reminders": reminders_run(as_of=as_of),
        "resumed": stalled_resume(as_of=as_of),
    }


# ---------------------------------------------------------------------------------------------------------------
# Mail intake


@transaction.atomic
def intake_message(*, project: Project, raw: bytes, fallback: User | None = None) -> tuple[IntakeMessage, bool]:
    """File one e-mail: a reply (by In-Reply-To/References, or an issue ref like ``ACME-12`` in the subject)
    becomes a comment on that issue, anything else a new issue reported by the sender. The sender must be a
    member of the project (matched by e-mail address), else ``fallback`` reports it, else it is skipped. Returns
    ``(row, new)``; a message read before is not filed again (``new`` False)."""
    from golive.notify import intake
    from golive.tracker import services as tracker_services

    mail = intake.parse(raw)
    known = IntakeMessage.objects.filter(project=project, message_id=mail.message_id).first()
    if known is not None:
        return known, False
    row = IntakeMessage(
        project=project,
        message_id=mail.message_id,
        sender=mail.sender[:254],
        subject=mail.subject[:300],
        received_at=timezone.now(),
    )
    member = (
        Membership.objects.filter(project=project, user__email__iexact=mail.sender, user__is_active=True)
        .select_related("user")
        .first()
        if mail.sender
        else None
    )
    author = member.user if member else fallback
    answered = (
        IntakeMessage.objects.filter(project=project, message_id__in=mail.answers, issue__isnull=False)
        .select_related("issue")
        .first()
    )
    issue = answered.issue if answered else None
    number = intake.issue_number(mail.subject, project.key)
    if issue is None and number is not None:
        issue = Issue.objects.filter(project=project, number=number).first()
    text = intake.strip_quoted(mail.body) if issue is not None else mail.body.strip()
    try:
        if author is None:
            raise ValidationError(_("The sender %(sender)s is not a member of the project.") % {"sender": mail.sender})
        with transaction.atomic():
            if issue is not None:
                if not text:
                    raise ValidationError(_("The reply has no new text."))
                tracker_services.comment_add(actor=author, issue=issue, body=text)
                row.outcome, row.issue = IntakeMessage.Outcome.COMMENT, issue
            else:
                issue = tracker_services.issue_create(
                    actor=author,
                    project=project,
                    title=(intake.clean_subject(mail.subject) or _("(no subject)"))[:300],
                    description=text,
                )
                row.outcome, row.issue = IntakeMessage.Outcome.ISSUE, issue
    except (ValidationError, TransitionRefused, NotAllowed) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        row.outcome, row.issue, row.reason = IntakeMessage.Outcome.SKIPPED, None, reason[:300]
    row.full_clean()
    row.save()
    return row, True
