"""The audit ledger of what came in: interchanges, their groups, and one sealed outcome row per transaction set."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from edi.store.connection import Db
from edi.store.handle import queue_row
from edi.store.seal import insert_sealed
from edi.times import stamp
from rules.decisions import Change
from rules.interchange import COUNTS_AS_PROCESSED, InterchangeOutcome
from rules.model import OriginalRequest, Subject
from rules.outcomes import Outcome

_FIELDS: dict[type, tuple[str, ...]] = {}  # each change type's field names, looked up once


def change_json(change: Change) -> dict[str, Any]:
    """One change as a JSON object naming its type (its decimals and dates become text when dumped: ``as_json``)."""
    kind = type(change)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(change))
    return {"change": kind.__name__, **{name: getattr(change, name) for name in names}}


_ENCODERS = {sort: json.JSONEncoder(default=str, sort_keys=sort).encode for sort in (False, True)}  # built once


def as_json(value: Any, *, sort_keys: bool = False) -> str:
    """JSON with decimals and dates as their exact text (the encoder calls ``str`` on them); as ``json.dumps``."""
    return _ENCODERS[sort_keys](value)


@dataclass(frozen=True)
class InterchangeRow:
    """One inbound interchange as the ledger records it (and where it sat in its file, for resuming: A8)."""

    source_file: str
    sender_id: str
    control_number: str
    usage: str
    processed_at: datetime
    outcome: str
    ta1_note: str
    file_id: int | None
    position: int


@dataclass(frozen=True)
class GroupRow:
    """One inbound functional group and our AK9 verdict on it."""

    position: int
    functional_id: str
    control_number: str
    ak9_status: str
    ak9_codes: str
    sets_received: int
    sets_accepted: int


@dataclass(frozen=True)
class OutcomeKey:
    """Where one transaction set came from."""

    interchange_id: int | None
    group_control: str
    st02: str


def interchange_committed(conn: Db, file_id: int | None, position: int) -> str | None:
    """A8: how an earlier, interrupted run recorded this file's interchange at ``position`` (None: it did not)."""
    if file_id is None:
        return None
    row = conn.execute("SELECT outcome FROM interchanges WHERE file_id = ? AND position = ? AND outcome != ?",
                       (file_id, position, InterchangeOutcome.REQUEUED)).fetchone()  # fmt: skip
    return str(row[0]) if row is not None else None


def interchange_processed(conn: Db, sender_id: str, control_number: str) -> bool:
    """D7: the same sender's ISA13 was processed before (in any file; TA1-rejected ones do not count)."""
    marks = ", ".join("?" for _ in COUNTS_AS_PROCESSED)
    row = conn.execute(
        f"SELECT 1 FROM interchanges WHERE sender_id = ? AND control_number = ? AND outcome IN ({marks})",
        (sender_id, control_number, *COUNTS_AS_PROCESSED),
    )
    return row.fetchone() is not None


def supplier_registered(conn: Db, duns: str) -> bool:
    """B7: the DUNS is a registered RES, or a bank registered as remitting for one (D13)."""
    row = conn.execute("SELECT 1 FROM suppliers WHERE duns = ? UNION ALL SELECT 1 FROM remitters WHERE sender_id = ?",
                       (duns, duns)).fetchone()  # fmt: skip
    return row is not None


def record_interchange(conn: Db, row: InterchangeRow) -> int:
    """The interchange's audit row; returns its id."""
    cursor = conn.execute(
        "INSERT INTO interchanges (source_file, sender_id, control_number, usage, processed_at, outcome, ta1_note,"
        " file_id, position) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
        (
            row.source_file,
            row.sender_id,
            row.control_number,
            row.usage,
            stamp(row.processed_at),
            row.outcome,
            row.ta1_note,
            row.file_id,
            row.position,
        ),
    )
    return int(cursor.fetchall()[0][0])


def settle_interchange(conn: Db, interchange_id: int, outcome: str, ta1_note: str) -> None:
    """The outcome of an interchange recorded when it opened (decided as read), now that it has closed."""
    conn.execute("UPDATE interchanges SET outcome = ?, ta1_note = ? WHERE id = ?", (outcome, ta1_note, interchange_id))


def record_groups(conn: Db, interchange_id: int, groups: list[GroupRow]) -> None:
    """A row per inbound functional group with our AK9."""
    conn.executemany(
        "INSERT INTO groups_received (interchange_id, position, functional_id, control_number, ak9_status,"
        " ak9_codes, sets_received, sets_accepted) VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                interchange_id,
                g.position,
                g.functional_id,
                g.control_number,
                g.ak9_status,
                g.ak9_codes,
                g.sets_received,
                g.sets_accepted,
            )
            for g in groups
        ],
    )


def record_outcome(
    conn: Db,
    key: OutcomeKey,
    at: datetime,
    outcome: Outcome,
    *,
    subject: Subject | None = None,
    changes: tuple[Change, ...] = (),
    reference: str = "",
) -> int:
    """The one outcome row of a set of any kind, sealed onto the chain (F7); the one writer of ``outcomes``."""
    outcome_id = insert_sealed(
        conn,
        (
            key.interchange_id,
            key.group_control,
            key.st02,
            subject.partner if subject else "",
            subject.reference if subject else "",
            subject.account if subject else "",
            outcome.label,
            " ".join(outcome.rules),
            json.dumps([[r.code, r.text] for r in outcome.reasons]) if outcome.reasons else "[]",
            as_json([change_json(c) for c in changes]),
            reference,
            stamp(at),
        ),
    )
    if subject is not None and subject.remembered and subject.reference and subject.partner and not outcome.test:
        # D7: the first use of a BGN02 is what later duplicates are measured against (tests do not count).
        queue_row(
            conn,
            "INSERT INTO requests_seen VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (subject.partner, subject.reference, outcome_id),
        )
    return outcome_id


@dataclass(frozen=True)
class RecordedOutcome:
    """An outcome row as committed, for the log events that follow the commit (H6)."""

    group_control: str
    st02: str
    outcome: str
    codes: tuple[str, ...]
    rules: str
    account_number: str


def interchange_outcomes(conn: Db, interchange_id: int, chunk: int = 1000) -> Iterator[RecordedOutcome]:
    """The committed outcome rows of one interchange, in order, read in chunks (memory stays flat)."""
    last = 0
    while True:
        rows = conn.execute("SELECT id, group_control, st02, outcome, reasons, rules, account_number FROM outcomes"
                            " WHERE interchange_id = ? AND id > ? ORDER BY id LIMIT ?",
                            (interchange_id, last, chunk)).fetchall()  # fmt: skip
        for r in rows:
            codes = tuple(code for code, _text in json.loads(r[4]))
            yield RecordedOutcome(r[1], r[2], r[3], codes, r[5], r[6])
        if len(rows) < chunk:
            return
        last = int(rows[-1][0])


def original_request(conn: Db, supplier_duns: str, request_id: str) -> OriginalRequest | None:
    """D10: the request a cancel names (this RES's BGN02), as its outcome row recorded it."""
    row = conn.execute(
        "SELECT o.id, o.outcome, o.changes, (SELECT count(*) FROM supply s WHERE s.outcome_id = o.id) AS scheduled"
        " FROM requests_seen r JOIN outcomes o ON o.id = r.outcome_id WHERE r.supplier_duns = ? AND r.request_id = ?",
        (supplier_duns, request_id),
    ).fetchone()
    if row is None:
        return None
    changes = json.loads(row["changes"])
    names = {c["change"] for c in changes}
    supply = next((c for c in changes if c["change"] in ("SetSupplier", "EndSupply")), None)
    return OriginalRequest(
        outcome_id=int(row["id"]),
        accepted=row["outcome"] == "accepted",
        kind="drop" if "EndSupply" in names else "enrollment",
        effective=date.fromisoformat(supply["effective"]) if supply else None,
        only_supply=names <= {"SetSupplier", "EndSupply"},
        still_scheduled=int(row["scheduled"]) > 0,
    )
