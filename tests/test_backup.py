"""``golive backup`` / ``golive restore``: a logical backup restored into a new, empty database (in another
process, on the embedded SQLite) gives back identical API listings and the stored files; bad backups and a
non-empty target are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from golive import backup as backups
from golive import cli
from golive.tracker import services as tracker_services

ROOT = Path(__file__).resolve().parent.parent
LISTINGS = [
    "/api/v1/projects/",
    "/api/v1/projects/ACME/",
    "/api/v1/projects/ACME/phases/",
    "/api/v1/projects/ACME/members/",
    "/api/v1/projects/ACME/issues/",
    "/api/v1/projects/ACME/issues/1/comments/",
    "/api/v1/projects/ACME/issues/1/attachments/",
    "/api/v1/projects/ACME/audit/",
    "/api/v1/projects/ACME/signoffs/",
]


def listings() -> dict:
    """The answers of the listing routes for the consultant lead ``lead``, and the attachment's bytes."""
    from rest_framework.test import APIClient

    from golive.accounts.models import User

    client = APIClient()
    client.force_authenticate(User.objects.get(username="lead"))
    answers = {url: client.get(url).json() for url in LISTINGS}
    attachment = answers["/api/v1/projects/ACME/issues/1/attachments/"]
    first = (attachment["results"] if isinstance(attachment, dict) else attachment)[0]["id"]
    response = client.get(f"/api/v1/projects/ACME/issues/1/attachments/{first}/")
    answers["attachment-bytes"] = b"".join(response.streaming_content).decode()
    return answers


SCRIPT = """
import json, os, sys
import django
from django.test.utils import setup_test_environment
os.environ["DJANGO_SETTINGS_MODULE"] = "golive.settings"
django.setup()
setup_test_environment()
from tests.test_backup import listings
sys.stdout.write(json.dumps(listings()))
"""


@pytest.fixture
def acme_with_history(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    issue = tracker_services.issue_create(
        actor=world.customer_member, project=world.project, title="로그인이 안 됩니다", severity="P2"
    )
    tracker_services.comment_add(actor=world.lead, issue=issue, body="Looking into it.")
    upload = SimpleUploadedFile("steps.txt", "1. 로그인 화면을 엽니다".encode(), content_type="text/plain")
    tracker_services.attachment_add(actor=world.customer_member, issue=issue, upload=upload)
    return world


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_into_an_empty_database_gives_identical_listings(acme_with_history, tmp_path):
    target = tmp_path / "golive.backup"
    manifest = backups.backup(target)
    assert manifest["format"] == "golive-backup" and manifest["files"] == 1
    expected = listings()

    restored = tmp_path / "restored"
    restored.mkdir()
    env = {
        **os.environ,
        "GOLIVE_DATA_DIR": str(restored),
        "DATABASE_URL": f"sqlite:///{restored / 'golive.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [sys.executable, "-m", "golive", "restore", str(target)], capture_output=True, text=True, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert "Restored" in run.stdout
    answers = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert answers.returncode == 0, answers.stderr
    assert json.loads(answers.stdout) == json.loads(json.dumps(expected))

    again = subprocess.run(
        [sys.executable, "-m", "golive", "restore", str(target)], capture_output=True, text=True, env=env, timeout=300
    )
    assert again.returncode == 1 and "not empty" in again.stderr


@pytest.mark.django_db
def test_restore_refuses_a_non_empty_database(acme_with_history, tmp_path):
    target = tmp_path / "golive.backup"
    backups.backup(target)
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(target)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "not a ZIP"),
        ({"data.xml": "<django-objects/>"}, "manifest.json is missing"),
        ({"manifest.json": json.dumps({"format": "other", "version": 1})}, "unknown format"),
        ({"manifest.json": json.dumps({"format": "golive-backup", "version": 99})}, "newer"),
    ],
)
def test_restore_refuses_what_is_not_a_backup_it_can_read(tmp_path, content, message):
    target = tmp_path / "bad.backup"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        with zipfile.ZipFile(target, "w") as archive:
            for name, text in content.items():
                archive.writestr(name, text)
    with pytest.raises(backups.BackupError, match=message):
        backups.restore(target)


@pytest.mark.django_db
def test_cli_reports_a_refused_restore_with_status_1(tmp_path, capsys):
    assert cli.main(["restore", str(tmp_path / "missing.backup")]) == 1
    assert "no such file" in capsys.readouterr().err
