"""The one task interface of GoLive: background work is enqueued here, whatever runs it.

Services never call a notifier directly: they ``publish`` a domain event (ids only) or ``enqueue_on_commit``
a task, and both run only once the transaction commits, so a rolled-back write sends nothing (STYLE.md 4).
Task arguments are JSON-able ids and strings; the task loads the rows itself.

Where a task runs:

- ``GOLIVE_BROKER_URL`` set: it is sent to Celery (``golive worker`` consumes it; ``countdown`` delays it).
- no broker, and a local worker running (``golive serve``, ``golive sweep``): it goes on the in-process queue,
  served by a few daemon threads; ``countdown`` delays it on a timer heap.
- no broker and no local worker (a Django shell, the test suite): it runs at once in the caller's thread, and a
  delayed task is left to the periodic sweep, which resumes every overdue delivery from the database.

A task is a plain function registered with ``@task("app.name")``; the Celery app binds the same functions.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

REGISTRY: dict[str, Callable] = {}
DISPATCH_EVENT = "notify.dispatch_event"


def task(name: str) -> Callable[[Callable], Callable]:
    """Register ``func`` under ``name`` (also the Celery task name)."""

    def register(func: Callable) -> Callable:
        REGISTRY[name] = func
        return func

    return register


def _check_arguments(name: str, kwargs: dict) -> None:
    if name not in REGISTRY and not settings.BROKER_URL:
        raise LookupError(f"no task registered as {name!r}")
    try:
        json.dumps(kwargs)
    except TypeError as exc:  # the same arguments must survive Celery's JSON serializer
        raise TypeError(f"task {name} takes JSON arguments (ids, strings), not {exc}") from None


def enqueue(name: str, *, countdown: float = 0, **kwargs) -> None:
    """Run the task ``name`` with ``kwargs`` in the background, after ``countdown`` seconds.

    Call it outside a transaction (or through ``enqueue_on_commit``): a task may start before an open
    transaction commits and would not see its rows.
    """
    _check_arguments(name, kwargs)
    if settings.BROKER_URL:
        from golive.celery import app_for_settings

        try:
            app_for_settings().send_task(name, kwargs=kwargs, countdown=countdown or None)
        except Exception:  # the broker is down: the periodic sweep resumes what has rows; log the rest
            logger.exception("could not send task %s to the broker", name)
        return
    worker = _local_worker
    if worker is not None and worker.running:
        worker.submit(name, kwargs, countdown)
        return
    if countdown > 0:
        logger.debug("no worker: delayed task %s left to the periodic sweep", name)
        return
    run(name, kwargs)


def enqueue_on_commit(name: str, *, countdown: float = 0, **kwargs) -> None:
    """``enqueue`` once the current transaction commits (at once outside one); nothing on rollback."""
    _check_arguments(name, kwargs)
    transaction.on_commit(lambda: enqueue(name, countdown=countdown, **kwargs))


_local = threading.local()


@contextlib.contextmanager
def events_suppressed():
    """Within the block, this thread publishes no events: bulk back-fills (a Jira import) are history, not news."""
    _local.suppressed = getattr(_local, "suppressed", 0) + 1
    try:
        yield
    finally:
        _local.suppressed -= 1


# Predicates registered by the app that consumes events (notify): ``check(event=, project_id=, hints=)`` says
# whether anyone listens to the event. An event nobody listens to is not enqueued at all, which spares a go-live
# spike one background task (a broker round trip and a worker's turn) per quiet P3 or P4 issue.
_LISTENER_CHECKS: list[Callable[..., bool]] = []
# The same question asked as SQL (``sql(event=, project_id=, hints=)``, registered with the check): True or
# False when the facts at hand decide it, else a boolean SQL expression and its parameters, which a writer asks
# inside the statement it runs anyway (the issue intake on PostgreSQL) instead of the check's own query. None:
# no SQL form here; the check asks.
_LISTENER_SQL: dict[Callable[..., bool], Callable[..., bool | tuple[str, tuple] | None]] = {}


def listener_check(
    func: Callable[..., bool] | None = None, *, sql: Callable[..., bool | tuple[str, tuple] | None] | None = None
):
    """Register ``func`` as a listener check for ``publish`` (see ``_LISTENER_CHECKS``), with its SQL form
    ``sql`` if it has one (see ``_LISTENER_SQL``). A decorator, with or without arguments."""

    def register(check: Callable[..., bool]) -> Callable[..., bool]:
        if check not in _LISTENER_CHECKS:
            _LISTENER_CHECKS.append(check)
        if sql is not None:
            _LISTENER_SQL[check] = sql
        return check

    return register if func is None else register(func)


def listeners_sql(event: str, *, project_id: int, hints: dict | None = None) -> bool | tuple[str, tuple] | None:
    """Whether anyone listens to ``event``, as the registered checks' SQL forms give it: True or False when no
    query is needed, else one boolean SQL expression with its parameters, whose value the writer passes on as
    ``publish(..., listened=value)``. None when a check has no SQL form (``publish`` then asks the checks).
    With no check registered, True: as ``publish`` has it, every event is then enqueued."""
    if not _LISTENER_CHECKS:
        return True
    expressions, params = [], []
    for check in _LISTENER_CHECKS:
        form = _LISTENER_SQL.get(check)
        answer = form(event=event, project_id=project_id, hints=hints or {}) if form else None
        if answer is None:
            return None
        if answer is True:
            return True
        if answer is not False:
            expressions.append(f"({answer[0]})")
            params += answer[1]
    return (" OR ".join(expressions), tuple(params)) if expressions else False


def publish(
    event: str,
    *,
    project_id: int,
    actor_id: int | None = None,
    hints: dict | None = None,
    listened: bool | None = None,
    **ids,
) -> None:
    """Announce a domain event of a project (``issue.created``, ``phase.advanced`` ...) after commit.

    ``ids`` name the rows involved (``issue=12``); the notify app's dispatch task loads them, renders the webhook
    payloads and the e-mails. ``occurred_at`` is taken now, inside the transaction that caused the event.
    ``hints`` are facts the publisher already holds (``{"severity": "P3"}``) that let the listener checks decide
    without a query; they are not passed on. ``listened``: the checks' answer, already asked (``listeners_sql``).
    """
    if getattr(_local, "suppressed", 0):
        return
    if listened is None:
        listened = not _LISTENER_CHECKS or any(
            check(event=event, project_id=project_id, hints=hints or {}) for check in _LISTENER_CHECKS
        )
    if not listened:
        return
    enqueue_on_commit(
        DISPATCH_EVENT,
        event=event,
        project_id=project_id,
        actor_id=actor_id,
        occurred_at=timezone.now().isoformat(),
        ids=ids,
    )


def run(name: str, kwargs: dict) -> object:
    """Run one task in this thread; a failure is logged, never raised into the caller."""
    try:
        return REGISTRY[name](**kwargs)
    except Exception:
        logger.exception("task %s failed", name)
        return _FAILED


_FAILED = object()
# A worker thread keeps its database connection between tasks (reconnecting costs more than most tasks) and
# recycles it this often, or at once after a failed task.
CONNECTION_CHECK_SECONDS = 30.0


# ---------------------------------------------------------------------------------------------------------------
# The single-node worker: a queue in the server process


class LocalWorker:
    """Daemon threads serving an in-process queue with delayed tasks (a heap ordered by due time)."""

    def __init__(self, threads: int = 4):
        self.threads = max(1, threads)
        self._heap: list[tuple[float, int, str, dict]] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._busy = 0
        self._stopping = False
        self._workers: list[threading.Thread] = []

    @property
    def running(self) -> bool:
        return bool(self._workers) and not self._stopping

    def start(self) -> LocalWorker:
        for index in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"golive-worker-{index}", daemon=True)
            thread.start()
            self._workers.append(thread)
        return self

    def submit(self, name: str, kwargs: dict, countdown: float = 0) -> None:
        with self._condition:
            heapq.heappush(self._heap, (time.monotonic() + max(0.0, countdown), next(self._sequence), name, kwargs))
            self._condition.notify()

    def _next(self) -> tuple[str, dict] | None:
        with self._condition:
            while not self._stopping:
                if self._heap:
                    wait = self._heap[0][0] - time.monotonic()
                    if wait <= 0:
                        _due, _seq, name, kwargs = heapq.heappop(self._heap)
                        self._busy += 1
                        return name, kwargs
                    self._condition.wait(wait)
                else:
                    self._condition.wait()
            return None

    def _loop(self) -> None:
        checked = time.monotonic()
        try:
            while True:
                item = self._next()
                if item is None:
                    return
                try:
                    failed = run(*item) is _FAILED
                    if failed or time.monotonic() - checked > CONNECTION_CHECK_SECONDS:
                        (connections.close_all if failed else close_old_connections)()
                        checked = time.monotonic()
                finally:
                    with self._condition:
                        self._busy -= 1
                        self._condition.notify_all()
        finally:
            connections.close_all()

    def pending(self, *, due_within: float = 0) -> int:
        """Tasks queued (due within ``due_within`` seconds) or running."""
        with self._condition:
            horizon = time.monotonic() + due_within
            return self._busy + sum(1 for due, *_rest in self._heap if due <= horizon)

    def drain(self, timeout: float = 30, *, due_within: float = 0) -> bool:
        """Wait until no task due within ``due_within`` seconds is queued or running; False on timeout.
        Tasks delayed further (webhook retries) stay queued."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                horizon = time.monotonic() + due_within
                if self._busy == 0 and not any(due <= horizon for due, *_rest in self._heap):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(min(remaining, 0.05))

    def stop(self, timeout: float = 10) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        for thread in self._workers:
            thread.join(timeout)
        self._workers = []


_local_worker: LocalWorker | None = None
_start_lock = threading.Lock()


def start_local_worker(threads: int | None = None) -> LocalWorker:
    """Start (once per process) the in-process worker of single-node mode."""
    global _local_worker
    with _start_lock:
        if _local_worker is None or not _local_worker.running:
            count = threads or int(getattr(settings, "GOLIVE_WORKER_THREADS", 4))
            _local_worker = LocalWorker(count).start()
        return _local_worker


def stop_local_worker(timeout: float = 10) -> None:
    """Stop the in-process worker (queued tasks are dropped; the sweep resumes deliveries from the database)."""
    global _local_worker
    with _start_lock:
        worker, _local_worker = _local_worker, None
    if worker is not None:
        worker.stop(timeout)


def local_worker() -> LocalWorker | None:
    return _local_worker
