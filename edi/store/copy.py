"""Moving a store to the other engine (``sbo-edi store copy``): every row, the audit chain as it is, in one go.

The target must be a new store (nothing in it but the settings and sequences a new store starts with). Tables go
over parents first, rows in their key order, a block at a time, all in one transaction of the target: a copy that
fails leaves the target as it was. Sealed outcome rows are copied column for column, so their seals still verify.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from edi.store.connection import begin_snapshot, rollback, table_names, transaction
from edi.store.engine import Db
from edi.store.migrate import baseline, schema_version
from edi.store.postgres import PgConnection

BLOCK = 2000  # rows read and written together
SEEDED = ("settings", "sequences")  # a new store has these rows already: the source's replace them
_CREATE = re.compile(r"\s*CREATE TABLE (\w+)")


class CopyError(Exception):
    """The copy cannot be made as asked (different schema versions, a target that is not new)."""


@dataclass
class CopyResult:
    """How many rows each table brought over."""

    rows: dict[str, int] = field(default_factory=dict)

    def total(self) -> int:
        """Rows copied in all."""
        return sum(self.rows.values())


def copy_order(conn: Db) -> list[str]:
    """The store's tables, parents before the tables that refer to them."""
    order = [m.group(1) for statement in baseline() if (m := _CREATE.match(statement))]
    present = set(table_names(conn))
    return [t for t in order if t in present] + sorted(present - set(order))


def _check(source: Db, target: Db) -> list[str]:
    """The tables to copy, once both stores are at one schema version and the target holds nothing of its own."""
    if schema_version(source) != schema_version(target):
        raise CopyError(f"the stores are at schema versions {schema_version(source)} and {schema_version(target)}")
    tables = copy_order(source)
    if tables != copy_order(target):
        raise CopyError("the stores do not have the same tables")
    for table in tables:
        if table not in SEEDED and target.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
            raise CopyError(f"the target store is not new: its {table} table has rows")
    return tables


def _columns(conn: Db, table: str) -> list[str]:
    cursor = conn.execute(f"SELECT * FROM {table} LIMIT 0")
    description = getattr(cursor, "description", None) or ()
    return [str(column[0]) if isinstance(column, tuple) else str(column.name) for column in description]


def _blocks(conn: Db, table: str, columns: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    """A table's rows in column order, BLOCK at a time, streamed (never the whole table in memory)."""
    query = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(columns[:1])}"
    if isinstance(conn, PgConnection):
        rows: Iterator[Any] = conn.stream(query, BLOCK)
    else:
        rows = iter(conn.execute(query))
    block: list[tuple[Any, ...]] = []
    for row in rows:
        block.append(tuple(row))
        if len(block) == BLOCK:
            yield block
            block = []
    if block:
        yield block


def copy_store(source: Db, target: Db, progress: Callable[[str, int], None] = lambda table, rows: None) -> CopyResult:
    """Every row of ``source`` into the new store ``target``, in one transaction of the target."""
    tables = _check(source, target)
    result = CopyResult()
    begin_snapshot(source)  # one consistent view of the source, even while a worker writes to it
    try:
        _copy_tables(source, target, tables, result, progress)
    finally:
        rollback(source)
    return result


def _copy_tables(source: Db, target: Db, tables: list[str], result: CopyResult,
                 progress: Callable[[str, int], None]) -> None:  # fmt: skip
    with transaction(target):
        for table in tables:
            columns = _columns(source, table)
            if table in SEEDED:
                target.execute(f"DELETE FROM {table}")
            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            count = 0
            for block in _blocks(source, table, columns):
                target.executemany(insert, block)
                count += len(block)
                progress(table, count)
            result.rows[table] = count
