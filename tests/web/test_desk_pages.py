"""The issue desk and hypercare pages: rendering, visibility of internal lines, the htmx actions and their
refusals (409 with the reason, 400 with field messages), reporting, attachments, extend and exit."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.cutover import services as cutover_services
from golive.hypercare.models import HypercareWindow
from golive.lifecycle import services as lifecycle_services
from golive.tracker import services as tracker_services
from golive.tracker.models import Attachment, Comment, Issue

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def into_hypercare(world, *, days_ago: float = 3):
    """ACME advanced by the consultant lead's overrides to deployment, then gone live ``days_ago`` days ago."""
    project = world.project
    for _ in range(10):
        project.refresh_from_db()
        if project.current_phase.key == "deployment":
            break
        lifecycle_services.phase_advance(actor=world.lead, project=project, override_reason="test")
    at = timezone.now() - dt.timedelta(days=days_ago)
    cutover_services.golive_record(actor=world.lead, project=project, at=at, override_reason="test")
    project.refresh_from_db()
    return project


def report(world, *, actor=None, title="Login fails", **kwargs) -> Issue:
    return tracker_services.issue_create(
        actor=actor or world.customer_member, project=world.project, title=title, **kwargs
    )


def issue_url(name: str, issue: Issue, *extra) -> str:
    return reverse(name, args=["ACME", issue.number, *extra])


# ---------------------------------------------------------------------------------------------------------------
# The queue


def test_desk_renders_for_members_with_rows(client, world):
    issue = report(world, severity="P2", description="It *breaks*")
    for user in [world.admin, world.lead, world.consultant, world.support, world.customer_lead, world.customer_member]:
        client.force_login(user)
        response = client.get(reverse("web:issues", args=["ACME"]))
        assert response.status_code == 200, user
        content = response.content.decode()
        assert 'id="issue-row-1"' in content and "ACME-1" in content and "Login fails" in content
        assert 'aria-current="page">Issues' in content  # the project sub-navigation
        assert '<time class="sla-clock' in content and "left</time>" in content
    assert issue.number == 1


def test_desk_quick_actions_only_for_vendor_staff(client, world):
    report(world)
    client.force_login(world.consultant)
    content = client.get(reverse("web:issues", args=["ACME"])).content.decode()
    assert 'id="quick-1-triaged"' in content and 'id="quick-1-in_progress"' in content
    assert 'id="quick-1-assign"' in content and 'id="quick-1-severity"' in content
    client.force_login(world.customer_member)
    content = client.get(reverse("web:issues", args=["ACME"])).content.decode()
    assert 'id="quick-1-triaged"' not in content and 'id="quick-1-severity"' not in content


def test_desk_filters_and_htmx_fragment(client, world):
    report(world, title="Printer jam", severity="P4")
    report(world, title="Payroll wrong", severity="P1")
    client.force_login(world.lead)
    url = reverse("web:issues", args=["ACME"])
    content = client.get(url, {"severity": "P1"}).content.decode()
    assert "Payroll wrong" in content and "Printer jam" not in content
    content = client.get(url, {"q": "printer"}).content.decode()
    assert "Printer jam" in content and "Payroll wrong" not in content
    content = client.get(url, {"assignee": "none", "sort": "severity"}).content.decode()
    assert content.index("Payroll wrong") < content.index("Printer jam")
    response = client.get(url, {"open": "false"}, **HTMX)
    assert response.content.decode().lstrip().startswith('<section id="issue-results"')
    assert "No issues match." in response.content.decode()


def test_breached_rows_carry_a_text_badge(client, world):
    long_ago = timezone.now() - dt.timedelta(days=10)
    report(world, actor=world.lead, title="Old one", severity="P1", reported_at=long_ago)
    client.force_login(world.customer_member)
    content = client.get(reverse("web:issues", args=["ACME"])).content.decode()
    assert 'class="issue-row is-breached"' in content
    assert "SLA breached" in content and "overdue " in content


def test_triage_via_htmx_changes_status_and_returns_the_row(client, world):
    issue = report(world)
    client.force_login(world.consultant)
    response = client.post(issue_url("web:issue-quick", issue), {"status": "triaged"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<tr id="issue-row-1"')
    assert "<html" not in content and ">Triaged</span>" in content
    issue.refresh_from_db()
    assert issue.status == "triaged" and issue.first_response_at is not None


def test_quick_severity_and_assign_to_me(client, world):
    issue = report(world)
    client.force_login(world.consultant)
    assert client.post(issue_url("web:issue-quick", issue), {"severity": "P2"}, **HTMX).status_code == 200
    response = client.post(issue_url("web:issue-quick", issue), {"assign": "me"}, **HTMX)
    assert response.status_code == 200
    issue.refresh_from_db()
    assert (issue.severity, issue.assignee) == ("P2", world.consultant)


def test_quick_action_without_javascript_redirects(client, world):
    issue = report(world)
    client.force_login(world.consultant)
    response = client.post(issue_url("web:issue-quick", issue), {"status": "in_progress"})
    assert response.status_code == 302 and response["Location"] == reverse("web:issues", args=["ACME"])
    issue.refresh_from_db()
    assert issue.status == "in_progress"


@pytest.mark.parametrize("htmx", [True, False])
def test_refused_move_is_409_with_reason_and_changes_nothing(client, world, htmx):
    issue = report(world)
    tracker_services.issue_triage(actor=world.lead, issue=issue)
    client.force_login(world.consultant)
    before = AuditEvent.objects.count()
    response = client.post(issue_url("web:issue-quick", issue), {"status": "closed"}, **(HTMX if htmx else {}))
    assert response.status_code == 409
    assert "cannot move from triaged to closed" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == "triaged" and AuditEvent.objects.count() == before


def test_customer_triaging_is_403(client, world):
    issue = report(world)
    client.force_login(world.customer_member)
    response = client.post(issue_url("web:issue-quick", issue), {"status": "triaged"}, **HTMX)
    assert response.status_code == 403
    assert b"Only vendor staff" in response.content
    assert client.post(issue_url("web:issue-quick", issue), {"severity": "P1"}, **HTMX).status_code == 403
    issue.refresh_from_db()
    assert (issue.status, issue.severity) == ("new", "P3")


def test_quick_action_bad_input_is_400(client, world):
    issue = report(world)
    client.force_login(world.consultant)
    response = client.post(issue_url("web:issue-quick", issue), {"status": "triaged", "severity": "P1"}, **HTMX)
    assert response.status_code == 400 and b"Choose one action." in response.content


def test_customer_closes_a_resolved_issue_from_the_queue(client, world):
    issue = report(world)
    tracker_services.issue_resolve(actor=world.lead, issue=issue)
    client.force_login(world.customer_member)
    content = client.get(reverse("web:issues", args=["ACME"])).content.decode()
    assert 'id="quick-1-closed"' in content and 'id="quick-1-in_progress"' in content
    response = client.post(issue_url("web:issue-quick", issue), {"status": "closed"}, **HTMX)
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.status == "closed"


# ---------------------------------------------------------------------------------------------------------------
# The issue page


def test_issue_page_renders_markdown_sanitised(client, world):
    issue = report(world, description="**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    client.force_login(world.customer_member)
    response = client.get(issue_url("web:issue", issue))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in content
    assert "<script>alert(1)" not in content and "javascript:alert" not in content


def test_customers_do_not_see_internal_comments_or_timeline_lines(client, world):
    issue = report(world)
    tracker_services.comment_add(actor=world.consultant, issue=issue, body="public answer")
    tracker_services.comment_add(actor=world.consultant, issue=issue, body="secret note", public=False)
    client.force_login(world.customer_member)
    content = client.get(issue_url("web:issue", issue)).content.decode()
    assert "public answer" in content and "secret note" not in content
    assert "wrote an internal comment" not in content and 'id="comment-public"' not in content
    client.force_login(world.consultant)
    content = client.get(issue_url("web:issue", issue)).content.decode()
    assert "secret note" in content and "wrote an internal comment" in content and 'id="comment-public"' in content


def test_status_buttons_show_only_allowed_moves(client, world):
    issue = report(world)
    client.force_login(world.lead)
    content = client.get(issue_url("web:issue", issue)).content.decode()
    assert 'id="move-triaged"' in content and 'id="move-resolved"' in content and 'id="move-closed"' not in content
    client.force_login(world.customer_member)
    content = client.get(issue_url("web:issue", issue)).content.decode()
    assert 'id="move-' not in content
    tracker_services.issue_resolve(actor=world.lead, issue=issue)
    content = client.get(issue_url("web:issue", issue)).content.decode()
    assert 'id="move-closed"' in content and 'id="move-in_progress"' in content and "Reopen" in content


def test_status_move_from_the_issue_page(client, world):
    issue = report(world)
    client.force_login(world.lead)
    response = client.post(issue_url("web:issue-status", issue), {"status": "resolved", "note": "fixed"}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="issue-body"')
    issue.refresh_from_db()
    assert issue.status == "resolved"
    response = client.post(issue_url("web:issue-status", issue), {"status": "triaged"}, **HTMX)
    assert response.status_code == 409 and b'id="action-error"' in response.content


def test_edit_by_vendor_staff(client, world):
    issue = report(world)
    client.force_login(world.lead)
    data = {"title": "Login fails on Safari", "severity": "P2", "kind": "defect", "category": "bug"}
    response = client.post(issue_url("web:issue-edit", issue), {**data, "assignee": "consultant"}, **HTMX)
    assert response.status_code == 200
    issue.refresh_from_db()
    assert (issue.title, issue.severity, issue.kind, issue.category) == ("Login fails on Safari", "P2", "defect", "bug")
    assert issue.assignee == world.consultant
    response = client.post(issue_url("web:issue-edit", issue), {**data, "assignee": "customer_lead"}, **HTMX)
    assert response.status_code == 400 and b'class="field-error"' in response.content
    client.force_login(world.customer_lead)
    assert client.post(issue_url("web:issue-edit", issue), data, **HTMX).status_code == 403


def test_comment_form(client, world):
    issue = report(world)
    client.force_login(world.customer_member)
    response = client.post(issue_url("web:issue-comment", issue), {"body": "any news?"}, **HTMX)
    assert response.status_code == 200 and b"any news?" in response.content
    response = client.post(issue_url("web:issue-comment", issue), {"body": "  "}, **HTMX)
    assert response.status_code == 400
    client.force_login(world.support)
    client.post(issue_url("web:issue-comment", issue), {"body": "internal only"}, **HTMX)  # public unticked
    assert Comment.objects.get(body="internal only").public is False
    assert Comment.objects.get(body="any news?").public is True


def test_upload_and_download_attachment(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue = report(world)
    client.force_login(world.customer_member)
    upload = SimpleUploadedFile("steps.txt", b"1. open\n2. click\n", content_type="text/plain")
    response = client.post(issue_url("web:issue-attach", issue), {"file": upload}, **HTMX)
    assert response.status_code == 200 and b"steps.txt" in response.content
    attachment = Attachment.objects.get()
    response = client.get(issue_url("web:issue-attachment", issue, attachment.pk))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"1. open\n2. click\n"
    client.force_login(world.other_customer)
    assert client.get(issue_url("web:issue-attachment", issue, attachment.pk)).status_code == 404


def test_upload_of_a_refused_type_is_400_and_writes_nothing(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue = report(world)
    client.force_login(world.customer_member)
    before = AuditEvent.objects.count()
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(issue_url("web:issue-attach", issue), {"file": upload}, **HTMX)
    assert response.status_code == 400
    assert b"Files of type .exe are not accepted." in response.content
    assert not Attachment.objects.exists() and AuditEvent.objects.count() == before
    assert not any(tmp_path.rglob("*.exe"))


# ---------------------------------------------------------------------------------------------------------------
# Reporting


def test_report_page_shows_severity_help(client, world):
    client.force_login(world.customer_member)
    content = client.get(reverse("web:issue-new", args=["ACME"])).content.decode()
    assert "Critical: the system is down" in content and 'name="reported_at"' not in content
    client.force_login(world.consultant)
    content = client.get(reverse("web:issue-new", args=["ACME"])).content.decode()
    assert 'type="datetime-local" name="reported_at"' in content and 'name="assignee"' in content


def test_customer_member_reports_issue_number_1_and_is_redirected(client, world):
    client.force_login(world.customer_member)
    response = client.post(
        reverse("web:issue-new", args=["ACME"]),
        {"title": "Cannot print invoices", "description": "Since go-live", "severity": "P2", "kind": "incident"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:issue", args=["ACME", 1])
    issue = Issue.objects.get()
    assert (issue.number, issue.reporter, issue.severity) == (1, world.customer_member, "P2")
    assert "ACME-1 reported." in client.get(response["Location"]).content.decode()


def test_report_with_htmx_answers_hx_redirect(client, world):
    client.force_login(world.customer_member)
    response = client.post(
        reverse("web:issue-new", args=["ACME"]), {"title": "x", "severity": "P3", "kind": "question"}, **HTMX
    )
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("web:issue", args=["ACME", 1])


def test_report_bad_input_is_400(client, world):
    client.force_login(world.customer_member)
    response = client.post(reverse("web:issue-new", args=["ACME"]), {"title": "", "severity": "P9", "kind": "defect"})
    assert response.status_code == 400
    assert response.content.decode().count('class="field-error"') >= 2
    assert not Issue.objects.exists()


def test_report_with_refused_attachment_creates_nothing(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.customer_member)
    upload = SimpleUploadedFile("x.png", b"not a png", content_type="image/png")
    response = client.post(
        reverse("web:issue-new", args=["ACME"]),
        {"title": "Broken", "severity": "P3", "kind": "defect", "attachment": upload},
    )
    assert response.status_code == 400 and b"does not match" in response.content
    assert not Issue.objects.exists()


def test_vendor_backfills_reported_at_in_their_timezone(client, world):
    client.force_login(world.lead)  # vendor organization: Asia/Seoul
    response = client.post(
        reverse("web:issue-new", args=["ACME"]),
        {
            "title": "Phoned in",
            "severity": "P3",
            "kind": "incident",
            "reported_at": "2026-01-05T09:30",
            "assignee": "consultant",
        },
    )
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert issue.reported_at == dt.datetime(2026, 1, 5, 0, 30, tzinfo=dt.UTC)
    assert issue.assignee == world.consultant


# ---------------------------------------------------------------------------------------------------------------
# Hypercare


def test_hypercare_dashboard_before_go_live(client, world):
    client.force_login(world.customer_member)
    response = client.get(reverse("web:hypercare", args=["ACME"]))
    assert response.status_code == 200
    assert b"Hypercare has not started" in response.content
    assert b'aria-current="page">Hypercare' in response.content


def test_hypercare_dashboard_in_hypercare(client, world):
    into_hypercare(world, days_ago=4)
    report(world, severity="P1", title="Down")
    client.force_login(world.customer_lead)
    content = client.get(reverse("web:hypercare", args=["ACME"])).content.decode()
    assert 'id="hypercare-status">Active' in content
    assert 'id="days-elapsed">4<' in content
    assert "No open P1 or P2 issue" in content  # the exit checklist
    assert "chart-4.6.1.umd.min.js" in content and 'data-chart-url="/projects/ACME/hypercare/chart.json"' in content
    assert "<caption" in content  # the accessible table of daily counts
    assert "Sign off the hypercare phase" in content
    assert 'id="extend-days"' not in content and 'id="exit-comment"' not in content


def test_hypercare_as_of_in_the_past(client, world):
    into_hypercare(world, days_ago=4.5)
    client.force_login(world.lead)
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")  # the viewer's time zone: datetime-local is read in it
    as_of = (timezone.now() - dt.timedelta(days=2)).astimezone(seoul).strftime("%Y-%m-%dT%H:%M")
    response = client.get(reverse("web:hypercare", args=["ACME"]), {"as_of": as_of})
    assert response.status_code == 200 and b'id="days-elapsed">2<' in response.content
    assert b'id="extend-days"' not in response.content  # actions are for the present only
    response = client.get(reverse("web:hypercare", args=["ACME"]), {"as_of": "yesterday"})
    assert response.status_code == 400


def test_chart_json_shape(client, world):
    into_hypercare(world, days_ago=6)
    start = timezone.now() - dt.timedelta(days=6)
    for day, count in enumerate([5, 3, 2, 1, 1, 0]):
        for n in range(count):
            at = start + dt.timedelta(days=day, minutes=10 + n)
            report(world, actor=world.lead, title=f"d{day}-{n}", reported_at=at)
    client.force_login(world.customer_member)
    response = client.get(reverse("web:hypercare-chart", args=["ACME"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) >= {"labels", "counts", "curve", "fit", "silence_date", "observed_days", "status"}
    assert data["observed_days"] == 7
    assert len(data["labels"]) == len(data["counts"]) == len(data["curve"]) >= 7
    assert sum(c for c in data["counts"] if c) == 12
    assert all(c is None for c in data["counts"][7:])
    assert data["fit"]["b"] < 0 and data["curve"][0] > data["curve"][-1]
    assert data["silence_date"] is None or data["silence_date"] in data["labels"]
    dt.date.fromisoformat(data["labels"][0])


def test_chart_json_before_go_live(client, world):
    client.force_login(world.lead)
    data = client.get(reverse("web:hypercare-chart", args=["ACME"])).json()
    assert data == {
        "status": "not_started",
        "labels": [],
        "counts": [],
        "curve": [],
        "fit": None,
        "silence_date": None,
        "observed_days": 0,
    }


def test_extend_happy_path(client, world):
    into_hypercare(world)
    window = HypercareWindow.objects.get()
    client.force_login(world.lead)
    response = client.post(reverse("web:hypercare-extend", args=["ACME"]), {"days": 5, "reason": "payroll run"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="hypercare-body"')
    assert "Hypercare extended." in content and "payroll run" in content and ">Extended</span>" in content
    assert HypercareWindow.objects.get().planned_end == window.planned_end + dt.timedelta(days=5)


def test_extend_bad_input_is_400(client, world):
    into_hypercare(world)
    client.force_login(world.lead)
    response = client.post(reverse("web:hypercare-extend", args=["ACME"]), {"days": 0, "reason": ""}, **HTMX)
    assert response.status_code == 400 and b'class="field-error"' in response.content
    assert HypercareWindow.objects.get().status == "active"


def test_consultant_extending_is_403(client, world):
    into_hypercare(world)
    client.force_login(world.consultant)
    response = client.post(reverse("web:hypercare-extend", args=["ACME"]), {"days": 5, "reason": "x"}, **HTMX)
    assert response.status_code == 403
    assert HypercareWindow.objects.get().status == "active"


def test_exit_with_failing_criteria_is_409(client, world):
    into_hypercare(world)
    client.force_login(world.consultant)
    response = client.post(reverse("web:hypercare-exit", args=["ACME"]), {"comment": "done?"}, **HTMX)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Failing criteria" in content and "Planned hypercare window elapsed" in content
    assert HypercareWindow.objects.get().status == "active"


def test_exit_happy_path_hands_over_open_issues(client, world):
    into_hypercare(world, days_ago=20)
    report(world, severity="P3", title="Typo on the invoice")
    lifecycle_services.signoff_record(
        actor=world.customer_lead, project=world.project, phase_key="hypercare", decision="approve"
    )
    client.force_login(world.consultant)
    response = client.post(reverse("web:hypercare-exit", args=["ACME"]), {"comment": "quiet"}, **HTMX)
    assert response.status_code == 200, response.content.decode()[:2000]
    content = response.content.decode()
    assert ">Exited</span>" in content and "Known issues handed over to support" in content
    assert "Typo on the invoice" in content
    assert HypercareWindow.objects.get().status == "exited"


def test_exit_with_override_by_the_lead(client, world):
    into_hypercare(world)
    client.force_login(world.lead)
    response = client.post(reverse("web:hypercare-exit", args=["ACME"]), {"override_reason": "customer asks"})
    assert response.status_code == 302 and response["Location"] == reverse("web:hypercare", args=["ACME"])
    assert HypercareWindow.objects.get().status == "exited"


def test_record_go_live_from_the_dashboard(client, world, advance_to):
    advance_to(world.project, "deployment", actor=world.lead)
    client.force_login(world.consultant)
    content = client.get(reverse("web:hypercare", args=["ACME"])).content.decode()
    assert 'id="golive-at"' in content and 'id="golive-override"' not in content
    response = client.post(reverse("web:hypercare-golive", args=["ACME"]), {"at": ""}, **HTMX)
    assert response.status_code == 409 and b"Go-live needs a recorded go decision." in response.content
    client.force_login(world.lead)
    response = client.post(reverse("web:hypercare-golive", args=["ACME"]), {"override_reason": "go by phone"}, **HTMX)
    assert response.status_code == 200 and b'id="hypercare-status">Active' in response.content
    assert HypercareWindow.objects.filter(project=world.project).exists()


def test_project_subnav_on_overview(client, world):
    client.force_login(world.customer_member)
    content = client.get(reverse("web:project", args=["ACME"])).content.decode()
    assert 'href="/projects/ACME/issues/"' in content and 'href="/projects/ACME/hypercare/"' in content
    assert 'href="/projects/ACME/audit/"' not in content
    client.force_login(world.consultant)
    assert 'href="/projects/ACME/audit/"' in client.get(reverse("web:project", args=["ACME"])).content.decode()


def test_desk_in_korean(client, world):
    report(world)
    client.force_login(world.customer_member)
    content = client.get(reverse("web:issues", args=["ACME"]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이슈" in content and "심각도" in content and "남음" in content
    content = client.get(reverse("web:hypercare", args=["ACME"]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "하이퍼케어" in content
