"""The case page: who sees it, which steps it offers, and steps taken through it."""

from __future__ import annotations

from typing import Any

import pytest

from cogov.cases.models import Case
from cogov.cases.workflow import Status

from ..cases.factories import dispatched, replied, report
from .conftest import photo

pytestmark = pytest.mark.django_db


def steps(response: Any) -> set[str]:
    return {item["step"].key for item in response.context["forms"]}


@pytest.mark.parametrize(
    "persona", ["resident", "community_worker", "grid_worker", "street_official", "admin"]
)
def test_case_page_for_those_who_may_see_it(world: Any, client_for: Any, persona: str) -> None:
    case = report(world, x=0.5)
    assert client_for(persona).get(f"/cases/{case.uuid}/").status_code == 200


@pytest.mark.parametrize(
    "persona", ["owner", "community_worker_c2", "street_official_s2", "outsider", "org_staff"]
)
def test_case_page_is_404_for_others(world: Any, client_for: Any, persona: str) -> None:
    case = report(world, x=0.5)
    assert client_for(persona).get(f"/cases/{case.uuid}/").status_code == 404


def test_steps_offered_follow_the_table_and_the_rules(world: Any, client_for: Any) -> None:
    case = report(world, x=0.5)
    cw = client_for("community_worker").get(f"/cases/{case.uuid}/")
    assert {"verify", "void", "merge"} <= steps(cw)
    assert "sign" not in steps(cw) and "answer" not in steps(cw)  # not a consultation
    assert steps(client_for("grid_worker").get(f"/cases/{case.uuid}/")) >= {"verify", "on_spot"}
    assert steps(client_for("resident").get(f"/cases/{case.uuid}/")) == set()


def test_taking_steps_through_the_page(world: Any, client_for: Any) -> None:
    case = report(world, x=0.5)
    client = client_for("community_worker")
    assert (
        client.post(f"/cases/{case.uuid}/step/verify/", {"verify-note": "属实"}).status_code == 302
    )
    assert client.post(f"/cases/{case.uuid}/step/file/", {}).status_code == 302
    response = client.post(
        f"/cases/{case.uuid}/step/dispatch/", {"dispatch-lead": str(world.orgs["property"].uuid)}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.lead_organization == world.orgs["property"]
    page = client.get(f"/cases/{case.uuid}/").content.decode()
    assert "属实" in page  # the timeline shows the note
    # The handler signs, contacts and replies with a photo.
    staff = client_for("org_staff")
    assert "sign" in steps(staff.get(f"/cases/{case.uuid}/"))
    staff.post(f"/cases/{case.uuid}/step/sign/", {})
    staff.post(f"/cases/{case.uuid}/step/contact/", {"contact-note": "已联系"})
    reply = staff.post(
        f"/cases/{case.uuid}/step/reply/", {"reply-reply": "已清理", "reply-photos": [photo()]}
    )
    assert reply.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.attachments.filter(stage="after").count() == 1


def test_a_step_not_offered_is_404_and_changes_nothing(world: Any, client_for: Any) -> None:
    case = report(world, x=0.5)
    assert client_for("resident").post(f"/cases/{case.uuid}/step/verify/", {}).status_code == 404
    assert (
        client_for("community_worker").post(f"/cases/{case.uuid}/step/sign/", {}).status_code == 404
    )
    assert (
        client_for("community_worker").post(f"/cases/{case.uuid}/step/nope/", {}).status_code == 404
    )
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_a_refused_step_shows_the_reason(world: Any, client_for: Any) -> None:
    case = report(world, x=0.5)
    response = client_for("community_worker").post(
        f"/cases/{case.uuid}/step/void/", {"void-reason": ""}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_resident_confirms_the_result_at_the_check(world: Any, client_for: Any) -> None:
    case = replied(world, x=0.5)
    client = client_for("resident")
    page = client.get(f"/cases/{case.uuid}/")
    assert {"check_pass", "check_fail"} <= steps(page)
    assert (
        client.post(f"/cases/{case.uuid}/step/check_pass/", {"check_pass-note": "满意"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.status == Status.CHECKED


def test_staff_merge_a_duplicate(world: Any, client_for: Any) -> None:
    original = dispatched(world, x=0.5)
    duplicate = report(world, "grid_worker", x=0.5, y=0.31)
    client = client_for("community_worker")
    page = client.get(f"/cases/{duplicate.uuid}/")
    assert original.number in page.content.decode()  # offered as a possible duplicate
    response = client.post(
        f"/cases/{duplicate.uuid}/step/merge/", {"merge-into": original.number.lower()}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.VOID and duplicate.duplicate_of == original


def test_photos_are_served_only_to_those_who_see_the_case(world: Any, client_for: Any) -> None:
    client = client_for("resident")
    from ..world import point

    lon, lat = point(0.5, 0.5)
    client.post(
        "/cases/report/",
        {"category": "0101", "description": "x", "lon": lon, "lat": lat, "photos": [photo()]},
    )
    case = Case.objects.get()
    attachment = case.attachments.get()
    url = f"/cases/{case.uuid}/files/{attachment.uuid}/"
    assert client.get(url).status_code == 200
    assert client_for("community_worker").get(url).status_code == 200
    assert client_for("owner").get(url).status_code == 404
