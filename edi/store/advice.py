"""824 application advice (D14): flags on our 810s, opened by a reject, closed by an accept, a rebill or a person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from edi.store.connection import Db, in_chunks
from edi.times import stamp
from rules.advice import AdviceItem, InvoiceState, ItemAction

REPORTED = "reported"  # the verdict of a flag row that reports an 824 naming no 810 of the RES's


def invoice_states(conn: Db, numbers: Sequence[str]) -> dict[str, InvoiceState]:
    """Each named 810: whom it billed, and the verdict and code of its open flag."""
    found: dict[str, InvoiceState] = {}
    for chunk, marks in in_chunks(numbers):
        rows = conn.execute(
            "SELECT i.number, i.supplier_duns, f.verdict, f.reason_code FROM invoices i LEFT JOIN invoice_flags f"
            f" ON f.invoice_number = i.number AND f.closed_at IS NULL WHERE i.number IN ({marks}) ORDER BY f.id",
            chunk,
        )
        for number, duns, verdict, code in rows:
            found[number] = InvoiceState(duns, (verdict, code) if verdict else None)
    return found


def apply_advice(conn: Db, outcome_id: int, supplier: str, actions: Sequence[tuple[AdviceItem, ItemAction]],
                 at: datetime) -> None:  # fmt: skip
    """D14: each item's flag opened, closed or reported, in the caller's transaction; money untouched."""
    for item, action in actions:
        code, text = item.reasons[0] if item.reasons else ("", "")
        if action is ItemAction.CLOSE:
            close_flags(conn, item.key, f"824 {item.verdict} from {supplier}", at)
        elif action is ItemAction.FLAG:
            close_flags(conn, item.key, "superseded by a later 824", at)
            _flag(conn, item.key, item.verdict, code, text, outcome_id, at)
        elif action in (ItemAction.UNKNOWN, ItemAction.NOT_THEIRS):
            _flag(conn, item.key, REPORTED, code, f"824 from {supplier} {action.value}", outcome_id, at)


def _flag(conn: Db, key: str, verdict: str, code: str, text: str, outcome_id: int, at: datetime) -> None:
    conn.execute(
        "INSERT INTO invoice_flags (invoice_number, verdict, reason_code, reason_text, outcome_id, flagged_at)"
        " VALUES (?,?,?,?,?,?)",
        (key, verdict, code, text, outcome_id, stamp(at)),
    )


def close_flags(conn: Db, key: str, by: str, at: datetime) -> int:
    """Close every open flag under ``key`` (an 824 accept, or a person's note); how many were open."""
    cursor = conn.execute("UPDATE invoice_flags SET closed_at = ?, closed_by = ? WHERE invoice_number = ?"
                          " AND closed_at IS NULL", (stamp(at), by, key))  # fmt: skip
    return int(cursor.rowcount)


def open_flags(conn: Db, limit: int = 50) -> list[dict[str, str]]:
    """Flags a person must deal with: rejects of 810s not since cancelled and rebilled, and reported 824s."""
    rows = conn.execute(
        "SELECT f.invoice_number, f.verdict, f.reason_code, f.reason_text, f.flagged_at FROM invoice_flags f"
        " LEFT JOIN invoices i ON i.number = f.invoice_number WHERE f.closed_at IS NULL"
        " AND coalesce(i.cancelled_by, '') = '' ORDER BY f.id LIMIT ?",
        (limit,),
    )
    return [{"invoice": r[0], "verdict": r[1], "code": r[2], "text": r[3], "flagged_at": r[4]} for r in rows]


def outcome_flags(conn: Db, outcome_id: int) -> list[dict[str, str]]:
    """explain: the flags the 824 recorded under this outcome raised, and whether they are still open."""
    rows = conn.execute("SELECT invoice_number, verdict, reason_code, reason_text, closed_by FROM invoice_flags"
                        " WHERE outcome_id = ? ORDER BY id", (outcome_id,))  # fmt: skip
    return [{"invoice": r[0], "verdict": r[1], "code": r[2], "text": r[3], "closed_by": r[4]} for r in rows]
