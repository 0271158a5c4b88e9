"""Training services: validation, upsert of attendance, materials with files, audit events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.training import services
from golive.training.models import Attendance, Material, TrainingSession
from tests.training.helpers import make_session

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _counts():
    return (
        TrainingSession.objects.count(),
        Attendance.objects.count(),
        Material.objects.count(),
        AuditEvent.objects.count(),
    )


def test_session_create_is_audited(world):
    session = make_session(world, kind="train_the_trainer", trainer=world.consultant, capacity=12)
    assert session.trainer == world.consultant
    event = AuditEvent.objects.get(action="training_session.created")
    assert event.object_id == str(session.pk)
    assert event.changes["trainer"] == "consultant"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 1441}, "duration_minutes"),
        ({"kind": "webinar"}, "kind"),
        ({"mode": "hybrid"}, "mode"),
        ({"capacity": 0}, "capacity"),
        ({"title": ""}, "title"),
    ],
)
def test_session_create_refuses_bad_fields(world, fields, field):
    before = _counts()
    values = {"kind": "end_user", "title": "Orders", **fields}
    with pytest.raises(ValidationError) as caught:
        services.session_create(actor=world.lead, project=world.project, starts_at=timezone.now(), **values)
    assert field in caught.value.message_dict
    assert _counts() == before


@pytest.mark.parametrize("trainer", ["outsider", "other_customer"])
def test_trainer_must_be_a_member(world, trainer):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        make_session(world, trainer=getattr(world, trainer))
    assert "trainer" in caught.value.message_dict
    assert _counts() == before


def test_session_update_records_changes(world):
    session = make_session(world)
    new_start = session.starts_at + dt.timedelta(days=2)
    updated = services.session_update(actor=world.consultant, session=session, starts_at=new_start, mode="on_site")
    assert (updated.starts_at, updated.mode) == (new_start, "on_site")
    event = AuditEvent.objects.get(action="training_session.updated")
    assert event.changes["mode"] == ["virtual", "on_site"]


def test_session_update_without_change_writes_nothing(world):
    session = make_session(world)
    before = _counts()
    services.session_update(actor=world.lead, session=session, title=session.title)
    assert _counts() == before


def test_session_update_refuses_unknown_fields_and_non_member_trainer(world):
    session = make_session(world)
    with pytest.raises(ValidationError) as caught:
        services.session_update(actor=world.lead, session=session, project=world.other_project)
    assert "project" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.session_update(actor=world.lead, session=session, trainer=world.other_customer)
    assert "trainer" in caught.value.message_dict


def test_attendance_of_a_member_is_upserted(world):
    session = make_session(world)
    row, created = services.attendance_record(
        actor=world.lead, session=session, attendee="customer_member", status="invited"
    )
    assert created and row.user == world.customer_member and row.email == ""
    again, created = services.attendance_record(
        actor=world.customer_lead, session=session, attendee="customer_member", status="attended"
    )
    assert not created and again.pk == row.pk and again.status == "attended"
    assert again.recorded_by == world.customer_lead
    assert Attendance.objects.count() == 1
    events = AuditEvent.objects.filter(action="training_attendance.recorded").order_by("id")
    changes = [e.changes["status"] for e in events]
    assert changes == [[None, "invited"], ["invited", "attended"]]


def test_recording_the_same_status_again_writes_no_audit(world):
    session = make_session(world)
    services.attendance_record(actor=world.lead, session=session, attendee="customer_member", status="attended")
    before = _counts()
    services.attendance_record(actor=world.lead, session=session, attendee="customer_member", status="attended")
    assert _counts() == before


def test_guest_by_email_is_case_insensitive(world):
    session = make_session(world)
    row, created = services.attendance_record(
        actor=world.lead, session=session, attendee=" Kim.Minsu@Example.KR ", status="invited"
    )
    assert created and row.user is None and row.email == "kim.minsu@example.kr"
    again, created = services.attendance_record(
        actor=world.lead, session=session, attendee="kim.minsu@example.kr", status="absent"
    )
    assert not created and again.pk == row.pk and again.status == "absent"
    assert row.attendee == "kim.minsu@example.kr"


@pytest.mark.parametrize("attendee", ["nobody", "", "   ", "other_customer", "outsider", "not an@address"])
def test_attendee_must_be_a_member_or_an_email(world, attendee):
    session = make_session(world)
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        services.attendance_record(actor=world.lead, session=session, attendee=attendee, status="attended")
    assert "attendee" in caught.value.message_dict
    assert _counts() == before


def test_attendance_status_is_checked(world):
    session = make_session(world)
    with pytest.raises(ValidationError) as caught:
        services.attendance_record(actor=world.lead, session=session, attendee="customer_member", status="late")
    assert "status" in caught.value.message_dict


def test_attendance_needs_exactly_one_of_user_and_email(world):
    session = make_session(world)
    both = Attendance(session=session, user=world.customer_member, email="x@example.com", recorded_by=world.lead)
    neither = Attendance(session=session, recorded_by=world.lead)
    for row in (both, neither):
        with pytest.raises(ValidationError):
            row.full_clean()


def test_material_with_a_link(world):
    material = services.material_add(
        actor=world.consultant,
        project=world.project,
        business_process="Order to cash",
        title="Order entry walkthrough",
        kind="video",
        url="https://videos.example.com/o2c",
        differences_from_legacy="Credit check is **automatic** now.",
    )
    assert not material.file and material.url.endswith("/o2c")
    assert AuditEvent.objects.filter(action="training_material.added", object_id=str(material.pk)).exists()


def test_material_with_a_file_is_stored_under_materials(world, media):
    upload = SimpleUploadedFile("order-entry.png", PNG, content_type="image/png")
    material = services.material_add(
        actor=world.consultant,
        project=world.project,
        business_process="Order to cash",
        title="Order entry",
        kind="screenshots",
        upload=upload,
    )
    assert material.file.name.startswith(f"materials/{world.project.pk}/")
    assert (material.file_name, material.content_type, material.size) == ("order-entry.png", "image/png", len(PNG))
    assert (media / material.file.name).read_bytes() == PNG


@pytest.mark.parametrize(
    ("name", "content", "limit_mb"),
    [
        ("setup.exe", b"MZ\x90\x00", 10),
        ("shot.png", b"not a png at all", 10),
        ("notes.txt", b"text\x00with nul", 10),
        ("big.txt", b"a" * (1024 * 1024 + 1), 1),
    ],
)
def test_material_file_is_type_and_size_checked(world, media, settings, name, content, limit_mb):
    settings.GOLIVE_MAX_ATTACHMENT_MB = limit_mb
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        services.material_add(
            actor=world.consultant,
            project=world.project,
            business_process="Order to cash",
            title="Bad",
            kind="other",
            upload=SimpleUploadedFile(name, content),
        )
    assert "file" in caught.value.message_dict
    assert _counts() == before
    assert not list(media.rglob("*.*"))


def test_material_needs_a_link_or_a_file(world):
    with pytest.raises(ValidationError) as caught:
        services.material_add(
            actor=world.consultant, project=world.project, business_process="P2P", title="Nothing", kind="notes"
        )
    assert "url" in caught.value.message_dict
    assert not Material.objects.exists()
