"""Writers take the generator's rows (tuples per table) and store them.

`BulkCreateWriter` buffers rows per table and inserts them with `bulk_create` in foreign-key
order whenever a buffer is full, so memory stays bounded by the batch size. `CopyWriter` does the
same with PostgreSQL's COPY (psycopg 3's `cursor.copy()`), several times faster; `writer_for()`
picks it on PostgreSQL. Every writer keeps a digest of what it was given (see `digest.py`), which
proves that the same seed gives the same rows.
"""

from __future__ import annotations

import json
import os
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
    # Whether forked processes may write through copies of this writer (the streets of a
    # district, builder.py): true for writers that store rows in the database and keep nothing
    # else the caller reads.
    forkable: bool

    def add(self, table: Table, row: tuple[Any, ...]) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class DigestWriter:
    """Stores nothing: only digests and counts the rows (for tests and dry runs)."""

    forkable = False  # a dry run measures the generator in one process

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
    forkable = True

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


class CopyWriter(BulkCreateWriter):
    """PostgreSQL only: each flush streams the buffered rows of every table, in foreign-key
    order, through one `COPY … FROM STDIN` per table. Columns the generator leaves out are sent
    with their field defaults (as `insert` fills them), JSON columns as JSON text; the database
    checks constraints and updates indexes as for INSERT, inside the builder's transaction.

    `tee` (optional): a callable given (table, rows) before each COPY — the loading benchmark
    uses it to keep the exact rows for a raw COPY of the same data."""

    def __init__(self, batch_size: int = 20000, digest: bool = True, tee: Any = None) -> None:
        super().__init__(batch_size, digest)
        self.tee = tee
        self.forkable = tee is None  # the rows teed in a forked process would be lost

    def flush(self) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
            for table in TABLES:
                rows = self.buffers[table]
                if rows:
                    if self.tee is not None:
                        self.tee(table, rows)
                    copy_rows(raw, table, rows)
                    rows.clear()


def copy_rows(raw_cursor: Any, table: Table, rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY rows of a demo table (in `table.columns` order) with a psycopg 3 cursor."""
    columns, extra, json_at = _copy_shape(table)
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table.name)} ({column_list}) FROM STDIN"
    with raw_cursor.copy(sql) as copy:
        write = copy.write_row
        if json_at:
            for row in rows:
                values = list(row)
                for i in json_at:
                    if values[i] is not None:
                        values[i] = json.dumps(values[i], ensure_ascii=False)
                write((*values, *extra))
        elif extra:
            for row in rows:
                write((*row, *extra))
        else:
            for row in rows:
                write(row)


@cache
def _copy_shape(table: Table) -> tuple[tuple[str, ...], tuple[Any, ...], tuple[int, ...]]:
    """Database columns to COPY (the table's, then the defaulted ones), the default values and
    the positions of the JSON columns among the table's."""
    from django.db.models import JSONField

    fields = {f.attname: f for f in table.model._meta.concrete_fields}
    defaults = _defaults(table)
    columns = tuple(str(fields[c].column) for c in (*table.columns, *defaults))
    json_at = tuple(i for i, c in enumerate(table.columns) if isinstance(fields[c], JSONField))
    if any(isinstance(fields[c], JSONField) for c in defaults):
        raise TypeError(f"{table.name}: a defaulted JSON column needs converting too")
    return columns, tuple(defaults.values()), json_at


def copy_instances(model: type[Any], objs: list[Any]) -> None:
    """COPY model instances (every concrete column, ids included) on PostgreSQL: the case
    activity's batches, where bulk_create's statement building costs more than the rows."""
    if not objs:
        return
    fields, columns, json_at = _instance_shape(model._meta.label)
    ops = connection.ops
    sql = (
        f"COPY {ops.quote_name(model._meta.db_table)} "
        f"({', '.join(ops.quote_name(c) for c in columns)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        write = copy.write_row
        for obj in objs:
            d = obj.__dict__
            values = [d[f] for f in fields]
            for i in json_at:
                if values[i] is not None:
                    values[i] = json.dumps(values[i], ensure_ascii=False)
            write(values)


@cache
def _instance_shape(label: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    from django.apps import apps
    from django.db.models import JSONField

    concrete = apps.get_model(label)._meta.concrete_fields
    return (
        tuple(f.attname for f in concrete),
        tuple(str(f.column) for f in concrete),
        tuple(i for i, f in enumerate(concrete) if isinstance(f, JSONField)),
    )


def writer_for(batch_size: int | None = None, digest: bool = False, kind: str = "auto") -> Writer:
    """The fastest writer for the database: COPY on PostgreSQL, bulk_create elsewhere."""
    if kind == "copy" or (kind == "auto" and connection.vendor == "postgresql"):
        if connection.vendor != "postgresql":
            raise ValueError("the COPY writer needs PostgreSQL")
        return CopyWriter(batch_size or 20000, digest=digest)
    return BulkCreateWriter(batch_size or 5000, digest=digest)


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


def workers(jobs: int) -> int:
    """Processes for work that splits by community: one per core (at most 4) on PostgreSQL;
    one on SQLite (one writer at a time), inside a transaction (the others would not see its
    rows) or for fewer than 8 jobs."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or jobs < 8:
        return 1
    return max(1, min(4, os.cpu_count() or 1))
