"""Measure the household assignment of a campaign on a synthetic district of 300,000 households.

    COGOV_DATA_DIR=/tmp/cogov-bench .venv/bin/python bench/campaign_assign.py [households]

Builds (with raw bulk inserts, in a fresh database under COGOV_DATA_DIR, or DATABASE_URL) one
district, 10 streets, 100 communities, 1,600 grids, 10 buildings per grid and the households,
4,800 people to assign to (a grid worker and two party members per grid), then times
`cogov.campaigns.actions.assign_households` over the district. Prints the figure for
docs/campaigns.md. No assertion: this is a measurement.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cogov.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402


def build(households: int) -> tuple[object, object]:
    from cogov.accounts.models import User
    from cogov.territory.models import Node

    today = dt.date(2020, 1, 1)
    district = Node.objects.create(level="district", code="990001", name="Bench", valid_from=today)
    grids = []
    for s in range(10):
        street = Node.objects.create(
            level="street", parent=district, code=f"990001{s:03d}", name=f"S{s}", valid_from=today
        )
        for c in range(10):
            community = Node.objects.create(
                level="community",
                parent=street,
                code=f"990001{s:03d}{c:03d}",
                name=f"C{s}.{c}",
                valid_from=today,
            )
            for g in range(16):
                grids.append(
                    Node(
                        level="grid",
                        parent=community,
                        code=f"990001{s:03d}{c:03d}{g:03d}",
                        name=f"G{s}.{c}.{g}",
                        valid_from=today,
                        path=f"{community.path}",
                    )
                )
    Node.objects.bulk_create(grids)
    # bulk_create skips save(): set the paths in one pass.
    for grid in Node.objects.filter(level="grid", code__startswith="990001"):
        Node.objects.filter(pk=grid.pk).update(path=f"{grid.path}{grid.pk}/")
    grid_ids = list(
        Node.objects.filter(level="grid", code__startswith="990001").values_list("id", flat=True)
    )
    per_grid = households // len(grid_ids)
    with connection.cursor() as cursor:
        b_rows = []
        for gi, grid_id in enumerate(grid_ids):
            for b in range(10):
                b_rows.append((f"bb{gi:05d}-{b}", f"{b}号楼", "", grid_id, uuid.uuid4().hex))
        cursor.executemany(
            "INSERT INTO territory_building (code, name, address, grid_id, uuid)"
            " VALUES (%s, %s, %s, %s, %s)",
            b_rows,
        )
        cursor.execute("SELECT id, grid_id FROM territory_building WHERE code LIKE 'bb%%'")
        buildings: dict[int, list[int]] = {}
        for bid, gid in cursor.fetchall():
            buildings.setdefault(gid, []).append(bid)
        h_rows = []
        n = 0
        for grid_id in grid_ids:
            for i in range(per_grid):
                bid = buildings[grid_id][i % 10]
                h_rows.append(
                    (f"hh{n:07d}", f"{i // 10 + 1}-{i % 10 + 1:02d}", bid, uuid.uuid4().hex)
                )
                n += 1
        for start in range(0, len(h_rows), 20000):
            cursor.executemany(
                "INSERT INTO territory_household (code, door, building_id, uuid)"
                " VALUES (%s, %s, %s, %s)",
                h_rows[start : start + 20000],
            )
    admin = User.objects.create_superuser("bench-admin", password="x")
    return district, admin


def main() -> None:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    call_command("migrate", verbosity=0)
    from cogov.accounts.models import User
    from cogov.campaigns import actions
    from cogov.campaigns.models import Campaign, CampaignHousehold, CampaignWorker
    from cogov.territory.models import Node

    t0 = time.perf_counter()
    district = Node.objects.filter(code="990001").first()
    if district is None:
        with transaction.atomic():
            district, admin = build(households)
        print(
            f"built {households:,} households in {time.perf_counter() - t0:.1f} s "
            f"({connection.vendor})"
        )
    else:  # a database built by an earlier run: measure again on it
        admin = User.objects.get(username="bench-admin")
    run = Campaign.objects.count()
    now = timezone.now()
    campaign = actions.create_campaign(
        actor=admin,
        kind="census",
        title="bench",
        areas=list(Node.objects.filter(parent=district)),
        starts_at=now,
        ends_at=now + dt.timedelta(days=3),
    )
    grids = list(Node.objects.filter(level="grid", path__startswith=district.path))
    users = User.objects.bulk_create(
        [User(username=f"bench-{run}-{i}", password="!") for i in range(len(grids) * 3)]
    )
    CampaignWorker.objects.bulk_create(
        [
            CampaignWorker(
                campaign=campaign,
                user=users[3 * i + k],
                role=("grid_worker", "party_member", "party_member")[k],
                home=grid,
                capacity=(150, 30, 30)[k],
            )
            for i, grid in enumerate(grids)
            for k in range(3)
        ]
    )
    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    t0, c0 = time.perf_counter(), time.process_time()
    outcome = actions.assign_households(actor=admin, campaign=campaign)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if profile is not None:
        profile.disable()
        profile.print_stats("cumtime")
    assert CampaignHousehold.objects.filter(campaign=campaign).count() == outcome.created
    print(
        f"assigned {outcome.assigned:,} of {outcome.created:,} households to {len(users):,} people "
        f"({outcome.unassigned:,} unassigned) in {seconds:.2f} s ({cpu:.2f} s CPU in this process)"
    )


if __name__ == "__main__":
    main()
