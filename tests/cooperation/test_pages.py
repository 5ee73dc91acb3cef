"""Pages render for their audience, and a list costs the same queries whatever its length."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.cooperation import actions

pytestmark = pytest.mark.django_db


def make_needs(w, n: int) -> None:  # type: ignore[no-untyped-def]
    secretary = w.users["party_secretary"]
    for i in range(n):
        need = actions.raise_need(
            actor=secretary, community=w.nodes["C1"], title=f"需求{i}", category="culture"
        )
        actions.list_need(actor=secretary, need=need)


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/cooperation/needs/", "/api/cooperation/needs"])
def test_needs_list_query_count_is_fixed(world, client_for, url):  # type: ignore[no-untyped-def]
    client = client_for("volunteer")
    make_needs(world, 2)
    few = queries(client, url)
    make_needs(world, 6)
    assert queries(client, url) == few


@pytest.mark.parametrize(
    "path",
    [
        "",
        "needs/",
        "needs/new/",
        "resources/",
        "resources/new/",
        "projects/",
        "wishes/",
        "wishes/new/",
        "linkage/",
    ],
)
def test_pages_render_on_a_phone_layout(world, client_for, path):  # type: ignore[no-untyped-def]
    html = client_for("community_worker").get(f"/cooperation/{path}").content.decode()
    assert "<h1>" in html and 'name="viewport"' in html


def test_pages_need_login(client):  # type: ignore[no-untyped-def]
    assert client.get("/cooperation/needs/").status_code == 302
