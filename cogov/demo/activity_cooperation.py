"""Co-construction in the demo's first community (docs/demo.md): the joint party committee
with its member units, a first term and this year's rotation calendar; 双报到 of the units and
of a few in-service party members, confirmed, with some service hours; needs met by units'
resources through projects that are decided, delivered, rated and evaluated; two micro-wishes,
one of them claimed.

Called at the end of `builder.build` after the stored district exists. Everything goes through
the apps' actions (the same permission checks and events as the pages), acting as the demo
accounts of the first community. The volume is fixed whatever the scale. Which units, members,
needs and numbers are chosen is drawn from `stream(seed, "cooperation", community code)`, so the
same seed tells the same story; the event times are the time of the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .accounts import demo_username
from .randomness import stream

NEEDS = [
    ("楼道照明不足，老人夜间出行不便", "elderly", "volunteers", "医院志愿者助老服务队", 10, "人次"),
    ("小区缺少儿童课后托管场地", "culture", "venue", "单位会议室周末开放", 30, "座"),
    ("独居老人需要定期健康检查", "health", "skills", "义诊与慢病随访", 12, "次"),
    ("居民反映缺少法律咨询渠道", "legal", "skills", "律师进社区法律咨询", 8, "次"),
]
WISHES = [("一台收音机", Decimal("80")), ("冬季棉被一床", Decimal("120"))]
SERVICES = ["楼道清扫", "文明劝导", "助老陪护", "政策宣讲", "垃圾分类督导"]


@dataclass
class Cast:
    community: Any
    admin: Any
    secretary: Any
    worker: Any
    liaison: Any
    resident: Any
    owner: Any
    volunteer: Any


def cast() -> Cast | None:
    """The demo accounts and the first community they serve, or None (no demo accounts)."""
    from cogov.accounts.models import Membership, User

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                demo_username(k)
                for k in (
                    "admin",
                    "party_secretary",
                    "community_worker",
                    "unit_liaison",
                    "resident",
                    "owner",
                    "volunteer",
                )
            ]
        )
    }
    if len(users) < 7:
        return None
    secretary = users[demo_username("party_secretary")]
    membership = (
        Membership.objects.current()
        .filter(user=secretary, role="party_secretary")
        .select_related("node")
        .first()
    )
    if membership is None or membership.node is None:
        return None
    return Cast(
        membership.node,
        users[demo_username("admin")],
        secretary,
        users[demo_username("community_worker")],
        users[demo_username("unit_liaison")],
        users[demo_username("resident")],
        users[demo_username("owner")],
        users[demo_username("volunteer")],
    )


def build_cooperation_activity(seed: int) -> int:
    """Generate the first community's co-construction story; returns how many rows of the
    main kinds (reports, service records, needs, resources, projects, wishes) it made."""
    from cogov.organizations.models import Organization, OrgKind

    c = cast()
    if c is None:
        return 0
    rng = stream(seed, "cooperation", c.community.code)
    committee_org = (
        Organization.objects.filter(node=c.community, kind=OrgKind.PARTY_COMMITTEE, active=True)
        .order_by("pk")
        .first()
    )
    units = list(
        Organization.objects.filter(
            node=c.community, kind=OrgKind.CO_CONSTRUCTION_UNIT, active=True
        ).order_by("pk")
    )
    made = 0
    if committee_org is not None and units:
        _committee(c, rng, committee_org, units)
    made += _reporting(c, rng, units)
    made += _lists(c, rng, units)
    made += _wishes(c, rng)
    return made


def _committee(c: Cast, rng: Any, organization: Any, units: list[Any]) -> None:
    from cogov.organizations import actions

    today = timezone.localdate()
    year = today.year
    committee = actions.create_committee(actor=c.secretary, organization=organization)
    # The liaison's unit sits on the committee; two to four units in all, in a seeded order.
    chosen = [units[0], *rng.sample(units[1:], min(len(units) - 1, rng.randint(1, 3)))]
    for unit in chosen:
        actions.add_unit(actor=c.secretary, committee=committee, unit=unit, on=dt.date(year, 1, 1))
    term = actions.start_term(
        actor=c.secretary,
        committee=committee,
        number=1,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year + 5, 1, 1),
    )
    actions.appoint_member(
        actor=c.secretary,
        committee=committee,
        term=term,
        user=c.secretary,
        full_time=True,
        title="书记",
        on=dt.date(year, 1, 1),
    )
    actions.appoint_member(
        actor=c.secretary,
        committee=committee,
        term=term,
        user=c.liaison,
        unit=units[0],
        title="兼职委员",
        on=dt.date(year, 1, 1),
    )
    actions.generate_rotation(actor=c.secretary, committee=committee, year=year)


def _reporting(c: Cast, rng: Any, units: list[Any]) -> int:
    from cogov.organizations import actions
    from cogov.people.models import PartyMember

    made = 0
    for unit in units[:2]:
        report = actions.register_unit(
            actor=c.liaison if unit == units[0] else c.secretary, unit=unit, community=c.community
        )
        actions.confirm_report(actor=c.secretary, report=report)
        made += 1
    members = list(
        PartyMember.objects.filter(
            in_service=True, person__grid__path__startswith=c.community.path
        ).order_by("pk")[:40]
    )
    today = timezone.localdate()
    for member in rng.sample(members, min(len(members), 4)):
        report = actions.register_member(actor=c.secretary, member=member, community=c.community)
        actions.confirm_report(actor=c.secretary, report=report)
        made += 1
        for _ in range(rng.randint(1, 3)):
            record = actions.log_service(
                actor=c.secretary,
                member=member,
                community=c.community,
                served_on=today - dt.timedelta(days=rng.randint(1, 60)),
                hours=Decimal(rng.choice([1, 2, 2, 3, 4])),
                description=rng.choice(SERVICES),
            )
            actions.confirm_service(actor=c.secretary, record_=record)
            made += 1
    return made


def _lists(c: Cast, rng: Any, units: list[Any]) -> int:
    from cogov.cooperation import actions
    from cogov.cooperation.models import Need

    made = 0
    chosen = rng.sample(NEEDS, 3)
    for index, (title, category, kind, offer, capacity, unit_name) in enumerate(chosen):
        need = actions.raise_need(
            actor=c.resident if index == 0 else c.worker,
            community=c.community,
            title=title,
            category=category,
            wanted_kinds=[kind],
            quantity=rng.randint(2, 6),
        )
        actions.list_need(actor=c.secretary, need=need)
        organization = units[0] if units else None
        resource = actions.offer_resource(
            actor=c.liaison if organization is not None else c.worker,
            community=c.community,
            organization=organization,
            kind=kind,
            title=offer,
            capacity=capacity,
            capacity_unit=unit_name,
            categories=[category],
        )
        actions.list_resource(actor=c.secretary, resource=resource, note="核实")
        made += 2
        if index == 2 or organization is None:
            continue  # one need and its resource stay on the lists, waiting for a match
        actions.claim_resource(actor=c.secretary, resource=resource)
        actions.claim_need(actor=c.liaison, need=need, organization=organization)
        project = actions.propose_project(
            actor=c.secretary,
            title=title.split("，")[0] + "项目",
            needs=[Need.objects.get(pk=need.pk)],
            resources=[(resource, min(capacity, rng.randint(2, capacity)))],
        )
        actions.put_to_vote(actor=c.secretary, project=project)
        actions.cast_project_vote(actor=c.secretary, project=project, choice="for")
        actions.cast_project_vote(actor=c.liaison, project=project, choice="for")
        actions.record_decision(actor=c.secretary, project=project)
        actions.claim_project(actor=c.liaison, project=project, organization=organization)
        actions.start_project(actor=c.liaison, project=project)
        actions.deliver_project(
            actor=c.liaison, project=project, outputs=f"完成：{offer}", evidence=["photo-1.jpg"]
        )
        actions.rate_project(actor=c.resident, project=project, score=rng.choice([4, 5, 5]))
        actions.rate_project(actor=c.owner, project=project, score=rng.choice([3, 4, 5]))
        actions.evaluate_project(actor=c.secretary, project=project)
        made += 1
    return made


def _wishes(c: Cast, rng: Any) -> int:
    from cogov.cooperation import actions
    from cogov.people.models import Person

    people = list(
        Person.objects.filter(grid__path__startswith=c.community.path, user__isnull=True)
        .exclude(grid__isnull=True)
        .order_by("pk")[:60]
    )
    made = 0
    for index, (beneficiary, (title, value)) in enumerate(
        zip(rng.sample(people, min(len(people), 2)), WISHES, strict=False)
    ):
        wish = actions.submit_wish(
            actor=c.worker, beneficiary=beneficiary, title=title, value=value
        )
        actions.verify_wish(actor=c.worker, wish=wish, approved=True, visit_note="入户核实属实")
        actions.publish_wish(actor=c.worker, wish=wish)
        if index == 0:
            actions.claim_wish(actor=c.volunteer, wish=wish)
        made += 1
    return made
