"""Tenancy of project reads: ``project_list_for_user`` and ``project_get_for_user``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404

from golive.accounts import services as account_services
from golive.accounts.models import Membership, Role
from golive.lifecycle import selectors
from tests.factories import UserFactory

VISIBLE = {
    "admin": {"ACME", "GLOBEX"},
    "lead": {"ACME"},
    "consultant": {"ACME"},
    "support": {"ACME"},
    "customer_lead": {"ACME"},
    "customer_member": {"ACME"},
    "outsider": set(),
    "other_lead": {"GLOBEX"},
    "other_customer": {"GLOBEX"},
}


@pytest.mark.parametrize(("user", "keys"), VISIBLE.items())
def test_project_list_for_user(world, user, keys):
    assert set(selectors.project_list_for_user(getattr(world, user)).values_list("key", flat=True)) == keys


@pytest.mark.parametrize(("user", "keys"), VISIBLE.items())
def test_project_get_for_user(world, user, keys):
    user = getattr(world, user)
    for key in ("ACME", "GLOBEX"):
        if key in keys:
            assert selectors.project_get_for_user(user, key).key == key
        else:
            with pytest.raises(Http404) as forbidden:
                selectors.project_get_for_user(user, key)
            with pytest.raises(Http404) as missing:
                selectors.project_get_for_user(user, "NOSUCH")
            assert str(forbidden.value) == str(missing.value)


def test_anonymous_sees_nothing(world):
    assert not selectors.project_list_for_user(AnonymousUser()).exists()


def test_user_without_organization_sees_nothing(world):
    floating = UserFactory(username="floating")
    assert not selectors.project_list_for_user(floating).exists()


def test_list_has_no_duplicates(world):
    account_services.membership_add(
        actor=world.admin, project=world.other_project, user=world.lead, role=Role.CONSULTANT
    )
    keys = list(selectors.project_list_with_phases(world.lead).values_list("key", flat=True))
    assert sorted(keys) == ["ACME", "GLOBEX"]


def test_customer_user_cannot_join_another_customers_project(world):
    """A customer user could only see another customer's project through a membership, which is refused."""
    with pytest.raises(ValidationError) as exc:
        account_services.membership_add(
            actor=world.lead, project=world.project, user=world.other_customer, role=Role.CUSTOMER_MEMBER
        )
    assert "user" in exc.value.message_dict
    assert not Membership.objects.filter(project=world.project, user=world.other_customer).exists()
    with pytest.raises(Http404):
        selectors.project_get_for_user(world.other_customer, "ACME")


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.CONSULTANT_LEAD, Role.SUPPORT])
def test_customer_user_cannot_take_a_vendor_role(world, role):
    with pytest.raises(ValidationError) as exc:
        account_services.membership_add(actor=world.lead, project=world.project, user=world.customer_member, role=role)
    assert "role" in exc.value.message_dict
    assert Membership.objects.get(project=world.project, user=world.customer_member).role == Role.CUSTOMER_MEMBER


@pytest.mark.parametrize("role", [Role.CUSTOMER_LEAD, Role.CUSTOMER_MEMBER])
def test_vendor_user_cannot_take_a_customer_role(world, role):
    with pytest.raises(ValidationError):
        account_services.membership_add(actor=world.lead, project=world.project, user=world.outsider, role=role)
    assert not Membership.objects.filter(project=world.project, user=world.outsider).exists()


def test_roles_for(world):
    from golive.accounts.selectors import roles_for

    assert roles_for(world.lead, world.project) == {"consultant_lead"}
    assert roles_for(world.admin, world.project) == {"admin"}
    assert roles_for(world.outsider, world.project) == frozenset()
    assert roles_for(AnonymousUser(), world.project) == frozenset()
