"""The intake ledger (a row per file taken from the inbox, committed before it is read) and the run rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from edi.store.connection import Db, DbError, transaction


@dataclass(frozen=True)
class LedgerFile:
    """What the ledger remembers of a file seen before."""

    id: int
    state: str
    stored_as: str
    attempts: int
    reason: str


def start_run(conn: Db, now: datetime) -> int:
    """A run row in state ``running``; returns its id."""
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO runs (started_at, state) VALUES (?, 'running')", (now.isoformat(timespec="seconds"),)
        )
    return int(cursor.lastrowid or 0)


def finish_run(conn: Db, run_id: int, now: datetime, state: str, summary: dict[str, Any]) -> None:
    """The run's end state and summary."""
    with transaction(conn):
        conn.execute(
            "UPDATE runs SET finished_at = ?, state = ?, summary = ? WHERE id = ?",
            (now.isoformat(timespec="seconds"), state, json.dumps(summary, sort_keys=True), run_id),
        )


def latest(conn: Db, sha256: str, name: str) -> LedgerFile | None:
    """The newest ledger row of a file with this name and content."""
    r = conn.execute(
        "SELECT id, state, stored_as, attempts, reason FROM files WHERE sha256 = ? AND original_name = ?"
        " ORDER BY id DESC LIMIT 1",
        (sha256, name),
    ).fetchone()
    return (
        LedgerFile(int(r["id"]), r["state"], r["stored_as"] or "", int(r["attempts"]), r["reason"] or "") if r else None
    )


def new_file(conn: Db, name: str, sha256: str, size: int, now: datetime, run_id: int) -> int:
    """A new intake: attempt 1, committed before any processing."""
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO files (original_name, sha256, size, received_at, state, attempts, run_id)"
            " VALUES (?, ?, ?, ?, 'processing', 1, ?)",
            (name, sha256, size, now.isoformat(timespec="seconds"), run_id),
        )
    return int(cursor.lastrowid or 0)


def set_attempts(conn: Db, file_id: int, attempts: int, run_id: int) -> None:
    """Another attempt at a file an earlier run did not finish."""
    with transaction(conn):
        conn.execute("UPDATE files SET attempts = ?, run_id = ? WHERE id = ?", (attempts, run_id, file_id))


def give_back_attempt(conn: Db, file_id: int) -> None:
    """A clean stop is not a crash: the attempt does not count."""
    with transaction(conn):
        conn.execute("UPDATE files SET attempts = attempts - 1 WHERE id = ?", (file_id,))


def give_back_attempt_by_name(conn: Db, name: str) -> None:
    """Undo the attempt count of a file whose run failed for reasons outside it (best effort)."""
    try:
        with transaction(conn):
            conn.execute(
                "UPDATE files SET attempts = max(attempts - 1, 0) WHERE original_name = ? AND state = 'processing'",
                (name,),
            )
    except DbError:
        pass  # the database itself is failing: the count stays, the attempt limit leaves room for this


def sha256_of(conn: Db, file_id: int) -> str:
    """The recorded digest ('' for a file quarantined unread)."""
    return str(conn.execute("SELECT sha256 FROM files WHERE id = ?", (file_id,)).fetchone()[0] or "")


def finish_file(conn: Db, file_id: int, state: str, reason: str, stored_as: str, now: datetime) -> None:
    """The file's disposition and our own name for it, committed before the move."""
    with transaction(conn):
        conn.execute(
            "UPDATE files SET state = ?, reason = ?, stored_as = ?, finished_at = ? WHERE id = ?",
            (state, reason, stored_as, now.isoformat(timespec="seconds"), file_id),
        )


def quarantine_entry(conn: Db, name: str, reason: str, now: datetime, run_id: int) -> tuple[int, str]:
    """A symlink, FIFO or device in the inbox, recorded as quarantined; returns its id and our name for it."""
    with transaction(conn):
        file_id = int(
            conn.execute(
                "INSERT INTO files (original_name, sha256, size, received_at, state, attempts, reason, run_id)"
                " VALUES (?, '', 0, ?, 'quarantined', 0, ?, ?)",
                (name, now.isoformat(timespec="seconds"), reason, run_id),
            ).lastrowid
            or 0
        )
        stored_as = f"{file_id:08d}-entry.quarantined"
        conn.execute("UPDATE files SET stored_as = ? WHERE id = ?", (stored_as, file_id))
    return file_id, stored_as
