"""The page that drafts and opens votes, the list per community, the navigation entries, the
results partial through the selectors, and the admin (read-only, nothing deletable)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import timezone

from cogov.accounts.models import User
from cogov.voting import selectors
from cogov.voting.models import Vote

from .conftest import make_estate

pytestmark = pytest.mark.django_db


def _form(world: Any, **kw: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data = {
        "community": world.nodes["C1"].pk,
        "title": "小区议事",
        "questions": "是否更换电梯",
        "ballot_kind": "yes_no",
        "electorate": "residents",
        "matter": "ordinary",
        "mode": "written",
        "secret": "on",
        "opens_at": (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "open_now": "on",
    }
    data.update(kw)
    return data


def test_only_organisers_get_the_page(world: Any, client_for: Any) -> None:
    assert client_for("community_worker").get("/voting/new/").status_code == 200
    for persona in ("resident", "owner", "street_official", "grid_worker", "outsider"):
        assert client_for(persona).get("/voting/new/").status_code == 404, persona
        assert client_for(persona).post("/voting/new/", _form(world)).status_code == 404
    assert Vote.objects.count() == 0


def test_two_questions_make_two_open_votes(world: Any, client_for: Any) -> None:
    staff = client_for("community_worker")
    response = staff.post("/voting/new/", _form(world, questions="换电梯\n修路面"))
    assert response.status_code == 302
    votes = list(Vote.objects.order_by("pk"))
    assert [v.status for v in votes] == ["open", "open"]
    assert "换电梯" in votes[0].title and "修路面" in votes[1].title
    assert votes[0].rule == "residents_meeting" and votes[0].secret
    listing = staff.get(response["Location"]).content.decode()
    assert listing.count('data-testid="community-votes"') == 1 and "修路面" in listing


def test_owners_vote_keeps_the_major_matter_and_a_written_vote_needs_an_end(
    world: Any, client_for: Any
) -> None:
    staff = client_for("admin")
    estate = make_estate(world, ["80", "120"])
    data = _form(world, community=estate.community.pk, electorate="owners", matter="major")
    bad = staff.post("/voting/new/", {**data, "closes_at": ""})
    assert bad.status_code == 200 and 'data-field="closes_at"' in bad.content.decode()
    assert not Vote.objects.exists()
    assert staff.post("/voting/new/", data).status_code == 302
    vote = Vote.objects.get()
    assert (vote.rule, vote.matter, vote.status) == ("owners_joint", "major", "open")
    assert vote.entitled_heads == 2
    # matter is the owners' distinction: other electorates are always ordinary
    staff.post("/voting/new/", _form(world, matter="major", questions="另一事项"))
    assert Vote.objects.get(electorate="residents").matter == "ordinary"


def test_an_action_error_shows_on_the_form_and_nothing_is_kept(world: Any, client_for: Any) -> None:
    staff = client_for("community_worker")
    response = staff.post(
        "/voting/new/", _form(world, ballot_kind="single", options="只有一个", questions="甲\n乙")
    )
    assert response.status_code == 200
    assert not Vote.objects.exists()


def test_list_per_community(world: Any, client_for: Any) -> None:
    staff = client_for("admin")
    staff.post("/voting/new/", _form(world, title="一社区事项"))
    staff.post("/voting/new/", _form(world, title="二社区事项", community=world.nodes["C2"].pk))
    page = staff.get("/voting/").content.decode()
    assert page.count('data-testid="community-votes"') == 2
    one = staff.get(f"/voting/?community={world.nodes['C1'].uuid}").content.decode()
    assert "一社区事项" in one and "二社区事项" not in one
    # a resident of C1 sees C1's votes only, and no "New vote"
    mine = client_for("resident").get("/voting/").content.decode()
    assert "一社区事项" in mine and "二社区事项" not in mine and "new-vote" not in mine


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("resident", True), ("community_worker", True), ("outsider", False)],
)
def test_navigation_entries(world: Any, client_for: Any, persona: str, expected: bool) -> None:
    keys = [item["key"] for item in client_for(persona).get("/").context["nav"]]
    assert ("voting" in keys) is expected
    assert ("deliberation" in keys) is expected


def test_selectors(world: Any, client_for: Any) -> None:
    client_for("community_worker").post("/voting/new/", _form(world))
    vote = Vote.objects.get()
    assert selectors.vote_by_uuid(vote.uuid) == vote
    assert selectors.vote_by_uuid(str(vote.uuid)) == vote
    assert selectors.vote_by_uuid("not-a-uuid") is None
    elector = vote.electors.first()
    assert selectors.elector_for(vote, elector.key) == elector
    assert selectors.elector_for(vote, "person:0") is None
    context = selectors.results_context(vote)
    assert context["provisional"] is True
    assert {row["t"].name for row in context["thresholds"]} == {"quorum", "majority"}


def test_admin_covers_every_model_read_only(world: Any, client: Any) -> None:
    superuser = User.objects.create_superuser("root", password="pw-root-1234")
    client.force_login(superuser)
    for label in ("voting", "deliberation"):
        for model in apps.get_app_config(label).get_models():
            model_admin = admin.site._registry.get(model)
            assert model_admin is not None, model
            assert not model_admin.has_delete_permission(None), model
            url = f"/admin/{label}/{model._meta.model_name}/"
            assert client.get(url).status_code == 200, url
    for name in ("ballot", "participation", "voteevent", "elector"):
        model_admin = admin.site._registry[apps.get_model("voting", name)]
        assert not model_admin.has_add_permission(None)
        assert not model_admin.has_change_permission(None)
