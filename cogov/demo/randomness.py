"""Deterministic randomness: every stream is derived from the seed and a label, so a part of
the district (a community, the lattice) draws the same numbers whatever else is generated."""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from itertools import accumulate

from faker.providers.person.zh_CN import Provider as _ZhPerson
from faker.providers.phone_number.zh_CN import Provider as _ZhPhone


def stream(seed: int, *labels: object) -> random.Random:
    """A random generator for (seed, labels); str seeds hash with SHA-512 (stable across runs)."""
    return random.Random(":".join([str(seed), *map(str, labels)]))


def make_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Names:
    """zh_CN names from Faker's zh_CN data (surnames weighted by frequency), drawn with our
    own generator: fast, and fixed by the seed."""

    def __init__(self) -> None:
        surnames = _ZhPerson.last_names
        self.surnames = list(surnames.keys())
        self._cum = list(accumulate(surnames.values()))
        self.male = list(_ZhPerson.first_names_male)
        self.female = list(_ZhPerson.first_names_female)
        self.phone_prefixes = [str(p) for p in _ZhPhone.phonenumber_prefixes]

    def surname(self, rng: random.Random) -> str:
        return self.surnames[bisect(self._cum, rng.random() * self._cum[-1])]

    def given(self, rng: random.Random, gender: str) -> str:
        return rng.choice(self.male if gender == "M" else self.female)

    def full(self, rng: random.Random, gender: str, surname: str | None = None) -> str:
        return (surname or self.surname(rng)) + self.given(rng, gender)

    def phone(self, rng: random.Random) -> str:
        return rng.choice(self.phone_prefixes) + f"{rng.randrange(10**8):08d}"


NAMES = Names()

# Syllables for place names (streets, communities, estates): combined in pairs.
PLACE_FIRST = (
    "和平友谊光明新华东风建设人民朝阳长青丰乐嘉禾永安金沙云城鹤龙石井同德松洲京溪景泰"
    "棠景三元黄石均禾嘉兴龙归太和鹤边江高人和钟落潭萧岗新市同和永平"
)
PLACE_SECOND = "华兴荣盛景明安康泰丰富瑞祥福裕宁新悦怡源"


def place_names(rng: random.Random, count: int, suffix: str) -> list[str]:
    """`count` distinct two-character place names (drawn without replacement) plus `suffix`."""
    pool = [a + b for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    if count > len(pool):
        pool += [a + b + c for a in PLACE_FIRST[:20] for b in PLACE_SECOND for c in "东西南北"]
    return [name + suffix for name in rng.sample(pool, count)]
