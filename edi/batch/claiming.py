"""D17: a worker holds the inbox file it works on by a claim with a lease, renewed while it works.

On SQLite the store's file lock already keeps every other worker out, so a claim is always granted (``exclusive``)
and never needs renewing. On PostgreSQL several workers share the inbox: a claim is granted only when no other
worker's lease on the file is running, renewed inside each interchange's transaction (``guard``: a worker that lost
the file rolls back) and, while one long interchange is read, on a connection of its own (``keep_alive``).
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from edi.batch.intake import printable_name
from edi.batch.marks import ProgressMarks
from edi.store import claims
from edi.store.connection import Db, DbError, mark_path, shared, side_connection

LEASE = timedelta(seconds=60)  # a dead worker's file is taken over this long after its last renewal


def default_worker() -> str:
    """This worker's name: host and process id (the progress mark and the claims carry it)."""
    return f"{socket.gethostname()}-{os.getpid()}"


def lease_time(wall_clock: Callable[[], float]) -> datetime:
    """The wall clock as a UTC moment, for leases."""
    return datetime.fromtimestamp(wall_clock(), tz=UTC)


def open_claim(conn: Db, entry: str, worker: str, lease: timedelta, wall_clock: Callable[[], float]) -> FileClaim:
    """A claim on one inbox entry for this worker (exclusive on a store only one worker can use)."""
    return FileClaim(conn, printable_name(entry), worker, lease, wall_clock, exclusive=not shared(conn))


def sweep_stale(conn: Db, entries: Iterable[str], wall_clock: Callable[[], float]) -> None:
    """Forget ended claims on files that have left the inbox (``entries``: what is in it now)."""
    claims.sweep(conn, lease_time(wall_clock), {printable_name(e) for e in entries}, exclusive=not shared(conn))


def last_mark(conn: Db, work_folder: Path, claim: FileClaim | None, own: ProgressMarks, file_id: int) -> int:
    """How far the last attempt at the file got: by this worker's mark, or the one it took the file from."""
    previous = claim.taken_over_from if claim is not None else ""
    if previous:
        return ProgressMarks(mark_path(conn, work_folder, previous)).last(file_id)
    return own.last(file_id)


class ClaimLostError(Exception):
    """Another worker took the file over (this worker's lease ran out): what is not committed is not ours."""


class FileClaim:
    """One file held by one worker, from its claim to its release."""

    def __init__(self, conn: Db, name: str, worker: str, lease: timedelta, wall_clock: Callable[[], float],
                 exclusive: bool) -> None:  # fmt: skip
        self.conn, self.name, self.worker, self.lease = conn, name, worker, lease
        self.wall_clock, self.exclusive = wall_clock, exclusive
        self.taken_over_from = ""
        self._renewed = 0.0
        self._side: Db | None = None

    def clock(self) -> datetime:
        """Leases run on the wall clock (``--now`` fixes document dates, never how long a worker has been gone)."""
        return lease_time(self.wall_clock)

    def take(self) -> bool:
        """Hold the file, unless another worker's lease on it runs; who held it before, if their lease ended."""
        held = claims.claim(self.conn, self.name, self.worker, self.clock(), self.lease, exclusive=self.exclusive)
        if held is None:
            return False
        self.taken_over_from = held.taken_over_from if held.taken_over_from != self.worker else ""
        self._renewed = self.wall_clock()
        return True

    def guard(self) -> None:
        """Inside a transaction about to commit: renew the lease, or roll back when the file is another's now."""
        if self.exclusive:
            return
        if not claims.renew(self.conn, self.name, self.worker, self.clock(), self.lease):
            raise ClaimLostError(f"another worker took the file over from {self.worker}")
        self._renewed = self.wall_clock()

    def keep_alive(self) -> None:
        """While a long interchange is read: renew the lease from a connection of its own, every quarter lease."""
        if self.exclusive or self.wall_clock() - self._renewed < self.lease.total_seconds() / 4:
            return
        if self._side is None:
            self._side = side_connection(self.conn)
        if self._side is not None and not claims.renew(self._side, self.name, self.worker, self.clock(), self.lease):
            raise ClaimLostError(f"another worker took the file over from {self.worker}")
        self._renewed = self.wall_clock()

    def release(self) -> None:
        """Give the file up; a store that cannot be reached now lets the lease end by itself."""
        with contextlib.suppress(*DbError):
            claims.release(self.conn, self.name, self.worker)
        if self._side is not None:
            with contextlib.suppress(*DbError):
                self._side.close()
            self._side = None
