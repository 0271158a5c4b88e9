"""Writes of the issue desk: create, edit, the status moves (one guarded function each), comments,
attachments, the SLA policy and the breach sweep.

Every write runs in one transaction, appends a line to the issue's timeline and an audit event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, CharField, DateTimeField, JSONField, Q, Value
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from golive import rows
from golive.accounts.models import VENDOR_ROLES, Membership, User
from golive.audit.models import AuditEvent
from golive.audit.services import audit_event, audit_record, diff
from golive.errors import NotAllowed, TransitionRefused
from golive.lifecycle.models import Project
from golive.tasks import listeners_sql, publish
from golive.tracker import businesstime
from golive.tracker.models import (
    OPEN_STATUSES,
    Attachment,
    Comment,
    Issue,
    IssueEvent,
    IssueSequence,
    IssueStatus,
    SlaPolicy,
)

# ---------------------------------------------------------------------------------------------------------------
# SLA policy and due instants


def policy_for(project: Project) -> dict:
    """The project's SLA policy, or the default one of CONTRACT.md (no query when the project was loaded with
    ``select_related("sla_policy")``)."""
    relation = Project.sla_policy.related
    if relation.is_cached(project):
        row = relation.get_cached_value(project)
    else:
        row = SlaPolicy.objects.filter(project=project).first()
    return row.policy if row else businesstime.DEFAULT_POLICY


def _pauses(issue: Issue) -> list[tuple[dt.datetime, dt.datetime | None]]:
    pauses = [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in issue.pauses]
    if issue.waiting_since is not None:
        pauses.append((issue.waiting_since, None))
    return pauses


@functools.lru_cache(maxsize=256)
def _calendar(calendar_json: str) -> businesstime.Calendar:
    # Parsing and validating a calendar costs more than the due arithmetic itself: parse each policy once.
    return businesstime.Calendar.from_dict(json.loads(calendar_json))


def compute_dues(issue: Issue, policy: dict) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Response and resolution due instants of an issue under a policy. The response clock never pauses;
    the resolution clock stops while the issue waits on the customer (None while it waits)."""
    calendar = _calendar(json.dumps(policy["calendar"], sort_keys=True))
    target = policy["targets"][issue.severity]
    response_due, _ignored = businesstime.due_at(target, calendar, issue.reported_at, [])
    _ignored, resolution_due = businesstime.due_at(target, calendar, issue.reported_at, _pauses(issue))
    return response_due, resolution_due


def _refresh_dues(issue: Issue, policy: dict | None = None) -> None:
    issue.response_due_at, issue.resolution_due_at = compute_dues(issue, policy or policy_for(issue.project))


@transaction.atomic
def sla_policy_set(*, actor, project: Project, policy: dict) -> dict:
    """Replace the project's SLA policy (validated) and recompute the due instants of its open issues."""
    try:
        normalized = businesstime.validate_policy(policy)
    except businesstime.PolicyError as exc:
        raise ValidationError({field: [message] for field, message in exc.errors.items()}) from None
    old = policy_for(project)
    SlaPolicy.objects.update_or_create(project=project, defaults={"policy": normalized})
    for issue in Issue.objects.select_for_update().filter(project=project, status__in=OPEN_STATUSES):
        issue.project = project
        _refresh_dues(issue, normalized)
        issue.save(update_fields=["response_due_at", "resolution_due_at", "updated_at"])
    audit_record(
        actor=actor, action="sla_policy.updated", obj=project, project=project, changes={"policy": [old, normalized]}
    )
    return normalized


# ---------------------------------------------------------------------------------------------------------------
# Creation and edits


def _event(issue: Issue, actor, kind: str, data: dict, *, at: dt.datetime | None = None, public: bool = True):
    return rows.insert(_event_row(issue, actor, kind, data, at=at, public=public))


def _event_row(issue: Issue, actor, kind: str, data: dict, *, at: dt.datetime | None = None, public: bool = True):
    """The timeline event :func:`_event` writes, not yet written."""
    return IssueEvent(issue=issue, actor=actor, at=at or timezone.now(), kind=kind, data=data, public=public)


def _is_vendor_side(actor, project: Project) -> bool:
    if actor.is_admin:
        return True
    role = Membership.objects.filter(project=project, user=actor).values_list("role", flat=True).first()
    return role in VENDOR_ROLES


def _check_assignee(project: Project, assignee: User | None) -> None:
    if assignee is None:
        return
    role = Membership.objects.filter(project=project, user=assignee).values_list("role", flat=True).first()
    if role not in VENDOR_ROLES:
        raise ValidationError({"assignee": _("The assignee must be a vendor-side member of the project.")})


@functools.cache
def _number_step(vendor: str) -> str:
    """The project's next number: its sequence row is created with the first issue or incremented, and stays
    locked until the transaction (or on PostgreSQL the one statement that writes the issue, whose
    ``rows.Source`` this is) ends, so concurrent creators queue and numbers never repeat, and a failed creation
    takes its number back with it. On PostgreSQL also the new issue's id (an id taken from the id sequence is
    not given back: ids may have gaps)."""
    quote = connection.ops.quote_name
    table, issues = quote(IssueSequence._meta.db_table), quote(Issue._meta.db_table)
    project, number = (quote(IssueSequence._meta.get_field(name).column) for name in ("project", "last_number"))
    returning = f"{number} AS number"
    if vendor == "postgresql":
        returning += f", nextval(pg_get_serial_sequence('{issues}', '{Issue._meta.pk.column}')) AS id"
    return (
        f"INSERT INTO {table} ({project}, {number}) VALUES (%s, 1) "
        f"ON CONFLICT ({project}) DO UPDATE SET {number} = {table}.{number} + 1 RETURNING {returning}"
    )


def _next_number(project: Project) -> int:
    """Allocate the next number inside the caller's transaction (where the intake is not one statement)."""
    with connection.cursor() as cursor:
        cursor.execute(_number_step(connection.vendor), [project.pk])
        return cursor.fetchone()[0]


def issue_create(
    *,
    actor,
    project: Project,
    title: str,
    description: str = "",
    kind: str = "incident",
    severity: str = "P3",
    category: str | None = None,
    assignee: User | None = None,
    reported_at: dt.datetime | None = None,
) -> Issue:
    """Report an issue. Vendor staff may back-date ``reported_at`` (a phone call written down later)."""
    now = timezone.now()
    if reported_at is not None:
        if not _is_vendor_side(actor, project):
            raise ValidationError({"reported_at": _("Only vendor staff may set when an issue was reported.")})
        if reported_at > now + dt.timedelta(minutes=1):
            raise ValidationError({"reported_at": _("An issue cannot be reported in the future.")})
    if project.status == Project.Status.CLOSED:
        raise TransitionRefused(_("The project is closed; report new issues to support."))
    _check_assignee(project, assignee)
    issue = Issue(
        project=project,
        number=0,
        title=title,
        description=description,
        kind=kind,
        severity=severity,
        category=category or None,
        reporter=actor,
        assignee=assignee,
        phase=project.current_phase,
        reported_at=reported_at or now,
    )
    # The related rows are loaded objects the caller already checked: validating them again would cost a query
    # each on the hottest write path (a go-live spike is mostly issue creations).
    related = ["project", "reporter", "assignee", "phase"]
    issue.full_clean(exclude=["number", *related], validate_unique=False, validate_constraints=False)
    _refresh_dues(issue)
    changes = {
        "title": title,
        "kind": kind,
        "severity": severity,
        "category": category,
        "assignee": assignee.username if assignee else None,
        "reported_at": issue.reported_at,
    }
    hints = {"severity": severity}
    listened = None
    if rows.can_insert_together(Issue, IssueEvent, AuditEvent):
        # PostgreSQL: the number and the id, the issue, its timeline event and its audit row in one statement,
        # atomic without a transaction around it (three round trips fewer for each issue of a spike), which also
        # asks whether anyone listens to the new issue. Inside a caller's transaction, a savepoint keeps a
        # failure from spoiling it, as an atomic block would.
        issue.pk, issue.number = rows.Taken("id"), rows.Taken("number")
        created, audit = _created_rows(issue, actor, changes)
        audit.object_id, audit.object_repr = rows.Taken("id"), rows.Taken("number", prefix=f"{project.key}-")
        listened = listeners_sql("issue.created", project_id=project.pk, hints=hints)
        also = [listened] if isinstance(listened, tuple) else []
        source = rows.Source(_number_step(connection.vendor), (project.pk,))
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            answers = rows.insert_together(issue, created, audit, source=source, also=also)
        if also:
            listened = answers[0]
    else:
        with transaction.atomic():
            issue.number = _next_number(project)
            rows.insert(issue)
            rows.insert_together(*_created_rows(issue, actor, changes))
    publish("issue.created", project_id=project.pk, actor_id=actor.pk, hints=hints, listened=listened, issue=issue.pk)
    return issue


def _created_rows(issue: Issue, actor, changes: dict) -> tuple[IssueEvent, AuditEvent]:
    """The timeline event and the audit row of a new issue."""
    created = _event_row(issue, actor, "created", {key: changes[key] for key in ("severity", "kind", "title")})
    audit = audit_event(actor=actor, action="issue.created", obj=issue, project=issue.project, changes=changes)
    return created, audit


def _lock(issue: Issue) -> Issue:
    locked = Issue.objects.select_for_update().get(pk=issue.pk)
    locked.project = issue.project
    return locked


EDITABLE = ("title", "description", "kind", "severity", "category", "assignee")


@transaction.atomic
def issue_update(*, actor, issue: Issue, **fields) -> Issue:
    """Edit an issue's fields (not its status: that moves through the transition services)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    issue = _lock(issue)
    if not issue.is_open and set(fields) - {"description"}:
        raise TransitionRefused(
            _("%(ref)s is %(status)s; reopen it to change it.") % {"ref": issue.ref, "status": issue.status}
        )
    if "assignee" in fields:
        _check_assignee(issue.project, fields["assignee"])
    if "category" in fields:
        fields["category"] = fields["category"] or None
    changes = diff(issue, fields)
    if not changes:
        return issue
    issue.full_clean(validate_constraints=False)
    if "severity" in changes:
        _refresh_dues(issue)
    issue.save()
    shown = {k: [getattr(v, "username", v) for v in pair] for k, pair in changes.items() if k != "description"}
    if "description" in changes:
        shown["description"] = "edited"
    _event(issue, actor, "updated", shown)
    audit_record(actor=actor, action="issue.updated", obj=issue, project=issue.project, changes=changes)
    publish("issue.updated", project_id=issue.project_id, actor_id=actor.pk, issue=issue.pk, changed=sorted(changes))
    return issue


# ---------------------------------------------------------------------------------------------------------------
# Status moves: one guarded function per transition of ISSUE_TRANSITIONS.


def _record_first_response(issue: Issue, actor, at: dt.datetime) -> None:
    """CONTRACT.md: the first response is the first public comment or status change by a vendor-side user."""
    if issue.first_response_at is None and _is_vendor_side(actor, issue.project):
        issue.first_response_at = at
        if issue.response_due_at is not None and at > issue.response_due_at:
            issue.response_breached = True


def _backfill_instant(issue: Issue, at: dt.datetime | None) -> dt.datetime:
    """``at`` for back-filled history (imports, demo): never in the future, never before the report."""
    now = timezone.now()
    if at is None:
        return now
    if at > now or at < issue.reported_at:
        raise ValidationError({"at": _("A back-filled change must fall between the report and now.")})
    return at


def _move(issue: Issue, actor, target: str, *, note: str = "", at: dt.datetime | None = None) -> Issue:
    issue = _lock(issue)
    if not issue.can_move_to(target):
        raise TransitionRefused(
            _("%(ref)s cannot move from %(from)s to %(to)s.") % {"ref": issue.ref, "from": issue.status, "to": target}
        )
    now = _backfill_instant(issue, at)
    source = issue.status
    if source == IssueStatus.WAITING_ON_CUSTOMER and issue.waiting_since is not None:
        issue.pauses = [*issue.pauses, [issue.waiting_since.isoformat(), now.isoformat()]]
        issue.waiting_since = None
    if target == IssueStatus.WAITING_ON_CUSTOMER:
        issue.waiting_since = now
    if target == IssueStatus.RESOLVED:
        issue.resolved_at = now
    if target == IssueStatus.CLOSED:
        issue.closed_at = now
    if source == IssueStatus.RESOLVED and target == IssueStatus.IN_PROGRESS:
        issue.resolved_at = None
    issue.status = target
    _record_first_response(issue, actor, now)
    _refresh_dues(issue)
    if target == IssueStatus.RESOLVED and issue.resolution_due_at and now > issue.resolution_due_at:
        issue.resolution_breached = True
    issue.save()
    _event(issue, actor, "status", {"from": source, "to": target, "note": note}, at=now)
    audit_record(
        actor=actor,
        action="issue.status_changed",
        obj=issue,
        project=issue.project,
        changes={"status": [source, target], "note": note},
    )
    publish("issue.updated", project_id=issue.project_id, actor_id=actor.pk, issue=issue.pk, changed=["status"])
    return issue


def _require_vendor(actor, issue: Issue) -> None:
    if not _is_vendor_side(actor, issue.project):
        raise NotAllowed(_("Only vendor staff move an issue through triage and work."))


@transaction.atomic
def issue_triage(*, actor, issue: Issue, note: str = "", at: dt.datetime | None = None) -> Issue:
    """new -> triaged: someone on the vendor side has looked at it."""
    _require_vendor(actor, issue)
    return _move(issue, actor, IssueStatus.TRIAGED, note=note, at=at)


@transaction.atomic
def issue_start(*, actor, issue: Issue, note: str = "", at: dt.datetime | None = None) -> Issue:
    """new, triaged or waiting_on_customer -> in_progress."""
    _require_vendor(actor, issue)
    if issue.status == IssueStatus.RESOLVED:
        raise TransitionRefused(_("%(ref)s is resolved; reopen it instead.") % {"ref": issue.ref})
    return _move(issue, actor, IssueStatus.IN_PROGRESS, note=note, at=at)


@transaction.atomic
def issue_wait_on_customer(*, actor, issue: Issue, note: str = "", at: dt.datetime | None = None) -> Issue:
    """-> waiting_on_customer: the resolution clock stops until work resumes."""
    _require_vendor(actor, issue)
    return _move(issue, actor, IssueStatus.WAITING_ON_CUSTOMER, note=note, at=at)


@transaction.atomic
def issue_resolve(*, actor, issue: Issue, note: str = "", at: dt.datetime | None = None) -> Issue:
    """-> resolved: the fix or answer is delivered."""
    _require_vendor(actor, issue)
    return _move(issue, actor, IssueStatus.RESOLVED, note=note, at=at)


@transaction.atomic
def issue_close(*, actor, issue: Issue, note: str = "", at: dt.datetime | None = None) -> Issue:
    """resolved -> closed (final). The customer may confirm a resolution by closing it."""
    return _move(issue, actor, IssueStatus.CLOSED, note=note, at=at)


@transaction.atomic
def issue_reopen(*, actor, issue: Issue, note: str = "", at: dt.datetime | None = None) -> Issue:
    """resolved -> in_progress: the fix did not hold. The customer may reopen."""
    if issue.status != IssueStatus.RESOLVED:
        raise TransitionRefused(_("Only a resolved issue can be reopened."))
    return _move(issue, actor, IssueStatus.IN_PROGRESS, note=note, at=at)


def issue_set_status(*, actor, issue: Issue, status: str, note: str = "") -> Issue:
    """Route a requested target status to its one transition service (used by PATCH ``status``)."""
    if status not in IssueStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    if status == issue.status:
        return issue
    if status == IssueStatus.IN_PROGRESS and issue.status == IssueStatus.RESOLVED:
        return issue_reopen(actor=actor, issue=issue, note=note)
    move = {
        IssueStatus.TRIAGED: issue_triage,
        IssueStatus.IN_PROGRESS: issue_start,
        IssueStatus.WAITING_ON_CUSTOMER: issue_wait_on_customer,
        IssueStatus.RESOLVED: issue_resolve,
        IssueStatus.CLOSED: issue_close,
    }.get(status)
    if move is None:
        raise TransitionRefused(
            _("%(ref)s cannot move from %(from)s to %(to)s.") % {"ref": issue.ref, "from": issue.status, "to": status}
        )
    return move(actor=actor, issue=issue, note=note)


# ---------------------------------------------------------------------------------------------------------------
# Comments and attachments


@transaction.atomic
def comment_add(*, actor, issue: Issue, body: str, public: bool = True, at: dt.datetime | None = None) -> Comment:
    """Comment on an issue. Internal comments are for vendor staff only; a public one by vendor staff can be
    the issue's first response."""
    if not body.strip():
        raise ValidationError({"body": _("A comment needs some text.")})
    vendor = _is_vendor_side(actor, issue.project)
    if not public and not vendor:
        raise ValidationError({"public": _("Only vendor staff can write internal comments.")})
    issue = _lock(issue)
    now = _backfill_instant(issue, at)
    comment = Comment(issue=issue, author=actor, body=body, public=public, created_at=now)
    comment.full_clean()
    comment.save()
    if public:
        _record_first_response(issue, actor, now)
        issue.save(update_fields=["first_response_at", "response_breached", "updated_at"])
    _event(issue, actor, "comment", {"comment": comment.pk, "public": public}, at=now, public=public)
    audit_record(
        actor=actor,
        action="issue.commented",
        obj=issue,
        project=issue.project,
        changes={"comment": comment.pk, "public": public},
    )
    return comment


ALLOWED_ATTACHMENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".mp4": "video/mp4",
}
# Leading bytes of binary types, so a renamed executable is not accepted as a picture.
MAGIC = {
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/gif": [b"GIF87a", b"GIF89a"],
    "application/pdf": [b"%PDF-"],
    "application/zip": [b"PK\x03\x04", b"PK\x05\x06"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [b"PK\x03\x04"],
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [b"PK\x03\x04"],
}


def max_attachment_bytes() -> int:
    return int(getattr(settings, "GOLIVE_MAX_ATTACHMENT_MB", 10)) * 1024 * 1024


def checked_upload(upload) -> tuple[str, str]:
    """The safe file name and content type of an upload: size-limited and type-checked by extension and leading
    bytes; a 400 naming ``file`` otherwise. Every stored upload (attachments, evidence, materials) passes here."""
    name = PurePath(upload.name or "file").name[:200]
    suffix = PurePath(name).suffix.lower()
    content_type = ALLOWED_ATTACHMENT_TYPES.get(suffix)
    if content_type is None:
        raise ValidationError({"file": _("Files of type %(type)s are not accepted.") % {"type": suffix or "?"}})
    if upload.size > max_attachment_bytes():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": max_attachment_bytes() // (1024 * 1024)}}
        )
    head = upload.read(16)
    upload.seek(0)
    signatures = MAGIC.get(content_type)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {"file": _("The file's content does not match its %(type)s extension.") % {"type": suffix}}
        )
    if content_type.startswith("text/") and b"\x00" in head:
        raise ValidationError({"file": _("A text file cannot contain binary data.")})
    return name, content_type


@transaction.atomic
def attachment_add(*, actor, issue: Issue, upload) -> Attachment:
    """Attach a file: size-limited and type-checked by extension and content."""
    name, content_type = checked_upload(upload)
    attachment = Attachment(
        issue=issue,
        name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
        _event(issue, actor, "attachment", {"attachment": attachment.pk, "name": name})
        audit_record(
            actor=actor,
            action="issue.attachment_added",
            obj=issue,
            project=issue.project,
            changes={"name": name, "size": upload.size},
        )
    except Exception:
        attachment.file.delete(save=False)  # nothing half-written: no orphan file without its row
        raise
    return attachment


# ---------------------------------------------------------------------------------------------------------------
# The breach sweep


def _flag_and_record(breached, metric: str, as_of: dt.datetime) -> int:
    """PostgreSQL: flag ``metric`` on the ``breached`` issues and write their breach events in one statement
    (the events go to the rows the UPDATE returns); how many issues it flagged."""
    query = breached.query.chain(UpdateQuery)
    query.add_update_values({f"{metric}_breached": True})
    compiler = query.get_compiler(connection.alias)
    compiler.pre_sql_setup()  # as the ORM's update() does (a condition across tables becomes a pk__in)
    update, params = compiler.as_sql()
    quote = connection.ops.quote_name
    events = IssueEvent._meta
    columns = ", ".join(quote(events.get_field(name).column) for name in ("issue", "at", "kind", "data", "public"))
    sql = (
        f"WITH flagged AS ({update} RETURNING {quote(Issue._meta.pk.column)} AS id), "
        f"recorded AS (INSERT INTO {quote(events.db_table)} ({columns}) "
        "SELECT id, %s, CAST(%s AS text), CAST(%s AS jsonb), %s FROM flagged ON CONFLICT DO NOTHING) "
        "SELECT count(*) FROM flagged"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, as_of, f"sla_breach_{metric}", "{}", True])
        return cursor.fetchone()[0]


def sweep_breaches(*, as_of: dt.datetime | None = None) -> dict[str, int]:
    """Flag every clock breached at ``as_of`` (default now), set-based in SQL, exactly once.

    For each metric one ``UPDATE`` sets the flags and an ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` writes
    the timeline events (the unique breach index forbids a second one per issue and metric): on PostgreSQL one
    statement, the events written for the rows the UPDATE returns (one pass over the issues instead of two);
    elsewhere the two in one transaction. Running it again finds nothing; several workers at once serialize on
    the rows (a worker's UPDATE waits for another's, then finds those rows flagged) and on that index.
    Returns how many issues each metric newly flagged.
    """
    as_of = as_of or timezone.now()
    found = {}
    for metric, condition in (
        ("response", Q(first_response_at__isnull=True, response_due_at__lt=as_of, response_breached=False)),
        (
            "resolution",
            Q(
                status__in=OPEN_STATUSES,
                waiting_since__isnull=True,
                resolution_due_at__lt=as_of,
                resolution_breached=False,
            ),
        ),
    ):
        breached = Issue.objects.filter(condition).exclude(status=IssueStatus.CLOSED)
        if connection.vendor == "postgresql":
            found[metric] = _flag_and_record(breached, metric, as_of)
            continue
        with transaction.atomic():
            select = breached.annotate(
                event_at=Value(as_of, output_field=DateTimeField()),
                event_kind=Value(f"sla_breach_{metric}", output_field=CharField()),
                event_data=Value({}, output_field=JSONField()),
                event_public=Value(True, output_field=BooleanField()),
            ).values_list("id", "event_at", "event_kind", "event_data", "event_public")
            sql, params = select.query.sql_with_params()
            table = connection.ops.quote_name(IssueEvent._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (issue_id, at, kind, data, public) {sql} ON CONFLICT DO NOTHING", params
                )
            found[metric] = breached.update(**{f"{metric}_breached": True})
    return found
