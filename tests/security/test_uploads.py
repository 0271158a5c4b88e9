"""Upload limits and hostile files: an over-large body is a 413 with ``{detail}`` (never a 500), too many fields a
400; HTML or script disguised as an image is refused; stored files always come back as downloads, never rendered.

HTML disguised as a PDF, an executable disguised as a PNG and a PNG disguised as a JPEG are refused in
tests/tracker/test_attachments.py::test_refused_upload_writes_nothing; they are not repeated here."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from golive.audit.models import AuditEvent
from golive.tracker import services as tracker_services
from golive.tracker.models import Attachment, Issue
from golive.training import services as training_services
from golive.uat import services as uat_services
from golive.uat.models import Run, RunEvidence
from tests.factories import PASSWORD
from tests.tracker.helpers import report
from tests.uat.builders import failed_run_params

ISSUES = "/api/v1/projects/ACME/issues/"
ATTACHMENTS = ISSUES + "1/attachments/"
HOSTILE = b"<!DOCTYPE html><html><script>window.__xss = 1; alert(document.cookie)</script></html>"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, url, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    return client.post(url, {"file": upload}, format="multipart")


def test_a_json_body_over_the_limit_is_413_with_detail_and_writes_nothing(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = (Issue.objects.count(), AuditEvent.objects.count())
    body = {"title": "Huge", "description": "x" * 20_000}
    response = api(world.lead).post(ISSUES, body, format="json")
    assert response.status_code == 413
    assert set(response.json()) == {"detail"} and "too large" in response.json()["detail"]
    assert (Issue.objects.count(), AuditEvent.objects.count()) == before
    # Just under the limit is a normal request.
    small = {"title": "Fine", "description": "x" * 5_000}
    assert api(world.lead).post(ISSUES, small, format="json").status_code == 201


def test_an_upload_over_the_request_limit_is_413_and_stores_nothing(world, api, media, settings):
    settings.GOLIVE_MAX_REQUEST_MB = 1
    report(world, actor=world.customer_member)
    response = _upload(api(world.customer_member), ATTACHMENTS, "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 1_100_000)
    assert response.status_code == 413
    assert "detail" in response.json()
    assert not Attachment.objects.exists() and not list(media.rglob("*.png"))


def test_too_many_form_fields_is_400_with_detail(world, api, media, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    report(world, actor=world.customer_member)
    fields = {f"field{n}": "x" for n in range(10)}
    fields["file"] = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    response = api(world.customer_member).post(ATTACHMENTS, fields, format="multipart")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("encoded", [True, False], ids=["urlencoded", "multipart"])
def test_an_over_large_web_form_is_413_not_a_500(world, settings, encoded):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(enforce_csrf_checks=True)
    client.login(username="lead", password=PASSWORD)
    client.get("/projects/ACME/issues/new/")
    form = {"title": "x", "description": "y" * 20_000, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    if encoded:
        from urllib.parse import urlencode

        response = client.post(
            "/projects/ACME/issues/new/", urlencode(form), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post("/projects/ACME/issues/new/", form)
    assert response.status_code == 413
    assert b"too large" in response.content
    assert not Issue.objects.exists()


def test_too_many_web_form_fields_is_400_not_a_500(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client = Client()
    client.login(username="lead", password=PASSWORD)
    response = client.post("/projects/ACME/issues/new/", {f"f{n}": "x" for n in range(10)})
    assert response.status_code == 400
    assert b"too many fields" in response.content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("screen.png", HOSTILE),
        ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("anim.gif", b"<script>alert(1)</script>GIF89a"),
        ("invoice.pdf", b"\n<html><body onload=alert(1)>%PDF-1.7"),
        ("scan.png", b"javascript:alert(1)//\x89PNG\r\n\x1a\n"),
    ],
)
def test_html_or_script_disguised_as_an_image_or_pdf_is_refused(world, api, media, name, content):
    report(world, actor=world.customer_member)
    response = _upload(api(world.customer_member), ATTACHMENTS, name, content)
    assert response.status_code == 400
    assert "does not match" in response.json()["errors"]["file"][0]
    assert not Attachment.objects.exists() and not [p for p in media.rglob("*") if p.is_file()]
    # UAT evidence goes through the same check.
    params = failed_run_params(world)
    evidence = _upload(
        api(world.customer_member), f"/api/v1/projects/ACME/uat/runs/{params['run_id']}/evidence/", name, content
    )
    assert evidence.status_code == 400 and "file" in evidence.json()["errors"]
    assert not RunEvidence.objects.exists()


def _stored_files(world):
    """One stored text file holding HTML, of each kind: issue attachment, UAT evidence, training material."""
    report(world, actor=world.customer_member)
    issue = Issue.objects.get(number=1)
    upload = SimpleUploadedFile("page.txt", HOSTILE, content_type="text/html")
    attachment = tracker_services.attachment_add(actor=world.customer_member, issue=issue, upload=upload)
    run_id = failed_run_params(world)["run_id"]
    upload = SimpleUploadedFile("page.txt", HOSTILE, content_type="text/html")
    evidence = uat_services.evidence_add(actor=world.customer_member, run=Run.objects.get(pk=run_id), upload=upload)
    upload = SimpleUploadedFile("page.txt", HOSTILE, content_type="text/html")
    material = training_services.material_add(
        actor=world.lead, project=world.project, business_process="O2C", title="Page", kind="notes", upload=upload
    )
    return [
        f"/api/v1/projects/ACME/issues/1/attachments/{attachment.pk}/",
        f"/projects/ACME/issues/1/attachments/{attachment.pk}/",
        f"/api/v1/projects/ACME/uat/runs/{run_id}/evidence/{evidence.pk}/",
        f"/projects/ACME/uat/runs/{run_id}/evidence/{evidence.pk}/",
        f"/api/v1/projects/ACME/training/materials/{material.pk}/file/",
        f"/projects/ACME/training/materials/{material.pk}/file/",
    ]


def test_every_stored_file_downloads_as_an_attachment_that_is_not_sniffed(world, media):
    client = Client()
    client.login(username="lead", password=PASSWORD)
    urls = _stored_files(world)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment;"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Content-Type"].startswith("text/plain"), url  # stored as text, never served as HTML
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert b"".join(response.streaming_content) == HOSTILE, url


def test_limits_are_set(settings):
    from django.conf import settings as live

    assert live.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert live.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert live.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert live.DATA_UPLOAD_MAX_NUMBER_FILES == 20
    assert tracker_services.max_attachment_bytes() < live.GOLIVE_MAX_REQUEST_MB * 1024 * 1024
