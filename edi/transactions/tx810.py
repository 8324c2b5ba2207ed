"""The SBO 810 (guide section 5): built from an ``SboInvoice``, and read back for the final check before it is sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from edi.transactions.tx814 import Utility, clean
from edi.x12.segments import Segment, seg
from rules.invoicing import ChargeLine, InvoicedPoint, SboInvoice, cents, money


def _sac(indicator: str, code: str, amount: str, line: ChargeLine, unit: str, quantity: str) -> Segment:
    """SAC01..SAC15: indicator, EU agency, code, amount (cents), rate, unit, quantity, print order, text."""
    values = ["SAC", indicator, "", "EU", code, amount, "", "", line.rate, unit, quantity, "", "",
              str(line.print_order), "", clean(line.description)]  # fmt: skip
    return seg(*values)


def _line(number: int, line: ChargeLine) -> list[Segment]:
    """One SLN loop: a charge as SAC*C, a tax as informational SAC*N (MSC001) with the amount in TXI."""
    if line.is_tax:  # guide section 5
        tax = _sac("N", "MSC001", "", line, "", "")
        return [seg("SLN", str(number), "", "I"), tax, seg("TXI", line.tax_type or "ZZ", money(line.amount))]
    unit = line.unit if line.quantity else ""  # X12 SAC syntax: a unit needs its quantity
    return [seg("SLN", str(number), "", "I"), _sac("C", line.code, cents(line.amount), line, unit, line.quantity)]


def _point(number: int, point: InvoicedPoint, invoice: SboInvoice) -> list[Segment]:
    """One IT1 loop: an SBO electric service point, its rate, its period and its lines in print order."""
    body = [seg("IT1", str(number), point.kwh, "KH" if point.kwh else "", "", "", "SV", "ELECTRIC"),
            seg("REF", "NH", point.rate_class), seg("DTM", "150", invoice.period_start.strftime("%Y%m%d")),
            seg("DTM", "151", invoice.period_end.strftime("%Y%m%d"))]  # fmt: skip
    for line_number, line in enumerate(sorted(point.lines, key=lambda x: (x.print_order, x.code)), start=1):
        body += _line(line_number, line)
    return body


def _parties(invoice: SboInvoice, utility: Utility) -> list[Segment]:
    """N1 8S (us), SJ (the RES), 8R (the customer with the service address)."""
    duns, customer = invoice.supplier_duns, invoice.customer
    body = [seg("N1", "8S", utility.name, "1", utility.duns),
            seg("N1", "SJ", clean(invoice.supplier_name) or duns, "1" if len(duns) == 9 else "9", duns),
            seg("N1", "8R", clean(customer.name) or "CUSTOMER")]  # fmt: skip
    if clean(customer.street):
        body.append(seg("N3", clean(customer.street)))
    if any(clean(v) for v in (customer.city, customer.state, customer.zip)):
        body.append(seg("N4", clean(customer.city), clean(customer.state), clean(customer.zip)))
    return body


def invoice_body(invoice: SboInvoice, utility: Utility) -> list[Segment]:
    """The 810 between ST and SE."""
    body = [seg("BIG", invoice.invoice_date.strftime("%Y%m%d"), invoice.number, "", "", "", "", "", invoice.purpose)]
    body.append(seg("REF", "12", invoice.account_number))
    if invoice.supplier_account:
        body.append(seg("REF", "11", clean(invoice.supplier_account)))
    if invoice.original_number:
        body.append(seg("REF", "OI", invoice.original_number))
    body += [seg("REF", "BLT", "ESP"), seg("REF", "PC", "DUAL"), seg("REF", "BF", f"{invoice.bill_group:02d}")]
    body += _parties(invoice, utility)
    body += [seg("BAL", "M", "J9", money(invoice.prior_due)), seg("BAL", "M", "YB", money(invoice.total_due))]
    for number, point in enumerate(invoice.points, start=1):
        body += _point(number, point, invoice)
    return [*body, seg("TDS", cents(invoice.period_total)), seg("CTT", str(len(invoice.points)))]


@dataclass
class ReadBack:
    """The amounts an 810's segments state, as a reader on the RES side would add them up."""

    account: str = ""
    prior_due: Decimal | None = None
    total_due: Decimal | None = None
    tds: Decimal | None = None
    line_items: int = 0
    ctt: int | None = None
    amounts: list[Decimal] = field(default_factory=list)  # every SAC*C and TXI amount, in order
    problems: list[str] = field(default_factory=list)


def read_back(segments: Sequence[Segment]) -> ReadBack:
    """Add up an 810 from its segments alone."""
    out = ReadBack()

    def number(text: str, implied: bool = False) -> Decimal | None:
        try:
            value = Decimal(text)
        except InvalidOperation:
            out.problems.append(f"{text!r} is not a number")
            return None
        return (value / 100).quantize(Decimal("0.01")) if implied else value

    for s in segments:
        tag = s.tag
        if tag == "REF" and s.get(1) == "12":
            out.account = s.get(2)
        elif tag == "BAL" and s.get(2) == "J9":
            out.prior_due = number(s.get(3))
        elif tag == "BAL" and s.get(2) == "YB":
            out.total_due = number(s.get(3))
        elif tag == "IT1":
            out.line_items += 1
        elif tag == "SAC" and s.get(1) == "C":
            amount = number(s.get(5), implied=True)
            if amount is not None:
                out.amounts.append(amount)
        elif tag == "SAC" and s.get(5):
            out.problems.append(f"an informational SAC*{s.get(1)} carries an amount")
        elif tag == "TXI":
            amount = number(s.get(2))
            if amount is not None:
                out.amounts.append(amount)
        elif tag == "TDS":
            out.tds = number(s.get(1), implied=True)
        elif tag == "CTT":
            out.ctt = int(s.get(1)) if s.get(1).isdigit() else None
    return out


def breaches(invoice: SboInvoice, segments: Sequence[Segment], allowed: Sequence[Decimal]) -> list[str]:
    """The final check (D6): every amount in the 810 is an SBO-period line, and the totals add up.

    ``allowed`` is what the store holds for this account's SBO service points in this period's bill; anything
    else in the 810 (a budget balance, arrears, a DUAL-period or gas charge) is a breach.
    """
    found = read_back(segments)
    problems = list(found.problems)
    if found.account != invoice.account_number:
        problems.append("REF*12 is not the invoiced account")
    remaining = list(allowed)
    for amount in found.amounts:
        if amount in remaining:
            remaining.remove(amount)
        else:
            problems.append(f"amount {amount} is not an SBO-period charge of this account")
    if remaining:
        problems.append(f"{len(remaining)} SBO-period line(s) of the bill are missing from the 810")
    if found.tds != sum(found.amounts, Decimal("0.00")):
        problems.append(f"TDS {found.tds} is not the sum of the 810's lines {sum(found.amounts, Decimal('0.00'))}")
    if found.prior_due != invoice.prior_due:
        problems.append(f"BAL*M*J9 {found.prior_due} is not the open SBO invoices' {invoice.prior_due}")
    if found.tds is not None and found.prior_due is not None and found.total_due != found.prior_due + found.tds:
        problems.append("BAL*M*YB is not J9 plus this period's charges")
    if found.ctt != found.line_items or found.line_items != len(invoice.points):
        problems.append("CTT does not count the IT1 loops")
    return problems
