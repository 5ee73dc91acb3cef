"""State shared by the generator's small functions: the seed, the id allocator, the writer,
the identity-number registry and the anchors the demo accounts hang on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cogov.lib import idnumber

from .scales import Scale
from .tables import Table
from .writers import Writer

# The demo's "today": ages, dates and stamps are computed from it, so the seed alone fixes them.
AS_OF = dt.date(2026, 1, 1)
AS_OF_TIME = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
VALID_FROM = dt.date(2020, 1, 1)


@dataclass
class Anchors:
    """The first street / community / grid and the records of it that demo accounts use."""

    district_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None
    # organization kind → id of the first one (in the first community, or the district)
    orgs: dict[str, int] = field(default_factory=dict)
    # role key → (person id, household id, unit id or None, name, id number)
    persons: dict[str, tuple[int, int, int | None, str, str]] = field(default_factory=dict)
    party_branch_of: dict[int, int] = field(default_factory=dict)  # person id → branch id


class IdNumbers:
    """Unique identity numbers: per (region, birth date, gender) the 500 sequence numbers are
    handed out in a scrambled but fixed order; a full day moves on to the next day.

    Lane `lane` of `lanes` (one street of a district's streets, generated apart) takes only
    the sequence numbers lane, lane + lanes, lane + 2 × lanes, …: no two lanes ever make the
    same number, and a lane's numbers do not depend on which process generates it."""

    def __init__(self, lane: int = 0, lanes: int = 1) -> None:
        self.used: dict[tuple[str, dt.date, str], int] = {}
        self.lane, self.lanes = lane, lanes

    def make(self, region: str, birth: dt.date, gender: str) -> tuple[str, dt.date]:
        while True:
            key = (region, birth, gender)
            n = self.used.get(key, 0)
            index = n * self.lanes + self.lane
            if index < 500:
                self.used[key] = n + 1
                slot = (index * 37 + birth.toordinal()) % 500
                sequence = slot * 2 + (1 if gender == "M" else 0)
                return idnumber.make(region, birth, sequence), birth
            birth -= dt.timedelta(days=1)


class Ids:
    def __init__(self, start: dict[str, int]) -> None:
        self.next = dict(start)

    def take(self, table: Table) -> int:
        value = self.next[table.name]
        self.next[table.name] = value + 1
        return value

    def after_lanes(self, used: list[dict[str, int]], lanes: int) -> None:
        """Move past the ids that `lanes` LaneIds from here took (`used`: each lane's counts)."""
        for name in self.next:
            self.next[name] += max((u.get(name, 0) for u in used), default=0) * lanes


class LaneIds(Ids):
    """Ids for lane `lane` of `lanes` from `start`: start + lane, start + lane + lanes, … per
    table. The streets of a district are lanes, so that each street's rows get the same ids
    whether the streets are generated one after another or in several processes."""

    def __init__(self, start: dict[str, int], lane: int, lanes: int) -> None:
        super().__init__(start)
        self.lane, self.lanes = lane, lanes
        self.used: dict[str, int] = {}

    def take(self, table: Table) -> int:
        n = self.used.get(table.name, 0)
        self.used[table.name] = n + 1
        return self.next[table.name] + n * self.lanes + self.lane


@dataclass
class Context:
    seed: int
    scale: Scale
    writer: Writer
    ids: Ids
    password_hash: str
    id_numbers: IdNumbers = field(default_factory=IdNumbers)
    anchors: Anchors = field(default_factory=Anchors)
    demo_user_ids: dict[str, int] = field(default_factory=dict)  # role key → user id
    counts: dict[str, int] = field(default_factory=dict)
    lattice: Any = None

    def add(self, table: Table, row: tuple[Any, ...]) -> None:
        self.writer.add(table, row)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n
