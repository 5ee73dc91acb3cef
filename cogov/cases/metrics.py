"""Case metrics for a territory node and a period, computed from CaseEvent and case rows only.

Each metric's definition is in docs/cases/metrics.md; keep the two in step. A case belongs to a
node when its territory path lies under the node's. Department metrics (departments are
organizations, not territory nodes) are in whistles.department_scorecard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as CaseWhen
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import (
    Period,
    notifies,
    ratio,
    register,
    register_batch,
    register_family,
)
from cogov.core.policies import get_policies, get_policy

from .models import Case, CaseEvent, DepartmentRating, Whistle, WhistleReport
from .workflow import Resolution, Satisfaction, Status

# Every case action that changes what these metrics count calls cogov.core.metrics.touched
# (workflow.move and the few direct updates), so their values may be cached (rollups).
notifies("cases")

LEVELS = ("district", "street", "community", "grid")
PERCENT = pgettext_lazy("metric unit", "share")


def _cases(node: Any) -> QuerySet[Case]:
    return Case.objects.filter(territory_path__startswith=node.path)


def _events(node: Any, period: Period, *kinds: str) -> QuerySet[CaseEvent]:
    start, end = period_bounds(period)
    return CaseEvent.objects.filter(
        subject__territory_path__startswith=node.path, at__gte=start, at__lt=end, kind__in=kinds
    )


def _had(kind: str) -> Exists:
    return Exists(CaseEvent.objects.filter(subject=OuterRef("pk"), kind=kind))


def _in(period: Period, field: str) -> Q:
    start, end = period_bounds(period)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


@register("cases.volume", _("Cases reported"), unit=_("cases"), levels=LEVELS)
def volume(node: Any, period: Period) -> Decimal | None:
    """Cases reported in the period (void ones included: this is the intake)."""
    return Decimal(_cases(node).filter(_in(period, "reported_at")).count())


@register("cases.response_rate", _("Response rate (响应率)"), unit=PERCENT, levels=LEVELS)
def response_rate(node: Any, period: Period) -> Decimal | None:
    """Cases first dispatched in the period whose requester was contacted within the response
    limit / cases first dispatched in the period."""
    dispatched = _cases(node).filter(_in(period, "dispatched_at"))
    on_time = dispatched.filter(contacted_at__isnull=False).filter(
        Q(response_due_at__isnull=True) | Q(contacted_at__lte=F("response_due_at"))
    )
    return ratio(on_time.count(), dispatched.count())


def _revisited(node: Any, period: Period) -> QuerySet[Case]:
    return _cases(node).filter(_in(period, "revisited_at")).exclude(revisit_resolution="")


@register("cases.resolution_rate", _("Resolution rate (解决率)"), unit=PERCENT, levels=LEVELS)
def resolution_rate(node: Any, period: Period) -> Decimal | None:
    """(解决 + credit × 部分解决) / revisited cases, over cases last revisited in the period;
    the credit is the cases.scoring policy's partly_resolved_credit (default 0.5)."""
    rules = get_policy("cases.scoring", node)
    answers = list(_revisited(node, period).values_list("revisit_resolution", flat=True))
    if not answers:
        return None
    score = sum(
        (
            Decimal(1)
            if a == Resolution.RESOLVED
            else rules.partly_resolved_credit
            if a == Resolution.PARTLY
            else Decimal(0)
        )
        for a in answers
    )
    return (Decimal(score) / len(answers)).quantize(Decimal("0.0001"))


@register("cases.satisfaction_rate", _("Satisfaction rate (满意率)"), unit=PERCENT, levels=LEVELS)
def satisfaction_rate(node: Any, period: Period) -> Decimal | None:
    """(满意 + credit × 基本满意) / rated revisits in the period; 未评价 is left out of the base
    unless the cases.scoring policy says count_unrated."""
    rules = get_policy("cases.scoring", node)
    answers = list(_revisited(node, period).values_list("revisit_satisfaction", flat=True))
    if not rules.count_unrated:
        answers = [a for a in answers if a != Satisfaction.UNRATED]
    if not answers:
        return None
    score = sum(
        (
            Decimal(1)
            if a == Satisfaction.SATISFIED
            else rules.fairly_satisfied_credit
            if a == Satisfaction.FAIRLY
            else Decimal(0)
        )
        for a in answers
    )
    return (Decimal(score) / len(answers)).quantize(Decimal("0.0001"))


def _due(node: Any, period: Period) -> QuerySet[Case]:
    """应结案: cases whose reply was due in the period (not void)."""
    return _cases(node).filter(_in(period, "reply_due_at")).exclude(status=Status.VOID)


@register("cases.closure_rate", _("Closure rate (结案率)"), unit=PERCENT, levels=LEVELS)
def closure_rate(node: Any, period: Period) -> Decimal | None:
    """Cases due in the period and closed / cases due in the period."""
    due = _due(node, period)
    return ratio(due.filter(status=Status.CLOSED).count(), due.count())


@register(
    "cases.on_time_closure_rate",
    _("On-time closure rate (按期结案率)"),
    unit=PERCENT,
    levels=LEVELS,
)
def on_time_closure_rate(node: Any, period: Period) -> Decimal | None:
    """Cases due in the period, closed, and replied by their (possibly postponed) due time /
    cases due in the period."""
    due = _due(node, period)
    on_time = due.filter(status=Status.CLOSED, replied_at__lte=F("reply_due_at"))
    return ratio(on_time.count(), due.count())


def _closed(node: Any, period: Period) -> QuerySet[Case]:
    return _cases(node).filter(_in(period, "closed_at"), status=Status.CLOSED)


@register(
    "cases.rework_rate", _("Rework rate (返工率)"), unit=PERCENT, direction="cost", levels=LEVELS
)
def rework_rate(node: Any, period: Period) -> Decimal | None:
    """Cases closed in the period that failed a check at least once / cases closed in the period."""
    closed = _closed(node, period)
    return ratio(closed.filter(_had("check_fail")).count(), closed.count())


@register(
    "cases.postponement_rate",
    _("Postponement rate (延期率)"),
    unit=PERCENT,
    direction="cost",
    levels=LEVELS,
)
def postponement_rate(node: Any, period: Period) -> Decimal | None:
    """Cases closed in the period with an approved postponement / cases closed in the period."""
    closed = _closed(node, period)
    return ratio(closed.filter(_had("approve_postponement")).count(), closed.count())


@register(
    "cases.dispatch_accuracy", _("Dispatch accuracy (准确派遣率)"), unit=PERCENT, levels=LEVELS
)
def dispatch_accuracy(node: Any, period: Period) -> Decimal | None:
    """Dispatches in the period not returned as wrongly dispatched / dispatches in the period."""
    dispatches = _events(node, period, "dispatch", "whistle").count()
    returns = _events(node, period, "return").count()
    return ratio(max(dispatches - returns, 0), dispatches)


@register(
    "cases.on_time_check_rate", _("On-time check rate (按时核查率)"), unit=PERCENT, levels=LEVELS
)
def on_time_check_rate(node: Any, period: Period) -> Decimal | None:
    """Checks (pass or fail) in the period made by the check due time / checks in the period."""
    checked = _cases(node).filter(_in(period, "checked_at"))
    on_time = checked.filter(Q(check_due_at__isnull=True) | Q(checked_at__lte=F("check_due_at")))
    return ratio(on_time.count(), checked.count())


@register("cases.whistles", _("Whistles blown"), unit=_("whistles"), levels=("district", "street"))
def whistles(node: Any, period: Period) -> Decimal | None:
    """Whistles blown in the period by the street (or the streets of the district)."""
    start, end = period_bounds(period)
    return Decimal(
        Whistle.objects.filter(
            street_path__startswith=node.path, blown_at__gte=start, blown_at__lt=end
        ).count()
    )


@register("cases.composite_score", _("Three-rate composite score"), unit=_("points"), levels=LEVELS)
def composite_score(node: Any, period: Period) -> Decimal | None:
    """0–100: the response, resolution and satisfaction rates weighted by the cases.scoring
    policy (default 30/35/35); a rate with no data drops out and the weights are renormalised."""
    return _composite(
        get_policy("cases.scoring", node),
        response_rate(node, period),
        resolution_rate(node, period),
        satisfaction_rate(node, period),
    )


def _composite(
    rules: Any, response: Decimal | None, resolution: Decimal | None, satisfaction: Decimal | None
) -> Decimal | None:
    parts = [
        (response, rules.weight_response),
        (resolution, rules.weight_resolution),
        (satisfaction, rules.weight_satisfaction),
    ]
    known = [(rate, weight) for rate, weight in parts if rate is not None and weight]
    total = sum((w for _r, w in known), Decimal(0))
    if not known or not total:
        return None
    return (sum((r * w for r, w in known), Decimal(0)) * 100 / total).quantize(Decimal("0.01"))


# --- batched forms: many nodes and periods in one query (cogov.core.metrics) ------------------
#
# Each is one GROUP BY territory_path (and period) with conditional counts over the cases (or
# events) of the periods, summed per node in Python over the paths under the node's path: the
# same "territory path under the node's path" the per-node functions filter on, so the values
# are equal by construction whatever the level (and whatever the street/community/grid columns
# say). The groups are the distinct case paths (about one per grid) times the periods, not the
# cases. The periods of one batch do not overlap (cogov.core.metrics.compute_series sees to
# it), so each row falls in at most one: its `bucket`, the period's index.

Counts = dict[int, list[dict[str, int]]]  # node pk -> per period: {count name: n}
Series = dict[int, list[Decimal | None]]  # node pk -> per period: the value


def _common_prefix(nodes: list[Any]) -> str:
    """The longest path every node's path starts with, cut at a "/" (at least "/")."""
    paths = [n.path for n in nodes]
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rfind("/") + 1] or "/"


def _bucketed(rows: QuerySet[Any], field: str, periods: list[Period]) -> QuerySet[Any]:
    """`rows` whose `field` lies in one of `periods`, each annotated with that period's index
    as `bucket` (a range on the field, so an index on it can serve)."""
    bounds = [period_bounds(p) for p in periods]
    rows = rows.filter(
        **{
            f"{field}__gte": min(lo for lo, _hi in bounds),
            f"{field}__lt": max(hi for _lo, hi in bounds),
        }
    )
    if len(bounds) == 1:
        return rows.annotate(bucket=Value(0, output_field=IntegerField()))
    return rows.annotate(
        bucket=CaseWhen(
            *(
                When(**{f"{field}__gte": lo, f"{field}__lt": hi}, then=Value(i))
                for i, (lo, hi) in enumerate(bounds)
            ),
            default=Value(-1),
            output_field=IntegerField(),
        )
    )


def _per_node(nodes: list[Any], rows: Any, path_field: str, names: list[str], n: int) -> Counts:
    """Sum the counts `names` of `rows` (one per distinct path and bucket) into each node whose
    path the row's path starts with, in the row's bucket (of `n`; -1: between the periods)."""
    totals: Counts = {node.pk: [dict.fromkeys(names, 0) for _ in range(n)] for node in nodes}
    by_path: dict[str, list[int]] = {}
    odd: list[Any] = []  # a node path not ending in "/" (none today): matched by startswith
    for node in nodes:
        if node.path.endswith("/"):
            by_path.setdefault(node.path, []).append(node.pk)
        else:
            odd.append(node)
    for row in rows:
        if row["bucket"] < 0:
            continue
        path = row[path_field]
        hits = [
            pk for i, ch in enumerate(path) if ch == "/" for pk in by_path.get(path[: i + 1], ())
        ]
        hits += [node.pk for node in odd if path.startswith(node.path)]
        for pk in hits:
            into = totals[pk][row["bucket"]]
            for name in names:
                into[name] += row[name]
    return totals


def _case_counts(
    nodes: list[Any], cases: QuerySet[Case], field: str, periods: list[Period], **counts: Count
) -> Counts:
    rows = (
        _bucketed(cases.filter(territory_path__startswith=_common_prefix(nodes)), field, periods)
        .order_by()
        .values("territory_path", "bucket")
        .annotate(**counts)
    )
    return _per_node(nodes, rows, "territory_path", list(counts), len(periods))


def _each(got: Counts, value: Callable[[dict[str, int]], Decimal | None]) -> Series:
    return {pk: [value(c) for c in per_period] for pk, per_period in got.items()}


def _all() -> QuerySet[Case]:
    return Case.objects.all()


@register_batch("cases.volume")
def volume_many(nodes: list[Any], periods: list[Period]) -> Series:
    got = _case_counts(nodes, _all(), "reported_at", periods, n=Count("pk"))
    return _each(got, lambda c: Decimal(c["n"]))


_RESPONDED = Q(contacted_at__isnull=False) & (
    Q(response_due_at__isnull=True) | Q(contacted_at__lte=F("response_due_at"))
)


@register_batch("cases.response_rate")
def response_rate_many(nodes: list[Any], periods: list[Period]) -> Series:
    got = _case_counts(
        nodes,
        _all(),
        "dispatched_at",
        periods,
        n=Count("pk"),
        on_time=Count("pk", filter=_RESPONDED),
    )
    return _each(got, lambda c: ratio(c["on_time"], c["n"]))


def _revisit_counts(nodes: list[Any], periods: list[Period]) -> Counts:
    """Per node and period: revisited cases, by resolution and satisfaction answer."""
    return _case_counts(
        nodes,
        _all().exclude(revisit_resolution=""),
        "revisited_at",
        periods,
        n=Count("pk"),
        resolved=Count("pk", filter=Q(revisit_resolution=Resolution.RESOLVED)),
        partly=Count("pk", filter=Q(revisit_resolution=Resolution.PARTLY)),
        satisfied=Count("pk", filter=Q(revisit_satisfaction=Satisfaction.SATISFIED)),
        fairly=Count("pk", filter=Q(revisit_satisfaction=Satisfaction.FAIRLY)),
        unrated=Count("pk", filter=Q(revisit_satisfaction=Satisfaction.UNRATED)),
    )


def _resolution(c: dict[str, int], rules: Any) -> Decimal | None:
    if not c["n"]:
        return None
    score = Decimal(c["resolved"]) + rules.partly_resolved_credit * c["partly"]
    return (Decimal(score) / c["n"]).quantize(Decimal("0.0001"))


def _satisfaction(c: dict[str, int], rules: Any) -> Decimal | None:
    base = c["n"] if rules.count_unrated else c["n"] - c["unrated"]
    if not base:
        return None
    score = Decimal(c["satisfied"]) + rules.fairly_satisfied_credit * c["fairly"]
    return (Decimal(score) / base).quantize(Decimal("0.0001"))


@register_family("cases.resolution_rate", "cases.satisfaction_rate")
def revisit_rates_many(nodes: list[Any], periods: list[Period]) -> dict[str, Series]:
    """The resolution and satisfaction rates: one count of the revisits serves both."""
    rules = get_policies("cases.scoring", nodes)
    counts = _revisit_counts(nodes, periods)
    return {
        "cases.resolution_rate": {
            pk: [_resolution(c, rules[pk]) for c in per_period] for pk, per_period in counts.items()
        },
        "cases.satisfaction_rate": {
            pk: [_satisfaction(c, rules[pk]) for c in per_period]
            for pk, per_period in counts.items()
        },
    }


def _due_counts(nodes: list[Any], periods: list[Period]) -> Counts:
    closed = Q(status=Status.CLOSED)
    return _case_counts(
        nodes,
        _all().exclude(status=Status.VOID),
        "reply_due_at",
        periods,
        n=Count("pk"),
        closed=Count("pk", filter=closed),
        on_time=Count("pk", filter=closed & Q(replied_at__lte=F("reply_due_at"))),
    )


@register_batch("cases.closure_rate")
def closure_rate_many(nodes: list[Any], periods: list[Period]) -> Series:
    return _each(_due_counts(nodes, periods), lambda c: ratio(c["closed"], c["n"]))


@register_batch("cases.on_time_closure_rate")
def on_time_closure_rate_many(nodes: list[Any], periods: list[Period]) -> Series:
    return _each(_due_counts(nodes, periods), lambda c: ratio(c["on_time"], c["n"]))


def _closed_counts(nodes: list[Any], periods: list[Period], kind: str) -> Counts:
    closed = _all().filter(status=Status.CLOSED)
    return _case_counts(
        nodes, closed, "closed_at", periods, n=Count("pk"), had=Count("pk", filter=Q(_had(kind)))
    )


@register_batch("cases.rework_rate")
def rework_rate_many(nodes: list[Any], periods: list[Period]) -> Series:
    got = _closed_counts(nodes, periods, "check_fail")
    return _each(got, lambda c: ratio(c["had"], c["n"]))


@register_batch("cases.postponement_rate")
def postponement_rate_many(nodes: list[Any], periods: list[Period]) -> Series:
    got = _closed_counts(nodes, periods, "approve_postponement")
    return _each(got, lambda c: ratio(c["had"], c["n"]))


@register_batch("cases.dispatch_accuracy")
def dispatch_accuracy_many(nodes: list[Any], periods: list[Period]) -> Series:
    events = CaseEvent.objects.filter(
        subject__territory_path__startswith=_common_prefix(nodes),
        kind__in=("dispatch", "whistle", "return"),
    )
    rows = (
        _bucketed(events, "at", periods)
        .order_by()
        .values("subject__territory_path", "bucket")
        .annotate(
            dispatches=Count("pk", filter=Q(kind__in=("dispatch", "whistle"))),
            returns=Count("pk", filter=Q(kind="return")),
        )
    )
    got = _per_node(nodes, rows, "subject__territory_path", ["dispatches", "returns"], len(periods))
    return _each(got, lambda c: ratio(max(c["dispatches"] - c["returns"], 0), c["dispatches"]))


@register_batch("cases.on_time_check_rate")
def on_time_check_rate_many(nodes: list[Any], periods: list[Period]) -> Series:
    got = _case_counts(
        nodes,
        _all(),
        "checked_at",
        periods,
        n=Count("pk"),
        on_time=Count(
            "pk", filter=Q(check_due_at__isnull=True) | Q(checked_at__lte=F("check_due_at"))
        ),
    )
    return _each(got, lambda c: ratio(c["on_time"], c["n"]))


@register_batch("cases.composite_score")
def composite_score_many(nodes: list[Any], periods: list[Period]) -> Series:
    rules = get_policies("cases.scoring", nodes)
    response = response_rate_many(nodes, periods)
    revisits = _revisit_counts(nodes, periods)
    return {
        n.pk: [
            _composite(
                rules[n.pk],
                response[n.pk][i],
                _resolution(revisits[n.pk][i], rules[n.pk]),
                _satisfaction(revisits[n.pk][i], rules[n.pk]),
            )
            for i in range(len(periods))
        ]
        for n in nodes
    }


# --- departments: organizations, not territory nodes, so beside the registry -----------------


@dataclass(frozen=True)
class Scorecard:
    """A department's record on whistles in a period (吹哨报到 双考核)."""

    called: int
    on_time: int
    late: int
    no_shows: int
    punctuality: Decimal | None  # on time / called
    average_rating: Decimal | None  # mean of the three rating items over rated whistles


def department_scorecard(department: Any, period: Period) -> Scorecard:
    """Computed from whistle report rows and ratings; departments are organizations, not
    territory nodes, so this sits beside the metrics registry (docs/cases/metrics.md)."""
    start, end = period_bounds(period)
    reports = list(
        WhistleReport.objects.filter(
            department=department, due_at__gte=start, due_at__lt=end
        ).values_list("reported_at", "due_at", "no_show")
    )
    on_time = sum(1 for at, due, _n in reports if at is not None and at <= due)
    late = sum(1 for at, due, _n in reports if at is not None and at > due)
    no_shows = sum(1 for _a, _d, n in reports if n)
    avg = DepartmentRating.objects.filter(
        department=department, rated_at__gte=start, rated_at__lt=end
    ).aggregate(s=Avg("response_speed"), c=Avg("cooperation"), i=Avg("implementation"))
    mean = None
    if avg["s"] is not None:
        mean = (Decimal(avg["s"] + avg["c"] + avg["i"]) / 3).quantize(Decimal("0.01"))
    return Scorecard(len(reports), on_time, late, no_shows, ratio(on_time, len(reports)), mean)


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    from cogov.core.calendar import SHANGHAI

    return (
        dt.datetime.combine(period.start, dt.time(), tzinfo=SHANGHAI),
        dt.datetime.combine(period.end, dt.time(), tzinfo=SHANGHAI),
    )
