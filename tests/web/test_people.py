"""The resident list and page: search, filters, keyset pages, masking, reveal, and 404s."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cogov.core.models import AuditLog
from cogov.people.models import Person
from cogov.people.views import lists

pytestmark = pytest.mark.django_db

LIST = "/people/"


def test_list_shows_masked_numbers_only(world, client_for):
    response = client_for("community_worker").get(LIST)
    body = response.content.decode()
    person = world.people["G11-1-101-户主"]
    assert response.status_code == 200
    assert person.masked_id_number in body and person.masked_phone in body
    assert person.id_number not in body and person.phone not in body
    assert {p.grid_id for p in response.context["people"]} == {world.G11.pk, world.G12.pk}
    assert len(response.context["people"]) == 8


def test_list_search_in_chinese(world, client_for):
    person = world.people["G11-1-101-户主"]
    Person.objects.filter(pk=person.pk).update(
        name="张三丰", search_text="张三丰 张三 三丰 幸福一网格1号楼"
    )
    response = client_for("community_worker").get(LIST, {"q": "张三"})
    assert [p.name for p in response.context["people"]] == ["张三丰"]
    assert client_for("community_worker_c2").get(LIST, {"q": "张三"}).context["people"] == []


def test_list_filters_by_grid_and_tag(world, client_for):
    client = client_for("community_worker")
    by_grid = client.get(LIST, {"grid": str(world.G12.uuid)}).context["people"]
    assert {p.grid_id for p in by_grid} == {world.G12.pk} and len(by_grid) == 4
    # A grid outside the user's reach gives nothing, not an error.
    assert client.get(LIST, {"grid": str(world.G21.uuid)}).context["people"] == []
    assert client.get(LIST, {"grid": "not-a-uuid"}).context["people"] == []
    tagged = world.people["G12-1-102-户主"]
    tagged.tags = ["elderly_alone"]
    tagged.save()
    assert client.get(LIST, {"tag": "elderly_alone"}).context["people"] == [tagged]


def test_keyset_pages(world, client_for, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_SIZE", 3)
    client = client_for("community_worker")
    seen = []
    response = client.get(LIST)
    while True:
        seen.extend(p.pk for p in response.context["people"])
        if not response.context["has_next"]:
            break
        response = client.get(LIST + "?" + response.context["next_query"])
    assert seen == sorted(
        Person.objects.filter(grid__in=[world.G11, world.G12]).values_list("pk", flat=True)
    )
    assert len(seen) == 8


def _add_people(world, n):
    Person.objects.bulk_create(
        Person(
            name=f"新居民{i}",
            grid=world.G11,
            household=world.households["G11-1-101"],
            tags=["veteran"],
            phone=f"1370000{i:04d}",
        )
        for i in range(n)
    )


def test_list_query_count_does_not_grow_with_rows(world, client_for):
    client = client_for("community_worker")
    client.get(LIST)  # warm up session and content types
    with CaptureQueriesContext(connection) as small:
        response = client.get(LIST, {"grid": str(world.G11.uuid)})
    assert len(response.context["people"]) == 4
    _add_people(world, 46)
    with CaptureQueriesContext(connection) as big:
        response = client.get(LIST, {"grid": str(world.G11.uuid)})
    assert len(response.context["people"]) == 50
    assert len(big) == len(small), [q["sql"] for q in big.captured_queries]


def test_list_query_count_is_pinned(world, client_for, django_assert_max_num_queries):
    client = client_for("community_worker")
    client.get(LIST)
    _add_people(world, 50)
    # session, user, memberships (reach), person of the user (reach), grid choices, the page,
    # the unread count, and the layout's calendar warning (two policy look-ups)
    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    assert len(response.context["people"]) == 50


@pytest.mark.parametrize("persona", ["resident", "org_staff", "outsider", "evaluator", "volunteer"])
def test_list_is_404_without_people_capability(client_for, persona):
    assert client_for(persona).get(LIST).status_code == 404


@pytest.mark.parametrize(
    ("persona", "person", "status"),
    [
        ("community_worker", "G11-1-101-户主", 200),
        ("community_worker_c2", "G11-1-101-户主", 404),  # another community
        ("grid_worker", "G12-1-101-户主", 404),  # another grid
        ("grid_worker", "G11-1-102-配偶", 200),
        ("resident", "G11-1-101-配偶", 200),  # own household
        ("resident", "G11-1-102-户主", 404),
        ("street_official_s2", "G11-1-101-户主", 404),
        ("outsider", "G11-1-101-户主", 404),
    ],
)
def test_person_page_visibility(world, client_for, persona, person, status):
    url = reverse("people:person-detail", args=[world.people[person].uuid])
    assert client_for(persona).get(url).status_code == status


def test_person_page_masks_and_lists_household(world, client_for):
    person = world.people["G11-1-101-户主"]
    response = client_for("community_worker").get(
        reverse("people:person-detail", args=[person.uuid])
    )
    body = response.content.decode()
    assert (
        person.masked_id_number in body
        and person.id_number not in body
        and person.phone not in body
    )
    assert [m.name for m in response.context["members"]] == ["居民01", "居民02"]
    assert 'data-testid="reveal"' in body


def test_reveal_shows_numbers_and_is_logged(world, client_for):
    person = world.people["G11-1-101-户主"]
    url = reverse("people:person-reveal", args=[person.uuid])
    client = client_for("community_worker")
    assert client.get(url).status_code == 405
    response = client.post(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert person.id_number in body and person.phone in body
    assert "<html" not in body  # an htmx fragment
    assert AuditLog.objects.filter(action="pii.reveal").count() == 1
    # Without htmx the whole page comes back with the numbers in it.
    page = client.post(url)
    assert (
        page.status_code == 200
        and b"<html" in page.content
        and person.id_number.encode() in page.content
    )


def test_reveal_denied_for_roles_without_it(world, client_for):
    person = world.people["G11-1-101-户主"]
    url = reverse("people:person-reveal", args=[person.uuid])
    # A street official sees the resident (masked) but may not reveal: 403, and nothing logged.
    assert (
        client_for("street_official")
        .get(reverse("people:person-detail", args=[person.uuid]))
        .status_code
        == 200
    )
    assert client_for("street_official").post(url).status_code == 403
    # Outside the reach, the resident does not exist.
    assert client_for("community_worker_c2").post(url).status_code == 404
    assert not AuditLog.objects.filter(action="pii.reveal").exists()
    body = (
        client_for("street_official")
        .get(reverse("people:person-detail", args=[person.uuid]))
        .content
    )
    assert b'data-testid="reveal"' not in body
