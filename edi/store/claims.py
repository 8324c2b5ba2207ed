"""D17: which worker holds which inbox file, until when (a lease renewed at each commit, taken over when it ends).

A claim is one row per inbox entry name, written outside any transaction so every worker sees it at once. The
holder renews it inside each interchange's transaction, so a worker that lost its file (paused past its lease,
taken over) finds out before its commit and rolls back: at most one worker ever commits work from a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from edi.store.connection import Db
from edi.times import stamp

_CLAIM = (
    "INSERT INTO claims (name, worker, lease_until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
    " worker = excluded.worker, lease_until = excluded.lease_until, taken_over_from = CASE WHEN"
    " claims.worker = excluded.worker THEN claims.taken_over_from ELSE claims.worker END"
    " WHERE claims.worker = excluded.worker OR claims.lease_until < ? OR ? = 1 RETURNING taken_over_from"
)


@dataclass(frozen=True)
class Claim:
    """A file this worker now holds; ``taken_over_from`` names the worker whose lease had ended ('' for none)."""

    name: str
    worker: str
    taken_over_from: str


def claim(
    conn: Db, name: str, worker: str, now: datetime, lease: timedelta, *, exclusive: bool = False
) -> Claim | None:
    """Take the file for ``worker`` unless another worker's lease on it is still running (None then).

    ``exclusive``: the caller knows no other worker can run (SQLite's file lock), so any claim left is stale.
    """
    row = conn.execute(_CLAIM, (name, worker, stamp(now + lease), stamp(now), int(exclusive))).fetchone()
    return Claim(name, worker, str(row[0])) if row is not None else None


def renew(conn: Db, name: str, worker: str, now: datetime, lease: timedelta) -> bool:
    """Extend this worker's lease on the file; False when the file is no longer this worker's."""
    cursor = conn.execute("UPDATE claims SET lease_until = ? WHERE name = ? AND worker = ?",
                          (stamp(now + lease), name, worker))  # fmt: skip
    return int(cursor.rowcount) == 1


def release(conn: Db, name: str, worker: str) -> None:
    """Give the file up (it has left the inbox, or is left there for another attempt)."""
    conn.execute("DELETE FROM claims WHERE name = ? AND worker = ?", (name, worker))


def live(conn: Db, now: datetime) -> list[tuple[str, str]]:
    """(worker, lease end) of every claim still running, soonest end first."""
    rows = conn.execute("SELECT worker, lease_until FROM claims WHERE lease_until >= ? ORDER BY lease_until, worker",
                        (stamp(now),)).fetchall()  # fmt: skip
    return [(str(worker), str(until)) for worker, until in rows]


def sweep(conn: Db, now: datetime, present: set[str], *, exclusive: bool = False) -> int:
    """Forget claims on files no longer in the inbox whose lease ended (any, when ``exclusive``); how many."""
    rows = conn.execute("SELECT name, lease_until FROM claims").fetchall()
    stale = [str(name) for name, until in rows if name not in present and (exclusive or until < stamp(now))]
    for name in stale:
        conn.execute("DELETE FROM claims WHERE name = ?", (name,))
    return len(stale)
