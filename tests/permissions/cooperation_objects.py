"""The objects the role-matrix test checks the co-construction and points permissions
against: community nodes, needs, resources, projects, micro-wishes and funds in every persona's
communities and in another district, points activities organized by each kind of
organization, accounts, shop items and party members. Rows that only the persona itself can
have made (a resource it offered, a need it raised, a wish it claimed) are added for personas
with a role: an account without one cannot do any of that."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cogov.cooperation.models import CharityFund, Need, Project, ProjectNeed, Resource, Wish
from cogov.cooperation.models.wishes import WishLock
from cogov.organizations.models import Organization, OrgKind
from cogov.people.models import PartyMember, Person
from cogov.points.models import Account, Activity, ShopItem
from cogov.territory.models import Node
from tests.world import PERSONAS


def _at(community: Node, grid: Node | None = None) -> dict[str, Any]:
    return {"community": community, "territory_path": (grid or community).path}


def _wish_at(world: Any, elsewhere: dict[str, Any], community: Node) -> dict[str, Any]:
    """A wish lives in its beneficiary's grid."""
    grid = {"C1": "G11", "C2": "G21", "C3": "G31"}
    key = next((k for k, v in grid.items() if world.nodes[k] == community), None)
    g = world.nodes[grid[key]] if key else elsewhere["G"]
    return {"grid": g, **_at(community, g)}


def cooperation_objects(
    world: Any, elsewhere: dict[str, Any], persona: str
) -> dict[str, list[Any]]:
    user = world.users[persona]
    has_role = dict((k, r) for k, r, _s in PERSONAS)[persona] is not None
    c1, c2, c3, ec = world.nodes["C1"], world.nodes["C2"], world.nodes["C3"], elsewhere["C"]
    communities = [c1, c2, c3, ec]
    other = type(user).objects.create_user(f"coop-other-{persona}")
    orgs = world.orgs
    leads = [
        (c1, orgs["unit"]),
        (c1, orgs["property"]),
        (c1, orgs["socialorg"]),
        (c1, orgs["branch"]),
        (c3, orgs["dept"]),
        (c2, None),
        (ec, elsewhere["org"]),
    ]

    def need(community: Node, by: Any) -> Need:
        return Need.objects.create(
            title="需求", category="elderly", source="resident", raised_by=by, **_at(community)
        )

    needs = [need(c, other) for c in communities]
    resources = [
        Resource.objects.create(
            organization=org,
            offered_by=other,
            kind="venue",
            title="场地",
            capacity=1,
            capacity_unit="场",
            **_at(c),
        )
        for c, org in leads
    ]
    projects = [
        Project.objects.create(title="项目", lead_organization=org, **_at(c)) for c, org in leads
    ]
    wishes = [
        Wish.objects.create(
            beneficiary=beneficiary,
            pseudonym="王**",
            title="心愿",
            value=Decimal("50"),
            submitted_by=other,
            status="published",
            **_wish_at(world, elsewhere, c),
        )
        for c, beneficiary in (
            (c1, world.people["G11-1-102-户主"]),
            (c2, world.people["G21-1-101-户主"]),
            (c3, world.people["G31-1-101-户主"]),
            (ec, elsewhere["person"]),
        )
    ]
    if has_role:
        resources.append(
            Resource.objects.create(
                offered_by=user,
                kind="skills",
                title="义诊",
                capacity=1,
                capacity_unit="次",
                **_at(ec),
            )
        )
        mine = Project.objects.create(title="我的需求的项目", **_at(ec))
        ProjectNeed.objects.create(project=mine, need=need(ec, user))
        projects.append(mine)
        held = Wish.objects.create(
            beneficiary=elsewhere["person"],
            pseudonym="李**",
            title="心愿",
            value=Decimal("30"),
            submitted_by=other,
            status="claimed",
            **_wish_at(world, elsewhere, ec),
        )
        WishLock.objects.create(wish=held, holder=user, locked_at=timezone.now())
        wishes.append(held)
        person = Person.objects.filter(user=user).first()
        if person is not None:
            wishes.append(
                Wish.objects.create(
                    beneficiary=person,
                    pseudonym="张**",
                    title="心愿",
                    value=Decimal("20"),
                    submitted_by=other,
                    status="published",
                    **_wish_at(world, elsewhere, c1),
                )
            )
    funds = [
        CharityFund.objects.create(name="社区基金", kind="community_fund", **_at(c))
        for c in communities
    ]
    on_nodes = ["raise_need", "offer_resource", "propose_project", "submit_wish", "manage_linkage"]
    on_projects = [
        "decide_project",
        "claim_project",
        "run_project",
        "rate_project",
        "evaluate_project",
        "add_participant",
    ]
    on_wishes = ["verify_wish", "claim_wish", "fulfil_wish", "acknowledge_wish", "see_beneficiary"]
    objects: dict[str, list[Any]] = {f"cooperation.{n}": communities for n in on_nodes}
    objects.update({f"cooperation.{n}": projects for n in on_projects})
    objects.update({f"cooperation.{n}": wishes for n in on_wishes})
    objects.update(
        {
            "cooperation.triage_need": needs,
            "cooperation.claim_need": needs,
            "cooperation.review_resource": resources,
            "cooperation.withdraw_resource": resources,
            "cooperation.record_ledger": funds,
        }
    )
    objects.update(_points_objects(world, elsewhere, leads, communities))
    return objects


def _points_objects(
    world: Any, elsewhere: dict[str, Any], leads: list[Any], communities: list[Node]
) -> dict[str, list[Any]]:
    admin = world.users["admin"]
    start = timezone.now() + dt.timedelta(days=3)
    activities = [
        Activity.objects.create(
            community=c,
            organizer=org,
            title="活动",
            activity_type="service",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            capacity=10,
            created_by=admin,
        )
        for c, org in leads
    ]
    people = world.people
    accounts = [
        Account.objects.get_or_create(person=person, community=c, kind="points")[0]
        for person, c in (
            (people["G11-1-101-户主"], world.nodes["C1"]),  # the resident's
            (people["G12-1-101-户主"], world.nodes["C1"]),  # the owner's
            (people["G11-1-102-配偶"], world.nodes["C1"]),  # the party member's
            (people["G21-1-101-户主"], world.nodes["C2"]),
            (people["G31-1-101-户主"], world.nodes["C3"]),
            (elsewhere["person"], elsewhere["C"]),
        )
    ]
    items = [
        ShopItem.objects.create(community=c, name="大米", price=Decimal("10"), stock=5)
        for c in communities
    ]
    branch_c3 = Organization.objects.create(
        kind=OrgKind.PARTY_BRANCH, name="光明社区党支部", node=world.nodes["C3"]
    )
    members = list(PartyMember.objects.filter(branch=world.orgs["branch"]))
    members += [
        PartyMember.objects.create(
            person=people["G21-1-101-配偶"], branch=world.orgs["committee_c2"]
        ),
        PartyMember.objects.create(person=people["G31-1-101-配偶"], branch=branch_c3),
        PartyMember.objects.create(person=elsewhere["person"], branch=elsewhere["committee"]),
    ]
    return {
        "points.manage_points": communities,
        "points.create_activity": communities,
        "points.view_leaderboard": communities,
        "points.manage_shop": communities,
        "points.manage_activity": activities,
        "points.sign_up": activities,
        "points.view_account": accounts,
        "points.use_account": accounts,
        "points.correct_ledger": accounts,
        "points.redeem": items,
        "points.view_party_score": members,
        "points.claim_party_record": members,
        "points.decide_party_record": members,
    }
