"""Attachments: accepted types round-trip byte for byte, refusals write nothing, other tenants see nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from golive.audit.models import AuditEvent
from golive.tracker.models import Attachment, IssueEvent
from tests.tracker.helpers import report

URL = "/api/v1/projects/ACME/issues/1/attachments/"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n" + b"\x00\xff" * 100


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def _upload(client, name, content, content_type="application/octet-stream"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content, content_type=content_type)}, format="multipart")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("screen.png", PNG, "image/png"),
        ("invoice.pdf", PDF, "application/pdf"),
        ("app.log", b"ERROR 500\n", "text/plain"),
    ],
)
def test_upload_and_download_identical_bytes(world, api, media, name, content, content_type):
    report(world, actor=world.customer_member)
    response = _upload(api(world.customer_member), name, content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["content_type"], body["size"], body["uploaded_by"]) == (
        name,
        content_type,
        len(content),
        "customer_member",
    )
    assert len(_files(media)) == 1
    listed = api(world.support).get(URL).json()["results"]
    assert [a["id"] for a in listed] == [body["id"]]
    download = api(world.customer_lead).get(f"{URL}{body['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == content_type
    assert name in download["Content-Disposition"] and "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_other_tenant_gets_404_for_list_and_download(world, api, media):
    report(world, actor=world.customer_member)
    attachment_id = _upload(api(world.customer_member), "a.txt", b"secret").json()["id"]
    for user in (world.other_customer, world.other_lead, world.outsider):
        assert api(user).get(f"{URL}{attachment_id}/").status_code == 404
        assert api(user).get(URL).status_code == 404
    assert api(None).get(f"{URL}{attachment_id}/").status_code == 401
    # An attachment id of another issue is not served under this one.
    report(world)
    assert api(world.lead).get(f"/api/v1/projects/ACME/issues/2/attachments/{attachment_id}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "settings_mb"),
    [
        ("big.txt", b"x" * (1024 * 1024 + 1), 1),  # over the limit
        ("tool.exe", b"MZ\x90\x00", 10),  # refused extension
        ("noext", b"hello", 10),  # no extension at all
        ("picture.png", b"MZ\x90\x00 not a png", 10),  # extension lies about the content
        ("photo.jpg", PNG, 10),  # a PNG is not a JPEG
        ("doc.pdf", b"<html>", 10),
        ("notes.txt", b"text\x00binary", 10),  # binary in a text file
    ],
)
def test_refused_upload_writes_nothing(world, api, media, settings, name, content, settings_mb):
    settings.GOLIVE_MAX_ATTACHMENT_MB = settings_mb
    report(world, actor=world.customer_member)
    before = (Attachment.objects.count(), IssueEvent.objects.count(), AuditEvent.objects.count())
    response = _upload(api(world.customer_member), name, content)
    assert response.status_code == 400, response.content
    assert "file" in response.json()["errors"]
    assert (Attachment.objects.count(), IssueEvent.objects.count(), AuditEvent.objects.count()) == before
    assert _files(media) == []


def test_upload_just_under_the_limit_is_accepted(world, api, media, settings):
    settings.GOLIVE_MAX_ATTACHMENT_MB = 1
    report(world)
    assert _upload(api(world.lead), "big.txt", b"x" * (1024 * 1024)).status_code == 201


def test_missing_file_is_400(world, api, media):
    report(world)
    response = api(world.lead).post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not Attachment.objects.exists()


def test_upload_appears_on_the_timeline(world, api, media):
    report(world)
    _upload(api(world.consultant), "trace.log", b"stack")
    events = api(world.customer_member).get("/api/v1/projects/ACME/issues/1/timeline/").json()["results"]
    assert (events[-1]["kind"], events[-1]["actor"], events[-1]["data"]["name"]) == (
        "attachment",
        "consultant",
        "trace.log",
    )


def test_same_name_twice_keeps_both_files_apart(world, api, media):
    report(world)
    client = api(world.lead)
    first = _upload(client, "report.txt", b"first version").json()["id"]
    second = _upload(client, "report.txt", b"second version").json()["id"]
    assert len(_files(media)) == 2
    assert b"".join(client.get(f"{URL}{first}/").streaming_content) == b"first version"
    assert b"".join(client.get(f"{URL}{second}/").streaming_content) == b"second version"


def test_path_in_the_file_name_is_dropped(world, api, media):
    report(world)
    response = _upload(api(world.lead), "../../../etc/evil.txt", b"x")
    assert response.status_code == 201
    assert response.json()["name"] == "evil.txt"
    assert all(media in path.parents for path in _files(media))
