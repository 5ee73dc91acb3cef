"""Residents, owners and party members of one grid, household by household."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from cogov.people.models import PartyMemberStatus, Tag
from cogov.people.search import index_text

from . import tables as t
from .context import AS_OF, AS_OF_TIME, Context
from .randomness import NAMES, make_uuid
from .territory import BuildingRows, Place, Slot

# Household compositions: (weight, head age range, spouse?, children, head's parent?)
# Mean size is about 2.36, close to Guangzhou's average household.
COMPOSITIONS = [
    ("elderly_alone", 0.09, (70, 95), False, 0, False),
    ("single", 0.20, (22, 60), False, 0, False),
    ("couple_young", 0.10, (24, 40), True, 0, False),
    ("couple_old", 0.15, (55, 85), True, 0, False),
    ("nuclear_one", 0.27, (28, 55), True, 1, False),
    ("nuclear_two", 0.09, (32, 55), True, 2, False),
    ("three_generations", 0.10, (32, 50), True, 1, True),
]
_WEIGHTS = [c[1] for c in COMPOSITIONS]
OWNER_OCCUPIED = 0.8
JOINT_OWNERSHIP = 0.4  # owner-occupied couples holding the unit half and half
PARTY_RATE = 0.07  # of adults
IN_SERVICE_RATE = 0.4  # of working-age party members
# Roles whose demo account is a resident of the first grid, claimed in this order.
PERSON_ROLES = ("owner", "resident", "party_member", "volunteer")


@dataclass
class Member:
    relation: str
    gender: str
    age: int
    surname: str
    tags: list[str] = field(default_factory=list)


@dataclass
class PartyPlaces:
    """Where a community's party members and in-service members are placed."""

    branches: list[int]  # working branches, one per few grids
    retired_branch: int
    employers: list[int]  # co-construction units (in-service members' employers)


@lru_cache(maxsize=200_000)
def _part_words(part: str) -> tuple[str, ...]:
    return tuple(index_text([part]).split(" ")) if part else ()


def search_text(name: str, building: str, door: str) -> str:
    """Equal to `index_text([name, building, door])`, with jieba run once per distinct part."""
    words = [w for part in (name, building, door) for w in _part_words(part)]
    return " ".join(dict.fromkeys(words))


def compose_household(rng: random.Random) -> list[Member]:
    kind, _, head_ages, spouse, children, parent = rng.choices(COMPOSITIONS, _WEIGHTS)[0]
    head_age = rng.randint(*head_ages)
    head_gender = "M" if rng.random() < (0.65 if spouse else 0.5) else "F"
    head = Member("户主", head_gender, head_age, NAMES.surname(rng))
    members = [head]
    if kind == "elderly_alone":
        head.tags.append(Tag.ELDERLY_ALONE)
        if rng.random() < 0.1:
            head.tags.append(Tag.LEFT_BEHIND)
    if spouse:
        spouse_age = max(20, head_age + rng.randint(-6, 4) * (1 if head_gender == "M" else -1))
        members.append(
            Member("配偶", "F" if head_gender == "M" else "M", spouse_age, NAMES.surname(rng))
        )
    father_surname = head.surname if head_gender == "M" or not spouse else members[1].surname
    youngest_parent = min(m.age for m in members)
    for _ in range(children):
        age = youngest_parent - rng.randint(22, 36)
        if age < 0:
            break
        gender = rng.choice("MF")
        members.append(Member("儿子" if gender == "M" else "女儿", gender, age, father_surname))
    if parent:
        gender = rng.choice("MF")
        surname = head.surname if gender == "M" else NAMES.surname(rng)
        members.append(
            Member(
                "父亲" if gender == "M" else "母亲",
                gender,
                min(98, head_age + rng.randint(24, 32)),
                surname,
            )
        )
    return members


def _tags(rng: random.Random, member: Member, low_income: bool) -> list[str]:
    tags = list(member.tags)
    if rng.random() < (0.08 if member.age >= 60 else 0.02):
        tags.append(Tag.DISABLED)
    if low_income:
        tags.append(Tag.LOW_INCOME)
    if member.gender == "M" and member.age >= 40 and rng.random() < 0.04:
        tags.append(Tag.VETERAN)
    if member.age >= 60 and rng.random() < 0.15:
        tags.append(Tag.CHRONIC_ILLNESS)
    return [str(tag) for tag in tags]


def _birth(rng: random.Random, age: int) -> dt.date:
    return dt.date(AS_OF.year - age - 1, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _phone(rng: random.Random, age: int) -> str:
    chance = 0.0 if age < 14 else 0.7 if age < 18 else 0.6 if age >= 80 else 0.96
    return NAMES.phone(rng) if rng.random() < chance else ""


@dataclass
class GridPeople:
    heads: list[int] = field(default_factory=list)  # household heads, for landlords
    claimed: set[int] = field(default_factory=set)  # persons holding a demo account


def build_grid_people(
    ctx: Context,
    rng: random.Random,
    grid: Place,
    buildings: list[BuildingRows],
    party: PartyPlaces,
    branch: int,
    first_grid: bool,
) -> None:
    """Persons of every household of the grid, the owners of its units and its party members."""
    state = GridPeople()
    for building in buildings:
        for slot in building.slots:
            if slot.household_id is not None:
                _household(ctx, rng, grid, building, slot, party, branch, first_grid, state)
            elif not slot.unsold and state.heads:
                # A sold but empty flat: owned by a resident of another household nearby.
                _own(ctx, rng, [_landlord(rng, state)], slot)


def _landlord(rng: random.Random, state: GridPeople) -> int:
    choices = [h for h in state.heads if h not in state.claimed] or state.heads
    return rng.choice(choices)


def _own(ctx: Context, rng: random.Random, person_ids: list[int], slot: Slot) -> None:
    share = (Decimal(1) / len(person_ids)).quantize(Decimal("0.0001"))
    since = dt.date(rng.randint(1998, AS_OF.year - 1), rng.randint(1, 12), rng.randint(1, 28))
    for person_id in person_ids:
        ctx.add(t.OWNERSHIP, (ctx.ids.take(t.OWNERSHIP), person_id, slot.unit_id, share, since))
        ctx.count("ownerships")


def _household(
    ctx: Context,
    rng: random.Random,
    grid: Place,
    building: BuildingRows,
    slot: Slot,
    party: PartyPlaces,
    branch: int,
    first_grid: bool,
    state: GridPeople,
) -> None:
    members = compose_household(rng)
    low_income = rng.random() < 0.012
    ids = [ctx.ids.take(t.PERSON) for _ in members]
    owner_occupied = rng.random() < OWNER_OCCUPIED or not state.heads
    if owner_occupied:
        joint = (
            len(members) > 1 and members[1].relation == "配偶" and rng.random() < JOINT_OWNERSHIP
        )
        owners = ids[:2] if joint else ids[:1]
    else:
        owners = [_landlord(rng, state)]
    region = grid.district_code
    for person_id, member in zip(ids, members, strict=True):
        birth = _birth(rng, member.age)
        id_number, birth = ctx.id_numbers.make(region, birth, member.gender)
        name = NAMES.full(rng, member.gender, member.surname)
        is_party = member.age >= 18 and rng.random() < PARTY_RATE
        user_id, role = None, None
        if first_grid and member.age >= 18:
            role = _claim(ctx, person_id in owners, owner_occupied, is_party)
            if role:
                is_party = is_party or role == "party_member"
                user_id = ctx.demo_user_ids.get(role)
                state.claimed.add(person_id)
                ctx.anchors.persons[role] = (
                    person_id,
                    slot.household_id or 0,
                    slot.unit_id if role == "owner" else None,
                    name,
                    id_number,
                )
        ctx.add(
            t.PERSON,
            (
                person_id,
                make_uuid(rng),
                name,
                member.gender,
                birth,
                id_number,
                _phone(rng, member.age),
                slot.household_id,
                grid.id,
                member.relation,
                _tags(rng, member, low_income),
                user_id,
                search_text(name, building.name, slot.door),
                AS_OF_TIME,
                AS_OF_TIME,
            ),
        )
        ctx.count("persons")
        if is_party:
            _party_member(ctx, rng, person_id, member, party, branch)
            if user_id and role == "party_member":
                ctx.anchors.party_branch_of[person_id] = (
                    party.retired_branch if member.age >= 60 else branch
                )
    _own(ctx, rng, owners, slot)  # after the persons: rows only point at rows already added
    state.heads.append(ids[0])


def _claim(ctx: Context, owns: bool, owner_occupied: bool, is_party: bool) -> str | None:
    """Which demo account (if any) this adult of the first grid becomes."""
    free = [r for r in PERSON_ROLES if r in ctx.demo_user_ids and r not in ctx.anchors.persons]
    for role in free:
        if role == "owner" and owns and owner_occupied:
            return role
        if role == "resident" and not owns:
            return role
        if role == "party_member":
            return role  # the first free adult becomes (or already is) a party member
        if role == "volunteer":
            return role
    return None


def _party_member(
    ctx: Context,
    rng: random.Random,
    person_id: int,
    member: Member,
    party: PartyPlaces,
    branch: int,
) -> None:
    joined_age = rng.randint(18, max(18, min(member.age, 45)))
    joined = dt.date(AS_OF.year - member.age + joined_age, rng.randint(1, 12), rng.randint(1, 28))
    joined = min(joined, AS_OF - dt.timedelta(days=rng.randint(30, 300)))
    status = (
        PartyMemberStatus.PROBATIONARY if (AS_OF - joined).days < 365 else PartyMemberStatus.FULL
    )
    retired = member.age >= 60
    in_service = not retired and member.age >= 22 and rng.random() < IN_SERVICE_RATE
    employer = rng.choice(party.employers) if in_service and party.employers else None
    ctx.add(
        t.PARTY_MEMBER,
        (
            ctx.ids.take(t.PARTY_MEMBER),
            make_uuid(rng),
            person_id,
            party.retired_branch if retired else branch,
            str(status),
            joined,
            employer is not None,
            employer,
        ),
    )
    ctx.count("party_members")
    if employer is not None:
        ctx.count("in_service_party_members")
