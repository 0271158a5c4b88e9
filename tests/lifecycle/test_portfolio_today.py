"""``GET /api/v1/me/today/``: each kind of item, for whom it shows, and for whom it does not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from golive.cutover import services as cutover_services
from golive.debrief import services as debrief_services
from golive.lifecycle import services as lifecycle_services
from golive.tracker import services as tracker_services
from tests.cutover.builders import ready_for_go
from tests.lifecycle import portfolio_builders as build

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/today/"


def _items(api, user, kind: str | None = None, **params) -> list[dict]:
    response = api(user).get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    items = response.json()["results"]
    return [item for item in items if kind is None or item["kind"] == kind]


def test_nothing_to_do_is_an_empty_list_with_zero_counts(world, api):
    body = api(world.customer_member).get(URL).json()
    assert body["count"] == 0 and body["results"] == []
    assert body["counts"] == dict.fromkeys(
        ["sla_breach", "sla_near_breach", "gate_due", "signoff_waiting", "go_no_go_vote", "retro_action"], 0
    )
    assert (body["hours"], body["days"]) == (4, 7)


class TestSla:
    def test_a_breach_shows_to_the_assignee_and_the_consultant_lead_only(self, world, api):
        issue = build.report(world.project, actor=world.lead, days_ago=6, severity="P3", assignee=world.consultant)
        for user in (world.consultant, world.lead):
            (item,) = _items(api, user, "sla_breach")
            assert item["ref"] == issue.ref and item["project"] == "ACME" and item["overdue"] is True
            assert item["url"] == f"/projects/ACME/issues/{issue.number}/"
            assert item["severity"] == "P3"
        for user in (world.support, world.customer_lead, world.admin, world.other_lead):
            assert _items(api, user, "sla_breach") == []

    def test_a_flagged_breach_counts_after_the_response(self, world, api):
        issue = build.report(world.project, actor=world.lead, days_ago=6, severity="P3")
        tracker_services.sweep_breaches()
        tracker_services.issue_triage(actor=world.lead, issue=issue)  # responded, late: the flag stays
        assert [i["ref"] for i in _items(api, world.lead, "sla_breach")] == [issue.ref]

    def test_a_resolved_issue_is_no_longer_listed(self, world, api):
        issue = build.report(world.project, actor=world.lead, days_ago=6, severity="P3")
        tracker_services.issue_resolve(actor=world.lead, issue=issue)
        assert _items(api, world.lead) == []

    def test_a_near_breach_within_the_horizon(self, world, api):
        # P1: response due 30 minutes after the report, on a 24x7 clock.
        issue = build.report(world.project, actor=world.lead, days_ago=10 / 1440, severity="P1")
        (item,) = _items(api, world.lead, "sla_near_breach")
        assert item["ref"] == issue.ref and item["overdue"] is False
        assert dt.datetime.fromisoformat(item["due_at"]) > timezone.now()
        assert _items(api, world.lead, "sla_breach") == []

    def test_the_horizon_is_a_parameter(self, world, api):
        # P1 resolution is due 4 hours after the report: outside one hour, inside four.
        issue = build.report(world.project, actor=world.lead, days_ago=10 / 1440, severity="P1")
        tracker_services.issue_triage(actor=world.lead, issue=issue)  # responded: only resolution is left
        assert _items(api, world.lead, "sla_near_breach", hours=1) == []
        assert len(_items(api, world.lead, "sla_near_breach", hours=4)) == 1

    def test_another_tenants_issue_assigned_elsewhere_never_shows(self, world, api):
        build.report(world.other_project, actor=world.other_lead, days_ago=6, severity="P1")
        assert _items(api, world.lead) == [] and _items(api, world.admin) == []
        assert len(_items(api, world.other_lead, "sla_breach")) == 1


class TestGates:
    def test_a_failing_gate_due_soon_shows_to_consultants(self, world, api):
        build.project(world, "SOON", go_live_in=build.kickoff_due_in(3))
        from golive.accounts import services as account_services

        project = world.project.__class__.objects.get(key="SOON")
        account_services.membership_add(actor=world.lead, project=project, user=world.consultant, role="consultant")
        for user in (world.lead, world.consultant):
            (item,) = _items(api, user, "gate_due")
            assert item["project"] == "SOON" and item["overdue"] is False
            assert "Kickoff meeting held" in item["detail"]
            assert item["url"] == "/projects/SOON/"

    def test_gate_items_are_written_in_the_callers_language(self, world, api):
        """Titles and details are translated once per page and shared by the items that name the same phase and
        criteria: each item reads as the gate's own evaluation in that language."""
        from django.utils import translation

        from golive.lifecycle.gates import evaluate_gate
        from golive.lifecycle.models import Project

        for key in ("SOON", "SLIP"):
            build.project(world, key, go_live_in=build.kickoff_due_in(3 if key == "SOON" else -2))
        response = api(world.lead).get(URL, {"page_size": 1000}, HTTP_ACCEPT_LANGUAGE="ko")
        items = [item for item in response.json()["results"] if item["kind"] == "gate_due"]
        assert [item["project"] for item in items] == ["SLIP", "SOON"]
        with translation.override("ko"):
            for item in items:
                phase = Project.objects.get(key=item["project"]).current_phase
                failing = evaluate_gate(phase).failing
                assert item["title"] == translation.gettext("%(phase)s gate fails") % {
                    "phase": translation.gettext("Kickoff")
                }
                assert item["detail"] == ", ".join(row["label"] for row in failing)
        assert items[0]["title"] != "Kickoff gate fails"  # translated, not the English
        assert "Kickoff meeting held" not in items[0]["detail"]

    def test_not_when_the_phase_is_due_later_than_the_horizon(self, world, api):
        build.project(world, "LATER", go_live_in=build.kickoff_due_in(10))
        assert _items(api, world.lead, "gate_due") == []
        assert len(_items(api, world.lead, "gate_due", days=10)) == 1

    def test_an_overdue_gate_is_overdue(self, world, api):
        build.project(world, "SLIP", go_live_in=build.kickoff_due_in(-2))
        (item,) = _items(api, world.lead, "gate_due")
        assert item["overdue"] is True

    def test_customers_and_support_are_not_asked_to_move_gates(self, world, api):
        lifecycle_services.project_update(
            actor=world.lead,
            project=world.project,
            planned_go_live=build.today() + dt.timedelta(days=build.kickoff_due_in(2)),
        )
        assert len(_items(api, world.lead, "gate_due")) == 1
        for user in (world.customer_lead, world.customer_member, world.support):
            assert _items(api, user, "gate_due") == []


class TestSignoffs:
    def test_the_hypercare_exit_waits_for_the_customer_leads_signoff(self, world, api):
        build.gone_live(world.project, actor=world.lead, days_ago=20)  # window elapsed, no issues
        (item,) = _items(api, world.customer_lead, "signoff_waiting")
        assert item["project"] == "ACME" and "Hypercare" in item["title"]
        assert item["url"] == "/projects/ACME/"
        for user in (world.lead, world.customer_member, world.consultant):
            assert _items(api, user, "signoff_waiting") == []

    def test_not_while_another_criterion_still_fails(self, world, api):
        build.gone_live(world.project, actor=world.lead, days_ago=5)  # the window has not elapsed yet
        assert _items(api, world.customer_lead, "signoff_waiting") == []

    def test_gone_once_approved_and_back_after_a_rejection(self, world, api):
        build.gone_live(world.project, actor=world.lead, days_ago=20)
        lifecycle_services.signoff_record(
            actor=world.customer_lead, project=world.project, phase_key="hypercare", decision="reject", comment="wait"
        )
        (item,) = _items(api, world.customer_lead, "signoff_waiting")
        assert "Rejected" in item["detail"]
        lifecycle_services.signoff_record(
            actor=world.customer_lead, project=world.project, phase_key="hypercare", decision="approve"
        )
        assert _items(api, world.customer_lead, "signoff_waiting") == []


class TestVotes:
    def test_every_member_who_has_not_voted_in_deployment(self, world, api, advance_to):
        advance_to(world.project, "deployment", actor=world.lead)
        for user in (world.lead, world.consultant, world.customer_lead, world.customer_member, world.support):
            (item,) = _items(api, user, "go_no_go_vote")
            assert item["url"] == "/projects/ACME/cutover/go-no-go/"
        cutover_services.vote_cast(actor=world.customer_lead, project=world.project, vote="go")
        assert _items(api, world.customer_lead, "go_no_go_vote") == []
        assert len(_items(api, world.customer_member, "go_no_go_vote")) == 1
        assert _items(api, world.admin, "go_no_go_vote") == []  # not a member: no vote to cast

    def test_a_no_go_opens_a_new_round_and_a_go_ends_the_voting(self, world, api):
        ready_for_go(world)
        cutover_services.vote_cast(actor=world.customer_lead, project=world.project, vote="no_go")
        assert _items(api, world.customer_lead, "go_no_go_vote") == []
        cutover_services.go_no_go_decide(
            actor=world.lead,
            project=world.project,
            decision="no_go",
            new_target_date=timezone.localdate() + dt.timedelta(days=7),
        )
        assert len(_items(api, world.customer_lead, "go_no_go_vote")) == 1
        cutover_services.go_no_go_decide(actor=world.lead, project=world.project, decision="go")
        assert _items(api, world.customer_lead, "go_no_go_vote") == []

    def test_not_outside_deployment(self, world, api):
        assert _items(api, world.lead, "go_no_go_vote") == []


class TestRetroActions:
    def test_open_and_overdue_actions_of_the_owner(self, world, api):
        today = build.today()
        late = debrief_services.retro_action_create(
            actor=world.lead,
            project=world.project,
            title="Share the data checklist",
            owner=world.customer_lead,
            due_date=today - dt.timedelta(days=2),
        )
        debrief_services.retro_action_create(
            actor=world.lead,
            project=world.project,
            title="Book the training room earlier",
            owner=world.customer_lead,
            due_date=today + dt.timedelta(days=5),
        )
        debrief_services.retro_action_create(
            actor=world.lead, project=world.project, title="Not mine", owner=world.consultant
        )
        items = _items(api, world.customer_lead, "retro_action")
        assert [(i["title"], i["overdue"]) for i in items] == [
            ("Share the data checklist", True),
            ("Book the training room earlier", False),
        ]
        debrief_services.retro_action_complete(actor=world.customer_lead, action=late)
        assert [i["title"] for i in _items(api, world.customer_lead, "retro_action")] == [
            "Book the training room earlier"
        ]
        assert [i["title"] for i in _items(api, world.consultant, "retro_action")] == ["Not mine"]


def test_overdue_items_come_first_and_counts_cover_all_pages(world, api):
    build.report(world.project, actor=world.lead, days_ago=6, severity="P3")
    build.report(world.project, actor=world.lead, days_ago=10 / 1440, severity="P1")
    build.project(world, "SOON", go_live_in=build.kickoff_due_in(3))
    body = api(world.lead).get(URL, {"page_size": 1}).json()
    assert body["count"] == 3 and len(body["results"]) == 1
    assert body["results"][0]["kind"] == "sla_breach"
    assert body["counts"]["sla_breach"] == 1 and body["counts"]["sla_near_breach"] == 1
    assert body["counts"]["gate_due"] == 1


class TestPagesOfManyItems:
    """A lead with many breached issues gets the page asked for: the SLA items are counted in the database and only
    the items up to that page are built, in the same order as the whole list."""

    @pytest.fixture
    def crowded(self, world):
        # Issues reported at different times (different due instants, some breached, some due soon), plus a
        # retro action of the lead's, so that the merged order interleaves kinds.
        for n in range(45):
            build.report(world.project, actor=world.lead, days_ago=(n % 9) * 0.7 + 0.01 * n, severity=f"P{n % 4 + 1}")
        return world

    def test_every_page_is_the_matching_slice_of_the_whole_list(self, crowded, api):
        whole = _items(api, crowded.lead)
        assert len(whole) > 30
        pages = []
        page = 1
        while True:
            response = api(crowded.lead).get(URL, {"page_size": 7, "page": page})
            assert response.status_code == 200
            body = response.json()
            assert body["count"] == len(whole)
            pages += body["results"]
            if body["next"] is None:
                break
            page += 1
        assert pages == whole

    def test_counts_match_the_whole_list_whatever_the_page(self, crowded, api):
        whole = _items(api, crowded.lead)
        body = api(crowded.lead).get(URL, {"page_size": 5, "page": 2}).json()
        expected = {kind: sum(1 for item in whole if item["kind"] == kind) for kind in body["counts"]}
        assert body["counts"] == expected

    def test_only_the_items_up_to_the_page_are_built(self, crowded):
        from golive.lifecycle import today

        found = today.today_items(crowded.lead, limit=10)
        assert len(found["items"]) > 30  # the total
        assert found["items"].loaded == 10
        assert list(found["items"][:10]) == list(today.today_items(crowded.lead)["items"][:10])
        with pytest.raises(IndexError):
            found["items"][5:20]  # beyond what was built: an error, never a silently short page

    def test_every_limit_gives_the_head_of_the_whole_ordered_list(self, crowded):
        """The SLA items of a page come from the first breached and the first due-soon issues, each read in due
        order; whatever the limit, they are the head of the one ordered list of every item (and the counts
        those of the whole list)."""
        from django.utils import timezone

        from golive.lifecycle import today

        now = timezone.now()
        whole = today.today_items(crowded.lead, now=now)
        kinds = [item["kind"] for item in whole["items"]]
        assert {"sla_breach", "sla_near_breach"} <= set(kinds)
        for limit in range(len(whole["items"]) + 2):
            found = today.today_items(crowded.lead, now=now, limit=limit)
            assert found["counts"] == whole["counts"], limit
            assert list(found["items"][:limit]) == list(whole["items"][:limit]), limit

    def test_the_page_of_the_web_view_matches_the_api(self, crowded, api, client):
        whole = _items(api, crowded.lead)
        client.force_login(crowded.lead)
        response = client.get("/today/", {"page": 1})
        assert response.status_code == 200
        body = response.content.decode()
        assert whole[0]["ref"] in body
        assert f"{len(whole)}" in body


class TestOnlyTheGatesThatCanGiveAnItem:
    """Gates are evaluated for the projects whose phase is due within the horizon, or whose gate asks for a
    sign-off: the others are narrowed away in SQL, so the work follows what needs me, not how many projects I
    have. The items, their order and the counts stay what the whole evaluation gives."""

    @pytest.fixture
    def evaluated(self, monkeypatch):
        from golive.lifecycle import today

        seen: list[str] = []
        real = today.load_gates

        def recording(phases):
            phases = list(phases)
            seen.extend(phase.project.key for phase in phases)
            return real(phases)

        monkeypatch.setattr(today, "load_gates", recording)
        return seen

    def test_projects_not_due_are_not_evaluated(self, world, api, evaluated):
        for n in range(6):
            build.project(world, f"LATE{n}", go_live_in=build.kickoff_due_in(30 + n))
        build.project(world, "SOON", go_live_in=build.kickoff_due_in(3))
        build.project(world, "SLIP", go_live_in=build.kickoff_due_in(-4))
        items = _items(api, world.lead, "gate_due")
        assert [(item["project"], item["overdue"]) for item in items] == [("SLIP", True), ("SOON", False)]
        assert sorted(evaluated) == ["SLIP", "SOON"]

    def test_a_gate_asking_for_my_signoff_is_evaluated_whatever_its_date(self, world, api, evaluated):
        build.gone_live(world.project, actor=world.lead, days_ago=20)
        build.project(world, "LATER", go_live_in=build.kickoff_due_in(40))
        (item,) = _items(api, world.customer_lead, "signoff_waiting")
        assert item["project"] == "ACME"
        assert evaluated == ["ACME"]

    def test_a_due_gate_that_passes_gives_no_item(self, world, api):
        build.kickoff_done(build.project(world, "DONE", go_live_in=build.kickoff_due_in(2)), actor=world.lead)
        assert [item["project"] for item in _items(api, world.lead, "gate_due")] == []


class TestTheSameListAsBefore:
    """A mixed portfolio gives every kind of item; each page is the slice of the whole list, the counts are
    over all of them, and the order is the documented one (overdue first, then by due time)."""

    @pytest.fixture
    def mixed(self, world):
        build.mixed_portfolio(world, 0, 8, issues=3)
        build.project(world, "SOON", go_live_in=build.kickoff_due_in(3))
        return world

    @pytest.mark.parametrize("user", ["lead", "customer_lead"])
    def test_pages_are_slices_of_the_whole_list(self, mixed, api, user):
        whole_body = api(getattr(mixed, user)).get(URL, {"page_size": 1000}).json()
        whole = whole_body["results"]
        assert whole_body["count"] == len(whole) == sum(whole_body["counts"].values())
        pages, page = [], 1
        while True:
            body = api(getattr(mixed, user)).get(URL, {"page_size": 4, "page": page}).json()
            assert body["count"] == len(whole) and body["counts"] == whole_body["counts"]
            pages += body["results"]
            if body["next"] is None:
                break
            page += 1
        assert pages == whole

    def test_the_leads_list(self, mixed, api):
        body = api(mixed.lead).get(URL, {"page_size": 1000}).json()
        counts = body["counts"]
        # (The SLA counts depend on the hour of the business calendar the test runs at: not pinned here.)
        assert {kind: counts[kind] for kind in ("gate_due", "signoff_waiting", "go_no_go_vote", "retro_action")} == {
            "gate_due": 7,
            "signoff_waiting": 0,
            "go_no_go_vote": 2,
            "retro_action": 0,
        }
        assert counts["sla_breach"] == sum(1 for item in body["results"] if item["kind"] == "sla_breach") > 0
        # Kickoff 3 days late (P000, P004); hypercare (P003, P007), SOON and deployment (P002, P006) due this week.
        gates = [(i["project"], i["overdue"]) for i in body["results"] if i["kind"] == "gate_due"]
        assert gates == [
            ("P000", True),
            ("P004", True),
            ("P003", False),
            ("P007", False),
            ("SOON", False),
            ("P002", False),
            ("P006", False),
        ]
        overdue = [item["overdue"] for item in body["results"]]
        assert overdue == sorted(overdue, reverse=True)  # overdue first
        (soon,) = [i for i in body["results"] if i["project"] == "SOON"]
        assert soon["title"] == "Kickoff gate fails" and "Kickoff meeting held" in soon["detail"]
        assert soon["due_date"] == (build.today() + dt.timedelta(days=3)).isoformat()


def _query_count(client, url, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_query_count_is_pinned_and_the_same_for_12_and_50_due_gates(world, api):
    """The candidate gates 1, the kickoff gate's criteria 2 (meetings, requirements), votes 0 (none in
    deployment), retro actions 1, the SLA issues 3 (their counts, the first breached, the first due soon: each
    read whether or not there are any); the API client is authenticated without a query. Pages 1 and 2 cost the
    same."""
    client = api(world.lead)

    def grow(first: int, last: int) -> None:
        for n in range(first, last):
            build.project(world, f"D{n:03d}", go_live_in=build.kickoff_due_in(n % 9 - 4))

    grow(0, 5)
    grow(5, 12)  # two pages of ten at both sizes
    small = [_query_count(client, URL, {"page_size": 10, "page": page}) for page in (1, 2)]
    grow(12, 50)
    body = client.get(URL, {"page_size": 10, "page": 2}).json()
    assert body["count"] == body["counts"]["gate_due"] == 50  # each due between 4 days ago and 4 days ahead
    large = [_query_count(client, URL, {"page_size": 10, "page": page}) for page in (1, 2)]
    assert small == large == [7, 7]


def test_candidates_carry_the_columns_the_orm_reads(world):
    """The candidate gates are built from values read as text where that is cheaper (the gate's JSON, the phase's
    start): each carries exactly what the ORM gives for the same rows, on either engine."""
    from golive.accounts.models import Membership
    from golive.lifecycle import today
    from golive.lifecycle.models import Phase, Project
    from golive.lifecycle.selectors import project_list_for_user

    build.mixed_portfolio(world, 0, 8, issues=0)
    build.project(world, "SOON", go_live_in=build.kickoff_due_in(3))
    now = timezone.now()
    visible = project_list_for_user(world.lead).values("pk")
    found = today._gate_candidates(world.lead, visible, now=now, days=7)
    assert len(found) >= 5
    assert any(candidate.project.current_phase.actual_start is not None for candidate in found)
    for candidate in found:
        project, phase = candidate.project, candidate.project.current_phase
        stored = Phase.objects.get(pk=phase.pk)
        for name in ("project_id", "key", "name", "planned_end", "actual_start", "gate"):
            assert getattr(phase, name) == getattr(stored, name), (project.key, name)
        assert phase.project is project
        stored_project = Project.objects.get(pk=project.pk)
        for name in today.CANDIDATE_PROJECT:
            assert getattr(project, name) == getattr(stored_project, name), (project.key, name)
        assert candidate.role == Membership.objects.get(user=world.lead, project=project).role
