"""Builders of training states, through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from golive.training import services
from golive.training.models import TrainingSession


def make_session(world, *, kind: str = "end_user", days: float = -1, project=None, **fields) -> TrainingSession:
    """A session of ACME (or ``project``) starting ``days`` days from now (negative: in the past)."""
    fields.setdefault("title", f"{kind} session")
    return services.session_create(
        actor=world.lead,
        project=project or world.project,
        kind=kind,
        starts_at=timezone.now() + dt.timedelta(days=days),
        **fields,
    )


def mark(world, session: TrainingSession, statuses: dict[str, str]) -> None:
    """Record ``{attendee: status}`` on a session."""
    for attendee, status in statuses.items():
        services.attendance_record(actor=world.lead, session=session, attendee=attendee, status=status)
