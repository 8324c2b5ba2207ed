"""The billing run, our 810 invoices, RES payments and the utility's direct-bill charges."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from edi.store.connection import Db
from edi.times import stamp
from rules.invoicing import ChargeLine, DirectBill, Party, PriorInvoice, SboInvoice, SupplyRow


@dataclass(frozen=True)
class Bill:
    """One account's bill for one period (the latest version of it, or an earlier one being cancelled)."""

    id: int
    account_number: str
    period_start: date
    period_end: date
    version: int


@dataclass(frozen=True)
class Usage:
    """A service point's usage on a bill, with what the store knows of the point now."""

    sp_id: str
    kwh: str
    commodity: str
    rate_class: str
    account_number: str
    kw: str = "0"
    meter: str = ""


@dataclass(frozen=True)
class IssuedInvoice:
    """An 810 we sent, as the ledger holds it."""

    number: str
    supplier_duns: str
    bill_id: int
    prior_due: Decimal


@dataclass(frozen=True)
class InvoiceParties:
    """What an 810 prints of the account and its RES."""

    account_number: str
    bill_group: int
    customer: Party
    supplier_name: str


def _bill(r: Any) -> Bill:
    return Bill(
        int(r["id"]),
        r["account_number"],
        date.fromisoformat(r["period_start"]),
        date.fromisoformat(r["period_end"]),
        int(r["version"]),
    )


def latest_bills(conn: Db, group: int, start: date, end: date) -> list[Bill]:
    """The latest version of every bill of the group and period, by account."""
    rows = conn.execute(
        "SELECT b.* FROM bills_run b WHERE b.bill_group = ? AND b.period_start = ? AND b.period_end = ?"
        " AND b.version = (SELECT max(version) FROM bills_run c WHERE c.account_number = b.account_number"
        " AND c.period_start = b.period_start AND c.period_end = b.period_end) ORDER BY b.account_number",
        (group, start.isoformat(), end.isoformat()),
    )
    return [_bill(r) for r in rows]


def bill(conn: Db, bill_id: int) -> Bill:
    """One bill by id."""
    return _bill(conn.execute("SELECT * FROM bills_run WHERE id = ?", (bill_id,)).fetchone())


def bill_done(conn: Db, bill_id: int) -> bool:
    """The bill was already invoiced or put on the direct bill (runs are idempotent)."""
    row = conn.execute(
        "SELECT 1 FROM invoices WHERE bill_id = ? UNION SELECT 1 FROM direct_bill_charges WHERE bill_id = ?",
        (bill_id, bill_id),
    ).fetchone()
    return row is not None


def usage(conn: Db, bill_id: int) -> list[Usage]:
    """The bill's service points with their usage."""
    rows = conn.execute(
        "SELECT u.sp_id, u.kwh, sp.commodity, sp.rate_class, sp.account_number, u.kw, sp.meter FROM bill_usage u"
        " JOIN service_points sp ON sp.id = u.sp_id WHERE u.bill_id = ? ORDER BY u.sp_id",
        (bill_id,),
    )
    return [Usage(r["sp_id"], r["kwh"], r["commodity"], r["rate_class"], r["account_number"], r["kw"] or "0",
                  r["meter"] or "") for r in rows]  # fmt: skip


def charge_lines(conn: Db, bill_id: int, sp_id: str) -> tuple[ChargeLine, ...]:
    """One service point's charge and tax lines on a bill, in order."""
    rows = conn.execute("SELECT * FROM bill_lines WHERE bill_id = ? AND sp_id = ? ORDER BY line_no", (bill_id, sp_id))
    return tuple(
        ChargeLine(
            code=r["code"],
            description=r["description"],
            amount=Decimal(r["amount"]),
            print_order=int(r["print_order"]),
            is_tax=r["kind"] == "tax",
            rate=r["rate"],
            quantity=r["quantity"],
            unit=r["unit"],
            tax_type=r["tax_type"],
        )
        for r in rows
    )


def supply_rows(conn: Db, sp_id: str) -> tuple[SupplyRow, ...]:
    """A service point's billing options by effective date."""
    rows = conn.execute(
        "SELECT supplier_duns, billing_type, effective, supplier_account FROM supply WHERE sp_id = ?"
        " ORDER BY effective, id",
        (sp_id,),
    )
    return tuple(SupplyRow(r[0], r[1], date.fromisoformat(r[2]), r[3]) for r in rows)


def prior_invoices(conn: Db, account: str, before: date) -> tuple[PriorInvoice, ...]:
    """D6: the account's SBO invoices of earlier periods, not cancelled, with what the RES paid on each."""
    rows = conn.execute(
        "SELECT i.number, i.period_total, (SELECT coalesce(group_concat(amount, ' '), '') FROM res_payments p"
        " WHERE p.invoice_number = i.number) AS paid FROM invoices i WHERE i.account_number = ? AND i.purpose = '00'"
        " AND i.cancelled_by = '' AND i.period_end <= ? ORDER BY i.period_start, i.id",
        (account, before.isoformat()),
    )
    return tuple(
        PriorInvoice(number, Decimal(total), sum((Decimal(p) for p in paid.split()), Decimal("0.00")))
        for number, total, paid in rows
    )


def earlier_direct_amounts(conn: Db, earlier: Bill) -> list[Decimal]:
    """What earlier versions of this bill put on the direct bill."""
    rows = conn.execute(
        "SELECT d.amount FROM direct_bill_charges d JOIN bills_run b ON b.id = d.bill_id WHERE"
        " b.account_number = ? AND b.period_start = ? AND b.period_end = ? AND b.version < ?",
        (earlier.account_number, earlier.period_start.isoformat(), earlier.period_end.isoformat(), earlier.version),
    )
    return [Decimal(r[0]) for r in rows]


def add_direct_charge(
    conn: Db, charge: DirectBill, *, detail: Any, created_on: date, billed_in: str, bill_id: int
) -> None:
    """A charge on the utility's own bill, put on this run's direct bill."""
    conn.execute(
        "INSERT INTO direct_bill_charges (account_number, kind, amount, detail, created_on, billed_in, bill_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            charge.account_number,
            charge.kind,
            str(charge.amount),
            json.dumps(detail, sort_keys=True),
            created_on.isoformat(),
            billed_in,
            bill_id,
        ),
    )


def original_invoice(conn: Db, account: str, start: date, end: date) -> IssuedInvoice | None:
    """The standing 810 of the account and period that a corrected bill replaces."""
    r = conn.execute(
        "SELECT * FROM invoices WHERE account_number = ? AND period_start = ? AND period_end = ? AND purpose = '00'"
        " AND cancelled_by = '' ORDER BY id DESC LIMIT 1",
        (account, start.isoformat(), end.isoformat()),
    ).fetchone()
    return IssuedInvoice(r["number"], r["supplier_duns"], int(r["bill_id"]), Decimal(r["prior_due"])) if r else None


def invoice_parties(conn: Db, account: str, duns: str) -> InvoiceParties:
    """The customer as printed and the RES's name."""
    a = conn.execute("SELECT * FROM accounts WHERE number = ?", (account,)).fetchone()
    supplier = conn.execute("SELECT name FROM suppliers WHERE duns = ?", (duns,)).fetchone()
    return InvoiceParties(
        a["number"],
        int(a["bill_group"]),
        Party(a["customer_name"], a["street"], a["city"], a["state"], a["zip"]),
        supplier[0] if supplier else duns,
    )


def record_invoice(conn: Db, invoice: SboInvoice, bill_id: int, now: datetime) -> None:
    """An 810 we issue (original, cancel or rebill)."""
    conn.execute(
        "INSERT INTO invoices (number, account_number, supplier_duns, bill_id, period_start, period_end, purpose,"
        " original_number, prior_due, period_total, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            invoice.number,
            invoice.account_number,
            invoice.supplier_duns,
            bill_id,
            invoice.period_start.isoformat(),
            invoice.period_end.isoformat(),
            invoice.purpose,
            invoice.original_number,
            str(invoice.prior_due),
            str(invoice.period_total),
            stamp(now),
        ),
    )


def mark_cancelled(conn: Db, number: str, by: str) -> None:
    """The invoice was cancelled by ``by``."""
    conn.execute("UPDATE invoices SET cancelled_by = ? WHERE number = ?", (by, number))


def mark_invoice_sent_in(conn: Db, number: str, file_name: str) -> None:
    """Which outbox document carries the invoice."""
    conn.execute("UPDATE invoices SET outbox_file = ? WHERE number = ?", (file_name, number))


def bill_pending_charges(conn: Db, key: str, group: int, end: date) -> None:
    """Unbilled charges (R2) of the group recorded before the period's closing read join the run ``key``, once."""
    conn.execute("UPDATE direct_bill_charges SET billed_in = ? WHERE billed_in IS NULL AND created_on < ? AND"
                 " account_number IN (SELECT number FROM accounts WHERE bill_group = ?)",
                 (key, end.isoformat(), group))  # fmt: skip


def run_charges(conn: Db, key: str) -> list[tuple[str, str, Decimal]]:
    """(account, kind, amount) of every charge on the run ``key``'s direct bill."""
    rows = conn.execute(
        "SELECT account_number, kind, amount FROM direct_bill_charges WHERE billed_in = ? ORDER BY account_number, id",
        (key,),
    )
    return [(r[0], r[1], Decimal(r[2])) for r in rows]


def direct_bill_lines(conn: Db, key: str) -> list[dict[str, Any]]:
    """The utility's bill print input for one run: one object per charge (exact decimal strings)."""
    rows = conn.execute(
        "SELECT d.*, a.customer_name FROM direct_bill_charges d JOIN accounts a ON a.number ="
        " d.account_number WHERE d.billed_in = ? ORDER BY d.account_number, d.id",
        (key,),
    )
    return [
        {
            "account": r["account_number"],
            "customer": r["customer_name"],
            "kind": r["kind"],
            "amount": r["amount"],
            "run": key,
            "detail": json.loads(r["detail"]),
        }
        for r in rows
    ]
