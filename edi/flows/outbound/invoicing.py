"""An invoice run for one bill group and period: SBO 810s to each RES, everything else on the utility's own bill.

Runs in the caller's transaction. Idempotent: a bill already invoiced (or already put on the direct bill) is left
alone; a corrected bill (a newer version from the billing run) gives a cancel of the original 810 and a rebill.
``rules/invoicing.py`` decides who bills each period and what an 810 may hold; this module only orchestrates.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from edi.flows.delivery import Output, ensure_folder, send_to_supplier, write_atomically
from edi.flows.delivery.mailbag import PER_INTERCHANGE
from edi.flows.outbound.usage import monthly_reports
from edi.naming import mask_account
from edi.store import billing, cycles, usage
from edi.store.connection import Db, next_value, savepoint, setting
from edi.transactions.documents import INVOICE_810, USAGE_867
from edi.transactions.tx810 import breaches, invoice_body
from edi.transactions.tx814 import Utility
from edi.x12.segments import Segment
from edi.x12.writer import SetText, render_set_text, set_text
from rules.invoicing import (
    ChargeLine,
    DirectBill,
    InvoicedPoint,
    PeriodBilling,
    SboInvoice,
    SupplyRow,
    cancel_prior,
    delivery_kind,
    open_invoices,
    option_in_force,
    period_billing,
    period_problem,
    point_billing,
    reversal,
)

Made = tuple[SboInvoice, list[Segment]]


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
    usage: dict[str, list[tuple[str, SetText]]] = field(default_factory=lambda: defaultdict(list))  # D15, per RES
    usage_reports: int = 0
    originals: int = 0  # 810s with BIG08 00 that replace nothing
    cancels: int = 0  # 810s with BIG08 01
    keep: bool = True  # keep each SboInvoice in ``invoices`` (a replay or a test); a billing run only counts them

    def made(self, invoice: SboInvoice) -> None:
        """Count one 810 (and keep it when asked)."""
        self.originals += invoice.purpose == "00" and not invoice.original_number
        self.cancels += invoice.purpose == "01"
        if self.keep:
            self.invoices.append(invoice)

    @property
    def key(self) -> str:
        """How direct-bill charges name the run that billed them."""
        return f"g{self.group:02d}:{self.start}:{self.end}"

    def describe(self) -> str:
        """The counts of the run, for the terminal."""
        return (
            f"{self.originals} 810(s), {self.cancels} cancel(s) with rebill, {len(self.direct_bills)} direct-bill"
            f" charge(s), {self.usage_reports} 867(s), {self.already_done} bill(s) already invoiced"
        )

    @property
    def direct_bill_file(self) -> str:
        """The direct-bill file's one name, from the CLI and in the goldens alike."""
        return direct_bill_file_name(self.group, self.start, self.end)


def direct_bill_file_name(group: int, start: date, end: date) -> str:
    """``direct-bills.g07.2026-11-10_2026-12-09.jsonl``."""
    return f"direct-bills.g{group:02d}.{start}_{end}.jsonl"


@dataclass
class _Split:
    """One bill's service points: SBO points per RES, and what the utility bills itself."""

    sbo: dict[str, list[InvoicedPoint]] = field(default_factory=lambda: defaultdict(list))
    rows: dict[str, SupplyRow] = field(default_factory=dict)
    utility_lines: list[ChargeLine] = field(default_factory=list)
    options: set[str] = field(default_factory=set)


class PeriodError(ValueError):
    """START:END is not a bill period of the group: a usage error, nothing is written."""


class _BreachError(Exception):
    """The final check found something in an 810 that must never be there."""


class Invoicer:
    """Builds and records one group's invoice run."""

    def __init__(self, conn: Db, now: datetime, *, keep_invoices: bool = True, keep_texts: bool = True) -> None:
        self.conn = conn
        self.now = now
        self.keep_invoices = keep_invoices  # False for a billing run of any size: memory stays flat
        self.keep_texts = keep_texts  # False: the outbox rows hold the documents (process publishes them)
        self.utility = Utility(setting(conn, "utility_name"), setting(conn, "utility_duns"))

    def run(self, group: int, start: date, end: date) -> InvoiceRun:
        """Every bill of the group and period: an 810 for SBO service points, the direct bill for the rest."""
        problem = period_problem(cycles.scheduled_reads(self.conn, group), start, end)
        if problem is not None:
            raise PeriodError(f"bill group {group}: {problem}; nothing was invoiced")
        result = InvoiceRun(group, start, end, keep=self.keep_invoices)
        by_supplier: dict[str, list[tuple[str, SetText]]] = defaultdict(list)  # 810s written, per RES
        for bill in billing.latest_bills(self.conn, group, start, end):
            try:
                with savepoint(self.conn, "account"):
                    made = self._bill(bill, result)
                    reports = monthly_reports(self.conn, bill, self.utility, self.now)
            except _BreachError as breach:  # nothing of this account is written: its savepoint rolled back
                result.errors.append(f"{mask_account(bill.account_number)}: {breach}")
                continue
            for invoice, body in made:
                _owe(by_supplier, invoice.supplier_duns, (invoice.number, set_text(body)), result, self._send)
            for duns, reference, usage_body in reports:
                _owe(result.usage, duns, (reference, usage_body), result, self._send_usage)
        self._direct_bills(result)
        for duns in sorted(by_supplier):
            self._send(duns, by_supplier.pop(duns), result)
        for duns in sorted(result.usage):
            self._send_usage(duns, result.usage.pop(duns), result)
        return result

    # -- one account's bill ------------------------------------------------------------------------------
    def _split(self, bill: billing.Bill) -> _Split:
        """Who bills each of the bill's service points for the period (rules/invoicing.py decides)."""
        split = _Split()
        for p in billing.usage(self.conn, bill.id):
            lines = billing.charge_lines(self.conn, bill.id, p.sp_id)
            rows = billing.supply_rows(self.conn, p.sp_id)
            who, row = point_billing(
                p.commodity, p.account_number, bill.account_number, rows, bill.period_start, bill.period_end
            )
            if who is PeriodBilling.SBO and row is not None and row.supplier_duns:
                split.sbo[row.supplier_duns].append(InvoicedPoint(p.sp_id, p.rate_class, p.kwh, lines))
                split.rows[row.supplier_duns] = row
            else:
                split.utility_lines.extend(lines)
                split.options.add(option_in_force(rows, bill.period_end))
        return split

    def _bill(self, bill: billing.Bill, result: InvoiceRun) -> list[Made]:
        if billing.bill_done(self.conn, bill.id):
            result.already_done += 1
            return []
        split = self._split(bill)
        self._reverse_earlier_direct_bill(bill, result)
        made: list[Made] = []
        original = billing.original_invoice(self.conn, bill.account_number, bill.period_start, bill.period_end)
        for duns, points in sorted(split.sbo.items()):
            if original is not None:
                made.append(self._cancel(original, result))
            made.append(self._original(bill, duns, split.rows[duns], tuple(points), original, result))
        if split.utility_lines:
            amount = sum((line.amount for line in split.utility_lines), Decimal("0.00"))
            direct = DirectBill(
                bill.account_number,
                delivery_kind(split.options),
                amount,
                bill.period_start,
                bill.period_end,
                tuple(split.utility_lines),
            )
            billing.add_direct_charge(
                self.conn,
                direct,
                detail=_lines_json(direct.detail),
                created_on=self.now.date(),
                billed_in=result.key,
                bill_id=bill.id,
            )
        return made

    def _original(
        self,
        bill: billing.Bill,
        duns: str,
        row: SupplyRow,
        points: tuple[InvoicedPoint, ...],
        replaced: billing.IssuedInvoice | None,
        result: InvoiceRun,
    ) -> Made:
        """The period's 810 (a rebill when it replaces one), checked before it is recorded."""
        invoice = self._invoice(bill, duns, row, points, original_number=replaced.number if replaced else "")
        body = invoice_body(invoice, self.utility)
        problems = breaches(invoice, body, [line.amount for point in points for line in point.lines])
        if problems:
            raise _BreachError("; ".join(problems))
        billing.record_invoice(self.conn, invoice, bill.id, self.now)
        result.made(invoice)
        return invoice, body

    def _reverse_earlier_direct_bill(self, bill: billing.Bill, result: InvoiceRun) -> None:
        """A corrected bill: what an earlier version put on the direct bill is reversed before the new lines go on."""
        line = reversal(
            bill.account_number, billing.earlier_direct_amounts(self.conn, bill), bill.period_start, bill.period_end
        )
        if line is not None:
            billing.add_direct_charge(
                self.conn, line, detail={}, created_on=self.now.date(), billed_in=result.key, bill_id=bill.id
            )

    def _invoice(
        self,
        bill: billing.Bill,
        duns: str,
        row: SupplyRow,
        points: tuple[InvoicedPoint, ...],
        *,
        original_number: str = "",
        purpose: str = "00",
    ) -> SboInvoice:
        parties = billing.invoice_parties(self.conn, bill.account_number, duns)
        return SboInvoice(
            number=f"AIC{next_value(self.conn, 'invoice'):010d}",
            purpose=purpose,
            original_number=original_number,
            invoice_date=self.now.date(),
            account_number=parties.account_number,
            supplier_account=row.supplier_account,
            supplier_duns=duns,
            supplier_name=parties.supplier_name,
            bill_group=parties.bill_group,
            customer=parties.customer,
            period_start=bill.period_start,
            period_end=bill.period_end,
            prior=open_invoices(billing.prior_invoices(self.conn, parties.account_number, bill.period_start)),
            points=points,
        )

    def _cancel(self, original: billing.IssuedInvoice, result: InvoiceRun) -> Made:
        """BIG08 01 with REF*OI: the original's own lines and amounts, reversed by its purpose code."""
        old = billing.bill(self.conn, original.bill_id)
        points = []
        for p in billing.usage(self.conn, old.id):
            who, _ = period_billing(billing.supply_rows(self.conn, p.sp_id), old.period_start, old.period_end)
            if who is PeriodBilling.SBO:
                points.append(
                    InvoicedPoint(p.sp_id, p.rate_class, p.kwh, billing.charge_lines(self.conn, old.id, p.sp_id))
                )
        row = SupplyRow(original.supplier_duns, "ESP", old.period_start, self._supplier_account(points))
        cancel = self._invoice(
            old, original.supplier_duns, row, tuple(points), original_number=original.number, purpose="01"
        )
        cancel = replace(cancel, prior=cancel_prior(original.prior_due))
        body = invoice_body(cancel, self.utility)
        billing.record_invoice(self.conn, cancel, old.id, self.now)
        billing.mark_cancelled(self.conn, original.number, cancel.number)
        result.made(cancel)
        return cancel, body

    def _supplier_account(self, points: list[InvoicedPoint]) -> str:
        for point in points:
            rows = billing.supply_rows(self.conn, point.sp_id)
            if rows:
                return rows[-1].supplier_account
        return ""

    def _send_usage(self, duns: str, made: list[tuple[str, SetText]], result: InvoiceRun) -> None:
        """One interchange of 867s to a RES into the outbox, beside its 810s (at most ``PER_INTERCHANGE``)."""
        sets = [render_set_text(USAGE_867.code, f"{n:04d}", body) for n, (_, body) in enumerate(made, start=1)]
        result.usage_reports += len(made)
        output = send_to_supplier(self.conn, duns, USAGE_867, sets, self.now)
        usage.mark_usage_sent_in(self.conn, [reference for reference, _ in made], output.file_name)
        self._keep(output, result)

    # -- the utility's own bill, and sending ------------------------------------------------------------
    def _direct_bills(self, result: InvoiceRun) -> None:
        """Budget balances (R2) not yet billed for the group's accounts join this run's direct bill."""
        billing.bill_pending_charges(self.conn, result.key, result.group, result.end)
        for account, kind, amount in billing.run_charges(self.conn, result.key):
            result.direct_bills.append(DirectBill(account, kind, amount, result.start, result.end))

    def _send(self, duns: str, made: list[tuple[str, SetText]], result: InvoiceRun) -> None:
        """One interchange of 810s to a RES into the outbox (at most ``PER_INTERCHANGE`` of them)."""
        sets = [render_set_text(INVOICE_810.code, f"{n:04d}", body) for n, (_, body) in enumerate(made, start=1)]
        output = send_to_supplier(self.conn, duns, INVOICE_810, sets, self.now)
        for number, _ in made:
            billing.mark_invoice_sent_in(self.conn, number, output.file_name)
        self._keep(output, result)

    def _keep(self, output: Output, result: InvoiceRun) -> None:
        if not self.keep_texts:
            output.content = ""  # stored in the outbox already
        result.outputs.append(output)


def _owe(owed: dict[str, list[tuple[str, SetText]]], duns: str, item: tuple[str, SetText], result: InvoiceRun,
         send: Callable[[str, list[tuple[str, SetText]], InvoiceRun], None]) -> None:  # fmt: skip
    """One set owed to a RES; a full interchange's worth goes out at once (memory stays flat at any size)."""
    batch = owed[duns]
    batch.append(item)
    if len(batch) == PER_INTERCHANGE:
        send(duns, owed.pop(duns), result)


def _lines_json(lines: tuple[ChargeLine, ...]) -> list[dict[str, Any]]:
    return [
        {"code": line.code, "description": line.description, "amount": str(line.amount), "tax": line.is_tax}
        for line in lines
    ]


def write_direct_bills(conn: Db, run: InvoiceRun, folder: Path) -> Path:
    """The run's direct-bill file, written whole or not at all (G2)."""
    ensure_folder(folder)
    return write_atomically(folder, run.direct_bill_file, direct_bills_jsonl(conn, run.key).encode("utf-8"))


def direct_bills_jsonl(conn: Db, key: str) -> str:
    """The utility's bill print input for one run: one JSON line per charge (exact decimal strings)."""
    return "".join(json.dumps(line, sort_keys=True) + "\n" for line in billing.direct_bill_lines(conn, key))
