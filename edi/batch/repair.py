"""Putting things right: requeue a quarantined file, resend a document a partner lost, purge what is old.

Every step is recorded (``file_history``, ``document_history``); the outcome rows and their hash chain are never
touched, so ``verify-audit`` and ``verify`` stay meaningful after a purge.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from edi.flows.delivery import move_durably, write_atomically
from edi.store import files, outbox
from edi.store.connection import Db


class RepairError(Exception):
    """The thing to put right is not there, or not in the state the command needs."""


def requeue(conn: Db, file_id: int, quarantine: Path, inbox: Path, now: datetime) -> Path:
    """The quarantined file back into the inbox under its ledger identity; returns where it went."""
    try:
        row = files.requeue(conn, file_id, now)
    except LookupError as error:
        raise RepairError(str(error)) from error
    source = quarantine / row.stored_as
    if not source.is_file():
        raise RepairError(f"{source} is not there (moved by hand?); the ledger now waits for the same bytes")
    target = inbox / f"requeued-{file_id:08d}.edi"
    move_durably(source, target)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(quarantine / f"{row.stored_as}.reason")  # the reason lives on in the file's history
    return target


def resend(conn: Db, file_name: str, folder: Path, now: datetime) -> Path:
    """Publish an outbound document again, byte for byte, and record it."""
    found = outbox.document(conn, file_name)
    if found is None:
        raise RepairError(f"no document {file_name!r} in the outbox")
    row_id, content, _sent = found
    written = write_atomically(folder, file_name, content.encode("ascii"))
    outbox.record_document_event(conn, row_id, "resent", now)
    return written


@dataclass
class Purged:
    """What a purge removed."""

    archived_files: int = 0
    documents: int = 0
    runs: int = 0


def purge(conn: Db, older_than_days: float, archive: Path, outbox_folder: Path, now: datetime) -> Purged:
    """Archived files, published outbox files and empty runs older than the limit; the audit rows stay."""
    before = now - timedelta(days=older_than_days)
    done = Purged()
    for file_id, stored_as, _state in files.purgeable(conn, before):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(archive / stored_as)
        files.mark_purged(conn, file_id, now)
        done.archived_files += 1
    for row_id, name in outbox.published_before(conn, before):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(outbox_folder / name)  # the partner's transport may have taken it already
        outbox.record_document_event(conn, row_id, "purged", now)
        done.documents += 1
    done.runs = files.purge_empty_runs(conn, before)
    return done
