"""The retro board through the API and the services: notes in three columns by vendor and customer members,
votes (one per user, toggled), groups, actions with owner and due date tracked until done, who may change
what, bad input (400 naming the field, nothing written), and open actions carried over to the next project."""

from __future__ import annotations

import datetime as dt

import pytest

from golive.accounts import services as account_services
from golive.accounts.models import Role
from golive.audit.models import AuditEvent
from golive.debrief import selectors, services
from golive.debrief.models import RetroAction, RetroItem, RetroVote
from golive.errors import NotAllowed, TransitionRefused
from tests.factories import make_project

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/ACME/retro/"


def _debrief_counts() -> dict:
    return {m.__name__: m.objects.count() for m in (RetroItem, RetroAction, RetroVote, AuditEvent)}


@pytest.fixture
def nothing_saved(nothing_written):
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = _debrief_counts()
        with nothing_written():
            yield
        assert _debrief_counts() == before

    return check


# ---------------------------------------------------------------------------------------------------------------
# Items


def test_vendor_and_customer_members_write_in_every_column(world, api):
    for user, column in ((world.customer_member, "went_well"), (world.consultant, "to_improve")):
        response = api(user).post(BASE + "items/", {"column": column, "text": f"From {user.username}"}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["author"] == user.username and response.json()["action"] is None
    response = api(world.customer_lead).post(
        BASE + "items/",
        {"column": "action", "text": "Name a data owner", "owner": "customer_lead", "due": "2030-01-31"},
        format="json",
    )
    assert response.status_code == 201
    action = response.json()["action"]
    assert action["owner"] == "customer_lead" and action["due_date"] == "2030-01-31" and action["done_at"] is None
    listed = api(world.support).get(BASE + "items/").json()
    assert listed["count"] == 3
    assert {i["column"] for i in listed["results"]} == {"went_well", "to_improve", "action"}
    assert api(world.support).get(BASE + "items/", {"column": "action"}).json()["count"] == 1
    assert AuditEvent.objects.filter(action="retro_item.created").count() == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"column": "later", "text": "x"}, "column"),
        ({"column": "went_well", "text": ""}, "text"),
        ({"column": "went_well", "text": "   "}, "text"),
        ({"column": "went_well", "text": "x" * 1001}, "text"),
        ({"column": "went_well", "text": "x", "owner": "lead"}, "owner"),
        ({"column": "went_well", "text": "x", "due": "2030-01-01"}, "due_date"),
        ({"column": "action", "text": "x", "owner": "outsider"}, "owner"),
        ({"column": "action", "text": "x", "owner": "nobody"}, "owner"),
        ({"column": "action", "text": "x", "due": "tomorrow"}, "due"),
        ({"column": "went_well", "text": "x", "group": "g" * 101}, "group"),
        ({"column": "went_well", "text": "x", "votes": 3}, "votes"),
    ],
)
def test_bad_item_is_400_naming_the_field_and_writes_nothing(world, api, nothing_saved, payload, field):
    with nothing_saved():
        response = api(world.customer_member).post(BASE + "items/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith(f"{field}: "), response.json()


def test_author_or_lead_changes_and_deletes_an_item(world, api, nothing_saved):
    item = services.retro_item_create(actor=world.customer_member, project=world.project, column="went_well", text="A")
    url = f"{BASE}items/{item.pk}/"
    with nothing_saved():
        assert api(world.consultant).patch(url, {"text": "Hijacked"}, format="json").status_code == 403
        assert api(world.customer_lead).delete(url).status_code == 403
    response = api(world.customer_member).patch(url, {"text": "Better", "group": "Speed"}, format="json")
    assert response.status_code == 200 and response.json()["text"] == "Better" and response.json()["group"] == "Speed"
    assert api(world.lead).patch(url, {"group": ""}, format="json").json()["group"] == ""
    with nothing_saved():
        assert api(world.customer_member).patch(url, {"text": ""}, format="json").status_code == 400
        assert api(world.customer_member).patch(url, {"column": "action"}, format="json").status_code == 400
    assert api(world.lead).delete(url).status_code == 204
    assert not RetroItem.objects.exists()
    assert api(world.lead).get(url).status_code == 404


def test_an_item_of_another_project_is_404(world, api):
    other = services.retro_item_create(
        actor=world.other_lead, project=world.other_project, column="went_well", text="X"
    )
    assert api(world.lead).get(f"{BASE}items/{other.pk}/").status_code == 404
    assert api(world.lead).post(f"{BASE}items/{other.pk}/vote/").status_code == 404


def test_editing_an_action_note_renames_its_action(world):
    item = services.retro_item_create(actor=world.lead, project=world.project, column="action", text="Old")
    services.retro_item_update(actor=world.lead, item=item, text="New")
    assert RetroAction.objects.get(item=item).title == "New"


# ---------------------------------------------------------------------------------------------------------------
# Votes and groups


def test_one_vote_per_user_toggles(world, api):
    item = services.retro_item_create(actor=world.lead, project=world.project, column="to_improve", text="Slow UAT")
    url = f"{BASE}items/{item.pk}/vote/"
    assert api(world.customer_member).post(url).json() == {"voted": True, "votes": 1}
    assert api(world.consultant).post(url).json() == {"voted": True, "votes": 2}
    assert api(world.customer_member).post(url).json() == {"voted": False, "votes": 1}
    assert api(world.customer_member).post(url).json() == {"voted": True, "votes": 2}
    body = api(world.customer_member).get(f"{BASE}items/{item.pk}/").json()
    assert (body["votes"], body["voted"]) == (2, True)
    assert api(world.support).get(f"{BASE}items/{item.pk}/").json()["voted"] is False


def test_consultants_merge_items_into_a_group(world, api, nothing_saved):
    a = services.retro_item_create(actor=world.customer_member, project=world.project, column="to_improve", text="A")
    b = services.retro_item_create(actor=world.customer_lead, project=world.project, column="to_improve", text="B")
    other = services.retro_item_create(
        actor=world.other_lead, project=world.other_project, column="went_well", text="C"
    )
    response = api(world.consultant).post(BASE + "groups/", {"items": [a.pk, b.pk], "group": "Data"}, format="json")
    assert response.json() == {"changed": 2}
    assert set(RetroItem.objects.filter(project=world.project).values_list("group", flat=True)) == {"Data"}
    assert api(world.consultant).get(BASE + "items/", {"group": "Data"}).json()["count"] == 2
    with nothing_saved():
        response = api(world.consultant).post(
            BASE + "groups/", {"items": [a.pk, other.pk], "group": "Mixed"}, format="json"
        )
    assert response.status_code == 400 and response.json()["detail"].startswith("items: ")
    with nothing_saved():
        assert (
            api(world.consultant).post(BASE + "groups/", {"items": [], "group": "X"}, format="json").status_code == 400
        )
    assert api(world.consultant).post(BASE + "groups/", {"items": [a.pk], "group": ""}, format="json").json() == {
        "changed": 1
    }


# ---------------------------------------------------------------------------------------------------------------
# Actions


def test_actions_stay_tracked_until_done(world, api):
    client = api(world.lead)
    response = client.post(
        BASE + "actions/", {"title": "Train key users earlier", "owner": "consultant", "due_date": "2030-03-01"}
    )
    assert response.status_code == 201
    action = response.json()
    assert (action["owner"], action["due_date"], action["open"]) == ("consultant", "2030-03-01", True)
    assert RetroItem.objects.get(pk=action["item"]).column == "action"
    url = f"{BASE}actions/{action['id']}/"
    assert api(world.customer_member).post(url + "complete/").status_code == 403  # not the owner, not a lead
    done = api(world.consultant).post(url + "complete/")
    assert done.status_code == 200 and done.json()["open"] is False and done.json()["done_by"] == "consultant"
    again = api(world.consultant).post(url + "complete/")
    assert again.status_code == 409
    assert client.get(BASE + "actions/", {"open": "true"}).json()["count"] == 0
    assert client.get(BASE + "actions/", {"open": "false"}).json()["count"] == 1
    assert client.post(url + "reopen/").json()["open"] is True
    assert client.post(url + "reopen/").status_code == 409
    assert client.patch(url, {"owner": "customer_lead", "due_date": None}, format="json").json()["owner"] == (
        "customer_lead"
    )
    assert api(world.customer_lead).patch(url, {"title": "Train earlier"}, format="json").status_code == 200
    assert api(world.support).patch(url, {"title": "Nope"}, format="json").status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "owner": "other_customer"}, "owner"),
        ({"title": "x", "due_date": "31/12/2030"}, "due_date"),
        ({"title": "x", "done_at": "2030-01-01T00:00:00Z"}, "done_at"),
    ],
)
def test_bad_action_is_400_naming_the_field(world, api, nothing_saved, payload, field):
    with nothing_saved():
        response = api(world.lead).post(BASE + "actions/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")


# The transitions of an action, exhaustively: (state, move) -> allowed?
TRANSITIONS = [
    ("open", "complete", True),
    ("open", "reopen", False),
    ("done", "complete", False),
    ("done", "reopen", True),
]


@pytest.mark.parametrize(("state", "move", "allowed"), TRANSITIONS)
def test_action_transition_table(world, state, move, allowed):
    action = services.retro_action_create(actor=world.lead, project=world.project, title="T", owner=world.consultant)
    if state == "done":
        action = services.retro_action_complete(actor=world.consultant, action=action)
    mover = services.retro_action_complete if move == "complete" else services.retro_action_reopen
    if allowed:
        moved = mover(actor=world.consultant, action=action)
        assert (moved.done_at is None) == (move == "reopen")
    else:
        with pytest.raises(TransitionRefused):
            mover(actor=world.consultant, action=action)


def test_only_owner_or_lead_completes(world):
    action = services.retro_action_create(actor=world.customer_lead, project=world.project, title="T", owner=None)
    with pytest.raises(NotAllowed):
        services.retro_action_complete(actor=world.customer_lead, action=action)
    assert services.retro_action_complete(actor=world.lead, action=action).done_at is not None


# ---------------------------------------------------------------------------------------------------------------
# Carried over to the next project, and the selectors other apps read


def _next_project(world, key: str, customer, member=None):
    project = make_project(actor=world.lead, key=key, customer=customer)
    if member is not None:
        account_services.membership_add(actor=world.lead, project=project, user=member, role=Role.CONSULTANT)
    return project


def test_open_actions_show_at_the_next_projects_kickoff(world, client):
    action = services.retro_action_create(
        actor=world.lead, project=world.project, title="Book the trainers early", owner=world.consultant
    )
    done = services.retro_action_create(actor=world.lead, project=world.project, title="Already done")
    services.retro_action_complete(actor=world.lead, action=done)
    later = _next_project(world, "ACME2", world.acme)
    assert list(selectors.carried_over_actions(project=later)) == [action]
    assert list(selectors.carried_over_actions(project=world.project)) == []  # not from later projects
    client.force_login(world.lead)
    page = client.get("/projects/ACME2/").content.decode()
    assert 'id="carried-over"' in page and "Book the trainers early" in page and "Already done" not in page
    services.retro_action_complete(actor=world.consultant, action=action)
    assert 'id="carried-over"' not in client.get("/projects/ACME2/").content.decode()


def test_carried_over_actions_respect_tenancy(world):
    services.retro_action_create(actor=world.lead, project=world.project, title="Vendor lesson", owner=world.lead)
    # A later project of another customer sharing a vendor member: the vendor sees the lesson, the customer not.
    shared = _next_project(world, "GLOBEX2", world.globex, member=world.consultant)
    account_services.membership_add(
        actor=world.lead, project=shared, user=world.other_customer, role=Role.CUSTOMER_LEAD
    )
    assert [a.title for a in selectors.carried_over_actions(project=shared, user=world.consultant)] == ["Vendor lesson"]
    assert list(selectors.carried_over_actions(project=shared, user=world.other_customer)) == []
    unrelated = make_project(actor=world.other_lead, key="GLOBEX3", customer=world.globex)
    assert list(selectors.carried_over_actions(project=unrelated)) == []


def test_open_action_selectors(world, django_assert_max_num_queries):
    mine = services.retro_action_create(
        actor=world.lead, project=world.project, title="Mine", owner=world.consultant, due_date=dt.date(2030, 1, 1)
    )
    services.retro_action_create(actor=world.lead, project=world.project, title="Lead's", owner=world.lead)
    other = services.retro_action_create(
        actor=world.other_lead, project=world.other_project, title="Other", owner=world.other_lead
    )
    with django_assert_max_num_queries(1):
        assert [a.title for a in selectors.open_actions_for_user(world.consultant)] == ["Mine"]
    assert [a.title for a in selectors.open_actions([world.project])] == ["Mine", "Lead's"]  # due first
    assert list(selectors.open_actions([world.other_project.pk])) == [other]
    services.retro_action_complete(actor=world.consultant, action=mine)
    assert list(selectors.open_actions_for_user(world.consultant)) == []
