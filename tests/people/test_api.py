from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.core.models import AuditLog
from cogov.lib import idnumber
from cogov.people.models import Person, Verification, VerificationEvent
from cogov.territory.models import Household


def test_community_worker_gets_404_for_a_resident_of_another_community(
    world: Any, client_for: Any
) -> None:
    """Done means: forbidden answers exactly like missing."""
    client = client_for("community_worker")
    other = world.people["G21-1-101-户主"]  # community C2
    forbidden = client.get(f"/api/people/{other.uuid}")
    missing = client.get("/api/people/00000000-0000-4000-8000-000000000000")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert client.post(f"/api/people/{other.uuid}/reveal").status_code == 404
    # …and a resident of their own community is there.
    mine = world.people["G12-1-101-户主"]
    assert client.get(f"/api/people/{mine.uuid}").status_code == 200


def test_detail_shows_masked_numbers_only(world: Any, client_for: Any) -> None:
    p = world.people["G11-1-101-户主"]
    body = client_for("street_official").get(f"/api/people/{p.uuid}").json()
    text = str(body)
    assert p.id_number not in text and p.phone not in text
    assert body["masked_id_number"] == p.masked_id_number and body["masked_phone"] == p.masked_phone
    assert body["can_reveal"] is False


def test_list_is_scoped_and_paginated_by_keyset(world: Any, client_for: Any) -> None:
    client = client_for("community_worker")
    first = client.get("/api/people/?limit=3").json()
    assert len(first["items"]) == 3 and first["next_after"]
    seen = [i["uuid"] for i in first["items"]]
    after = first["next_after"]
    while after:
        page = client.get(f"/api/people/?limit=3&after={after}").json()
        seen += [i["uuid"] for i in page["items"]]
        after = page["next_after"]
    expected = Person.objects.filter(grid__code__startswith="440111001001").values_list(
        "uuid", flat=True
    )
    assert sorted(seen) == sorted(str(u) for u in expected)
    assert len(seen) == 8
    for item in first["items"]:
        assert "id_number" not in item and "phone" not in item


def test_list_search_in_chinese(world: Any, client_for: Any) -> None:
    p = world.people["G11-1-102-配偶"]
    Person.objects.filter(pk=p.pk).update(search_text="欧阳 明月 欧阳明月")
    items = client_for("admin").get("/api/people/", {"q": "欧阳"}).json()["items"]
    assert [i["uuid"] for i in items] == [str(p.uuid)]
    # outside the caller's scope the search finds nothing
    assert (
        client_for("community_worker_c2").get("/api/people/", {"q": "欧阳"}).json()["items"] == []
    )


def test_list_costs_a_fixed_number_of_queries(world: Any, client_for: Any) -> None:
    client = client_for("street_official")
    client.get("/api/people/?limit=1")  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/people/?limit=1").json()["items"]) == 1
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/people/?limit=50").json()["items"]) == 12
    assert len(small) == len(large)
    assert len(large) <= 6


def test_resident_lists_own_household_only(world: Any, client_for: Any) -> None:
    items = client_for("resident").get("/api/people/").json()["items"]
    hh = world.households["G11-1-101"]
    assert {i["household"]["uuid"] for i in items} == {str(hh.uuid)}
    assert len(items) == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("party_secretary", 200),
        ("community_worker", 200),
        ("grid_worker", 200),
        ("street_official", 403),  # sees residents, may not reveal
        ("resident", 403),  # sees own household, may not reveal
        ("community_worker_c2", 404),
        ("street_official_s2", 404),
        ("evaluator", 404),
        ("volunteer", 404),
        ("owner", 404),
        ("outsider", 404),
    ],
)
def test_reveal_through_the_api(world: Any, client_for: Any, persona: str, status: int) -> None:
    p = world.people["G11-1-101-配偶"]
    response = client_for(persona).post(f"/api/people/{p.uuid}/reveal")
    assert response.status_code == status
    logs = AuditLog.objects.filter(action="pii.reveal")
    if status == 200:
        assert response.json() == {"id_number": p.id_number, "phone": p.phone}
        assert logs.count() == 1
    else:
        assert p.id_number not in response.content.decode()
        assert logs.count() == 0


def _claim(client: Any, household: Household, name: str = "新住户", seq: int = 1) -> Any:
    return client.post(
        "/api/people/verifications",
        {
            "kind": "resident",
            "household": str(household.uuid),
            "claimed_name": name,
            "claimed_id_number": idnumber.make("440111", dt.date(1991, 2, 3), seq),
        },
        content_type="application/json",
    )


def test_verification_flow_through_the_api(world: Any, client_for: Any) -> None:
    claimant = client_for("outsider")
    created = _claim(claimant, world.households["G11-1-102"])
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and "×" in body["masked_claimed_id_number"]
    uuid = body["uuid"]
    # the claimant sees their claim but cannot decide it
    assert [v["uuid"] for v in claimant.get("/api/people/verifications").json()] == [uuid]
    assert (
        claimant.post(
            f"/api/people/verifications/{uuid}/confirm", {}, content_type="application/json"
        ).status_code
        == 403
    )
    # staff of another community do not see it at all
    other = client_for("community_worker_c2")
    assert other.get("/api/people/verifications").json() == []
    assert (
        other.post(
            f"/api/people/verifications/{uuid}/confirm", {}, content_type="application/json"
        ).status_code
        == 404
    )
    # staff of the grid decide it
    staff = client_for("grid_worker")
    pending = staff.get("/api/people/verifications?status=pending").json()
    assert [v["uuid"] for v in pending] == [uuid] and pending[0]["can_decide"]
    bad = staff.post(
        f"/api/people/verifications/{uuid}/reject", {"reason": ""}, content_type="application/json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()["detail"]
    done = staff.post(
        f"/api/people/verifications/{uuid}/confirm",
        {"note": "入户核实"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    again = staff.post(
        f"/api/people/verifications/{uuid}/reject", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert (
        Person.objects.get(user=world.users["outsider"]).household == world.households["G11-1-102"]
    )


def test_bad_claim_is_a_400_and_changes_nothing(world: Any, client_for: Any) -> None:
    response = client_for("outsider").post(
        "/api/people/verifications",
        {
            "kind": "resident",
            "household": str(world.households["G11-1-102"].uuid),
            "claimed_name": "某",
            "claimed_id_number": "123",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "claimed_id_number" in response.json()["detail"]
    assert Verification.objects.count() == 0 and VerificationEvent.objects.count() == 0


def test_anonymous_is_refused(world: Any) -> None:
    from django.test import Client

    assert Client().get("/api/people/").status_code == 401


def test_an_owner_living_elsewhere_sees_their_own_record(world: Any, client_for: Any) -> None:
    owner = world.people["G12-1-101-户主"]
    Person.objects.filter(pk=owner.pk).update(household=None)
    items = client_for("owner").get("/api/people/").json()["items"]
    assert str(owner.uuid) in {i["uuid"] for i in items}
    assert client_for("owner").get(f"/api/people/{owner.uuid}").status_code == 200


def test_claimant_withdraws_and_staff_cannot(world: Any, client_for: Any) -> None:
    from cogov.core.models import Deadline

    uuid = _claim(client_for("outsider"), world.households["G11-1-102"]).json()["uuid"]
    url = f"/api/people/verifications/{uuid}/withdraw"
    assert client_for("grid_worker").post(url).status_code == 403
    assert client_for("outsider").post(url).json()["status"] == "withdrawn"
    assert Deadline.objects.get(kind="accounts.verification").cancelled_at is not None
