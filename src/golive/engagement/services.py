"""Writes of the engagement: requirements, meetings, review feedback (one guarded function per move) and
decisions. Every write runs in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.accounts.models import Membership
from golive.audit.services import audit_record, diff
from golive.engagement.models import (
    Decision,
    Feedback,
    FeedbackSize,
    FeedbackStatus,
    Meeting,
    MeetingKind,
    Requirement,
    RequirementSource,
)
from golive.errors import TransitionRefused
from golive.lifecycle.models import Phase, Project

REQUIREMENT_FIELDS = ("title", "description", "source", "priority", "scope", "change_request", "expectation", "gap")


def _members(project: Project, users) -> None:
    """Refuse users who are not members of the project (attendees, stakeholders)."""
    users = list(users)
    member_ids = set(Membership.objects.filter(project=project, user__in=users).values_list("user_id", flat=True))
    strangers = [u.username for u in users if u.pk not in member_ids and not u.is_admin]
    if strangers:
        raise ValidationError(_("Not members of the project: %(names)s.") % {"names": ", ".join(strangers)})


@transaction.atomic
def requirement_create(*, actor, project: Project, ref: str, title: str, **fields) -> Requirement:
    """Add a customer request to the register."""
    unknown = set(fields) - set(REQUIREMENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    requirement = Requirement(project=project, ref=ref, title=title, created_by=actor, **fields)
    requirement.full_clean(validate_constraints=False)
    if Requirement.objects.filter(project=project, ref=ref).exists():
        raise ValidationError({"ref": _("The project already has a requirement %(ref)s.") % {"ref": ref}})
    try:
        with transaction.atomic():
            requirement.save()
    except IntegrityError:
        raise ValidationError({"ref": _("The project already has a requirement %(ref)s.") % {"ref": ref}}) from None
    audit_record(
        actor=actor,
        action="requirement.created",
        obj=requirement,
        project=project,
        changes={"ref": ref, "title": title, **fields},
    )
    return requirement


@transaction.atomic
def requirement_update(*, actor, requirement: Requirement, **fields) -> Requirement:
    """Change a requirement's fields (scope as the build progresses, priority, the gap...)."""
    unknown = set(fields) - set(REQUIREMENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    changes = diff(requirement, fields)
    if not changes:
        return requirement
    requirement.full_clean(validate_constraints=False)
    requirement.save()
    audit_record(
        actor=actor, action="requirement.updated", obj=requirement, project=requirement.project, changes=changes
    )
    return requirement


def _review_phase(project: Project, phase_key: str | None) -> Phase | None:
    if not phase_key:
        return None
    phase = Phase.objects.filter(project=project, key=phase_key).first()
    if phase is None:
        raise ValidationError({"phase": _("The project has no phase %(key)s.") % {"key": phase_key}})
    return phase


def _guests(guests) -> list[str]:
    cleaned = []
    for guest in guests or []:
        text = str(guest).strip()
        if not text:
            continue
        if "@" in text:
            try:
                validate_email(text)
            except ValidationError:
                raise ValidationError(
                    {"guests": _("%(guest)s is not a valid e-mail address.") % {"guest": text}}
                ) from None
        cleaned.append(text[:200])
    return cleaned


@transaction.atomic
def meeting_create(
    *,
    actor,
    project: Project,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    duration_minutes: int = 60,
    attendees=(),
    guests=(),
    location: str = "",
    agenda: str = "",
    notes: str = "",
    phase: str | None = None,
) -> Meeting:
    """Schedule or record a meeting. A review meeting without a phase belongs to the current phase."""
    phase_obj = _review_phase(project, phase)
    if phase_obj is None and kind == MeetingKind.REVIEW:
        phase_obj = project.current_phase
    try:
        _members(project, attendees)
    except ValidationError as exc:
        raise ValidationError({"attendees": exc.messages}) from None
    meeting = Meeting(
        project=project,
        kind=kind,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        guests=_guests(guests),
        location=location,
        agenda=agenda,
        notes=notes,
        phase=phase_obj,
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    audit_record(
        actor=actor,
        action="meeting.created",
        obj=meeting,
        project=project,
        changes={
            "kind": kind,
            "title": title,
            "starts_at": starts_at,
            "attendees": [u.username for u in attendees],
            "phase": phase_obj.key if phase_obj else None,
        },
    )
    return meeting


MEETING_FIELDS = ("title", "starts_at", "duration_minutes", "location", "agenda", "notes")


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, attendees=None, guests=None, **fields) -> Meeting:
    """Edit a meeting: its notes during and after it, its time, attendees and guests."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if guests is not None:
        fields["guests"] = _guests(guests)
    changes = diff(meeting, fields)
    if attendees is not None:
        try:
            _members(meeting.project, attendees)
        except ValidationError as exc:
            raise ValidationError({"attendees": exc.messages}) from None
        before = sorted(meeting.attendees.values_list("username", flat=True))
        after = sorted(u.username for u in attendees)
        if before != after:
            changes["attendees"] = [before, after]
    if not changes:
        return meeting
    meeting.full_clean()
    meeting.save()
    if attendees is not None:
        meeting.attendees.set(attendees)
    audit_record(actor=actor, action="meeting.updated", obj=meeting, project=meeting.project, changes=changes)
    return meeting


@transaction.atomic
def feedback_create(
    *,
    actor,
    project: Project,
    meeting: Meeting,
    text: str,
    size: str = FeedbackSize.SMALL,
    requirement: Requirement | None = None,
    status: str = FeedbackStatus.OPEN,
) -> Feedback:
    """Record a remark made during a review (listen openly and record everything)."""
    if meeting.project_id != project.pk:
        raise ValidationError({"meeting": _("The meeting belongs to another project.")})
    if requirement is not None and requirement.project_id != project.pk:
        raise ValidationError({"requirement": _("The requirement belongs to another project.")})
    feedback = Feedback(
        project=project,
        meeting=meeting,
        requirement=requirement,
        text=text,
        size=size,
        status=status,
        created_by=actor,
        status_changed_at=timezone.now() if status != FeedbackStatus.OPEN else None,
    )
    feedback.full_clean()
    feedback.save()
    audit_record(
        actor=actor,
        action="feedback.created",
        obj=feedback,
        project=project,
        changes={
            "meeting": meeting.pk,
            "text": text,
            "size": size,
            "status": status,
            "requirement": requirement.ref if requirement else None,
        },
    )
    return feedback


FEEDBACK_FIELDS = ("text", "size", "requirement", "resolution")


@transaction.atomic
def feedback_update(*, actor, feedback: Feedback, **fields) -> Feedback:
    """Edit a feedback item's text, size, linked requirement or how it was addressed."""
    unknown = set(fields) - set(FEEDBACK_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    requirement = fields.get("requirement")
    if requirement is not None and requirement.project_id != feedback.project_id:
        raise ValidationError({"requirement": _("The requirement belongs to another project.")})
    changes = diff(feedback, fields)
    if not changes:
        return feedback
    feedback.full_clean()
    feedback.save()
    shown = {k: [getattr(v, "ref", v) for v in pair] for k, pair in changes.items()}
    audit_record(actor=actor, action="feedback.updated", obj=feedback, project=feedback.project, changes=shown)
    return feedback


def _feedback_move(actor, feedback: Feedback, target: str, note: str = "") -> Feedback:
    feedback = Feedback.objects.select_for_update().select_related("project").get(pk=feedback.pk)
    if not feedback.can_move_to(target):
        raise TransitionRefused(
            _("Feedback %(id)s cannot move from %(from)s to %(to)s.")
            % {"id": feedback.pk, "from": feedback.status, "to": target}
        )
    source = feedback.status
    feedback.status = target
    feedback.status_changed_at = timezone.now()
    if note:
        feedback.resolution = note
    feedback.save(update_fields=["status", "status_changed_at", "resolution", "updated_at"])
    audit_record(
        actor=actor,
        action="feedback.status_changed",
        obj=feedback,
        project=feedback.project,
        changes={"status": [source, target], "note": note},
    )
    return feedback


@transaction.atomic
def feedback_accept(*, actor, feedback: Feedback, note: str = "") -> Feedback:
    """open -> accepted: it will be built."""
    return _feedback_move(actor, feedback, FeedbackStatus.ACCEPTED, note)


@transaction.atomic
def feedback_reject(*, actor, feedback: Feedback, note: str = "") -> Feedback:
    """open or accepted -> rejected: it will not be built (say why in ``note``)."""
    return _feedback_move(actor, feedback, FeedbackStatus.REJECTED, note)


@transaction.atomic
def feedback_done(*, actor, feedback: Feedback, note: str = "") -> Feedback:
    """open or accepted -> done: addressed in the build; ``note`` says how, for the next demo."""
    return _feedback_move(actor, feedback, FeedbackStatus.DONE, note)


@transaction.atomic
def feedback_reopen(*, actor, feedback: Feedback, note: str = "") -> Feedback:
    """rejected or done -> open."""
    return _feedback_move(actor, feedback, FeedbackStatus.OPEN, note)


def feedback_set_status(*, actor, feedback: Feedback, status: str, note: str = "") -> Feedback:
    """Route a requested status to its one transition service (used by PATCH ``status``)."""
    if status == feedback.status:
        return feedback
    move = {
        FeedbackStatus.ACCEPTED: feedback_accept,
        FeedbackStatus.REJECTED: feedback_reject,
        FeedbackStatus.DONE: feedback_done,
        FeedbackStatus.OPEN: feedback_reopen,
    }.get(status)
    if move is None:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    return move(actor=actor, feedback=feedback, note=note)


@transaction.atomic
def feedback_to_change_request(*, actor, feedback: Feedback, ref: str, title: str = "") -> Requirement:
    """Turn a large feedback item into a change request in one step: a new requirement flagged
    ``change_request``, linked from the feedback, which is accepted."""
    # Lock only the feedback row: PostgreSQL refuses FOR UPDATE on the outer join to the optional phase.
    feedback = (
        Feedback.objects.select_for_update(of=("self",)).select_related("project", "meeting__phase").get(pk=feedback.pk)
    )
    if feedback.size != FeedbackSize.LARGE:
        raise TransitionRefused(_("Only large feedback becomes a change request; small items fit the build."))
    if feedback.requirement_id and feedback.requirement.change_request:
        raise TransitionRefused(_("This feedback is already a change request."))
    phase_key = feedback.meeting.phase.key if feedback.meeting.phase else None
    source = phase_key if phase_key in RequirementSource.values else RequirementSource.MEETING
    requirement = requirement_create(
        actor=actor,
        project=feedback.project,
        ref=ref,
        title=title or feedback.text[:300],
        description=feedback.text,
        source=source,
        change_request=True,
    )
    feedback.requirement = requirement
    feedback.save(update_fields=["requirement", "updated_at"])
    if feedback.status == FeedbackStatus.OPEN:
        _feedback_move(actor, feedback, FeedbackStatus.ACCEPTED, _("Became change request %(ref)s.") % {"ref": ref})
    audit_record(
        actor=actor,
        action="feedback.change_request",
        obj=feedback,
        project=feedback.project,
        changes={"requirement": ref},
    )
    return requirement


@transaction.atomic
def decision_record(
    *,
    actor,
    project: Project,
    title: str,
    decision: str,
    decided_at: dt.datetime | None = None,
    stakeholders_present=(),
    excluded_scope: bool = False,
) -> Decision:
    """Log a decision and who was there to take it."""
    stakeholders = list(stakeholders_present)
    try:
        _members(project, stakeholders)
    except ValidationError as exc:
        raise ValidationError({"stakeholders_present": exc.messages}) from None
    decided_at = decided_at or timezone.now()
    if decided_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"decided_at": _("A decision cannot be taken in the future.")})
    entry = Decision(
        project=project,
        title=title,
        decision=decision,
        decided_at=decided_at,
        excluded_scope=excluded_scope,
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    entry.stakeholders_present.set(stakeholders)
    audit_record(
        actor=actor,
        action="decision.recorded",
        obj=entry,
        project=project,
        changes={
            "title": title,
            "decision": decision,
            "decided_at": decided_at,
            "stakeholders_present": [u.username for u in stakeholders],
        },
    )
    return entry
