"""Shared fixtures: ``world`` is two tenants with a user in every role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from golive.accounts import services as account_services
from golive.accounts.models import Organization, Role
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, make_project

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
