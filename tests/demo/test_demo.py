"""The demo district: codes, geometry, people, accounts and determinism, on the tiny scale."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from cogov.accounts.models import User
from cogov.accounts.roles import ROLES
from cogov.accounts.scopes import reach
from cogov.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, database_is_empty
from cogov.demo.builder import Report, build
from cogov.demo.digest import database_digest
from cogov.demo.writers import DigestWriter
from cogov.lib import idnumber
from cogov.organizations.models import Organization, OrgKind
from cogov.people.models import Ownership, PartyMember, Person, Verification
from cogov.people.search import index_text
from cogov.territory.models import Building, Household, Level, Node, PropertyUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(db: Any) -> Report:
    return build("tiny", seed=3)


def test_tiny_has_the_announced_size(tiny: Report) -> None:
    assert Node.objects.filter(level=Level.DISTRICT).count() == 1
    assert Node.objects.filter(level=Level.STREET).count() == 1
    assert Node.objects.filter(level=Level.COMMUNITY).count() == 2
    assert Node.objects.filter(level=Level.GRID).count() == 4
    assert 30 <= Household.objects.count() <= 60
    assert Person.objects.count() >= Household.objects.count()


def test_codes_follow_the_formats_and_paths_follow_the_tree(tiny: Report) -> None:
    nodes = {n.pk: n for n in Node.objects.all()}
    length = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}
    parent_level = {
        Level.STREET: Level.DISTRICT,
        Level.COMMUNITY: Level.STREET,
        Level.GRID: Level.COMMUNITY,
    }
    for node in nodes.values():
        assert node.code.isdigit() and len(node.code) == length[node.level], node.code
        if node.level == Level.DISTRICT:
            assert node.code == "440111" and node.parent_id is None and node.path == f"/{node.pk}/"
        else:
            parent = nodes[node.parent_id]
            assert parent.level == parent_level[node.level]
            assert node.code.startswith(parent.code)
            assert node.path == f"{parent.path}{node.pk}/"
    assert len({n.code for n in nodes.values()}) == len(nodes)
    district = Node.objects.get(code="440111")
    assert Node.objects.within(district).count() == len(nodes)


def _children_tile(parent: Node, children: list[Node]) -> None:
    outline = shape(parent.geometry)
    polygons = [shape(c.geometry) for c in children]
    assert outline.is_valid
    for child, polygon in zip(children, polygons, strict=True):
        assert polygon.is_valid, child.code
        assert outline.covers(polygon), f"{child.code} sticks out of {parent.code}"
    assert abs(unary_union(polygons).area - outline.area) < 1e-9
    assert abs(sum(p.area for p in polygons) - outline.area) < 1e-9  # so no overlaps
    for i, a in enumerate(polygons):
        for b in polygons[i + 1 :]:
            assert a.intersection(b).area < 1e-12


def test_every_level_tiles_its_parent(tiny: Report) -> None:
    children = defaultdict(list)
    for node in Node.objects.all():
        children[node.parent_id].append(node)
    parents = [n for n in Node.objects.all() if n.level != Level.GRID]
    assert parents
    for parent in parents:
        _children_tile(parent, children[parent.pk])
    # Neighbouring grids share an edge, not just a corner.
    grids = [shape(g.geometry) for g in Node.objects.filter(level=Level.GRID)]
    assert any(a.intersection(b).length > 0 for a in grids for b in grids if a is not b)


def test_buildings_stand_inside_their_grid(tiny: Report) -> None:
    grids = {g.pk: shape(g.geometry) for g in Node.objects.filter(level=Level.GRID)}
    buildings = list(Building.objects.all())
    assert buildings
    for b in buildings:
        assert grids[b.grid_id].contains(Point(b.lon, b.lat)), b.code


def test_residents_are_consistent(tiny: Report) -> None:
    people = list(Person.objects.select_related("household__building"))
    today = dt.date(2026, 1, 1)
    for p in people:
        assert idnumber.validate(p.id_number) is None
        assert p.id_number.startswith("440111")
        assert idnumber.gender(p.id_number) == p.gender
        assert idnumber.birth_date(p.id_number) == p.birth_date
        assert 0 <= (today - p.birth_date).days // 365 <= 100
        assert p.grid_id == p.household.building.grid_id
        assert p.search_text == index_text([p.name, p.household.building.name, p.household.door])
        assert 2 <= len(p.name) <= 4
    heads = [p for p in people if p.relation == "户主"]
    assert len(heads) == Household.objects.count()
    assert any(p.tags for p in people)
    assert any(p.phone for p in people)


def test_units_owners_and_party(tiny: Report) -> None:
    unsold = PropertyUnit.objects.filter(unsold=True)
    assert unsold.exists()
    assert not Ownership.objects.filter(unit__in=unsold).exists()
    assert PropertyUnit.objects.filter(unsold=False, ownerships__isnull=False).exists()
    assert all(u.exclusive_area > 0 for u in PropertyUnit.objects.all())
    for community in Node.objects.filter(level=Level.COMMUNITY):
        orgs = Organization.objects.filter(node=community)
        kinds = set(orgs.values_list("kind", flat=True))
        assert {
            OrgKind.PARTY_COMMITTEE,
            OrgKind.PARTY_BRANCH,
            OrgKind.PARTY_GROUP,
            OrgKind.RESIDENTS_COMMITTEE,
            OrgKind.PROPERTY_COMPANY,
            OrgKind.OWNERS_COMMITTEE,
            OrgKind.SOCIAL_ORG,
            OrgKind.CO_CONSTRUCTION_UNIT,
            OrgKind.VOLUNTEER_TEAM,
        } <= kinds
        for org in orgs.filter(parent__isnull=False).select_related("parent"):
            assert org.path == f"{org.parent.path}{org.pk}/"
    assert Organization.objects.filter(kind=OrgKind.DEPARTMENT).count() >= 5
    assert Organization.objects.filter(kind=OrgKind.STREET_OFFICE).exists()
    for member in PartyMember.objects.select_related("branch", "person"):
        assert member.branch.kind == OrgKind.PARTY_BRANCH
        assert member.joined_on and member.joined_on > member.person.birth_date


def test_every_role_has_a_demo_account_that_logs_in(tiny: Report) -> None:
    assert {a.role for a in DEMO_ACCOUNTS} == set(ROLES)
    for account in DEMO_ACCOUNTS:
        assert Client().login(username=account.username, password=DEMO_PASSWORD), account.username
        user = User.objects.get(username=account.username)
        r = reach(user)
        assert account.role in r.roles
        assert r.everything or r.node_paths or r.organization_ids
        if ROLES[account.role].scope == "organization":
            assert Organization.objects.visible_to(user).exists(), account.username
        else:
            assert Node.objects.visible_to(user).exists(), account.username
    for key in ("resident", "owner"):
        user = User.objects.get(username=f"demo-{key}")
        person = Person.objects.get(user=user)
        assert reach(user).household_ids
        assert Household.objects.visible_to(user).filter(pk=person.household_id).exists()
        assert Verification.objects.filter(user=user, status="confirmed", person=person).exists()
    owner = Person.objects.get(user__username="demo-owner")
    assert owner.ownerships.filter(unit__household=owner.household).exists()
    assert not Person.objects.get(user__username="demo-resident").ownerships.exists()
    assert PartyMember.objects.filter(person__user__username="demo-party-member").exists()


def test_same_seed_same_district(tiny: Report) -> None:
    # What the database holds is exactly what was generated…
    assert database_digest(since=tiny.first_ids, until=tiny.end_ids) == tiny.digest
    # …and generating again from the same seed gives the same rows; another seed does not.
    again = build("tiny", seed=3, writer=DigestWriter(), start_ids=tiny.first_ids)
    other = build("tiny", seed=4, writer=DigestWriter(), start_ids=tiny.first_ids)
    assert again.digest == tiny.digest
    assert other.digest != tiny.digest


def test_command_refuses_a_non_empty_database(db: Any) -> None:
    assert database_is_empty()
    User.objects.create_user("someone", password="x")
    assert not database_is_empty()
    with pytest.raises(CommandError):
        call_command("demo", "--scale", "tiny", "--no-progress", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--scale", "tiny", "--force", "--no-progress", stdout=out)
    assert "demo-community-worker" in out.getvalue()
    assert Node.objects.filter(code="440111").exists()
    # The generator sets ids itself; the sequences must have moved past them (PostgreSQL).
    User.objects.create_user("after-the-demo", password="x")
    Node.objects.create(level=Level.DISTRICT, code="440112", name="E区")


@pytest.mark.slow
def test_small_scale(db: Any) -> None:
    report = build("small", seed=1)
    assert Node.objects.filter(level=Level.STREET).count() == 2
    assert Node.objects.filter(level=Level.COMMUNITY).count() == 6
    assert Node.objects.filter(level=Level.GRID).count() == 60
    assert 5000 <= report.counts["households"] <= 7000
    assert database_digest(since=report.first_ids, until=report.end_ids) == report.digest


def test_city_scale_lays_out_ten_districts_with_unique_codes() -> None:
    from cogov.demo.context import Context, Ids
    from cogov.demo.scales import SCALES
    from cogov.demo.tables import NODE, TABLES
    from cogov.demo.territory import build_nodes

    class Keep(DigestWriter):
        def __init__(self) -> None:
            super().__init__(digest=False)
            self.nodes: list[tuple[Any, ...]] = []

        def add(self, table: Any, row: tuple[Any, ...]) -> None:
            self.nodes.append(row)

    writer = Keep()
    ctx = Context(1, SCALES["city"], writer, Ids({t.name: 1 for t in TABLES}), "")
    districts = build_nodes(ctx)
    codes = [row[NODE.columns.index("code")] for row in writer.nodes]
    assert len(districts) == 10 and len({d.code for d in districts}) == 10
    assert len(codes) == len(set(codes)) == 10 * (1 + 10 + 100 + 1600)
    # The districts tile the city: no overlaps.
    level, geometry = NODE.columns.index("level"), NODE.columns.index("geometry")
    district_shapes = [shape(row[geometry]) for row in writer.nodes if row[level] == "district"]
    union = unary_union(district_shapes)
    assert abs(union.area - sum(s.area for s in district_shapes)) < 1e-9


def test_credit_codes_are_well_formed(tiny: Report) -> None:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    codes = list(Organization.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    assert codes
    for code in codes:
        assert len(code) == 18 and code[2:8] == "440111"
        total = sum(chars.index(c) * w for c, w in zip(code[:17], weights, strict=True))
        assert code[17] == chars[(31 - total % 31) % 31], code
