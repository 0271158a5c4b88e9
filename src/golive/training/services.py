"""Writes of training: sessions, attendance and materials. Each runs in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from golive.accounts.models import Membership, User
from golive.audit.services import audit_record, diff
from golive.lifecycle.models import Project
from golive.tracker.services import checked_upload
from golive.training.models import Attendance, AttendanceStatus, Material, TrainingSession


def _check_trainer(project: Project, trainer: User | None) -> None:
    if trainer is not None and not Membership.objects.filter(project=project, user=trainer).exists():
        raise ValidationError({"trainer": _("The trainer must be a member of the project.")})


@transaction.atomic
def session_create(
    *,
    actor,
    project: Project,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    duration_minutes: int = 60,
    location: str = "",
    mode: str = "virtual",
    trainer: User | None = None,
    audience: str = "",
    capacity: int | None = None,
    business_process: str = "",
    notes: str = "",
) -> TrainingSession:
    """Schedule a training session. The trainer, if named, must be a member of the project."""
    _check_trainer(project, trainer)
    session = TrainingSession(
        project=project,
        kind=kind,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        mode=mode,
        trainer=trainer,
        audience=audience,
        capacity=capacity,
        business_process=business_process,
        notes=notes,
        created_by=actor,
    )
    session.full_clean()
    session.save()
    audit_record(
        actor=actor,
        action="training_session.created",
        obj=session,
        project=project,
        changes={
            "kind": kind,
            "title": title,
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "mode": mode,
            "trainer": trainer.username if trainer else None,
        },
    )
    return session


SESSION_EDITABLE = (
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "location",
    "mode",
    "trainer",
    "audience",
    "capacity",
    "business_process",
    "notes",
)


@transaction.atomic
def session_update(*, actor, session: TrainingSession, **fields) -> TrainingSession:
    """Change a session's fields (reschedule, move online, name the trainer...)."""
    unknown = set(fields) - set(SESSION_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    project = session.project
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    session.project = project
    if "trainer" in fields:
        _check_trainer(project, fields["trainer"])
    changes = diff(session, fields)
    if not changes:
        return session
    session.full_clean()
    session.save()
    shown = {k: [getattr(v, "username", v) for v in pair] for k, pair in changes.items()}
    audit_record(actor=actor, action="training_session.updated", obj=session, project=project, changes=shown)
    return session


def _attendee(project: Project, attendee: str) -> tuple[User | None, str]:
    """``(user, "")`` for a member's username, ``(None, email)`` for a guest's e-mail address."""
    text = (attendee or "").strip()
    if not text:
        raise ValidationError({"attendee": _("Name a project member's username or an e-mail address.")})
    user = User.objects.filter(username=text).first()
    if user is not None:
        if not Membership.objects.filter(project=project, user=user).exists():
            raise ValidationError({"attendee": _("%(name)s is not a member of this project.") % {"name": text}})
        return user, ""
    try:
        validate_email(text)
    except ValidationError:
        raise ValidationError(
            {"attendee": _("%(name)s is neither a member of this project nor an e-mail address.") % {"name": text}}
        ) from None
    return None, text.lower()


@transaction.atomic
def attendance_record(*, actor, session: TrainingSession, attendee: str, status: str) -> tuple[Attendance, bool]:
    """Record that a member (by username) or a guest (by e-mail address) was invited to, attended or missed a
    session. Recording the same attendee again updates the status. Returns ``(attendance, created)``."""
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    user, email = _attendee(session.project, attendee)
    lookup = {"user": user} if user is not None else {"email": email}
    row = Attendance.objects.select_for_update().filter(session=session, **lookup).first()
    created = row is None
    old = None if created else row.status
    if created:
        row = Attendance(session=session, user=user, email=email, status=status, recorded_by=actor)
        row.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # recorded concurrently by someone else: update that row instead
            row = Attendance.objects.select_for_update().get(session=session, **lookup)
            created, old = False, row.status
    if not created:
        if old == status:
            return row, False
        row.status = status
        row.recorded_by = actor
        row.save(update_fields=["status", "recorded_by", "updated_at"])
    audit_record(
        actor=actor,
        action="training_attendance.recorded",
        obj=session,
        project=session.project,
        changes={"attendee": row.attendee, "status": [old, status]},
    )
    return row, created


@transaction.atomic
def material_add(
    *,
    actor,
    project: Project,
    business_process: str,
    title: str,
    kind: str,
    url: str = "",
    upload=None,
    differences_from_legacy: str = "",
) -> Material:
    """Add training material for a business process: a link (``url``), an uploaded file, or both."""
    if not url and upload is None:
        raise ValidationError({"url": _("Give a link or upload a file.")})
    material = Material(
        project=project,
        business_process=business_process,
        title=title,
        kind=kind,
        url=url,
        differences_from_legacy=differences_from_legacy,
        created_by=actor,
    )
    material.full_clean(exclude=["file"])
    if upload is not None:
        material.file_name, material.content_type = checked_upload(upload)
        material.size = upload.size
        material.file.save(material.file_name, upload, save=False)
    try:
        material.save()
        audit_record(
            actor=actor,
            action="training_material.added",
            obj=material,
            project=project,
            changes={
                "business_process": business_process,
                "title": title,
                "kind": kind,
                "url": url,
                "file": material.file_name,
                "size": material.size,
            },
        )
    except Exception:
        if material.file:
            material.file.delete(save=False)  # no orphan file without its row
        raise
    return material
