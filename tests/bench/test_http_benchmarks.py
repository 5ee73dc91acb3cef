"""The helpers of the HTTP benchmarks (bench/replay.py, bench/loadgen.py) that turn one
request's captured SQL into a pgbench script: the rewriting must keep the statements and change
only what must differ per transaction. (The benchmarks themselves run in
tests/bench/test_bench_smoke.py, with the suite; each raises when its own checks fail: every
ballot and visit counted once, the tally equal to the raw aggregate, the chain verified, the same
queries on page 1 and page 50, the script writing the tables the request wrote.)"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import loadgen
import replay

CAPTURED = [
    'SELECT "accounts_apitoken"."id" FROM "accounts_apitoken" WHERE "key_hash" = \'x\'',
    'UPDATE "accounts_apitoken" SET "last_used_at" = '
    '\'2026-11-22 19:39:52.311802+00:00\'::timestamptz WHERE "accounts_apitoken"."id" = 3',
    "BEGIN",
    'SAVEPOINT "s1_x1"',
    'INSERT INTO "cases_case" ("uuid", "number", "lon", "reported_at") VALUES '
    "('2e9e08a510764e2cbe932a703d7ce465'::uuid, 'G2026-000002', 113.2, "
    '\'2026-11-22 19:39:52.326927+00:00\'::timestamptz) RETURNING "cases_case"."id"',
    'RELEASE SAVEPOINT "s1_x1"',
    'INSERT INTO "cases_caseevent" ("actor_id", "note", "subject_id") VALUES '
    '(3, \'a, (b)\', 2003) RETURNING "cases_caseevent"."id"',
    'INSERT INTO "core_notification" ("uuid", "recipient_id") SELECT * FROM UNNEST('
    "('{914904bf775f4607b1e011463c4c60da,8c5986d6c5824a3a8fee60e71dd3e3db}'::uuid[])::uuid[], "
    "('{3,5}'::int2[])::bigint[])",
    "COMMIT",
]


def test_replay_keeps_the_writes_in_order_and_makes_new_uuids_and_times() -> None:
    case_id = (re.compile(r"(?<![\w.'/-])2003(?![\w.'/-])"), ":case_id")
    script = replay.replay_script(
        CAPTURED, replace=[case_id], gset={"cases_case": "case_id"}
    ).splitlines()
    assert [line.split(" (")[0].split(" SET")[0].split(" WHERE")[0] for line in script] == [
        'UPDATE "accounts_apitoken"',
        "BEGIN;",
        'INSERT INTO "cases_case"',
        'INSERT INTO "cases_caseevent"',
        'INSERT INTO "core_notification"',
        "COMMIT;",
    ]
    assert 'last_used_at" = now()' in script[0]
    assert script[2].endswith('RETURNING "cases_case"."id" AS case_id \\gset')
    assert "gen_random_uuid(), 'G2026-000002', 113.2, now())" in script[2]
    assert "(3, 'a, (b)', :case_id)" in script[3]
    assert "generate_series(1, 2)" in script[4] and "914904bf" not in script[4]
    assert replay.writes(script) == replay.writes(CAPTURED)


def test_set_columns_respects_quotes_and_parentheses() -> None:
    sql = CAPTURED[6]
    assert replay.set_columns(sql, {"subject_id": ":case_id"}) == sql.replace("2003", ":case_id")
    assert "'x, y'" in replay.set_columns(sql, {"actor_id": "'x, y'"})
    with pytest.raises(ValueError):
        replay.set_columns("UPDATE t SET a = 1", {"a": "2"})


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert [loadgen.percentile(values, p) for p in (50, 95, 99, 100)] == [50, 95, 99, 100]
    assert loadgen.percentile([7.0], 99) == 7.0
