"""The intake ledger (a row per file taken from the inbox, committed before it is read) and the run rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from edi.store.connection import Db, transaction
from edi.times import stamp
from rules.interchange import InterchangeOutcome


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
        cursor = conn.execute("INSERT INTO runs (started_at, state) VALUES (?, 'running') RETURNING id", (stamp(now),))
        return int(cursor.fetchall()[0][0])


def finish_run(conn: Db, run_id: int, now: datetime, state: str, summary: dict[str, Any]) -> None:
    """The run's end state and summary."""
    with transaction(conn):
        conn.execute(
            "UPDATE runs SET finished_at = ?, state = ?, summary = ? WHERE id = ?",
            (stamp(now), state, json.dumps(summary, sort_keys=True), run_id),
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
            " VALUES (?, ?, ?, ?, 'processing', 1, ?) RETURNING id",
            (name, sha256, size, stamp(now), run_id),
        )
        return int(cursor.fetchall()[0][0])


def record_death(conn: Db, file_id: int, mark: int, run_id: int, *, new_attempt: bool = True) -> int:
    """Another attempt at a file whose last attempt died at ``mark`` (-1: unknown); returns deaths in a row there.

    H2: a death at a new place starts the count again, so only a file that stops the worker at the same place
    every time is counted towards quarantine; one that advanced between kills is simply resumed.
    """
    with transaction(conn):
        reached, stalls = conn.execute("SELECT reached, stalls FROM files WHERE id = ?", (file_id,)).fetchone()
        if mark >= 0:  # a clean stop or an unknown place is not a death; a new place starts the count again
            stalls, reached = (int(stalls) + 1 if mark == int(reached) else 1), mark
        conn.execute("UPDATE files SET attempts = attempts + ?, reached = ?, stalls = ?, run_id = ? WHERE id = ?",
                     (int(new_attempt), reached, stalls, run_id, file_id))  # fmt: skip
    return int(stalls)


def sha256_of(conn: Db, file_id: int) -> str:
    """The recorded digest ('' for a file quarantined unread)."""
    return str(conn.execute("SELECT sha256 FROM files WHERE id = ?", (file_id,)).fetchone()[0] or "")


def finish_file(conn: Db, file_id: int, state: str, reason: str, stored_as: str, now: datetime, *,
                guard: Callable[[], None] = lambda: None) -> None:  # fmt: skip
    """The file's disposition and our own name for it, committed before the move (``guard`` runs first, inside)."""
    with transaction(conn):
        guard()
        conn.execute(
            "UPDATE files SET state = ?, reason = ?, stored_as = ?, finished_at = ? WHERE id = ?",
            (state, reason, stored_as, stamp(now), file_id),
        )


def quarantine_entry(conn: Db, name: str, reason: str, now: datetime, run_id: int) -> tuple[int, str]:
    """A symlink, FIFO or device in the inbox, recorded as quarantined; returns its id and our name for it."""
    with transaction(conn):
        file_id = int(
            conn.execute(
                "INSERT INTO files (original_name, sha256, size, received_at, state, attempts, reason, run_id)"
                " VALUES (?, '', 0, ?, 'quarantined', 0, ?, ?) RETURNING id",
                (name, stamp(now), reason, run_id),
            ).fetchall()[0][0]
            or 0
        )
        stored_as = f"{file_id:08d}-entry.quarantined"
        conn.execute("UPDATE files SET stored_as = ? WHERE id = ?", (stored_as, file_id))
    return file_id, stored_as


def requeue(conn: Db, file_id: int, now: datetime) -> LedgerFile:
    """A quarantined file goes back to processing under its own ledger row; the quarantine is kept in its history."""
    with transaction(conn):
        row = conn.execute(
            "SELECT id, state, stored_as, attempts, reason FROM files WHERE id = ?", (file_id,)
        ).fetchone()
        if row is None or row["state"] != "quarantined":
            raise LookupError(f"file #{file_id} is not quarantined")
        detail = json.dumps({"reason": row["reason"] or "", "attempts": row["attempts"], "stored_as": row["stored_as"]})
        conn.execute("INSERT INTO file_history (file_id, at, event, detail) VALUES (?, ?, 'quarantined', ?)",
                     (file_id, stamp(now), detail))  # fmt: skip
        conn.execute("UPDATE files SET state = 'requeued', reason = '', stalls = 0, reached = -1 WHERE id = ?",
                     (file_id,))  # fmt: skip
        # B7: interchanges refused for an unregistered sender are processed anew once the RES is registered
        conn.execute("UPDATE interchanges SET outcome = ? WHERE file_id = ? AND outcome = ?",
                     (InterchangeOutcome.REQUEUED, file_id, InterchangeOutcome.UNKNOWN_SENDER))  # fmt: skip
    return LedgerFile(int(row["id"]), "requeued", row["stored_as"], int(row["attempts"]), row["reason"] or "")


def requeued(conn: Db, sha256: str) -> LedgerFile | None:
    """A requeued file with these bytes, whatever name it came back under."""
    r = conn.execute("SELECT id, state, stored_as, attempts, reason FROM files WHERE sha256 = ? AND state ="
                     " 'requeued' ORDER BY id LIMIT 1", (sha256,)).fetchone()  # fmt: skip
    return LedgerFile(int(r["id"]), r["state"], r["stored_as"] or "", int(r["attempts"]), "") if r else None


def take_requeued(conn: Db, file_id: int, run_id: int) -> None:
    """A requeued file is taken again: another attempt under its old id."""
    with transaction(conn):
        conn.execute("UPDATE files SET state = 'processing', attempts = attempts + 1, run_id = ? WHERE id = ?",
                     (run_id, file_id))  # fmt: skip


def history(conn: Db, file_id: int) -> list[dict[str, Any]]:
    """What happened to a file before its present state."""
    rows = conn.execute("SELECT at, event, detail FROM file_history WHERE file_id = ? ORDER BY id", (file_id,))
    return [{"at": r[0], "event": r[1], "detail": json.loads(r[2]) if r[2] else {}} for r in rows]


def purgeable(conn: Db, before: datetime) -> list[tuple[int, str, str]]:
    """Archived files finished before ``before`` and not purged yet: (id, stored_as, state)."""
    rows = conn.execute("SELECT id, stored_as, state FROM files WHERE state = 'archived' AND purged_at IS NULL"
                        " AND finished_at < ? ORDER BY id", (stamp(before),))  # fmt: skip
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def mark_purged(conn: Db, file_id: int, now: datetime) -> None:
    """The file's bytes left the archive (its ledger rows stay)."""
    with transaction(conn):
        conn.execute("UPDATE files SET purged_at = ? WHERE id = ?", (stamp(now), file_id))
        conn.execute("INSERT INTO file_history (file_id, at, event) VALUES (?, ?, 'purged')",
                     (file_id, stamp(now)))  # fmt: skip


def purge_empty_runs(conn: Db, before: datetime) -> int:
    """Run rows that took no file, older than ``before``; returns how many went."""
    with transaction(conn):
        cursor = conn.execute("DELETE FROM runs WHERE started_at < ? AND state != 'running' AND id NOT IN"
                              " (SELECT run_id FROM files WHERE run_id IS NOT NULL) AND"
                              " coalesce(json_extract(summary, '$.files'), 0) = 0",
                              (stamp(before),))  # fmt: skip
    return cursor.rowcount
