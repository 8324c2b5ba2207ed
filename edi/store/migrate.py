"""Bring a store to the latest schema: the SQL migrations of ``schema.py``, then the ones that need Python."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache

from edi.store.engine import Db
from edi.store.postgres import PgConnection
from edi.store.schema import MIGRATIONS
from edi.store.schema_later import LATER_MIGRATIONS
from edi.store.schema_pg import postgres_schema
from edi.store.seal import reseal_chain, verify_chain

# Every column holding a moment (not a day): before migration 11 they were the machine's naive local time.
MOMENTS = (("interchanges", "processed_at"), ("timeline", "at"), ("cycle_closes", "closed_at"),
           ("outbox", "created_at"), ("outbox", "sent_at"), ("outbox", "acked_at"), ("runs", "started_at"),
           ("runs", "finished_at"), ("files", "received_at"), ("files", "finished_at"), ("files", "purged_at"),
           ("bills_run", "imported_at"), ("invoices", "created_at"), ("heartbeat", "beat_at"),
           ("file_history", "at"), ("document_history", "at"))  # fmt: skip
UTC_STAMP = "strftime('%Y-%m-%dT%H:%M:%SZ', {c}, 'utc')"  # SQLite reads the naive value as the machine's local time


def utc_moments(conn: Db) -> None:
    """11 (O8): every stored moment as UTC with Z; the sealed ``processed_at`` too, resealed, if the chain held."""
    for table, column in MOMENTS:
        conn.execute(f"UPDATE {table} SET {column} = {UTC_STAMP.format(c=column)}"
                     f" WHERE {column} IS NOT NULL AND {column} NOT LIKE '%Z'")  # fmt: skip
    _, broken = verify_chain(conn)
    if broken is None:  # a chain already broken stays exactly as found, for verify-audit to name (F7)
        conn.execute(f"UPDATE outcomes SET processed_at = {UTC_STAMP.format(c='processed_at')}"
                     " WHERE processed_at NOT LIKE '%Z'")  # fmt: skip
        reseal_chain(conn)


MIGRATION_LOCK = 7_411_001  # the advisory lock migrations take on PostgreSQL (docs/reference.md)
STEPS: tuple[str | Callable[[Db], None], ...] = (*MIGRATIONS, utc_moments, *LATER_MIGRATIONS)


def schema_version(conn: Db) -> int:
    """How far the store's schema has come (the number of migrations applied)."""
    if isinstance(conn, PgConnection):
        found = conn.execute("SELECT to_regclass('store_version') IS NOT NULL").fetchone()[0]
        return int(conn.execute("SELECT version FROM store_version").fetchone()[0]) if found else 0
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _set_version(conn: Db, version: int) -> None:
    if isinstance(conn, PgConnection):
        conn.execute("UPDATE store_version SET version = ?", (version,))
    else:
        conn.execute(f"PRAGMA user_version = {version}")


@cache
def baseline() -> tuple[str, ...]:
    """A new PostgreSQL store's statements: the schema the SQLite migrations give now (made once per process)."""
    migrated = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(migrated)
        return tuple(postgres_schema(migrated))
    finally:
        migrated.close()


def _baseline(conn: PgConnection) -> int:
    """A new PostgreSQL store: the schema as SQLite's migrations leave it now, in one go."""
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))  # two workers starting at once
        if schema_version(conn) == 0:
            for statement in baseline():
                conn.execute(statement)
            conn.execute("CREATE TABLE store_version (version BIGINT NOT NULL)")
            conn.execute("INSERT INTO store_version VALUES (?)", (len(STEPS),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return schema_version(conn)


def migrate(conn: Db) -> int:
    """Bring the schema up to the latest migration, each in its own transaction; returns the version."""
    version = schema_version(conn)
    if isinstance(conn, PgConnection) and version == 0:
        version = _baseline(conn)
    if version > len(STEPS):
        raise RuntimeError(f"the store is at schema version {version}, newer than this program ({len(STEPS)})")
    for number in range(version, len(STEPS)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if isinstance(conn, PgConnection):
                conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
                if schema_version(conn) > number:  # another worker applied it meanwhile
                    conn.execute("COMMIT")
                    continue
            step = STEPS[number]
            if callable(step):
                step(conn)
            else:
                for statement in _statements(step):
                    conn.execute(statement)
            _set_version(conn, number + 1)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(STEPS)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (ours hold no semicolons inside literals)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
