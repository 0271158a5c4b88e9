"""The retro board shows the most voted notes of each column and a page of the actions; "Show more" brings the next
ones (htmx partial, or the board with more of a column without JavaScript); the counts cover every note."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from golive.debrief import services
from golive.debrief.views import ACTIONS_PAGE_SIZE, RETRO_PAGE_SIZE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BOARD = reverse("web:retro", args=["ACME"])
MORE = reverse("web:retro-more", args=["ACME"])
ACTIONS_MORE = reverse("web:retro-actions-more", args=["ACME"])


def voters(world, count: int) -> list:
    from golive.accounts import services as account_services
    from golive.accounts.models import Role

    users = [UserFactory(username=f"voter{n}", organization=world.acme) for n in range(count)]
    for user in users:
        account_services.membership_add(actor=world.lead, project=world.project, user=user, role=Role.CUSTOMER_MEMBER)
    return users


def note(world, text: str, votes: list, *, column: str = "went_well", group: str = ""):
    item = services.retro_item_create(
        actor=world.customer_member, project=world.project, column=column, text=text, group=group
    )
    for voter in votes:
        services.retro_vote_toggle(actor=voter, item=item)
    return item


def texts(html: str) -> list[str]:
    return re.findall(r'<p class="retro-text">([^<]+)</p>', html)


def column_html(html: str, column: str) -> str:
    start = html.index(f'id="column-{column}"')
    return html[start : html.index("</section>", start)]


def test_each_column_shows_its_most_voted_notes_then_more_on_demand(client, world):
    people = voters(world, 3)
    # 25 notes: N00 .. N24 with 0 to 3 votes (N03, N07, ... have 3).
    for n in range(25):
        note(world, f"N{n:02d}", people[: n % 4])
    note(world, "Elsewhere", [], column="to_improve")
    client.force_login(world.customer_member)
    html = client.get(BOARD).content.decode()
    went_well = column_html(html, "went_well")
    expected = sorted((f"N{n:02d}" for n in range(25)), key=lambda text: (-(int(text[1:]) % 4), text))
    assert texts(went_well) == expected[:RETRO_PAGE_SIZE]
    assert re.search(r'id="column-went_well-count">25<', html) and re.search(r'id="column-to_improve-count">1<', html)
    assert 'id="column-went_well-more"' in html and 'id="column-to_improve-more"' not in html

    # "Show more" answers the next notes of the column and, while there are more, the next "Show more".
    response = client.get(MORE, {"column": "went_well", "offset": RETRO_PAGE_SIZE}, **HTMX)
    assert response.status_code == 200
    more = response.content.decode()
    assert texts(more) == expected[RETRO_PAGE_SIZE : 2 * RETRO_PAGE_SIZE]
    assert f"offset={2 * RETRO_PAGE_SIZE}" in more and 'id="column-went_well-more"' in more
    last = client.get(MORE, {"column": "went_well", "offset": 2 * RETRO_PAGE_SIZE}).content.decode()
    assert texts(last) == expected[2 * RETRO_PAGE_SIZE :] and 'id="column-went_well-more"' not in last

    # Without JavaScript the link reloads the board with more of that column.
    assert f'href="?show_went_well={2 * RETRO_PAGE_SIZE}#column-went_well"' in html
    html = client.get(BOARD, {"show_went_well": 2 * RETRO_PAGE_SIZE}).content.decode()
    assert texts(column_html(html, "went_well")) == expected[: 2 * RETRO_PAGE_SIZE]
    assert client.get(MORE, {"column": "nowhere"}).status_code == 400


def test_a_group_ranks_by_the_votes_of_all_its_notes(client, world):
    people = voters(world, 3)
    note(world, "Solo two", people[:2])
    note(world, "Group one", people[:1], group="Speed")
    note(world, "Group two", people[1:3], group="Speed")
    note(world, "Solo none", [])
    client.force_login(world.lead)
    html = column_html(client.get(BOARD).content.decode(), "went_well")
    # Speed has 3 votes in all: it comes first, its notes side by side, under one label.
    assert texts(html) == ["Group two", "Group one", "Solo two", "Solo none"]
    assert html.count('<h3 class="retro-group-label">Speed</h3>') == 1


def test_a_group_going_on_from_the_previous_page_has_no_second_label(client, world):
    people = voters(world, 1)
    for n in range(RETRO_PAGE_SIZE + 2):
        note(world, f"G{n:02d}", people, group="Data")
    client.force_login(world.lead)
    html = client.get(BOARD).content.decode()
    assert html.count('<h3 class="retro-group-label">Data</h3>') == 1
    more = client.get(MORE, {"column": "went_well", "offset": RETRO_PAGE_SIZE}, **HTMX).content.decode()
    assert texts(more) == [f"G{RETRO_PAGE_SIZE:02d}", f"G{RETRO_PAGE_SIZE + 1:02d}"]
    assert "retro-group-label" not in more and "is-continued" in more


def test_actions_are_shown_a_page_at_a_time_open_first(client, world):
    for n in range(ACTIONS_PAGE_SIZE + 3):
        action = services.retro_action_create(
            actor=world.lead, project=world.project, title=f"Action {n:02d}", owner=world.consultant
        )
        if n < 2:
            services.retro_action_complete(actor=world.lead, action=action)
    client.force_login(world.consultant)
    html = client.get(BOARD).content.decode()
    table = html[html.index('id="retro-actions"') :]
    titles = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert titles == [f"Action {n:02d}" for n in range(2, ACTIONS_PAGE_SIZE + 2)]
    assert "11 open, 2 done" in html and 'id="actions-more"' in html
    more = client.get(ACTIONS_MORE, {"offset": ACTIONS_PAGE_SIZE}, **HTMX).content.decode()
    assert re.findall(r'<th scope="row">([^<]+)</th>', more) == [
        f"Action {n:02d}" for n in (ACTIONS_PAGE_SIZE + 2, 0, 1)
    ]
    assert 'id="actions-more"' not in more
    # The owner's buttons come with the rows.
    assert "-complete" in more and "-reopen" in more
