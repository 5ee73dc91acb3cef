"""Set-based assignment of households to people (包楼包户), linear in the number of households.

1. Fetch the campaign's households as tuples `(household, building, grid)` in one query, ordered
   by grid and building, and the grids' paths in another.
2. Plan in Python (`plan`): households are grouped by grid, then by building. Pass 1 gives each
   grid's buildings to the people whose own grid it is; what is left goes, in pass 2, to people
   of the same community, then (pass 3) of the same street, then (pass 4) to anyone with room.
   Within a pass the biggest building goes first, to the person with the largest share of their
   capacity still free who can take the whole building (a few candidates are tried); buildings
   nobody can take whole are split across the freest people at the end of the pass. People are
   kept in lazy max-heaps per grid, community, street and overall: each step is O(log people).
3. Write: new rows with COPY on PostgreSQL, `executemany` in batches of 10,000 on SQLite;
   households left unassigned by an earlier run with one UPDATE per person.

Capacity is never exceeded; households nobody has room for stay unassigned (and are counted).
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

BATCH = 10_000
CANDIDATES = 8  # people tried for a whole building before it is split


@dataclass
class Person:
    """A participant as the planner sees it."""

    user_id: int
    home_path: str | None
    capacity: int
    load: int = 0

    @property
    def free(self) -> int:
        return self.capacity - self.load


@dataclass
class Plan:
    assignee: dict[int, int | None] = field(default_factory=dict)  # household → user (or None)
    per_person: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def unassigned(self) -> int:
        return sum(1 for v in self.assignee.values() if v is None)


class _Heaps:
    """Lazy max-heaps of people by the share of their capacity still free, one per key."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = people
        self.heaps: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
        self.counter = itertools.count()

    def add(self, key: str, index: int) -> None:
        p = self.people[index]
        if p.free > 0:
            heapq.heappush(self.heaps[key], (-p.free / p.capacity, next(self.counter), index))

    def pop(self, key: str) -> int | None:
        heap = self.heaps.get(key)
        while heap:
            share, _n, index = heapq.heappop(heap)
            p = self.people[index]
            if p.free <= 0:
                continue
            if -share != p.free / p.capacity:  # stale entry: push the current share back
                heapq.heappush(heap, (-p.free / p.capacity, next(self.counter), index))
                continue
            return index
        return None


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def plan(
    households: Iterable[tuple[int, int, int]],
    grid_paths: dict[int, str],
    people: Sequence[Person],
) -> Plan:
    """Assign `households` ((household, building, grid) tuples) to `people`.

    `grid_paths` maps each grid id to its path ("/district/street/community/grid/"); a person's
    `home_path` is the path of their own grid or community (or None: no home, last pass only).
    """
    result = Plan()
    # grid → building → [households]; dicts keep first-seen order, so the result is stable.
    by_grid: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for household_id, building_id, grid_id in households:
        by_grid[grid_id][building_id].append(household_id)
    heaps = _Heaps(people)
    for index, p in enumerate(people):
        if p.capacity <= 0:
            continue
        heaps.add("*", index)
        if p.home_path:
            # Pushed under its own node and every node above it: a grid worker is also in
            # the pools of the community and the street.
            for ancestor in _ancestors(p.home_path):
                heaps.add(ancestor, index)
    # Work list: (grid path, households of one building). Pass k looks for people at depth
    # `len(ancestors) - k` of the grid's path: its grid, community, street, then anyone.
    pending: list[tuple[str, list[int]]] = []
    for grid_id, buildings in by_grid.items():
        path = grid_paths[grid_id]
        for members in sorted(buildings.values(), key=len, reverse=True):
            pending.append((path, members))
    # Each pass places whole buildings first and splits what is left only then, so a big
    # building does not use up the room a smaller one needed to stay whole.
    for level, split in itertools.product((0, 1, 2, None), (False, True)):
        if not pending:
            break
        left: list[tuple[str, list[int]]] = []
        current: str | None = None
        current_key = "*"
        for path, members in pending:
            if path != current:
                current = path
                if level is None:
                    current_key = "*"
                else:
                    chain = _ancestors(path)
                    current_key = chain[-1 - level] if len(chain) > level else ""
            rest = _place(members, heaps, current_key, result, split) if current_key else members
            if rest:
                left.append((path, rest))
        pending = left
    for _path, members in pending:
        for household_id in members:
            result.assignee[household_id] = None
    return result


def _place(members: list[int], heaps: _Heaps, key: str, result: Plan, split: bool) -> list[int]:
    """Give one building's households to people of `key`; return what nobody could take."""
    people = heaps.people
    need = len(members)
    tried: list[int] = []
    chosen: int | None = None
    while len(tried) < CANDIDATES:
        index = heaps.pop(key)
        if index is None:
            break
        if people[index].free >= need:
            chosen = index
            break
        tried.append(index)
    if chosen is not None:
        _give(members, chosen, people, result)
        heaps.add(key, chosen)
        for index in tried:
            heaps.add(key, index)
        return []
    if not split:
        for index in tried:
            heaps.add(key, index)
        return members
    # Nobody takes it whole: split across the freest people, biggest room first.
    tried.sort(key=lambda i: people[i].free, reverse=True)
    queue = list(tried)
    start = 0
    while start < need:
        index = queue.pop(0) if queue else heaps.pop(key)
        if index is None:
            break
        take = min(people[index].free, need - start)
        _give(members[start : start + take], index, people, result)
        start += take
        heaps.add(key, index)
    for index in queue:
        heaps.add(key, index)
    return members[start:]


def _give(members: list[int], index: int, people: Sequence[Person], result: Plan) -> None:
    p = people[index]
    for household_id in members:
        result.assignee[household_id] = p.user_id
    p.load += len(members)
    result.per_person[p.user_id] += len(members)


# --- database side ------------------------------------------------------------------------


@dataclass
class Outcome:
    created: int
    assigned: int
    unassigned: int
    per_person: dict[int, int]


def _copy_text(rows: Sequence[tuple[Any, ...]]) -> str:
    """Rows in COPY's text format (ids, a path and a timestamp: nothing to escape)."""
    null = "\\N"
    out = []
    for c, h, b, g, com, st, path, a, at in rows:
        out.append(
            f"{c}\t{h}\t{b}\t{g}\t{null if com is None else com}\t{null if st is None else st}"
            f"\t{path}\t{null if a is None else a}\t{null if at is None else at}\n"
        )
    return "".join(out)


def area_filter(paths: Sequence[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def run(campaign: Any, people: Sequence[Person]) -> Outcome:
    """Create the campaign's household rows that are missing and assign every household that has
    no assignee. Runs inside the caller's transaction."""
    from cogov.territory.models import Household, Node

    from .models import CampaignHousehold

    paths = list(campaign.areas.values_list("path", flat=True))
    grids = dict(
        Node.objects.filter(area_filter(paths, "path"), level="grid").values_list("id", "path")
    )
    ancestor_ids = {int(part) for path in grids.values() for part in path.strip("/").split("/")}
    level_of = dict(Node.objects.filter(pk__in=ancestor_ids).values_list("id", "level"))
    existing = CampaignHousehold.objects.filter(campaign=campaign)
    known = set(existing.values_list("household_id", flat=True))
    waiting = {
        household_id: row_id
        for row_id, household_id in existing.filter(assignee__isnull=True).values_list(
            "id", "household_id"
        )
    }
    rows = (
        Household.objects.filter(building__grid_id__in=list(grids))
        .order_by("building__grid_id", "building_id", "id")
        .values_list("id", "building_id", "building__grid_id")
    )
    # Plain tuples straight from the cursor: the ORM's per-row work costs more than the query.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = [r for r in cursor.fetchall() if r[0] not in known or r[0] in waiting]
    result = plan(fetched, grids, people)
    now = timezone.now()
    stamp: Any = connection.ops.adapt_datetimefield_value(now)
    if connection.vendor == "postgresql":
        stamp = now.isoformat()  # COPY text format

    def chain(grid_id: int) -> tuple[int | None, int | None]:
        ids = [int(p) for p in grids[grid_id].strip("/").split("/") if p]
        found = {level_of.get(i): i for i in ids}
        return found.get("community"), found.get("street")

    chains = {grid_id: chain(grid_id) for grid_id in grids}
    table = connection.ops.quote_name(CampaignHousehold._meta.db_table)
    columns = (
        "campaign_id, household_id, building_id, grid_id, community_id, street_id, "
        "territory_path, assignee_id, assigned_at"
    )
    # The table and column names are ours, quoted; values go as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
    new_rows = []
    updates: dict[int | None, list[int]] = defaultdict(list)
    for household_id, building_id, grid_id in fetched:
        user_id = result.assignee[household_id]
        if household_id in waiting:
            if user_id is not None:
                updates[user_id].append(waiting[household_id])
            continue
        community_id, street_id = chains[grid_id]
        new_rows.append(
            (
                campaign.pk,
                household_id,
                building_id,
                grid_id,
                community_id,
                street_id,
                grids[grid_id],
                user_id,
                stamp if user_id is not None else None,
            )
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of a round trip per row.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(new_rows), BATCH):
                    copy.write(_copy_text(new_rows[start : start + BATCH]))  # stamp: isoformat
        else:
            for start in range(0, len(new_rows), BATCH):
                cursor.executemany(sql, new_rows[start : start + BATCH])
    for user_id, row_ids in updates.items():
        for start in range(0, len(row_ids), BATCH):
            CampaignHousehold.objects.filter(pk__in=row_ids[start : start + BATCH]).update(
                assignee_id=user_id, assigned_at=now
            )
    assigned = sum(1 for v in result.assignee.values() if v is not None)
    return Outcome(len(new_rows), assigned, result.unassigned, dict(result.per_person))
