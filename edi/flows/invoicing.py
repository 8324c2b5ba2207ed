"""An invoice run for one bill group and period: SBO 810s to each RES, everything else on the utility's own bill.

Runs in the caller's transaction. Idempotent: a bill already invoiced (or already put on the direct bill) is left
alone; a corrected bill (a newer version from the billing run) gives a cancel of the original 810 and a rebill.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from edi.flows.delivery import Output, send_to_supplier
from edi.naming import mask_account
from edi.x12.segments import Segment
from edi.store.connection import next_value, setting
from edi.transactions.tx810 import breaches, invoice_body
from edi.transactions.tx814 import Utility
from edi.x12.writer import TransactionSet, render_set
from rules.invoicing import (
    ChargeLine,
    DirectBill,
    InvoicedPoint,
    PeriodBilling,
    PriorInvoice,
    SboInvoice,
    SupplyRow,
    period_billing,
)
from rules.invoicing import Party as Customer


@dataclass
class InvoiceRun:
    """What one run produced."""

    group: int
    start: date
    end: date
    invoices: list[SboInvoice] = field(default_factory=list)
    direct_bills: list[DirectBill] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # accounts stopped by the final check (masked)
    already_done: int = 0

    @property
    def key(self) -> str:
        """How direct-bill charges name the run that billed them."""
        return f"g{self.group:02d}:{self.start}:{self.end}"


def _lines(conn: sqlite3.Connection, bill_id: int, sp_id: str) -> tuple[ChargeLine, ...]:
    rows = conn.execute("SELECT * FROM bill_lines WHERE bill_id = ? AND sp_id = ? ORDER BY line_no",
                        (bill_id, sp_id)).fetchall()
    return tuple(ChargeLine(code=r["code"], description=r["description"], amount=Decimal(r["amount"]),
                            print_order=int(r["print_order"]), is_tax=r["kind"] == "tax", rate=r["rate"],
                            quantity=r["quantity"], unit=r["unit"], tax_type=r["tax_type"]) for r in rows)


def _supply(conn: sqlite3.Connection, sp_id: str) -> tuple[SupplyRow, ...]:
    rows = conn.execute("SELECT supplier_duns, billing_type, effective, supplier_account FROM supply WHERE sp_id = ?"
                        " ORDER BY effective, id", (sp_id,)).fetchall()
    return tuple(SupplyRow(r[0], r[1], date.fromisoformat(r[2]), r[3]) for r in rows)


def _prior(conn: sqlite3.Connection, account: str, before: date) -> tuple[PriorInvoice, ...]:
    """D6: the open SBO invoices of earlier periods (cancelled ones excluded), with what the RES paid on them."""
    rows = conn.execute(
        "SELECT i.number, i.period_total, (SELECT coalesce(group_concat(amount, ' '), '') FROM res_payments p"
        " WHERE p.invoice_number = i.number) AS paid FROM invoices i WHERE i.account_number = ? AND i.purpose = '00'"
        " AND i.cancelled_by = '' AND i.period_end <= ? ORDER BY i.period_start, i.id", (account, before.isoformat()))
    out = []
    for number, total, paid in rows:
        paid_total = sum((Decimal(p) for p in paid.split()), Decimal("0.00"))
        invoice = PriorInvoice(number, Decimal(total), paid_total)
        if invoice.open != 0:
            out.append(invoice)
    return tuple(out)


class Invoicer:
    """Builds and records one group's invoice run."""

    def __init__(self, conn: sqlite3.Connection, now: datetime) -> None:
        self.conn = conn
        self.now = now
        self.utility = Utility(setting(conn, "utility_name"), setting(conn, "utility_duns"))

    def run(self, group: int, start: date, end: date) -> InvoiceRun:
        """Every bill of the group and period: an 810 for SBO service points, the direct bill for the rest."""
        result = InvoiceRun(group, start, end)
        bills = self.conn.execute(
            "SELECT b.* FROM bills_run b WHERE b.bill_group = ? AND b.period_start = ? AND b.period_end = ?"
            " AND b.version = (SELECT max(version) FROM bills_run c WHERE c.account_number = b.account_number"
            " AND c.period_start = b.period_start AND c.period_end = b.period_end) ORDER BY b.account_number",
            (group, start.isoformat(), end.isoformat())).fetchall()
        by_supplier: dict[str, list[tuple[SboInvoice, list[Segment]]]] = defaultdict(list)
        for bill in bills:
            self.conn.execute("SAVEPOINT account")
            try:
                made = self._bill(bill, result)
            except _Breach as breach:
                self.conn.execute("ROLLBACK TO account")
                self.conn.execute("RELEASE account")
                result.errors.append(f"{mask_account(bill['account_number'])}: {breach}")
                continue
            self.conn.execute("RELEASE account")
            for invoice, body in made:
                by_supplier[invoice.supplier_duns].append((invoice, body))
        self._direct_bills(result)
        for duns in sorted(by_supplier):
            self._send(duns, by_supplier[duns], result)
        return result

    # -- one account's bill ------------------------------------------------------------------------------
    def _bill(self, bill: sqlite3.Row, result: InvoiceRun) -> list[tuple[SboInvoice, list[Segment]]]:
        account = bill["account_number"]
        done = self.conn.execute("SELECT 1 FROM invoices WHERE bill_id = ? UNION SELECT 1 FROM direct_bill_charges"
                                 " WHERE bill_id = ?", (bill["id"], bill["id"])).fetchone()
        if done is not None:
            result.already_done += 1
            return []
        points = self.conn.execute(
            "SELECT u.sp_id, u.kwh, sp.commodity, sp.rate_class, sp.account_number FROM bill_usage u"
            " JOIN service_points sp ON sp.id = u.sp_id WHERE u.bill_id = ? ORDER BY u.sp_id", (bill["id"],)).fetchall()
        start, end = date.fromisoformat(bill["period_start"]), date.fromisoformat(bill["period_end"])
        sbo: dict[str, list[InvoicedPoint]] = defaultdict(list)
        supplier_rows: dict[str, SupplyRow] = {}
        utility_lines: list[ChargeLine] = []
        options: set[str] = set()
        for p in points:
            lines = _lines(self.conn, bill["id"], p["sp_id"])
            billing, row = (PeriodBilling.UTILITY, None)
            if p["commodity"] == "EL" and p["account_number"] == account:
                billing, row = period_billing(_supply(self.conn, p["sp_id"]), start, end)
            if billing is PeriodBilling.SBO and row is not None and row.supplier_duns:
                sbo[row.supplier_duns].append(InvoicedPoint(p["sp_id"], p["rate_class"], p["kwh"], lines))
                supplier_rows[row.supplier_duns] = row
            else:
                utility_lines.extend(lines)
                options.add(self._option_name(p["sp_id"], end))
        self._reverse_earlier_direct_bill(bill, result)
        made = []
        original = self._original(account, start, end)
        for duns, invoiced_points in sorted(sbo.items()):
            row = supplier_rows[duns]
            if original is not None:
                made.append(self._cancel(original, result))
            invoice = self._invoice(bill, duns, row, tuple(invoiced_points),
                                    original_number=original["number"] if original is not None else "")
            body = invoice_body(invoice, self.utility)
            allowed = [line.amount for point in invoiced_points for line in point.lines]
            problems = breaches(invoice, body, allowed)
            if problems:
                raise _Breach("; ".join(problems))  # nothing of this account is written (the savepoint rolls back)
            self._record(invoice, bill["id"])
            made.append((invoice, body))
            result.invoices.append(invoice)
        if utility_lines:
            amount = sum((line.amount for line in utility_lines), Decimal("0.00"))
            kind = f"delivery charges ({', '.join(sorted(options))})"
            direct = DirectBill(account, kind, amount, start, end, tuple(utility_lines))
            self.conn.execute(
                "INSERT INTO direct_bill_charges (account_number, kind, amount, detail, created_on, billed_in, bill_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (direct.account_number, direct.kind, str(direct.amount),
                 json.dumps(_lines_json(direct.detail), sort_keys=True), self.now.date().isoformat(), result.key,
                 bill["id"]))
        return made

    def _reverse_earlier_direct_bill(self, bill: sqlite3.Row, result: InvoiceRun) -> None:
        """A corrected bill: what an earlier version put on the direct bill is reversed before the new lines go on."""
        amounts = [Decimal(r[0]) for r in self.conn.execute(
            "SELECT d.amount FROM direct_bill_charges d JOIN bills_run b ON b.id = d.bill_id WHERE"
            " b.account_number = ? AND b.period_start = ? AND b.period_end = ? AND b.version < ?",
            (bill["account_number"], bill["period_start"], bill["period_end"], bill["version"]))]
        total = sum(amounts, Decimal("0.00"))
        if total:
            self.conn.execute(
                "INSERT INTO direct_bill_charges (account_number, kind, amount, detail, created_on, billed_in, bill_id)"
                " VALUES (?, 'reversal (corrected bill)', ?, '{}', ?, ?, ?)",
                (bill["account_number"], str(-total), self.now.date().isoformat(), result.key, bill["id"]))

    def _option_name(self, sp_id: str, end: date) -> str:
        """How the utility bills this service point's period: LDC, DUAL (R7 first period), or a split-off gas SP."""
        rows = _supply(self.conn, sp_id)
        in_force = next((r for r in reversed(rows) if r.effective < end), None)  # the next read opens the next period
        return in_force.billing_type if in_force is not None else "LDC"

    def _original(self, account: str, start: date, end: date) -> sqlite3.Row | None:
        """The 810 of an earlier version of this period's bill that a correction replaces."""
        return self.conn.execute(
            "SELECT * FROM invoices WHERE account_number = ? AND period_start = ? AND period_end = ? AND purpose = '00'"
            " AND cancelled_by = '' ORDER BY id DESC LIMIT 1", (account, start.isoformat(), end.isoformat())).fetchone()

    def _invoice(self, bill: sqlite3.Row, duns: str, row: SupplyRow, points: tuple[InvoicedPoint, ...], *,
                 original_number: str = "", purpose: str = "00") -> SboInvoice:
        account = self.conn.execute("SELECT * FROM accounts WHERE number = ?", (bill["account_number"],)).fetchone()
        supplier = self.conn.execute("SELECT name FROM suppliers WHERE duns = ?", (duns,)).fetchone()
        start = date.fromisoformat(bill["period_start"])
        return SboInvoice(
            number=f"AIC{next_value(self.conn, 'invoice'):010d}",
            purpose=purpose,
            original_number=original_number,
            invoice_date=self.now.date(),
            account_number=account["number"],
            supplier_account=row.supplier_account,
            supplier_duns=duns,
            supplier_name=supplier[0] if supplier else duns,
            bill_group=int(account["bill_group"]),
            customer=Customer(account["customer_name"], account["street"], account["city"], account["state"],
                              account["zip"]),
            period_start=start,
            period_end=date.fromisoformat(bill["period_end"]),
            prior=_prior(self.conn, account["number"], start),
            points=points,
        )

    def _cancel(self, original: sqlite3.Row, result: InvoiceRun) -> tuple[SboInvoice, list[Segment]]:
        """BIG08 01 with REF*OI: the original's own lines and amounts, reversed by its purpose code."""
        old_bill = self.conn.execute("SELECT * FROM bills_run WHERE id = ?", (original["bill_id"],)).fetchone()
        points = []
        for p in self.conn.execute("SELECT u.sp_id, u.kwh, sp.rate_class FROM bill_usage u JOIN service_points sp"
                                   " ON sp.id = u.sp_id WHERE u.bill_id = ? ORDER BY u.sp_id", (old_bill["id"],)):
            rows = _supply(self.conn, p["sp_id"])
            billing, _ = period_billing(rows, date.fromisoformat(old_bill["period_start"]),
                                        date.fromisoformat(old_bill["period_end"]))
            if billing is PeriodBilling.SBO:
                points.append(InvoicedPoint(p["sp_id"], p["rate_class"], p["kwh"], _lines(self.conn, old_bill["id"],
                                                                                          p["sp_id"])))
        row = SupplyRow(original["supplier_duns"], "ESP", date.fromisoformat(old_bill["period_start"]),
                        self._supplier_account(points))
        cancel = self._invoice(old_bill, original["supplier_duns"], row, tuple(points),
                               original_number=original["number"], purpose="01")
        cancel = _with_prior(cancel, Decimal(original["prior_due"]))
        body = invoice_body(cancel, self.utility)
        self._record(cancel, old_bill["id"])
        self.conn.execute("UPDATE invoices SET cancelled_by = ? WHERE number = ?", (cancel.number, original["number"]))
        result.invoices.append(cancel)
        return cancel, body

    def _supplier_account(self, points: list[InvoicedPoint]) -> str:
        for point in points:
            rows = _supply(self.conn, point.sp_id)
            if rows:
                return rows[-1].supplier_account
        return ""

    def _record(self, invoice: SboInvoice, bill_id: int) -> None:
        self.conn.execute(
            "INSERT INTO invoices (number, account_number, supplier_duns, bill_id, period_start, period_end, purpose,"
            " original_number, prior_due, period_total, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (invoice.number, invoice.account_number, invoice.supplier_duns, bill_id, invoice.period_start.isoformat(),
             invoice.period_end.isoformat(), invoice.purpose, invoice.original_number, str(invoice.prior_due),
             str(invoice.period_total), self.now.isoformat(timespec="seconds")))

    # -- the utility's own bill ----------------------------------------------------------------------------
    def _direct_bills(self, result: InvoiceRun) -> None:
        """Budget balances (R2) not yet billed for the group's accounts join this run's direct bill."""
        self.conn.execute(
            "UPDATE direct_bill_charges SET billed_in = ? WHERE billed_in IS NULL AND account_number IN"
            " (SELECT number FROM accounts WHERE bill_group = ?)", (result.key, result.group))
        for row in self.conn.execute("SELECT account_number, kind, amount, detail FROM direct_bill_charges"
                                     " WHERE billed_in = ? ORDER BY account_number, id", (result.key,)):
            result.direct_bills.append(DirectBill(row[0], row[1], Decimal(row[2]), result.start, result.end))

    # -- sending -------------------------------------------------------------------------------------------
    def _send(self, duns: str, made: list[tuple[SboInvoice, list[Segment]]], result: InvoiceRun) -> None:
        """One interchange of 810s per RES into the outbox."""
        sets = [render_set(TransactionSet("810", f"{n:04d}", body)) for n, (_, body) in enumerate(made, start=1)]
        output = send_to_supplier(self.conn, duns, "IN", "810", sets, self.now)
        for invoice, _ in made:
            self.conn.execute("UPDATE invoices SET outbox_file = ? WHERE number = ?", (output.file_name, invoice.number))
        result.outputs.append(output)


class _Breach(Exception):
    """The final check found something in an 810 that must never be there."""


def _with_prior(invoice: SboInvoice, prior_due: Decimal) -> SboInvoice:
    """A cancel states the original's J9 as it was."""
    return replace(invoice, prior=(PriorInvoice("", prior_due, Decimal("0.00")),) if prior_due else ())


def _lines_json(lines: tuple[ChargeLine, ...]) -> list[dict[str, Any]]:
    return [{"code": line.code, "description": line.description, "amount": str(line.amount),
             "tax": line.is_tax} for line in lines]


def direct_bills_jsonl(conn: sqlite3.Connection, key: str) -> str:
    """The utility's bill print input for one run: one JSON line per charge (exact decimal strings)."""
    rows = conn.execute("SELECT d.*, a.customer_name FROM direct_bill_charges d JOIN accounts a ON a.number ="
                        " d.account_number WHERE d.billed_in = ? ORDER BY d.account_number, d.id", (key,))
    lines = []
    for r in rows:
        lines.append(json.dumps({"account": r["account_number"], "customer": r["customer_name"], "kind": r["kind"],
                                 "amount": r["amount"], "run": key, "detail": json.loads(r["detail"])},
                                sort_keys=True))
    return "".join(line + "\n" for line in lines)
