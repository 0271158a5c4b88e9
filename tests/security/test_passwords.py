"""Password policy: at least 10 characters, not like the user's name or address, not a common password, not only
digits; enforced by the users API (400 naming ``password``) and by ``golive createuser`` (exit 1)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password

from golive import cli
from golive.accounts.models import User
from golive.demo import DEMO_PASSWORD
from tests.factories import PASSWORD

# (password, what it breaks, a word of the message)
WEAK = [
    ("Xq7-vLp2", "too short", "too short"),
    ("password123", "a common password", "too common"),
    ("4829301756", "digits only", "entirely numeric"),
    ("mina.kim@acme", "like the username and e-mail", "too similar"),
]


@pytest.mark.parametrize(("password", "reason", "message"), WEAK, ids=[w[1] for w in WEAK])
def test_users_api_refuses_a_weak_password(world, api, nothing_written, password, reason, message):
    payload = {"username": "mina.kim", "email": "mina.kim@acme.example", "password": password, "organization": "acme"}
    with nothing_written():
        response = api(world.admin).post("/api/v1/users/", payload, format="json")
    assert response.status_code == 400, reason
    assert list(response.json()["errors"]) == ["password"]
    assert message in " ".join(response.json()["errors"]["password"])
    assert response.json()["detail"].startswith("password")


@pytest.mark.parametrize(("password", "reason", "message"), WEAK, ids=[w[1] for w in WEAK])
def test_createuser_refuses_a_weak_password_with_status_1(db, capsys, password, reason, message):
    status = cli.main(["createuser", "mina.kim", "--password", password, "--email", "mina.kim@acme.example"])
    assert status == 1, reason
    err = capsys.readouterr().err
    assert err.startswith("golive createuser: password:") and message in err
    assert "Traceback" not in err
    assert not User.objects.filter(username="mina.kim").exists()


def test_a_strong_password_is_accepted_everywhere(world, api, capsys):
    payload = {"username": "mina.kim", "password": "tangerine-ferry-81", "organization": "acme"}
    assert api(world.admin).post("/api/v1/users/", payload, format="json").status_code == 201
    assert cli.main(["createuser", "joon", "--password", "tangerine-ferry-81"]) == 0
    assert User.objects.get(username="joon").check_password("tangerine-ferry-81")


def test_the_passwords_of_tests_demo_and_benchmarks_pass_the_policy():
    import bench.harness

    for username, email, password in [
        ("lead", "lead@example.com", PASSWORD),
        ("hanbit.lead", "hanbit.lead@demo.golive.invalid", DEMO_PASSWORD),
        ("bench.consultant1", "", bench.harness.SEED_PASSWORD),
    ]:
        validate_password(password, User(username=username, email=email))
