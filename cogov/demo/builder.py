"""Build the demo district: `build("tiny", seed=1)`.

The order is fixed (and every part draws from its own seeded stream), so the same seed gives
the same rows. Rows go to a writer in foreign-key order; each street is one transaction. The
streets of a district take ids from lanes of their own (context.LaneIds), so on PostgreSQL they
are generated in forked processes, one per core, and the rows do not depend on how many.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from django.db import connections, transaction
from tqdm import tqdm

from cogov.organizations.models import OrgKind

from .accounts import demo_password_hash, finish_demo_accounts, reserve_demo_users
from .context import Anchors, Context, IdNumbers, Ids, LaneIds
from .digest import Digest
from .organizations import build_community_orgs, build_district_orgs
from .people import build_grid_people
from .randomness import stream
from .scales import SCALES
from .staff import build_community_staff, build_district_staff
from .territory import Place, build_grid_housing, build_nodes
from .writers import BulkCreateWriter, Writer, next_ids, workers


@dataclass
class Report:
    scale: str
    seed: int
    seconds: float
    cpu_seconds: float  # this process only (a database server's work is not in it)
    digest: str
    counts: dict[str, int]
    first_ids: dict[str, int]
    rows: dict[str, int] = field(default_factory=dict)
    # The ids after the generator's rows (exclusive): the activity modules' actions write more
    # rows to some demo tables (memberships of committee members), after these.
    end_ids: dict[str, int] = field(default_factory=dict)
    # Wall seconds per stage, in order ("base" is the generator's tables, then each activity).
    stages: dict[str, float] = field(default_factory=dict)


def build(
    scale: str,
    seed: int,
    *,
    writer: Writer | None = None,
    start_ids: dict[str, int] | None = None,
    progress: bool = False,
) -> Report:
    """Generate the demo at `scale` from `seed` and hand every row to `writer` (the database
    through bulk_create by default). Ids start after the rows already stored."""
    started, started_cpu = time.perf_counter(), time.process_time()
    writer = writer or BulkCreateWriter()
    first_ids = dict(start_ids or next_ids())
    ctx = Context(seed, SCALES[scale], writer, Ids(first_ids), demo_password_hash())
    with transaction.atomic():
        reserve_demo_users(ctx, stream(seed, "accounts"))
        districts = build_nodes(ctx)
        _anchor_nodes(ctx, districts[0])
        writer.flush()
    with tqdm(
        total=ctx.scale.community_count,
        unit="community",
        disable=not progress,
        desc=f"demo {scale}",
    ) as bar:
        for district in districts:
            _district(ctx, district, bar)
    with transaction.atomic():
        finish_demo_accounts(ctx, stream(seed, "accounts", "memberships"))
        writer.close()
    end_ids = dict(ctx.ids.next)
    stages = {"base": time.perf_counter() - started}
    if isinstance(writer, BulkCreateWriter):
        _activity(ctx, scale, seed, [d.id for d in districts], stages)
    return Report(
        scale,
        seed,
        time.perf_counter() - started,
        time.process_time() - started_cpu,
        writer.digest.hexdigest(),
        dict(sorted(ctx.counts.items())),
        first_ids,
        dict(writer.rows_written),
        end_ids,
        {k: round(v, 1) for k, v in stages.items()},
    )


def _activity(
    ctx: Context, scale: str, seed: int, district_ids: list[int], stages: dict[str, float]
) -> None:
    """The activity on the stored district, each stage timed into `stages`."""
    from .activity_assessment import build_assessment_activity
    from .activity_budgeting import build_budgeting_activity
    from .activity_cases import build_case_activity
    from .activity_cooperation import build_cooperation_activity
    from .activity_disclosure import build_disclosure_activity
    from .activity_funds import build_funds_activity
    from .activity_points import build_points_activity

    def stage(name: str, count: str, run: Callable[[], int]) -> None:
        t = time.perf_counter()
        ctx.counts[count] = run()
        stages[name] = time.perf_counter() - t

    # A year of cases on the stored district (activity_cases.py).
    stage("cases", "cases", lambda: build_case_activity(scale, seed, district_ids))
    # Co-construction and volunteering in the first community (activity_cooperation.py,
    # activity_points.py): through the apps' actions, a fixed small volume.
    stage("cooperation", "cooperation", lambda: build_cooperation_activity(seed))
    stage("points", "volunteer_signups", lambda: build_points_activity(seed))
    # A year of community funds in the demo district (activity_funds.py).
    stage("funds", "fund_entries", lambda: build_funds_activity(seed, district_ids[0]))
    # This year's disclosure obligations and notices in the first street
    # (activity_disclosure.py): some published late, one missing.
    stage("disclosure", "disclosure_notices", lambda: build_disclosure_activity(seed))
    # A 民生微实事 round that went all the way (committed in the fund above) and next
    # year's round open for proposals, in the first community (activity_budgeting.py).
    stage("budgeting", "budgeting_proposals", lambda: build_budgeting_activity(seed))
    # This year's evaluation round over the district's communities, published
    # (activity_assessment.py); after the other activity, whose metrics it reads.
    stage("assessment", "assessment_results", lambda: build_assessment_activity(seed))


def _anchor_nodes(ctx: Context, district: Place) -> None:
    street = district.children[0]
    community = street.children[0]
    a = ctx.anchors
    a.district_id, a.street_id, a.community_id, a.grid_id = (
        district.id,
        street.id,
        community.id,
        community.children[0].id,
    )


def _district(ctx: Context, district: Place, bar: tqdm) -> None:
    rng = stream(ctx.seed, "district", district.code)
    with transaction.atomic():
        orgs = build_district_orgs(ctx, rng, district)
        build_district_staff(ctx, rng, district, orgs)
        ctx.writer.flush()
    if district.id == ctx.anchors.district_id:
        ctx.anchors.orgs[OrgKind.DEPARTMENT] = orgs.departments[0]
    # The streets are lanes (context.LaneIds, IdNumbers): each takes ids and identity numbers
    # of its own, so a street's rows are the same whether the streets are generated one after
    # another or in forked processes, one per core (PostgreSQL, a writer to the database).
    streets = [
        Lane(
            k, len(district.children), street, orgs.street_committees[street.id], dict(ctx.ids.next)
        )
        for k, street in enumerate(district.children)
    ]
    n = workers(len(streets)) if ctx.writer.forkable else 1
    if n > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        global _FORKED_CONTEXT
        _FORKED_CONTEXT = ctx  # inherited by the forked processes, not pickled
        connections.close_all()  # each forked process opens its own
        try:
            with ProcessPoolExecutor(n, mp_context=get_context("fork")) as pool:
                results = list(_progress(pool.map(_forked_street, streets), streets, bar))
        finally:
            _FORKED_CONTEXT = None
    else:
        results = list(_progress((_street(ctx, lane) for lane in streets), streets, bar))
    # Merge in street order, so that the anchors (the first community's) are the same.
    for street in results:
        ctx.writer.digest.merge(street.digest)
        for name, rows in street.rows_written.items():
            ctx.writer.rows_written[name] = ctx.writer.rows_written.get(name, 0) + rows
        for what, count in street.counts.items():
            ctx.count(what, count)
        for kind, org_id in street.anchors.orgs.items():
            ctx.anchors.orgs.setdefault(kind, org_id)
        ctx.anchors.persons.update(street.anchors.persons)
        ctx.anchors.party_branch_of.update(street.anchors.party_branch_of)
    ctx.ids.after_lanes([street.ids_used for street in results], len(streets))


@dataclass
class Lane:
    """One street of a district, generated apart: lane `index` of `lanes`, its ids from `start`."""

    index: int
    lanes: int
    street: Place
    committee: tuple[int, str]  # the street's party working committee
    start: dict[str, int]


@dataclass
class StreetRows:
    """What generating a street changed besides the database: merged by `_district`."""

    ids_used: dict[str, int]
    counts: dict[str, int]
    rows_written: dict[str, int]
    digest: Digest
    anchors: Anchors


_FORKED_CONTEXT: Context | None = None


def _forked_street(lane: Lane) -> StreetRows:
    assert _FORKED_CONTEXT is not None
    try:
        return _street(_FORKED_CONTEXT, lane)
    finally:
        connections.close_all()


def _progress(results: Iterator[StreetRows], lanes: list[Lane], bar: tqdm) -> Iterator[StreetRows]:
    for lane, result in zip(lanes, results, strict=True):
        bar.update(len(lane.street.children))
        yield result


def _street(ctx: Context, lane: Lane) -> StreetRows:
    """Generate one street's communities in one transaction, on a context of the street's own."""
    writer = ctx.writer
    kept = writer.digest, writer.rows_written
    writer.digest, writer.rows_written = Digest(), {}
    own = replace(
        ctx,
        ids=LaneIds(lane.start, lane.index, lane.lanes),
        id_numbers=IdNumbers(lane.index, lane.lanes),
        counts={},
        anchors=copy.deepcopy(ctx.anchors),
    )
    try:
        with transaction.atomic():
            for community in lane.street.children:
                _community(own, community, lane.committee)
            writer.flush()
        assert isinstance(own.ids, LaneIds)
        return StreetRows(own.ids.used, own.counts, writer.rows_written, writer.digest, own.anchors)
    finally:
        writer.digest, writer.rows_written = kept


def _community(ctx: Context, community: Place, street_committee: tuple[int, str]) -> None:
    rng = stream(ctx.seed, "community", community.code)
    orgs = build_community_orgs(ctx, rng, community, street_committee)
    build_community_staff(ctx, rng, community, orgs)
    first = community.id == ctx.anchors.community_id
    if first:
        for kind, ids in orgs.by_kind.items():
            ctx.anchors.orgs.setdefault(kind, ids[0])
    grids = community.children
    estate_numbers: dict[str, int] = {}
    for index, grid in enumerate(grids):
        grid_rng = stream(ctx.seed, "grid", grid.code)
        estate = orgs.estates[index]
        buildings = build_grid_housing(
            ctx, grid_rng, grid, estate, estate_numbers.get(estate, 1), force_unsold=index == 0
        )
        estate_numbers[estate] = estate_numbers.get(estate, 1) + len(buildings)
        branch = orgs.party.branches[index * len(orgs.party.branches) // len(grids)]
        build_grid_people(
            ctx, grid_rng, grid, buildings, orgs.party, branch, first_grid=first and index == 0
        )
