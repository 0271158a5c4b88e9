"""Factories that build state through the real services, so tests cannot drift from the invariants."""

from __future__ import annotations

import datetime as dt

import factory

from golive.accounts import services as account_services
from golive.accounts.models import Organization, User
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import Project

PASSWORD = "correct-horse-42"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())
    kind = Organization.Kind.CUSTOMER
    timezone = "Asia/Seoul"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return account_services.organization_create(actor=None, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = PASSWORD
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    organization = None
    is_admin = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return account_services.user_create(actor=None, **kwargs)


def make_project(*, actor, key: str, customer: Organization, go_live: dt.date | None = None, **kwargs) -> Project:
    return lifecycle_services.project_create(
        actor=actor,
        key=key,
        name=kwargs.pop("name", f"Project {key}"),
        customer=customer,
        planned_go_live=go_live or dt.date.today() + dt.timedelta(days=120),
        **kwargs,
    )
