"""Logical backup and restore (``golive backup FILE`` / ``golive restore FILE``).

A backup is a ZIP file that any database engine can restore:

* ``manifest.json``: the format name and version, when and from which engine it was made, the GoLive and Django
  versions, and the latest migration of every app (a restore refuses a backup made by newer code);
* ``data.xml``: every row, in Django's XML serialization (primary keys kept, so ids in URLs and API answers stay
  the same; foreign keys to permissions by natural key, so they resolve on a fresh database). XML rather than
  Django's JSON, whose encoder cuts instants to milliseconds: a restore must give back the same microseconds;
* ``files/...``: every stored upload (issue attachments, UAT evidence, training materials) under its stored
  name, read from and restored to the configured file storage (local directory or S3-compatible bucket).

Restoring needs an empty database: it applies the migrations, loads the rows in one transaction (Django resets
PostgreSQL's sequences after loading) and puts the files back.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "golive-backup"
FORMAT_VERSION = 1
# Rows Django rebuilds itself (content types and permissions come from migrations) or that are not data.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, for the command line."""


def _golive_version() -> str:
    try:
        return version("golive")
    except PackageNotFoundError:
        return "unknown"


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return latest


def _stored_names() -> list[str]:
    """The names of every stored upload, read from the rows' file fields: the same whichever storage holds the
    files (a local or shared directory, or an S3-compatible bucket)."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True).distinct()
                )
    return sorted(name for name in names if name)


def backup(path: str | Path) -> dict:
    """Write a backup of the whole database and the stored files to ``path``; returns its manifest."""
    target = Path(path)
    files = _stored_names()
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "engine": connection.vendor,
        "golive": _golive_version(),
        "django": django.get_version(),
        "migrations": _latest_migrations(),
        "files": len(files),
    }
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.xml"
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            format="xml",
            output=str(data),
            verbosity=0,
        )
        partial = target.with_name(target.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            archive.write(data, "data.xml")
            for name in files:
                try:
                    source = default_storage.open(name, "rb")
                except FileNotFoundError:
                    raise BackupError(f"a stored file is missing from the file storage: {name}") from None
                with source, archive.open(str(PurePosixPath("files") / name), "w", force_zip64=True) as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
        partial.replace(target)  # a backup file is complete or absent, never half-written
    return manifest


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("not a GoLive backup: manifest.json is missing or unreadable") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("not a GoLive backup: unknown format")
    if not isinstance(manifest.get("version"), int) or manifest["version"] > FORMAT_VERSION:
        raise BackupError(f"backup format version {manifest.get('version')!r} is newer than this GoLive reads")
    return manifest


def _database_is_empty() -> bool:
    from golive.accounts.models import Organization, User
    from golive.lifecycle.models import Project

    return not (User.objects.exists() or Organization.objects.exists() or Project.objects.exists())


def restore(path: str | Path) -> dict:
    """Restore a backup into an empty database (migrated here first); returns its manifest."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"no such file: {source}")
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise BackupError("not a GoLive backup: not a ZIP file") from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        manifest = _read_manifest(archive)
        call_command("migrate", interactive=False, verbosity=0)
        known = _latest_migrations()
        newer = sorted(app for app, name in manifest["migrations"].items() if name > known.get(app, ""))
        if newer:
            raise BackupError(f"the backup was made by a newer GoLive (apps {', '.join(newer)}); upgrade first")
        if not _database_is_empty():
            raise BackupError("the database is not empty: restore into a new, empty database")
        try:
            rows = archive.read("data.xml")
        except KeyError:
            raise BackupError("not a GoLive backup: data.xml is missing") from None
        data = Path(tmp) / "data.xml"
        data.write_bytes(rows)
        call_command("loaddata", str(data), verbosity=0)
        for member in archive.infolist():
            name = PurePosixPath(member.filename)
            if member.is_dir() or name.parts[:1] != ("files",):
                continue
            relative = PurePosixPath(*name.parts[1:])
            if relative.is_absolute() or ".." in relative.parts:
                raise BackupError(f"unsafe path in backup: {member.filename}")
            stored_name = relative.as_posix()
            if default_storage.exists(stored_name):  # a leftover of an earlier attempt: the backup's copy wins
                default_storage.delete(stored_name)
            with archive.open(member) as stream:
                saved = default_storage.save(stored_name, File(stream, name=stored_name))
            if saved != stored_name:
                raise BackupError(f"the file storage renamed {stored_name} to {saved}")
    return manifest
