"""The ``golive`` command: exit statuses, user and token commands, demo data, settings that fail loudly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from golive import cli, demo
from golive.accounts.models import User
from golive.lifecycle.models import Project


def run_golive(*args, env=None, data_dir):
    environment = {**os.environ, "GOLIVE_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "golive", *args], capture_output=True, text=True, env=environment, timeout=120
    )


@pytest.mark.django_db
def test_createuser_then_token_prints_the_same_token_twice(capsys):
    assert cli.main(["createuser", "mina", "--password", "long-enough-1", "--email", "m@example.com"]) == 0
    assert User.objects.get(username="mina").email == "m@example.com"
    capsys.readouterr()
    assert cli.main(["token", "mina"]) == 0
    first = capsys.readouterr().out.strip()
    assert cli.main(["token", "mina"]) == 0
    assert capsys.readouterr().out.strip() == first
    assert len(first) == 40


@pytest.mark.django_db
def test_createuser_refuses_a_short_password_with_status_1(capsys):
    assert cli.main(["createuser", "mina", "--password", "short"]) == 1
    err = capsys.readouterr().err
    assert "password" in err and "Traceback" not in err
    assert not User.objects.filter(username="mina").exists()


@pytest.mark.django_db
def test_createuser_with_unknown_org_is_a_handled_error(capsys):
    assert cli.main(["createuser", "mina", "--password", "long-enough-1", "--org", "nope"]) == 1
    assert "nope" in capsys.readouterr().err


@pytest.mark.django_db
def test_createuser_admin_flag_makes_a_vendor_administrator():
    assert cli.main(["createuser", "boss", "--password", "long-enough-1", "--admin"]) == 0
    assert User.objects.get(username="boss").is_admin


@pytest.mark.django_db
def test_token_for_unknown_user_exits_1(capsys):
    assert cli.main(["token", "ghost"]) == 1
    assert "ghost" in capsys.readouterr().err


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["no-such-command"])
    assert exc.value.code == 2


@pytest.mark.django_db
def test_demo_loads_projects_in_every_phase_once():
    assert demo.load() is True
    phases = dict(Project.objects.values_list("key", "current_phase__key"))
    assert phases == {
        "HANBIT1": "uat",
        "BLUE1": "deployment",
        "HANBIT2": "hypercare",
        "BLUE2": "alpha_review",
        "BLUE0": None,
    }
    assert Project.objects.get(key="BLUE0").status == Project.Status.CLOSED
    users = User.objects.count()
    assert demo.load() is False
    assert User.objects.count() == users
    lead = User.objects.get(username="lead")
    assert lead.check_password(demo.DEMO_PASSWORD)


def test_unsupported_database_url_fails_loudly(tmp_path):
    result = run_golive("migrate", data_dir=tmp_path, env={"DATABASE_URL": "oracle://x/y"})
    assert result.returncode == 1
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_broker_url_of_unknown_scheme_fails_loudly(tmp_path):
    result = run_golive("migrate", data_dir=tmp_path, env={"GOLIVE_BROKER_URL": "ftp://nowhere"})
    assert result.returncode == 1
    assert "GOLIVE_BROKER_URL" in result.stderr


def test_secret_key_is_generated_once_into_the_data_dir(tmp_path):
    env = {"GOLIVE_SECRET_KEY": ""}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='golive.settings'; django.setup(); {code}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GOLIVE_DATA_DIR": str(tmp_path), **env},
        timeout=60,
    )
    second = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='golive.settings'; django.setup(); {code}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GOLIVE_DATA_DIR": str(tmp_path), **env},
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert (tmp_path / "secret_key").read_text().strip() == first.stdout.strip()


def test_worker_without_a_broker_says_so_with_status_1(settings, capsys):
    settings.BROKER_URL = None
    assert cli.main(["worker"]) == 1
    assert "GOLIVE_BROKER_URL" in capsys.readouterr().err


@pytest.mark.django_db
def test_sweep_rejects_an_instant_without_offset(capsys):
    assert cli.main(["sweep", "--as-of", "2026-11-26T09:00:00"]) == 1
    assert "offset" in capsys.readouterr().err
