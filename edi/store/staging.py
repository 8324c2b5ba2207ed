"""Sets read but not yet decided, kept in a temporary table so memory stays flat for 100,000-set interchanges."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Generic, TypeVar

from edi.store.connection import Db

T = TypeVar("T")
STAGE_CHUNK = 1000


class Stage(Generic[T]):
    """Staged items in insertion order, inside the interchange's transaction (a rollback forgets them).

    Items are held in memory a chunk at a time; each full chunk is pickled as one row of a temporary table, so
    memory stays flat whatever the interchange's size and a 100,000-set interchange costs 100 inserts, not 100,000.
    """

    def __init__(self, conn: Db) -> None:
        self.conn = conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS staged_sets (seq INTEGER PRIMARY KEY, item BLOB NOT NULL)")
        self.count = 0
        self.held: list[T] = []
        self.rows = 0

    def add(self, item: T) -> None:
        """Keep one item."""
        self.count += 1
        self.held.append(item)
        if len(self.held) == STAGE_CHUNK:
            self.rows += 1
            self.conn.execute("INSERT INTO staged_sets VALUES (?, ?)", (self.rows, pickle.dumps(self.held, protocol=5)))
            self.held = []

    def __iter__(self) -> Iterator[T]:
        for row in range(1, self.rows + 1):
            (blob,) = self.conn.execute("SELECT item FROM staged_sets WHERE seq = ?", (row,)).fetchone()
            yield from pickle.loads(blob)
        yield from self.held

    def clear(self) -> None:
        """Forget everything staged (before the interchange commits, or after a rollback)."""
        self.reset()
        self.conn.execute("DELETE FROM staged_sets")

    def reset(self) -> None:
        """Start again after the transaction that held the rows rolled back or committed."""
        self.count, self.held, self.rows = 0, [], 0
