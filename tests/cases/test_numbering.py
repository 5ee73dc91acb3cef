"""Case numbers: one increasing sequence per year, unique under concurrent intakes, the year's
counter row locked only while a number is taken (not until the intake commits)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from cogov.cases.actions.common import _next_number
from cogov.cases.models import Case, CaseNumber, Category

from .factories import report


def _shipped_categories() -> None:
    """Transactional tests flush the database, data migrations included: put the shipped
    category tree back when an earlier one took it away."""
    if not Category.objects.filter(code="0101").exists():
        from importlib import import_module

        from django.apps import apps

        import_module("cogov.cases.migrations.0002_default_categories").forwards(apps, None)


@pytest.mark.django_db
def test_numbers_follow_each_other_within_the_year(world: Any) -> None:
    _shipped_categories()
    year = timezone.localdate().year
    first, second = report(world), report(world, x=0.6)
    assert first.number == f"G{year}-000001"
    assert second.number == f"G{year}-000002"
    assert _next_number(2031) == "G2031-000001"  # another year starts its own sequence
    assert CaseNumber.objects.get(prefix="G", year=year).last == 2


@pytest.mark.django_db(transaction=True)
def test_an_open_intake_does_not_hold_up_the_next_ones(world: Any, monkeypatch: Any) -> None:
    """Intake A stops inside its transaction (after taking its number); intakes B… still get
    their numbers and commit. When the counter row stayed locked until A committed, they waited
    (every intake of the platform in single file: bench/b_intake.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is one connection")
    _shipped_categories()
    from cogov.cases import deadlines

    original = deadlines.schedule_stage
    inside, release = threading.Event(), threading.Event()

    def stalled(case: Any, stage: str, now: Any) -> Any:
        if threading.current_thread().name == "A" and stage == "verify":
            inside.set()
            release.wait(30)
        return original(case, stage, now)

    monkeypatch.setattr(deadlines, "schedule_stage", stalled)
    numbers: dict[str, str] = {}
    lock = threading.Lock()

    def intake(name: str, x: float) -> None:
        try:
            case = report(world, x=x)
            with lock:
                numbers[name] = case.number
        finally:
            connections.close_all()

    a = threading.Thread(target=intake, args=("A", 0.2), name="A")
    a.start()
    try:
        assert inside.wait(30), "intake A did not reach its transaction"
        others = [
            threading.Thread(target=intake, args=(f"B{i}", 0.3 + i * 0.1), name=f"B{i}")
            for i in range(5)
        ]
        for t in others:
            t.start()
        for t in others:
            t.join(30)
        assert sorted(numbers) == ["B0", "B1", "B2", "B3", "B4"]  # done while A is open
    finally:
        release.set()
        a.join(30)
    assert len(numbers) == 6 and len(set(numbers.values())) == 6
    year = timezone.localdate().year
    assert numbers["A"] == f"G{year}-000001"  # A numbered first, committed last
    assert Case.objects.filter(number__in=numbers.values()).count() == 6
