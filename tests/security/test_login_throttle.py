"""Log-in throttle: failures per username and per client address, kept in the database, lock every way in (web
form, API token exchange, admin) for a while, even with the right password; an administrator can lift a lock."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from golive.accounts import services
from golive.accounts.models import LoginFailure, LoginLock
from golive.audit.models import AuditEvent
from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def _token(username, password=PASSWORD, **extra):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def _web_login(username, password=PASSWORD, client=None, **extra):
    client = client or Client()
    return client, client.post(reverse("web:login"), {"username": username, "password": password}, **extra)


def _fail(username, times, **extra):
    for _ in range(times):
        assert _token(username, "wrong-password", **extra).status_code == 400


def test_api_locks_the_username_after_the_limit_even_for_the_right_password(world):
    _fail("lead", 5)
    response = _token("lead")
    assert response.status_code == 429
    assert set(response.json()) == {"detail"}
    assert "Too many failed log-in attempts" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert not Token.objects.filter(user=world.lead).exists()
    # Other users are not affected by the lead's lock.
    assert _token("consultant").status_code == 200


def test_failures_below_the_limit_do_not_lock_and_a_success_clears_them(world):
    _fail("lead", 4)
    assert _token("lead").status_code == 200
    assert not LoginFailure.objects.filter(username="lead").exists()
    # Counted again from zero: four more failures still leave the door open.
    _fail("lead", 4)
    assert _token("lead").status_code == 200


def test_the_lock_is_audited_without_a_project(world):
    _fail("lead", 5)
    event = AuditEvent.objects.get(action="login.locked")
    assert event.project is None and event.actor is None
    assert event.changes["scope"] == "username" and event.changes["key"] == "lead"
    assert event.changes["failures"] == 5
    # The refused attempts while locked neither count nor extend the lock.
    _fail_locked = _token("lead", "wrong-password")
    assert _fail_locked.status_code == 429
    assert AuditEvent.objects.filter(action="login.locked").count() == 1
    assert LoginFailure.objects.filter(username="lead").count() == 5


def test_unknown_usernames_are_answered_and_locked_like_known_ones(world):
    unknown = _token("ghost", "wrong-password")
    known = _token("lead", "wrong-password")
    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    _fail("ghost", 4)
    locked = _token("ghost", "wrong-password")
    assert locked.status_code == 429
    _fail("lead", 4)
    assert _token("lead", "wrong-password").json() == locked.json()


def test_case_and_blanks_do_not_make_another_username(world):
    for spelling in ("lead", "LEAD", " Lead", "lEaD ", "lead"):
        assert _token(spelling, "wrong-password").status_code == 400
    assert _token("lead").status_code == 429


def test_web_login_is_refused_while_locked_with_a_message_and_no_session(world):
    for _ in range(5):
        _client, response = _web_login("lead", "wrong-password")
        assert response.status_code == 200
    client, response = _web_login("lead")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed log-in attempts. Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:portfolio")).status_code == 302  # still sent to the log-in page


def test_one_lock_for_web_and_api(world):
    for _ in range(5):
        _web_login("lead", "wrong-password")
    assert _token("lead").status_code == 429
    assert _web_login("lead")[1].status_code == 429


def test_admin_login_is_under_the_same_throttle(world):
    _fail("admin", 5)
    client = Client()
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 200
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_spraying_usernames_is_locked_for_every_username(world, settings):
    settings.GOLIVE_LOGIN_MAX_FAILURES_PER_IP = 6
    for username in ("lead", "consultant", "support", "ghost1", "ghost2", "ghost3"):
        assert _token(username, "wrong-password", REMOTE_ADDR="198.51.100.7").status_code == 400
    # No username reached its own limit, but the address did: even a right password of another user is refused.
    assert _token("customer_lead", REMOTE_ADDR="198.51.100.7").status_code == 429
    _client, response = _web_login("customer_lead", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    # The same user from another address gets in.
    assert _token("customer_lead", REMOTE_ADDR="198.51.100.8").status_code == 200
    assert AuditEvent.objects.get(action="login.locked").changes["scope"] == "ip"


def test_the_address_behind_a_trusted_proxy_is_the_one_it_appended(world, settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.99, 198.51.100.7", "REMOTE_ADDR": "127.0.0.1"}
    settings.GOLIVE_BEHIND_PROXY = False
    _token("lead", "wrong-password", **forwarded)
    settings.GOLIVE_BEHIND_PROXY = True
    _token("lead", "wrong-password", **forwarded)
    assert list(LoginFailure.objects.order_by("at", "id").values_list("ip", flat=True)) == ["127.0.0.1", "198.51.100.7"]


def test_the_lock_ends_after_the_lockout_minutes(world, settings):
    settings.GOLIVE_LOGIN_LOCKOUT_MINUTES = 15
    _fail("lead", 5)
    assert _token("lead").status_code == 429
    later = timezone.now() + dt.timedelta(minutes=15, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _token("lead").status_code == 200


def test_failures_older_than_the_window_do_not_count(world):
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        _fail("lead", 4)
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=16)):
        _fail("lead", 1)
        assert _token("lead").status_code == 200
        # The old rows were pruned when the new failure was counted.
        assert LoginFailure.objects.count() == 0


def test_limits_come_from_settings(world, settings):
    settings.GOLIVE_LOGIN_MAX_FAILURES = 2
    _fail("lead", 2)
    assert _token("lead").status_code == 429


def test_administrator_unlocks_a_username(world, capsys):
    _fail("lead", 5)
    call_command("unlock", "lead")
    assert "Unlocked user lead (1 lock lifted)." in capsys.readouterr().out
    assert _token("lead").status_code == 200
    assert not LoginLock.objects.exists()
    event = AuditEvent.objects.get(action="login.unlocked")
    assert event.project is None and event.changes["key"] == "lead"


def test_unlock_of_an_address_and_of_nothing(world, settings, capsys):
    settings.GOLIVE_LOGIN_MAX_FAILURES_PER_IP = 2
    _fail("ghost1", 1, REMOTE_ADDR="198.51.100.7")
    _fail("ghost2", 1, REMOTE_ADDR="198.51.100.7")
    assert _token("lead", REMOTE_ADDR="198.51.100.7").status_code == 429
    call_command("unlock", "--ip", "198.51.100.7")
    assert _token("lead", REMOTE_ADDR="198.51.100.7").status_code == 200
    capsys.readouterr()
    call_command("unlock", "consultant")
    assert "User consultant was not locked" in capsys.readouterr().out
    with pytest.raises(CommandError, match="username"):
        call_command("unlock")
    with pytest.raises(CommandError, match="not an IP address"):
        call_command("unlock", "--ip", "not-an-ip")


def _database_url() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user, host, port = settings_dict["USER"] or "postgres", settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"]
    return f"postgres://{user}@{host}:{port or 5432}/{settings_dict['NAME']}"


# Another process (as another gunicorn worker would) counts failures in the same database: this process sees the
# lock, because nothing of the throttle lives in a process's memory.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_failures_counted_by_another_process_lock_this_one(world, tmp_path):
    script = (
        "import django; django.setup()\n"
        "from golive.accounts import services\n"
        "for _ in range(5): services.login_failure_record(username='lead', ip='192.0.2.10')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "golive.settings",
        "DATABASE_URL": _database_url(),
        "GOLIVE_DATA_DIR": str(tmp_path),
    }
    env.pop("GOLIVE_LOGIN_MAX_FAILURES", None)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    assert LoginLock.objects.filter(scope="username", key="lead").exists()
    assert _token("lead").status_code == 429
    assert services.login_lock_active(username="lead", ip=None) is not None
