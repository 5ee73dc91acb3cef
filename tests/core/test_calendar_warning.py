"""{% calendar_warning %}: shown to staff while this or next year's schedule is weekends-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.utils import timezone, translation

from cogov.core.actions import set_policy
from cogov.core.templatetags import cogov_core

TEMPLATE = Template("{% load cogov_core %}{% calendar_warning %}")


def render(user) -> str:
    with translation.override("en"):
        return TEMPLATE.render(Context({"user": user}))


@pytest.fixture
def in_2026(monkeypatch):
    """Today is in 2026: the library knows 2026, not 2027."""
    monkeypatch.setattr(cogov_core, "_today", lambda: dt.date(2026, 11, 22))


def test_warns_staff_when_next_year_is_unknown(world, in_2026):
    html = render(world.community_worker)
    assert 'data-testid="calendar-warning"' in html
    assert "2027" in html and "2026" not in html
    assert "calendar.holidays" in html
    assert "/admin/core/policy/add/" not in html  # only administrators get the link


def test_administrators_get_a_link_to_enter_the_schedule(world, in_2026):
    html = render(world.admin)
    assert "/admin/core/policy/add/?kind=calendar.holidays" in html


def test_no_warning_for_residents_or_anonymous_visitors(world, in_2026):
    assert render(world.resident).strip() == ""
    assert render(AnonymousUser()).strip() == ""


def test_no_warning_once_the_schedule_is_entered(world, in_2026):
    value = {"years": {"2027": {"holidays": ["2027-01-01"], "workdays": []}}}
    set_policy(
        actor=world.admin,
        kind="calendar.holidays",
        node=None,
        value=value,
        effective_from=timezone.localdate(),
    )
    assert render(world.community_worker).strip() == ""


def test_no_warning_when_the_library_knows_both_years(world, monkeypatch):
    monkeypatch.setattr(cogov_core, "_today", lambda: dt.date(2025, 6, 1))
    assert render(world.community_worker).strip() == ""


def test_msgids_are_english_and_translatable(world, in_2026):
    html = render(world.street_official)
    assert "working-day deadlines count weekends only" in html
    assert "State Council" in html
