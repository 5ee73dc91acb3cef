"""The demo accounts: one per role of `cogov.accounts.roles.ROLES`, all with the same
documented password, scoped to the first street / community / grid (or an organization there).

`DEMO_ACCOUNTS` and `database_is_empty()` are used by `cogov run` to offer the demo.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from django.contrib.auth.hashers import get_hashers, make_password

from cogov.accounts.roles import ROLES, Role
from cogov.organizations.models import OrgKind
from cogov.people.models import VerificationKind, VerificationStatus

from . import tables as t
from .context import AS_OF_TIME, Context
from .people import PERSON_ROLES
from .randomness import make_uuid
from .staff import add_membership, add_user

DEMO_PASSWORD = "cogov-demo"  # noqa: S105 - documented on purpose: these are public demo accounts
_SALT = "cogovdemo2026"
# make_password(DEMO_PASSWORD, salt=_SALT) with Django 5.2's default hasher, computed once: PBKDF2
# takes most of a second, which is most of the time a tiny demo takes.
_PRECOMPUTED = (
    "pbkdf2_sha256",
    1_000_000,
    "pbkdf2_sha256$1000000$cogovdemo2026$UW5wkt8P9ErqNP8c9n/tn+cWxIgNhKWc3tbSVzxBHaM=",
)
FIRST_CODES = {
    "district": "440111",
    "street": "440111001",
    "community": "440111001001",
    "grid": "440111001001001",
}
# For roles over organizations, the kind of organization to use when the role allows several.
PREFERRED_KIND = {"party_member": OrgKind.PARTY_BRANCH, "org_staff": OrgKind.PROPERTY_COMPANY}
DISPLAY = {
    "admin": "管理员",
    "evaluator": "组织部考核员",
    "street_official": "街道干部",
    "department_staff": "职能部门工作人员",
    "party_secretary": "社区党组织书记",
    "community_worker": "社区工作者",
    "grid_worker": "网格员",
    "unit_liaison": "共建单位联络员",
    "org_staff": "物业公司工作人员",
    "social_worker": "社工",
    "party_member": "党员",
    "volunteer": "志愿者",
    "resident": "居民",
    "owner": "业主",
}


KIND_TEXT: dict[str, str] = {
    OrgKind.DEPARTMENT: "department (城市管理和综合执法局)",
    OrgKind.CO_CONSTRUCTION_UNIT: "co-construction unit",
    OrgKind.SOCIAL_ORG: "social organization",
}


class DemoAccount(NamedTuple):
    username: str
    role: str
    scope: str
    password: str


def demo_username(role: str) -> str:
    return "demo-" + role.replace("_", "-")


def _org_kind(key: str, role: Role) -> str:
    preferred = PREFERRED_KIND.get(key)
    return preferred if preferred in role.org_kinds else role.org_kinds[0]


def _scope(key: str, role: Role) -> str:
    if role.scope == "global":
        return "everything"
    if role.scope == "node":
        first = "District G" if role.level == "district" else f"first {role.level}"
        text = f"{first} ({FIRST_CODES[role.level]})"
    elif key == "party_member":
        text = "the member's own party branch in the first community"
    else:
        kind = _org_kind(key, role)
        where = "District G" if kind == OrgKind.DEPARTMENT else "the first community"
        text = f"first {KIND_TEXT.get(kind, kind.replace('_', ' '))} of {where}"
    if key in PERSON_ROLES:
        detail = {"owner": " who owns the flat", "resident": " who owns no flat"}.get(key, "")
        text += "; a resident of the first grid" + detail
    return text


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = tuple(
    DemoAccount(demo_username(key), key, _scope(key, role), DEMO_PASSWORD)
    for key, role in ROLES.items()
)


def demo_password_hash() -> str:
    """The stored hash of the demo password (a fixed salt, so the demo rows stay deterministic)."""
    hasher = get_hashers()[0]
    algorithm, iterations, encoded = _PRECOMPUTED
    if hasher.algorithm == algorithm and getattr(hasher, "iterations", None) == iterations:
        return encoded
    return make_password(DEMO_PASSWORD, salt=_SALT)


def database_is_empty() -> bool:
    """True when there is no territory, organization, resident or account yet: only then may
    `cogov demo` (and `cogov run`) load the demo without --force."""
    from cogov.accounts.models import User
    from cogov.organizations.models import Organization
    from cogov.people.models import Person
    from cogov.territory.models import Node

    return not any(m.objects.exists() for m in (Node, Organization, Person, User))


def reserve_demo_users(ctx: Context, rng: random.Random) -> None:
    """Demo users are written first, so that residents generated later can point at them."""
    for account in DEMO_ACCOUNTS:
        role = ROLES[account.role]
        ctx.demo_user_ids[account.role] = add_user(
            ctx,
            rng,
            account.username,
            staff=role.staff,
            superuser=role.scope == "global",
            password=ctx.password_hash,
            display_name="演示" + DISPLAY.get(account.role, account.role),
        )


def finish_demo_accounts(ctx: Context, rng: random.Random) -> None:
    """Memberships of the demo accounts, and confirmed verifications for resident and owner."""
    anchors = ctx.anchors
    nodes = {
        "district": anchors.district_id,
        "street": anchors.street_id,
        "community": anchors.community_id,
        "grid": anchors.grid_id,
    }
    for key, user_id in ctx.demo_user_ids.items():
        role = ROLES[key]
        if role.scope == "global":
            add_membership(ctx, rng, user_id, key, title="演示账号")
        elif role.scope == "node":
            add_membership(ctx, rng, user_id, key, node=nodes[role.level], title="演示账号")
        else:
            person = anchors.persons.get(key)
            org = (
                anchors.party_branch_of.get(person[0]) if person and key == "party_member" else None
            )
            org = org or anchors.orgs.get(_org_kind(key, role))
            if org is None:
                raise RuntimeError(f"the demo has no organization for role {key!r}")
            add_membership(ctx, rng, user_id, key, organization=org, title="演示账号")
    for key, kind in (("resident", VerificationKind.RESIDENT), ("owner", VerificationKind.OWNER)):
        if key not in anchors.persons or key not in ctx.demo_user_ids:
            continue
        person_id, household_id, unit_id, name, id_number = anchors.persons[key]
        ctx.add(
            t.VERIFICATION,
            (
                ctx.ids.take(t.VERIFICATION),
                make_uuid(rng),
                ctx.demo_user_ids[key],
                str(kind),
                household_id if kind == VerificationKind.RESIDENT else None,
                unit_id if kind == VerificationKind.OWNER else None,
                name,
                id_number,
                str(VerificationStatus.CONFIRMED),
                person_id,
                "roster",
                AS_OF_TIME,
            ),
        )
        ctx.count("verifications")
    missing = [r for r in PERSON_ROLES if r in ctx.demo_user_ids and r not in anchors.persons]
    if missing:
        raise RuntimeError(f"the first grid has no resident for the demo accounts {missing}")
