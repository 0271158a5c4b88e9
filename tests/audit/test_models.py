"""The audit log is append-only: no save of an existing event, no delete, no bulk change, not even in the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from golive.audit.admin import AuditEventAdmin
from golive.audit.models import AppendOnlyError, AuditEvent
from golive.audit.services import audit_record, diff


@pytest.fixture
def event(world):
    return AuditEvent.objects.filter(project=world.project).latest("id")


def test_saving_an_existing_event_is_refused(event):
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action != "tampered"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_and_delete_are_refused(world):
    count = AuditEvent.objects.count()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(project=world.project).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(changes={})
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(action="tampered").exists()


def test_admin_grants_no_add_change_or_delete(world, event):
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    model_admin = AuditEventAdmin(AuditEvent, admin.site)
    assert world.admin.is_superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.has_view_permission(request, event)


def test_admin_pages_refuse_writes(world, event, client):
    client.force_login(world.admin)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    response = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "tampered"})
    assert response.status_code == 403
    response = client.post("/admin/audit/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]})
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert AuditEvent.objects.get(pk=event.pk).action != "tampered"


def test_audit_record_makes_values_json_safe(world):
    import datetime as dt
    import decimal

    event = audit_record(
        actor=world.lead,
        action="test.values",
        obj=world.project,
        project=world.project,
        changes={"when": dt.date(2027, 1, 2), "amount": decimal.Decimal("1.50"), "who": world.lead, "tags": {"a"}},
    )
    event.refresh_from_db()
    assert event.changes == {"when": "2027-01-02", "amount": "1.50", "who": str(world.lead.pk), "tags": ["a"]}
    assert (event.actor_name, event.object_type, event.object_id) == (
        "lead",
        "lifecycle.project",
        str(world.project.pk),
    )


def test_diff_reports_only_changed_fields(world):
    project = world.project
    changes = diff(project, {"name": "New", "hypercare_days": 14})
    assert changes == {"name": ["Project ACME", "New"]}
    assert project.name == "New"
