"""Where a processed file goes: its disposition committed, then the file moved out of the inbox (A8, F1)."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path
from typing import Protocol

from edi.batch.intake import Candidate, printable_name
from edi.batch.summary import Summary
from edi.flows.delivery import move_durably, write_atomically
from edi.flows.hooks import EventSink, Failpoint, Guard
from edi.store import files
from edi.store.connection import Db


class Places(Protocol):
    """The folders a disposition sends a file to."""

    @property
    def quarantine(self) -> Path:
        """Where quarantined files go."""

    def place(self, state: str) -> Path:
        """Where a file of this disposition goes."""


class Mover:
    """Commits a file's disposition and moves it to the archive or the quarantine."""

    def __init__(self, conn: Db, folders: Places, events: EventSink, failpoint: Failpoint) -> None:
        self.conn, self.folders, self.events, self.failpoint = conn, folders, events, failpoint

    def finish(self, candidate: Candidate, file_id: int, state: str, reason: str, summary: Summary, now: datetime,
               guard: Guard) -> None:  # fmt: skip
        """Commit the disposition and our own name for the file, then move it (F1: never the partner's name)."""
        digest = files.sha256_of(self.conn, file_id) or "unhashed"
        stored_as = f"{file_id:08d}-{digest[:12]}.{'x12' if state == 'archived' else 'quarantined'}"
        files.finish_file(self.conn, file_id, state, reason, stored_as, now, guard=guard)
        self.failpoint("before_inbox_move")
        target = self.folders.place(state) / stored_as
        if state == "quarantined":
            write_reason(target, candidate.name, reason)
        move_out(candidate, target)
        summary.files += 1
        summary.archived += state == "archived"
        summary.quarantined += state == "quarantined"
        event = "file_archived" if state == "archived" else "file_quarantined"
        self.events(event, file=f"#{file_id}", stored_as=stored_as, reason=reason)

    def quarantine_entry(self, path: Path, reason: str, summary: Summary, run_id: int, now: datetime) -> None:
        """A symlink, FIFO or device in the inbox: moved (never opened or followed) with its reason."""
        file_id, stored_as = files.quarantine_entry(self.conn, printable_name(path.name), reason, now, run_id)
        target = self.folders.quarantine / stored_as
        write_reason(target, path.name, reason)
        os.replace(path, target)  # rename moves the entry itself, never what a link points to
        summary.files += 1
        summary.quarantined += 1
        self.events("file_quarantined", file=f"#{file_id}", stored_as=stored_as, reason=reason)


def finish_move(candidate: Candidate, earlier: files.LedgerFile, target: Path, summary: Summary) -> None:
    """A8: the disposition was committed before a crash: finish the move, nothing else."""
    if earlier.state == "quarantined":
        write_reason(target, candidate.name, earlier.reason)
    move_out(candidate, target)
    summary.files += 1
    summary.resumed_files += 1
    summary.archived += earlier.state == "archived"
    summary.quarantined += earlier.state == "quarantined"


def write_reason(target: Path, original: str, reason: str) -> None:
    """The ``.reason`` file beside a quarantined file (the partner's name escaped, F1)."""
    text = f"original name: {printable_name(original)}\nreason: {reason}\n"
    write_atomically(target.parent, f"{target.name}.reason", text.encode("ascii", "backslashreplace"))


def move_out(candidate: Candidate, target: Path) -> None:
    """The file out of the inbox to its place, then its done-marker removed."""
    move_durably(candidate.path, target)
    if candidate.done_marker is not None:
        with contextlib.suppress(OSError):
            os.unlink(candidate.done_marker)
