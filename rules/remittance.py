"""D13: an 820's lines matched to our 810s by invoice number: paid, short, over or unknown; never guessed.

Pure: the orchestrator reads what is open on each invoice named, decides here, then records what was decided.
Money that matches nothing, and money beyond what is open, is reported for a person, never put on another 810.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0.00")


class LineStatus(StrEnum):
    """What became of one ``RMR*IV`` line (docs/codes.md, D13)."""

    PAID = "paid"  # exactly what was open
    SHORT = "short"  # less: the rest stays open and is in the next BAL*M*J9
    OVER = "over"  # more: applied up to what was open, the excess reported
    UNKNOWN = "unknown invoice"  # no 810 of ours has this number: reported
    NOT_THEIRS = "billed to another RES"  # the 810 billed a RES other than the payer: reported, nothing applied
    CLOSED = "nothing open"  # the 810 is paid in full (or cancelled): the whole amount reported as excess


@dataclass(frozen=True, slots=True)
class PaidLine:
    """One ``RMR*IV`` line: its place, the invoice it names (RMR02), its amount net of adjustments, its account."""

    line: int
    invoice: str
    amount: Decimal
    account: str = ""


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """One of our 810s as the matching needs it: whom it billed and what is still open on it."""

    supplier_duns: str
    open_amount: Decimal


@dataclass(frozen=True, slots=True)
class LineMatch:
    """What one line does: the amount applied to its 810, and the amount reported (unmatched or excess)."""

    line: int
    invoice: str
    status: LineStatus
    applied: Decimal
    reported: Decimal


@dataclass(frozen=True)
class RemittanceDecision:
    """The whole 820: applied line by line, or refused whole with the reason (nothing applied)."""

    accepted: bool
    reason: str
    matches: tuple[LineMatch, ...] = ()

    @property
    def applied(self) -> Decimal:
        """Money put on our 810s."""
        return sum((m.applied for m in self.matches), ZERO)

    @property
    def reported(self) -> Decimal:
        """Money a person must look at: unknown invoices, other RESs' invoices, excess."""
        return sum((m.reported for m in self.matches), ZERO)


def refusal(total: Decimal | None, lines: Sequence[PaidLine], *, duplicate: bool, authorized: bool) -> str:
    """Why the 820 applies nothing at all, or "" (D13: a duplicate, a payer not allowed, totals that disagree)."""
    if duplicate:
        return "THE SAME PAYER AND TRN02 WERE APPLIED BEFORE"
    if not authorized:
        return "THE SENDER IS NOT THE PAYER NOR A BANK REGISTERED FOR IT"
    if not lines:
        return "NO RMR*IV LINE"
    summed = sum((line.amount for line in lines), ZERO)
    if total is None or total != summed:
        return f"BPR02 {total if total is not None else '?'} IS NOT THE SUM OF THE LINES {summed}"
    return ""


def match_lines(payer: str, lines: Sequence[PaidLine], invoices: Mapping[str, OpenInvoice]) -> tuple[LineMatch, ...]:
    """Each line against what is open on its 810, in order (two lines for one 810 share what is open)."""
    still_open = {number: invoice.open_amount for number, invoice in invoices.items()}
    matches = []
    for line in lines:
        invoice = invoices.get(line.invoice)
        if invoice is None:
            matches.append(LineMatch(line.line, line.invoice, LineStatus.UNKNOWN, ZERO, line.amount))
            continue
        if invoice.supplier_duns != payer:
            matches.append(LineMatch(line.line, line.invoice, LineStatus.NOT_THEIRS, ZERO, line.amount))
            continue
        available = max(still_open[line.invoice], ZERO)
        applied = min(max(line.amount, ZERO), available)
        still_open[line.invoice] = available - applied
        matches.append(LineMatch(line.line, line.invoice, _status(line.amount, available), applied,
                                 line.amount - applied))  # fmt: skip
    return tuple(matches)


def _status(amount: Decimal, available: Decimal) -> LineStatus:
    if available <= ZERO:
        return LineStatus.CLOSED
    if amount == available:
        return LineStatus.PAID
    return LineStatus.SHORT if amount < available else LineStatus.OVER


def decide_remittance(total: Decimal | None, payer: str, lines: Sequence[PaidLine],
                      invoices: Mapping[str, OpenInvoice], *, duplicate: bool,
                      authorized: bool) -> RemittanceDecision:  # fmt: skip
    """D13: refused whole (nothing applied), or every line matched."""
    why = refusal(total, lines, duplicate=duplicate, authorized=authorized)
    if why:
        return RemittanceDecision(False, why)
    return RemittanceDecision(True, "", match_lines(payer, lines, invoices))
