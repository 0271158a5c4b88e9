"""API of review feedback: shape, filters, refused input, the status machine and the change request."""

from __future__ import annotations

import itertools

import pytest

from golive.audit.models import AuditEvent
from golive.engagement import services
from golive.engagement.models import FEEDBACK_TRANSITIONS, Feedback, FeedbackStatus, Requirement
from tests.engagement.builders import feedback, meeting, requirement

URL = "/api/v1/projects/ACME/feedback/"


def test_create_returns_the_contract_shape(world, api):
    demo = meeting(world, "review", phase="alpha_review")
    requirement(world, "EXP-1")
    payload = {"meeting": demo.pk, "requirement": "EXP-1", "text": "Export needs a date filter", "size": "large"}
    response = api(world.customer_member).post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("meeting", "requirement", "text", "size", "status")} == {**payload, "status": "open"}
    assert body["phase"] == "alpha_review" and body["created_by"] == "customer_member"
    assert api(world.support).get(f"{URL}{body['id']}/").json() == body
    assert AuditEvent.objects.get(action="feedback.created").changes["requirement"] == "EXP-1"


def test_requirement_is_optional(world, api):
    demo = meeting(world, "review", phase="alpha_review")
    response = api(world.customer_lead).post(URL, {"meeting": demo.pk, "text": "Colours"}, format="json")
    assert response.status_code == 201
    assert (response.json()["requirement"], response.json()["size"]) == (None, "small")


def test_patch_links_a_requirement_and_records_the_resolution(world, api):
    item = feedback(world, meeting(world, "review", phase="alpha_review"))
    requirement(world, "EXP-1")
    response = api(world.consultant).patch(
        f"{URL}{item.pk}/", {"requirement": "EXP-1", "resolution": "Filter added"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["requirement"], response.json()["resolution"]) == ("EXP-1", "Filter added")


@pytest.fixture
def items(world):
    alpha = meeting(world, "review", title="Alpha", phase="alpha_review")
    beta = meeting(world, "review", title="Beta", phase="beta_review")
    exp = requirement(world, "EXP-1")
    a = feedback(world, alpha, "a", size="small", requirement=exp)
    b = feedback(world, alpha, "b", size="large")
    c = feedback(world, beta, "c", size="small")
    d = feedback(world, beta, "d", size="large", requirement=exp)
    services.feedback_accept(actor=world.lead, feedback=b)
    services.feedback_done(actor=world.lead, feedback=c)
    return {"alpha": alpha, "beta": beta, "a": a, "b": b, "c": c, "d": d}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, "abcd"),
        ({"status": "open"}, "ad"),
        ({"status": "accepted,done"}, "bc"),
        ({"size": "large"}, "bd"),
        ({"meeting": "beta"}, "cd"),
        ({"phase": "alpha_review"}, "ab"),
        ({"requirement": "EXP-1"}, "ad"),
        ({"phase": "beta_review", "size": "small"}, "c"),
        ({"meeting": "not-a-number"}, ""),
    ],
)
def test_filters(world, api, items, query, expected):
    query = {k: str(items[v].pk) if k == "meeting" and v in items else v for k, v in query.items()}
    response = api(world.customer_member).get(URL, query)
    assert response.status_code == 200
    assert "".join(f["text"] for f in response.json()["results"]) == expected


def test_pagination(world, api, items):
    page = api(world.lead).get(URL, {"page_size": 3}).json()
    assert page["count"] == 4 and "".join(f["text"] for f in page["results"]) == "abc" and page["next"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"meeting": "GLOBEX"}, "meeting"),
        ({"meeting": 999999}, "meeting"),
        ({"requirement": "NOPE-1"}, "requirement"),
        ({"requirement": "GLX-1"}, "requirement"),
        ({"size": "huge"}, "size"),
        ({"status": "closed"}, "status"),
        ({"text": ""}, "text"),
    ],
)
def test_bad_input_is_400_naming_the_field(world, api, unchanged, payload, field):
    ours = meeting(world, "review", phase="alpha_review")
    theirs = meeting(world, "review", project=world.other_project, actor=world.other_lead)
    requirement(world, "GLX-1", project=world.other_project, actor=world.other_lead)
    if payload.get("meeting") == "GLOBEX":
        payload = {"meeting": theirs.pk}
    with unchanged():
        response = api(world.customer_member).post(URL, {"meeting": ours.pk, "text": "x", **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"] and response.json()["detail"].startswith(field)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"meeting": 1}, "meeting"),
        ({"project": "GLOBEX"}, "project"),
        ({"requirement": "NOPE-1"}, "requirement"),
        ({"size": "huge"}, "size"),
        ({"status": "closed"}, "status"),
    ],
)
def test_patch_refusals(world, api, unchanged, payload, field):
    item = feedback(world, meeting(world, "review", phase="alpha_review"), "Original")
    with unchanged():
        response = api(world.lead).patch(f"{URL}{item.pk}/", {"text": "Changed", **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    item.refresh_from_db()
    assert (item.text, item.status) == ("Original", "open")


# The status machine: every (from, to) pair through PATCH ``status``.

_REACH = {
    FeedbackStatus.OPEN: None,
    FeedbackStatus.ACCEPTED: services.feedback_accept,
    FeedbackStatus.REJECTED: services.feedback_reject,
    FeedbackStatus.DONE: services.feedback_done,
}
PAIRS = [(a, b) for a, b in itertools.product(FeedbackStatus.values, repeat=2) if a != b]


def _item_in(world, status):
    item = feedback(world, meeting(world, "review", phase="alpha_review"), "Original")
    if _REACH[status]:
        _REACH[status](actor=world.lead, feedback=item)
    item.refresh_from_db()
    assert item.status == status
    return item


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_status_move(world, api, unchanged, source, target):
    item = _item_in(world, source)
    if target in FEEDBACK_TRANSITIONS[source]:
        response = api(world.consultant).patch(f"{URL}{item.pk}/", {"status": target}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == target
        event = AuditEvent.objects.filter(action="feedback.status_changed").latest("id")
        assert event.changes["status"] == [source, target]
    else:
        with unchanged():
            response = api(world.consultant).patch(f"{URL}{item.pk}/", {"status": target}, format="json")
        assert response.status_code == 409
        assert source in response.json()["detail"] and target in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == (target if target in FEEDBACK_TRANSITIONS[source] else source)


def test_the_table_has_moves_and_refusals():
    """Guards the parametrisation above against a table that allows everything or nothing."""
    allowed = sum(b in FEEDBACK_TRANSITIONS[a] for a, b in PAIRS)
    assert 0 < allowed < len(PAIRS)


def test_patching_the_current_status_changes_nothing(world, api, unchanged):
    item = _item_in(world, FeedbackStatus.ACCEPTED)
    with unchanged():
        response = api(world.consultant).patch(f"{URL}{item.pk}/", {"status": "accepted"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_refused_move_keeps_the_other_fields_of_the_same_request(world, api, unchanged):
    """A request that fails changes nothing, not even the fields that came before the refused move."""
    item = _item_in(world, FeedbackStatus.DONE)
    with unchanged():
        response = api(world.consultant).patch(
            f"{URL}{item.pk}/", {"text": "Edited", "status": "accepted"}, format="json"
        )
    assert response.status_code == 409
    item.refresh_from_db()
    assert (item.text, item.status) == ("Original", "done")


# Change requests


def _convert(api, user, item, ref="CR-1", **payload):
    return api(user).post(f"{URL}{item.pk}/change-request/", {"ref": ref, **payload}, format="json")


@pytest.mark.parametrize("phase", ["alpha_review", "beta_review"])
def test_large_feedback_becomes_a_change_request(world, api, phase):
    item = feedback(world, meeting(world, "review", phase=phase), "Approvals need two levels", size="large")
    response = _convert(api, world.consultant, item, title="Two-level approvals")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["ref"], body["title"], body["change_request"], body["source"]) == (
        "CR-1",
        "Two-level approvals",
        True,
        phase,
    )
    assert body["description"] == "Approvals need two levels"
    linked = api(world.lead).get(f"{URL}{item.pk}/").json()
    assert (linked["requirement"], linked["status"]) == ("CR-1", "accepted")
    assert api(world.lead).get("/api/v1/projects/ACME/requirements/", {"change_request": "true"}).json()["count"] == 1
    assert AuditEvent.objects.filter(action="feedback.change_request").count() == 1


def test_small_feedback_is_refused(world, api, unchanged):
    item = feedback(world, meeting(world, "review", phase="alpha_review"), size="small")
    with unchanged():
        response = _convert(api, world.lead, item)
    assert response.status_code == 409 and response.json()["detail"]
    item.refresh_from_db()
    assert (item.status, item.requirement_id) == ("open", None)


def test_second_conversion_is_refused(world, api, unchanged):
    item = feedback(world, meeting(world, "review", phase="alpha_review"), size="large")
    assert _convert(api, world.lead, item).status_code == 201
    with unchanged():
        response = _convert(api, world.lead, item, ref="CR-2")
    assert response.status_code == 409
    assert list(Requirement.objects.values_list("ref", flat=True)) == ["CR-1"]


@pytest.mark.parametrize(("ref", "field"), [("CR 1", "ref"), ("EXP-1", "ref"), ("", "ref")])
def test_conversion_with_bad_ref_is_400(world, api, unchanged, ref, field):
    requirement(world, "EXP-1")
    item = feedback(world, meeting(world, "review", phase="alpha_review"), size="large")
    with unchanged():
        response = _convert(api, world.lead, item, ref=ref)
    assert response.status_code == 400 and field in response.json()["errors"]
    assert Feedback.objects.get(pk=item.pk).status == "open"
