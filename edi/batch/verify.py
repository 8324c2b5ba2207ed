"""``sbo-edi verify``: archive, quarantine, ledger, outcome rows, audit chain and store integrity (H7, F7, I8).

SQLite with ``synchronous=FULL`` does not lose a commit on an honest disk; a disk that does would leave files in
the archive whose interchanges the ledger never recorded, and their transactions never answered. This says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from edi.guides.validator import Validator
from edi.store import queries
from edi.store.connection import Db, integrity_problems
from edi.store.seal import verify_chain
from edi.x12.results import InterchangeResult


@dataclass
class Reconciliation:
    """What was checked and what does not add up."""

    files: int = 0
    quarantined: int = 0
    outcomes: int = 0
    problems: list[str] = field(default_factory=list)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _interchanges(path: Path) -> int:
    """How many interchanges the file holds (as the processor counted them: one per ISA)."""
    with path.open("rb") as stream:
        return sum(1 for event in Validator(file_name=path.name).run(stream) if isinstance(event, InterchangeResult))


def _archived(conn: Db, archive: Path, result: Reconciliation) -> None:
    known = set()
    for row in queries.disposed_files(conn, "archived"):
        known.add(row["stored_as"])
        if row["purged_at"]:
            continue  # `purge` removed its bytes on purpose; its ledger rows remain
        path = archive / row["stored_as"]
        result.files += 1
        if not path.is_file():
            result.problems.append(f"file #{row['id']}: archived as {row['stored_as']}, not in {archive}")
            continue
        if row["sha256"] and _digest(path) != row["sha256"]:
            result.problems.append(f"file #{row['id']}: {row['stored_as']} differs from the bytes the ledger hashed")
            continue
        held, recorded = _interchanges(path), len(queries.committed_positions(conn, row["id"]))
        if held > recorded:
            result.problems.append(f"file #{row['id']}: holds {held} interchange(s), the ledger records {recorded};"
                                   f" {held - recorded} were never processed or answered (H7)")  # fmt: skip
    for stray in sorted(p.name for p in archive.iterdir() if p.is_file()) if archive.is_dir() else []:
        if stray not in known and not stray.startswith("."):
            result.problems.append(f"{archive / stray}: in the archive but not in the ledger")


REASON = ".reason"  # the note beside each quarantined file (edi/batch/processor.py)


def _quarantined(conn: Db, quarantine: Path, result: Reconciliation) -> None:
    """I8: every quarantined file of the ledger is in the folder with its reason, and nothing else is there."""
    known = set()
    for row in queries.disposed_files(conn, "quarantined"):
        known.add(row["stored_as"])
        path = quarantine / row["stored_as"]
        result.quarantined += 1
        if not path.exists() and not path.is_symlink():
            result.problems.append(f"file #{row['id']}: quarantined as {row['stored_as']}, not in {quarantine}")
        elif not (quarantine / f"{row['stored_as']}{REASON}").is_file():
            result.problems.append(f"file #{row['id']}: quarantined as {row['stored_as']} without its reason file")
        elif row["sha256"] and path.is_file() and not path.is_symlink() and _digest(path) != row["sha256"]:
            result.problems.append(f"file #{row['id']}: {row['stored_as']} differs from the bytes the ledger hashed")
    names = sorted(p.name for p in quarantine.iterdir()) if quarantine.is_dir() else []
    for stray in names:
        if stray.startswith(".") or stray in known or stray.removesuffix(REASON) in known:
            continue
        result.problems.append(f"{quarantine / stray}: in the quarantine but not in the ledger (I8)")


def reconcile(conn: Db, archive: Path, quarantine: Path | None = None) -> Reconciliation:
    """Every check; ``problems`` is empty when everything adds up."""
    result = Reconciliation()
    result.problems += [f"the store fails its integrity check: {p} (I8)" for p in integrity_problems(conn)]
    checked, broken = verify_chain(conn)
    result.outcomes = checked
    if broken is not None:
        result.problems.append(f"outcome row {broken} does not match its seal: the audit trail was changed (F7)")
    _archived(conn, archive, result)
    if quarantine is not None:
        _quarantined(conn, quarantine, result)
    for row in queries.outcome_shortfalls(conn):
        result.problems.append(f"interchange ISA13 {row['control_number']} (file #{row['file_id']}): {row['received']}"
                               f" set(s) received, {row['recorded']} outcome row(s)")  # fmt: skip
    return result
