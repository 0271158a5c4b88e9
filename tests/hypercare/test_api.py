"""The hypercare API: the window's figures, point-in-time views, extension and exit with handover."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.hypercare.models import HypercareExtension, HypercareWindow
from golive.lifecycle.models import Project
from golive.tracker import services as tracker_services
from golive.tracker.models import Issue
from tests.tracker.helpers import go_live, report

URL = "/api/v1/projects/ACME/hypercare/"
FIELDS = {
    "status",
    "starts_at",
    "planned_end",
    "days_elapsed",
    "days_since_last_issue",
    "days_since_last_p1_p2",
    "open_by_severity",
    "daily_new",
    "projected_silence_date",
    "exit",
}
EXIT_CODES = ["hypercare_window_elapsed", "no_open_p1_p2", "no_recent_p1_p2", "signoff_approved"]


def _get(api, user, **params):
    response = api(user).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def _when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def _failing(body) -> list[str]:
    return [c["code"] for c in body["criteria"] if not c["passed"]]


def test_before_go_live_hypercare_has_not_started(world, api):
    body = _get(api, world.customer_member)
    assert set(body) >= FIELDS
    assert (body["status"], body["starts_at"], body["planned_end"], body["daily_new"]) == (
        "not_started",
        None,
        None,
        [],
    )
    assert body["exit"]["passed"] is False


def test_every_contract_field(world, api):
    now = timezone.now()
    go_live(world, at=now - dt.timedelta(days=4, hours=1))
    report(world, severity="P2", at=now - dt.timedelta(days=3))
    report(world, severity="P3", at=now - dt.timedelta(days=1, hours=2))
    report(world, severity="P3", at=now - dt.timedelta(days=1, hours=1))
    body = _get(api, world.customer_member)
    assert set(body) >= FIELDS
    assert body["status"] == "active"
    assert _when(body["planned_end"]) - _when(body["starts_at"]) == dt.timedelta(days=14)
    assert body["days_elapsed"] == 4
    assert body["days_since_last_issue"] == 1
    assert body["days_since_last_p1_p2"] == 3
    assert body["open_by_severity"] == {"P1": 0, "P2": 1, "P3": 2, "P4": 0}
    assert [set(row) for row in body["daily_new"]] == [{"date", "count"}] * len(body["daily_new"])
    assert sum(row["count"] for row in body["daily_new"]) == 3
    assert body["daily_new"][-1]["date"] == timezone.localtime(now, ZoneInfo(world.project.timezone)).date().isoformat()
    assert body["exit"]["passed"] is False
    assert [c["code"] for c in body["exit"]["criteria"]] == EXIT_CODES
    assert all({"code", "label", "passed", "detail"} <= set(c) for c in body["exit"]["criteria"])
    assert set(_failing(body["exit"])) == set(EXIT_CODES)


def test_as_of_garbage_is_400(world, api):
    go_live(world, days_ago=2)
    response = api(world.lead).get(URL, {"as_of": "last tuesday"})
    assert response.status_code == 400
    assert "as_of" in response.json()["errors"]


def test_an_issue_resolved_later_was_open_earlier(world, api):
    golive = timezone.now() - dt.timedelta(days=6)
    go_live(world, at=golive)
    issue = report(world, severity="P2", at=golive + dt.timedelta(days=1))
    tracker_services.issue_resolve(actor=world.lead, issue=issue, at=golive + dt.timedelta(days=3))
    then = _get(api, world.lead, as_of=(golive + dt.timedelta(days=2)).isoformat())
    assert then["open_by_severity"]["P2"] == 1
    assert "no_open_p1_p2" in _failing(then["exit"])
    assert then["days_elapsed"] == 2
    now = _get(api, world.lead)
    assert now["open_by_severity"]["P2"] == 0
    assert "no_open_p1_p2" not in _failing(now["exit"])
    # Before the report it did not exist yet.
    before = _get(api, world.lead, as_of=(golive + dt.timedelta(hours=12)).isoformat())
    assert before["open_by_severity"]["P2"] == 0 and sum(r["count"] for r in before["daily_new"]) == 0


def test_an_issue_resolved_earlier_and_closed_later_is_not_open(world, api):
    golive = timezone.now() - dt.timedelta(days=10)
    go_live(world, at=golive)
    issue = report(world, severity="P2", at=golive + dt.timedelta(days=1))
    issue = tracker_services.issue_resolve(actor=world.lead, issue=issue, at=golive + dt.timedelta(days=2))
    tracker_services.issue_close(actor=world.customer_lead, issue=issue, at=golive + dt.timedelta(days=5))
    between = _get(api, world.lead, as_of=(golive + dt.timedelta(days=3)).isoformat())
    assert between["open_by_severity"]["P2"] == 0
    assert "no_open_p1_p2" not in _failing(between["exit"])  # the criterion agrees with the figures
    during = _get(api, world.lead, as_of=(golive + dt.timedelta(days=1, hours=1)).isoformat())
    assert during["open_by_severity"]["P2"] == 1
    assert "no_open_p1_p2" in _failing(during["exit"])


def test_an_extension_made_later_is_not_applied_earlier(world, api):
    golive = timezone.now() - dt.timedelta(days=3)
    go_live(world, at=golive)
    original_end = golive + dt.timedelta(days=14)
    earlier = timezone.now() - dt.timedelta(hours=1)
    response = api(world.lead).post(URL + "extend/", {"days": 5, "reason": "Month-end close"}, format="json")
    assert response.status_code == 200
    assert _when(response.json()["planned_end"]) == original_end + dt.timedelta(days=5)
    assert response.json()["status"] == "extended"
    then = _get(api, world.lead, as_of=earlier.isoformat())
    assert _when(then["planned_end"]) == original_end
    assert then["status"] == "active"


def test_a_signoff_made_later_does_not_pass_earlier(world, api):
    go_live(world, days_ago=20)
    earlier = timezone.now() - dt.timedelta(minutes=5)
    signed = api(world.customer_lead).post(
        "/api/v1/projects/ACME/signoffs/", {"phase": "hypercare", "decision": "approve"}, format="json"
    )
    assert signed.status_code == 201, signed.content
    assert "signoff_approved" not in _failing(_get(api, world.lead)["exit"])
    assert "signoff_approved" in _failing(_get(api, world.lead, as_of=earlier.isoformat())["exit"])


def test_a_rejection_does_not_pass_the_signoff(world, api):
    go_live(world, days_ago=20)
    api(world.customer_lead).post("/api/v1/projects/ACME/signoffs/", {"phase": "hypercare", "decision": "reject"})
    assert "signoff_approved" in _failing(_get(api, world.lead)["exit"])


def _ready_to_exit(world, api):
    """Gone live 20 days ago; a P2 fixed long ago, two P3 still open; the customer lead approved."""
    golive = timezone.now() - dt.timedelta(days=20)
    go_live(world, at=golive)
    p2 = report(world, severity="P2", at=golive + dt.timedelta(days=1), title="Payroll stuck")
    tracker_services.issue_resolve(actor=world.lead, issue=p2, at=golive + dt.timedelta(days=2))
    report(world, severity="P3", at=golive + dt.timedelta(days=3), title="Label typo", assignee=world.support)
    report(world, severity="P4", at=golive + dt.timedelta(days=4), title="Wrong colour")
    signed = api(world.customer_lead).post(
        "/api/v1/projects/ACME/signoffs/", {"phase": "hypercare", "decision": "approve"}, format="json"
    )
    assert signed.status_code == 201
    return golive


def test_exit_refused_while_criteria_fail(world, api):
    go_live(world, days_ago=2)
    report(world, severity="P1", at=timezone.now() - dt.timedelta(days=1))

    def state():
        project = Project.objects.get(key="ACME")
        return HypercareWindow.objects.get().status, AuditEvent.objects.count(), project.current_phase.key

    before = state()
    response = api(world.consultant).post(URL + "exit/", {}, format="json")
    assert response.status_code == 409
    assert set(_failing(response.json())) == set(EXIT_CODES)
    assert state() == before == ("active", before[1], "hypercare")
    assert Issue.objects.get().handed_over_at is None


def test_exit_when_criteria_pass_hands_open_issues_over(world, api):
    _ready_to_exit(world, api)
    assert _get(api, world.lead)["exit"]["passed"] is True
    response = api(world.consultant).post(URL + "exit/", {"comment": "Quiet for a week"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "exited" and body["exited_at"]
    assert [row["ref"] for row in body["handover"]] == ["ACME-2", "ACME-3"]
    assert body["handover"][0]["assignee"] == "support" and body["handover"][0]["severity"] == "P3"
    project = Project.objects.get(key="ACME")
    assert project.current_phase.key == "debrief"
    handed = dict(Issue.objects.values_list("number", "handed_over_at"))
    assert handed[1] is None and handed[2] is not None and handed[2] == handed[3]
    audit = AuditEvent.objects.get(project=project, action="hypercare.exited")
    assert audit.actor == world.consultant and audit.changes["override_reason"] == ""
    assert audit.changes["handed_over"] == ["ACME-2", "ACME-3"]
    # Once exited: no second exit, no extension.
    assert api(world.lead).post(URL + "exit/", {"override_reason": "again"}, format="json").status_code == 409
    extend = api(world.lead).post(URL + "extend/", {"days": 3, "reason": "late"}, format="json")
    assert extend.status_code == 409
    assert not HypercareExtension.objects.exists()


def test_override_exit_by_the_lead_is_audited(world, api):
    go_live(world, days_ago=1)
    report(world, severity="P1", at=timezone.now() - dt.timedelta(hours=3))
    response = api(world.lead).post(URL + "exit/", {"override_reason": "Contract ends"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["handover"][0]["ref"] == "ACME-1"
    audit = AuditEvent.objects.get(project=world.project, action="hypercare.exited")
    assert audit.changes["override_reason"] == "Contract ends"
    assert set(audit.changes["failing_criteria"]) == set(EXIT_CODES)
    assert HypercareWindow.objects.get().exit_override_reason == "Contract ends"


@pytest.mark.parametrize("user", ["consultant", "admin"])
def test_override_exit_by_others_is_403(world, api, user):
    go_live(world, days_ago=1)
    response = api(getattr(world, user)).post(URL + "exit/", {"override_reason": "Contract ends"}, format="json")
    assert response.status_code == 403
    assert HypercareWindow.objects.get().status == "active"
    assert not AuditEvent.objects.filter(action="hypercare.exited").exists()


def test_exit_before_go_live_is_409(world, api):
    response = api(world.lead).post(URL + "exit/", {"override_reason": "nothing"}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"days": 0, "reason": "x"}, "days"),
        ({"days": 91, "reason": "x"}, "days"),
        ({"days": -2, "reason": "x"}, "days"),
        ({"days": 3}, "reason"),
        ({"days": 3, "reason": ""}, "reason"),
    ],
)
def test_extend_validation(world, api, payload, field):
    go_live(world, days_ago=2)
    window = HypercareWindow.objects.get()
    response = api(world.lead).post(URL + "extend/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert HypercareWindow.objects.get().planned_end == window.planned_end
    assert not HypercareExtension.objects.exists()


def test_extensions_add_up_and_are_audited(world, api):
    go_live(world, days_ago=2)
    end = HypercareWindow.objects.get().planned_end
    api(world.lead).post(URL + "extend/", {"days": 3, "reason": "Payroll run"}, format="json")
    body = api(world.admin).post(URL + "extend/", {"days": 90, "reason": "Year end"}, format="json").json()
    assert _when(body["planned_end"]) == end + dt.timedelta(days=93)
    assert [(e["days"], e["reason"]) for e in body["extensions"]] == [(3, "Payroll run"), (90, "Year end")]
    assert AuditEvent.objects.filter(action="hypercare.extended").count() == 2


def test_extend_before_go_live_is_409(world, api):
    response = api(world.lead).post(URL + "extend/", {"days": 3, "reason": "x"}, format="json")
    assert response.status_code == 409
