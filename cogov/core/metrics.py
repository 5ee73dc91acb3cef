"""The metrics registry: what each app can compute for a territory node and a period.

Dashboards and assessment read metrics only through this registry, so they import no other app.

    @register("people.residents", _("Residents"), unit=_("persons"))
    def residents(node: Node, period: Period) -> Decimal | None: ...

A metric may also register a batched form, the same values for many nodes and many periods
(that do not overlap) in one (or a fixed few) queries; `compute_many` (one period: a dashboard's
children) and `compute_series` (several: a trend) use it when present
(docs/mechanisms/metrics.md):

    @register_batch("people.residents")
    def residents_many(nodes: list[Node], periods: list[Period]) -> dict[int, list[Decimal | None]]:
        ...  # for each node pk, one value per period, in the periods' order
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from decimal import Decimal
from importlib import import_module
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class Period:
    """A half-open date range [start, end)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(dt.date(year, month, 1), end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026" (a year) or "2026-01" (a month); ValueError for anything else."""
        match = _PERIOD.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a period; use YYYY or YYYY-MM")
        year, month = int(match["year"]), match["month"]
        if month is None:
            return cls.year(year)
        if not 1 <= int(month) <= 12:
            raise ValueError(f"{text!r} is not a period; the month must be 01 to 12")
        return cls.month(year, int(month))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes [start, end) at midnight Beijing time, for filtering
        DateTimeFields with `Q(at__gte=lo, at__lt=hi)`: a range an index can serve, whatever
        time zone is active (an `__date` lookup converts every row in the active zone)."""
        tz = ZoneInfo("Asia/Shanghai")
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=tz),
            dt.datetime.combine(self.end, dt.time(), tzinfo=tz),
        )

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"


_PERIOD = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2}))?")


Compute = Callable[[Any, Period], Decimal | None]
# nodes (any levels the metric is defined for), periods (none overlapping another) ->
# {node pk: [value for each period, in order]} for every node given
Batch = Callable[[list[Any], list[Period]], dict[int, list[Decimal | None]]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    compute: Compute
    unit: str | Promise = ""
    direction: str = "benefit"  # or "cost": lower is better
    levels: tuple[str, ...] = ("district", "street", "community", "grid")
    description: str | Promise = ""
    batch: Batch | None = None

    def __call__(self, node: Any, period: Period) -> Decimal | None:
        return self.compute(node, period)


_REGISTRY: dict[str, Metric] = {}


def register(
    key: str,
    label: str | Promise,
    *,
    unit: str | Promise = "",
    direction: str = "benefit",
    levels: tuple[str, ...] = ("district", "street", "community", "grid"),
    description: str | Promise = "",
) -> Callable[[Compute], Compute]:
    if direction not in {"benefit", "cost"}:
        raise ValueError("direction is 'benefit' or 'cost'")

    def decorator(func: Compute) -> Compute:
        if key in _REGISTRY and _REGISTRY[key].compute is not func:
            raise ValueError(f"metric {key!r} is registered twice")
        batch = _REGISTRY[key].batch if key in _REGISTRY else None
        _REGISTRY[key] = Metric(
            key, label, func, unit, direction, levels, description or (func.__doc__ or ""), batch
        )
        return func

    return decorator


def register_batch(key: str) -> Callable[[Batch], Batch]:
    """Register the batched form of the already registered metric `key`: given nodes and
    periods that do not overlap, it returns {node pk: [value per period]} for every node, in one
    (or a fixed few) queries whatever the number of nodes and periods, each value exactly what
    the metric's function returns for that node and period (same rounding, None where that
    returns None). `compute_many` and `compute_series` use it."""

    def decorator(func: Batch) -> Batch:
        metric = get(key)
        if metric.batch is not None and metric.batch is not func:
            raise ValueError(f"metric {key!r} has a batched form already")
        _REGISTRY[key] = replace(metric, batch=func)
        return func

    return decorator


def all_metrics() -> list[Metric]:
    return sorted(_REGISTRY.values(), key=lambda m: m.key)


def get(key: str) -> Metric:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown metric {key!r}") from None


def compute(key: str, node: Any, period: Period) -> Decimal | None:
    metric = get(key)
    if node.level not in metric.levels:
        raise ValueError(f"metric {key!r} is not defined for level {node.level!r}")
    return metric(node, period)


# A family's batched form: {metric key: {node pk: [value per period]}} for every key it serves.
FamilyBatch = Callable[[list[Any], list[Period]], dict[str, dict[int, list[Decimal | None]]]]
_FAMILIES: dict[str, tuple[tuple[str, ...], FamilyBatch]] = {}


def register_family(*keys: str) -> Callable[[FamilyBatch], FamilyBatch]:
    """Register one batched form for several registered metrics that read the same rows (the
    resolution and satisfaction rates count the same revisits): given nodes and periods, it
    returns {key: {node pk: [value per period]}} for each of `keys`, under the contract of
    `register_batch`. Each key's batched form is then its part of this function's answer, and
    `compute_family_series` gives every key's from one batch (the rollups store them together,
    so the second rate of a dashboard reads rollup rows instead of the cases again)."""

    def decorator(func: FamilyBatch) -> FamilyBatch:
        for key in keys:
            register_batch(key)(_part(func, key))
            _FAMILIES[key] = (keys, func)
        return func

    return decorator


def _part(func: FamilyBatch, key: str) -> Batch:
    def batch(nodes: list[Any], periods: list[Period]) -> dict[int, list[Decimal | None]]:
        return func(nodes, periods)[key]

    batch.__name__ = f"{func.__name__}[{key}]"
    return batch


def family(key: str) -> tuple[str, ...]:
    """`key` and the metrics computed in the same batch as it (registered together with
    `register_family`), `key` first."""
    keys = _FAMILIES[key][0] if key in _FAMILIES else ()
    return (key, *(k for k in keys if k != key))


def compute_family_series(
    key: str, nodes: Iterable[Any], periods: list[Period]
) -> dict[str, dict[int, list[Decimal | None]]]:
    """`compute_series` of `key` and of every metric of its family defined for all `nodes`'
    levels, as {key: {node pk: [value per period]}}, from one batch when the periods do not
    overlap (else `key` alone, as `compute_series` computes it)."""
    nodes = list(nodes)
    keys = [key] + [k for k in family(key)[1:] if all(n.level in get(k).levels for n in nodes)]
    if len(keys) == 1 or _overlapping(periods) or not nodes or not periods:
        return {key: compute_series(key, nodes, periods)}
    for node in nodes:
        if node.level not in get(key).levels:
            raise ValueError(f"metric {key!r} is not defined for level {node.level!r}")
    got = _FAMILIES[key][1](nodes, periods)
    return {k: _checked(k, got.get(k, {}), nodes, periods) for k in keys}


def compute_many(key: str, nodes: Iterable[Any], period: Period) -> dict[int, Decimal | None]:
    """The metric for every node in `nodes`, as {node pk: value}: through the metric's batched
    form when it has one (a fixed number of queries), else one `compute` per node. The values
    are the same either way."""
    return {pk: values[0] for pk, values in compute_series(key, nodes, [period]).items()}


def compute_series(
    key: str, nodes: Iterable[Any], periods: list[Period]
) -> dict[int, list[Decimal | None]]:
    """The metric for every node and period, as {node pk: [value per period, in order]}:
    through the batched form when the metric has one (a fixed number of queries for periods
    that do not overlap, e.g. a year's months; one batch per period when some do), else one
    `compute` per node and period. The values are the same either way."""
    metric = get(key)
    nodes = list(nodes)
    for node in nodes:
        if node.level not in metric.levels:
            raise ValueError(f"metric {key!r} is not defined for level {node.level!r}")
    if not nodes or not periods:
        return {node.pk: [] for node in nodes}
    if metric.batch is None:
        return {node.pk: [metric(node, p) for p in periods] for node in nodes}
    if _overlapping(periods):
        parts = [_batch(metric, nodes, [p]) for p in periods]
        return {node.pk: [part[node.pk][0] for part in parts] for node in nodes}
    return _batch(metric, nodes, periods)


def _batch(metric: Metric, nodes: list[Any], periods: list[Period]) -> dict[int, list[Any]]:
    assert metric.batch is not None
    return _checked(metric.key, metric.batch(nodes, periods), nodes, periods)


def _overlapping(periods: list[Period]) -> bool:
    ordered = sorted(periods, key=lambda p: p.start)
    return any(a.end > b.start for a, b in itertools.pairwise(ordered))


def _checked(
    key: str, got: dict[int, list[Any]], nodes: list[Any], periods: list[Period]
) -> dict[int, list[Any]]:
    """A batched form's answer, refused unless it gives every node a value per period."""
    wrong = [n.pk for n in nodes if len(got.get(n.pk, ())) != len(periods)]
    if wrong:
        raise RuntimeError(
            f"the batched form of {key!r} did not return {len(periods)} values for nodes {wrong}"
        )
    return {node.pk: list(got[node.pk]) for node in nodes}


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """A rate as a Decimal with 4 places, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def autodiscover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("cogov."):
            try:
                import_module(f"{config.name}.metrics")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.metrics":
                    raise


# --- change notices: capability apps say what changed; caches of metric values listen ---------

Days = tuple[dt.date, ...] | None
Listener = Callable[[str, str, Days], object]
_LISTENERS: list[Listener] = []


_NOTIFYING: set[str] = set()
_COMMITTED: ContextVar[bool] = ContextVar("metrics_touched_committed", default=False)


def committed() -> bool:
    """For a `touched` listener: whether this is the notice heard after the writer's commit
    (True) or the one heard inside its transaction (False)."""
    return _COMMITTED.get()


def notifies(app: str) -> None:
    """Declare (in the app's metrics.py) that every action of `app` that changes what its
    metrics count calls `touched`; only then may caches keep its metrics' values until told.
    The metrics of an app that does not declare it are computed afresh on every read."""
    _NOTIFYING.add(app)


def cacheable(key: str) -> bool:
    """Whether a cached value of metric `key` can be trusted until a `touched` notice."""
    return key.split(".", 1)[0] in _NOTIFYING


def on_touched(listener: Listener) -> None:
    """Subscribe to `touched` notices (assessment's rollups do, in its AppConfig.ready)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def _day(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(ZoneInfo("Asia/Shanghai")).date()
        return value.date()
    return value


def touched(
    app: str,
    path: str,
    dates: Iterable[dt.date | dt.datetime | None] | None = None,
) -> None:
    """Records of `app` under the territory node at `path` changed in a way that can change the
    values of `app`'s metrics (keys "<app>.…") for the periods containing any of `dates`
    (None: every period). Call it from the action that changed them, inside its transaction,
    with every date the metrics filter that record on, before and after the change.

    Listeners hear it now (inside the caller's transaction, rolled back with it) and once more
    after the commit (`committed()` is then true), so a reader who recomputed from pre-commit
    data in between is caught.
    """
    from django.db import transaction

    days: Days = None if dates is None else tuple(sorted({_day(d) for d in dates if d is not None}))
    if not path or not _LISTENERS:
        return
    for listener in list(_LISTENERS):
        listener(app, path, days)

    def again() -> None:
        token = _COMMITTED.set(True)
        try:
            for listener in list(_LISTENERS):
                listener(app, path, days)
        finally:
            _COMMITTED.reset(token)

    transaction.on_commit(again, robust=True)
