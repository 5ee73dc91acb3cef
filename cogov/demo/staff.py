"""Staff accounts and their memberships: evaluators, street officials, department staff,
community party secretaries and workers, grid workers, and the people of organizations."""

from __future__ import annotations

import random

from cogov.organizations.models import OrgKind

from . import tables as t
from .context import AS_OF_TIME, VALID_FROM, Context
from .organizations import CommunityOrgs, DistrictOrgs
from .randomness import NAMES, make_uuid
from .territory import Place

# Staff accounts cannot log in (an unusable password); the demo accounts can.
UNUSABLE_PASSWORD = "!demo-staff"  # noqa: S105 - an unusable marker, not a secret
COMMUNITY_TITLES = [
    "社区党委副书记",
    "居委会副主任",
    "居委会委员",
    "社区专职工作者",
    "社区专职工作者",
    "社区专职工作者",
    "社区专职工作者",
    "社区专职工作者",
]


def add_user(
    ctx: Context,
    rng: random.Random,
    username: str,
    *,
    staff: bool,
    password: str = "",
    superuser: bool = False,
    display_name: str = "",
    user_id: int | None = None,
) -> int:
    user_id = user_id or ctx.ids.take(t.USER)
    name = display_name or NAMES.full(rng, rng.choice("MF"))
    ctx.add(
        t.USER,
        (
            user_id,
            make_uuid(rng),
            username,
            password or UNUSABLE_PASSWORD,
            name,
            NAMES.phone(rng),
            staff,
            superuser,
            True,
            AS_OF_TIME,
        ),
    )
    ctx.count("users")
    return user_id


def add_membership(
    ctx: Context,
    rng: random.Random,
    user_id: int,
    role: str,
    *,
    node: int | None = None,
    organization: int | None = None,
    title: str = "",
    full_time: bool = True,
) -> None:
    ctx.add(
        t.MEMBERSHIP,
        (
            ctx.ids.take(t.MEMBERSHIP),
            make_uuid(rng),
            user_id,
            role,
            node,
            organization,
            title,
            full_time,
            VALID_FROM,
            AS_OF_TIME,
        ),
    )
    ctx.count(f"memberships.{role}")


def build_district_staff(
    ctx: Context, rng: random.Random, district: Place, orgs: DistrictOrgs
) -> None:
    code = district.code
    user = add_user(ctx, rng, f"ev{code}", staff=True)
    add_membership(ctx, rng, user, "evaluator", node=district.id, title="组织部考核办")
    for i, dept in enumerate(orgs.departments, 1):
        for n in (1, 2):
            user = add_user(ctx, rng, f"dp{code}-{i:02d}-{n}", staff=True)
            add_membership(
                ctx,
                rng,
                user,
                "department_staff",
                organization=dept,
                title="科长" if n == 1 else "科员",
            )
    for street in district.children:
        for n, title in enumerate(["街道党工委书记", "街道办事处主任", "综治中心主任"], 1):
            user = add_user(ctx, rng, f"so{street.code}-{n}", staff=True)
            add_membership(ctx, rng, user, "street_official", node=street.id, title=title)


def build_community_staff(
    ctx: Context, rng: random.Random, community: Place, orgs: CommunityOrgs
) -> None:
    code = community.code
    user = add_user(ctx, rng, f"ps{code}", staff=True)
    add_membership(
        ctx, rng, user, "party_secretary", node=community.id, title="社区党委书记、居委会主任"
    )
    for n, title in enumerate(COMMUNITY_TITLES[: rng.randint(5, 8)], 1):
        user = add_user(ctx, rng, f"cw{code}-{n}", staff=True)
        add_membership(ctx, rng, user, "community_worker", node=community.id, title=title)
    for grid in community.children:
        user = add_user(ctx, rng, f"gw{grid.code}", staff=True)
        add_membership(ctx, rng, user, "grid_worker", node=grid.id, title="专职网格员")
    people_of = [
        (OrgKind.CO_CONSTRUCTION_UNIT, "cu", "unit_liaison", "共建联络员", 1),
        (OrgKind.PROPERTY_COMPANY, "pm", "org_staff", "物业项目经理", 1),
        (OrgKind.OWNERS_COMMITTEE, "oc", "org_staff", "业委会主任", 1),
        (OrgKind.SOCIAL_ORG, "sw", "social_worker", "社工", 2),
    ]
    for kind, prefix, role, title, per_org in people_of:
        for i, org in enumerate(orgs.by_kind.get(kind, []), 1):
            for n in range(1, per_org + 1):
                user = add_user(ctx, rng, f"{prefix}{code}-{i}-{n}", staff=False)
                add_membership(
                    ctx,
                    rng,
                    user,
                    role,
                    organization=org,
                    title=title,
                    full_time=kind != OrgKind.OWNERS_COMMITTEE,
                )
