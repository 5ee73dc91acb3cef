"""Deadlines: the sweep marks each breach once and runs its handler once, even on several
workers; `cogov worker --once`; the de-duplicated sweep scheduling."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from cogov.accounts.models import User
from cogov.core import deadlines
from cogov.core.calendar import Due
from cogov.core.models import Deadline

KIND = "tests.core.reply"


@pytest.fixture
def calls(monkeypatch):
    """Register a breach handler for KIND that records the deadlines it was called with."""
    seen: Counter[int] = Counter()
    lock = threading.Lock()

    def handler(deadline: Deadline) -> None:
        time.sleep(0.002)  # widen the window in which a second worker could interfere
        with lock:
            seen[deadline.pk] += 1

    monkeypatch.setitem(deadlines._HANDLERS, KIND, handler)
    return seen


def make_deadlines(n: int, *, overdue: bool = True) -> list[Deadline]:
    subject = User.objects.create_user(f"subject-{User.objects.count()}")
    when = timezone.now() + (dt.timedelta(hours=-1) if overdue else dt.timedelta(hours=1))
    return [deadlines.schedule(subject, KIND, Due(at=when, basis={"n": i})) for i in range(n)]


def test_sweep_marks_each_breach_once(db, calls):
    overdue = make_deadlines(3)
    future = make_deadlines(1, overdue=False)[0]
    assert deadlines.sweep() == 3
    assert deadlines.sweep() == 0
    assert calls == {d.pk: 1 for d in overdue}
    assert Deadline.objects.filter(breached_at__isnull=False).count() == 3
    future.refresh_from_db()
    assert future.is_open


def test_met_and_cancelled_deadlines_are_not_breached(db, calls):
    subject = User.objects.create_user("case-like")
    past = Due(at=timezone.now() - dt.timedelta(minutes=1), basis={})
    deadlines.schedule(subject, KIND, past)
    deadlines.schedule(subject, "tests.core.other", past)
    assert deadlines.meet(subject, KIND) == 1
    assert deadlines.cancel(subject, "tests.core.other") == 1
    assert deadlines.sweep() == 0
    assert calls == {}


def test_meeting_a_breached_deadline_records_it_as_met_late(db, calls):
    subject = User.objects.create_user("late")
    deadline = deadlines.schedule(
        subject, KIND, Due(at=timezone.now() - dt.timedelta(days=1), basis={})
    )
    deadlines.sweep()
    assert deadlines.meet(subject, KIND) == 1
    deadline.refresh_from_db()
    assert deadline.breached_at is not None and deadline.met_at is not None
    assert deadline.met_at > deadline.due_at
    assert deadlines.meet(subject, KIND) == 0  # once


def test_a_failing_handler_rolls_back_its_breach_and_does_not_stop_the_sweep(db, monkeypatch):
    bad, good = make_deadlines(2)
    ran: list[int] = []

    def handler(deadline: Deadline) -> None:
        if deadline.pk == bad.pk:
            raise RuntimeError("escalation target missing")
        ran.append(deadline.pk)

    monkeypatch.setitem(deadlines._HANDLERS, KIND, handler)
    assert deadlines.sweep() == 1
    assert ran == [good.pk]
    bad.refresh_from_db()
    assert bad.breached_at is None  # retried by the next sweep
    monkeypatch.setitem(deadlines._HANDLERS, KIND, lambda d: ran.append(d.pk))
    assert deadlines.sweep() == 1
    assert ran == [good.pk, bad.pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_run_each_handler_once(calls):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises all writers, so concurrent sweeps cannot race "
            "there; run with DATABASE_URL=postgres://…"
        )
    created = make_deadlines(40)
    workers = 6
    barrier = threading.Barrier(workers)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(deadlines.sweep(batch=7))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sum(results) == len(created)
    assert calls == {d.pk: 1 for d in created}
    assert Deadline.objects.filter(breached_at__isnull=True).count() == 0


def test_worker_once_runs_one_sweep(db, calls):
    make_deadlines(2)
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "2 deadline(s) breached" in out.getvalue()
    assert sum(calls.values()) == 2


@pytest.mark.parametrize("value", ["1.5", "0", "-3", "sixty", ""])
def test_worker_rejects_a_bad_sweep_interval(db, monkeypatch, value):
    monkeypatch.setenv("COGOV_SWEEP_SECONDS", value)
    with pytest.raises(CommandError, match="COGOV_SWEEP_SECONDS"):
        call_command("worker", "--once", stdout=StringIO())


def test_sweep_interval_default_and_override():
    from cogov.core.scheduler import sweep_seconds

    assert sweep_seconds({}) == 60
    assert sweep_seconds({"COGOV_SWEEP_SECONDS": "15"}) == 15


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DB_TASKS)
def test_sweep_scheduling_is_deduplicated_across_workers(db):
    from django_tasks_db.models import DBTaskResult

    from cogov.core.scheduler import enqueue_sweep_if_due

    assert enqueue_sweep_if_due(60) is True
    # A second worker ticking now, or a little later, finds a sweep waiting: nothing to do.
    assert enqueue_sweep_if_due(60) is False
    later = timezone.now() + dt.timedelta(seconds=120)
    assert enqueue_sweep_if_due(60, now=later) is False  # the first one has not run yet
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert enqueue_sweep_if_due(60) is False  # it ran, but less than a period ago
    assert enqueue_sweep_if_due(60, now=later) is True
    assert DBTaskResult.objects.count() == 2
    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == {
        "cogov.core.tasks.sweep_deadlines"
    }
