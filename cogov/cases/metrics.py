"""Case metrics for a territory node and a period, computed from CaseEvent and case rows only.

Each metric's definition is in docs/cases/metrics.md; keep the two in step. A case belongs to a
node when its territory path lies under the node's. Department metrics (departments are
organizations, not territory nodes) are in whistles.department_scorecard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import Period, notifies, ratio, register, register_batch
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


# --- batched forms: many nodes in one query (cogov.core.metrics.compute_many) ---------------
#
# Each is one GROUP BY territory_path with conditional counts over the cases (or events) of the
# period, summed per node in Python over the paths under the node's path: the same "territory
# path under the node's path" the per-node functions filter on, so the values are equal by
# construction whatever the level (and whatever the street/community/grid columns say). The
# groups are the distinct case paths (about one per grid), not the cases.

Counts = dict[int, dict[str, int]]


def _common_prefix(nodes: list[Any]) -> str:
    """The longest path every node's path starts with, cut at a "/" (at least "/")."""
    paths = [n.path for n in nodes]
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rfind("/") + 1] or "/"


def _per_node(nodes: list[Any], rows: Any, path_field: str, names: list[str]) -> Counts:
    """Sum the counts `names` of `rows` (one per distinct path) into each node whose path the
    row's path starts with."""
    totals: Counts = {n.pk: dict.fromkeys(names, 0) for n in nodes}
    by_path: dict[str, list[int]] = {}
    odd: list[Any] = []  # a node path not ending in "/" (none today): matched by startswith
    for n in nodes:
        if n.path.endswith("/"):
            by_path.setdefault(n.path, []).append(n.pk)
        else:
            odd.append(n)
    for row in rows:
        path = row[path_field]
        hits = [
            pk for i, ch in enumerate(path) if ch == "/" for pk in by_path.get(path[: i + 1], ())
        ]
        hits += [n.pk for n in odd if path.startswith(n.path)]
        for pk in hits:
            for name in names:
                totals[pk][name] += row[name]
    return totals


def _case_counts(nodes: list[Any], cases: QuerySet[Case], **counts: Count) -> Counts:
    rows = (
        cases.filter(territory_path__startswith=_common_prefix(nodes))
        .order_by()
        .values("territory_path")
        .annotate(**counts)
    )
    return _per_node(nodes, rows, "territory_path", list(counts))


def _all() -> QuerySet[Case]:
    return Case.objects.all()


@register_batch("cases.volume")
def volume_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    got = _case_counts(nodes, _all().filter(_in(period, "reported_at")), n=Count("pk"))
    return {pk: Decimal(c["n"]) for pk, c in got.items()}


_RESPONDED = Q(contacted_at__isnull=False) & (
    Q(response_due_at__isnull=True) | Q(contacted_at__lte=F("response_due_at"))
)


@register_batch("cases.response_rate")
def response_rate_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    got = _case_counts(
        nodes,
        _all().filter(_in(period, "dispatched_at")),
        n=Count("pk"),
        on_time=Count("pk", filter=_RESPONDED),
    )
    return {pk: ratio(c["on_time"], c["n"]) for pk, c in got.items()}


def _revisit_counts(nodes: list[Any], period: Period) -> Counts:
    """Per node: revisited cases of the period, by resolution and satisfaction answer."""
    revisited = _all().filter(_in(period, "revisited_at")).exclude(revisit_resolution="")
    return _case_counts(
        nodes,
        revisited,
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


@register_batch("cases.resolution_rate")
def resolution_rate_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    rules = get_policies("cases.scoring", nodes)
    return {pk: _resolution(c, rules[pk]) for pk, c in _revisit_counts(nodes, period).items()}


@register_batch("cases.satisfaction_rate")
def satisfaction_rate_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    rules = get_policies("cases.scoring", nodes)
    return {pk: _satisfaction(c, rules[pk]) for pk, c in _revisit_counts(nodes, period).items()}


def _due_counts(nodes: list[Any], period: Period) -> Counts:
    due = _all().filter(_in(period, "reply_due_at")).exclude(status=Status.VOID)
    closed = Q(status=Status.CLOSED)
    return _case_counts(
        nodes,
        due,
        n=Count("pk"),
        closed=Count("pk", filter=closed),
        on_time=Count("pk", filter=closed & Q(replied_at__lte=F("reply_due_at"))),
    )


@register_batch("cases.closure_rate")
def closure_rate_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    return {pk: ratio(c["closed"], c["n"]) for pk, c in _due_counts(nodes, period).items()}


@register_batch("cases.on_time_closure_rate")
def on_time_closure_rate_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    return {pk: ratio(c["on_time"], c["n"]) for pk, c in _due_counts(nodes, period).items()}


def _closed_counts(nodes: list[Any], period: Period, kind: str) -> Counts:
    closed = _all().filter(_in(period, "closed_at"), status=Status.CLOSED)
    return _case_counts(nodes, closed, n=Count("pk"), had=Count("pk", filter=Q(_had(kind))))


@register_batch("cases.rework_rate")
def rework_rate_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    got = _closed_counts(nodes, period, "check_fail")
    return {pk: ratio(c["had"], c["n"]) for pk, c in got.items()}


@register_batch("cases.postponement_rate")
def postponement_rate_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    got = _closed_counts(nodes, period, "approve_postponement")
    return {pk: ratio(c["had"], c["n"]) for pk, c in got.items()}


@register_batch("cases.dispatch_accuracy")
def dispatch_accuracy_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    start, end = period_bounds(period)
    rows = (
        CaseEvent.objects.filter(
            subject__territory_path__startswith=_common_prefix(nodes),
            at__gte=start,
            at__lt=end,
            kind__in=("dispatch", "whistle", "return"),
        )
        .order_by()
        .values("subject__territory_path")
        .annotate(
            dispatches=Count("pk", filter=Q(kind__in=("dispatch", "whistle"))),
            returns=Count("pk", filter=Q(kind="return")),
        )
    )
    got = _per_node(nodes, rows, "subject__territory_path", ["dispatches", "returns"])
    return {
        pk: ratio(max(c["dispatches"] - c["returns"], 0), c["dispatches"]) for pk, c in got.items()
    }


@register_batch("cases.on_time_check_rate")
def on_time_check_rate_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    got = _case_counts(
        nodes,
        _all().filter(_in(period, "checked_at")),
        n=Count("pk"),
        on_time=Count(
            "pk", filter=Q(check_due_at__isnull=True) | Q(checked_at__lte=F("check_due_at"))
        ),
    )
    return {pk: ratio(c["on_time"], c["n"]) for pk, c in got.items()}


@register_batch("cases.composite_score")
def composite_score_many(nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    rules = get_policies("cases.scoring", nodes)
    response = response_rate_many(nodes, period)
    revisits = _revisit_counts(nodes, period)
    return {
        n.pk: _composite(
            rules[n.pk],
            response[n.pk],
            _resolution(revisits[n.pk], rules[n.pk]),
            _satisfaction(revisits[n.pk], rules[n.pk]),
        )
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
