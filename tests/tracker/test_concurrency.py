"""Issue numbers under concurrent creation, and breach sweeps running side by side."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from golive.accounts.models import User
from golive.audit.models import AuditEvent
from golive.lifecycle.models import Project
from golive.tracker import services
from golive.tracker.models import Issue, IssueEvent, IssueSequence
from tests.tracker.helpers import report

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and concurrent writers"
)


def _race(calls):
    """Run the callables in threads released together, each on its own connection; return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return outcomes


def _creators(world, threads: int, per_thread: int):
    user_ids = [world.lead.pk, world.customer_member.pk, world.consultant.pk, world.support.pk]
    project_id = world.project.pk

    def creator(index):
        def call():
            actor = User.objects.get(pk=user_ids[index % len(user_ids)])
            project = Project.objects.get(pk=project_id)
            return [
                services.issue_create(actor=actor, project=project, title=f"t{index}-{n}").number
                for n in range(per_thread)
            ]

        return call

    return [creator(i) for i in range(threads)]


def _check_numbers(world, outcomes, total):
    assert all(isinstance(o, list) for o in outcomes), outcomes
    handed_out = sorted(n for numbers in outcomes for n in numbers)
    assert handed_out == list(range(1, total + 1))
    stored = sorted(Issue.objects.filter(project=world.project).values_list("number", flat=True))
    assert stored == list(range(1, total + 1))
    assert IssueSequence.objects.get(project=world.project).last_number == total
    # The next one continues the sequence.
    assert report(world).number == total + 1


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_under_concurrency_postgres(world):
    _check_numbers(world, _race(_creators(world, 20, 5)), 100)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_under_concurrency_any_database(world):
    _check_numbers(world, _race(_creators(world, 4, 5)), 20)


def test_failed_creation_does_not_use_up_a_number(world):
    report(world)
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        services.issue_create(actor=world.lead, project=world.project, title="x", severity="P9")
    assert report(world).number == 2


def _report_failing(world, monkeypatch) -> None:
    """Report an issue whose writes fail after its number step (its timeline event lacks a NOT NULL value)."""
    real = services._created_rows

    def failing(issue, actor, changes):
        created, audit = real(issue, actor, changes)
        created.kind = None
        return created, audit

    with monkeypatch.context() as patched:
        patched.setattr(services, "_created_rows", failing)
        with pytest.raises(IntegrityError):
            report(world, title="lost")


def _nothing_written(world, titles: list[str]) -> None:
    assert (
        list(Issue.objects.filter(project=world.project).order_by("number").values_list("title", flat=True)) == titles
    )
    assert AuditEvent.objects.filter(action="issue.created", project=world.project).count() == len(titles)
    assert IssueEvent.objects.filter(issue__project=world.project, kind="created").count() == len(titles)
    assert IssueSequence.objects.get(project=world.project).last_number == len(titles)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_write_leaves_no_row_and_no_number_behind(world, monkeypatch):
    """As a server runs it (autocommit): the number, the issue, its event and its audit row stand or fall
    together."""
    report(world, title="first")
    _report_failing(world, monkeypatch)
    _nothing_written(world, ["first"])
    assert report(world, title="second").number == 2


def test_a_failed_write_inside_a_callers_transaction_leaves_it_usable(world, monkeypatch):
    """A caller that catches the failure in its own transaction goes on: the creation ran in a savepoint."""
    report(world, title="first")
    with transaction.atomic():
        _report_failing(world, monkeypatch)
        _nothing_written(world, ["first"])
        assert report(world, title="second").number == 2
    _nothing_written(world, ["first", "second"])


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_sweeps_flag_each_breach_once(world):
    long_ago = timezone.now() - dt.timedelta(days=30)
    issues = [report(world, severity="P1", at=long_ago, title=f"old {n}") for n in range(8)]
    as_of = timezone.now()
    outcomes = _race([lambda: services.sweep_breaches(as_of=as_of) for _ in range(4)])
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sum(o["response"] for o in outcomes) == len(issues)
    assert sum(o["resolution"] for o in outcomes) == len(issues)
    for kind in ("sla_breach_response", "sla_breach_resolution"):
        per_issue = [IssueEvent.objects.filter(issue=i, kind=kind).count() for i in issues]
        assert per_issue == [1] * len(issues)
    assert Issue.objects.filter(response_breached=True, resolution_breached=True).count() == len(issues)
