"""The store on PostgreSQL (psycopg 3): the same statements as SQLite's, the same rows, the same errors.

The store's SQL is written once, in the spellings both engines accept (``?`` placeholders, ``ON CONFLICT``,
``RETURNING``). This handle turns ``?`` into psycopg's ``%s`` and rewrites the few SQLite spellings that have no
common form (``group_concat``, ``json_extract``, ``BEGIN IMMEDIATE``), once per statement text. Parameters go to
the server untyped, as SQLite takes them: a Python int compares with a TEXT column as it does there. Whole-number
aggregates come back as int, as SQLite's do. Design and settings: docs/reference.md, "The PostgreSQL store".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper, Loader
from psycopg.pq import TransactionStatus

from edi.store.engine import ConstraintError, Cursor, EngineError, Row, row_type
from edi.store.handle import TransactionMemory, insert_target

URL_SCHEMES = ("postgresql://", "postgres://")
ENGINE = "postgresql"


def is_url(target: object) -> bool:
    """True when a ``--db`` value names a PostgreSQL database rather than a SQLite file."""
    return str(target).startswith(URL_SCHEMES)


def redacted(url: str) -> str:
    """The URL without its password (for messages, logs and ``status``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class _Untyped(Dumper):
    """A value sent as text of unknown type: the server reads it as whatever the statement needs (as SQLite does)."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        """The value's text."""
        return str(obj).encode()


class _IntUntyped(_Untyped):
    def quote(self, obj: Any) -> bytes:
        """The number as a literal (psycopg quotes values into a few statements of its own: FETCH)."""
        return str(int(obj)).encode()


class _BoolUntyped(_Untyped):
    def dump(self, obj: Any) -> bytes:
        """1 or 0, as SQLite stores a bool."""
        return b"1" if obj else b"0"


class _MomentUntyped(_Untyped):
    def dump(self, obj: Any) -> bytes:
        """ISO text with a space, as sqlite3's default adapter writes a datetime."""
        return str(obj.isoformat(" ")).encode()


class _WholeNumber(Loader):
    def load(self, data: Any) -> int | Decimal:
        """A numeric result (``sum`` of BIGINT) as int when whole, as SQLite returns it."""
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else value


_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bBEGIN IMMEDIATE\b"), "BEGIN"),
    (re.compile(r"\bgroup_concat\("), "string_agg("),
    (re.compile(r"\bjson_extract\((\w+), '\$\.(\w+)'\)"), r"(\1::jsonb ->> '\2')"),
)
_PLACEHOLDER = re.compile(r"'[^']*'|\?|%")
_TRANSLATED: dict[str, str] = {}


def translate(sql: str) -> str:
    """The statement in PostgreSQL's spelling (cached by text)."""
    done = _TRANSLATED.get(sql)
    if done is None:
        text = sql
        for pattern, spelling in _REWRITES:
            text = pattern.sub(spelling, text)
        done = _PLACEHOLDER.sub(_placeholder, text)
        if len(_TRANSLATED) < 10_000:
            _TRANSLATED[sql] = done
    return done


def _placeholder(match: re.Match[str]) -> str:
    token = match.group(0)
    if token == "?":
        return "%s"
    return token.replace("%", "%%")


def _rows(cursor: Any) -> Any:
    """Psycopg's row factory for ``Row``: tuples that also answer to column names."""
    names = [column.name for column in cursor.description or ()]
    kind = row_type(names)
    return lambda values: kind(values)


ANALYZE_AFTER = 5000  # rows a session adds to a table before it refreshes that table's statistics
WRITER_LOCK = 7_411_000  # every write transaction holds it from BEGIN to its end: one writer at a time, as SQLite


class PgConnection(TransactionMemory):
    """A psycopg connection in autocommit mode, driven by explicit BEGIN/COMMIT like the SQLite handle.

    ``BEGIN IMMEDIATE`` (a write transaction: ``edi/store/connection.py``) takes the store's writer lock, so write
    transactions follow one another as on SQLite and what a transaction keeps in memory stays true.
    """

    engine = ENGINE

    def __init__(self, raw: psycopg.Connection[Row], url: str) -> None:
        self.raw = raw
        self.url = redacted(url)
        self._dsn = url  # for a second connection to the same database (never shown: it may hold a password)
        self._remember()
        self._grown: dict[str, int] = {}  # rows this session added to each table since it last analyzed it

    @property
    def in_transaction(self) -> bool:
        """True between BEGIN and COMMIT or ROLLBACK (also after a failed statement, until ROLLBACK)."""
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def _in_transaction(self) -> bool:
        return self.in_transaction

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        """Run one statement; a write transaction's BEGIN also takes the writer lock."""
        if sql.startswith("SELECT ") and self._grown:
            self._run_queued()
            self._analyze_grown()
        cursor = super().execute(sql, parameters)
        if sql == "BEGIN IMMEDIATE":
            self._run("SELECT pg_advisory_xact_lock(?)", (WRITER_LOCK,))
        return cursor  # type: ignore[no-any-return]

    def _run(self, sql: str, parameters: Any = ()) -> Cursor:
        """One statement as the server takes it."""
        try:
            return self.raw.execute(translate(sql), parameters)
        except psycopg.Error as error:
            raise converted(error) from error

    def _run_many(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        """One statement for each set of parameters (pipelined by psycopg)."""
        cursor = self.raw.cursor()
        rows = list(parameters)
        try:
            cursor.executemany(translate(sql), rows)
        except psycopg.Error as error:
            raise converted(error) from error
        if sql.startswith("INSERT "):
            table = insert_target(sql)
            self._grown[table] = self._grown.get(table, 0) + len(rows)
        return cursor

    def _run_queued(self) -> None:
        """The queued INSERTs of every table in one pipeline: one round trip to the server, not one per table."""
        if not self._queued:
            return
        try:
            with self.raw.pipeline():
                super()._run_queued()
        except psycopg.Error as error:
            raise converted(error) from error

    def _needs_queued(self, sql: str) -> bool:
        """The queued rows run first before a statement that names their tables or refers to an outcome row.

        Every other statement (a read or change of an account, a plan, a service point) cannot see them, so they
        wait for the next statement that can: fewer, larger pipelines (a round trip each).
        """
        if not sql.startswith(("SELECT ", "UPDATE ", "INSERT ", "DELETE ")) or "outcome" in sql:
            return True
        return any(insert_target(queued) in sql for queued in self._queued)

    def _analyze_grown(self) -> None:
        """ANALYZE the tables this session grew by ANALYZE_AFTER rows (its own uncommitted rows count).

        The planner's estimates come from the last ANALYZE: a table that grew from nothing within one long
        transaction (a first aggregation drop) would otherwise be planned as empty, and a lookup by key list
        turned into a scan per statement: quadratic time.
        """
        grown = sorted(table for table, rows in self._grown.items() if rows >= ANALYZE_AFTER)
        for table in grown:
            self._run(f"ANALYZE {table}")
            del self._grown[table]

    def stream(self, sql: str, size: int) -> Iterator[Row]:
        """The rows of a query inside the open transaction, fetched ``size`` at a time by a server-side cursor."""
        try:
            with self.raw.cursor(name="sbo_edi_stream") as cursor:
                cursor.itersize = size
                cursor.execute(translate(sql))
                yield from cursor
        except psycopg.Error as error:
            raise converted(error) from error

    def sibling(self) -> PgConnection:
        """Another connection to the same database (its own transactions)."""
        return connect(self._dsn)

    def close(self) -> None:
        """Close the connection; an open transaction is rolled back by the server."""
        self.raw.close()


def converted(error: psycopg.Error) -> EngineError:
    """A psycopg error as the store's own: a refused row names its constraint's kind and table.columns."""
    diag = error.diag
    kinds = {
        pg_errors.UniqueViolation: "unique",
        pg_errors.ForeignKeyViolation: "foreign key",
        pg_errors.CheckViolation: "check",
        pg_errors.NotNullViolation: "not null",
    }
    for kind_type, kind in kinds.items():
        if isinstance(error, kind_type):
            columns = re.match(r"Key \(([^)]*)\)", diag.message_detail or "")
            column = columns.group(1).replace(" ", "") if columns else (diag.column_name or "")
            where = f"{diag.table_name}.{column}" if column else (diag.constraint_name or "")
            return ConstraintError(diag.message_primary or str(error), kind, where)
    if isinstance(error, psycopg.errors.IntegrityError):
        return ConstraintError(diag.message_primary or str(error), "constraint", diag.constraint_name or "")
    return EngineError(str(error).strip() or type(error).__name__)


def connect(url: str) -> PgConnection:
    """Connect in autocommit mode (the store runs its own BEGIN/COMMIT) with SQLite-like parameters and rows."""
    try:
        raw: psycopg.Connection[Row] = psycopg.connect(url, autocommit=True, row_factory=_rows)
    except psycopg.Error as error:
        raise converted(error) from error
    raw.adapters.register_dumper(int, _IntUntyped)
    for kind in (Decimal, date):
        raw.adapters.register_dumper(kind, _Untyped)
    raw.adapters.register_dumper(bool, _BoolUntyped)
    raw.adapters.register_dumper(datetime, _MomentUntyped)
    raw.adapters.register_loader("numeric", _WholeNumber)
    return PgConnection(raw, url)


def durability_problems(conn: PgConnection) -> list[str]:
    """What is wrong with the server's settings for the store (empty when all is as the design needs)."""
    problems = []
    names = "'fsync', 'synchronous_commit', 'default_transaction_isolation', 'full_page_writes'"
    rows = conn.execute(f"SELECT name, setting FROM pg_settings WHERE name IN ({names})").fetchall()
    settings = {str(name): str(value) for name, value in rows}
    if settings.get("fsync") != "on" or settings.get("full_page_writes") != "on":
        problems.append("fsync and full_page_writes must be on (a crash would lose or tear committed pages)")
    if settings.get("synchronous_commit") not in ("on", "remote_write", "remote_apply"):
        problems.append(f"synchronous_commit is {settings.get('synchronous_commit')}; it must be on (a commit"
                        " reported to a partner must survive a crash)")  # fmt: skip
    if settings.get("default_transaction_isolation") != "read committed":
        problems.append("default_transaction_isolation must be read committed (the store locks the rows it needs)")
    collation = conn.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()").fetchone()
    if collation is None or collation[0] not in ("C", "C.UTF-8", "C.utf8", "POSIX"):
        problems.append(f"the database's collation is {collation[0] if collation else '?'}; it must be C"
                        " (CREATE DATABASE ... TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'): text sorts as in"
                        " SQLite only then")  # fmt: skip
    return problems


def settings_line(conn: PgConnection) -> str:
    """The engine, server version and the settings ``status`` shows."""
    version = conn.execute("SHOW server_version").fetchone()[0]
    sync = conn.execute("SHOW synchronous_commit").fetchone()[0]
    isolation = conn.execute("SHOW default_transaction_isolation").fetchone()[0]
    return f"PostgreSQL {version}: synchronous_commit={sync}, isolation={isolation}"
