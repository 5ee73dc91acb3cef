"""Territory rows: the node tree with its polygons, then buildings, households and property
units grid by grid."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from cogov.territory.models import Level

from . import tables as t
from .context import VALID_FROM, Context
from .geometry import Lattice, area_m2
from .randomness import make_uuid, place_names, stream

# District G is named after the seeds' Guangzhou district; a city adds nine neighbours.
DISTRICTS = [
    ("440111", "G区"),
    ("440103", "A区"),
    ("440104", "B区"),
    ("440105", "C区"),
    ("440106", "D区"),
    ("440112", "E区"),
    ("440113", "F区"),
    ("440114", "H区"),
    ("440115", "J区"),
    ("440117", "K区"),
]
CN_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for branch and grid numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass
class Place:
    id: int
    code: str
    name: str
    path: str
    cells: tuple[int, int, int, int]  # c0, r0, c1, r1 on the lattice
    children: list[Place] = field(default_factory=list)
    parent: Place | None = None

    @property
    def district_code(self) -> str:
        return self.code[:6]


def _blocks(
    outer: tuple[int, int, int, int], n: tuple[int, int]
) -> Iterator[tuple[int, int, int, int]]:
    """Split a block of cells into nx × ny equal sub-blocks, row by row from the south-west."""
    c0, r0, c1, r1 = outer
    w, h = (c1 - c0) // n[0], (r1 - r0) // n[1]
    for j in range(n[1]):
        for i in range(n[0]):
            yield c0 + i * w, r0 + j * h, c0 + (i + 1) * w, r0 + (j + 1) * h


def _node(
    ctx: Context,
    lattice: Lattice,
    level: str,
    parent: Place | None,
    code: str,
    name: str,
    cells: tuple[int, int, int, int],
    rng: random.Random,
) -> Place:
    node_id = ctx.ids.take(t.NODE)
    path = f"{parent.path if parent else '/'}{node_id}/"
    place = Place(node_id, code, name, path, cells, parent=parent)
    ring = lattice.ring(*cells)
    ctx.add(
        t.NODE,
        (
            node_id,
            make_uuid(rng),
            level,
            parent.id if parent else None,
            path,
            code,
            name,
            lattice.polygon(*cells),
            area_m2(ring),
            VALID_FROM,
        ),
    )
    ctx.count(f"nodes.{level}")
    if parent:
        parent.children.append(place)
    return place


def build_nodes(ctx: Context) -> list[Place]:
    """Districts → streets → communities → grids, with codes of 6, 9, 12 and 15 digits."""
    scale = ctx.scale
    cols, rows = scale.lattice
    lattice = Lattice(cols, rows, stream(ctx.seed, "lattice"), scale.jitter)
    rng = stream(ctx.seed, "nodes")
    districts = []
    for d_index, d_cells in enumerate(_blocks((0, 0, cols, rows), scale.districts)):
        d_code, d_name = DISTRICTS[d_index]
        district = _node(ctx, lattice, Level.DISTRICT, None, d_code, d_name, d_cells, rng)
        districts.append(district)
        street_blocks = list(_blocks(d_cells, scale.streets))
        street_names = place_names(rng, len(street_blocks), "街道")
        per_street = scale.communities[0] * scale.communities[1]
        community_names = place_names(rng, len(street_blocks) * per_street, "社区")
        for s_index, s_cells in enumerate(street_blocks):
            street = _node(
                ctx,
                lattice,
                Level.STREET,
                district,
                f"{d_code}{s_index + 1:03d}",
                street_names[s_index],
                s_cells,
                rng,
            )
            for c_index, c_cells in enumerate(_blocks(s_cells, scale.communities)):
                name = community_names[s_index * per_street + c_index]
                community = _node(
                    ctx,
                    lattice,
                    Level.COMMUNITY,
                    street,
                    f"{street.code}{c_index + 1:03d}",
                    name,
                    c_cells,
                    rng,
                )
                for g_index, g_cells in enumerate(_blocks(c_cells, scale.grids)):
                    _node(
                        ctx,
                        lattice,
                        Level.GRID,
                        community,
                        f"{community.code}{g_index + 1:03d}",
                        f"{name.removesuffix('社区')}第{cn_number(g_index + 1)}网格",
                        g_cells,
                        rng,
                    )
    ctx.lattice = lattice
    return districts


# Building types: (weight, floors range, units, doors per floor, area range m²)
BUILDING_TYPES = [
    (0.35, (6, 9), (1, 3), (2, 2), (55, 95)),  # older walk-up blocks
    (0.40, (11, 18), (1, 2), (2, 4), (70, 120)),  # mid-rise
    (0.25, (25, 33), (1, 2), (4, 4), (80, 145)),  # high-rise
]
OCCUPANCY = 0.92
UNSOLD_RATE = 0.02


@dataclass
class Slot:
    """One door of a building: its property unit and, when occupied, its household."""

    unit_id: int
    door: str
    unsold: bool
    household_id: int | None


@dataclass
class BuildingRows:
    id: int
    name: str
    slots: list[Slot]


def build_grid_housing(
    ctx: Context,
    rng: random.Random,
    grid: Place,
    estate: str,
    first_building: int,
    force_unsold: bool,
) -> list[BuildingRows]:
    """Buildings of one grid until its target number of households is reached."""
    lattice: Lattice = ctx.lattice
    target = max(1, round(ctx.scale.households_per_grid * rng.uniform(0.75, 1.25)))
    weights = [b[0] for b in BUILDING_TYPES]
    buildings: list[BuildingRows] = []
    households = 0
    number = first_building
    c0, r0, _, _ = grid.cells
    while households < target:
        _, floors_range, units_range, doors_range, area_range = rng.choices(
            BUILDING_TYPES, weights
        )[0]
        units = rng.randint(*units_range)
        doors = rng.randint(*doors_range)
        needed = math.ceil((target - households) / (units * doors * OCCUPANCY))
        floors = max(2, min(rng.randint(*floors_range), needed))
        building_id = ctx.ids.take(t.BUILDING)
        code = f"{grid.code}{len(buildings) + 1:03d}"
        name = f"{estate}{number}栋"
        lon, lat = lattice.point_in_cell(c0, r0, rng.uniform(0.12, 0.88), rng.uniform(0.12, 0.88))
        ctx.add(
            t.BUILDING,
            (
                building_id,
                make_uuid(rng),
                grid.id,
                code,
                name,
                f"{grid.parent.name if grid.parent else ''}{name}",
                lon,
                lat,
                floors,
            ),
        )
        ctx.count("buildings")
        row = BuildingRows(building_id, name, [])
        buildings.append(row)
        number += 1
        base_area = rng.randint(*area_range)
        for floor in range(1, floors + 1):
            for unit in range(1, units + 1):
                for door_no in range(1, doors + 1):
                    # Every community shows at least one unit still held by the developer.
                    unsold = force_unsold and not row.slots and not buildings[:-1]
                    row.slots.append(
                        _slot(
                            ctx,
                            rng,
                            building_id,
                            code,
                            f"{unit}-{floor}{door_no:02d}",
                            base_area + door_no * 7 - 7,
                            unsold,
                        )
                    )
        households += sum(1 for s in row.slots if s.household_id)
    return buildings


def _slot(
    ctx: Context,
    rng: random.Random,
    building_id: int,
    building_code: str,
    door: str,
    area: int,
    unsold: bool,
) -> Slot:
    unit_id = ctx.ids.take(t.PROPERTY_UNIT)
    unsold = rng.random() < UNSOLD_RATE or unsold
    household_id = None
    if not unsold and rng.random() < OCCUPANCY:
        household_id = ctx.ids.take(t.HOUSEHOLD)
        ctx.add(
            t.HOUSEHOLD,
            (household_id, make_uuid(rng), building_id, f"{building_code}-{door}", door),
        )
        ctx.count("households")
    exclusive = (Decimal(area) + Decimal(rng.randrange(0, 100)) / 100).quantize(Decimal("0.01"))
    ctx.add(
        t.PROPERTY_UNIT,
        (unit_id, make_uuid(rng), building_id, household_id, door, exclusive, unsold),
    )
    ctx.count("property_units")
    if unsold:
        ctx.count("unsold_units")
    return Slot(unit_id, door, unsold, household_id)
