"""HTML view of a project's audit log (vendor staff only, like the API)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.views.decorators.http import require_GET

from golive.audit.selectors import audit_events_for_project
from golive.web.access import VENDOR_STAFF, project_for_request
from golive.web.htmx import render_page

PAGE_SIZE = 50


@login_required
@require_GET
def project_audit(request, key):
    """The project's append-only log, newest first, 50 a page, optionally filtered by action."""
    project, roles = project_for_request(request, key, VENDOR_STAFF)
    events = audit_events_for_project(project=project)
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "audit",
        "project": project,
        "roles": roles,
        "can_view_audit": True,
        "page": page,
        "action": action,
    }
    return render_page(request, "audit/project_audit.html", context, fragment_template="audit/_audit_results.html")
