"""``GET /api/v1/portfolio/`` and ``/portfolio/calendar/``: fields, tenancy, filters, sort and bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import OrganizationFactory
from tests.lifecycle import portfolio_builders as build

pytestmark = pytest.mark.django_db

URL = "/api/v1/portfolio/"
CALENDAR = "/api/v1/portfolio/calendar/"
# The fields the portfolio had before issue 7: they must never be renamed or removed.
ORIGINAL_FIELDS = {
    "key",
    "name",
    "customer",
    "status",
    "phase",
    "phase_name",
    "planned_go_live",
    "health",
    "days_late",
    "gate_passed",
    "gate_failing",
    "next_milestone",
    "hypercare",
}
ADDED_FIELDS = {
    "customer_slug",
    "template",
    "phase_planned_end",
    "gate_failing_codes",
    "rag",
    "rag_reasons",
    "actual_go_live",
    "go_live_variance_days",
    "open_issues",
    "sla_breaches",
    "sla_breaches_p1_p2",
    "hypercare_state",
    "retro_actions",
}


def _keys(api, user, url=URL, **params) -> list[str]:
    response = api(user).get(url, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return [row["key"] for row in response.json()["results"]]


def test_every_original_field_is_kept_and_the_new_ones_added(world, api):
    row = api(world.lead).get(URL).json()["results"][0]
    assert set(row) == ORIGINAL_FIELDS | ADDED_FIELDS
    assert row["health"] in {"on_track", "at_risk", "late", "closed"}
    assert row["hypercare"] in {"not_started", "active", "exited", "skipped"}
    assert set(row["hypercare_state"]) == {
        "status",
        "starts_at",
        "planned_end",
        "exited_at",
        "days_elapsed",
        "days_since_last_p1_p2",
        "issues_in_window",
        "trend",
        "sparkline",
    }
    assert row["retro_actions"] == {"open": 0, "overdue": 0}


def test_hypercare_state_and_sparkline_in_the_api(world, api):
    build.gone_live(world.project, actor=world.lead, days_ago=3.5)
    build.report(world.project, actor=world.lead, days_ago=1.2, severity="P2")
    row = api(world.customer_member).get(URL).json()["results"][0]
    state = row["hypercare_state"]
    assert row["hypercare"] == "active" and state["status"] == "active"
    assert state["days_since_last_p1_p2"] == 1
    live_day = world.project.golive.at.astimezone(build.ZONE).date()
    assert len(state["sparkline"]) == (build.today() - live_day).days + 1  # 4 or 5, by the time of day
    assert sum(d["count"] for d in state["sparkline"]) == 1
    assert set(state["sparkline"][0]) == {"date", "count"}
    assert row["actual_go_live"] is not None


class TestTenancy:
    def test_a_customer_sees_only_its_projects_where_it_is_a_member(self, world, api):
        build.project(world, "ACME2")  # same customer, but customer_lead is not a member
        assert _keys(api, world.customer_lead) == ["ACME"]
        assert _keys(api, world.other_customer) == ["GLOBEX"]

    def test_vendor_users_see_their_memberships_and_admins_everything(self, world, api):
        build.project(world, "ACME2")
        assert _keys(api, world.lead) == ["ACME", "ACME2"]
        assert _keys(api, world.consultant) == ["ACME"]
        assert _keys(api, world.outsider) == []
        assert _keys(api, world.admin) == ["ACME", "ACME2", "GLOBEX"]

    def test_filtering_by_another_tenants_customer_reveals_nothing(self, world, api):
        assert _keys(api, world.customer_lead, customer="globex") == []
        assert _keys(api, world.customer_lead, q="GLOBEX") == []
        assert _keys(api, world.customer_lead, health="green") == ["ACME"]

    def test_the_calendar_shows_only_visible_projects(self, world, api):
        for project in (world.project, world.other_project):
            project.planned_go_live = build.today() + dt.timedelta(days=10)
            project.save(update_fields=["planned_go_live"])
        body = api(world.customer_member).get(CALENDAR).json()
        keys = [entry["key"] for week in body["weeks"] for entry in week["go_lives"]]
        assert keys == ["ACME"]


class TestFilters:
    @pytest.fixture
    def projects(self, world, advance_to):
        """ACME (kickoff, green), RED1 (kickoff, 10 days late), UATX (uat), and INIT of another customer."""
        build.project(world, "RED1", go_live_in=build.kickoff_due_in(-10))
        advance_to(build.project(world, "UATX"), "uat", actor=world.lead)
        initech = OrganizationFactory(slug="initech", name="Initech")
        build.project(world, "INIT", customer=initech, name="Initech payroll")

    def test_by_phase(self, world, api, projects):
        assert _keys(api, world.lead, phase="uat") == ["UATX"]
        assert _keys(api, world.lead, phase="kickoff") == ["ACME", "INIT", "RED1"]
        assert _keys(api, world.lead, phase="training") == []

    def test_by_health_red_amber_green(self, world, api, projects):
        assert _keys(api, world.lead, health="red") == ["RED1"]
        assert _keys(api, world.lead, health="green") == ["ACME", "INIT", "UATX"]
        assert _keys(api, world.lead, health="amber") == []

    def test_by_schedule_health(self, world, api, projects):
        assert _keys(api, world.lead, health="late") == ["RED1"]
        assert _keys(api, world.lead, health="on_track") == ["ACME", "INIT", "UATX"]
        assert _keys(api, world.lead, health="closed") == []

    def test_by_customer_template_status_and_search(self, world, api, projects):
        assert _keys(api, world.lead, customer="initech") == ["INIT"]
        assert _keys(api, world.lead, template="saas-standard") == ["ACME", "INIT", "RED1", "UATX"]
        assert _keys(api, world.lead, template="other") == []
        assert _keys(api, world.lead, status="closed") == []
        assert _keys(api, world.lead, q="payroll") == ["INIT"]
        assert _keys(api, world.lead, q="initech") == ["INIT"]  # customer name
        assert _keys(api, world.lead, q="red") == ["RED1"]

    def test_filters_combine(self, world, api, projects):
        assert _keys(api, world.lead, customer="acme", health="green") == ["ACME", "UATX"]
        assert _keys(api, world.lead, customer="acme", phase="kickoff", health="red") == ["RED1"]

    def test_health_filter_paginates_over_the_matching_rows(self, world, api, projects):
        body = api(world.lead).get(URL, {"health": "green", "page_size": 2}).json()
        assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
        rest = api(world.lead).get(body["next"]).json()
        assert [r["key"] for r in rest["results"]] == ["UATX"]

    def test_sort_options(self, world, api, projects):
        assert _keys(api, world.lead, sort="-key") == ["UATX", "RED1", "INIT", "ACME"]
        assert _keys(api, world.lead, sort="health")[0] == "RED1"
        assert _keys(api, world.lead, sort="-health")[-1] == "RED1"
        assert _keys(api, world.lead, sort="go_live")[0] == "RED1"
        assert _keys(api, world.lead, sort="phase")[-1] == "UATX"
        assert _keys(api, world.lead, sort="customer")[0] == "ACME"  # Acme Corp before Initech
        assert _keys(api, world.lead, sort="-customer")[0] == "INIT"


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (URL, {"health": "purple"}, "health"),
        (URL, {"status": "paused"}, "status"),
        (URL, {"sort": "colour"}, "sort"),
        (URL, {"phase": "UAT!"}, "phase"),
        (URL, {"customer": "acme corp"}, "customer"),
        (URL, {"template": "saas/standard"}, "template"),
        (URL, {"q": "x" * 101}, "q"),
        (CALENDAR, {"weeks": "0"}, "weeks"),
        (CALENDAR, {"weeks": "eight"}, "weeks"),
        (CALENDAR, {"health": "purple"}, "health"),
        ("/api/v1/portfolio/figures/", {"quiet_days": "0"}, "quiet_days"),
        ("/api/v1/portfolio/figures/", {"customer": "a b"}, "customer"),
        ("/api/v1/me/today/", {"hours": "100"}, "hours"),
        ("/api/v1/me/today/", {"days": "-1"}, "days"),
        ("/api/v1/me/today/", {"hours": "soon"}, "hours"),
    ],
)
def test_bad_input_is_400_naming_the_parameter(world, api, url, params, field):
    response = api(world.lead).get(url, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"].startswith(f"{field}: ")
    assert field in body["errors"]


def test_the_health_error_lists_the_accepted_values(world, api):
    detail = api(world.lead).get(URL, {"health": "purple"}).json()["detail"]
    assert "red" in detail and "amber" in detail and "green" in detail


class TestCalendar:
    def test_eight_weeks_from_this_monday(self, world, api):
        body = api(world.lead).get(CALENDAR).json()
        today = build.today()
        monday = today - dt.timedelta(days=today.weekday())
        assert body["start"] == monday.isoformat()
        assert body["end"] == (monday + dt.timedelta(days=55)).isoformat()
        assert [w["start"] for w in body["weeks"]] == [
            (monday + dt.timedelta(days=7 * n)).isoformat() for n in range(8)
        ]
        assert body["weeks"][0]["week"] == "{}-W{:02d}".format(*monday.isocalendar()[:2])

    def test_planned_actual_and_overdue_go_lives(self, world, api, advance_to):
        today = build.today()
        build.project(world, "SOON", go_live_in=10)
        build.project(world, "FAR", go_live_in=70)  # beyond the eight weeks
        advance_to(build.project(world, "OVER", go_live_in=-5), "deployment", actor=world.lead)
        build.gone_live(build.project(world, "DONE", go_live_in=3), actor=world.lead, days_ago=0.01)
        body = api(world.lead).get(CALENDAR).json()
        entries = {e["key"]: (week["week"], e) for week in body["weeks"] for e in week["go_lives"]}
        assert set(entries) == {"SOON", "DONE"}
        soon_day = today + dt.timedelta(days=10)
        week, soon = entries["SOON"]
        assert soon["date"] == soon_day.isoformat() and soon["actual"] is None
        assert week == "{}-W{:02d}".format(*soon_day.isocalendar()[:2])
        assert entries["DONE"][1]["actual"] is not None
        assert [(e["key"], e["days_overdue"]) for e in body["overdue"]] == [("OVER", 5)]

    def test_weeks_parameter_and_filters(self, world, api):
        build.project(world, "FAR", go_live_in=70)
        body = api(world.lead).get(CALENDAR, {"weeks": 12}).json()
        assert len(body["weeks"]) == 12
        assert [e["key"] for w in body["weeks"] for e in w["go_lives"]] == ["FAR"]
        body = api(world.lead).get(CALENDAR, {"weeks": 12, "q": "Project ACME"}).json()
        assert [e["key"] for w in body["weeks"] for e in w["go_lives"]] == []
