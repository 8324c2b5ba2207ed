"""Processing a drop folder exactly once: intake ledger, one transaction per interchange, outbox publishing, moves.

The order of durable steps, and what a re-run after a crash between any two of them does:

1. ledger row for the file (attempts + 1) committed     -> re-run: same file, attempts + 1 (quarantined after N)
2. each interchange: changes + outcomes + outbox rows committed together (edi/flows/inbound/interchange.py)
                                                         -> re-run: committed interchanges of this file are skipped
3. outbox rows published: temp, fsync, rename, fsync dir, marked sent (edi/flows/delivery/outputs.py)
                                                         -> re-run: unsent rows are written again, byte-identical
4. the file's disposition and its name in the archive/quarantine committed
                                                         -> re-run: the ledger says where it goes: just move it
5. the file moved out of the inbox, done-marker removed
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from edi.batch.claiming import LEASE, ClaimLostError, FileClaim, default_worker, last_mark, open_claim, sweep_stale
from edi.batch.dispositions import Mover, finish_move
from edi.batch.intake import Candidate, Scan, printable_name, scan_inbox, still_settled
from edi.batch.lock import BatchError
from edi.batch.marks import PAUSED, ProgressMarks
from edi.batch.summary import Summary
from edi.flows.delivery import ensure_folder, open_regular, publish_outbox
from edi.flows.hooks import EventSink, Failpoint, no_event, no_failpoint, no_guard
from edi.flows.inbound import TABLES, FileProcessor, FileRun, RunSettings, Tables
from edi.naming import error_text
from edi.store import files, queries
from edi.store.connection import Db, DbError, mark_path, rollback
from rules.enrollment import Policy

MAX_BYTES = 256 * 1024 * 1024  # A5: larger files are quarantined unread (a 100,000-set drop is about 27 MB)
MAX_ATTEMPTS = 3  # A10: a file that crashed the worker this often is quarantined


@dataclass(frozen=True)
class Folders:
    """Where files come from and go."""

    inbox: Path
    outbox: Path
    archive: Path
    quarantine: Path

    def place(self, state: str) -> Path:
        """Where a file of this disposition goes."""
        return self.archive if state == "archived" else self.quarantine

    def prepare(self) -> None:
        """Create the output folders (restrictive permissions)."""
        if not self.inbox.is_dir():
            raise BatchError(f"the inbox {self.inbox} is not a folder")
        named = {"inbox": self.inbox, "outbox": self.outbox, "archive": self.archive, "quarantine": self.quarantine}
        resolved = {name: folder.resolve() for name, folder in named.items()}
        for a, b in itertools.combinations(resolved, 2):
            if (
                resolved[a] == resolved[b]
                or resolved[a].is_relative_to(resolved[b])
                or resolved[b].is_relative_to(resolved[a])
            ):
                raise BatchError(
                    f"the {a} and the {b} overlap ({named[a]}, {named[b]}): each needs a folder of its own"
                )
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
    policy: Policy = Policy()  # D2
    tables: Tables = TABLES  # the inbound table the sets are read and decided by
    worker: str = field(default_factory=default_worker)  # D17: the name its claims and progress mark carry
    lease: timedelta = LEASE


Progress = Callable[[int, int, int], None]  # bytes done, bytes in this pass, transaction sets so far


class BatchProcessor:
    """One pass (or a watch loop) over the inbox."""

    def __init__(
        self,
        conn: Db,
        folders: Folders,
        settings: BatchSettings,
        *,
        events: EventSink = no_event,
        failpoint: Failpoint = no_failpoint,
        should_stop: Callable[[], bool] = lambda: False,
        progress: Progress = lambda done, total, sets: None,
    ) -> None:
        self.conn = conn
        self.folders = folders
        self.settings = settings
        self.events = events
        self.failpoint = failpoint
        self.should_stop = should_stop
        self.progress = progress
        self._pass_bytes = self._done_bytes = 0
        self.pass_summary = Summary()  # the current (or last) pass's counts
        self.current: FileRun | None = None  # the file in hand: what of it committed (I7)
        self.marks = ProgressMarks(mark_path(conn, folders.inbox.parent, settings.worker))
        self.claim: FileClaim | None = None  # D17: the file in hand, held against other workers
        self.mover = Mover(conn, folders, events, failpoint)

    def run_once(self) -> Summary:
        """Publish anything a crash left unsent, then take every ready file in name order.

        A scan with nothing to do leaves no run row. A run stopped by the environment (disk, I/O, database) is
        recorded as aborted with its reason before the error goes on up.
        """
        summary = self.pass_summary = Summary()  # what the pass did, also when the environment stops it (I7)
        now = self.settings.clock()
        self.folders.prepare()
        scan = scan_inbox(self.folders.inbox, self.settings.wall_clock, self.settings.settle_seconds)
        summary.settling = len(scan.settling)
        if not scan.ready and not scan.not_files and not queries.unsent_count(self.conn):
            return summary
        run_id = files.start_run(self.conn, now)
        try:
            return self._pass(scan, summary, run_id, now)
        except (OSError, *DbError) as error:
            with contextlib.suppress(OSError, *DbError):
                files.finish_run(self.conn, run_id, self.settings.clock(), "aborted",
                                 {**summary.to_json(), "reason": error_text(error)})  # fmt: skip
            raise

    def _pass(self, scan: Scan, summary: Summary, run_id: int, now: datetime) -> Summary:
        sweep_stale(self.conn, (*(c.name for c in scan.ready), *scan.settling, *(p.name for p, _ in scan.not_files)),
                    self.settings.wall_clock)  # fmt: skip
        summary.sent.update(publish_outbox(self.conn, self.folders.outbox, now, self.failpoint, self.events))
        for path, reason in scan.not_files:
            self.mover.quarantine_entry(path, reason, summary, run_id, self.settings.clock())
        total = self._pass_bytes = sum(c.size for c in scan.ready)
        self._done_bytes = 0
        for candidate in scan.ready:
            if self.should_stop() or not self._claimed(candidate, summary, run_id):
                break  # D17: the next file in arrival order is another worker's: nobody takes a later one first
            self._done_bytes += candidate.size
            self.progress(self._done_bytes, total, summary.transactions)
        state = "stopped" if self.should_stop() else "finished"
        files.finish_run(self.conn, run_id, self.settings.clock(), state, summary.to_json())
        self.events("run_finished", run=run_id, state=state, **summary.to_json())
        return summary

    def _claimed(self, candidate: Candidate, summary: Summary, run_id: int) -> bool:
        """One file held against every other worker while it is worked on (False: another worker holds it)."""
        claim = open_claim(
            self.conn, candidate.name, self.settings.worker, self.settings.lease, self.settings.wall_clock
        )
        if not claim.take():
            self.events("file_held_elsewhere")
            return False
        self.claim = claim
        try:
            return self._guarded(candidate, summary, run_id)
        finally:
            claim.release()
            self.claim = None

    def _guarded(self, candidate: Candidate, summary: Summary, run_id: int) -> bool:
        """One file; environment errors stop the run, others only this file (A10); False: it was taken over (D17)."""
        self.marks.file_id, self.marks.sets = 0, 0  # nothing in hand until the file has its ledger row
        self.current = None
        try:
            self._file(candidate, summary, run_id)
        except ClaimLostError:
            rollback(self.conn)  # D17: the file is another worker's now; nothing of this attempt is kept
            self.marks.reached(PAUSED)  # not a death of ours
            self.events("file_claim_lost", file=label(self.marks))
            return False
        except (OSError, *DbError) as error:
            # E3/E4: disk full, I/O error, database trouble: not the file's fault. The run stops (what is
            # committed stays committed and is counted: I7), the attempt is given back, the next run resumes.
            if self.current is not None:
                summary.add(self.current)
            rollback(self.conn)
            self.marks.reached(PAUSED)  # not the file's fault: not a death (H2)
            self.events("run_aborted", file=label(self.marks), error=error_text(error))
            raise
        except Exception as error:  # one bad file never stops the batch (A10)
            rollback(self.conn)
            summary.failed += 1
            if self.marks.file_id and self.marks.sets >= 0:  # a death we live to record (H2), counted once
                files.record_death(self.conn, self.marks.file_id, self.marks.sets, run_id, new_attempt=False)
                self.marks.reached(PAUSED)
            # The file stays in the inbox for the next run.
            self.events("file_failed", file=label(self.marks), error=error_text(error))
        return True

    def _file(self, candidate: Candidate, summary: Summary, run_id: int) -> None:
        if not still_settled(candidate):
            summary.settling += 1
            return
        shown = printable_name(candidate.name)
        if candidate.size > self.settings.max_bytes:
            unread = files.new_file(self.conn, shown, "", candidate.size, self.settings.clock(), run_id)
            self._finish(
                candidate,
                unread,
                "quarantined",
                f"file of {candidate.size} bytes is over the {self.settings.max_bytes}-byte limit; not read (A5)",
                summary,
            )
            return
        digest = _sha256(candidate.path)
        if digest is None:
            return  # vanished or unreadable between scan and open: the next scan sees it again or not at all
        file_id = self._intake(candidate, shown, digest, summary, run_id)
        if file_id is not None:
            self._process(candidate, file_id, summary)

    def _intake(self, candidate: Candidate, shown: str, digest: str, summary: Summary, run_id: int) -> int | None:
        """The file's ledger row (new, or another attempt); None when nothing is left to process."""
        again = files.requeued(self.conn, digest)
        if again is not None:  # an operator put it back (`sbo-edi requeue`): its own ledger row, a new attempt
            files.take_requeued(self.conn, again.id, run_id)
            return again.id
        earlier = files.latest(self.conn, digest, shown)
        if earlier is not None and earlier.state in ("archived", "quarantined"):
            target = self.folders.place(earlier.state) / earlier.stored_as
            if not target.exists():
                finish_move(candidate, earlier, target, summary)  # A8: our crash after the disposition
                return None
            earlier = None  # A7: the partner sent the same bytes again: a new intake (its ISA13s get TA1 025)
        if earlier is None:
            return files.new_file(self.conn, shown, digest, candidate.size, self.settings.clock(), run_id)
        mark = last_mark(self.conn, self.folders.inbox.parent, self.claim, self.marks, earlier.id)
        stalls = files.record_death(self.conn, earlier.id, mark, run_id)
        summary.resumed_files += 1
        if stalls >= self.settings.max_attempts:
            reason = (f"the worker stopped {stalls} times in a row at the same place (after {mark} transaction"
                      " set(s)) while processing this file (A10, H2)")  # fmt: skip
            self._finish(candidate, earlier.id, "quarantined", reason, summary)
            return None
        return earlier.id

    def _process(self, candidate: Candidate, file_id: int, summary: Summary) -> None:
        """The file through the whole path, its documents published, then its disposition."""
        label = f"#{file_id}"  # H5: logs name our ledger id; the original name is only in the ledger
        self.events("file_taken", file=label, bytes=candidate.size)
        now = self.settings.clock()
        run_settings = RunSettings(now=now, as_of=self.settings.as_of or now.date(), policy=self.settings.policy)
        self.marks.start(file_id)
        self.failpoint("file_started")
        total, before = self._pass_bytes, self._done_bytes

        claim = self.claim

        def on_set(sets: int, position: int) -> None:
            self.marks.reached(sets)
            if claim is not None:
                claim.keep_alive()
            if sets % 256 == 0:
                self.progress(before + min(position, candidate.size), total, summary.transactions + sets)

        run = self.current = FileRun(candidate.path)
        processor = FileProcessor(self.conn, run_settings, events=self.events, failpoint=self.failpoint,
                                  should_stop=self.should_stop, keep_reports=False, on_set=on_set,
                                  tables=self.settings.tables,
                                  before_commit=claim.guard if claim is not None else no_guard)  # fmt: skip
        processor.run(candidate.path, source_name=label, file_id=file_id, into=run)
        self.current = None
        summary.add(run)
        summary.sent.update(publish_outbox(self.conn, self.folders.outbox, now, self.failpoint, self.events))
        if run.stopped:
            self.marks.reached(PAUSED)  # a clean stop is not a death (H2)
            self.events("file_paused", file=label)
            return
        reason = quarantine_reason(run)
        self._finish(candidate, file_id, "quarantined" if reason else "archived", reason, summary)

    def _finish(self, candidate: Candidate, file_id: int, state: str, reason: str, summary: Summary) -> None:
        """The file's disposition committed (by the worker still holding it), then the file moved."""
        guard = self.claim.guard if self.claim is not None else no_guard
        self.mover.finish(candidate, file_id, state, reason, summary, self.settings.clock(), guard)


def label(marks: ProgressMarks) -> str:
    """How logs name the file in hand: our ledger id only, never the partner's file name (H5)."""
    return f"#{marks.file_id}" if marks.file_id else "#-"


def quarantine_reason(run: FileRun) -> str:
    """Files nobody can be answered for, or that could not be read to the end, go to quarantine."""
    if run.read_failure:
        return f"reading stopped: {run.read_failure}"
    if run.interchanges == 0:
        first = next((i for i in run.issues if i.code.startswith("FILE:")), None)
        return f"no interchange in the file: {first.code} {first.message}" if first else "no interchange in the file"
    if run.unknown_senders:
        return "an interchange comes from a sender that is not a registered RES: nothing was sent back (B7)"
    if any(issue.code == "FILE:SENDER_UNKNOWN" for issue in run.issues):
        return "an interchange's sender cannot be identified: no TA1 could be addressed (B7)"
    return ""


def _sha256(path: Path) -> str | None:
    """The file's digest, read without following links; None when it cannot be read now."""
    try:
        fd = open_regular(path)
    except OSError:
        return None
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
