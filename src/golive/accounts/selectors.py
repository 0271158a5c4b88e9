"""Reads of users, organizations and memberships, scoped to what the caller may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from golive.accounts.models import Membership, Organization, User


def roles_for(user, project) -> frozenset[str]:
    """The caller's roles on a project: its membership role, plus ``admin`` for vendor administrators."""
    if not user.is_authenticated:
        return frozenset()
    cache = getattr(user, "_golive_roles", None)
    if cache is None:
        cache = user._golive_roles = {}
    if project.pk not in cache:
        roles = set(Membership.objects.filter(project=project, user=user).values_list("role", flat=True))
        if user.is_admin:
            roles.add("admin")
        cache[project.pk] = frozenset(roles)
    return cache[project.pk]


def roles_remember(user, project, role: str | None) -> None:
    """Record the caller's membership role (``None``: no membership) read along with the project, so that
    ``roles_for`` answers without a query of its own."""
    cache = getattr(user, "_golive_roles", None)
    if cache is None:
        cache = user._golive_roles = {}
    roles = {role} if role else set()
    if user.is_admin:
        roles.add("admin")
    cache[project.pk] = frozenset(roles)


def organization_list_for_user(user) -> QuerySet[Organization]:
    """Administrators and vendor staff see every organization; customer users see their own."""
    qs = Organization.objects.all()
    if user.is_vendor_side:
        return qs
    return qs.filter(pk=user.organization_id) if user.organization_id else qs.none()


def user_list_for_user(user) -> QuerySet[User]:
    """Vendor staff see every user; a customer user sees their colleagues and the members of their projects."""
    qs = User.objects.select_related("organization")
    if user.is_vendor_side:
        return qs
    visible = Q(pk=user.pk)
    if user.organization_id:
        visible |= Q(organization_id=user.organization_id)
    visible |= Q(memberships__project__memberships__user=user)
    return qs.filter(visible).distinct()


def membership_list(*, project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user", "user__organization")
