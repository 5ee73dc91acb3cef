"""Electorates as data: each kind builds the list of voters of a vote when it opens.

The result is written once into `Elector` rows (the snapshot); later changes to residents,
ownerships or memberships do not alter it. `accounts` are the accounts that may cast the
elector's ballot online; the cast is checked again against `cogov.people.selectors` (only
verified accounts vote online).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from cogov.people import selectors


@dataclass
class Draft:
    key: str
    label: str
    person_id: int | None = None
    household_id: int | None = None
    heads: int = 1
    area: Decimal = Decimal(0)
    units: list[int] = field(default_factory=list)
    accounts: set[int] = field(default_factory=set)


Builder = Callable[[Any, dt.date, dict[str, Any]], list[Draft]]
_BUILDERS: dict[str, Builder] = {}
# kind → check(user, elector) at cast time
_ACCOUNT_CHECKS: dict[str, Callable[[Any, Any], bool]] = {}


def register(kind: str, check: Callable[[Any, Any], bool]) -> Callable[[Builder], Builder]:
    def decorator(func: Builder) -> Builder:
        _BUILDERS[kind] = func
        _ACCOUNT_CHECKS[kind] = check
        return func

    return decorator


def build(vote: Any, on: dt.date, rule: dict[str, Any]) -> list[Draft]:
    return _BUILDERS[vote.electorate](vote, on, rule)


def account_may_cast(vote: Any, user: Any, elector: Any) -> bool:
    """Is `user` still a verified voice of `elector`? (Snapshot membership is checked apart.)"""
    return _ACCOUNT_CHECKS[vote.electorate](user, elector)


def born_on_or_before(on: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is `years` old on `on` (29 February → 28th)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def _adults(vote: Any, on: dt.date, rule: dict[str, Any]) -> Any:
    from cogov.people.models import Person

    age = int(rule.get("minimum_age") or 18)
    return (
        Person.objects.within(vote.node)
        .filter(birth_date__isnull=False, birth_date__lte=born_on_or_before(on, age))
        .order_by("pk")
    )


def _resident_check(user: Any, elector: Any) -> bool:
    person = elector.person
    return (
        person is not None
        and person.user_id == user.pk
        and selectors.is_verified_resident(user, person.household)
    )


@register("residents", _resident_check)
def residents(vote: Any, on: dt.date, rule: dict[str, Any]) -> list[Draft]:
    """Residents of the community aged `minimum_age` (policy; statutory 18) on the vote's date.
    People without a recorded date of birth cannot be shown to be of age and are left out."""
    return [
        Draft(
            key=f"person:{p.pk}",
            label=p.name,
            person_id=p.pk,
            household_id=p.household_id,
            accounts={p.user_id} if p.user_id else set(),
        )
        for p in _adults(vote, on, rule).only("pk", "name", "household_id", "user_id")
    ]


def _household_check(user: Any, elector: Any) -> bool:
    return selectors.is_verified_resident(user, elector.household)


@register("households", _household_check)
def households(vote: Any, on: dt.date, rule: dict[str, Any]) -> list[Draft]:
    """One representative per household: any adult verified member may cast its one ballot."""
    from cogov.territory.models import Household

    accounts: dict[int, set[int]] = {}
    for p in _adults(vote, on, rule).filter(user__isnull=False).only("household_id", "user_id"):
        if p.household_id:
            accounts.setdefault(p.household_id, set()).add(p.user_id)
    return [
        Draft(
            key=f"household:{h.pk}",
            label=str(h),
            household_id=h.pk,
            accounts=accounts.get(h.pk, set()),
        )
        for h in Household.objects.within(vote.node).select_related("building").order_by("pk")
    ]


def _party_check(user: Any, elector: Any) -> bool:
    return elector.person is not None and elector.person.user_id == user.pk


@register("party_members", _party_check)
def party_members(vote: Any, on: dt.date, rule: dict[str, Any]) -> list[Draft]:
    """Full members of the branch (and its groups). Probationary members have a voice but no
    vote (Party Constitution art. 7), so they are not in the electorate."""
    from cogov.people.models import PartyMember, PartyMemberStatus

    if vote.organization is None:
        return []
    members = (
        PartyMember.objects.filter(
            branch__path__startswith=vote.organization.path, status=PartyMemberStatus.FULL
        )
        .select_related("person")
        .order_by("person_id")
    )
    return [
        Draft(
            key=f"person:{m.person_id}",
            label=m.person.name,
            person_id=m.person_id,
            accounts={m.person.user_id} if m.person.user_id else set(),
        )
        for m in members
    ]


def _owner_check(user: Any, elector: Any) -> bool:
    from cogov.territory.models import PropertyUnit

    return any(
        selectors.is_verified_owner(user, unit)
        for unit in PropertyUnit.objects.filter(pk__in=elector.units)
    )


@register("owners", _owner_check)
def owners(vote: Any, on: dt.date, rule: dict[str, Any]) -> list[Draft]:
    """Owners under Civil Code art. 278 and the SPC interpretation arts. 8-9.

    One unit, one owner: the co-owners of a unit are one owner. A person owning several units is
    one owner with the sum of their areas; owners linked through a shared unit are joined the
    same way (connected components of the person-unit graph). All unsold units held by the
    developer count together as ONE owner. A unit with no recorded owner still counts (as its own
    owner, who can vote on paper), so the totals match the register.
    """
    from cogov.people.models import Ownership
    from cogov.territory.models import PropertyUnit

    units = {
        u.pk: u
        for u in PropertyUnit.objects.filter(building__grid__path__startswith=vote.node.path)
        .select_related("building")
        .order_by("pk")
    }
    ownerships = list(
        Ownership.objects.filter(unit_id__in=list(units), since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .select_related("person")
        .order_by("pk")
    )
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    people: dict[int, Any] = {}
    for unit_id, unit in units.items():
        if not unit.unsold:
            find(f"u{unit_id}")
    for o in ownerships:
        if units[o.unit_id].unsold:
            continue
        people[o.person_id] = o.person
        union(f"u{o.unit_id}", f"p{o.person_id}")

    groups: dict[str, dict[str, list[int]]] = {}
    for node in list(parent):
        root = find(node)
        group = groups.setdefault(root, {"u": [], "p": []})
        group[node[0]].append(int(node[1:]))

    drafts: list[Draft] = []
    for group in groups.values():
        unit_ids = sorted(group["u"])
        persons = [people[i] for i in sorted(group["p"])]
        names = "、".join(p.name for p in persons) or "—"
        where = "、".join(str(units[u]) for u in unit_ids)
        drafts.append(
            Draft(
                key="owner:" + ",".join(map(str, unit_ids)),
                label=f"{names} ({where})",
                person_id=persons[0].pk if len(persons) == 1 else None,
                area=sum((units[u].exclusive_area for u in unit_ids), Decimal(0)),
                units=unit_ids,
                accounts={p.user_id for p in persons if p.user_id},
            )
        )
    unsold = sorted(u for u, unit in units.items() if unit.unsold)
    if unsold:
        drafts.append(
            Draft(
                key="developer",
                label=f"开发建设单位 (unsold: {len(unsold)})",
                area=sum((units[u].exclusive_area for u in unsold), Decimal(0)),
                units=unsold,
            )
        )
    drafts.sort(key=lambda d: d.key)
    return drafts


def _body_check(user: Any, elector: Any) -> bool:
    return elector.key == f"user:{user.pk}" and bool(user.is_active)


@register("body", _body_check)
def body(vote: Any, on: dt.date, rule: dict[str, Any]) -> list[Draft]:
    """The current members of the organization (its memberships on the vote's date)."""
    from cogov.accounts.models import Membership

    if vote.organization is None:
        return []
    users: dict[int, Any] = {}
    for m in (
        Membership.objects.current(on)
        .filter(organization=vote.organization)
        .select_related("user")
        .order_by("user_id")
    ):
        users.setdefault(m.user_id, m.user)
    return [Draft(key=f"user:{uid}", label=str(u), accounts={uid}) for uid, u in users.items()]
