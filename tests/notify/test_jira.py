"""Jira CSV: the date format and priority mapping, the export layout, a round trip (export then import), and
imports that fail whole with every bad row listed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from golive.notify.models import Delivery
from golive.tracker import jira
from golive.tracker import services as tracker_services
from golive.tracker.models import Issue
from tests.factories import make_project

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
IMPORT = "/api/v1/projects/{key}/issues/import/"
EXPORT = "/api/v1/projects/{key}/issues/export/?format=csv"


# ---------------------------------------------------------------------------------------------------------------
# The format


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/Nov/26 4:02 PM", dt.datetime(2026, 11, 25, 16, 2, tzinfo=SEOUL)),
        ("01/Jan/26 12:00 AM", dt.datetime(2026, 1, 1, 0, 0, tzinfo=SEOUL)),
        ("01/Jan/26 12:30 PM", dt.datetime(2026, 1, 1, 12, 30, tzinfo=SEOUL)),
        ("5/dec/2025 09:15", dt.datetime(2025, 12, 5, 9, 15, tzinfo=SEOUL)),
        ("25/Nov/26 4:02:59 pm", dt.datetime(2026, 11, 25, 16, 2, 59, tzinfo=SEOUL)),
        ("2026-11-25T16:02:00+00:00", dt.datetime(2026, 11, 25, 16, 2, tzinfo=dt.UTC)),
        ("2026-11-25 16:02", dt.datetime(2026, 11, 25, 16, 2, tzinfo=SEOUL)),
    ],
)
def test_jira_dates_are_read_in_the_projects_time_zone(text, expected):
    assert jira.parse_jira_date(text, SEOUL) == expected


@pytest.mark.parametrize("text", ["25/Nvm/26 4:02 PM", "32/Nov/26 4:02 PM", "25/Nov/26 13:02 PM", "yesterday", ""])
def test_bad_dates_are_refused(text):
    with pytest.raises(ValueError):
        jira.parse_jira_date(text, SEOUL)


def test_dates_are_written_like_jira_and_read_back():
    instant = dt.datetime(2026, 11, 25, 7, 2, tzinfo=dt.UTC)  # 16:02 in Seoul
    assert jira.format_jira_date(instant, SEOUL) == "25/Nov/26 4:02 PM"
    assert jira.format_jira_date(dt.datetime(2026, 3, 1, 15, 5, tzinfo=dt.UTC), SEOUL) == "02/Mar/26 12:05 AM"
    assert jira.parse_jira_date(jira.format_jira_date(instant, SEOUL), SEOUL) == instant


def test_priorities_map_to_severities_and_the_map_is_configurable():
    default = jira.priority_map_from(None)
    assert [default[p] for p in ("highest", "high", "medium", "low", "lowest")] == ["P1", "P2", "P3", "P4", "P4"]
    custom = jira.priority_map_from('{"High": "P1", "Urgent": "P1"}')
    assert (custom["high"], custom["urgent"], custom["medium"]) == ("P1", "P1", "P3")
    with pytest.raises(Exception, match="P5"):
        jira.priority_map_from({"High": "P5"})
    with pytest.raises(Exception, match="JSON"):
        jira.priority_map_from("High=P1")


# ---------------------------------------------------------------------------------------------------------------
# Export and round trip


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _history(world):
    """ACME issues in every status, with kinds, categories, an assignee and formula-like text."""
    now = timezone.now().replace(second=0, microsecond=0)
    made = []
    for n, (status, severity, kind, category) in enumerate(
        [
            ("new", "P1", "incident", None),
            ("triaged", "P2", "defect", "bug"),
            ("in_progress", "P3", "question", "training_gap"),
            ("waiting_on_customer", "P4", "change_request", "enhancement"),
            ("resolved", "P2", "defect", "data"),
            ("closed", "P3", "incident", "access"),
        ]
    ):
        issue = tracker_services.issue_create(
            actor=world.lead,
            project=world.project,
            title="=SUM(A1) issue 0" if n == 0 else f"Issue {n}",
            description='- first line\n- second, with "quotes"' if n == 1 else f"Body {n}",
            kind=kind,
            severity=severity,
            category=category,
            assignee=world.consultant if n % 2 else None,
            reported_at=now - dt.timedelta(days=10 - n, hours=3),
        )
        at = issue.reported_at + dt.timedelta(hours=2)
        if status == "triaged":
            tracker_services.issue_triage(actor=world.lead, issue=issue, at=at)
        elif status == "in_progress":
            tracker_services.issue_start(actor=world.lead, issue=issue, at=at)
        elif status == "waiting_on_customer":
            tracker_services.issue_wait_on_customer(actor=world.lead, issue=issue, at=at)
        elif status in ("resolved", "closed"):
            tracker_services.issue_resolve(actor=world.lead, issue=issue, at=at)
            if status == "closed":
                tracker_services.issue_close(actor=world.lead, issue=issue, at=at)
        made.append(Issue.objects.get(pk=issue.pk))
    return made


@pytest.mark.django_db
def test_the_export_is_jiras_import_layout(world, api):
    _history(world)
    response = api(world.customer_member).get(EXPORT.format(key="ACME"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ACME-issues-jira.csv"'
    rows = _csv(response)
    assert list(rows[0])[:8] == [
        "Summary",
        "Description",
        "Priority",
        "Status",
        "Reporter",
        "Assignee",
        "Created",
        "Labels",
    ]
    assert [r["Priority"] for r in rows] == ["Highest", "High", "Medium", "Low", "High", "Medium"]
    assert [r["Status"] for r in rows] == ["New", "Triaged", "In Progress", "Waiting on customer", "Resolved", "Closed"]
    assert rows[0]["Summary"] == "'=SUM(A1) issue 0"  # a spreadsheet must not run it as a formula
    assert rows[1]["Description"].startswith("'- first line")
    assert rows[1]["Labels"] == "defect bug" and rows[1]["Assignee"] == "consultant" and rows[0]["Reporter"] == "lead"
    jira.parse_jira_date(rows[0]["Created"], SEOUL)
    assert rows[0]["Created"].endswith(("AM", "PM"))
    assert api(world.lead).get("/api/v1/projects/ACME/issues/export/?format=xlsx").status_code == 400


@pytest.mark.django_db
def test_export_then_import_round_trips(world, api, django_capture_on_commit_callbacks):
    originals = _history(world)
    exported = b"".join(api(world.lead).get(EXPORT.format(key="ACME")).streaming_content)
    target = make_project(actor=world.lead, key="ACME2", customer=world.acme)
    from golive.accounts import services as account_services

    account_services.membership_add(actor=world.lead, project=target, user=world.consultant, role="consultant")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.lead).post(
            IMPORT.format(key="ACME2"),
            {"file": SimpleUploadedFile("acme.csv", exported, content_type="text/csv")},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 6, "numbers": [1, 2, 3, 4, 5, 6]}
    copies = list(Issue.objects.filter(project=target).order_by("number"))
    fields = ("title", "description", "severity", "status", "kind", "category", "reported_at", "resolved_at")
    for original, copy in zip(originals, copies, strict=True):
        for field in fields:
            assert getattr(copy, field) == getattr(original, field), (field, original.number)
        assert copy.assignee_id == original.assignee_id
        assert copy.reporter == world.lead
    # An import is history: nobody is e-mailed and no webhook fires for it.
    assert not Delivery.objects.exists()
    from django.core import mail

    assert mail.outbox == []


JIRA_EXPORT = (
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,Updated,Resolved,"
    "Labels,Labels,Description,Comment\r\n"
    "Cannot log in,SUP-101,10101,Bug,Open,Highest,,Kim Minji,02/Dec/25 9:15 AM,02/Dec/25 9:30 AM,,sso,,"
    '"Users see ""error 500"".",note\r\n'
    "Slow report,SUP-102,10102,Task,Done,Low,consultant,Lee,01/Dec/25 3:00 PM,03/Dec/25 11:00 AM,"
    "03/Dec/25 10:45 AM,,,,\r\n"
)


@pytest.mark.django_db
def test_a_real_jira_export_imports_by_header_name(world, api):
    response = api(world.consultant).post(
        IMPORT.format(key="ACME"),
        {"file": SimpleUploadedFile("jira.csv", JIRA_EXPORT.encode(), content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    first, second = Issue.objects.filter(project=world.project).order_by("number")
    assert (first.title, first.severity, first.status, first.kind) == ("Cannot log in", "P1", "new", "defect")
    assert first.description == 'Users see "error 500".'
    assert first.reported_at == dt.datetime(2025, 12, 2, 9, 15, tzinfo=SEOUL)
    assert (second.severity, second.status, second.assignee) == ("P4", "resolved", world.consultant)
    assert second.resolved_at == dt.datetime(2025, 12, 3, 10, 45, tzinfo=SEOUL)
    from golive.audit.models import AuditEvent

    audit = AuditEvent.objects.get(action="issues.imported")
    assert audit.changes["jira_keys"] == {"SUP-101": first.number, "SUP-102": second.number}


@pytest.mark.django_db
def test_the_priority_map_can_be_given_per_request(world, api):
    response = api(world.lead).post(
        IMPORT.format(key="ACME"),
        {
            "file": SimpleUploadedFile("jira.csv", JIRA_EXPORT.encode(), content_type="text/csv"),
            "priority_map": json.dumps({"Highest": "P2", "Low": "P3"}),
        },
        format="multipart",
    )
    assert response.status_code == 201
    assert list(Issue.objects.order_by("number").values_list("severity", flat=True)) == ["P2", "P3"]


def _post(api, world, text: str, **extra):
    return api(world.lead).post(
        IMPORT.format(key="ACME"),
        {"file": SimpleUploadedFile("jira.csv", text.encode("utf-8"), content_type="text/csv"), **extra},
        format="multipart",
    )


@pytest.mark.django_db
def test_bad_rows_fail_the_whole_file_and_each_is_listed(world, api, nothing_written):
    future = (timezone.now() + dt.timedelta(days=3)).astimezone(SEOUL)
    text = (
        "Summary,Priority,Status,Created,Issue key\r\n"
        "Fine,High,Open,25/Nov/25 4:02 PM,A-1\r\n"
        ",High,Open,25/Nov/25 4:02 PM,A-2\r\n"
        "Odd priority,Catastrophic,Open,25/Nov/25 4:02 PM,A-3\r\n"
        "Odd status,High,Parked,25/Nov/25 4:02 PM,A-4\r\n"
        "Odd date,High,Open,the 25th of November,A-5\r\n"
        f"Future,High,Open,{jira.format_jira_date(future, SEOUL)},A-6\r\n"
        "Twice,High,Open,25/Nov/25 4:02 PM,A-1\r\n"
    )
    with nothing_written():
        response = _post(api, world, text)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "6 row(s) have errors; nothing was imported."
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (3, "Summary"),
        (4, "Priority"),
        (5, "Status"),
        (6, "Created"),
        (7, "Created"),
        (8, "Issue key"),
    ]
    assert "25/Nov/26 4:02 PM" in body["errors"][3]["message"]
    assert "A-1 is also on row 2" in body["errors"][5]["message"]
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    ("content", "column", "message"),
    [
        (b"", None, "empty"),
        (b"Title,Priority\r\nX,High\r\n", "Summary", "Summary is missing"),
        (b"Summary\r\n", None, "no issues"),
        ("Summary\r\nCaf\u00e9\r\n".encode("latin-1"), None, "UTF-8"),
        (b'Summary,Description\r\n"unclosed,x\r\n', None, "not valid CSV"),
    ],
)
@pytest.mark.django_db
def test_malformed_files_are_400_with_a_file_level_error(world, api, content, column, message):
    response = api(world.lead).post(
        IMPORT.format(key="ACME"),
        {"file": SimpleUploadedFile("jira.csv", content, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 400, response.json()
    error = response.json()["errors"][0]
    assert error["column"] == column and message in error["message"]
    assert not Issue.objects.exists()


@pytest.mark.django_db
def test_a_bad_priority_map_or_no_file_is_400(world, api):
    response = _post(api, world, "Summary\r\nX\r\n", priority_map="{not json")
    assert response.status_code == 400 and response.json()["errors"][0]["column"] == "priority_map"
    missing = api(world.lead).post(IMPORT.format(key="ACME"), {}, format="multipart")
    assert missing.status_code == 400 and missing.json()["errors"][0]["column"] == "file"
