"""``GET /api/v1/portfolio/figures/``: values on a small data set built through the services, and tenancy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from golive.accounts import services as account_services
from golive.accounts.models import Role
from golive.hypercare import selectors as hypercare_selectors
from golive.hypercare import services as hypercare_services
from golive.hypercare.silence import projected_silence_day
from golive.lifecycle.figures import first_quiet_run
from golive.tracker import services as tracker_services
from tests.lifecycle import portfolio_builders as build

pytestmark = pytest.mark.django_db

URL = "/api/v1/portfolio/figures/"


def _arrivals(project, actor, live_days_ago: float, per_day: list[int]) -> None:
    """``per_day[n]`` issues on day ``n`` after the go-live (an hour into the day)."""
    for day, count in enumerate(per_day):
        for n in range(count):
            build.report(project, actor=actor, days_ago=live_days_ago - day - 0.05 - n / 1440, severity="P4")


@pytest.fixture
def hypercare_set(world):
    """ACME: 6 issues, silent from day 3. ACME2 (acme, lead only): 2 issues, silent from day 1.
    GLOBEX: 4 issues, silent from day 4. KICK (acme): still in kickoff, no window."""
    build.gone_live(world.project, actor=world.lead, days_ago=20.5)
    _arrivals(world.project, world.lead, 20.5, [3, 2, 1])
    acme2 = build.gone_live(build.project(world, "ACME2"), actor=world.lead, days_ago=10.5)
    _arrivals(acme2, world.lead, 10.5, [1, 0, 0, 0, 1])
    build.gone_live(world.other_project, actor=world.other_lead, days_ago=12.5)
    _arrivals(world.other_project, world.other_lead, 12.5, [1, 1, 1, 1])
    build.project(world, "KICK")


def _figures(api, user, **params) -> dict:
    response = api(user).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_first_quiet_run():
    assert first_quiet_run([3, 2, 1, 0, 0, 0, 1], 3) == 3
    assert first_quiet_run([0, 0, 0], 3) == 0
    assert first_quiet_run([1, 0, 0, 1, 0, 0], 3) is None
    assert first_quiet_run([1, 0, 1, 0], 1) == 1


def test_values_overall_and_by_customer_for_an_administrator(world, api, hypercare_set):
    body = _figures(api, world.admin)
    overall = body["overall"]
    assert overall["projects"] == 4 and overall["hypercare_projects"] == 3
    assert overall["median_hypercare_issues"] == 4.0  # 6, 2, 4
    assert overall["median_days_to_silence"] == 3.0  # 3, 1, 4
    assert overall["silence_projects"] == 3
    by_customer = {g["key"]: g for g in body["by_customer"]}
    assert set(by_customer) == {"acme", "globex"}
    assert by_customer["acme"]["projects"] == 3 and by_customer["acme"]["hypercare_projects"] == 2
    assert by_customer["acme"]["median_hypercare_issues"] == 4.0  # 6 and 2
    assert by_customer["acme"]["median_days_to_silence"] == 2.0  # 3 and 1
    assert by_customer["globex"]["median_hypercare_issues"] == 4.0
    assert by_customer["globex"]["median_days_to_silence"] == 4.0
    assert [g["key"] for g in body["by_template"]] == ["saas-standard"]
    assert body["by_template"][0]["projects"] == 4 and body["quiet_days"] == 3


def test_a_customer_sees_only_its_own_figures(world, api, hypercare_set):
    body = _figures(api, world.customer_lead)  # a member of ACME only
    assert body["overall"]["projects"] == 1
    assert body["overall"]["median_hypercare_issues"] == 6.0
    assert body["overall"]["median_days_to_silence"] == 3.0
    assert [g["key"] for g in body["by_customer"]] == ["acme"]
    other = _figures(api, world.other_customer)
    assert [g["key"] for g in other["by_customer"]] == ["globex"]
    assert other["overall"]["median_hypercare_issues"] == 4.0
    assert "acme" not in str(other).lower()


def test_vendor_users_see_the_projects_they_belong_to(world, api, hypercare_set):
    body = _figures(api, world.lead)
    assert body["overall"]["projects"] == 3
    assert [g["key"] for g in body["by_customer"]] == ["acme"]
    assert _figures(api, world.outsider)["overall"] == {
        "projects": 0,
        "hypercare_projects": 0,
        "median_hypercare_issues": None,
        "sla": {
            "response": {"met": 0, "total": 0, "percent": None},
            "resolution": {"met": 0, "total": 0, "percent": None},
        },
        "silence_projects": 0,
        "median_days_to_silence": None,
    }


def test_quiet_days_and_filters(world, api, hypercare_set):
    # Seven quiet days: ACME (silent from day 3) and GLOBEX (from day 4) have such a run; ACME2 has only five
    # complete quiet days since its last issue and is still in its window, so it is left out.
    body = _figures(api, world.admin, quiet_days=7)
    assert body["overall"]["silence_projects"] == 2
    assert body["overall"]["median_days_to_silence"] == 3.5
    body = _figures(api, world.admin, quiet_days=5)
    assert body["overall"]["median_days_to_silence"] == 4.0  # 3, 4 and ACME2's day 5
    assert _figures(api, world.admin, customer="globex")["overall"]["projects"] == 1


def test_an_exited_window_without_a_quiet_run_uses_the_projected_silence(world, api):
    counts = [6, 5, 4, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1]
    build.gone_live(world.project, actor=world.lead, days_ago=15.5)
    _arrivals(world.project, world.lead, 15.5, counts)
    exit_at = timezone.now() - dt.timedelta(days=1.4)
    hypercare_services.hypercare_exit(actor=world.lead, project=world.project, override_reason="contract", at=exit_at)
    # The oracle: the per-project hypercare view's own daily series and projection.
    status = hypercare_selectors.hypercare_status(project=world.project)
    series = [row["count"] for row in status["daily_new"]]
    assert first_quiet_run(series, 3) is None
    expected = projected_silence_day(series)
    assert expected is not None
    assert status["projected_silence_date"] == status["daily_new"][0]["date"] + dt.timedelta(days=expected)
    body = _figures(api, world.lead)
    assert body["overall"]["median_days_to_silence"] == float(expected)


def test_an_active_window_without_a_quiet_run_is_left_out(world, api):
    build.gone_live(world.project, actor=world.lead, days_ago=4.5)
    _arrivals(world.project, world.lead, 4.5, [1, 1, 1, 1])
    body = _figures(api, world.lead)
    assert body["overall"]["hypercare_projects"] == 1
    assert body["overall"]["median_days_to_silence"] is None and body["overall"]["silence_projects"] == 0


def test_sla_compliance(world, api):
    start = timezone.now() - dt.timedelta(days=2)

    def p1(offset_minutes: int = 0):
        return tracker_services.issue_create(
            actor=world.lead,
            project=world.project,
            title="Down",
            severity="P1",
            reported_at=start + dt.timedelta(minutes=offset_minutes),
        )

    on_time = p1()  # responded after 10 minutes, resolved after an hour: both met
    tracker_services.issue_triage(actor=world.lead, issue=on_time, at=start + dt.timedelta(minutes=10))
    tracker_services.issue_resolve(actor=world.lead, issue=on_time, at=start + dt.timedelta(hours=1))
    slow = p1(1)  # responded after two hours (missed), resolved after three (met: 4 hours allowed)
    tracker_services.issue_triage(actor=world.lead, issue=slow, at=start + dt.timedelta(hours=2))
    tracker_services.issue_resolve(actor=world.lead, issue=slow, at=start + dt.timedelta(hours=3))
    p1(2)  # never touched: both due times passed (missed, though not yet swept)
    tracker_services.issue_create(actor=world.lead, project=world.project, title="New", severity="P1")  # not due
    sla = _figures(api, world.customer_member)["overall"]["sla"]
    assert sla["response"] == {"met": 1, "total": 3, "percent": 33.3}
    assert sla["resolution"] == {"met": 2, "total": 3, "percent": 66.7}
    tracker_services.sweep_breaches()  # flagging the breaches changes nothing
    assert _figures(api, world.customer_member)["overall"]["sla"] == sla
    # The other tenant's compliance does not mix in.
    assert _figures(api, world.other_customer)["overall"]["sla"]["response"]["total"] == 0


def test_a_member_added_later_sees_the_project_in_the_figures(world, api, hypercare_set):
    acme2 = world.project.__class__.objects.get(key="ACME2")
    assert _figures(api, world.customer_member)["overall"]["projects"] == 1
    account_services.membership_add(
        actor=world.lead, project=acme2, user=world.customer_member, role=Role.CUSTOMER_MEMBER
    )
    assert _figures(api, world.customer_member)["overall"]["projects"] == 2
