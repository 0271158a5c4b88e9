"""Engagement state for tests, built through the real services (STYLE.md 7).

Also used by the engagement rows of ``tests/permissions.py``, so it must not import that module.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.engagement import services
from golive.engagement.models import Decision, Feedback, Meeting, Requirement


def requirement(world, ref: str, *, project=None, actor=None, **fields) -> Requirement:
    fields.setdefault("title", f"Requirement {ref}")
    return services.requirement_create(actor=actor or world.lead, project=project or world.project, ref=ref, **fields)


def meeting(world, kind: str = "status", *, project=None, actor=None, starts_at=None, **fields) -> Meeting:
    """A meeting that took place yesterday unless ``starts_at`` says otherwise."""
    fields.setdefault("title", f"{kind.title()} meeting")
    return services.meeting_create(
        actor=actor or world.lead,
        project=project or world.project,
        kind=kind,
        starts_at=starts_at or timezone.now() - dt.timedelta(days=1),
        **fields,
    )


def feedback(world, on: Meeting, text: str = "Make the export faster", *, actor=None, **fields) -> Feedback:
    return services.feedback_create(
        actor=actor or world.customer_member, project=on.project, meeting=on, text=text, **fields
    )


def decision(world, title: str = "Drop the legacy import", *, stakeholders=(), project=None, **fields) -> Decision:
    return services.decision_record(
        actor=world.lead,
        project=project or world.project,
        title=title,
        decision=fields.pop("decision", "Agreed."),
        stakeholders_present=stakeholders,
        **fields,
    )


def engagement_counts() -> dict[str, int]:
    """Rows a refused request must leave as they were."""
    return {m.__name__: m.objects.count() for m in (Requirement, Meeting, Feedback, Decision, AuditEvent)}


# Path parameters and payloads of the permission rows (tests/permissions.py).


def requirement_params(world) -> dict:
    return {"ref": requirement(world, "REQ-1").ref}


def meeting_params(world) -> dict:
    return {"meeting_id": str(meeting(world, attendees=[world.lead]).pk)}


def feedback_params(world) -> dict:
    review = meeting(world, "review", phase="alpha_review")
    return {"feedback_id": str(feedback(world, review).pk)}


def large_feedback_params(world) -> dict:
    review = meeting(world, "review", phase="alpha_review")
    return {"feedback_id": str(feedback(world, review, "Approvals need a second level", size="large").pk)}


def feedback_payload(world) -> dict:
    review = meeting(world, "review", phase="alpha_review")
    return {"meeting": review.pk, "text": "The menu is hard to find", "size": "small"}


def meeting_payload(world) -> dict:
    starts_at = (timezone.now() + dt.timedelta(days=2)).isoformat()
    return {"kind": "status", "title": "Weekly status", "starts_at": starts_at, "attendees": ["lead", "customer_lead"]}
