"""The demo's year of cases: every case's events replay through the transition table to its
status, the paths and the three rates have real numbers, and the same seed gives the same
cases."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cogov.cases.models import Case, CaseEvent, Whistle, WhistleReport
from cogov.cases.workflow import STEPS
from cogov.core.models import Deadline
from cogov.demo.activity_cases import VOLUME
from cogov.demo.builder import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(db: Any) -> Any:
    return build("tiny", seed=3)


def replay(events: list[CaseEvent]) -> str:
    """The status the events lead to through workflow.STEPS, or AssertionError."""
    first, *rest = events
    assert (first.kind, first.from_status, first.to_status) == ("report", "", "reported")
    status = "reported"
    for e in rest:
        assert e.kind in STEPS, e.kind
        sources, target = STEPS[e.kind]
        assert e.from_status == status and status in sources, (e.kind, status)
        assert e.to_status == target, (e.kind, e.to_status)
        assert e.at >= first.at
        status = target
    return status


def test_every_demo_case_replays_through_the_table(tiny: Any) -> None:
    cases = {c.pk: c for c in Case.objects.all()}
    assert len(cases) == VOLUME["tiny"] == tiny.counts["cases"]
    by_case: dict[int, list[CaseEvent]] = {}
    for e in CaseEvent.objects.order_by("subject_id", "at", "pk"):
        by_case.setdefault(e.subject_id, []).append(e)
    assert set(by_case) == set(cases)
    for pk, case in cases.items():
        assert replay(by_case[pk]) == case.status, case.number
        kinds = [e.kind for e in by_case[pk]]
        if "dispatch" in kinds or "whistle" in kinds:
            assert case.dispatched_at is not None and case.reply_due_at is not None
        if case.status == "closed":
            assert case.closed_at is not None
        if case.revisit_resolution:
            assert "revisit" in kinds


def test_the_paths_are_all_there(tiny: Any) -> None:
    kinds = Counter(CaseEvent.objects.values_list("kind", flat=True))
    for kind in ("close", "revisit", "check_fail", "dispatch", "on_spot", "hang"):
        assert kinds[kind] > 0, kind
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses["closed"] > VOLUME["tiny"] / 2
    assert Case.objects.exclude(status__in=["closed", "void"]).exists()
    resolutions = Counter(
        Case.objects.exclude(revisit_resolution="").values_list("revisit_resolution", flat=True)
    )
    assert resolutions["resolved"] > resolutions["partly"]
    assert Deadline.objects.filter(kind="cases.feedback").exists()


@pytest.mark.slow
def test_small_has_whistles_with_a_no_show(db: Any) -> None:
    build("small", seed=1)
    assert Case.objects.count() == VOLUME["small"]
    assert Whistle.objects.exists()
    assert WhistleReport.objects.filter(no_show=True).exists()
    assert WhistleReport.objects.filter(reported_at__isnull=False).exists()
    assert Case.objects.filter(overdue=True).exists()
    assert Case.objects.filter(events__kind="return").exists()
    assert Case.objects.filter(events__kind="approve_postponement").exists()


def _fingerprint() -> list[tuple[Any, ...]]:
    return list(
        Case.objects.order_by("number").values_list(
            "number", "uuid", "status", "category__code", "reported_at", "revisit_resolution"
        )
    ) + list(
        CaseEvent.objects.order_by("subject__number", "at", "pk").values_list(
            "subject__number", "kind", "at"
        )
    )


def test_same_seed_same_cases(db: Any) -> None:
    from django.db import transaction

    class Rollback(Exception):
        pass

    prints = []
    for _ in range(2):
        try:
            with transaction.atomic():
                build("tiny", seed=5)
                prints.append(_fingerprint())
                raise Rollback
        except Rollback:
            pass
    assert prints[0] == prints[1] and len(prints[0]) > VOLUME["tiny"]
