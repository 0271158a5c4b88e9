"""API of the project audit log."""

from __future__ import annotations

import datetime as dt

from golive.audit.models import AuditEvent


def test_audit_shape_newest_first(world, api):
    api(world.lead).patch("/api/v1/projects/ACME/", {"name": "Renamed"}, format="json")
    body = api(world.consultant).get("/api/v1/projects/ACME/audit/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    newest = body["results"][0]
    assert set(newest) == {"at", "actor", "action", "object", "changes"}
    assert newest["actor"] == "lead"
    assert newest["action"] == "project.updated"
    assert newest["object"].startswith("lifecycle.project:") and "ACME" in newest["object"]
    assert newest["changes"] == {"name": ["Project ACME", "Renamed"]}
    assert dt.datetime.fromisoformat(newest["at"].replace("Z", "+00:00")).tzinfo is not None
    assert body["results"][-1]["action"] == "project.created"
    ats = [row["at"] for row in body["results"]]
    assert ats == sorted(ats, reverse=True)


def test_audit_only_of_this_project(world, api):
    body = api(world.admin).get("/api/v1/projects/ACME/audit/", {"page_size": 1000}).json()
    assert body["count"] == AuditEvent.objects.filter(project=world.project).count()
    assert not any(
        "GLOBEX" in row["object"] or row["changes"].get("user") == "other_customer" for row in body["results"]
    )


def test_audit_action_filter_and_pagination(world, api):
    client = api(world.admin)
    members = client.get("/api/v1/projects/ACME/audit/", {"action": "membership.added"}).json()
    assert members["count"] == 4
    assert {row["changes"]["user"] for row in members["results"]} == {
        "consultant",
        "support",
        "customer_lead",
        "customer_member",
    }
    page = client.get("/api/v1/projects/ACME/audit/", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["count"] == 5 and page["next"]


def test_system_actor_is_named_system(world, api):
    from golive.accounts import services

    services.membership_add(actor=None, project=world.project, user=world.outsider, role="consultant")
    row = api(world.admin).get("/api/v1/projects/ACME/audit/").json()["results"][0]
    assert row["actor"] == "system"
