"""The cutover board shows a window of a long runbook: a page of the forward steps in dependency order (by default
the page where the cutover stands), a page of the rollback plan, and the steps that need someone now, while the
figures (counts, progress, remaining time, ETA) still cover every step."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from golive.cutover import services
from golive.cutover.models import RunbookStep
from golive.cutover.selectors import BOARD_PAGE_SIZE, ROLLBACK_PAGE_SIZE
from tests.cutover.builders import run

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BOARD = reverse("web:cutover-board", args=["ACME"])


def chain(world, count: int, *, rollback: int = 0, prefix: str = "S") -> None:
    """``count`` forward steps S00, S01, ... each waiting for the one before (10 minutes each), then ``rollback``
    rollback steps R00, R01, ..."""
    for n in range(count):
        services.step_create(
            actor=world.lead,
            project=world.project,
            ref=f"{prefix}{n:02d}",
            title=f"Step {n}",
            planned_minutes=10,
            depends_on=[f"{prefix}{n - 1:02d}"] if n else [],
        )
    for n in range(rollback):
        services.step_create(actor=world.lead, project=world.project, ref=f"R{n:02d}", title=f"Undo {n}", rollback=True)


def shown(content: str, table: str = "runbook-table") -> list[str]:
    """Refs of the rows of a table of the board, in order."""
    start = content.index(f'id="{table}"')
    body = content[start : content.index("</table>", start)]
    return re.findall(r'<tr id="step-([^"]+)"', body)


def get(client, url=BOARD, **kwargs) -> str:
    response = client.get(url, kwargs.pop("data", {}), **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def test_a_long_runbook_is_shown_a_page_at_a_time(client, world):
    chain(world, 45)
    client.force_login(world.customer_member)
    content = get(client)
    assert shown(content) == [f"S{n:02d}" for n in range(BOARD_PAGE_SIZE)]
    assert "Steps 1–20 of 45" in content and 'rel="next"' in content and 'rel="prev"' not in content
    content = get(client, data={"page": 2})
    assert shown(content) == [f"S{n:02d}" for n in range(20, 40)]
    assert "Steps 21–40 of 45" in content and 'rel="prev"' in content
    assert shown(get(client, data={"page": 3})) == [f"S{n:02d}" for n in range(40, 45)]
    # A page past the end (a stale link) shows the last page; nonsense shows where the cutover stands.
    assert shown(get(client, data={"page": 99})) == [f"S{n:02d}" for n in range(40, 45)]
    assert shown(get(client, data={"page": "x"}))[0] == "S00"
    # The figures cover the whole runbook, whatever the page.
    assert re.search(r'id="cutover-done">0 / 45<', content)
    assert re.search(r'id="cutover-remaining">7 h 30 min<', content)  # 45 steps of 10 minutes in a chain
    assert re.search(r'id="count-pending">45<', content)


def test_the_board_opens_where_the_cutover_stands(client, world):
    chain(world, 45)
    for n in range(23):
        run(world, f"S{n:02d}", "start", "complete")
    run(world, "S23", "start")
    client.force_login(world.lead)
    content = get(client)
    # S23 is the first step not done: its page (steps 21-40) is shown.
    assert shown(content)[0] == "S20" and "S23" in shown(content)
    assert re.search(r'id="cutover-done">23 / 45<', content) and re.search(r'id="cutover-percent">51%<', content)
    assert re.search(r'id="count-done">23<', content) and re.search(r'id="count-in_progress">1<', content)
    # The refresh follows the cutover (no page in its URL) until the viewer picks a page.
    assert f'hx-get="{BOARD}"' in content
    content = get(client, data={"page": 1})
    assert f'hx-get="{BOARD}?page=1"' in content and shown(content)[0] == "S00"


def test_steps_that_need_someone_now_are_listed_with_a_link_to_their_row(client, world):
    chain(world, 30)
    chain(world, 2, prefix="T")  # a second chain: T00 is ready to start
    run(world, "S00", "start")
    client.force_login(world.lead)
    content = get(client)
    now = content[content.index('id="cutover-now"') : content.index('id="runbook-title"')]
    assert re.findall(r'id="now-(S..|T..)"', now) == ["S00", "T00"]  # running first, then ready to start
    assert 'href="#step-S00"' in now  # on this page
    assert "Ready to start" in now and "In progress" in now
    # T00 comes after the 30 steps of S in dependency order: its row is on page 2.
    assert 'href="?page=2&amp;rollback_page=1#step-T00"' in now


def test_a_step_action_keeps_the_page_on_show(client, world):
    chain(world, 45)
    for n in range(20):
        run(world, f"S{n:02d}", "start", "complete")
    client.force_login(world.lead)
    action = reverse("web:cutover-step-action", args=["ACME", "S20", "start"])
    # The buttons of a row post with the page on show ...
    content = get(client)
    assert f'hx-post="{action}?page=2&amp;rollback_page=1"' in content
    # ... so htmx gets that page back, and a plain post comes back to it.
    content = client.post(action + "?page=1&rollback_page=1", **HTMX).content.decode()
    assert shown(content)[0] == "S00" and "S20 started." in content
    response = client.post(reverse("web:cutover-step-action", args=["ACME", "S20", "complete"]) + "?page=2")
    assert response.status_code == 302 and response["Location"] == f"{BOARD}?page=2"


def test_the_rollback_plan_has_its_own_pages(client, world):
    chain(world, 3, rollback=ROLLBACK_PAGE_SIZE + 2)
    client.force_login(world.customer_member)
    content = get(client)
    assert shown(content, "rollback-table") == [f"R{n:02d}" for n in range(ROLLBACK_PAGE_SIZE)]
    assert shown(content) == ["S00", "S01", "S02"]
    assert re.search(r'id="cutover-done">0 / 15<', content)
    content = get(client, data={"rollback_page": 2})
    assert shown(content, "rollback-table") == ["R10", "R11"] and shown(content) == ["S00", "S01", "S02"]


def test_dependencies_are_typed_as_refs(client, world):
    chain(world, 3)
    client.force_login(world.consultant)
    content = get(client)
    # A text box, not a list of every step of the runbook.
    assert re.search(r'<input type="text" name="depends_on"', content)
    url = reverse("web:cutover-step-add", args=["ACME"])
    data = {"ref": "S99", "title": "Announce", "planned_minutes": "15", "depends_on": "S01, S02 S01"}
    assert client.post(url, data).status_code == 302
    assert RunbookStep.objects.get(ref="S99").depends_on == ["S01", "S02"]
    response = client.post(url, {**data, "ref": "S98", "depends_on": "S01, NOPE"})
    assert response.status_code == 400 and "NOPE is not one of the available choices" in response.content.decode()
    assert not RunbookStep.objects.filter(ref="S98").exists()  # nothing half-written
