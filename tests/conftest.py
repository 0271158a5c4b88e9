"""Shared fixtures: ``world`` is two tenants with a user in every role."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from golive.accounts import services as account_services
from golive.accounts.models import Organization, Role
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, make_project

# A shared 2-core machine running the suite on parallel workers is too busy for hypothesis' 200 ms per example:
# a slow example is not a failure here (the tests that care about speed time themselves).
hypothesis_settings.register_profile("golive", deadline=None)
hypothesis_settings.load_profile("golive")


def pytest_configure(config):
    """Under pytest-xdist (``make test PYTEST_WORKERS=...``) each worker gets its own data directory.

    The settings were read before any conftest loads, from the target's ``GOLIVE_DATA_DIR`` (``var/test``): the
    controller created the secret key there before starting the workers, and nothing else of it is shared. The
    default upload directory moves to ``<data dir>/<worker>/uploads``, and ``GOLIVE_DATA_DIR`` points there too
    for any process a test starts without a data directory of its own. The databases are per worker already:
    pytest-django suffixes the test database name with the worker id (``test_golive_gw0``), and the SQLite
    file below carries the process id.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.conf import settings

    data_dir = settings.DATA_DIR / worker
    settings.MEDIA_ROOT = data_dir / "uploads"
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    os.environ["GOLIVE_DATA_DIR"] = str(data_dir)


ROLE_USERS = ["admin", "lead", "consultant", "support", "customer_lead", "customer_member", "outsider"]


@pytest.fixture
def world(db):
    """Project ACME (customer acme) with one user per role, and project GLOBEX of another customer.

    ``outsider`` is a vendor user with no membership; ``other_customer`` is the customer lead of GLOBEX.
    """
    vendor = OrganizationFactory(slug="vendor", name="Vendor Inc.", kind=Organization.Kind.VENDOR)
    acme = OrganizationFactory(slug="acme", name="Acme Corp")
    globex = OrganizationFactory(slug="globex", name="Globex")
    w = SimpleNamespace(vendor=vendor, acme=acme, globex=globex, password=PASSWORD)
    w.admin = UserFactory(username="admin", organization=vendor, is_admin=True)
    w.lead = UserFactory(username="lead", organization=vendor)
    w.consultant = UserFactory(username="consultant", organization=vendor)
    w.support = UserFactory(username="support", organization=vendor)
    w.customer_lead = UserFactory(username="customer_lead", organization=acme)
    w.customer_member = UserFactory(username="customer_member", organization=acme)
    w.outsider = UserFactory(username="outsider", organization=vendor)
    w.other_lead = UserFactory(username="other_lead", organization=vendor)
    w.other_customer = UserFactory(username="other_customer", organization=globex)

    w.project = make_project(actor=w.lead, key="ACME", customer=acme)
    for user, role in [
        (w.consultant, Role.CONSULTANT),
        (w.support, Role.SUPPORT),
        (w.customer_lead, Role.CUSTOMER_LEAD),
        (w.customer_member, Role.CUSTOMER_MEMBER),
    ]:
        account_services.membership_add(actor=w.lead, project=w.project, user=user, role=role)
    w.other_project = make_project(actor=w.other_lead, key="GLOBEX", customer=globex)
    account_services.membership_add(
        actor=w.other_lead, project=w.other_project, user=w.other_customer, role=Role.CUSTOMER_LEAD
    )
    return w


@pytest.fixture
def api():
    """``api(user)`` returns an API client authenticated as that user (or anonymous for None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _db_state() -> dict:
    """Row counts and phase states that a refused request must leave as they were."""
    from golive.accounts.models import Membership, Organization, User
    from golive.audit.models import AuditEvent
    from golive.lifecycle.models import Phase, Project, SignOff

    return {
        "counts": {
            m.__name__: m.objects.count() for m in (Organization, User, Project, Phase, Membership, SignOff, AuditEvent)
        },
        "phases": list(
            Phase.objects.order_by("project_id", "order").values_list(
                "project_id", "key", "status", "order", "planned_start", "planned_end"
            )
        ),
        "projects": list(
            Project.objects.order_by("key").values_list(
                "key", "name", "planned_go_live", "timezone", "hypercare_days", "current_phase_id", "status"
            )
        ),
    }


@pytest.fixture
def nothing_written(db):
    """``with nothing_written(): ...`` fails when the block changed any project, phase, member, user or audit row."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = _db_state()
        yield
        assert _db_state() == before, "a refused request wrote to the database"

    return check


@pytest.fixture
def advance_to():
    """``advance_to(project, "uat", actor=lead)`` moves the project by consultant-lead overrides to that phase."""
    from golive.lifecycle import services as lifecycle_services

    def move(project, phase_key: str, *, actor):
        project.refresh_from_db()
        for _ in range(project.phases.count()):
            if project.current_phase is not None and project.current_phase.key == phase_key:
                return project
            project = lifecycle_services.phase_advance(
                actor=actor, project=project, override_reason=f"test: move to {phase_key}"
            )
        raise AssertionError(f"{project.key} never reached {phase_key}")

    return move


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    """Test on an SQLite file, as the embedded mode runs, instead of a shared-cache in-memory database.

    Only a file gives SQLite its real locking (WAL, ``BEGIN IMMEDIATE`` waiting on the busy timeout), which the
    concurrency tests depend on; the in-memory database answers a second writer "table is locked" at once.
    """
    import os
    import tempfile

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.setdefault("TEST", {}).get("NAME"):
        # One file per test run, so that runs started side by side never share a database.
        database["TEST"]["NAME"] = os.path.join(tempfile.gettempdir(), f"golive-test-{os.getpid()}.sqlite3")
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")
