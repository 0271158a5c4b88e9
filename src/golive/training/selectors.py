"""Reads of training, always within a project the caller may see; and the coverage figures of the gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from golive.lifecycle.models import Phase
from golive.training.models import Attendance, AttendanceStatus, Material, SessionKind, TrainingSession

DEFAULT_MIN_ATTENDANCE_PERCENT = 80
COVERAGE_CODE = "training_coverage_met"


def _with_counts(qs: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return qs.select_related("trainer", "created_by").annotate(
        **{
            f"{status}_count": Count("attendances", filter=Q(attendances__status=status))
            for status in AttendanceStatus.values
        }
    )


def session_list(*, project, filters: dict | None = None) -> QuerySet[TrainingSession]:
    """The project's sessions in time order (filters ``kind``, ``mode``, ``business_process``), each with its
    attendance counts, in one query."""
    qs = TrainingSession.objects.filter(project=project)
    filters = filters or {}
    for field in ("kind", "mode"):
        if filters.get(field):
            qs = qs.filter(**{f"{field}__in": filters[field].split(",")})
    if filters.get("business_process"):
        qs = qs.filter(business_process=filters["business_process"])
    return _with_counts(qs).order_by("starts_at", "id")


def session_get(*, project, session_id) -> TrainingSession:
    """One session of the project; another project's session is the same 404 as a missing one."""
    try:
        session = _with_counts(TrainingSession.objects.filter(project=project)).get(pk=int(session_id))
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such training session.") from None
    session.project = project
    return session


def attendance_list(*, session, filters: dict | None = None) -> QuerySet[Attendance]:
    qs = Attendance.objects.filter(session=session).select_related("user", "recorded_by")
    if filters and filters.get("status"):
        qs = qs.filter(status__in=filters["status"].split(","))
    return qs


def material_list(*, project, filters: dict | None = None) -> QuerySet[Material]:
    """The project's materials, by business process (filters ``business_process``, ``kind``)."""
    qs = Material.objects.filter(project=project).select_related("created_by")
    filters = filters or {}
    if filters.get("business_process"):
        qs = qs.filter(business_process=filters["business_process"])
    if filters.get("kind"):
        qs = qs.filter(kind__in=filters["kind"].split(","))
    return qs


def material_get(*, project, material_id) -> Material:
    try:
        return Material.objects.get(project=project, pk=int(material_id))
    except (Material.DoesNotExist, ValueError, TypeError):
        raise Http404("No such material.") from None


@dataclass
class Coverage:
    """Training figures of one project at an instant."""

    as_of: dt.datetime
    train_the_trainer_sessions: int = 0
    train_the_trainer_started: int = 0
    end_user_sessions: int = 0
    end_user_started: int = 0
    attended: int = 0
    absent: int = 0
    invited: int = 0

    @property
    def attendance_percent(self) -> float | None:
        """attended / (attended + absent + invited) over end-user sessions started by ``as_of``."""
        total = self.attended + self.absent + self.invited
        return round(100 * self.attended / total, 1) if total else None

    def as_dict(self) -> dict:
        return {**asdict(self), "attendance_percent": self.attendance_percent}


def coverage_for_projects(project_ids, *, as_of: dt.datetime | None = None) -> dict[int, Coverage]:
    """Coverage figures of many projects in two queries, whatever their number."""
    as_of = as_of or timezone.now()
    ids = set(project_ids)
    found = {pid: Coverage(as_of=as_of) for pid in ids}
    started = Q(starts_at__lte=as_of)
    ttt, end_user = Q(kind=SessionKind.TRAIN_THE_TRAINER), Q(kind=SessionKind.END_USER)
    for row in (
        TrainingSession.objects.filter(project__in=ids)
        .values("project_id")
        .annotate(
            ttt=Count("id", filter=ttt),
            ttt_started=Count("id", filter=ttt & started),
            eu=Count("id", filter=end_user),
            eu_started=Count("id", filter=end_user & started),
        )
        .order_by()
    ):
        figures = found[row["project_id"]]
        figures.train_the_trainer_sessions, figures.train_the_trainer_started = row["ttt"], row["ttt_started"]
        figures.end_user_sessions, figures.end_user_started = row["eu"], row["eu_started"]
    for row in (
        Attendance.objects.filter(
            session__project__in=ids, session__kind=SessionKind.END_USER, session__starts_at__lte=as_of
        )
        .values("session__project_id")
        .annotate(**{status: Count("id", filter=Q(status=status)) for status in AttendanceStatus.values})
        .order_by()
    ):
        figures = found[row["session__project_id"]]
        figures.attended, figures.absent, figures.invited = row["attended"], row["absent"], row["invited"]
    return found


def min_attendance_percent(params: dict) -> float:
    return float(params.get("min_attendance_percent", DEFAULT_MIN_ATTENDANCE_PERCENT))


def coverage_params(*, project) -> dict:
    """The criterion's params on the project's training phase gate (a template may change the threshold)."""
    phase = Phase.objects.filter(project=project, key="training").only("gate").first()
    for spec in phase.gate if phase else []:
        if spec.get("code") == COVERAGE_CODE:
            return spec.get("params") or {}
    return {}
