"""E-mails: a notification rendered for its recipient, in their language and time zone, as text and HTML.

Templates live in ``templates/notify/email/<kind>.txt`` and ``<kind>.html``; the subject is built here. Every
e-mail ends with a link to the recipient's notification preferences.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from golive.notify.models import Notification, NotificationKind
from golive.notify.payloads import link
from golive.tracker.models import OPEN_STATUSES, Issue


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str
    language: str


def language_for(user) -> str:
    """The recipient's language, else the site's default."""
    codes = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in codes else settings.LANGUAGE_CODE


def _issue(pk: int) -> Issue:
    return Issue.objects.select_related("project", "reporter", "assignee").get(pk=pk)


def _issue_url(issue: Issue) -> str:
    return link(f"/projects/{issue.project.key}/issues/{issue.number}/")


def _issue_new(notification: Notification) -> tuple[str, dict]:
    issue = _issue(notification.context["issue"])
    subject = _("[%(key)s] New %(severity)s issue %(ref)s: %(title)s") % {
        "key": issue.project.key,
        "severity": issue.severity,
        "ref": issue.ref,
        "title": issue.title,
    }
    return subject, {"issue": issue, "url": _issue_url(issue)}


def _sla_breach(notification: Notification) -> tuple[str, dict]:
    issue = _issue(notification.context["issue"])
    metric = notification.context["metric"]
    level = notification.context.get("level", 1)
    values = {"key": issue.project.key, "ref": issue.ref, "title": issue.title}
    if metric == "response":
        subject = (
            _("[%(key)s] Response SLA breached: %(ref)s %(title)s")
            if level == 1
            else _("[%(key)s] Escalation: %(ref)s still has no response: %(title)s")
        )
        due = issue.response_due_at
    else:
        subject = (
            _("[%(key)s] Resolution SLA breached: %(ref)s %(title)s")
            if level == 1
            else _("[%(key)s] Escalation: %(ref)s is still not resolved: %(title)s")
        )
        due = issue.resolution_due_at
    return subject % values, {
        "issue": issue,
        "metric": metric,
        "level": level,
        "due": due,
        "url": _issue_url(issue),
    }


def _signoff_request(notification: Notification) -> tuple[str, dict]:
    from golive.accounts.models import User
    from golive.lifecycle.models import Phase

    phase = Phase.objects.select_related("project").get(pk=notification.context["phase"])
    requested_by = User.objects.filter(pk=notification.context.get("requested_by")).first()
    name = translation.gettext(phase.name)  # a stored name, translated when the catalogue has it
    subject = _("[%(key)s] Please sign off the %(phase)s phase") % {"key": phase.project.key, "phase": name}
    return subject, {
        "phase": phase,
        "phase_name": name,
        "requested_by": requested_by,
        "message": notification.context.get("message", ""),
        "url": link(f"/projects/{phase.project.key}/"),
    }


def _hypercare_digest(notification: Notification) -> tuple[str, dict]:
    from golive.hypercare.selectors import hypercare_status

    project = notification.project
    day = dt.date.fromisoformat(notification.context["day"])
    as_of = dt.datetime.fromisoformat(notification.context["as_of"])
    tz = zoneinfo.ZoneInfo(project.timezone)
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(), tz)
    end = dt.datetime.combine(day, dt.time(), tz)
    arrivals = Issue.objects.filter(project=project, reported_at__gte=start, reported_at__lt=end).order_by("number")
    breached = Issue.objects.filter(project=project, status__in=OPEN_STATUSES).filter(reported_at__lte=as_of) & (
        Issue.objects.filter(response_breached=True) | Issue.objects.filter(resolution_breached=True)
    )
    status = hypercare_status(project=project, as_of=as_of)
    subject = _("[%(key)s] Hypercare digest for %(day)s") % {"key": project.key, "day": day.isoformat()}
    return subject, {
        "day": day,
        "yesterday": day - dt.timedelta(days=1),
        "arrivals": list(arrivals[:20]),
        "arrival_count": arrivals.count(),
        "breached": list(breached.order_by("number")[:10]),
        "breached_count": breached.count(),
        "status": status,
        "open_by_severity": list(status["open_by_severity"].items()),
        "url": link(f"/projects/{project.key}/hypercare/"),
    }


def _uat_reminder(notification: Notification) -> tuple[str, dict]:
    from django.db.models import Exists, OuterRef

    from golive.uat.models import Assignment, Cycle, Run

    cycle = Cycle.objects.select_related("project").get(pk=notification.context["cycle"])
    scenarios = [
        a.scenario
        for a in Assignment.objects.filter(cycle=cycle, tester=notification.recipient)
        .exclude(Exists(Run.objects.filter(cycle=cycle, scenario=OuterRef("scenario"))))
        .select_related("scenario")
        .order_by("scenario__ref")
    ]
    subject = _("[%(key)s] UAT cycle %(cycle)d: %(count)d scenarios still to run") % {
        "key": cycle.project.key,
        "cycle": cycle.number,
        "count": len(scenarios),
    }
    return subject, {"cycle": cycle, "scenarios": scenarios, "url": link(f"/projects/{cycle.project.key}/")}


def _training_reminder(notification: Notification) -> tuple[str, dict]:
    from golive.training.models import TrainingSession

    session = TrainingSession.objects.select_related("project", "trainer").get(pk=notification.context["session"])
    subject = _("[%(key)s] Training reminder: %(title)s") % {"key": session.project.key, "title": session.title}
    return subject, {
        "session": session,
        "url": link(f"/projects/{session.project.key}/training/sessions/{session.pk}/"),
    }


BUILDERS = {
    NotificationKind.ISSUE_NEW: _issue_new,
    NotificationKind.SLA_BREACH: _sla_breach,
    NotificationKind.SIGNOFF_REQUEST: _signoff_request,
    NotificationKind.HYPERCARE_DIGEST: _hypercare_digest,
    NotificationKind.UAT_REMINDER: _uat_reminder,
    NotificationKind.TRAINING_REMINDER: _training_reminder,
}


def render(notification: Notification) -> Message:
    """The e-mail of a notification for its recipient (language, time zone), built from the rows it names."""
    user = notification.recipient
    language = language_for(user)
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(user.timezone)):
        subject, context = BUILDERS[notification.kind](notification)
        context.update(
            {
                "recipient": user,
                "project": notification.project,
                "kind_label": NotificationKind(notification.kind).label,
                "preferences_url": link("/notifications/preferences/"),
                "time_zone": user.timezone,
                "LANGUAGE_CODE": language,
            }
        )
        text = render_to_string(f"notify/email/{notification.kind}.txt", context)
        html = render_to_string(f"notify/email/{notification.kind}.html", context)
    return Message(to=user.email, subject=" ".join(subject.split()), text=text, html=html, language=language)
