"""Item 6: a census campaign over the whole district: assignment, then a burst of visits.

1. `create_campaign` over every street of the district and `call_up_pools` (grid workers,
   community staff, volunteers, in-service party members with accounts), then
   `assign_households` (包楼包户) over all its households (issue 9 wants under 10 s for ~300,000)
   timed against the database writing the same rows in one INSERT … SELECT (the assignment's
   rows copied to a twin campaign: same columns, same indexes).
2. `activate_campaign`; then a burst of visit submissions from the assignees' phones
   (`POST /api/campaigns/campaigns/<campaign>/visits`, each with its own token and a client key)
   to households spread over the district, 5 % of them sent again with the same client key
   (a dropped connection): rate and p50/p95/p99, every answer 201 (first) or 200 (replay), and
   afterwards every household counted exactly once (one visit row per client key, `visited_at`
   set once). The limit is pgbench at the same concurrency replaying the SQL one visit writes
   (captured from a real request): the visit row and the conditional UPDATE of its household.
3. The campaigns are deleted afterwards (the bench database stays as it was).

    python bench/b_campaign_visits.py --database-url postgres://…/cogov_bench_small --quick
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/, as the runner has it

import loadgen
import replay
from harness import Context, Figure, share

NAME = "campaign_visits"
TITLE = "Campaign: assigning a district's households, and a burst of visits"
VISITS = 500
CONNECTIONS = 40
RESENT = 0.05


def _admin() -> Any:
    from cogov.accounts.models import Membership

    m = Membership.objects.current().filter(role="admin", user__is_active=True).first()
    if m is None:
        raise RuntimeError("no administrator account (load the demo)")
    return m.user


def _district() -> Any:
    from cogov.territory.models import Node

    return (
        Node.objects.filter(code="440111").first()
        or Node.objects.filter(parent__isnull=True, level="district").order_by("pk").first()
    )


def _campaign(admin: Any, district: Any, title: str) -> Any:
    from django.utils import timezone

    from cogov.campaigns import actions
    from cogov.territory.models import Node

    now = timezone.now()
    return actions.create_campaign(
        actor=admin,
        kind="census",
        title=title,
        areas=list(Node.objects.active().filter(parent=district, level="street")),
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(days=3),
    )


def _columns(table: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [r[0] for r in cursor.fetchall()]


def _delete_campaigns(ids: list[int], uuids: list[str]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "campaigns_finding",
            "campaigns_visit",
            "campaigns_campaignhousehold",
            "campaigns_campaignworker",
            "campaigns_campaignevent",
        ):
            column = "subject_id" if table == "campaigns_campaignevent" else "campaign_id"
            cursor.execute(f'DELETE FROM "{table}" WHERE {column} = ANY(%s)', [ids])
        cursor.execute("DELETE FROM campaigns_campaign_areas WHERE campaign_id = ANY(%s)", [ids])
        for u in uuids:
            cursor.execute("DELETE FROM core_notification WHERE url LIKE %s", [f"/campaigns/{u}/%"])
        cursor.execute("DELETE FROM campaigns_campaign WHERE id = ANY(%s)", [ids])


def run(ctx: Context) -> list[Figure]:
    loadgen.setup_django(ctx.database_url)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from cogov.accounts.models import ApiToken, User
    from cogov.campaigns import actions
    from cogov.campaigns.models import CampaignHousehold, Visit

    visits = 100 if ctx.quick else VISITS
    work = ctx.out / NAME
    work.mkdir(parents=True, exist_ok=True)
    admin = _admin()
    district = _district()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    campaign = _campaign(admin, district, f"基准普查 {stamp}")
    twin = _campaign(admin, district, f"基准普查 INSERT…SELECT {stamp}")
    try:
        t0 = time.perf_counter()
        workers = actions.call_up_pools(actor=admin, campaign=campaign)
        call_up_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        outcome = actions.assign_households(actor=admin, campaign=campaign)
        assign_s = time.perf_counter() - t0
        loadgen.log(
            f"visits: {len(workers):,} called up in {call_up_s:.1f} s; {outcome.created:,} "
            f"households, {outcome.assigned:,} assigned in {assign_s:.1f} s"
        )
        columns = [c for c in _columns("campaigns_campaignhousehold") if c != "id"]
        listed = ", ".join(f'"{c}"' for c in columns)
        picked = ", ".join("%s" if c == "campaign_id" else f'"{c}"' for c in columns)
        loadgen.close_connections()
        with connection.cursor() as cursor:
            t0 = time.perf_counter()
            cursor.execute(
                f"INSERT INTO campaigns_campaignhousehold ({listed}) SELECT {picked} "
                "FROM campaigns_campaignhousehold WHERE campaign_id = %s",
                [twin.pk, campaign.pk],
            )
            copied = cursor.rowcount
            insert_s = time.perf_counter() - t0
        loadgen.log(f"visits: INSERT … SELECT of {copied:,} rows in {insert_s:.1f} s")

        campaign = actions.activate_campaign(actor=admin, campaign=campaign)
        # Households spread over the district, each visited by its assignee.
        entries = list(
            CampaignHousehold.objects.filter(campaign=campaign, assignee__isnull=False)
            .order_by("pk")
            .values_list("pk", "household__uuid", "assignee_id")
        )
        rng = random.Random(7)
        sample = rng.sample(entries, min(visits, len(entries) - 1))  # one left for the probe
        keys: dict[int, str] = {}
        ApiToken.objects.filter(name="bench-visits").delete()
        tokens = []
        for uid in sorted({a for _p, _h, a in sample}):
            key = f"cg_bench_visit_{uid}_{time.time_ns()}"
            keys[uid] = key
            tokens.append(
                ApiToken(
                    user_id=uid, name="bench-visits", prefix=key[:8], key_hash=ApiToken.hash(key)
                )
            )
        ApiToken.objects.bulk_create(tokens, batch_size=2000)
        path = f"/api/campaigns/campaigns/{campaign.uuid}/visits"
        client_time = timezone.now().isoformat()
        bodies = []
        for pk, household, assignee in sample:
            bodies.append(
                (
                    keys[assignee],
                    {
                        "household": str(household),
                        "client_key": str(uuid.uuid4()),
                        "outcome": "completed",
                        "answers": {"people_home": 1 + pk % 5, "tenure": "owner"},
                        "note": "",
                        "client_time": client_time,
                    },
                )
            )
        # 5 % sent again (same key, same payload), a little after their first copy.
        resent = [bodies[i] for i in range(0, len(bodies), round(1 / RESENT))]
        requests = list(bodies)
        for n, again in enumerate(resent):
            requests.insert(min(len(requests), (n + 1) * round(1 / RESENT) + 3 + n), again)

        # The SQL of one visit, for pgbench (a household outside the sample).
        spare = next(e for e in entries if e[0] not in {s[0] for s in sample})
        probe_key = (
            keys.get(spare[2]) or ApiToken.issue(User.objects.get(pk=spare[2]), "bench-visits")[1]
        )
        client = Client()
        body = {**bodies[0][1], "household": str(spare[1]), "client_key": str(uuid.uuid4())}
        response, statements = replay.captured(
            lambda: client.post(
                path,
                data=json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {probe_key}",
            )
        )
        if response.status_code != 201:
            raise RuntimeError(f"probe visit: {response.status_code} {response.content[:300]!r}")
        visit = Visit.objects.get(campaign=campaign, client_key=body["client_key"])
        entry_ids = [e[0] for e in entries]
        script = _visit_script(statements, visit.pk, spare[0], min(entry_ids), max(entry_ids))
        (work / "visit.sql").write_text(";\n".join(statements) + ";\n")

        server = loadgen.shared_server(ctx)
        loadgen.run_load(  # warm the workers on this campaign
            server.base,
            lambda i: loadgen.Req(
                "GET",
                f"/api/campaigns/campaigns/{campaign.uuid}",
                None,
                {"Authorization": f"Bearer {requests[i % len(requests)][0]}"},
            ),
            concurrency=server.workers * server.threads,
            total=4 * server.workers * server.threads,
        )
        load = loadgen.run_load(
            server.base,
            lambda i: loadgen.Req(
                "POST", path, requests[i][1], {"Authorization": f"Bearer {requests[i][0]}"}
            ),
            concurrency=CONNECTIONS,
            total=len(requests),
            start_together=True,
        )
        rss = server.peak_rss()
        loadgen.log(f"visits: {load.count} submissions, {load.rps:.0f}/s")
        visited = CampaignHousehold.objects.filter(
            campaign=campaign, visited_at__isnull=False
        ).count()
        rows = Visit.objects.filter(campaign=campaign).count()
        counted = {
            "households": len(bodies),
            "resent": len(resent),
            "answers": {str(k): v for k, v in load.statuses.items()},
            "visited": visited,
            "visit_rows": rows,
            "expected": len(bodies) + 1,  # and the probe's
        }
        exactly_once = (
            visited == rows == len(bodies) + 1
            and load.statuses.get(201, 0) == len(bodies)
            and load.statuses.get(200, 0) == len(resent)
        )
        loadgen.close_connections()
        per_client = max(1, len(requests) // CONNECTIONS)
        pg = replay.pgbench(
            ctx.database_url,
            script,
            clients=CONNECTIONS,
            transactions=per_client,
            work_dir=work,
            name="visit",
        )
        loadgen.log(f"visits: pgbench {pg.tps:.0f} tx/s")
    finally:
        ApiToken.objects.filter(name="bench-visits").delete()
        _delete_campaigns([campaign.pk, twin.pk], [str(campaign.uuid), str(twin.uuid)])
    if not exactly_once:
        raise RuntimeError(f"visits not counted exactly once: {counted}; {load.errors[:3]}")
    hwm = [m.get("VmHWM", 0) for m in rss.values()]
    start = [m.get("VmRSS", 0) for m in server.boot_rss.values()]
    if hwm:
        ctx.scratch.setdefault("web_worker_peak_mb", []).append(round(max(hwm) / 1024, 1))
    burst = {
        "connections": CONNECTIONS,
        "app": load.summary(),
        "pgbench": pg.summary(),
        "counted": counted,
        "peak_rss_kb_per_worker": hwm,
        "writes_per_visit": [f"{v} {t}" for v, t in replay.writes(statements)],
    }
    figures = [
        Figure(
            f"assign_households over the district ({outcome.created:,} households)",
            round(assign_s, 2),
            "s",
            "INSERT … SELECT of the same rows (same table and indexes)",
            round(insert_s, 2),
            "s",
            share(assign_s, insert_s, lower_is_better=True),
            "The assignment reads the households and grid paths (two queries), places whole "
            "buildings by pass in Python, writes the rows with COPY and tells every assignee "
            "(one notification each); the INSERT … SELECT only copies rows inside the "
            "database. Issue 9 asks for under 10 s on a district.",
            {
                "assigned": outcome.assigned,
                "unassigned": outcome.unassigned,
                "people": len(workers),
                "call_up_s": round(call_up_s, 2),
                "under_10_s": assign_s < 10,
            },
        ),
        Figure(
            "visit submissions per second (burst)",
            round(load.rps, 1),
            "req/s",
            f"pgbench replaying the SQL one visit writes, {CONNECTIONS} connections",
            round(pg.tps, 1),
            "tx/s",
            share(load.rps, pg.tps),
            "Bounded by the application's CPU on the two shared cores: token, reach and "
            "permission look-ups, the checklist validation and the JSON answer for each "
            "visit; the database's part (two writes, no shared lock) is small. Every household "
            "was counted exactly once; resubmissions answered 200 with the first visit.",
            burst,
        ),
    ]
    for p in (50, 95, 99):
        mine, theirs = load.percentile(p) * 1000, loadgen.percentile(pg.latencies, p) * 1000
        figures.append(
            Figure(
                f"visit submission latency p{p} (burst)",
                round(mine, 1),
                "ms",
                f"pgbench p{p} of the same writes at the same concurrency",
                round(theirs, 2),
                "ms",
                share(mine, theirs, lower_is_better=True),
                "A burst of 40 connections against 8 request threads: mostly queueing.",
                {},
            )
        )
    if hwm and start:
        top, floor = max(hwm) / 1024, (sum(start) / len(start)) / 1024
        figures.append(
            Figure(
                "web worker peak resident memory (every HTTP load of this run)",
                round(top, 1),
                "MB",
                "the same workers' resident memory just after start (code and Django loaded)",
                round(floor, 1),
                "MB",
                share(top, floor, lower_is_better=True),
                "One production server serves every HTTP benchmark of a run (intake, votes, "
                "visits), so this is each worker's peak under all of them. What requests add "
                "to a started worker: the grid lookup index, caches of policies, categories and "
                "permissions, the allocator's high-water mark; it does not grow with the number "
                "of requests.",
                {"peak_kb_per_worker": hwm, "start_kb_per_worker": start},
            )
        )
    return figures


def _visit_script(statements: list[str], visit_id: int, entry_id: int, lo: int, hi: int) -> str:
    """pgbench: the writes of one visit, on a random household of the campaign each time."""
    table = '"campaigns_campaignhousehold"'
    fixed = []
    for sql in statements:
        if sql.startswith('INSERT INTO "campaigns_visit" '):
            sql = replay.set_columns(sql, {"entry_id": ":entry"})
        elif sql.startswith(f"UPDATE {table} "):
            sql = re.sub(rf'{table}\."id" = {entry_id}\b', f'{table}."id" = :entry', sql)
            sql = re.sub(rf'"first_visit_id" = {visit_id}\b', '"first_visit_id" = :visit_id', sql)
        fixed.append(sql)
    script = f"\\set entry random({lo}, {hi})\n"
    return script + replay.replay_script(fixed, gset={"campaigns_visit": "visit_id"})


if __name__ == "__main__":
    loadgen.standalone(sys.modules[__name__])
