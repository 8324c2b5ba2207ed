"""What one write transaction may keep in memory, for either engine's connection (docs/reference.md).

Two things are drawn many times per interchange and were a statement each: the store's sequences (a reference
number per 814 answered) and the tail of the outcome chain (F7: each seal covers the previous one). Inside a write
transaction nobody else can change either (SQLite has one writer; on PostgreSQL every write transaction takes the
store's writer lock first, ``edi/store/postgres.py``), so the first draw reads them and later draws count in memory:

- sequence values are written back before anything that could see them: COMMIT, SAVEPOINT, RELEASE and any
  statement naming ``sequences``; a ROLLBACK (or ROLLBACK TO) forgets what was drawn since, as the database does;
- the chain tail is forgotten at every transaction boundary, at a ROLLBACK TO, and whenever another statement
  names ``outcomes`` (only ``insert_outcome`` writes that table through the handle's own path).

A third thing is written many times and read back never within a block of requests: the rows an accepted or
rejected request adds (its outcome, BGN02, supply, timeline and switch-notice rows). ``queue`` holds such an INSERT
and runs it, with the others of its statement, in one ``executemany`` before the next statement of any other kind
(a read sees every row queued before it), at COMMIT, SAVEPOINT and RELEASE; a ROLLBACK or ROLLBACK TO drops what is
queued, which is all after the newest savepoint. The outcome rows go first: the other queued rows refer to them.
An error in a queued row is raised by the statement that ran it, which fails its transaction as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from edi.store.engine import Db

_WRITE_BACK = frozenset({"COMMIT", "END", "SAVEPOINT", "RELEASE"})
_FORGET = frozenset({"ROLLBACK", "BEGIN"})
_ROW_STATEMENTS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ")
QUEUE_ROWS = 4096  # rows queued at most before they run anyway (memory stays bounded whatever the caller does)


_TABLES: dict[str, str] = {}


def insert_target(sql: str) -> str:
    """The table an INSERT writes (the word after INTO), looked up once per statement text."""
    table = _TABLES.get(sql)
    if table is None:
        words = sql.split()
        table = _TABLES[sql] = words[words.index("INTO") + 1] if "INTO" in words else sql
    return table


class TransactionMemory:
    """Sequence draws, the outcome chain's tail and queued INSERTs, kept for the open write transaction.

    A connection class mixes this in before its engine's class and names that engine's own statement runners
    (``_run``, ``_run_many``); ``execute`` and ``executemany`` here keep what is kept in step with the database.
    """

    def _in_transaction(self) -> bool:
        raise NotImplementedError

    def _run(self, sql: str, parameters: Any = ()) -> Any:
        raise NotImplementedError

    def _run_many(self, sql: str, parameters: Iterable[Any]) -> Any:
        raise NotImplementedError

    def _remember(self) -> None:
        """Start with nothing kept (called by the connection's ``__init__``)."""
        self._drawn: dict[str, int] = {}  # the next value of each sequence read in this transaction
        self._dirty: set[str] = set()  # sequences drawn from since they were last written back
        self._tail: tuple[int, str] | None = None  # (id, seal) of the last outcome row, while it cannot change
        self._queued: dict[str, list[tuple[object, ...]]] = {}  # INSERTs not yet run, by statement
        self._queued_rows = 0
        self._outcome_sql = ""  # the statement ``insert_outcome`` queues: it runs first

    def queue(self, sql: str, values: tuple[object, ...]) -> None:
        """An INSERT whose result nobody reads: run with the others of its statement before the next other one."""
        if not self._in_transaction():
            self.execute(sql, values)
            return
        rows = self._queued.get(sql)
        if rows is None:
            table = insert_target(sql)
            if any(insert_target(other) == table for other in self._queued):
                self._run_queued()  # a table's rows keep their order (and ids) only if one statement queues them
            rows = self._queued[sql] = []
        rows.append(values)
        self._queued_rows += 1
        if self._queued_rows >= QUEUE_ROWS:
            self._run_queued()

    def _run_queued(self) -> None:
        """Every queued INSERT, outcome rows first, each statement's rows in the order they were queued."""
        if not self._queued:
            return
        queued, self._queued, self._queued_rows = self._queued, {}, 0
        first = queued.pop(self._outcome_sql, None)
        if first:
            self._run_many(self._outcome_sql, first)
        for sql, rows in queued.items():
            self._run_many(sql, rows)

    def _needs_queued(self, sql: str) -> bool:
        """Whether the queued rows must run before ``sql`` (here: always; an engine may look closer)."""
        return True

    def _drop_queued(self) -> None:
        self._queued, self._queued_rows = {}, 0

    def _before(self, sql: str) -> None:
        """Write back or forget what is kept, as the statement about to run requires."""
        if self._queued:
            if sql.lstrip()[:8].upper() == "ROLLBACK":
                self._drop_queued()
            elif self._needs_queued(sql):
                self._run_queued()
        if not (self._drawn or self._tail):
            return
        if sql.startswith(_ROW_STATEMENTS):  # the common case: no transaction boundary
            if self._dirty and "sequences" in sql:
                self._write_back()
            if "outcomes" in sql:
                self._tail = None
            return
        word = sql.lstrip()[:9].split(None, 1)[0].upper() if sql.strip() else ""
        if word in _FORGET:
            self._forget()
            return
        if self._dirty and (word in _WRITE_BACK or "sequences" in sql):
            self._write_back()
        if word in ("COMMIT", "END") or "outcomes" in sql:
            self._tail = None
        if word in ("COMMIT", "END"):
            self._drawn.clear()

    def _forget(self) -> None:
        self._drawn.clear()
        self._dirty.clear()
        self._tail = None

    def _write_back(self) -> None:
        for name in sorted(self._dirty):
            self._run("UPDATE sequences SET next_value = ? WHERE name = ?", (self._drawn[name], name))
        self._dirty.clear()

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        """As the engine's, after writing back or forgetting what the statement could see or undo."""
        self._before(sql)
        return self._run(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any:
        """As the engine's, after writing back or forgetting what the statement could see or undo."""
        self._before(sql)
        return self._run_many(sql, parameters)

    def draw(self, name: str) -> int | None:
        """The next value of a sequence inside the open transaction (None when the store has no such sequence)."""
        value = self._drawn.get(name)
        if value is None:
            row = self._run("SELECT next_value FROM sequences WHERE name = ?", (name,)).fetchone()
            if row is None:
                return None
            value = int(row[0])
        self._drawn[name] = value + 1
        self._dirty.add(name)
        return value

    def outcome_tail(self) -> tuple[int, str]:
        """(id, seal) of the last outcome row ((0, '') for none), read once per transaction."""
        if self._tail is None:
            row = self._run("SELECT id, seal FROM outcomes ORDER BY id DESC LIMIT 1").fetchone()
            self._tail = (int(row[0]), str(row[1])) if row is not None else (0, "")
        return self._tail

    def insert_outcome(self, sql: str, values: tuple[object, ...], tail: tuple[int, str]) -> None:
        """Queue one outcome row (its id and seal computed by the caller) and remember it as the chain's tail."""
        self._outcome_sql = sql
        self.queue(sql, values)  # outside a transaction it runs at once, and the tail cannot be kept
        self._tail = tail if self._in_transaction() else None


class StoreConnection(TransactionMemory, sqlite3.Connection):
    """The SQLite store's connection: sqlite3's, keeping what an open write transaction may keep."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._remember()

    def _in_transaction(self) -> bool:
        return self.in_transaction

    def _run(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        return sqlite3.Connection.execute(self, sql, parameters)

    def _run_many(self, sql: str, parameters: Iterable[Any]) -> sqlite3.Cursor:
        return sqlite3.Connection.executemany(self, sql, parameters)

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        """As sqlite3's; everything kept is written back first and forgotten (a script may do anything)."""
        self._run_queued()
        if self._dirty:
            self._write_back()
        self._forget()
        return super().executescript(sql_script)

    def commit(self) -> None:
        """As sqlite3's, with the queued rows and the sequence draws written back first."""
        self._run_queued()
        if self._dirty:
            self._write_back()
        self._forget()
        super().commit()

    def rollback(self) -> None:
        """As sqlite3's; the queued rows and the draws are forgotten with the transaction."""
        self._drop_queued()
        self._forget()
        super().rollback()

    def blobopen(self, *args: Any, **kwargs: Any) -> Any:
        """As sqlite3's, after the queued rows have run (a blob reads and writes the table directly)."""
        self._run_queued()
        return super().blobopen(*args, **kwargs)


def queue_row(conn: Db, sql: str, values: tuple[object, ...]) -> None:
    """An INSERT whose result nobody reads: queued on the store's own handle, run at once on any other."""
    if isinstance(conn, TransactionMemory):
        conn.queue(sql, values)
    else:
        conn.execute(sql, values)
