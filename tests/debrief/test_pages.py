"""The debrief pages: the retro board (three columns, groups, htmx votes answered with the card, forms that work
without JavaScript, bad input 400 with nothing written), the report page (timeline SVG, figures, downloads,
publishing) and pinned query counts that do not grow with the board or the project's data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from golive.debrief import services
from golive.debrief.models import PublishedReport, RetroItem
from tests.debrief.builders import KOREAN_NAME, full_project

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Session and user, project and roles, members, carried-over actions, notes per column (one aggregate), votes per
# group (one aggregate), a page of each column, a page of the actions and the actions open and done (one aggregate).
BOARD_MAX_QUERIES = 13
# "Show more": session and user, project and roles, then the votes per group and the next notes of the column, or
# the next actions.
MORE_QUERIES = 6
ACTIONS_MORE_QUERIES = 5
REPORT_PAGE_MAX_QUERIES = 52


def _board(client):
    return client.get(reverse("web:retro", args=["ACME"]))


def test_board_shows_three_columns_with_groups_and_actions(client, world):
    services.retro_item_create(actor=world.customer_member, project=world.project, column="went_well", text="Calm")
    services.retro_item_create(
        actor=world.consultant, project=world.project, column="to_improve", text="Late data", group="Data"
    )
    services.retro_action_create(actor=world.lead, project=world.project, title="Name owners", owner=world.consultant)
    client.force_login(world.customer_member)
    html = _board(client).content.decode()
    for column in ("went_well", "to_improve", "action"):
        assert f'id="column-{column}"' in html
    assert '<h3 class="retro-group-label">Data</h3>' in html
    assert 'id="retro-actions"' in html and "Name owners" in html
    assert 'id="group-form"' not in html  # grouping is for consultants
    client.force_login(world.consultant)
    assert 'id="group-form"' in _board(client).content.decode()


def test_htmx_vote_answers_the_card(client, world):
    item = services.retro_item_create(actor=world.lead, project=world.project, column="went_well", text="Calm")
    client.force_login(world.customer_member)
    url = reverse("web:retro-item-vote", args=["ACME", item.pk])
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<li class="retro-item" id="item-{item.pk}">')
    assert 'aria-pressed="true"' in html and f'<span class="retro-votes" id="item-{item.pk}-votes">1</span>' in html
    html = client.post(url, **HTMX).content.decode()
    assert 'aria-pressed="false"' in html and f'id="item-{item.pk}-votes">0</span>' in html
    plain = client.post(url)
    assert plain.status_code == 302 and plain["Location"].endswith(f"/projects/ACME/debrief/#item-{item.pk}")


def test_add_note_without_javascript_redirects(client, world):
    client.force_login(world.customer_lead)
    response = client.post(
        reverse("web:retro-item-add", args=["ACME"]),
        {"column": "action", "text": "Plan training", "owner": "customer_lead", "due_date": "2030-02-01"},
    )
    assert response.status_code == 302
    item = RetroItem.objects.get()
    assert item.action_detail.owner == world.customer_lead and str(item.action_detail.due_date) == "2030-02-01"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"column": "went_well", "text": ""}, "Note"),
        ({"column": "nowhere", "text": "x"}, "Column"),
        ({"column": "action", "text": "x", "owner": "outsider"}, "Owner"),
        ({"column": "action", "text": "x", "due_date": "soon"}, "Due date"),
    ],
)
def test_bad_note_is_400_and_writes_nothing(client, world, nothing_written, data, message):
    client.force_login(world.customer_member)
    with nothing_written():
        response = client.post(reverse("web:retro-item-add", args=["ACME"]), data, **HTMX)
    assert response.status_code == 400
    assert 'id="action-error"' in response.content.decode() and message in response.content.decode()
    assert not RetroItem.objects.exists()


def test_refused_action_move_is_409(client, world):
    action = services.retro_action_create(actor=world.lead, project=world.project, title="T", owner=world.lead)
    services.retro_action_complete(actor=world.lead, action=action)
    client.force_login(world.lead)
    response = client.post(reverse("web:retro-action-complete", args=["ACME", action.pk]), **HTMX)
    assert response.status_code == 409 and "already done" in response.content.decode()


def test_group_form_merges_ticked_notes(client, world):
    a = services.retro_item_create(actor=world.lead, project=world.project, column="to_improve", text="A")
    b = services.retro_item_create(actor=world.lead, project=world.project, column="to_improve", text="B")
    client.force_login(world.consultant)
    response = client.post(reverse("web:retro-group", args=["ACME"]), {"items": [a.pk, b.pk], "group": "Speed"})
    assert response.status_code == 302
    assert set(RetroItem.objects.values_list("group", flat=True)) == {"Speed"}


def test_report_page_shows_timeline_figures_and_downloads(client, world):
    full_project(world)
    client.force_login(world.lead)
    response = client.get(reverse("web:report", args=["ACME"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="report-timeline"' in html and KOREAN_NAME in html
    assert 'id="report-hypercare"' in html and "Days to silence" in html
    for fmt in ("json", "md", "html", "pdf"):
        assert f'id="download-{fmt}"' in html
    assert 'id="publish-report"' in html and 'id="no-published"' in html
    pdf = client.get(reverse("web:report-download", args=["ACME"]), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert client.get(reverse("web:report-download", args=["ACME"]), {"format": "doc"}).status_code == 400
    assert client.post(reverse("web:report-publish", args=["ACME"])).status_code == 302
    assert PublishedReport.objects.get().number == 1
    assert 'id="published-1"' in client.get(reverse("web:report", args=["ACME"])).content.decode()
    client.force_login(world.customer_member)
    assert 'id="publish-report"' not in client.get(reverse("web:report", args=["ACME"])).content.decode()


def test_report_page_in_korean(client, world):
    world.customer_lead.language = "ko"
    world.customer_lead.save(update_fields=["language"])
    client.force_login(world.customer_lead)
    html = client.get(reverse("web:report", args=["ACME"])).content.decode()
    assert 'lang="ko"' in html and "하이퍼케어" in html


# ---------------------------------------------------------------------------------------------------------------
# Query counts


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_board_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.lead)
    url = reverse("web:retro", args=["ACME"])
    services.retro_action_create(actor=world.lead, project=world.project, title="A", owner=world.consultant)
    with django_assert_max_num_queries(BOARD_MAX_QUERIES):
        client.get(url)
    before = _queries(client, url)
    for n in range(45):
        item = services.retro_item_create(
            actor=world.customer_member,
            project=world.project,
            column=("went_well", "to_improve", "action")[n % 3],
            text=f"N{n}",
            group="Speed" if n % 5 == 0 else "",
        )
        services.retro_vote_toggle(actor=world.lead, item=item)
    assert _queries(client, url) == before
    more = reverse("web:retro-more", args=["ACME"]) + "?column=went_well&offset=10"
    assert _queries(client, more) == MORE_QUERIES
    assert _queries(client, reverse("web:retro-actions-more", args=["ACME"]) + "?offset=10") == ACTIONS_MORE_QUERIES


def test_report_page_query_count_is_pinned(client, world, django_assert_max_num_queries):
    full_project(world)
    client.force_login(world.lead)
    with django_assert_max_num_queries(REPORT_PAGE_MAX_QUERIES):
        client.get(reverse("web:report", args=["ACME"]))
