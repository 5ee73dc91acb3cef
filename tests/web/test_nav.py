"""The navigation registry: entries per role, apps register their own, the home page's
"Report a problem" leads to the form that fits the role."""

from __future__ import annotations

from typing import Any

import pytest

from cogov.web.context_processors import NAV_ITEMS, register_nav

pytestmark = pytest.mark.django_db


def _nav(client: Any) -> list[str]:
    return [item["key"] for item in client.get("/").context["nav"]]


@pytest.mark.parametrize(
    ("persona", "has_cases"),
    [
        ("resident", True),
        ("community_worker", True),
        ("grid_worker", True),
        ("org_staff", True),
        ("outsider", False),
    ],
)
def test_cases_entry(world: Any, client_for: Any, persona: str, has_cases: bool) -> None:
    keys = _nav(client_for(persona))
    assert keys[0] == "home"
    assert ("cases" in keys) == has_cases


@pytest.mark.parametrize(
    ("persona", "href"),
    [
        ("resident", "/cases/report/"),
        ("grid_worker", "/cases/quick/"),
        ("community_worker", "/cases/hotline/"),
        ("street_official", "/cases/hotline/"),
    ],
)
def test_report_a_problem_on_the_home_page(
    world: Any, client_for: Any, persona: str, href: str
) -> None:
    client = client_for(persona)
    page = client.get("/").content.decode()
    assert 'data-testid="home-actions"' in page and f'href="{href}"' in page
    assert client.get(href).status_code == 200  # the form it leads to opens


def test_no_report_button_without_a_way_to_report(world: Any, client_for: Any) -> None:
    for persona in ("outsider", "org_staff", "evaluator"):
        assert 'data-testid="home-actions"' not in client_for(persona).get("/").content.decode()


def test_an_app_registers_an_entry_without_editing_web(world: Any, client_for: Any) -> None:
    register_nav("zz-test", "web:inbox", "Test page", lambda u, r: bool(r.household_ids), order=99)
    try:
        assert _nav(client_for("resident"))[-1] == "zz-test"
        assert "zz-test" not in _nav(client_for("community_worker"))
    finally:
        NAV_ITEMS.pop(("nav", "zz-test"))
