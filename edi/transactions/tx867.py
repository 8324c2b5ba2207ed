"""The 867 usage report the utility sends a RES (guide section 11): one per service point, monthly or historical.

A monthly 867 (``BPT01 00``, D15) carries the period's read as a service-point summary (``PTD*SU``) and a meter
loop (``PTD*PM``); a historical one (``BPT01 52``, D12) one ``PTD*BQ`` loop per bill period, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from edi.transactions.tx814 import Utility, ccyymmdd, clean
from edi.x12.writer import SetText, segment_line
from rules.model import UsagePeriod

MONTHLY, HISTORICAL = "00", "52"  # BPT01
HISTORY_PERIODS = 12  # D12: at most a year of bill periods
FINAL = "F"  # BPT07 on a final read (D15)


@dataclass(frozen=True)
class UsageParties:
    """Who the 867 is from, to and about (the customer's name only as the RES itself sent it)."""

    utility: Utility
    supplier_name: str
    supplier_duns: str
    account: str
    supplier_account: str = ""
    customer_name: str = ""


@dataclass(frozen=True)
class PointUsage:
    """One service point's part: its rate class and meter, and the periods reported."""

    rate_class: str
    meter: str
    periods: tuple[UsagePeriod, ...]
    final: bool = False


def _quantity(value: Decimal) -> str:
    """A quantity as X12 R: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _quantities(period: UsagePeriod) -> list[str]:
    lines = [segment_line("QTY", "QD", _quantity(period.kwh), "KH")]
    if period.kw is not None and period.kw > 0:
        lines.append(segment_line("QTY", "QD", _quantity(period.kw), "K1"))
    return lines


def _header(purpose: str, reference: str, today: date, parties: UsageParties, point: PointUsage) -> list[str]:
    """BPT, the references, the parties."""
    lines = [
        segment_line("BPT", purpose, reference, ccyymmdd(today), "C1", "", "", FINAL if point.final else ""),
        segment_line("REF", "12", parties.account),
    ]
    if clean(parties.supplier_account):
        lines.append(segment_line("REF", "11", clean(parties.supplier_account)))
    if point.rate_class:
        lines.append(segment_line("REF", "NH", point.rate_class))
    duns = parties.supplier_duns
    lines += [
        segment_line("N1", "8S", parties.utility.name, "1", parties.utility.duns),
        segment_line("N1", "SJ", clean(parties.supplier_name) or duns, "1" if len(duns) == 9 else "9", duns),
    ]
    if clean(parties.customer_name):
        lines.append(segment_line("N1", "8R", clean(parties.customer_name)))
    return lines


def history_body(reference: str, today: date, parties: UsageParties, point: PointUsage) -> SetText:
    """D12: the historical-usage 867 of one service point, a ``PTD*BQ`` per period, newest first, up to 12."""
    lines = _header(HISTORICAL, reference, today, parties, point)
    newest = sorted(point.periods, key=lambda p: p.end, reverse=True)[:HISTORY_PERIODS]
    for period in newest:
        lines += [segment_line("PTD", "BQ"), segment_line("DTM", "150", ccyymmdd(period.start)),
                  segment_line("DTM", "151", ccyymmdd(period.end)), *_quantities(period)]  # fmt: skip
    return SetText("".join(lines), len(lines))


def monthly_body(reference: str, today: date, parties: UsageParties, point: PointUsage) -> SetText:
    """D15: the monthly 867 of one service point: the period's summary, then its meter (``BPT07 F`` on a final)."""
    (period,) = point.periods
    dates = [segment_line("DTM", "150", ccyymmdd(period.start)), segment_line("DTM", "151", ccyymmdd(period.end))]
    lines = _header(MONTHLY, reference, today, parties, point)
    lines += [segment_line("PTD", "SU"), *dates, *_quantities(period)]
    lines += [segment_line("PTD", "PM"), *dates]
    if point.meter:
        lines.append(segment_line("REF", "MG", clean(point.meter)))
    lines += _quantities(period)
    return SetText("".join(lines), len(lines))
