"""What goes on an SBO 810 and what goes on the utility's own bill (guide section 5; R2, R5, R7, D6).

The types are the guarantee: an ``SboInvoice`` holds SBO-period delivery charges and the prior SBO amount still
due, and has no place for anything else. Budget balances, DUAL-period charges and gas charges of a split-off
account reach the customer through ``DirectBill`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

CENT = Decimal("0.01")


class PeriodBilling(StrEnum):
    """Who bills a service point's delivery charges for one bill period."""

    SBO = "SBO"  # the RES, on its single bill: the utility sends it an 810
    UTILITY = "UTILITY"  # the utility, directly (LDC, DUAL, or R7's DUAL first period)


@dataclass(frozen=True)
class SupplyRow:
    """A billing option in force from ``effective`` (the store's supply rows of one service point)."""

    supplier_duns: str | None
    billing_type: str
    effective: date
    supplier_account: str = ""


def period_billing(rows: tuple[SupplyRow, ...], start: date, end: date) -> tuple[PeriodBilling, SupplyRow | None]:
    """SBO only when SBO was in force at the period's opening read and nothing changed before its closing read.

    R7/D3: an off-cycle enrollment takes effect inside a period, so that first period is billed by the utility
    (DUAL); the switch to SBO lands on the next scheduled read, which opens the first SBO period.
    """
    ordered = sorted(rows, key=lambda r: r.effective)
    at_start = next((r for r in reversed(ordered) if r.effective <= start), None)
    changed_inside = any(start < r.effective <= end for r in ordered)
    if at_start is not None and at_start.billing_type == "ESP" and at_start.supplier_duns and not changed_inside:
        return PeriodBilling.SBO, at_start
    return PeriodBilling.UTILITY, at_start


@dataclass(frozen=True)
class ChargeLine:
    """One line of the billing run: a charge (SAC*C) or a tax (informational SAC*N with TXI)."""

    code: str
    description: str
    amount: Decimal
    print_order: int
    is_tax: bool = False
    rate: str = ""
    quantity: str = ""
    unit: str = ""
    tax_type: str = ""


@dataclass(frozen=True)
class InvoicedPoint:
    """One electric service point on SBO for the whole period: its rate, usage and delivery charges."""

    sp_id: str
    rate_class: str
    kwh: str
    lines: tuple[ChargeLine, ...]

    @property
    def total(self) -> Decimal:
        """Charges and taxes of this service point."""
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class PriorInvoice:
    """An earlier SBO invoice of the account and what the RES has paid on it."""

    number: str
    total: Decimal
    paid: Decimal

    @property
    def open(self) -> Decimal:
        """What is still due on it."""
        return self.total - self.paid


@dataclass(frozen=True)
class Party:
    """A name and address as printed (N1/N3/N4)."""

    name: str
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""


@dataclass(frozen=True)
class SboInvoice:
    """Everything an 810 states, and nothing a budget plan, arrears or a DUAL period could put there (D6)."""

    number: str
    purpose: str  # BIG08: 00 original or rebill, 01 cancellation
    original_number: str  # REF*OI on a cancel or rebill
    invoice_date: date
    account_number: str
    supplier_account: str
    supplier_duns: str
    supplier_name: str
    bill_group: int
    customer: Party
    period_start: date
    period_end: date
    prior: tuple[PriorInvoice, ...]
    points: tuple[InvoicedPoint, ...]

    @property
    def prior_due(self) -> Decimal:
        """BAL*M*J9: earlier SBO invoices still open, and only those."""
        return sum((p.open for p in self.prior), Decimal("0.00"))

    @property
    def period_total(self) -> Decimal:
        """TDS: this period's SBO delivery charges and taxes."""
        return sum((p.total for p in self.points), Decimal("0.00"))

    @property
    def total_due(self) -> Decimal:
        """BAL*M*YB."""
        return self.prior_due + self.period_total


@dataclass(frozen=True)
class DirectBill:
    """One charge on the utility's own bill to the customer: delivery charges it bills itself, or a budget balance."""

    account_number: str
    kind: str
    amount: Decimal
    period_start: date | None
    period_end: date | None
    detail: tuple[ChargeLine, ...] = ()


def cents(amount: Decimal) -> str:
    """An amount as X12 N2 (implied two decimals): 84.12 -> 8412, -1.50 -> -150."""
    return str(int((amount / CENT).to_integral_value()))


def money(amount: Decimal) -> str:
    """An amount as X12 R with two decimals: 84.12."""
    return str(amount.quantize(CENT))


REVERSAL_KIND = "reversal (corrected bill)"


def point_billing(
    commodity: str, point_account: str, bill_account: str, rows: tuple[SupplyRow, ...], start: date, end: date
) -> tuple[PeriodBilling, SupplyRow | None]:
    """Who bills one service point's period: gas, and a point split off to another account (R5), never the RES."""
    if commodity != "EL" or point_account != bill_account:
        return PeriodBilling.UTILITY, None
    billing, row = period_billing(rows, start, end)
    if billing is PeriodBilling.SBO and row is not None and row.supplier_duns:
        return billing, row
    return PeriodBilling.UTILITY, row


def option_in_force(rows: tuple[SupplyRow, ...], end: date) -> str:
    """How the utility bills a period it bills itself: LDC, DUAL (R7's first period), or a split-off gas point."""
    in_force = next((r for r in reversed(rows) if r.effective < end), None)  # the next read opens the next period
    return in_force.billing_type if in_force is not None else "LDC"


def delivery_kind(options: set[str]) -> str:
    """The direct-bill kind of the delivery charges the utility bills itself."""
    return f"delivery charges ({', '.join(sorted(options))})"


def open_invoices(prior: tuple[PriorInvoice, ...]) -> tuple[PriorInvoice, ...]:
    """D6: only earlier SBO invoices with something still due go into BAL*M*J9."""
    return tuple(p for p in prior if p.open != 0)


def cancel_prior(prior_due: Decimal) -> tuple[PriorInvoice, ...]:
    """A cancel states the original's J9 as it was."""
    return (PriorInvoice("", prior_due, Decimal("0.00")),) if prior_due else ()


def reversal(account: str, earlier: list[Decimal], start: date, end: date) -> DirectBill | None:
    """A corrected bill: what earlier versions put on the direct bill is reversed before the new lines go on."""
    total = sum(earlier, Decimal("0.00"))
    return DirectBill(account, REVERSAL_KIND, -total, start, end) if total else None


def period_problem(reads: tuple[date, ...], start: date, end: date) -> str | None:
    """Why START:END is not a bill period of the group (two consecutive scheduled reads), or None when it is."""
    if end <= start:
        return f"the period {start}:{end} ends before it starts"
    ordered = sorted(reads)
    if start not in ordered or end not in ordered:
        missing = ", ".join(str(d) for d in (start, end) if d not in ordered)
        return f"{missing} is not a scheduled read of the group"
    if ordered.index(end) != ordered.index(start) + 1:
        return f"{start} and {end} are not consecutive reads: the period would span several bill periods"
    return None
