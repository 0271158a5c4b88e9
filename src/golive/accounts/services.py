"""Writes of organizations, users, memberships and API tokens."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from golive.accounts.models import Membership, Organization, User
from golive.audit.services import audit_record


@transaction.atomic
def organization_create(*, actor, slug: str, name: str, kind: str, timezone: str = "UTC") -> Organization:
    """Create a vendor or customer organization."""
    organization = Organization(slug=slug, name=name, kind=kind, timezone=timezone)
    organization.full_clean()
    organization.save()
    audit_record(
        actor=actor,
        action="organization.created",
        obj=organization,
        changes={"slug": slug, "name": name, "kind": kind, "timezone": timezone},
    )
    return organization


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    email: str = "",
    organization: Organization | None = None,
    is_admin: bool = False,
    first_name: str = "",
    last_name: str = "",
    language: str = "",
) -> User:
    """Create a user with a validated password. Administrators also get Django admin access."""
    user = User(
        username=username,
        email=email,
        organization=organization,
        is_admin=is_admin,
        is_staff=is_admin,
        is_superuser=is_admin,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        changes={
            "username": username,
            "email": email,
            "organization": organization.slug if organization else None,
            "is_admin": is_admin,
        },
    )
    return user


@transaction.atomic
def membership_add(*, actor, project, user: User, role: str) -> Membership:
    """Give a user a role on a project; a user already on the project gets the new role."""
    if user.organization_id is None and not user.is_admin:
        raise ValidationError({"user": "This user belongs to no organization; attach one first."})
    membership = Membership.objects.select_for_update().filter(project=project, user=user).first()
    if membership is None:
        membership = Membership(project=project, user=user, role=role)
        changes = {"user": user.username, "role": role}
        action = "membership.added"
    else:
        changes = {"role": [membership.role, role]} if membership.role != role else {}
        membership.role = role
        action = "membership.changed"
    membership.full_clean(validate_constraints=False)
    membership.save()
    audit_record(actor=actor, action=action, obj=membership, project=project, changes=changes)
    return membership


@transaction.atomic
def token_get_or_create(*, user: User) -> Token:
    """The user's API token, created on first use."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action="token.created", obj=user, changes={})
    return token
