"""820 remittances (D13): who may remit for a RES, what is open on our 810s, and what each 820 applied."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from edi.store.connection import Db, in_chunks
from edi.times import stamp
from rules.remittance import OpenInvoice, RemittanceDecision


def authorized(conn: Db, sender: str, payer: str) -> bool:
    """D13: the 820 comes from the RES it pays for, or from a bank the suppliers file registers for that RES."""
    if sender == payer:
        return True
    row = conn.execute("SELECT 1 FROM remitters WHERE sender_id = ? AND supplier_duns = ?", (sender, payer))
    return row.fetchone() is not None


def registered_remitter(conn: Db, sender: str) -> bool:
    """B7: the sender is a bank registered as remitting for some RES."""
    return conn.execute("SELECT 1 FROM remitters WHERE sender_id = ?", (sender,)).fetchone() is not None


def applied_before(conn: Db, payer: str, trace: str) -> bool:
    """D13/D16: this payer's 820 with this TRN02 was applied already."""
    row = conn.execute("SELECT 1 FROM remittances WHERE payer_duns = ? AND trace = ? AND applied = 1", (payer, trace))
    return row.fetchone() is not None


def open_invoices(conn: Db, numbers: Sequence[str]) -> dict[str, OpenInvoice]:
    """Each named 810 we sent: whom it billed and what is still open (nothing on a cancelled one)."""
    found: dict[str, OpenInvoice] = {}
    for chunk, marks in in_chunks(numbers):
        rows = conn.execute(
            "SELECT i.number, i.supplier_duns, i.period_total, i.purpose, i.cancelled_by,"
            " (SELECT coalesce(group_concat(p.amount, ' '), '') FROM res_payments p WHERE p.invoice_number = i.number)"
            f" FROM invoices i WHERE i.number IN ({marks})",
            chunk,
        )
        for number, duns, total, purpose, cancelled, paid in rows:
            settled = sum((Decimal(p) for p in paid.split()), Decimal("0.00"))
            still = Decimal(total) - settled if purpose == "00" and not cancelled else Decimal("0.00")
            found[number] = OpenInvoice(duns, still)
    return found


def record_remittance(conn: Db, head: tuple[str, str, str, Decimal | None, date | None], outcome_id: int,
                      decision: RemittanceDecision, accounts: dict[int, str], at: datetime) -> int:  # fmt: skip
    """The 820 and, when applied, each line and each payment onto its 810 (one transaction with the outcome)."""
    payer, trace, sender, total, paid_on = head
    cursor = conn.execute(
        "INSERT INTO remittances (payer_duns, trace, sender_id, total, paid_on, outcome_id, applied, reason,"
        " received_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
        (payer, trace, sender, str(total) if total is not None else "", paid_on.isoformat() if paid_on else None,
         outcome_id, int(decision.accepted), decision.reason, stamp(at)),
    )  # fmt: skip
    remittance_id = int(cursor.fetchall()[0][0])
    day = (paid_on or at.date()).isoformat()
    conn.executemany(
        "INSERT INTO remittance_lines (remittance_id, line_no, invoice_number, account_number, status, applied,"
        " reported) VALUES (?,?,?,?,?,?,?)",
        [(remittance_id, m.line, m.invoice, accounts.get(m.line, ""), m.status.value, str(m.applied), str(m.reported))
         for m in decision.matches],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO res_payments (invoice_number, amount, paid_on, remittance_id) VALUES (?,?,?,?)",
        [(m.invoice, str(m.applied), day, remittance_id) for m in decision.matches if m.applied],
    )
    return remittance_id


def unreviewed(conn: Db, limit: int = 20) -> list[dict[str, object]]:
    """Remittances a person must look at: refused whole, or with lines unmatched or in excess, not yet reviewed."""
    rows = conn.execute(
        "SELECT r.id, r.payer_duns, r.trace, r.total, r.applied, r.reason,"
        " (SELECT count(*) FROM remittance_lines l WHERE l.remittance_id = r.id AND l.reported != '0.00'),"
        " (SELECT coalesce(group_concat(l.reported, ' '), '') FROM remittance_lines l WHERE l.remittance_id = r.id)"
        " FROM remittances r WHERE r.reviewed_at IS NULL AND (r.applied = 0 OR EXISTS (SELECT 1 FROM"
        " remittance_lines l WHERE l.remittance_id = r.id AND l.reported != '0.00')) ORDER BY r.id LIMIT ?",
        (limit,),
    )
    return [{"id": r[0], "payer": r[1], "trace": r[2], "total": r[3], "applied": bool(r[4]), "reason": r[5],
             "lines_reported": r[6], "reported": str(sum((Decimal(x) for x in r[7].split()), Decimal("0.00")))}
            for r in rows]  # fmt: skip


def mark_reviewed(conn: Db, remittance_id: int, note: str, at: datetime) -> bool:
    """A person dealt with a remittance's refusal or reported money; False when there is no such remittance."""
    cursor = conn.execute("UPDATE remittances SET reviewed_at = ?, review_note = ? WHERE id = ?",
                          (stamp(at), note, remittance_id))  # fmt: skip
    return cursor.rowcount == 1


def replace_remitters(conn: Db, supplier: str, senders: Sequence[str]) -> None:
    """The banks registered as remitting for ``supplier`` (the suppliers file says; the list replaces the last)."""
    conn.execute("DELETE FROM remitters WHERE supplier_duns = ?", (supplier,))
    conn.executemany("INSERT INTO remitters (sender_id, supplier_duns) VALUES (?, ?)", [(s, supplier) for s in senders])


def money_totals(conn: Db) -> dict[str, Decimal]:
    """D13, for the metrics: money applied to our 810s, and money reported and not yet reviewed."""
    rows = conn.execute(
        "SELECT l.applied, l.reported, r.reviewed_at FROM remittance_lines l JOIN remittances r"
        " ON r.id = l.remittance_id WHERE r.applied = 1"
    )
    totals = {"applied": Decimal("0.00"), "reported": Decimal("0.00")}
    for applied, reported, reviewed in rows:
        totals["applied"] += Decimal(applied)
        if reviewed is None:
            totals["reported"] += Decimal(reported)
    return totals


def outcome_money(conn: Db, outcome_id: int) -> list[dict[str, str]]:
    """explain: what the 820 recorded under this outcome did, line by line (nothing for any other set)."""
    rows = conn.execute(
        "SELECT l.line_no, l.invoice_number, l.status, l.applied, l.reported, r.reason FROM remittances r"
        " LEFT JOIN remittance_lines l ON l.remittance_id = r.id WHERE r.outcome_id = ? ORDER BY l.line_no",
        (outcome_id,),
    )
    return [{"line": str(r[0] or ""), "invoice": r[1] or "", "status": r[2] or "", "applied": r[3] or "",
             "reported": r[4] or "", "refused": r[5] or ""} for r in rows]  # fmt: skip
