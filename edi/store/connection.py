"""Opening the embedded SQLite store: WAL, synchronous=FULL, foreign keys, schema migrated, one writer at a time."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from edi.store import postgres
from edi.store.engine import Db, DbError, EngineError
from edi.store.handle import StoreConnection, TransactionMemory
from edi.store.migrate import migrate, schema_version

__all__ = ["Db", "DbError", "EngineError", "StoreError", "open_store"]


def is_store_url(target: object) -> bool:
    """True when ``--db`` names a PostgreSQL database (``postgresql://...``) rather than a SQLite file."""
    return postgres.is_url(target)


def store_exists(target: Path | str) -> bool:
    """Whether a store is there: the SQLite file exists, or the PostgreSQL database holds a store's schema."""
    if not is_store_url(target):
        return Path(target).is_file()
    conn = postgres.connect(str(target))
    try:
        return schema_version(conn) > 0
    finally:
        conn.close()


def shared(conn: Db) -> bool:
    """Whether several workers may use this store at once (PostgreSQL; SQLite has one, under its file lock)."""
    return isinstance(conn, postgres.PgConnection)


def side_connection(conn: Db) -> Db | None:
    """A second connection to a shared store, for writes that must not wait for the first one's transaction."""
    return conn.sibling() if isinstance(conn, postgres.PgConnection) else None


def mark_path(conn: Db, work_folder: Path, worker: str) -> Path:
    """Where a worker keeps its progress mark (H2): beside the SQLite file; per worker in the work folder else."""
    if isinstance(conn, postgres.PgConnection):
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in worker)
        return work_folder / f"sbo-edi-progress.{safe}"
    store = db_file(conn)
    return Path(f"{store}-progress") if store else Path(os.devnull)


def store_folder(target: Path | str) -> Path:
    """The folder beside the store for files it writes by default (the working folder for PostgreSQL)."""
    return Path.cwd() if is_store_url(target) else Path(target).resolve().parent


def engine_settings(conn: Db) -> str:
    """The engine and the durability settings in force, as ``status`` shows them."""
    if isinstance(conn, postgres.PgConnection):
        return postgres.settings_line(conn)
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(conn.execute("PRAGMA synchronous").fetchone()[0], "?")
    return f"SQLite {sqlite3.sqlite_version}: journal_mode={mode}, synchronous={sync}"


def describe_target(target: Path | str) -> str:
    """The store's name for messages: the path, or the URL without its password."""
    return postgres.redacted(str(target)) if is_store_url(target) else str(target)


DB_ENV = "SBO_EDI_DB"
DEFAULT_DB = "sbo-edi.db"


class StoreError(Exception):
    """The store cannot be used as asked (wrong settings, newer schema, unreadable file)."""


def default_path() -> Path:
    """``$SBO_EDI_DB`` when set, else ``sbo-edi.db`` in the working folder."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "fuse.sshfs", "afs", "ncpfs"})


def filesystem_type(path: Path, mounts: str | None = None) -> str:
    """The type of the file system holding ``path`` (from /proc/mounts; empty when unknown)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    target = str(path.resolve())
    best, kind = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def open_store(path: Path | str, *, create: bool = True) -> Db:
    """Open (creating when ``create``, and migrating as needed) and check the durability settings the design needs.

    The command line opens with ``create=False``: a mistyped ``--db`` is an error naming the path, never a new,
    empty store that then answers "nothing recorded" (only ``sbo-edi init`` creates one). A ``postgresql://`` URL
    opens the PostgreSQL store (its database is made by the server's administrator; ``init`` creates the schema).
    """
    if postgres.is_url(path):
        return _open_postgres(str(path), create=create)
    return _open_sqlite(path, create=create)


def _open_postgres(url: str, *, create: bool) -> Db:
    """The PostgreSQL store at ``url``, its server's settings checked and its schema migrated."""
    try:
        conn = postgres.connect(url)
    except EngineError as error:
        raise StoreError(f"cannot open the store {postgres.redacted(url)}: {error}") from error
    try:
        problems = postgres.durability_problems(conn)
        if problems:
            raise StoreError(f"the PostgreSQL store {conn.url} is not safe to use: {'; '.join(problems)}")
        if not create and schema_version(conn) == 0:
            raise StoreError(f"there is no store in {conn.url}; create one with `sbo-edi init --db <url>`")
        migrate(conn)
    except (EngineError, RuntimeError) as error:
        conn.close()
        raise StoreError(f"cannot open the store {conn.url}: {error}") from error
    except StoreError:
        conn.close()
        raise
    return conn


def _open_sqlite(path: Path | str, *, create: bool) -> Db:
    """The SQLite store file at ``path``."""
    if str(path) != ":memory:" and not create and not Path(path).is_file():
        raise StoreError(f"there is no store at {path}; create one with `sbo-edi init --db {path}`")
    if str(path) != ":memory:":
        kind = filesystem_type(Path(path).parent if not Path(path).exists() else Path(path))
        if kind in NETWORK_FILESYSTEMS:
            # E6: SQLite's locking is not reliable on network file systems.
            raise StoreError(f"the store {path} is on a network file system ({kind}); put it on a local disk")
    try:
        new = str(path) != ":memory:" and not Path(path).exists()
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0, factory=StoreConnection)
        if new:
            os.chmod(path, 0o600)  # F8: customer data, owner only
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
def transaction(conn: Db, *, commit: bool = True) -> Iterator[Db]:
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


def setting(conn: Db, key: str) -> str:
    """One value from the settings table."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise StoreError(f"setting {key!r} is missing from the store")
    return str(row[0])


# The settings an operator may change, with what a valid value looks like (guide section 3: ISA IDs and DUNS).
SETTING_RULES: dict[str, tuple[str, str]] = {
    "utility_name": (r"[A-Z0-9 .,&'-]{1,60}", "N1*8S N102: 1 to 60 upper-case letters, digits and . , & ' -"),
    "utility_duns": (r"[0-9]{9}([0-9]{4})?", "our DUNS (9 digits) or DUNS+4 (13): ISA06/ISA08, GS02, N1*8S N104"),
    "utility_qualifier": (r"01|14|16|ZZ", "our ISA05 qualifier: 01 DUNS, 14/16 DUNS+suffix, ZZ mutually defined"),
}


def change_setting(conn: Db, key: str, value: str) -> None:
    """Set one operator setting after checking it (in its own transaction)."""
    rule = SETTING_RULES.get(key)
    if rule is None:
        raise StoreError(f"unknown setting {key!r}; known: {', '.join(sorted(SETTING_RULES))}")
    if not re.fullmatch(rule[0], value):
        raise StoreError(f"{value!r} is not a valid {key}: {rule[1]}")
    with transaction(conn):
        conn.execute("UPDATE settings SET value = ? WHERE key = ?", (value, key))


def next_value(conn: Db, name: str) -> int:
    """Draw from a store-held sequence (inside the caller's transaction: a rollback returns the number).

    Inside a write transaction the handle counts in memory and writes the value back before anything can see it.
    """
    if isinstance(conn, TransactionMemory) and conn.in_transaction:
        drawn = conn.draw(name)
        if drawn is None:
            raise StoreError(f"sequence {name!r} is missing from the store")
        return drawn
    row = conn.execute(
        "UPDATE sequences SET next_value = next_value + 1 WHERE name = ? RETURNING next_value - 1", (name,)
    ).fetchone()
    if row is None:
        raise StoreError(f"sequence {name!r} is missing from the store")
    return int(row[0])


CONTROL_NUMBER_MAX = 999_999_999  # ISA13 and GS06 are at most 9 digits (guide section 3)
CONTROL_NUMBER_WARNING = 990_000_000  # D5: warn well before the wrap


def control_number(drawn: int) -> int:
    """A drawn sequence value as a 9-digit control number: 1..999,999,999, then 1 again (never 0)."""
    return (drawn - 1) % CONTROL_NUMBER_MAX + 1


class StoreControlNumbers:
    """ISA13 and GS06 from the store's sequences (the ControlNumbers protocol of edi.x12.acks), wrapping at 9 digits."""

    def __init__(self, conn: Db) -> None:
        self._conn = conn

    def next_interchange(self) -> int:
        """The next ISA13."""
        return control_number(next_value(self._conn, "interchange"))

    def next_group(self) -> int:
        """The next GS06."""
        return control_number(next_value(self._conn, "group"))


def control_numbers_near_wrap(conn: Db) -> list[str]:
    """The sequences whose next control number is within 9,999,999 of the wrap, for ``status``."""
    rows = conn.execute("SELECT name, next_value FROM sequences WHERE name IN ('interchange', 'group')").fetchall()
    return [
        f"{name} {control_number(value):,}" for name, value in rows if control_number(value) >= CONTROL_NUMBER_WARNING
    ]


def begin_snapshot(conn: Db) -> None:
    """Open a read transaction: every read until its end sees the store as it was now."""
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if isinstance(conn, postgres.PgConnection)
                 else "BEGIN")  # fmt: skip


def begin(conn: Db) -> None:
    """Open a write transaction now (the writer lock is taken at once: E4 waits here, not mid-interchange)."""
    conn.execute("BEGIN IMMEDIATE")


def commit(conn: Db, *, keep: bool = True) -> None:
    """End the open transaction: commit it, or roll it back when ``keep`` is false (dry runs)."""
    conn.execute("COMMIT" if keep else "ROLLBACK")


def rollback(conn: Db) -> None:
    """Roll back the open transaction, if any."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


@contextmanager
def savepoint(conn: Db, name: str, *, keep: bool = True) -> Iterator[None]:
    """A nested unit inside the open transaction: released at the end, rolled back on error or when not ``keep``."""
    open_savepoint(conn, name)
    try:
        yield
    except BaseException:
        rollback_to(conn, name)
        raise
    if keep:
        release(conn, name)
    else:
        rollback_to(conn, name)


def open_savepoint(conn: Db, name: str) -> None:
    """Start a nested unit inside the open transaction, ended by ``release`` or undone by ``rollback_to``."""
    conn.execute(f"SAVEPOINT {name}")


def release(conn: Db, name: str) -> None:
    """Keep what the savepoint holds as part of the enclosing transaction."""
    conn.execute(f"RELEASE {name}")


def rollback_to(conn: Db, name: str) -> None:
    """Undo everything since the savepoint began, and end it."""
    conn.execute(f"ROLLBACK TO {name}")
    conn.execute(f"RELEASE {name}")


def integrity_problems(conn: Db, limit: int = 20) -> list[str]:
    """I8: what the engine's own integrity check finds wrong with the store's files (empty when it is sound).

    PostgreSQL checks its pages itself (checksums when the cluster has them) and has no whole-database check.
    """
    if isinstance(conn, postgres.PgConnection):
        return []
    rows = [str(row[0]) for row in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    return [] if rows == ["ok"] else rows


def in_chunks(values: Sequence[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """The distinct values, sorted, a chunk at a time with its ``?, ?`` placeholders for an IN list."""
    wanted = sorted(set(values))
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        yield chunk, ", ".join("?" for _ in chunk)


def db_file(conn: Db) -> Path | None:
    """The file behind the connection's main database (None in memory or on PostgreSQL)."""
    if isinstance(conn, postgres.PgConnection):
        return None
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row is not None and row[2] else None


def table_names(conn: Db) -> list[str]:
    """The store's tables, by name (the engine's own bookkeeping left out)."""
    if isinstance(conn, postgres.PgConnection):
        sql = ("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
               " AND table_name <> 'store_version' ORDER BY table_name")  # fmt: skip
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    return [str(row[0]) for row in conn.execute(sql)]


def all_settings(conn: Db) -> list[tuple[str, str]]:
    """Every setting and its value, by key."""
    return [(str(k), str(v)) for k, v in conn.execute("SELECT key, value FROM settings ORDER BY key")]
