"""Attachments on S3-compatible object storage (``GOLIVE_STORAGE_URL=s3://...``), against moto's S3 server
running in a thread on this machine: an upload lands in the bucket under the prefix and nowhere on disk, the
download returns the same bytes, a refused upload writes no object, and a backup taken from the bucket restores
the file into another bucket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from golive import backup as backups
from golive.settings import _file_storage
from tests.tracker.helpers import report

boto3 = pytest.importorskip("boto3", reason="the [s3] extra (django-storages with boto3) is not installed")
moto_server = pytest.importorskip("moto.server", reason="moto[server] (a dev dependency) is not installed")

ROOT = Path(__file__).resolve().parent.parent
URL = "/api/v1/projects/ACME/issues/1/attachments/"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch, tmp_path, request):
    """A fresh bucket as the default storage; ``settings.MEDIA_ROOT`` points at an empty directory to prove that
    nothing is written locally."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    bucket = f"golive-{request.node.name.lower().replace('_', '-')[:40]}-{_free_port()}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    settings.MEDIA_ROOT = str(tmp_path / "local")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": _file_storage(f"s3://{bucket}/acme/uploads?endpoint_url={s3_endpoint}&region=us-east-1"),
    }

    class Bucket:
        name = bucket

        def keys(self) -> list[str]:
            return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))

        def read(self, key: str) -> bytes:
            return client.get_object(Bucket=bucket, Key=key)["Body"].read()

    return Bucket()


def test_an_upload_lands_in_the_bucket_and_downloads_byte_for_byte(world, api, s3, tmp_path):
    report(world, actor=world.customer_member)
    upload = SimpleUploadedFile("screen.png", PNG, content_type="application/octet-stream")
    response = api(world.customer_member).post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    keys = s3.keys()
    assert len(keys) == 1 and keys[0].startswith("acme/uploads/")
    assert s3.read(keys[0]) == PNG
    assert not (tmp_path / "local").exists() or not any((tmp_path / "local").rglob("*"))

    download = api(world.customer_lead).get(f"{URL}{response.json()['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"


def test_a_refused_upload_writes_no_object(world, api, s3):
    report(world, actor=world.customer_member)
    fake = SimpleUploadedFile("screen.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = api(world.customer_member).post(URL, {"file": fake}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    assert s3.keys() == []


def test_a_backup_reads_the_bucket_and_a_restore_writes_the_file_to_another(world, api, s3, s3_endpoint, tmp_path):
    report(world, actor=world.customer_member)
    content = "1. 로그인 화면을 엽니다".encode()
    upload = SimpleUploadedFile("steps.txt", content, content_type="text/plain")
    assert api(world.customer_member).post(URL, {"file": upload}, format="multipart").status_code == 201
    [key] = s3.keys()

    target = tmp_path / "golive.backup"
    assert backups.backup(target)["files"] == 1

    # Restore in another process, into an empty SQLite database and a new bucket of the same S3 server.
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    other = f"{s3.name}-restored"[:63]
    client.create_bucket(Bucket=other)
    restored = tmp_path / "restored"
    restored.mkdir()
    env = {
        **os.environ,
        "GOLIVE_DATA_DIR": str(restored),
        "DATABASE_URL": f"sqlite:///{restored / 'golive.sqlite3'}",
        "GOLIVE_STORAGE_URL": f"s3://{other}/acme/uploads?endpoint_url={s3_endpoint}&region=us-east-1",
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [sys.executable, "-m", "golive", "restore", str(target)], capture_output=True, text=True, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr
    objects = client.list_objects_v2(Bucket=other).get("Contents", [])
    assert [o["Key"] for o in objects] == [key]
    assert client.get_object(Bucket=other, Key=key)["Body"].read() == content
    assert not (restored / "uploads").exists() or not any((restored / "uploads").rglob("*"))
