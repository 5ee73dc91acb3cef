"""Writers take the generator's rows (tuples per table) and store them.

`BulkCreateWriter` buffers rows per table and inserts them with `bulk_create` in foreign-key
order whenever a buffer is full, so memory stays bounded by the batch size. A PostgreSQL COPY
writer can implement the same three methods. Every writer keeps a digest of what it was given
(see `digest.py`), which proves that the same seed gives the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Protocol

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.db.models.base import ModelState

from .digest import Digest
from .tables import TABLES, Table


class Writer(Protocol):
    digest: Digest
    rows_written: dict[str, int]

    def add(self, table: Table, row: tuple[Any, ...]) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class DigestWriter:
    """Stores nothing: only digests and counts the rows (for tests and dry runs)."""

    def __init__(self, digest: bool = True) -> None:
        self.digest = Digest()
        self.digesting = digest
        self.rows_written: dict[str, int] = {}

    def add(self, table: Table, row: tuple[Any, ...]) -> None:
        if self.digesting:
            self.digest.add(table, row)
        self.rows_written[table.name] = self.rows_written.get(table.name, 0) + 1

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class BulkCreateWriter(DigestWriter):
    def __init__(self, batch_size: int = 5000, digest: bool = True) -> None:
        super().__init__(digest)
        self.batch_size = batch_size
        self.buffers: dict[Table, list[tuple[Any, ...]]] = {t: [] for t in TABLES}

    def add(self, table: Table, row: tuple[Any, ...]) -> None:
        super().add(table, row)
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        # All tables, in foreign-key order, so that every row's targets are already stored.
        for table in TABLES:
            rows = self.buffers[table]
            if rows:
                insert(table, rows, self.batch_size)
                rows.clear()
        # With DEBUG on, Django keeps the last 9,000 statements; bulk inserts are large ones.
        connection.queries_log.clear()

    def close(self) -> None:
        self.flush()
        reset_sequences()


def insert(table: Table, rows: Iterable[tuple[Any, ...]], batch_size: int) -> None:
    model, columns = table.model, table.columns
    defaults = _defaults(table)
    objs = []
    for row in rows:
        # Model.__init__ costs more than the insert itself at this volume; the row already
        # holds every column (the rest take their field defaults), so fill the instance directly.
        obj = model.__new__(model)
        obj.__dict__.update(defaults)
        obj.__dict__.update(zip(columns, row, strict=True))
        obj._state = ModelState()
        objs.append(obj)
    model._default_manager.bulk_create(objs, batch_size=batch_size)


@cache
def _defaults(table: Table) -> dict[str, Any]:
    """Field defaults for the concrete columns the table's rows leave out."""
    return {
        f.attname: f.get_default()
        for f in table.model._meta.concrete_fields
        if f.attname not in table.columns
    }


def next_ids() -> dict[str, int]:
    """The first free id of each demo table: the generator assigns ids itself."""
    result = {}
    for table in TABLES:
        top = table.model._default_manager.aggregate(top=Max("pk"))["top"]
        result[table.name] = (top or 0) + 1
    return result


def reset_sequences() -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (SQLite does this
    itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in TABLES])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
