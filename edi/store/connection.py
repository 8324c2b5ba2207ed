"""Opening the embedded SQLite store: WAL, synchronous=FULL, foreign keys, schema migrated, one writer at a time."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edi.store.schema import migrate

DB_ENV = "SBO_EDI_DB"
DEFAULT_DB = "sbo-edi.db"


class StoreError(Exception):
    """The store cannot be used as asked (wrong settings, newer schema, unreadable file)."""


def default_path() -> Path:
    """``$SBO_EDI_DB`` when set, else ``sbo-edi.db`` in the working folder."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def open_store(path: Path | str) -> sqlite3.Connection:
    """Open (creating and migrating as needed) and check the durability settings the exactly-once design needs."""
    try:
        new = str(path) != ":memory:" and not Path(path).exists()
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        if new:
            os.chmod(path, 0o600)  # reliability.md F8: customer data, owner only
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = conn.execute("PRAGMA synchronous").fetchone()[0]
        if str(path) != ":memory:" and (mode != "wal" or sync != 2):
            raise StoreError(f"the store must run in WAL with synchronous=FULL (got {mode}, {sync})")
        migrate(conn)
    except (sqlite3.Error, RuntimeError, OSError) as error:
        raise StoreError(f"cannot open the store {path}: {error}") from error
    conn.row_factory = sqlite3.Row
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
    """One write transaction; rolled back on any error, or at the end when ``commit`` is false (dry runs)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT" if commit else "ROLLBACK")
    except BaseException:
        if conn.in_transaction:  # a COMMIT that failed (disk full, I/O error) leaves the transaction open
            conn.execute("ROLLBACK")
        raise


def setting(conn: sqlite3.Connection, key: str) -> str:
    """One value from the settings table."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise StoreError(f"setting {key!r} is missing from the store")
    return str(row[0])


def next_value(conn: sqlite3.Connection, name: str) -> int:
    """Draw from a store-held sequence (inside the caller's transaction: a rollback returns the number)."""
    row = conn.execute("UPDATE sequences SET next_value = next_value + 1 WHERE name = ? RETURNING next_value - 1",
                       (name,)).fetchone()
    if row is None:
        raise StoreError(f"sequence {name!r} is missing from the store")
    return int(row[0])


class StoreControlNumbers:
    """ISA13 and GS06 from the store's sequences (the ControlNumbers protocol of edi.acks)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def next_interchange(self) -> int:
        """The next ISA13."""
        return next_value(self._conn, "interchange")

    def next_group(self) -> int:
        """The next GS06."""
        return next_value(self._conn, "group")
