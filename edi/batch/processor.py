"""Processing a drop folder exactly once: intake ledger, one transaction per interchange, outbox publishing, moves.

The order of durable steps, and what a re-run after a crash between any two of them does (reliability.md I1-I4):

1. ledger row for the file (attempts + 1) committed     -> re-run: same file, attempts + 1 (quarantined after N)
2. each interchange: changes + outcomes + outbox rows committed together (edi/pipeline.py)
                                                         -> re-run: committed interchanges of this file are skipped
3. outbox rows published: temp, fsync, rename, fsync dir, marked sent
                                                         -> re-run: unsent rows are written again, byte-identical
4. the file's disposition and its name in the archive/quarantine committed
                                                         -> re-run: the ledger says where it goes: just move it
5. the file moved out of the inbox, done-marker removed
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from edi.flows.durable import ensure_folder, move_durably, write_atomically
from edi.batch.intake import Candidate, printable_name, scan_inbox, still_settled
from edi.flows.inbound import EventSink, Failpoint, FileProcessor, FileRun, RunSettings, _no_event, _no_failpoint
from edi.guides.files import safe_stem
from edi.store.connection import transaction

MAX_BYTES = 256 * 1024 * 1024  # A5: larger files are quarantined unread (a 100,000-set drop is about 27 MB)
MAX_ATTEMPTS = 3  # A10: a file that crashed the worker this often is quarantined
_OUTPUT_NAME = re.compile(r"[A-Za-z0-9._-]{1,120}\Z")


class BatchError(Exception):
    """The batch cannot run (another process holds the store, folders unusable)."""


@dataclass(frozen=True)
class Folders:
    """Where files come from and go."""

    inbox: Path
    outbox: Path
    archive: Path
    quarantine: Path

    def prepare(self) -> None:
        """Create the output folders (restrictive permissions)."""
        if not self.inbox.is_dir():
            raise BatchError(f"the inbox {self.inbox} is not a folder")
        for folder in (self.outbox, self.archive, self.quarantine):
            ensure_folder(folder)


@dataclass(frozen=True)
class BatchSettings:
    """The knobs of a run; the clocks are injected (``clock`` for documents, ``wall_clock`` for settling)."""

    clock: Callable[[], datetime]
    wall_clock: Callable[[], float]
    as_of: date | None = None
    settle_seconds: float = 5.0
    max_bytes: int = MAX_BYTES
    max_attempts: int = MAX_ATTEMPTS


@dataclass
class Summary:
    """What a run did: the closing lines for people and the ``runs.summary`` JSON."""

    files: int = 0
    archived: int = 0
    quarantined: int = 0
    resumed_files: int = 0
    failed: int = 0  # files that raised this run (attempt counted; retried, quarantined after MAX_ATTEMPTS)
    settling: int = 0
    interchanges: int = 0
    duplicates: int = 0
    transactions: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    other: Counter[str] = field(default_factory=Counter)
    sent: Counter[str] = field(default_factory=Counter)

    def add(self, run: FileRun) -> None:
        """Count one file's transactions and outputs."""
        self.interchanges += run.interchanges
        self.duplicates += run.duplicates
        self.rejected.update(run.rejected_codes)
        for outcome, count in run.outcomes.items():
            self.transactions += count
            if outcome in ("accepted", "test: accepted"):
                self.accepted += count
            elif outcome not in ("rejected", "test: rejected"):
                self.other[outcome] += count

    def to_json(self) -> dict[str, Any]:
        """For the runs table and ``--json``."""
        return {"files": self.files, "archived": self.archived, "quarantined": self.quarantined,
                "resumed_files": self.resumed_files, "failed": self.failed, "settling": self.settling, "interchanges": self.interchanges,
                "duplicate_interchanges": self.duplicates, "transactions": self.transactions,
                "accepted": self.accepted, "rejected_by_code": dict(sorted(self.rejected.items())),
                "other_outcomes": dict(sorted(self.other.items())), "documents_sent": dict(sorted(self.sent.items()))}

    def lines(self) -> list[str]:
        """The closing summary."""
        rejected = ", ".join(f"{code} {n}" for code, n in sorted(self.rejected.items())) or "none"
        other = ", ".join(f"{k} {n}" for k, n in sorted(self.other.items())) or "none"
        sent = ", ".join(f"{k} {n}" for k, n in sorted(self.sent.items())) or "none"
        return [
            f"files: {self.files} ({self.archived} archived, {self.quarantined} quarantined, "
            f"{self.failed} failed and left for the next run, {self.settling} still settling)",
            f"interchanges: {self.interchanges} ({self.duplicates} duplicate)",
            f"transactions: {self.transactions}; accepted {self.accepted}; rejected by reason: {rejected}",
            f"other outcomes: {other}",
            f"documents sent: {sent}",
        ]


class StoreLock:
    """One processor per store (A9): an exclusive, non-blocking flock on ``<db>.lock``."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self._handle: IO[str] | None = None

    def __enter__(self) -> StoreLock:
        handle = open(self.path, "a")  # noqa: SIM115 - held for the life of the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.close()
            raise BatchError(f"another sbo-edi process is working on this store ({self.path} is locked)") from error
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()


def publish_outbox(conn: sqlite3.Connection, outbox: Path, now: datetime, failpoint: Failpoint = _no_failpoint,
                   events: EventSink = _no_event) -> Counter[str]:
    """Write every unsent outbox document as a file (G1, G2), then mark it sent; returns counts by kind."""
    sent: Counter[str] = Counter()
    pending = conn.execute("SELECT id FROM outbox WHERE sent_at IS NULL ORDER BY id").fetchall()
    for (row_id,) in pending:
        kind, name, content = conn.execute("SELECT kind, file_name, content FROM outbox WHERE id = ?",
                                           (row_id,)).fetchone()
        if not _OUTPUT_NAME.match(name) or name.startswith("."):
            raise BatchError(f"outbox row {row_id} has an unsafe file name")  # built by us: never expected
        write_atomically(outbox, name, content.encode("ascii"), failpoint)
        failpoint("before_mark_sent")
        conn.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", (now.isoformat(timespec="seconds"), row_id))
        failpoint("after_mark_sent")
        sent[kind] += 1
        events("document_sent", output=name, kind=kind)
    return sent


class BatchProcessor:
    """One pass (or a watch loop) over the inbox."""

    def __init__(self, conn: sqlite3.Connection, folders: Folders, settings: BatchSettings, *,
                 events: EventSink = _no_event, failpoint: Failpoint = _no_failpoint,
                 should_stop: Callable[[], bool] = lambda: False,
                 progress: Callable[[int, int, int], None] = lambda done, total, sets: None) -> None:
        self.conn = conn
        self.folders = folders
        self.settings = settings
        self.events = events
        self.failpoint = failpoint
        self.should_stop = should_stop
        self.progress = progress

    # -- a pass ----------------------------------------------------------------------------------------
    def run_once(self) -> Summary:
        """Publish anything a crash left unsent, then take every ready file in name order."""
        summary = Summary()
        now = self.settings.clock()
        self.folders.prepare()
        with transaction(self.conn):
            run_id = int(self.conn.execute("INSERT INTO runs (started_at, state) VALUES (?, 'running')",
                                           (now.isoformat(timespec="seconds"),)).lastrowid or 0)
        summary.sent.update(publish_outbox(self.conn, self.folders.outbox, now, self.failpoint, self.events))
        scan = scan_inbox(self.folders.inbox, self.settings.wall_clock, self.settings.settle_seconds)
        summary.settling = len(scan.settling)
        for path, reason in scan.not_files:
            self._quarantine_entry(path, reason, summary, run_id)
        for done, candidate in enumerate(scan.ready, start=1):
            if self.should_stop():
                break
            try:
                self._file(candidate, summary, run_id)
            except (OSError, sqlite3.Error) as error:
                # E3/E4: disk full, I/O error, database trouble: not the file's fault. The run stops (what is
                # committed stays committed), the attempt is given back, and the next run resumes in order.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self._give_back_attempt(candidate)
                self.events("run_aborted", file=safe_stem(candidate.name), error=f"{type(error).__name__}: {error}")
                raise
            except Exception as error:  # noqa: BLE001 - one bad file never stops the batch (A10)
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                summary.failed += 1
                # The attempt stays counted in the ledger; the file stays in the inbox for the next run.
                self.events("file_failed", file=safe_stem(candidate.name), error=f"{type(error).__name__}: {error}")
            self.progress(done, len(scan.ready), summary.transactions)
        state = "stopped" if self.should_stop() else "finished"
        with transaction(self.conn):
            self.conn.execute("UPDATE runs SET finished_at = ?, state = ?, summary = ? WHERE id = ?",
                              (self.settings.clock().isoformat(timespec="seconds"), state,
                               json.dumps(summary.to_json(), sort_keys=True), run_id))
        self.events("run_finished", run=run_id, state=state, **summary.to_json())
        return summary

    # -- one file --------------------------------------------------------------------------------------
    def _file(self, candidate: Candidate, summary: Summary, run_id: int) -> None:
        if not still_settled(candidate):
            summary.settling += 1
            return
        shown = printable_name(candidate.name)
        if candidate.size > self.settings.max_bytes:
            self._finish(candidate, self._ledger_row(candidate, shown, "", run_id), "quarantined",
                         f"file of {candidate.size} bytes is over the {self.settings.max_bytes}-byte limit; not read"
                         " (reliability.md A5)", summary)
            return
        digest = _sha256(candidate.path)
        if digest is None:
            return  # vanished or unreadable between scan and open: the next scan sees it again or not at all
        earlier = self.conn.execute(
            "SELECT id, state, stored_as, attempts, reason FROM files WHERE sha256 = ? AND original_name = ?"
            " ORDER BY id DESC LIMIT 1", (digest, shown)).fetchone()
        if earlier is not None and earlier["state"] in ("archived", "quarantined"):
            target = self._folder(earlier["state"]) / earlier["stored_as"]
            if not target.exists():
                # A8: our own crash after the disposition was committed: finish the move, nothing else.
                if earlier["state"] == "quarantined":
                    self._write_reason(target, candidate.name, earlier["reason"])
                self._move(candidate, target)
                summary.files += 1
                summary.resumed_files += 1
                summary.archived += earlier["state"] == "archived"
                summary.quarantined += earlier["state"] == "quarantined"
                return
            earlier = None  # A7: the partner sent the same bytes again: a new intake (its ISA13s get TA1 025)
        if earlier is not None:
            file_id = int(earlier["id"])
            attempts = int(earlier["attempts"]) + 1
            with transaction(self.conn):
                self.conn.execute("UPDATE files SET attempts = ?, run_id = ? WHERE id = ?", (attempts, run_id, file_id))
            summary.resumed_files += 1
            if attempts > self.settings.max_attempts:
                self._finish(candidate, file_id, "quarantined", f"the worker stopped {attempts - 1} times while"
                             " processing this file (reliability.md A10)", summary)
                return
        else:
            file_id = self._ledger_row(candidate, shown, digest, run_id)
        label = f"#{file_id} {safe_stem(candidate.name)}"
        self.events("file_taken", file=label, bytes=candidate.size)
        now = self.settings.clock()
        run_settings = RunSettings(now=now, as_of=self.settings.as_of or now.date())
        processor = FileProcessor(self.conn, run_settings, events=self.events, failpoint=self.failpoint,
                                  should_stop=self.should_stop, keep_reports=False)
        run = processor.run(candidate.path, source_name=label, file_id=file_id)
        summary.add(run)
        summary.sent.update(publish_outbox(self.conn, self.folders.outbox, now, self.failpoint, self.events))
        if run.stopped:
            with transaction(self.conn):  # a clean stop is not a crash: give the attempt back
                self.conn.execute("UPDATE files SET attempts = attempts - 1 WHERE id = ?", (file_id,))
            self.events("file_paused", file=label)
            return
        reason = self._quarantine_reason(run)
        self._finish(candidate, file_id, "quarantined" if reason else "archived", reason, summary)

    def _give_back_attempt(self, candidate: Candidate) -> None:
        """Undo the attempt count of a file whose run failed for reasons outside it (best effort)."""
        try:
            with transaction(self.conn):
                self.conn.execute("UPDATE files SET attempts = max(attempts - 1, 0) WHERE original_name = ? AND"
                                  " state = 'processing'", (printable_name(candidate.name),))
        except sqlite3.Error:
            pass  # the database itself is failing: the count stays, MAX_ATTEMPTS leaves room for this

    @staticmethod
    def _quarantine_reason(run: FileRun) -> str:
        """Files nobody can be answered for, or that could not be read to the end, go to quarantine."""
        if run.read_failure:
            return f"reading stopped: {run.read_failure}"
        codes = [issue.code for issue in run.issues]
        if run.interchanges == 0:
            first = next((i for i in run.issues if i.code.startswith("FILE:")), None)
            return f"no interchange in the file: {first.code} {first.message}" if first else "no interchange in the file"
        if run.unknown_senders:
            return "an interchange comes from a sender that is not a registered RES: nothing was sent back (B7)"
        if "FILE:SENDER_UNKNOWN" in codes:
            return "an interchange's sender cannot be identified: no TA1 could be addressed (reliability.md B7)"
        return ""

    def _ledger_row(self, candidate: Candidate, shown: str, digest: str, run_id: int) -> int:
        """A new intake: attempt 1, committed before any processing."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT INTO files (original_name, sha256, size, received_at, state, attempts, run_id)"
                " VALUES (?, ?, ?, ?, 'processing', 1, ?)",
                (shown, digest, candidate.size, self.settings.clock().isoformat(timespec="seconds"), run_id))
        return int(cursor.lastrowid or 0)

    def _folder(self, state: str) -> Path:
        return self.folders.archive if state == "archived" else self.folders.quarantine

    def _finish(self, candidate: Candidate, file_id: int, state: str, reason: str, summary: Summary) -> None:
        """Commit the disposition and our own name for the file, then move it (F1: never the partner's name)."""
        digest = self.conn.execute("SELECT sha256 FROM files WHERE id = ?", (file_id,)).fetchone()[0] or "unhashed"
        stored_as = f"{file_id:08d}-{digest[:12]}.{'x12' if state == 'archived' else 'quarantined'}"
        with transaction(self.conn):
            self.conn.execute("UPDATE files SET state = ?, reason = ?, stored_as = ?, finished_at = ? WHERE id = ?",
                              (state, reason, stored_as, self.settings.clock().isoformat(timespec="seconds"), file_id))
        self.failpoint("before_inbox_move")
        target = self._folder(state) / stored_as
        if state == "quarantined":
            self._write_reason(target, candidate.name, reason)
        self._move(candidate, target)
        summary.files += 1
        summary.archived += state == "archived"
        summary.quarantined += state == "quarantined"
        event = "file_archived" if state == "archived" else "file_quarantined"
        self.events(event, file=f"#{file_id} {safe_stem(candidate.name)}", stored_as=stored_as, reason=reason)

    def _write_reason(self, target: Path, original: str, reason: str) -> None:
        text = f"original name: {printable_name(original)}\nreason: {reason}\n"
        write_atomically(target.parent, f"{target.name}.reason", text.encode("ascii", "backslashreplace"))

    def _move(self, candidate: Candidate, target: Path) -> None:
        move_durably(candidate.path, target)
        if candidate.done_marker is not None:
            try:
                os.unlink(candidate.done_marker)
            except OSError:
                pass

    def _quarantine_entry(self, path: Path, reason: str, summary: Summary, run_id: int) -> None:
        """A symlink, FIFO or device in the inbox: moved (never opened or followed) with its reason."""
        shown = printable_name(path.name)
        with transaction(self.conn):
            file_id = int(self.conn.execute(
                "INSERT INTO files (original_name, sha256, size, received_at, state, attempts, reason, run_id)"
                " VALUES (?, '', 0, ?, 'quarantined', 0, ?, ?)",
                (shown, self.settings.clock().isoformat(timespec="seconds"), reason, run_id)).lastrowid or 0)
            stored_as = f"{file_id:08d}-entry.quarantined"
            self.conn.execute("UPDATE files SET stored_as = ? WHERE id = ?", (stored_as, file_id))
        target = self.folders.quarantine / stored_as
        self._write_reason(target, path.name, reason)
        os.replace(path, target)  # rename moves the entry itself, never what a link points to
        summary.files += 1
        summary.quarantined += 1
        self.events("file_quarantined", file=f"#{file_id} {safe_stem(path.name)}", stored_as=stored_as, reason=reason)


def _sha256(path: Path) -> str | None:
    """The file's digest, read without following links; None when it cannot be read now."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
