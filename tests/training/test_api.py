"""Training API: sessions, attendance, materials and coverage; bad input is 400 naming the field, writes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from golive.training.models import Attendance, Material, TrainingSession
from tests.training.helpers import make_session, mark

BASE = "/api/v1/projects/ACME/training/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _session_payload(**fields):
    return {
        "kind": "train_the_trainer",
        "title": "영업 대표팀 교육: 주문, 출고; 반품",
        "starts_at": "2026-12-01T10:00:00+09:00",
        "duration_minutes": 90,
        "location": "https://meet.example.com/abc",
        "mode": "virtual",
        "trainer": "consultant",
        "audience": "Sales key users",
        "capacity": 10,
        "business_process": "Order to cash",
        "notes": "Check the pace every 20 minutes.",
        **fields,
    }


def test_create_session(world, api):
    response = api(world.consultant).post(BASE + "sessions/", _session_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["trainer"] == "consultant"
    assert body["starts_at"] == "2026-12-01T01:00:00Z"
    assert body["attendance"] == {"invited": 0, "attended": 0, "absent": 0}
    assert body["created_by"] == "consultant"
    assert TrainingSession.objects.get(pk=body["id"]).project == world.project


def test_create_session_with_only_the_contract_fields(world, api):
    payload = {
        "kind": "end_user",
        "title": "AP basics",
        "starts_at": "2026-12-02T01:00:00Z",
        "duration_minutes": 60,
        "location": "Room 4",
    }
    body = api(world.lead).post(BASE + "sessions/", payload, format="json").json()
    assert (body["mode"], body["trainer"], body["capacity"]) == ("virtual", None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "webinar"}, "kind"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 1441}, "duration_minutes"),
        ({"starts_at": "next tuesday"}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"mode": "hybrid"}, "mode"),
        ({"trainer": "nobody"}, "trainer"),
        ({"trainer": "other_customer"}, "trainer"),
        ({"trainer": "outsider"}, "trainer"),
        ({"capacity": 0}, "capacity"),
        ({"title": ""}, "title"),
        ({"room": "4"}, "room"),
    ],
)
def test_create_session_bad_input(world, api, nothing_written, fields, field):
    with nothing_written():
        response = api(world.consultant).post(BASE + "sessions/", _session_payload(**fields), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(field)
    assert not TrainingSession.objects.exists()


def test_list_sessions_with_filters_and_counts(world, api):
    ttt = make_session(world, kind="train_the_trainer", days=-3, mode="on_site")
    end_user = make_session(world, kind="end_user", days=2)
    mark(world, end_user, {"customer_member": "invited", "guest@example.com": "invited"})
    client = api(world.customer_member)
    body = client.get(BASE + "sessions/").json()
    assert [s["id"] for s in body["results"]] == [ttt.pk, end_user.pk]
    assert body["results"][1]["attendance"] == {"invited": 2, "attended": 0, "absent": 0}
    assert [s["id"] for s in client.get(BASE + "sessions/", {"kind": "end_user"}).json()["results"]] == [end_user.pk]
    assert [s["id"] for s in client.get(BASE + "sessions/", {"mode": "on_site"}).json()["results"]] == [ttt.pk]


def test_get_and_patch_session(world, api):
    session = make_session(world)
    url = f"{BASE}sessions/{session.pk}/"
    assert api(world.customer_member).get(url).json()["title"] == session.title
    response = api(world.consultant).patch(url, {"duration_minutes": 120, "trainer": "lead"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["duration_minutes"], response.json()["trainer"]) == (120, "lead")


def test_patch_session_bad_input(world, api, nothing_written):
    session = make_session(world)
    url = f"{BASE}sessions/{session.pk}/"
    for payload, field in [
        ({"duration_minutes": 2000}, "duration_minutes"),
        ({"trainer": "other_customer"}, "trainer"),
        ({"project": "GLOBEX"}, "project"),
    ]:
        with nothing_written():
            response = api(world.consultant).patch(url, payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
    session.refresh_from_db()
    assert session.duration_minutes == 60 and session.trainer is None


def test_unknown_or_other_projects_session_is_404(world, api):
    theirs = make_session(world, project=world.other_project)
    client = api(world.lead)
    for url in (f"{BASE}sessions/{theirs.pk}/", f"{BASE}sessions/999999/", f"{BASE}sessions/{theirs.pk}/attendance/"):
        assert client.get(url).status_code == 404
    response = client.post(f"{BASE}sessions/{theirs.pk}/attendance/", {"attendee": "lead", "status": "attended"})
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_record_attendance_member_guest_and_update(world, api):
    session = make_session(world)
    url = f"{BASE}sessions/{session.pk}/attendance/"
    client = api(world.customer_lead)
    first = client.post(url, {"attendee": "customer_member", "status": "invited"}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["attendee"] == "customer_member" and first.json()["guest"] is False
    guest = client.post(url, {"attendee": "Park@Example.com", "status": "attended"}, format="json")
    assert guest.status_code == 201
    assert guest.json()["attendee"] == "park@example.com" and guest.json()["guest"] is True
    again = client.post(url, {"attendee": "customer_member", "status": "attended"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["status"] == "attended"
    listed = api(world.customer_member).get(url).json()
    assert {(r["attendee"], r["status"]) for r in listed["results"]} == {
        ("customer_member", "attended"),
        ("park@example.com", "attended"),
    }
    assert api(world.customer_member).get(url, {"status": "invited"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("attendee", "status", "field"),
    [
        ("nobody", "attended", "attendee"),  # unknown username, not an address
        ("other_customer", "attended", "attendee"),  # a user of another customer
        ("outsider", "attended", "attendee"),  # a vendor user who is not on the project
        ("", "attended", "attendee"),
        ("customer_member", "late", "status"),
    ],
)
def test_record_attendance_bad_input(world, api, nothing_written, attendee, status, field):
    session = make_session(world)
    with nothing_written():
        response = api(world.lead).post(
            f"{BASE}sessions/{session.pk}/attendance/", {"attendee": attendee, "status": status}, format="json"
        )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(field)
    assert not Attendance.objects.exists()


def test_materials_by_link_and_by_file(world, api, media):
    client = api(world.consultant)
    link = client.post(
        BASE + "materials/",
        {
            "business_process": "Order to cash",
            "title": "Recorded walkthrough",
            "kind": "video",
            "url": "https://videos.example.com/o2c",
            "differences_from_legacy": "No more *manual* credit check.",
        },
        format="json",
    )
    assert link.status_code == 201, link.content
    assert link.json()["has_file"] is False
    assert "<em>manual</em>" in link.json()["differences_from_legacy_html"]
    upload = client.post(
        BASE + "materials/",
        {
            "business_process": "Procure to pay",
            "title": "Annotated screenshots",
            "kind": "screenshots",
            "file": SimpleUploadedFile("p2p.png", PNG, content_type="image/png"),
        },
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    assert (upload.json()["file_name"], upload.json()["size"]) == ("p2p.png", len(PNG))
    listed = api(world.customer_member).get(BASE + "materials/", {"business_process": "Procure to pay"}).json()
    assert [m["id"] for m in listed["results"]] == [upload.json()["id"]]
    download = api(world.customer_member).get(f"{BASE}materials/{upload.json()['id']}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert api(world.customer_member).get(f"{BASE}materials/{link.json()['id']}/file/").status_code == 404
    assert api(world.other_customer).get(f"{BASE}materials/{upload.json()['id']}/file/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"business_process": "O2C", "title": "Nothing", "kind": "notes"}, "url"),
        ({"business_process": "O2C", "title": "Bad", "kind": "link", "url": "not a url"}, "url"),
        ({"business_process": "O2C", "title": "Bad", "kind": "movie", "url": "https://x.example.com"}, "kind"),
        ({"title": "No process", "kind": "link", "url": "https://x.example.com"}, "business_process"),
        (
            {
                "business_process": "O2C",
                "title": "Exe",
                "kind": "other",
                "file": SimpleUploadedFile("tool.exe", b"MZ\x90"),
            },
            "file",
        ),
        (
            {
                "business_process": "O2C",
                "title": "Fake",
                "kind": "screenshots",
                "file": SimpleUploadedFile("fake.png", b"GIF89a...."),
            },
            "file",
        ),
    ],
)
def test_material_bad_input(world, api, media, nothing_written, payload, field):
    with nothing_written():
        response = api(world.consultant).post(BASE + "materials/", payload, format="multipart")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Material.objects.exists()
    assert not list(media.rglob("*.*"))


def test_coverage_figures(world, api):
    make_session(world, kind="train_the_trainer", days=-5)
    make_session(world, kind="train_the_trainer", days=3)
    held = make_session(world, kind="end_user", days=-1)
    mark(world, held, {"customer_member": "attended", "customer_lead": "attended", "a@example.com": "absent"})
    body = api(world.customer_member).get(BASE + "coverage/").json()
    assert body["passed"] is False
    assert (body["train_the_trainer_sessions"], body["train_the_trainer_started"]) == (2, 1)
    assert (body["end_user_sessions"], body["end_user_started"]) == (1, 1)
    assert (body["attended"], body["absent"], body["invited"]) == (2, 1, 0)
    assert body["attendance_percent"] == 66.7
    assert body["min_attendance_percent"] == 80
    assert "1 of 2" in body["detail"]


def test_list_sessions_filter_with_a_nul_character_is_not_a_server_error(world, api):
    """Found by the schema fuzzer: a NUL in a filter reached PostgreSQL, which refuses it (a 500). Every query
    parameter with a NUL is now a 400 naming the problem, on both engines, before the view runs."""
    make_session(world, kind="end_user", days=2)
    response = api(world.customer_member).get(BASE + "sessions/", {"business_process": "Order\x00to cash"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
