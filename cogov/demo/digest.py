"""A stable digest of demo rows, computed the same way from the generator's tuples and from
what the database holds, so that "same seed, same district" can be checked either way."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tables import Table

_MOD = 2**256


def _norm(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, (uuid.UUID, dt.date, int, str)):
        return str(value)
    raise TypeError(f"cannot digest {type(value).__name__}")


class Digest:
    """Per table, the sum of the rows' SHA-256 (so row order does not matter); volatile
    columns are left out."""

    def __init__(self) -> None:
        self.tables: dict[str, int] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: Table, row: tuple[Any, ...]) -> None:
        parts = [
            _norm(v) for c, v in zip(table.columns, row, strict=True) if c not in table.volatile
        ]
        h = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest(), "big")
        self.tables[table.name] = (self.tables.get(table.name, 0) + h) % _MOD
        self.counts[table.name] = self.counts.get(table.name, 0) + 1

    def merge(self, other: Digest) -> None:
        """Add another digest's rows (the rows of a street generated in another process)."""
        for name, value in other.tables.items():
            self.tables[name] = (self.tables.get(name, 0) + value) % _MOD
            self.counts[name] = self.counts.get(name, 0) + other.counts[name]

    def hexdigest(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.tables):
            h.update(f"{name}:{self.counts[name]}:{self.tables[name]:064x}\n".encode())
        return h.hexdigest()


def database_digest(
    since: dict[str, int] | None = None, until: dict[str, int] | None = None
) -> str:
    """The digest of the demo tables as stored (rows with since[table] ≤ id < until[table],
    all by default)."""
    from .tables import TABLES

    digest = Digest()
    for table in TABLES:
        qs = table.model._default_manager.order_by("pk")
        if since:
            qs = qs.filter(pk__gte=since.get(table.name, 1))
        if until and table.name in until:
            qs = qs.filter(pk__lt=until[table.name])
        for row in qs.values_list(*table.columns).iterator(chunk_size=5000):
            digest.add(table, tuple(row))
    return digest.hexdigest()
