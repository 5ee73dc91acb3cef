"""Following a case: the resident report form's "Follow this case" posts the follow action;
followers are told when the reporter is (replied, closed, reopened); a merge carries the
duplicate's reporter and followers over to the original."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from cogov.cases import actions
from cogov.cases.models import Case, CaseFollower
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import Notification

from ..cases.factories import dispatched, replied, report
from ..world import point

pytestmark = pytest.mark.django_db


def _kinds(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_follow_from_the_report_form(world: Any, client_for: Any) -> None:
    existing = report(world, "grid_worker", x=0.5, y=0.3)
    client = client_for("owner")  # a resident of C1 who did not report it
    lon, lat = point(0.5, 0.301)
    body = client.post(
        "/cases/report/duplicates/", {"category": "0101", "lon": lon, "lat": lat}
    ).content.decode()
    assert f'formaction="/cases/{existing.uuid}/follow/"' in body
    # The button posts the report form (with its other fields) to the follow action.
    response = client.post(
        f"/cases/{existing.uuid}/follow/", {"do": "follow", "category": "0101", "description": ""}
    )
    assert response.status_code == 302
    assert CaseFollower.objects.filter(case=existing, user=world.users["owner"]).exists()
    assert Case.objects.count() == 1  # no new report
    page = client.get(f"/cases/{existing.uuid}/follow/").content.decode()
    assert 'data-testid="following"' in page
    client.post(f"/cases/{existing.uuid}/follow/", {"do": "unfollow"})
    assert not CaseFollower.objects.filter(case=existing).exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("owner", True),  # resident of C1
        ("volunteer", False),  # a role in C1 but no household there
        ("community_worker", True),  # sees the case
        ("community_worker_c2", False),
        ("outsider", False),
    ],
)
def test_who_may_follow(world: Any, client_for: Any, persona: str, allowed: bool) -> None:
    case = report(world, "grid_worker", x=0.5)
    response = client_for(persona).post(f"/cases/{case.uuid}/follow/", {"do": "follow"})
    assert response.status_code == (302 if allowed else 404)
    assert CaseFollower.objects.filter(case=case).exists() == allowed


def test_following_is_unique_and_only_open_originals(world: Any) -> None:
    case = report(world, "grid_worker", x=0.5)
    owner = world.users["owner"]
    actions.follow_case(actor=owner, case=case)
    actions.follow_case(actor=owner, case=case)
    assert CaseFollower.objects.filter(case=case).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFollower.objects.create(case=case, user=owner)
    actions.void_case(actor=world.users["community_worker"], case=case, reason="不属实")
    with pytest.raises(ActionError):
        actions.follow_case(actor=world.users["resident"], case=case)
    with pytest.raises(NotAllowed):
        actions.follow_case(actor=world.users["outsider"], case=report(world, x=0.5))


def test_followers_are_told_when_the_reporter_is(world: Any) -> None:
    case = dispatched(world, x=0.5)  # reported by the resident
    owner = world.users["owner"]
    actions.follow_case(actor=owner, case=case)
    staff, cw = world.users["org_staff"], world.users["community_worker"]
    actions.sign_case(actor=staff, case=case)
    actions.contact_requester(actor=staff, case=case)
    actions.reply_case(actor=staff, case=case, reply="已清理")
    assert "cases.replied" in _kinds(owner)
    follower_note = Notification.objects.get(recipient=owner, kind="cases.replied")
    assert follower_note.url == f"/cases/{case.uuid}/follow/"
    assert "check" not in follower_note.title  # followers are asked to do nothing
    actions.check_case(actor=world.users["resident"], case=case, passed=True)
    actions.revisit_case(actor=cw, case=case, resolution="resolved", satisfaction="satisfied")
    actions.close_case(actor=cw, case=case)
    assert "cases.closed" in _kinds(owner)
    actions.reopen_case(actor=cw, case=case, reason="又堆起来了")
    assert "cases.reopened" in _kinds(owner)
    assert "cases.reopened" in _kinds(world.users["resident"])  # and the reporter
    # Unfollowed: told nothing more.
    actions.unfollow_case(actor=owner, case=case)
    before = Notification.objects.filter(recipient=owner).count()
    actions.reply_case(actor=staff, case=case, reply="再次清理")
    assert Notification.objects.filter(recipient=owner).count() == before


def test_merge_keeps_both_reporters_and_followers_informed(world: Any) -> None:
    original = replied(world, persona="grid_worker", x=0.5)
    actions.check_case(actor=world.users["grid_worker"], case=original, passed=False, note="未清完")
    duplicate = report(world, "resident", x=0.5, y=0.31)
    owner = world.users["owner"]
    actions.follow_case(actor=owner, case=duplicate)
    actions.merge_duplicate(actor=world.users["community_worker"], case=duplicate, into=original)
    resident = world.users["resident"]
    assert Notification.objects.filter(recipient=resident, title__contains="merged").exists()
    assert Notification.objects.filter(recipient=owner, title__contains="merged").exists()
    followers = set(CaseFollower.objects.filter(case=original).values_list("user_id", flat=True))
    assert followers == {resident.pk, owner.pk}
    actions.reply_case(actor=world.users["org_staff"], case=original, reply="已清理")
    assert "cases.replied" in _kinds(resident) and "cases.replied" in _kinds(owner)
