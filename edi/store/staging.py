"""Sets read but not yet decided, kept in a temporary table so memory stays flat for 100,000-set interchanges."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Generic, TypeVar

from edi.store.connection import Db

T = TypeVar("T")
STAGE_CHUNK = 1000


class Stage(Generic[T]):
    """Staged items in insertion order, inside the interchange's transaction (a rollback forgets them)."""

    def __init__(self, conn: Db) -> None:
        self.conn = conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS staged_sets (seq INTEGER PRIMARY KEY, item BLOB NOT NULL)")
        self.count = 0

    def add(self, item: T) -> None:
        """Keep one item."""
        self.count += 1
        self.conn.execute("INSERT INTO staged_sets VALUES (?, ?)", (self.count, pickle.dumps(item, protocol=5)))

    def __iter__(self) -> Iterator[T]:
        for start in range(1, self.count + 1, STAGE_CHUNK):
            rows = self.conn.execute(
                "SELECT item FROM staged_sets WHERE seq >= ? AND seq < ? ORDER BY seq", (start, start + STAGE_CHUNK)
            ).fetchall()
            for (blob,) in rows:
                yield pickle.loads(blob)

    def clear(self) -> None:
        """Forget everything staged (before the interchange commits, or after a rollback)."""
        self.count = 0
        self.conn.execute("DELETE FROM staged_sets")

    def reset(self) -> None:
        """Start counting again after the transaction that held the rows rolled back or committed."""
        self.count = 0
