"""Dashboards: the three rates per street and per community for a year (issue 10, item 3).

The platform's way: the rates come from the metrics registry (`cases.response_rate`,
`cases.resolution_rate`, `cases.satisfaction_rate`, cogov/cases/metrics.py) through the
assessment rollups (`cogov.assessment.rollups.values`, what a dashboard reads for its children),
for every street and every community of the district, over the year of cases (the demo's and
the bulk year, bench/data.py), timed

- cold: the rollups of these metrics for the year deleted first, so every value is computed
  from the case rows (`rollups.values` recomputes the missing rows of the streets and the
  communities together in one batch through `cogov.core.metrics.compute_many`: one GROUP BY per
  metric);
- warm: the same reads again, now served from the rollup rows;
- the district's dashboard (`cogov.assessment.selectors.dashboard_data`, when present: the
  streets' values, the monthly trend, the map) for the three rates, warm.

The limit: one raw SQL query over the same table, GROUP BY GROUPING SETS ((street), (community)),
computing the same three rates with the same policy credits. Every platform value must equal the
GROUP BY's, or the benchmark fails.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from harness import Context, Figure, share

NAME = "dashboards"
TITLE = "Dashboards: three rates per street and community for a year"

KEYS = ("cases.response_rate", "cases.resolution_rate", "cases.satisfaction_rate")
YEAR = 2025

GROUP_BY = """
SELECT street_id, community_id, GROUPING(street_id, community_id) AS g,
  count(*) FILTER (WHERE dispatched_at >= %(lo)s AND dispatched_at < %(hi)s) AS dispatched,
  count(*) FILTER (WHERE dispatched_at >= %(lo)s AND dispatched_at < %(hi)s
                   AND contacted_at IS NOT NULL
                   AND (response_due_at IS NULL OR contacted_at <= response_due_at)) AS on_time,
  count(*) FILTER (WHERE {rev}) AS revisited,
  count(*) FILTER (WHERE {rev} AND revisit_resolution = 'resolved') AS resolved,
  count(*) FILTER (WHERE {rev} AND revisit_resolution = 'partly') AS partly,
  count(*) FILTER (WHERE {rev} {rated}) AS rated,
  count(*) FILTER (WHERE {rev} AND revisit_satisfaction = 'satisfied') AS satisfied,
  count(*) FILTER (WHERE {rev} AND revisit_satisfaction = 'fairly') AS fairly
FROM cases_case
GROUP BY GROUPING SETS ((street_id), (community_id))
"""
REVISITED = "revisited_at >= %(lo)s AND revisited_at < %(hi)s AND revisit_resolution <> ''"


def group_by(period: Any, rules: Any) -> tuple[dict[tuple[str, int], dict[str, Any]], float]:
    """The three rates per street and community from one query; returns them and its time."""
    from django.db import connection

    from cogov.core.metrics import ratio

    lo, hi = period.bounds()
    rated = "" if rules.count_unrated else "AND revisit_satisfaction <> 'unrated'"
    sql = GROUP_BY.format(rev=REVISITED, rated=rated)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"lo": lo, "hi": hi})
        rows = cursor.fetchall()
    seconds = time.perf_counter() - started
    q = Decimal("0.0001")
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for street, community, g, disp, on_time, rev, res, part, rated_n, sat, fair in rows:
        key = ("street", street) if g == 1 else ("community", community)
        if key[1] is None:
            continue
        out[key] = {
            "cases.response_rate": ratio(on_time, disp),
            "cases.resolution_rate": (
                ((Decimal(res) + rules.partly_resolved_credit * part) / rev).quantize(q)
                if rev
                else None
            ),
            "cases.satisfaction_rate": (
                ((Decimal(sat) + rules.fairly_satisfied_credit * fair) / rated_n).quantize(q)
                if rated_n
                else None
            ),
        }
    return out, seconds


def platform(nodes: list[Any], period: Any) -> dict[tuple[str, int], dict[str, Any]]:
    from cogov.assessment import rollups

    out: dict[tuple[str, int], dict[str, Any]] = {(n.level, n.pk): {} for n in nodes}
    level = {n.pk: n.level for n in nodes}
    for key in KEYS:
        # Streets and communities in one call: one batch reads the year's cases once for both.
        for pk, value in rollups.values(key, nodes, period).items():
            out[(level[pk], pk)][key] = value
    return out


def compare(
    got: dict[tuple[str, int], dict[str, Any]], want: dict[tuple[str, int], dict[str, Any]]
) -> list[str]:
    diffs = []
    for node, values in got.items():
        for key in KEYS:
            expected = want.get(node, {}).get(key)
            if values.get(key) != expected:
                diffs.append(
                    f"{node[0]} {node[1]} {key}: platform {values.get(key)}, SQL {expected}"
                )
    return diffs


def run(ctx: Context) -> list[Figure]:
    from cogov.assessment.models import Rollup
    from cogov.core.metrics import Period
    from cogov.core.policies import get_policy
    from cogov.territory.models import Node

    period = Period.year(YEAR)
    district = Node.objects.filter(level="district").order_by("code").first()
    if district is None:
        raise RuntimeError("no district: the demo did not load")
    nodes = list(
        Node.objects.filter(
            level__in=["street", "community"], path__startswith=district.path
        ).order_by("level", "code")
    )
    rules = get_policy("cases.scoring", district)

    want, sql_s = group_by(period, rules)
    _again, sql_s2 = group_by(period, rules)
    sql_s = min(sql_s, sql_s2)

    # Cold: no rollup of these metrics within the year (the year's and the months' of the trend).
    Rollup.objects.filter(
        metric__in=KEYS, period_start__gte=period.start, period_end__lte=period.end
    ).delete()
    started = time.perf_counter()
    cold = platform(nodes, period)
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    warm = platform(nodes, period)
    warm_s = time.perf_counter() - started
    diffs = compare(cold, want) + compare(warm, want)
    if diffs:
        raise AssertionError(
            f"{len(diffs)} rates differ from the GROUP BY, e.g. " + "; ".join(diffs[:5])
        )

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = cursor.fetchone()[0]
    extra: dict[str, Any] = {
        "cases_in_table": cases,
        "streets": sum(1 for n in nodes if n.level == "street"),
        "communities": sum(1 for n in nodes if n.level == "community"),
        "values_compared": 2 * len(nodes) * len(KEYS),
        "group_by_s": round(sql_s, 3),
        "cold_s": round(cold_s, 3),
        "warm_s": round(warm_s, 3),
    }
    figures = [
        Figure(
            "three rates per street and community, cold (rollups empty)",
            cold_s,
            "s",
            "one raw GROUP BY GROUPING SETS over the same table",
            sql_s,
            "s",
            share(cold_s, sql_s, lower_is_better=True),
            notes=(
                "Each metric's batched form (compute_many) is one GROUP BY territory_path with "
                "conditional counts over the year's cases, summed per node (streets and "
                "communities from the same per-path counts): rollups.values runs it once per "
                "metric, so the cases are read three times where the GROUP BY GROUPING SETS "
                "reads them once. Bounded by those three reads. Next step: one batch per "
                "metric family (resolution and satisfaction count the same revisits)."
            ),
            extra=extra,
        ),
        Figure(
            "three rates per street and community, warm (rollups built)",
            warm_s,
            "s",
            "one raw GROUP BY GROUPING SETS over the same table",
            sql_s,
            "s",
            share(warm_s, sql_s, lower_is_better=True),
            notes=(
                "Warm reads are one query per metric and level over the rollup rows, "
                "independent of the case volume: faster than any scan of the cases."
            ),
            extra=extra,
        ),
    ]
    figures.extend(dashboard_figure(ctx, district, period, sql_s, want))
    return figures


def dashboard_figure(
    ctx: Context, district: Any, period: Any, sql_s: float, want: dict[tuple[str, int], Any]
) -> list[Figure]:
    """The district's dashboard page data for the three rates, warm, when the selector exists."""
    try:
        from cogov.assessment.selectors import dashboard_data
    except ImportError:
        return []
    from cogov.accounts.models import User

    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_superuser("bench-admin", password=None)
    started = time.perf_counter()
    for key in KEYS:
        dashboard_data(user, district, key, period)  # fills the trend's monthly rollups
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    pages = {key: dashboard_data(user, district, key, period) for key in KEYS}
    warm_s = time.perf_counter() - started
    diffs = []
    for key, page in pages.items():
        for row in page["rows"]:
            node = row["node"]
            expected = want.get((node.level, node.pk), {}).get(key)
            expected_f = None if expected is None else float(expected)
            if row["value"] != expected_f:
                diffs.append(f"{node.code} {key}: {row['value']} vs {expected_f}")
    if diffs:
        raise AssertionError("dashboard_data differs from the GROUP BY: " + "; ".join(diffs[:5]))
    return [
        Figure(
            "district dashboard data (streets, monthly trend, map) for the three rates, warm",
            warm_s,
            "s",
            "one raw GROUP BY GROUPING SETS over the same table",
            sql_s,
            "s",
            share(warm_s, sql_s, lower_is_better=True),
            notes=(
                "dashboard_data reads the streets' values and the twelve monthly values from "
                "rollup rows; its first call for a year computes the district's monthly "
                f"rollups ({first_s:.2f} s for the three rates, see extra: one batch over the "
                "twelve months per rate, rollups.series through compute_series)."
            ),
            extra={"first_call_s": round(first_s, 3), "warm_s": round(warm_s, 3)},
        ),
        Figure(
            "district dashboard data for the three rates, first call of the year (the monthly "
            "trend's 36 rollups computed)",
            first_s,
            "s",
            "one raw GROUP BY GROUPING SETS over the same table",
            sql_s,
            "s",
            share(first_s, sql_s, lower_is_better=True),
            notes=(
                "Per rate, rollups.series computes the twelve missing months in one batch "
                "(compute_series: one GROUP BY territory_path and month over the year's cases) "
                "and the streets' year values are already stored by the cold run above: three "
                "reads of the year's cases against the GROUP BY's one."
            ),
        ),
    ]
