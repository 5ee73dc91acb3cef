"""Rules as data: versioned policies per territory node, looked up by walking up the tree.

A *policy kind* is registered once, in code, with a pydantic schema and the statutory or common
default. The values an administrator or a district sets are `Policy` rows; they are validated
against the schema on write, and the default answers when no row applies.

    from cogov.core.policies import PolicyKind, register, get_policy

    class GridSize(BaseModel):
        target_households: int = 300

    register(PolicyKind("territory.grid_size", _("Grid size"), GridSize, statutory=False))
    get_policy("territory.grid_size", node=community).target_households
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils import timezone
from django.utils.functional import Promise
from pydantic import BaseModel, ValidationError

from .models import Policy

S = TypeVar("S", bound=BaseModel)


@dataclass(frozen=True)
class PolicyKind(Generic[S]):
    key: str
    label: str | Promise
    schema: type[S]
    statutory: bool = False
    description: str | Promise = ""
    source: str = ""
    default: dict[str, Any] = field(default_factory=dict)
    # Shipped defaults that change on a date, e.g. a revised statute: ((date, value), ...).
    # From each date on, its value replaces `default`.
    dated_defaults: tuple[tuple[dt.date, dict[str, Any]], ...] = ()

    def default_value(self, on: dt.date | None = None) -> S:
        return self.schema.model_validate(self.default_entry(on)[1])

    def default_entry(self, on: dt.date | None = None) -> tuple[dt.date | None, dict[str, Any]]:
        """The shipped default in force on `on` and the date it took effect (None: always)."""
        current: tuple[dt.date | None, dict[str, Any]] = (None, self.default)
        for since, value in sorted(self.dated_defaults, key=lambda item: item[0]):
            if on is not None and since <= on:
                current = (since, value)
        return current


_REGISTRY: dict[str, PolicyKind[Any]] = {}


def register(kind: PolicyKind[S]) -> PolicyKind[S]:
    if kind.key in _REGISTRY and _REGISTRY[kind.key] != kind:
        raise ValueError(f"policy kind {kind.key!r} is registered twice")
    kind.default_value()  # a default that does not validate is a programming error
    for _since, value in kind.dated_defaults:
        kind.schema.model_validate(value)
    _REGISTRY[kind.key] = kind
    return kind


def kinds() -> list[PolicyKind[Any]]:
    return sorted(_REGISTRY.values(), key=lambda k: k.key)


def get_kind(key: str) -> PolicyKind[Any]:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown policy kind {key!r}") from None


class PolicyValueError(ValueError):
    """A value does not fit its kind's schema. `problems` pairs each bad field with the reason."""

    def __init__(self, key: str, problems: list[tuple[str, str]]) -> None:
        self.key = key
        self.problems = problems
        super().__init__(f"{key}: " + "; ".join(f"{path}: {msg}" for path, msg in problems))

    @property
    def fields(self) -> list[str]:
        return [path for path, _msg in self.problems]


def validate_value(key: str, value: Any) -> dict[str, Any]:
    """Validate `value` against the kind's schema and return it normalised for storage.

    Raises PolicyValueError naming each bad field ("working_days: Input should be greater than
    or equal to 1"); a problem with the value as a whole is reported under "value".
    """
    kind = get_kind(key)
    try:
        return kind.schema.model_validate(value).model_dump(mode="json")
    except ValidationError as exc:
        problems = [
            (".".join(str(p) for p in err["loc"]) or "value", str(err["msg"]))
            for err in exc.errors()
        ]
        raise PolicyValueError(key, problems) from None


@dataclass(frozen=True)
class Resolved(Generic[S]):
    value: S
    policy: Policy | None  # None: the shipped default

    @property
    def source(self) -> str:
        """ "default" (shipped), "platform" (set for every node) or "node" (set for a node)."""
        if self.policy is None:
            return "default"
        return "node" if self.policy.node_id else "platform"


def resolve(key: str, node: Any = None, on: dt.date | None = None) -> Resolved[Any]:
    """The policy of `key` in force at `node` on date `on` (today by default), with its origin.

    The nearest node on the way up wins; within a node, the latest `effective_from` not after
    `on` wins, and among equal dates the newest row. One query.

    For a statutory kind, a shipped dated default (a revised law) that took effect after the
    row found supersedes that row: a local setting made under the old law does not outlive it.
    """
    kind = get_kind(key)
    on = on or timezone.localdate()
    chain: list[int | None] = [*(node.ancestor_ids(include_self=True)[::-1] if node else []), None]
    rows = list(
        Policy.objects.select_related("node")
        .filter(kind=key, effective_from__lte=on)
        .filter(_node_in(chain))
        .order_by("-effective_from", "-created_at", "-pk")
    )
    return _pick(kind, chain, rows, on)


def _pick(kind: PolicyKind[Any], chain: list[int | None], rows: list[Policy], on: dt.date) -> Any:
    """The winner among `rows` (newest first) for the node chain `chain` (self first, None last)."""
    since, default = kind.default_entry(on)
    for node_id in chain:
        for row in rows:
            if row.node_id == node_id:
                if kind.statutory and since is not None and since > row.effective_from:
                    return Resolved(kind.schema.model_validate(default), None)
                return Resolved(kind.schema.model_validate(row.value), row)
    return Resolved(kind.schema.model_validate(default), None)


def get_policy(key: str, node: Any = None, on: dt.date | None = None) -> Any:
    return resolve(key, node, on).value


def get_policies(key: str, nodes: list[Any], on: dt.date | None = None) -> dict[int, Any]:
    """`get_policy(key, node, on)` for every node, as {node pk: value}, in one query."""
    kind = get_kind(key)
    on = on or timezone.localdate()
    chains = {n.pk: [*n.ancestor_ids(include_self=True)[::-1], None] for n in nodes}
    rows = list(
        Policy.objects.select_related("node")
        .filter(kind=key, effective_from__lte=on)
        .filter(_node_in([*sorted({i for c in chains.values() for i in c if i is not None}), None]))
        .order_by("-effective_from", "-created_at", "-pk")
    )
    return {pk: _pick(kind, chain, rows, on).value for pk, chain in chains.items()}


def _node_in(chain: list[int | None]) -> Any:
    from django.db.models import Q

    ids = [n for n in chain if n is not None]
    return Q(node_id__in=ids) | Q(node__isnull=True)
