"""A year of case activity for the demo district (docs/demo.md, "Case activity").

Called at the end of `builder.build` for every scale. Each grid gets its share of the scale's
cases (`VOLUME`), spread over the twelve months before the demo's "today" (`AS_OF_TIME`); each
case's story (its path through the workflow, events, deadlines, whistles) is drawn by
`case_story.py` from `stream(seed, "cases", grid code)`, so the same seed gives the same cases.
Rows go to the database every `BATCH` cases (COPY on PostgreSQL, bulk_create elsewhere), so
memory stays bounded; on PostgreSQL consecutive grids are shared among forked processes, one
per core, with ids that do not depend on their number (`Share`, `ROWS_PER_CASE`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.models import Max

from .case_story import DAY, Batch, Grid, _one
from .context import AS_OF_TIME
from .randomness import stream
from .writers import workers

# Cases per scale (about 2,000 for small, 100,000 for a district).
VOLUME = {"tiny": 100, "small": 2_000, "district": 100_000, "city": 1_000_000}
BATCH = 2_000


def build_case_activity(scale: str, seed: int, district_ids: list[int] | None = None) -> int:
    """Generate the demo's cases (VOLUME[scale]) under the demo districts; returns how many."""
    from cogov.cases.models import CaseNumber, Category
    from cogov.territory.models import Node

    total = VOLUME[scale]
    if district_ids is None:
        district_ids = list(
            Node.objects.filter(level="district", code__startswith="4401").values_list(
                "pk", flat=True
            )
        )
    grids = _grids(district_ids)
    if not grids:
        return 0
    categories = list(
        Category.objects.filter(active=True, parent__isnull=False)
        .order_by("code")
        .values_list("pk", "code", "urgency")
    )
    departments = _departments(district_ids)
    per_grid, extra = divmod(total, len(grids))
    counts = [per_grid + (1 if index < extra else 0) for index in range(len(grids))]
    base = _next_ids()
    # Shares of consecutive grids, one per process (workers(): one on SQLite). A grid's numbers
    # and case ids follow from the cases before it; its other rows take ids from a block of its
    # own (ROWS_PER_CASE per case), so the same seed gives the same rows whatever the number
    # of processes that write them.
    n = workers(len(grids))
    edges = [len(grids) * k // n for k in range(n + 1)]
    shares = [
        Share(
            seed,
            grids[edges[k] : edges[k + 1]],
            counts[edges[k] : edges[k + 1]],
            sum(counts[: edges[k]]),
            base,
            categories,
            departments,
        )
        for k in range(n)
    ]
    if n > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        connections.close_all()  # each forked process opens its own
        with ProcessPoolExecutor(n, mp_context=get_context("fork")) as pool:
            written = sum(pool.map(_forked_share, shares))
    else:
        written = _write_share(shares[0])
    _reset_sequences()
    year = (AS_OF_TIME - DAY).year
    with transaction.atomic():
        row, _ = CaseNumber.objects.get_or_create(prefix="D", year=year)
        CaseNumber.objects.filter(pk=row.pk).update(last=max(row.last, sum(counts)))
    return written


# Upper bound of the events, deadlines, whistles and reports of each kind one case makes (the
# longest path has about 20 events): a grid's id block is this times its cases, checked.
ROWS_PER_CASE = 40


@dataclass
class Share:
    seed: int
    grids: list[Grid]
    counts: list[int]  # cases per grid
    first: int  # cases before this share's first grid
    base: dict[str, int]  # the first free id per model before the activity
    categories: list[tuple[int, str, str]]
    departments: list[tuple[int, int | None]]


def _forked_share(share: Share) -> int:
    try:
        return _write_share(share)
    finally:
        connections.close_all()


def _write_share(share: Share) -> int:
    number = share.first
    batch = Batch()
    written = 0
    for grid, count in zip(share.grids, share.counts, strict=True):
        ids = {name: top + number * ROWS_PER_CASE for name, top in share.base.items()}
        ids["Case"] = share.base["Case"] + number
        ends = {name: top + count * ROWS_PER_CASE for name, top in ids.items()}
        rng = stream(share.seed, "cases", grid.path)
        for _ in range(count):
            number += 1
            _one(rng, batch, ids, number, grid, share.categories, share.departments)
            if len(batch.cases) >= BATCH:
                written += _flush(batch)
        over = [name for name, top in ids.items() if top > ends[name]]
        if over:
            raise RuntimeError(f"case activity: more than {ROWS_PER_CASE} {over} rows per case")
    return written + _flush(batch)


def _grids(district_ids: list[int]) -> list[Grid]:
    from django.db.models import Q

    from cogov.accounts.models import Membership
    from cogov.organizations.models import Organization
    from cogov.territory.models import Building, Node

    cond = Q(pk__in=[])
    for d in Node.objects.filter(pk__in=district_ids):
        cond |= Q(path__startswith=d.path)
    nodes = list(Node.objects.filter(cond).values_list("pk", "level", "path", "parent_id"))
    by_id = {n[0]: n for n in nodes}
    grid_rows = sorted((n for n in nodes if n[1] == "grid"), key=lambda n: n[2])
    buildings: dict[int, list[Any]] = {}
    for b in Building.objects.filter(grid_id__in=[g[0] for g in grid_rows]).order_by("pk"):
        buildings.setdefault(b.grid_id, []).append((b.pk, b.lon, b.lat, b.address))
    orgs = list(
        Organization.objects.filter(node_id__in=list(by_id))
        .order_by("pk")
        .values_list("pk", "kind", "node_id")
    )
    leads: dict[int, list[int]] = {}
    street_office: dict[int, int] = {}
    for pk, kind, node_id in orgs:
        if kind in {"property_company", "residents_committee", "social_org"}:
            leads.setdefault(node_id, []).append(pk)
        elif kind == "street_office":
            street_office.setdefault(node_id, pk)
    staff: dict[tuple[str, int], list[int]] = {}
    org_staff: dict[int, int] = {}
    for user_id, role, node_id, org_id in (
        Membership.objects.filter(Q(node_id__in=list(by_id)) | Q(organization_id__isnull=False))
        .order_by("pk")
        .values_list("user_id", "role", "node_id", "organization_id")
    ):
        if node_id:
            staff.setdefault((role, node_id), []).append(user_id)
        if org_id:
            org_staff.setdefault(org_id, user_id)
    result = []
    for g in grid_rows:
        community = by_id[g[3]]
        street = by_id[community[3]]
        lead_ids = leads.get(community[0], [])
        result.append(
            Grid(
                id=g[0],
                path=g[2],
                community_id=community[0],
                street_id=street[0],
                buildings=buildings.get(g[0], []),
                lead_ids=lead_ids,
                street_office_id=street_office.get(street[0]),
                grid_worker=next(iter(staff.get(("grid_worker", g[0]), [])), None),
                centre=staff.get(("community_worker", community[0]), [])
                + staff.get(("party_secretary", community[0]), []),
                handlers={o: org_staff[o] for o in lead_ids if o in org_staff},
                street_officials=staff.get(("street_official", street[0]), []),
            )
        )
        if result[-1].street_office_id and result[-1].street_office_id in org_staff:
            result[-1].handlers[result[-1].street_office_id] = org_staff[
                result[-1].street_office_id
            ]
    return result


def _departments(district_ids: list[int]) -> list[tuple[int, int | None]]:
    from cogov.accounts.models import Membership
    from cogov.organizations.models import Organization

    depts = list(
        Organization.objects.filter(kind="department", node_id__in=district_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    staff: dict[int, int] = {}
    for user_id, org_id in (
        Membership.objects.filter(organization_id__in=depts)
        .order_by("pk")
        .values_list("user_id", "organization_id")
    ):
        staff.setdefault(org_id, user_id)
    return [(d, staff.get(d)) for d in depts]


def _next_ids() -> dict[str, int]:
    from cogov.cases.models import Case, CaseEvent, Whistle, WhistleReport
    from cogov.core.models import Deadline

    return {
        m.__name__: (m.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        for m in (Case, CaseEvent, Deadline, Whistle, WhistleReport)
    }


def _flush(batch: Batch) -> int:
    from cogov.cases.models import Case, CaseEvent, Whistle, WhistleReport
    from cogov.core.models import Deadline

    n = len(batch.cases)
    if not n:
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # COPY (cogov/demo/writers.py): the same rows, several times faster.
            from .writers import copy_instances

            copy_instances(Case, batch.cases)
            copy_instances(CaseEvent, batch.events)
            copy_instances(Whistle, batch.whistles)
            copy_instances(WhistleReport, batch.reports)
            copy_instances(Deadline, batch.deadlines)
        else:
            Case.objects.bulk_create(batch.cases, batch_size=1000)
            CaseEvent.objects.bulk_create(batch.events, batch_size=2000)
            Whistle.objects.bulk_create(batch.whistles, batch_size=1000)
            WhistleReport.objects.bulk_create(batch.reports, batch_size=1000)
            Deadline.objects.bulk_create(batch.deadlines, batch_size=2000)
    for name in ("cases", "events", "deadlines", "co", "whistles", "reports"):
        getattr(batch, name).clear()
    connection.queries_log.clear()
    return n


def _reset_sequences() -> None:
    from cogov.cases.models import Case, CaseEvent, Whistle, WhistleReport
    from cogov.core.models import Deadline

    statements = connection.ops.sequence_reset_sql(
        no_style(), [Case, CaseEvent, Whistle, WhistleReport, Deadline]
    )
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def demo_cases() -> Iterator[Any]:
    """The demo's cases (numbers "D…"), for tests."""
    from cogov.cases.models import Case

    return Case.objects.filter(number__startswith="D").iterator()
