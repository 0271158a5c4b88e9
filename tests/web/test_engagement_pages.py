"""The engagement pages: requirements register (filters, progress, htmx scope edit, add), requirement page,
review pack (HTML and downloads), meetings with live feedback capture and triage (201 fragment, 409 and 400
refusals), the decision log with its "taken without" flag, and the weekly status report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from golive.engagement import services
from golive.engagement.models import Decision, Feedback, Meeting, Requirement

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MEMBERS = ["admin", "lead", "consultant", "support", "customer_lead", "customer_member"]


def requirement(world, ref="REQ-1", **fields) -> Requirement:
    fields.setdefault("title", f"Requirement {ref}")
    return services.requirement_create(actor=world.lead, project=world.project, ref=ref, **fields)


def meeting(world, **fields) -> Meeting:
    fields.setdefault("kind", "review")
    fields.setdefault("title", "Alpha demo")
    fields.setdefault("starts_at", timezone.now() - dt.timedelta(hours=1))
    return services.meeting_create(actor=world.lead, project=world.project, **fields)


def feedback(world, m, text="Make the button bigger", **fields) -> Feedback:
    return services.feedback_create(actor=world.customer_member, project=world.project, meeting=m, text=text, **fields)


# ---------------------------------------------------------------------------------------------------------------
# Register


def test_register_renders_for_members_with_progress(client, world):
    requirement(world, "REQ-1", scope="built")
    requirement(world, "REQ-2", scope="in_progress")
    requirement(world, "REQ-3")
    for username in MEMBERS:
        client.force_login(getattr(world, username))
        response = client.get(reverse("web:requirements", args=["ACME"]))
        assert response.status_code == 200, username
        content = response.content.decode()
        assert 'aria-current="page">Requirements' in content
        assert "REQ-1" in content and "REQ-3" in content
        assert "33% built" in content
        assert ('id="scope-' in content) == (username in ("admin", "lead", "consultant"))
        assert ("Add a requirement" in content) == (username in ("admin", "lead", "consultant", "customer_lead"))


def test_register_alpha_and_beta_prompts(client, world):
    for n in range(10):
        requirement(world, f"R{n}", scope="built" if n < 6 else "not_started")
    client.force_login(world.customer_member)
    content = client.get(reverse("web:requirements", args=["ACME"])).content.decode()
    assert "60% built" in content and "time for the alpha review" in content
    for n in range(6, 9):
        services.requirement_update(actor=world.lead, requirement=Requirement.objects.get(ref=f"R{n}"), scope="built")
    content = client.get(reverse("web:requirements", args=["ACME"])).content.decode()
    assert "90% built" in content and "time for the beta review" in content


def test_register_filters_and_htmx_fragment(client, world):
    requirement(world, "REQ-1", title="Invoices", priority="must")
    requirement(world, "REQ-2", title="Payroll", priority="could", change_request=True, source="alpha_review")
    client.force_login(world.lead)
    url = reverse("web:requirements", args=["ACME"])
    content = client.get(url, {"priority": "must"}).content.decode()
    assert "Invoices" in content and "Payroll" not in content
    content = client.get(url, {"change_request": "true"}).content.decode()
    assert "Payroll" in content and "Invoices" not in content
    content = client.get(url, {"source": "alpha_review"}).content.decode()
    assert "Payroll" in content and "Invoices" not in content
    response = client.get(url, {"q": "invo"}, **HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="requirement-results"') and "<html" not in content
    assert "Invoices" in content and "Payroll" not in content


def test_scope_edit_with_htmx_changes_the_db_and_returns_the_row(client, world):
    req = requirement(world)
    client.force_login(world.consultant)
    response = client.post(reverse("web:requirement-scope", args=["ACME", "REQ-1"]), {"scope": "built"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith(f'<tr id="requirement-row-{req.pk}"')
    req.refresh_from_db()
    assert req.scope == "built"


def test_scope_edit_without_javascript_redirects(client, world):
    requirement(world)
    client.force_login(world.lead)
    response = client.post(reverse("web:requirement-scope", args=["ACME", "REQ-1"]), {"scope": "deferred"})
    assert response.status_code == 302
    assert Requirement.objects.get().scope == "deferred"


def test_scope_edit_bad_value_is_400(client, world):
    requirement(world)
    client.force_login(world.lead)
    response = client.post(reverse("web:requirement-scope", args=["ACME", "REQ-1"]), {"scope": "nope"}, **HTMX)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Requirement.objects.get().scope == "not_started"


def test_customer_member_editing_scope_is_403(client, world):
    requirement(world)
    client.force_login(world.customer_member)
    response = client.post(reverse("web:requirement-scope", args=["ACME", "REQ-1"]), {"scope": "built"}, **HTMX)
    assert response.status_code == 403
    assert Requirement.objects.get().scope == "not_started"


def test_add_requirement_as_customer_lead(client, world):
    client.force_login(world.customer_lead)
    url = reverse("web:requirement-new", args=["ACME"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "ref": "REQ-9",
            "title": "Export to Excel",
            "source": "email",
            "priority": "must",
            "scope": "not_started",
            "gap": "No export yet",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:requirement", args=["ACME", "REQ-9"])
    assert Requirement.objects.get(ref="REQ-9").created_by == world.customer_lead


def test_add_requirement_duplicate_ref_is_400_with_the_field(client, world):
    requirement(world, "REQ-1")
    client.force_login(world.lead)
    response = client.post(
        reverse("web:requirement-new", args=["ACME"]),
        {"ref": "REQ-1", "title": "Again", "source": "email", "priority": "must", "scope": "built"},
    )
    assert response.status_code == 400
    assert "already has a requirement REQ-1" in response.content.decode()
    assert Requirement.objects.count() == 1


def test_requirement_page_shows_its_feedback(client, world):
    req = requirement(world, description="Needs **bold** <script>x</script>")
    feedback(world, meeting(world), text="Bigger font please", requirement=req)
    client.force_login(world.customer_member)
    content = client.get(reverse("web:requirement", args=["ACME", "REQ-1"])).content.decode()
    assert "<strong>bold</strong>" in content and "<script>x" not in content
    assert "Bigger font please" in content


def test_review_pack_html_and_downloads(client, world):
    requirement(world, "REQ-1", scope="built")
    requirement(world, "REQ-2", scope="in_progress", expectation="One click", gap="Two clicks today")
    m = meeting(world)
    item = feedback(world, m, text="Rename the tab")
    services.feedback_done(actor=world.lead, feedback=item, note="Renamed")
    client.force_login(world.customer_member)
    url = reverse("web:review-pack", args=["ACME"])
    content = client.get(url).content.decode()
    assert 'id="pack-built"' in content and "REQ-1" in content
    assert "Two clicks today" in content and "Rename the tab" in content and "Renamed" in content
    markdown = client.get(url, {"format": "md"})
    assert markdown["Content-Type"].startswith("text/markdown")
    assert "**REQ-2**" in markdown.content.decode()
    xlsx = client.get(url, {"format": "xlsx"})
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Scope", "Addressed"]


def test_review_pack_api_uses_the_shared_export(api, world):
    requirement(world, "REQ-1", scope="built")
    response = api(world.customer_member).get("/api/v1/projects/ACME/review-pack/?format=md")
    assert response.status_code == 200 and "**REQ-1**" in response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Meetings and feedback


def test_meeting_list_and_page_render(client, world):
    m = meeting(
        world, attendees=[world.customer_lead], guests=["cfo@acme.example"], notes="# Minutes\n*done*", agenda="1. Demo"
    )
    for username in MEMBERS:
        client.force_login(getattr(world, username))
        content = client.get(reverse("web:meetings", args=["ACME"])).content.decode()
        assert "Alpha demo" in content and 'aria-current="page">Meetings' in content
        response = client.get(reverse("web:meeting", args=["ACME", m.pk]))
        assert response.status_code == 200
        content = response.content.decode()
        assert "<em>done</em>" in content and "cfo@acme.example" in content
        assert ('id="feedback-capture"' in content) == (username != "support")


def test_schedule_a_meeting_in_the_viewers_timezone(client, world):
    client.force_login(world.lead)
    url = reverse("web:meeting-new", args=["ACME"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "review",
            "title": "Beta demo",
            "starts_at": "2026-03-02T10:00",
            "duration_minutes": 90,
            "attendees": ["customer_lead", "consultant"],
            "guests": "cfo@acme.example\nAuditor",
            "agenda": "Walk through",
        },
    )
    assert response.status_code == 302, response.content[:500]
    m = Meeting.objects.get(title="Beta demo")
    assert sorted(u.username for u in m.attendees.all()) == ["consultant", "customer_lead"]
    assert m.guests == ["cfo@acme.example", "Auditor"]
    assert world.lead.timezone == "Asia/Seoul"
    assert m.starts_at == dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul


def test_schedule_a_meeting_bad_guest_is_400(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("web:meeting-new", args=["ACME"]),
        {
            "kind": "review",
            "title": "Demo",
            "starts_at": "2026-03-02T10:00",
            "duration_minutes": 60,
            "guests": "not@an@email",
        },
    )
    assert response.status_code == 400
    assert "not a valid e-mail address" in response.content.decode()
    assert not Meeting.objects.exists()


def test_htmx_feedback_capture_creates_the_item_and_returns_the_fragment(client, world):
    m = meeting(world)
    requirement(world, "REQ-1")
    client.force_login(world.customer_member)
    response = client.post(
        reverse("web:meeting-feedback", args=["ACME", m.pk]),
        {"text": "Show totals on top", "size": "large", "requirement": "REQ-1"},
        **HTMX,
    )
    assert response.status_code == 201
    item = Feedback.objects.get()
    content = response.content.decode()
    assert content.lstrip().startswith(f'<li class="feedback-item is-fresh" id="feedback-{item.pk}"')
    assert "Show totals on top" in content and "<html" not in content
    assert (item.size, item.requirement.ref, item.created_by) == ("large", "REQ-1", world.customer_member)


def test_feedback_capture_without_javascript_redirects(client, world):
    m = meeting(world)
    client.force_login(world.consultant)
    response = client.post(reverse("web:meeting-feedback", args=["ACME", m.pk]), {"text": "A", "size": "small"})
    assert response.status_code == 302
    assert Feedback.objects.count() == 1


def test_feedback_capture_bad_input_is_400_and_retargeted(client, world):
    m = meeting(world)
    client.force_login(world.customer_member)
    response = client.post(reverse("web:meeting-feedback", args=["ACME", m.pk]), {"text": "", "size": "small"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#feedback-capture-result"
    response = client.post(
        reverse("web:meeting-feedback", args=["ACME", m.pk]),
        {"text": "x", "size": "small", "requirement": "NOPE"},
        **HTMX,
    )
    assert response.status_code == 400 and "no requirement NOPE" in response.content.decode()
    assert not Feedback.objects.exists()


def test_support_capturing_feedback_is_403(client, world):
    m = meeting(world)
    client.force_login(world.support)
    response = client.post(reverse("web:meeting-feedback", args=["ACME", m.pk]), {"text": "x", "size": "small"})
    assert response.status_code == 403


def test_triage_buttons_move_feedback(client, world):
    m = meeting(world)
    item = feedback(world, m)
    client.force_login(world.consultant)
    content = client.get(reverse("web:meeting", args=["ACME", m.pk])).content.decode()
    assert f'id="feedback-{item.pk}-accepted"' in content and f'id="feedback-{item.pk}-done"' in content
    url = reverse("web:feedback-status", args=["ACME", m.pk, item.pk])
    response = client.post(url, {"status": "accepted"}, **HTMX)
    assert response.status_code == 200 and "Accepted" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "accepted"
    client.force_login(world.customer_member)
    content = client.get(reverse("web:meeting", args=["ACME", m.pk])).content.decode()
    assert f'id="feedback-{item.pk}-done"' not in content


def test_refused_feedback_move_is_409_with_reason_and_changes_nothing(client, world):
    m = meeting(world)
    item = feedback(world, m)
    services.feedback_done(actor=world.lead, feedback=item)
    client.force_login(world.lead)
    url = reverse("web:feedback-status", args=["ACME", m.pk, item.pk])
    response = client.post(url, {"status": "accepted"}, **HTMX)
    assert response.status_code == 409
    assert "cannot move from done to accepted" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "done"
    response = client.post(url, {"status": "accepted"})
    assert response.status_code == 409 and "cannot move" in response.content.decode()


def test_customer_triaging_is_403(client, world):
    m = meeting(world)
    item = feedback(world, m)
    client.force_login(world.customer_lead)
    response = client.post(reverse("web:feedback-status", args=["ACME", m.pk, item.pk]), {"status": "done"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_make_change_request_from_large_feedback(client, world):
    m = meeting(world)
    item = feedback(world, m, text="Approval in two steps", size="large")
    small = feedback(world, m, text="Typo", size="small")
    client.force_login(world.lead)
    content = client.get(reverse("web:meeting", args=["ACME", m.pk])).content.decode()
    assert f'id="feedback-{item.pk}-ref"' in content and f'id="feedback-{small.pk}-ref"' not in content
    url = reverse("web:feedback-change-request", args=["ACME", m.pk, item.pk])
    response = client.post(url, {"ref": "CR-1"}, **HTMX)
    assert response.status_code == 200, response.content[:500]
    item.refresh_from_db()
    assert item.requirement.ref == "CR-1" and item.requirement.change_request and item.status == "accepted"
    assert "Change request" in response.content.decode()
    response = client.post(
        reverse("web:feedback-change-request", args=["ACME", m.pk, small.pk]), {"ref": "CR-2"}, **HTMX
    )
    assert response.status_code == 409 and "Only large feedback" in response.content.decode()
    big = feedback(world, m, text="Other", size="large")
    response = client.post(reverse("web:feedback-change-request", args=["ACME", m.pk, big.pk]), {"ref": "CR-1"}, **HTMX)
    assert response.status_code == 400 and "already has a requirement CR-1" in response.content.decode()


def test_feedback_of_another_meeting_is_404(client, world):
    m1, m2 = meeting(world), meeting(world, title="Other")
    item = feedback(world, m1)
    client.force_login(world.lead)
    response = client.post(reverse("web:feedback-status", args=["ACME", m2.pk, item.pk]), {"status": "done"})
    assert response.status_code == 404


def test_meeting_notes_saved_by_consultant(client, world):
    m = meeting(world)
    client.force_login(world.consultant)
    response = client.post(reverse("web:meeting-notes", args=["ACME", m.pk]), {"notes": "- agreed **A**"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.notes == "- agreed **A**"
    content = client.get(reverse("web:meeting", args=["ACME", m.pk])).content.decode()
    assert "<strong>A</strong>" in content


# ---------------------------------------------------------------------------------------------------------------
# Decisions and status report


def test_decision_log_flags_a_decision_taken_without_the_customer_lead(client, world):
    services.decision_record(
        actor=world.lead,
        project=world.project,
        title="Drop the fax",
        decision="No fax *integration*",
        stakeholders_present=[world.lead],
    )
    services.decision_record(
        actor=world.lead,
        project=world.project,
        title="Go with SSO",
        decision="SSO",
        stakeholders_present=[world.lead, world.customer_lead],
    )
    client.force_login(world.customer_member)
    content = client.get(reverse("web:decisions", args=["ACME"])).content.decode()
    assert content.count("Taken without: Customer lead") == 1
    assert "<em>integration</em>" in content


def test_record_a_decision_with_stakeholders(client, world):
    client.force_login(world.customer_lead)
    url = reverse("web:decision-new", args=["ACME"])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Keep legacy reports", "decision": "Until Q3", "stakeholders_present": ["customer_lead", "lead"]}
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert sorted(u.username for u in decision.stakeholders_present.all()) == ["customer_lead", "lead"]
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"title": "Later", "decision": "x", "decided_at": future})
    assert response.status_code == 400 and "in the future" in response.content.decode()


def test_customer_member_recording_a_decision_is_403(client, world):
    client.force_login(world.customer_member)
    assert client.post(reverse("web:decision-new", args=["ACME"]), {"title": "x", "decision": "y"}).status_code == 403
    assert not Decision.objects.exists()


def test_status_report_with_week_picker_and_markdown(client, world):
    services.decision_record(
        actor=world.lead,
        project=world.project,
        title="Drop the fax",
        decision="No fax",
        stakeholders_present=[world.lead],
    )
    client.force_login(world.customer_member)
    response = client.get(reverse("web:status-report", args=["ACME"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-current="page">Status report' in content
    assert 'id="previous-week"' in content and 'id="next-week"' in content
    assert '<textarea id="report-markdown"' in content and "readonly" in content
    assert "## Where we are" in content and "Drop the fax" in content
    assert "Taken without: Customer lead" in content


def test_status_report_of_a_given_week_and_bad_week(client, world):
    client.force_login(world.lead)
    url = reverse("web:status-report", args=["ACME"])
    content = client.get(url, {"week": "2026-W10"}).content.decode()
    assert "2026-W10" in content and "?week=2026-W09" in content and "?week=2026-W11" in content
    assert "2026-03-02" in content
    response = client.get(url, {"week": "2026-13"})
    assert response.status_code == 400 and "ISO week" in response.content.decode()


def test_pages_speak_korean(client, world):
    requirement(world, scope="built")
    client.force_login(world.lead)
    content = client.get(reverse("web:requirements", args=["ACME"]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "요구사항" in content and "개발 진척도" in content and "100% 개발됨" in content
    content = client.get(reverse("web:training", args=["ACME"]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "강사 교육(Train the Trainer)" in content and "최종 사용자 교육" in content
    content = client.get(reverse("web:decisions", args=["ACME"]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "의사결정 기록" in content
