"""A small, fixed world for tests: one district, two streets, three communities, four grids,
households and residents, organizations, and one persona per role.

    District G (440111)
      S1 Street One (440111001)
        C1 Community One (440111001001): grids G11 | G12 side by side, sharing an edge at x=1
        C2 Community Two (440111001002): grid G21
      S2 Street Two (440111002)
        C3 Community Three (440111002001): grid G31

Coordinates are in a unit square per grid, offset from (113.0, 23.0) by 0.01 per unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cogov.accounts.models import Membership, User
from cogov.lib import idnumber
from cogov.organizations.models import Organization, OrgKind
from cogov.people.models import Ownership, PartyMember, Person
from cogov.territory.models import Building, Household, Level, Node, PropertyUnit

X0, Y0, STEP = 113.0, 23.0, 0.01


def square(x: float, y: float, w: float = 1, h: float = 1) -> dict[str, Any]:
    x1, y1, x2, y2 = X0 + x * STEP, Y0 + y * STEP, X0 + (x + w) * STEP, Y0 + (y + h) * STEP
    return {"type": "Polygon", "coordinates": [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]]}


def point(x: float, y: float) -> tuple[float, float]:
    return X0 + x * STEP, Y0 + y * STEP


@dataclass
class World:
    nodes: dict[str, Node] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    units: dict[str, PropertyUnit] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        for table in ("nodes", "orgs", "users", "households", "people", "units"):
            values = self.__dict__.get(table, {})
            if name in values:
                return values[name]
        raise AttributeError(name)


PERSONAS = [
    # key, role, scope (node key or org key)
    ("admin", "admin", None),
    ("evaluator", "evaluator", "D"),
    ("street_official", "street_official", "S1"),
    ("street_official_s2", "street_official", "S2"),
    ("party_secretary", "party_secretary", "C1"),
    ("community_worker", "community_worker", "C1"),
    ("community_worker_c2", "community_worker", "C2"),
    ("grid_worker", "grid_worker", "G11"),
    ("department_staff", "department_staff", "dept"),
    ("unit_liaison", "unit_liaison", "unit"),
    ("org_staff", "org_staff", "property"),
    ("social_worker", "social_worker", "socialorg"),
    ("party_member", "party_member", "branch"),
    ("volunteer", "volunteer", "C1"),
    ("resident", "resident", "C1"),
    ("owner", "owner", "C1"),
    ("outsider", None, None),
]


def build_world() -> World:
    w = World()
    start = dt.date(2020, 1, 1)

    def node(key: str, level: str, parent: str | None, code: str, name: str, geometry: Any) -> Node:
        n = Node.objects.create(
            level=level,
            parent=w.nodes.get(parent) if parent else None,
            code=code,
            name=name,
            geometry=geometry,
            valid_from=start,
        )
        w.nodes[key] = n
        return n

    node("D", Level.DISTRICT, None, "440111", "G区", square(0, 0, 4, 2))
    node("S1", Level.STREET, "D", "440111001", "第一街道", square(0, 0, 3, 1))
    node("S2", Level.STREET, "D", "440111002", "第二街道", square(0, 1, 4, 1))
    node("C1", Level.COMMUNITY, "S1", "440111001001", "幸福社区", square(0, 0, 2, 1))
    node("C2", Level.COMMUNITY, "S1", "440111001002", "和平社区", square(2, 0, 1, 1))
    node("C3", Level.COMMUNITY, "S2", "440111002001", "光明社区", square(0, 1, 4, 1))
    node("G11", Level.GRID, "C1", "440111001001001", "幸福一网格", square(0, 0))
    node("G12", Level.GRID, "C1", "440111001001002", "幸福二网格", square(1, 0))
    node("G21", Level.GRID, "C2", "440111001002001", "和平一网格", square(2, 0))
    node("G31", Level.GRID, "C3", "440111002001001", "光明一网格", square(0, 1, 4, 1))

    def org(key: str, kind: str, name: str, at: str, parent: str | None = None) -> Organization:
        o = Organization.objects.create(
            kind=kind, name=name, node=w.nodes[at], parent=w.orgs.get(parent) if parent else None
        )
        w.orgs[key] = o
        return o

    org("committee", OrgKind.PARTY_COMMITTEE, "幸福社区党委", "C1")
    org("branch", OrgKind.PARTY_BRANCH, "幸福社区第一党支部", "C1", parent="committee")
    org("group", OrgKind.PARTY_GROUP, "第一党小组", "C1", parent="branch")
    org("committee_c2", OrgKind.PARTY_COMMITTEE, "和平社区党委", "C2")
    org("rc", OrgKind.RESIDENTS_COMMITTEE, "幸福社区居民委员会", "C1")
    org("property", OrgKind.PROPERTY_COMPANY, "安居物业管理有限公司", "C1")
    org("owners", OrgKind.OWNERS_COMMITTEE, "幸福花园业主委员会", "C1")
    org("socialorg", OrgKind.SOCIAL_ORG, "阳光社工服务中心", "C1")
    org("unit", OrgKind.CO_CONSTRUCTION_UNIT, "区人民医院", "C1")
    org("volunteers", OrgKind.VOLUNTEER_TEAM, "幸福志愿服务队", "C1")
    org("dept", OrgKind.DEPARTMENT, "区城市管理局", "D")
    org("property_c3", OrgKind.PROPERTY_COMPANY, "光明物业", "C3")

    seq = 0
    for grid_key, (bx, by) in {
        "G11": (0.5, 0.5),
        "G12": (1.5, 0.5),
        "G21": (2.5, 0.5),
        "G31": (1.5, 1.5),
    }.items():
        lon, lat = point(bx, by)
        building = Building.objects.create(
            grid=w.nodes[grid_key],
            code=f"B-{grid_key}",
            name=f"{w.nodes[grid_key].name}1号楼",
            lon=lon,
            lat=lat,
        )
        for door in ("1-101", "1-102"):
            key = f"{grid_key}-{door}"
            hh = Household.objects.create(building=building, code=f"H-{key}", door=door)
            w.households[key] = hh
            w.units[key] = PropertyUnit.objects.create(
                building=building, household=hh, number=door, exclusive_area=Decimal("88.50")
            )
            for relation in ("户主", "配偶"):
                seq += 1
                p = Person.objects.create(
                    name=f"居民{seq:02d}",
                    household=hh,
                    grid=w.nodes[grid_key],
                    relation=relation,
                    id_number=idnumber.make("440111", dt.date(1970 + seq, 1, 1), seq),
                    phone=f"139{seq:08d}",
                    birth_date=dt.date(1970 + seq, 1, 1),
                )
                w.people[f"{key}-{relation}"] = p

    for key, role, scope in PERSONAS:
        user = User.objects.create_user(key, password="pw-" + key, display_name=key)
        w.users[key] = user
        if role is None:
            continue
        if role == "admin":
            Membership.objects.create(user=user, role=role)
        elif scope in w.nodes:
            Membership.objects.create(user=user, role=role, node=w.nodes[scope])
        else:
            Membership.objects.create(user=user, role=role, organization=w.orgs[scope])

    # The resident persona is the verified head of household G11-1-101; the owner owns G12-1-101.
    resident_person = w.people["G11-1-101-户主"]
    resident_person.user = w.users["resident"]
    resident_person.save()
    owner_person = w.people["G12-1-101-户主"]
    owner_person.user = w.users["owner"]
    owner_person.save()
    Ownership.objects.create(person=owner_person, unit=w.units["G12-1-101"])
    PartyMember.objects.create(
        person=w.people["G11-1-102-户主"],
        branch=w.orgs["branch"],
        in_service=True,
        employer=w.orgs["unit"],
    )
    party_member_person = w.people["G11-1-102-配偶"]
    party_member_person.user = w.users["party_member"]
    party_member_person.save()
    PartyMember.objects.create(person=party_member_person, branch=w.orgs["branch"])
    return w
