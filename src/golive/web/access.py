"""Project access for HTML views: the same tenancy and role rules as the API (``golive.api``).

A project outside the caller's scope is 404 (from the selector); a visible project with the wrong role
is 403. The role sets are the API's, so the UI cannot grant what the API refuses.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from golive.accounts.selectors import roles_for
from golive.api import ANY_MEMBER, CONSULTANTS, VENDOR_STAFF
from golive.lifecycle.selectors import project_get_for_user

# Mirrors ``SignOffListView.roles["POST"]`` in ``golive.lifecycle.api``.
SIGNOFF_ROLES = frozenset({"consultant_lead", "customer_lead"})

__all__ = ["ANY_MEMBER", "CONSULTANTS", "SIGNOFF_ROLES", "VENDOR_STAFF", "project_for_request"]


def project_for_request(request, key: str, allowed: frozenset[str], *, queryset=None):
    """``(project, roles)`` for the caller; 404 outside their scope, 403 without one of the ``allowed`` roles."""
    project = project_get_for_user(request.user, key, queryset=queryset)
    roles = roles_for(request.user, project)
    if not roles & allowed:
        raise PermissionDenied(_("Your role on this project does not allow this action."))
    return project, roles
