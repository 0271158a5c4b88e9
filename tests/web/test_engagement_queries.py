"""Pinned query counts of the engagement and training pages (STYLE.md 8): the same bound for a few and for many
rows, so the count does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from golive.engagement import services
from golive.training import services as training_services

pytestmark = pytest.mark.django_db

REGISTER_MAX_QUERIES = 8
MEETING_MAX_QUERIES = 9
DECISIONS_MAX_QUERIES = 9
TRAINING_MAX_QUERIES = 10
SESSION_MAX_QUERIES = 9
REVIEW_PACK_MAX_QUERIES = 8


def _requirements(world, count: int) -> list:
    scopes = ["built", "in_progress", "not_started", "deferred"]
    return [
        services.requirement_create(
            actor=world.lead,
            project=world.project,
            ref=f"R-{n:03d}",
            title=f"Req {n}",
            scope=scopes[n % 4],
            gap="differs" if n % 3 == 0 else "",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [3, 40])
@pytest.mark.parametrize("username", ["lead", "customer_member"])
def test_register_query_count_does_not_grow(client, world, django_assert_max_num_queries, count, username):
    _requirements(world, count)
    client.force_login(getattr(world, username))
    with django_assert_max_num_queries(REGISTER_MAX_QUERIES):
        response = client.get(reverse("web:requirements", args=["ACME"]))
    assert response.content.decode().count('class="requirement-row"') == count


@pytest.mark.parametrize("count", [3, 40])
def test_review_pack_query_count_does_not_grow(client, world, django_assert_max_num_queries, count):
    requirements = _requirements(world, count)
    meeting = services.meeting_create(
        actor=world.lead, project=world.project, kind="review", title="Alpha", starts_at=timezone.now()
    )
    for n, req in enumerate(requirements):
        item = services.feedback_create(
            actor=world.customer_member, project=world.project, meeting=meeting, text=f"fb {n}", requirement=req
        )
        services.feedback_done(actor=world.lead, feedback=item, note="fixed")
    client.force_login(world.customer_lead)
    with django_assert_max_num_queries(REVIEW_PACK_MAX_QUERIES):
        response = client.get(reverse("web:review-pack", args=["ACME"]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 30])
@pytest.mark.parametrize("username", ["lead", "customer_member"])
def test_meeting_page_query_count_does_not_grow(client, world, django_assert_max_num_queries, count, username):
    requirements = _requirements(world, 5)
    meeting = services.meeting_create(
        actor=world.lead,
        project=world.project,
        kind="review",
        title="Alpha",
        starts_at=timezone.now(),
        attendees=[world.customer_lead, world.consultant],
        notes="*notes*",
    )
    for n in range(count):
        item = services.feedback_create(
            actor=world.customer_member if n % 2 else world.consultant,
            project=world.project,
            meeting=meeting,
            text=f"fb {n}",
            size="large" if n % 3 == 0 else "small",
            requirement=requirements[n % 5] if n % 2 else None,
        )
        if n % 4 == 0:
            services.feedback_accept(actor=world.lead, feedback=item)
    client.force_login(getattr(world, username))
    with django_assert_max_num_queries(MEETING_MAX_QUERIES):
        response = client.get(reverse("web:meeting", args=["ACME", meeting.pk]))
    assert response.content.decode().count('class="feedback-item') == count
    with django_assert_max_num_queries(MEETING_MAX_QUERIES):
        response = client.get(reverse("web:meetings", args=["ACME"]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_decision_log_query_count_does_not_grow(client, world, django_assert_max_num_queries, count):
    for n in range(count):
        present = [world.lead, world.customer_lead] if n % 2 else [world.consultant]
        services.decision_record(
            actor=world.lead,
            project=world.project,
            title=f"D{n}",
            decision=f"decided {n}",
            stakeholders_present=present,
            decided_at=timezone.now() - dt.timedelta(hours=n),
        )
    client.force_login(world.customer_member)
    with django_assert_max_num_queries(DECISIONS_MAX_QUERIES):
        response = client.get(reverse("web:decisions", args=["ACME"]))
    assert response.content.decode().count('class="decision-row') == count


@pytest.mark.parametrize("count", [2, 20])
def test_training_plan_query_count_does_not_grow(client, world, django_assert_max_num_queries, count):
    for n in range(count):
        session = training_services.session_create(
            actor=world.lead,
            project=world.project,
            kind="end_user" if n % 2 else "train_the_trainer",
            title=f"S{n}",
            starts_at=timezone.now() + dt.timedelta(days=n - count // 2),
            trainer=world.consultant,
        )
        training_services.attendance_record(
            actor=world.lead, session=session, attendee="customer_member", status="attended"
        )
        training_services.attendance_record(
            actor=world.lead, session=session, attendee=f"g{n}@acme.example", status="absent"
        )
        training_services.material_add(
            actor=world.lead,
            project=world.project,
            business_process=f"P{n % 3}",
            title=f"M{n}",
            kind="link",
            url="https://example.com/m",
        )
    client.force_login(world.customer_lead)
    with django_assert_max_num_queries(TRAINING_MAX_QUERIES):
        response = client.get(reverse("web:training", args=["ACME"]))
    assert response.content.decode().count('class="session-row"') == count
    with django_assert_max_num_queries(SESSION_MAX_QUERIES):
        response = client.get(reverse("web:training-session", args=["ACME", session.pk]))
    assert response.status_code == 200
