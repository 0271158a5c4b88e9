"""Reads of calendars: the caller's feeds, and the events of a set of projects in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from golive.calendars.models import CalendarFeed
from golive.cutover.models import GoLive
from golive.hypercare.models import HypercareWindow
from golive.lifecycle.models import Phase, Project
from golive.lifecycle.selectors import project_list_for_user
from golive.training.models import SessionKind, TrainingSession


def feed_list(*, user) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(user=user)


def feed_get(*, user, feed_id) -> CalendarFeed:
    """One of the caller's own feeds; anyone else's is the same 404 as a missing one."""
    try:
        return CalendarFeed.objects.get(user=user, pk=int(feed_id))
    except (CalendarFeed.DoesNotExist, ValueError, TypeError):
        raise Http404("No such calendar feed.") from None


def feed_by_token(token: str) -> CalendarFeed:
    """The active feed of a secret token; an unknown or revoked token, or a deactivated user, is 404."""
    feed = (
        CalendarFeed.objects.select_related("user__organization")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar feed.")
    return feed


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT: timed (``start``/``end`` aware datetimes) or all-day (``start``/``end`` dates, end exclusive).
    ``end`` None is an instant."""

    uid: str
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date | None = None
    description: str = ""
    location: str = ""


def _session_event(session: TrainingSession, key: str) -> CalendarEvent:
    kind = _("Train the trainer") if session.kind == SessionKind.TRAIN_THE_TRAINER else _("End-user training")
    lines = [f"{kind}: {session.title}"]
    if session.business_process:
        lines.append(_("Business process: %(process)s") % {"process": session.business_process})
    if session.trainer_id:
        lines.append(_("Trainer: %(name)s") % {"name": session.trainer.get_full_name() or session.trainer.username})
    if session.audience:
        lines.append(_("Audience: %(audience)s") % {"audience": session.audience})
    if session.notes:
        lines.append(session.notes)
    return CalendarEvent(
        uid=f"training-{session.pk}@golive",
        summary=f"[{key}] {session.title}",
        start=session.starts_at,
        end=session.starts_at + dt.timedelta(minutes=session.duration_minutes),
        description="\n".join(lines),
        location=session.location,
    )


def _meetings(project_ids) -> list:
    """The engagement app's meetings, when that app is installed."""
    if not apps.is_installed("golive.engagement"):
        return []
    try:
        from golive.engagement.models import Meeting
    except ImportError:  # pragma: no cover - an engagement app without meetings
        return []
    return list(Meeting.objects.filter(project__in=project_ids).order_by("starts_at", "id"))


def events_for_projects(projects) -> list[CalendarEvent]:
    """Every dated event of the projects: training sessions, meetings, the cutover week, go-live (actual, or
    planned as an all-day event) and the hypercare window. The number of queries does not depend on how many
    projects or events there are."""
    projects = {p.pk: p for p in projects}
    ids = list(projects)
    if not ids:
        return []
    events: list[CalendarEvent] = []
    for session in TrainingSession.objects.filter(project__in=ids).select_related("trainer").order_by("starts_at"):
        events.append(_session_event(session, projects[session.project_id].key))
    for meeting in _meetings(ids):
        key = projects[meeting.project_id].key
        events.append(
            CalendarEvent(
                uid=f"meeting-{meeting.pk}@golive",
                summary=f"[{key}] {meeting.title}",
                start=meeting.starts_at,
                end=meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes),
                description=getattr(meeting, "agenda", "") or "",
                location=getattr(meeting, "location", "") or "",
            )
        )
    golives = {g.project_id: g for g in GoLive.objects.filter(project__in=ids)}
    for phase in Phase.objects.filter(project__in=ids, key="deployment", planned_start__isnull=False):
        if phase.project_id in golives or phase.planned_end is None:
            continue
        project = projects[phase.project_id]
        events.append(
            CalendarEvent(
                uid=f"cutover-{project.pk}@golive",
                summary=_("[%(key)s] Cutover (deployment week)") % {"key": project.key},
                start=phase.planned_start,
                end=phase.planned_end + dt.timedelta(days=1),
                description=_("Planned deployment and cutover of %(name)s.") % {"name": project.name},
            )
        )
    for project in projects.values():
        golive = golives.get(project.pk)
        if golive is not None:
            events.append(
                CalendarEvent(
                    uid=f"golive-{project.pk}@golive",
                    summary=_("[%(key)s] Go-live") % {"key": project.key},
                    start=golive.at,
                    description=_("%(name)s went live.") % {"name": project.name},
                )
            )
        elif project.planned_go_live is not None:
            events.append(
                CalendarEvent(
                    uid=f"golive-{project.pk}@golive",
                    summary=_("[%(key)s] Planned go-live") % {"key": project.key},
                    start=project.planned_go_live,
                    end=project.planned_go_live + dt.timedelta(days=1),
                    description=_("Planned go-live of %(name)s.") % {"name": project.name},
                )
            )
    for window in HypercareWindow.objects.filter(project__in=ids):
        project = projects[window.project_id]
        events.append(
            CalendarEvent(
                uid=f"hypercare-{project.pk}@golive",
                summary=_("[%(key)s] Hypercare") % {"key": project.key},
                start=window.starts_at,
                end=window.exited_at or window.planned_end,
                description=_("Hypercare of %(name)s, planned until %(end)s.")
                % {"name": project.name, "end": window.planned_end.isoformat(timespec="minutes")},
            )
        )
    return events


def events_for_user(user) -> list[CalendarEvent]:
    """The events of every project the user may currently see."""
    return events_for_projects(project_list_for_user(user).only("pk", "key", "name", "planned_go_live"))


def events_for_project(project: Project) -> list[CalendarEvent]:
    return events_for_projects([project])
