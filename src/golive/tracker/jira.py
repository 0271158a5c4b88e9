"""Jira CSV: the export of a project's issues in Jira's CSV import layout (the handover to support), and the
import of a Jira CSV export into the issue desk.

Sections: the pure format (dates like ``25/Nov/26 4:02 PM``, priorities, statuses, reading and writing rows; no
database), the import service (all-or-nothing: every bad row is reported as ``{row, column, message}`` and
nothing is written), and the two API views.

Columns are found by header name, case-insensitively; Jira repeats some headers (``Labels``, ``Comment``) and
adds dozens more, which are ignored. Rows are numbered as a spreadsheet shows them: the header is row 1.
Priorities ``Highest, High, Medium, Low, Lowest`` (and the older ``Blocker, Critical, Major, Minor, Trivial``) map
to P1..P4 by default; a request may pass its own ``priority_map``. Dates are read in the project's time zone.
An import is history: it publishes no events, so nobody is e-mailed about issues that are months old.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from golive.accounts.models import VENDOR_ROLES, Membership
from golive.api import ANY_MEMBER, CONSULTANTS, PROJECT_KEY_PARAMETER, ProjectScopedView
from golive.audit.services import audit_record
from golive.errors import DomainError, NotAllowed
from golive.tasks import events_suppressed
from golive.text import csv_safe
from golive.tracker.models import Category, IssueKind, IssueStatus, Severity

# ---------------------------------------------------------------------------------------------------------------
# The format (pure)

EXPORT_COLUMNS = (
    "Summary",
    "Description",
    "Priority",
    "Status",
    "Reporter",
    "Assignee",
    "Created",
    "Labels",
    "Resolved",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_JIRA_DATE = re.compile(
    r"^(?P<day>\d{1,2})/(?P<month>[A-Za-z]{3})/(?P<year>\d{2}|\d{4})\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?$"
)
DEFAULT_PRIORITY_MAP = {
    "highest": "P1",
    "blocker": "P1",
    "critical": "P1",
    "high": "P2",
    "major": "P2",
    "medium": "P3",
    "minor": "P3",
    "low": "P4",
    "lowest": "P4",
    "trivial": "P4",
}
EXPORT_PRIORITY = {"P1": "Highest", "P2": "High", "P3": "Medium", "P4": "Low"}
STATUS_MAP = {
    "new": IssueStatus.NEW,
    "open": IssueStatus.NEW,
    "to do": IssueStatus.NEW,
    "backlog": IssueStatus.NEW,
    "triaged": IssueStatus.TRIAGED,
    "selected for development": IssueStatus.TRIAGED,
    "in progress": IssueStatus.IN_PROGRESS,
    "reopened": IssueStatus.IN_PROGRESS,
    "in review": IssueStatus.IN_PROGRESS,
    "waiting on customer": IssueStatus.WAITING_ON_CUSTOMER,
    "waiting for customer": IssueStatus.WAITING_ON_CUSTOMER,
    "pending": IssueStatus.WAITING_ON_CUSTOMER,
    "resolved": IssueStatus.RESOLVED,
    "done": IssueStatus.RESOLVED,
    "closed": IssueStatus.CLOSED,
}
EXPORT_STATUS = {
    IssueStatus.NEW: "New",
    IssueStatus.TRIAGED: "Triaged",
    IssueStatus.IN_PROGRESS: "In Progress",
    IssueStatus.WAITING_ON_CUSTOMER: "Waiting on customer",
    IssueStatus.RESOLVED: "Resolved",
    IssueStatus.CLOSED: "Closed",
}
ISSUE_TYPE_KIND = {
    "bug": IssueKind.DEFECT,
    "defect": IssueKind.DEFECT,
    "incident": IssueKind.INCIDENT,
    "problem": IssueKind.INCIDENT,
    "support": IssueKind.INCIDENT,
    "question": IssueKind.QUESTION,
    "change request": IssueKind.CHANGE_REQUEST,
    "improvement": IssueKind.CHANGE_REQUEST,
    "new feature": IssueKind.CHANGE_REQUEST,
}
MAX_ROWS = 20_000


def format_jira_date(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """``25/Nov/26 4:02 PM`` in ``tz`` (Jira's default ``dd/MMM/yy h:mm a``)."""
    local = value.astimezone(tz)
    hour = local.hour % 12 or 12
    return f"{local.day:02d}/{MONTHS[local.month - 1]}/{local.year % 100:02d} {hour}:{local.minute:02d} " + (
        "AM" if local.hour < 12 else "PM"
    )


def parse_jira_date(text: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """An instant from Jira's ``25/Nov/26 4:02 PM`` (24-hour and four-digit years too) or ISO 8601, read in ``tz``
    when it carries no offset. Raises ``ValueError``."""
    text = text.strip()
    match = _JIRA_DATE.match(text)
    if match is None:
        value = dt.datetime.fromisoformat(text)  # ValueError for anything else
    else:
        month = match["month"].title()
        if month not in MONTHS:
            raise ValueError(text)
        year = int(match["year"])
        year += 2000 if year < 100 else 0
        hour = int(match["hour"])
        if match["ampm"]:
            if not 1 <= hour <= 12:
                raise ValueError(text)
            hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
        value = dt.datetime(
            year, MONTHS.index(month) + 1, int(match["day"]), hour, int(match["minute"]), int(match["second"] or 0)
        )
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _uncell(value: str) -> str:
    """A cell as written, without the quote ``csv_safe`` put before a formula-like value."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


@dataclass
class Row:
    """One data row: its spreadsheet row number and the cells by lower-cased header (repeated headers keep
    every value, in order)."""

    number: int
    cells: dict[str, list[str]]

    def get(self, name: str) -> str:
        values = [v for v in self.cells.get(name, []) if v.strip()]
        return _uncell(values[0].strip()) if values else ""

    def all(self, name: str) -> list[str]:
        return [_uncell(v.strip()) for v in self.cells.get(name, []) if v.strip()]


class ImportRejected(Exception):
    """The file cannot be imported; ``errors`` lists every problem as ``{row, column, message}``. Nothing was
    written (HTTP 400)."""

    def __init__(self, detail: str, errors: list[dict]):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


def _error(row: int | None, column: str | None, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


def read_rows(data: bytes) -> tuple[dict[str, str], list[Row]]:
    """``(header names by lower-cased name, data rows)`` of a Jira CSV export; ``ImportRejected`` for a file that is
    empty, too large, not UTF-8, not CSV, or has no ``Summary`` column."""
    limit = int(getattr(settings, "GOLIVE_MAX_IMPORT_MB", 10)) * 1024 * 1024
    if not data or not data.strip():
        raise ImportRejected(_("The file is empty."), [_error(None, None, _("The file is empty."))])
    if len(data) > limit:
        message = _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        raise ImportRejected(message, [_error(None, None, message)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _("The file is not UTF-8 text; export the CSV from Jira again.")
        raise ImportRejected(message, [_error(None, None, message)]) from None
    if "\x00" in text:
        message = _("The file is not a CSV file.")
        raise ImportRejected(message, [_error(None, None, message)])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[Row] = []
    try:
        for number, values in enumerate(reader, start=1):
            if header is None:
                header = [v.replace("\ufeff", "").strip() for v in values]
                continue
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                message = _("The file has more than %(rows)d rows; split it.") % {"rows": MAX_ROWS}
                raise ImportRejected(message, [_error(number, None, message)])
            cells: dict[str, list[str]] = {}
            for name, value in zip(header, values, strict=False):
                if name:
                    cells.setdefault(name.lower(), []).append(value)
            rows.append(Row(number, cells))
    except csv.Error as exc:
        message = _("Row %(row)d is not valid CSV (%(reason)s).") % {"row": reader.line_num, "reason": exc}
        raise ImportRejected(message, [_error(reader.line_num, None, message)]) from None
    names = {name.lower(): name for name in (header or []) if name}
    if "summary" not in names:
        message = _("The column Summary is missing; upload a Jira CSV export.")
        raise ImportRejected(message, [_error(1, "Summary", message)])
    if not rows:
        raise ImportRejected(_("The file has no issues."), [_error(None, None, _("The file has no issues."))])
    return names, rows


def priority_map_from(raw) -> dict[str, str]:
    """The default priority map with a request's overrides (``{"Highest": "P1", ...}``, a dict or its JSON text).
    Raises ``ValidationError`` on ``priority_map``."""
    mapping = dict(DEFAULT_PRIORITY_MAP)
    if raw in (None, "", {}):
        return mapping
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ValidationError({"priority_map": _("Give the priority map as a JSON object.")}) from None
    if not isinstance(raw, dict):
        raise ValidationError({"priority_map": _("Give the priority map as a JSON object.")})
    for name, severity in raw.items():
        if severity not in Severity.values:
            raise ValidationError(
                {
                    "priority_map": _("%(name)s maps to %(value)s; use P1, P2, P3 or P4.")
                    % {"name": name, "value": severity}
                }
            )
        mapping[str(name).strip().lower()] = severity
    return mapping


def export_rows(issues, tz: zoneinfo.ZoneInfo):
    """The CSV lines (header first) of ``issues`` in Jira's import layout; every cell spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    for issue in issues:
        buffer.seek(0)
        buffer.truncate()
        labels = " ".join(label for label in (issue.kind, issue.category) if label)
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    issue.title,
                    issue.description,
                    EXPORT_PRIORITY[issue.severity],
                    EXPORT_STATUS[issue.status],
                    issue.reporter.username,
                    issue.assignee.username if issue.assignee_id else "",
                    format_jira_date(issue.reported_at, tz),
                    labels,
                    format_jira_date(issue.resolved_at, tz) if issue.resolved_at else "",
                )
            ]
        )
        yield buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# The import service


@dataclass
class Planned:
    row: int
    key: str
    fields: dict
    status: str
    created: dt.datetime | None
    closed_at: dt.datetime | None


def _plan(names: dict[str, str], rows: list[Row], project, mapping: dict[str, str], now: dt.datetime):
    """Validate every row; ``(planned issues, errors)``."""
    tz = zoneinfo.ZoneInfo(project.timezone)
    members = {
        m.user.username.lower(): m.user
        for m in Membership.objects.filter(project=project, role__in=VENDOR_ROLES).select_related("user")
    }
    members |= {user.email.lower(): user for user in list(members.values()) if user.email}
    planned, errors, keys = [], [], {}

    def column(name: str) -> str:
        return names.get(name, name.title())

    def when(row: Row, name: str) -> dt.datetime | None:
        text = row.get(name)
        if not text:
            return None
        try:
            value = parse_jira_date(text, tz)
        except ValueError:
            errors.append(
                _error(row.number, column(name), _("%(value)s is not a date like 25/Nov/26 4:02 PM.") % {"value": text})
            )
            return None
        if value > now:
            errors.append(_error(row.number, column(name), _("The date %(value)s is in the future.") % {"value": text}))
            return None
        return value

    for row in rows:
        before = len(errors)
        title = row.get("summary")
        if not title:
            errors.append(_error(row.number, column("summary"), _("An issue needs a summary.")))
        elif len(title) > 300:
            errors.append(_error(row.number, column("summary"), _("The summary is longer than 300 characters.")))
        priority = row.get("priority")
        severity = mapping.get(priority.lower()) if priority else Severity.P3
        if severity is None:
            errors.append(
                _error(
                    row.number,
                    column("priority"),
                    _("Unknown priority %(value)s; map it with priority_map.") % {"value": priority},
                )
            )
        status_text = row.get("status")
        target = STATUS_MAP.get(status_text.lower()) if status_text else IssueStatus.NEW
        if target is None:
            errors.append(
                _error(
                    row.number,
                    column("status"),
                    _("Unknown status %(value)s; known are %(known)s.")
                    % {"value": status_text, "known": ", ".join(sorted({v.title() for v in STATUS_MAP}))},
                )
            )
        created = when(row, "created")
        finished = when(row, "resolved") or when(row, "updated")
        key = row.get("issue key")
        if key:
            if key in keys:
                errors.append(
                    _error(
                        row.number,
                        column("issue key"),
                        _("%(key)s is also on row %(row)d.") % {"key": key, "row": keys[key]},
                    )
                )
            keys.setdefault(key, row.number)
        labels = [label for cell in row.all("labels") for label in cell.split()]
        kind = next((label for label in labels if label in IssueKind.values), None)
        kind = kind or ISSUE_TYPE_KIND.get(row.get("issue type").lower(), IssueKind.INCIDENT)
        category = next((label for label in labels if label in Category.values), None)
        assignee = members.get(row.get("assignee").lower()) if row.get("assignee") else None
        if len(errors) == before:
            planned.append(
                Planned(
                    row=row.number,
                    key=key,
                    fields={
                        "title": title,
                        "description": row.get("description"),
                        "kind": kind,
                        "severity": severity,
                        "category": category,
                        "assignee": assignee,
                    },
                    status=target,
                    created=created,
                    closed_at=finished,
                )
            )
    return planned, errors


def _apply_status(issue, target: str, *, actor, at: dt.datetime):
    from golive.tracker import services

    moves = {
        IssueStatus.NEW: [],
        IssueStatus.TRIAGED: [services.issue_triage],
        IssueStatus.IN_PROGRESS: [services.issue_start],
        IssueStatus.WAITING_ON_CUSTOMER: [services.issue_wait_on_customer],
        IssueStatus.RESOLVED: [services.issue_resolve],
        IssueStatus.CLOSED: [services.issue_resolve, services.issue_close],
    }[target]
    for move in moves:
        issue = move(actor=actor, issue=issue, note=_("Imported from Jira"), at=at)
    return issue


@transaction.atomic
def issues_import(*, actor, project, data: bytes, priority_map=None) -> list:
    """Create the issues of a Jira CSV export, all or nothing. Each keeps its summary, description, priority
    (mapped to a severity), status, creation date (back-filled ``reported_at``), labels (kind and category codes,
    or the issue type) and a vendor-side assignee when one matches by username or e-mail. Raises
    ``ImportRejected`` listing every bad row."""
    from golive.tracker import services

    mapping = priority_map_from(priority_map)
    names, rows = read_rows(data)
    now = timezone.now()
    planned, errors = _plan(names, rows, project, mapping, now)
    created = []
    if not errors:
        with events_suppressed():
            for plan in planned:
                try:
                    with transaction.atomic():
                        issue = services.issue_create(
                            actor=actor, project=project, reported_at=plan.created, **plan.fields
                        )
                        if plan.status != IssueStatus.NEW:
                            finished = (
                                plan.closed_at if plan.closed_at and plan.closed_at >= issue.reported_at else None
                            )
                            at = finished if plan.status in (IssueStatus.RESOLVED, IssueStatus.CLOSED) else None
                            issue = _apply_status(issue, plan.status, actor=actor, at=at or issue.reported_at)
                    created.append((plan, issue))
                except ValidationError as exc:
                    for field, messages in (
                        exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    ).items():
                        errors.append(_error(plan.row, field or None, " ".join(messages)))
                except (DomainError, NotAllowed) as exc:
                    errors.append(_error(plan.row, None, str(exc)))
    if errors:
        bad_rows = len({e["row"] for e in errors})
        raise ImportRejected(
            _("%(count)d row(s) have errors; nothing was imported.") % {"count": bad_rows},
            sorted(errors, key=lambda e: e["row"] or 0),
        )
    audit_record(
        actor=actor,
        action="issues.imported",
        obj=project,
        project=project,
        changes={
            "count": len(created),
            "jira_keys": {plan.key: issue.number for plan, issue in created if plan.key},
        },
    )
    return [issue for _plan_row, issue in created]


# ---------------------------------------------------------------------------------------------------------------
# API

ERROR_LIST = inline_serializer(
    "JiraImportErrors",
    {
        "detail": serializers.CharField(),
        "errors": inline_serializer(
            "JiraImportRowError",
            {
                "row": serializers.IntegerField(
                    allow_null=True, help_text="Row as a spreadsheet shows it; header is 1"
                ),
                "column": serializers.CharField(allow_null=True),
                "message": serializers.CharField(),
            },
            many=True,
        ),
    },
)


class IssueExportView(ProjectScopedView):
    """The project's issues as a CSV in Jira's import layout, for the handover to support."""

    roles = {"GET": ANY_MEMBER}

    @extend_schema(
        parameters=[
            PROJECT_KEY_PARAMETER,
            OpenApiParameter("format", OpenApiTypes.STR, enum=["csv"], description="csv (the only format)"),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    def get(self, request, key):
        from django.http import StreamingHttpResponse

        from golive.tracker.selectors import issue_list

        if request.query_params.get("format", "csv") != "csv":
            raise serializers.ValidationError({"format": [_("Only csv is available.")]})
        issues = issue_list(project=self.project, filters={"sort": "number"})
        response = StreamingHttpResponse(
            export_rows(issues.iterator(chunk_size=500), zoneinfo.ZoneInfo(self.project.timezone)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.project.key}-issues-jira.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class IssueImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A Jira CSV export")
    priority_map = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text='JSON object overriding the priority mapping, e.g. {"High": "P1"}',
    )


class IssueImportView(ProjectScopedView):
    """Import a Jira CSV export, all or nothing: 201 ``{created, numbers}``, or 400 listing every bad row as
    ``{row, column, message}`` with nothing created."""

    roles = {"POST": CONSULTANTS}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[PROJECT_KEY_PARAMETER],
        request={"multipart/form-data": IssueImportInputSerializer},
        responses={
            201: inline_serializer(
                "JiraImportResult",
                {
                    "created": serializers.IntegerField(),
                    "numbers": serializers.ListField(child=serializers.IntegerField()),
                },
            ),
            400: OpenApiResponse(ERROR_LIST, description="Every bad row; nothing was created"),
        },
    )
    def post(self, request, key):
        upload = request.FILES.get("file")
        if upload is None:
            message = _("Upload a Jira CSV export.")
            return Response(
                {"detail": f"file: {message}", "errors": [{"row": None, "column": "file", "message": message}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            issues = issues_import(
                actor=request.user,
                project=self.project,
                data=upload.read(),
                priority_map=request.data.get("priority_map"),
            )
        except ImportRejected as exc:
            return Response({"detail": exc.detail, "errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            return Response(
                {
                    "detail": f"{field}: {' '.join(messages)}",
                    "errors": [{"row": None, "column": field, "message": " ".join(messages)}],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {"created": len(issues), "numbers": [issue.number for issue in issues]}, status=status.HTTP_201_CREATED
        )
