"""What every store engine offers the rest of the store: the handle's shape, its errors and its row type.

The store's functions take a ``Db``: SQLite's own connection (``edi/store/handle.py``) or the PostgreSQL handle
(``edi/store/postgres.py``), which takes the same statements (``?`` placeholders) and returns the same rows. What
is outside ``edi/store`` sees only these names, never an engine's module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol


class Cursor(Protocol):
    """The result of one statement: its rows and how many it changed."""

    @property
    def rowcount(self) -> int:
        """Rows the statement changed (-1 when the engine cannot say)."""

    def fetchone(self) -> Any:
        """The next row, or None."""

    def fetchall(self) -> list[Any]:
        """Every row left."""

    def __iter__(self) -> Iterator[Any]:
        """The rows one at a time."""


class Db(Protocol):
    """An open store: statements with ``?`` placeholders, and whether a transaction is open."""

    @property
    def in_transaction(self) -> bool:
        """True between BEGIN and COMMIT or ROLLBACK."""

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor:
        """Run one statement."""

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor:
        """Run one statement for each set of parameters."""

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back)."""


class EngineError(Exception):
    """The PostgreSQL server failed a statement or the connection (SQLite raises its own ``sqlite3.Error``)."""


class ConstraintError(EngineError):
    """A constraint refused a row; ``kind`` is unique, foreign key, check or not null, ``where`` table.columns."""

    def __init__(self, message: str, kind: str = "", where: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.where = where


class CheckFailedError(ConstraintError):
    """The store's own check refused a row, in the words of the constraint it stands for (``CHECK: ...``)."""


# What callers outside the store catch when the database itself fails (E4): either engine's failure.
DbError: tuple[type[sqlite3.Error], type[EngineError]] = (sqlite3.Error, EngineError)
# A row that broke a constraint, from either engine or from the store's own checks.
IntegrityErrors: tuple[type[sqlite3.IntegrityError], type[ConstraintError]] = (sqlite3.IntegrityError, ConstraintError)


class Row(tuple[Any, ...]):
    """One row: by position like a tuple, by column name like ``sqlite3.Row`` (``dict(row)`` works)."""

    __slots__ = ()
    names: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        """The value at a position, or of a column."""
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self.names)


_ROW_TYPES: dict[tuple[str, ...], type[Row]] = {}


def row_type(columns: Sequence[str]) -> type[Row]:
    """The Row class for a result's column names (made once per distinct list)."""
    key = tuple(columns)
    kind = _ROW_TYPES.get(key)
    if kind is None:
        kind = _ROW_TYPES[key] = type("Row", (Row,), {"__slots__": (), "names": {n: i for i, n in enumerate(key)}})
    return kind
