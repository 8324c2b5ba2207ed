"""The outcome rows' hash chain (F7): each row's seal covers the previous seal and its audited columns."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from edi.store.engine import Db
from edi.store.handle import TransactionMemory

SEALED_COLUMNS = (
    "id",
    "interchange_id",
    "group_control",
    "st02",
    "supplier_duns",
    "request_id",
    "account_number",
    "outcome",
    "rules",
    "reasons",
    "changes",
    "response_reference",
    "processed_at",
)


_COMPACT = json.JSONEncoder(separators=(",", ":")).encode  # as json.dumps(..., separators=(",", ":")), built once


def outcome_seal(previous: str, row: Any) -> str:
    """sha256 over the previous row's seal and this row's audited columns (F7: a changed row breaks the chain)."""
    payload = _COMPACT([previous, *[row[i] for i in range(len(SEALED_COLUMNS))]])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_INSERT = (
    f"INSERT INTO outcomes ({', '.join(SEALED_COLUMNS)}, seal) VALUES ({', '.join('?' for _ in SEALED_COLUMNS)}, ?)"
)


def insert_sealed(conn: Db, values: tuple[object, ...]) -> int:
    """Write one outcome row (``values``: the sealed columns after ``id``) with its seal; its id (F7).

    The chain's tail is read once per transaction and the seal computed here, as the row is written.
    """
    if isinstance(conn, TransactionMemory):
        last, previous = conn.outcome_tail()
    else:
        row = conn.execute("SELECT id, seal FROM outcomes ORDER BY id DESC LIMIT 1").fetchone()
        last, previous = (int(row[0]), str(row[1])) if row is not None else (0, "")
    row_id = last + 1
    sealed = (row_id, *values)
    seal = outcome_seal(previous, sealed)
    if isinstance(conn, TransactionMemory):
        conn.insert_outcome(_INSERT, (*sealed, seal), (row_id, seal))
    else:
        conn.execute(_INSERT, (*sealed, seal))
    return row_id


def verify_chain(conn: Db) -> tuple[int, int | None]:
    """Recompute every outcome seal in order: (rows checked, the first row whose seal does not match or None)."""
    previous = ""
    checked = 0
    for row in conn.execute(f"SELECT {', '.join(SEALED_COLUMNS)}, seal FROM outcomes ORDER BY id"):
        checked += 1
        expected = outcome_seal(previous, row)
        if row[len(SEALED_COLUMNS)] != expected:
            return checked, int(row[0])
        previous = expected
    return checked, None


def reseal_chain(conn: Db) -> int:
    """Seal every outcome row again in order (a migration that rewrites an audited column does this); the count."""
    previous, count = "", 0
    rows = conn.execute(f"SELECT {', '.join(SEALED_COLUMNS)} FROM outcomes ORDER BY id").fetchall()
    for row in rows:
        previous = outcome_seal(previous, row)
        conn.execute("UPDATE outcomes SET seal = ? WHERE id = ?", (previous, row[0]))
        count += 1
    return count
