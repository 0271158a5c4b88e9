"""The training pages: the plan (train-the-trainer first, then end-user, coverage figures), scheduling a
session, the attendance sheet switched per row with htmx, adding a guest, and materials with downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from golive.training import services
from golive.training.models import Attendance, Material, TrainingSession

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MEMBERS = ["admin", "lead", "consultant", "support", "customer_lead", "customer_member"]


def session(world, kind="train_the_trainer", title="Trainers: orders", days=-1, **fields) -> TrainingSession:
    return services.session_create(
        actor=world.lead,
        project=world.project,
        kind=kind,
        title=title,
        starts_at=timezone.now() + dt.timedelta(days=days),
        **fields,
    )


def test_plan_groups_train_the_trainer_before_end_user_with_coverage(client, world):
    end_user = session(world, kind="end_user", title="Everyone: orders", days=-3)
    session(world, title="Trainers: orders", days=-2)
    services.attendance_record(actor=world.lead, session=end_user, attendee="customer_member", status="attended")
    services.attendance_record(actor=world.lead, session=end_user, attendee="x@acme.example", status="absent")
    for username in MEMBERS:
        client.force_login(getattr(world, username))
        response = client.get(reverse("web:training", args=["ACME"]))
        assert response.status_code == 200, username
        content = response.content.decode()
        assert 'aria-current="page">Training' in content
        assert content.index("Trainers: orders") < content.index("Everyone: orders")
        assert 'id="attendance-percent">50%' in content or 'id="attendance-percent">50.0%' in content
        assert "Not met yet" in content
        assert ("Schedule a session" in content) == (username in ("admin", "lead", "consultant"))


def test_schedule_a_session(client, world):
    client.force_login(world.consultant)
    url = reverse("web:training-session-new", args=["ACME"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "end_user",
            "title": "Invoicing for clerks",
            "starts_at": "2026-04-01T09:00",
            "duration_minutes": 120,
            "mode": "on_site",
            "trainer": "customer_lead",
            "business_process": "Invoicing",
        },
    )
    assert response.status_code == 302, response.content[:500]
    created = TrainingSession.objects.get()
    assert created.trainer == world.customer_lead and created.starts_at == dt.datetime(2026, 4, 1, 0, 0, tzinfo=dt.UTC)


def test_schedule_bad_input_is_400(client, world):
    client.force_login(world.lead)
    response = client.post(reverse("web:training-session-new", args=["ACME"]), {"kind": "end_user", "title": ""})
    assert response.status_code == 400
    assert not TrainingSession.objects.exists()


def test_session_page_lists_members_and_guests(client, world):
    s = session(world)
    services.attendance_record(actor=world.lead, session=s, attendee="guest@acme.example", status="invited")
    client.force_login(world.customer_member)
    content = client.get(reverse("web:training-session", args=["ACME", s.pk])).content.decode()
    assert "guest@acme.example" in content and f'id="att-u{world.customer_lead.pk}"' in content
    assert "Not on the sheet" in content
    assert f'id="att-u{world.customer_lead.pk}-attended"' not in content  # a customer member cannot record


def test_attendance_switch_with_htmx_returns_the_row(client, world):
    s = session(world)
    client.force_login(world.customer_lead)
    url = reverse("web:training-attendance", args=["ACME", s.pk])
    response = client.post(url, {"attendee": "customer_member", "status": "attended", "row": "1"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith(f'<tr id="att-u{world.customer_member.pk}"') and "Attended" in content
    assert Attendance.objects.get().status == "attended"
    response = client.post(url, {"attendee": "customer_member", "status": "absent", "row": "1"}, **HTMX)
    assert Attendance.objects.get().status == "absent"


def test_add_a_guest_and_bad_attendee(client, world):
    s = session(world)
    client.force_login(world.support)
    url = reverse("web:training-attendance", args=["ACME", s.pk])
    response = client.post(url, {"attendee": "new@acme.example", "status": "invited"}, **HTMX)
    assert response.status_code == 200 and 'id="attendance-sheet"' in response.content.decode()
    assert Attendance.objects.get().email == "new@acme.example"
    response = client.post(url, {"attendee": "outsider", "status": "invited"}, **HTMX)
    assert response.status_code == 400 and "not a member of this project" in response.content.decode()
    response = client.post(url, {"attendee": "someone@acme.example", "status": "invited"})
    assert response.status_code == 302


def test_customer_member_recording_attendance_is_403(client, world):
    s = session(world)
    client.force_login(world.customer_member)
    url = reverse("web:training-attendance", args=["ACME", s.pk])
    assert client.post(url, {"attendee": "customer_member", "status": "attended"}).status_code == 403
    assert not Attendance.objects.exists()


def test_materials_add_and_download(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    s = session(world, business_process="Invoicing")
    client.force_login(world.consultant)
    response = client.post(
        reverse("web:training-material-add", args=["ACME"]),
        {
            "business_process": "Invoicing",
            "title": "Invoice walkthrough",
            "kind": "notes",
            "file": SimpleUploadedFile("steps.txt", b"1. open", content_type="text/plain"),
            "differences_from_legacy": "No **F9** key",
            "session": s.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:training-session", args=["ACME", s.pk])
    material = Material.objects.get()
    client.force_login(world.customer_member)
    content = client.get(reverse("web:training-session", args=["ACME", s.pk])).content.decode()
    assert "Invoice walkthrough" in content and "<strong>F9</strong>" in content
    download = client.get(reverse("web:training-material-file", args=["ACME", material.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"1. open"
    content = client.get(reverse("web:training", args=["ACME"])).content.decode()
    assert "Invoice walkthrough" in content


def test_material_without_link_or_file_is_400(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("web:training-material-add", args=["ACME"]),
        {"business_process": "Invoicing", "title": "Nothing", "kind": "link"},
    )
    assert response.status_code == 400 and "Give a link or upload a file." in response.content.decode()
    assert not Material.objects.exists()


def test_customer_adding_material_is_403(client, world):
    client.force_login(world.customer_lead)
    response = client.post(
        reverse("web:training-material-add", args=["ACME"]),
        {"business_process": "P", "title": "T", "kind": "link", "url": "https://example.com/v"},
    )
    assert response.status_code == 403
